"""The false-friend frames: every entry's bad sentences are flagged and its correct uses are not."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from qc.errors import RulePackError
from qc.lint.engine import Linter
from qc.lint.kinds.false_friend_frame import compile_frame
from qc.lint.packs import load_pack

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "rules/en/data/phrases/false-friends.yaml"
ENTRIES = yaml.safe_load(DATA.read_text(encoding="utf-8"))["entries"]
LINTER = Linter([r for r in load_pack(ROOT / "rules/en/phrases.yaml") if r.id == "MT211"])


def test_at_least_a_hundred_headwords_each_with_examples() -> None:
    assert len(ENTRIES) >= 100
    for entry in ENTRIES:
        assert entry.get("bad") and entry.get("fine"), entry["headword"]
        assert entry.get("langs") and entry.get("source") and entry.get("sense"), entry["headword"]


@pytest.mark.parametrize("entry", ENTRIES, ids=[e["headword"] for e in ENTRIES])
def test_entry_examples(entry: dict) -> None:
    for text in entry["bad"]:
        assert LINTER.lint(text), f"not flagged: {text!r}"
    for text in entry["fine"]:
        found = LINTER.lint(text)
        assert not found, f"flagged {[f.text for f in found]} in correct English: {text!r}"


def test_fix_drops_the_preposition_and_keeps_case() -> None:
    [finding] = LINTER.lint("Assisted to the funeral were 300 people.")
    assert finding.fix is not None
    edits = sorted((e.start, e.end, e.replacement) for e in finding.fix.edits)
    text = "Assisted to the funeral were 300 people."
    for start, end, replacement in reversed(edits):
        text = text[:start] + replacement + text[end:]
    assert text == "Attended the funeral were 300 people."


def test_a_frame_across_a_line_break_but_not_a_paragraph() -> None:
    assert LINTER.lint("The minister assisted to\nthe ceremony.")
    assert not LINTER.lint("The minister assisted to\n\nthe ceremony.")


def test_bad_frames_are_refused_with_a_reason() -> None:
    with pytest.raises(ValueError, match="no \\{FORM\\}"):
        compile_frame("[to] the", ["assist"], {})
    with pytest.raises(ValueError, match="unknown class"):
        compile_frame("{FORM} NOPE", ["assist"], {})


def test_a_broken_data_file_is_a_rule_pack_error(tmp_path: Path) -> None:
    pack = tmp_path / "p.yaml"
    (tmp_path / "ff.yaml").write_text("entries: [{headword: x, forms: {x: y}, frames: ['{FORM} [a|']}]\n", encoding="utf-8")
    pack.write_text(
        "pack: p\nlanguage: en\nrules:\n  - id: XX901\n    name: x\n    kind: frame\n    data: ff.yaml\n"
        "    category: mistranslation/calque\n    severity: warning\n    message: m\n"
        "    examples: {bad: [{text: x, fix: null}], good: [y]}\n",
        encoding="utf-8",
    )
    with pytest.raises(RulePackError, match="bad frame"):
        load_pack(pack)
