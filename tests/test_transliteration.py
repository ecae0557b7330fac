"""`transliteration` kind: names read in pinyin that no table lists (issue #16 point 3)."""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path

import pytest

from qc.errors import RulePackError
from qc.fix import fix_text
from qc.lint.engine import Linter
from qc.lint.packs import load_pack

ROOT = Path(__file__).resolve().parent.parent
PACK = ROOT / "rules" / "en" / "names.yaml"
RULES = ("MT135", "MT136", "MT138", "MT139")


@lru_cache(maxsize=1)
def linter() -> Linter:
    return Linter([r for r in load_pack(PACK) if r.id in RULES])


def flagged(text: str) -> list[tuple[str, str]]:
    return [(f.rule, f.text) for f in linter().lint(text)]


@pytest.mark.parametrize(
    "text",
    [
        "Secretary of State Haiweima met reporters in Beijing.",  # no table lists it: its syllables and the title
        "The striker Aerbaduo Fuxiluo scored twice, Xinhua said.",  # er after a vowel, uo: a reading's spelling
        "Officials in Seoul said Piao Zhenzhe would attend.",  # zh, in a sentence about Korea
    ],
)
def test_unlisted_readings_are_flagged_by_their_shape(text: str) -> None:
    assert flagged(text)


@pytest.mark.parametrize(
    "text",
    [
        "Secretary of State Haiweima met reporters.",
        "The striker Aerbaduo Fuxiluo scored twice.",
        "Tunisian coach Mondher Alouini said the team was ready.",
        "Riek Machar and Kuol Manyang Juuk met Makuei Lueth in Juba.",
    ],
)
def test_shape_alone_needs_a_text_from_chinese_news(text: str) -> None:
    """Names of many languages parse as pinyin: with no sign that the text comes from
    Chinese news (China, Beijing, Xinhua...), an unlisted name is not judged by its shape."""
    assert not [rule for rule, _ in flagged(text) if rule == "MT139"]


def test_a_reading_that_is_the_english_spelling_is_silent() -> None:
    assert not flagged("Rebiya Kadeer, the exiled Uyghur leader, criticised China.")


@pytest.mark.parametrize(
    "text",
    [
        "Xi Jinping met Li Keqiang and Wang Yi in Zhongnanhai.",
        "Officials in Guangdong, Wulumuqi and Shijiazhuang said",
        "President Zelensky thanked Kuleba; President Bukele and Angela Merkel spoke.",
        "Chinese envoy Zhang Xiaoming told officials in Seoul that the talks went well.",
        "Vice Premier Liu Pujing spoke.",  # a two-syllable reading inside a Chinese name
        "Officials in Seoul said Han Kang would attend.",  # pinyin-shaped, but no pinyin-only spelling
    ],
)
def test_chinese_names_and_real_names_stay_silent(text: str) -> None:
    assert not flagged(text)


def test_listed_readings_are_fixed_in_every_way_mt_splits_them() -> None:
    for reading in ("Bulinken", "Bu Lin Ken"):
        assert fix_text(f"US Secretary of State {reading} said", linter().lint, unsafe=True).text == "US Secretary of State Blinken said"
    assert fix_text("President Yin Xi Yue spoke in Seoul.", linter().lint, unsafe=True).text == "President Yoon Suk-yeol spoke in Seoul."
    assert fix_text("President Baideng said", linter().lint, unsafe=True).text == "President Biden said"


def test_a_bad_syllable_table_is_a_clear_pack_error(tmp_path: Path) -> None:
    (tmp_path / "t.tsv").write_text("pinyin\tname\torigin\n", encoding="utf-8")
    (tmp_path / "s.tsv").write_text("syllable\tforeign\tchinese\nke\tmany\t1\n", encoding="utf-8")
    (tmp_path / "c.txt").write_text("beijing\n", encoding="utf-8")
    pack = tmp_path / "p.yaml"
    pack.write_text(
        "rules:\n  - id: XX901\n    name: x\n    kind: transliteration\n    check: pinyin-table\n    table: t.tsv\n"
        "    shape: s.tsv\n    syllables: s.tsv\n    chinese: c.txt\n    category: untranslated\n    severity: warning\n    message: m\n",
        encoding="utf-8",
    )
    with pytest.raises(RulePackError, match="integer"):
        load_pack(pack)


def test_build_script_reads_names_as_mt_writes_them() -> None:
    spec = importlib.util.spec_from_file_location("build_transliterations", ROOT / "scripts" / "build_transliterations.py")
    assert spec and spec.loader
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    assert build.cjk_reading("An1 bei4 Jin4 san1") == "Anbei Jinsan"
    assert build.foreign_reading("Ai1 long2 · Ma3 si1 ke4") == "Ailong Masike"
    assert build.transliterated_name({"definitions": ["Blair (name)"]}) == "Blair"
    assert build.transliterated_name({"definitions": ["(name) Clayton or Crichton"]}) == "Clayton or Crichton"
