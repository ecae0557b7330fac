"""langdetect's profiles through qc's cache (qc/lint/language_profiles.py): the same table
and the same detections as langdetect's own loading."""

from __future__ import annotations

from pathlib import Path

import langdetect.detector_factory as factory_module
import pytest

from qc.lint import language_profiles
from qc.lint.kinds.foreign_language import detect

PARAGRAPHS = [
    "The minister said on Tuesday that the talks would resume next week in Geneva.",
    "Le président de la République a déclaré que la situation était grave.",
    "Der Bundeskanzler hat heute in Berlin gesagt, dass die Lage ernst ist.",
    "El gobierno anunció nuevas medidas para reducir la inflación este año.",
    "这是一个测试",
]


@pytest.fixture
def fresh_factory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("QC_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(factory_module, "_factory", None)
    return tmp_path


def test_cached_table_reads_as_langdetects_own(fresh_factory: Path) -> None:
    language_profiles.ready_factory()  # langdetect's loading, then stored
    own = factory_module._factory
    assert isinstance(own.word_lang_prob_map, dict)
    expected = [detect(p) for p in PARAGRAPHS]
    assert list(fresh_factory.glob("langdetect-*.marshal"))
    factory_module._factory = None
    language_profiles.ready_factory()  # from the cache
    cached = factory_module._factory
    assert isinstance(cached.word_lang_prob_map, language_profiles.SparseProbabilities)
    assert cached.langlist == own.langlist
    table = cached.word_lang_prob_map
    assert len(table) == len(own.word_lang_prob_map)
    for word in list(own.word_lang_prob_map)[::97]:
        assert word in table
        assert table[word] == own.word_lang_prob_map[word]
    assert "no such n-gram" not in table
    assert [detect(p) for p in PARAGRAPHS] == expected


def test_unusable_cache_file_falls_back(fresh_factory: Path) -> None:
    language_profiles.ready_factory()
    (path,) = fresh_factory.glob("langdetect-*.marshal")
    path.write_bytes(b"not marshal data")
    factory_module._factory = None
    language_profiles.ready_factory()
    assert isinstance(factory_module._factory.word_lang_prob_map, dict)
