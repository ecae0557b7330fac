"""The compiled-rules cache key: the lint code is the code this process imported."""

from __future__ import annotations

from pathlib import Path

import pytest

from qc.lint import packs


def test_key_uses_the_code_digest_taken_at_import(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QC_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("QC_NO_RULE_CACHE", raising=False)
    pack = packs.DEFAULT_RULES_DIR
    first = packs.compiled_cache_file([pack], False)
    assert first is not None and first.parent == tmp_path

    # the files on disk are not read again: an edit after import does not change the key
    def unreadable() -> bytes:
        raise AssertionError("code files read again")

    monkeypatch.setattr(packs, "lint_code_digest", unreadable)
    assert packs.compiled_cache_file([pack], False) == first
    # other code, other key; unknown code, no cache
    monkeypatch.setattr(packs, "LINT_CODE_DIGEST", b"other code")
    assert packs.compiled_cache_file([pack], False) not in (None, first)
    monkeypatch.setattr(packs, "LINT_CODE_DIGEST", None)
    assert packs.compiled_cache_file([pack], False) is None


def test_digest_follows_the_code() -> None:
    assert packs.LINT_CODE_DIGEST == packs.lint_code_digest()
