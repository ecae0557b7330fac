"""The seed articles: every text artefact in them is flagged, with the fix named."""

from __future__ import annotations

from pathlib import Path

import pytest

from qc.lint.engine import default_linter

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SEED0 = SEEDS / "000_d551dabb45ec3305.txt"
SEED2 = SEEDS / "002_f846921f518d01c3.txt"


def findings(path: Path):
    text = path.read_text(encoding="utf-8")
    return text, default_linter().lint(text)


def fixed_span(text: str, finding) -> str:
    """The text of the finding's span after its own edits."""
    assert finding.fix is not None, f"{finding.rule} has no fix"
    out = text
    for edit in sorted(finding.fix.edits, reverse=True):
        out = out[: edit.start] + edit.replacement + out[edit.end :]
    delta = sum(len(e.replacement) - (e.end - e.start) for e in finding.fix.edits)
    return out[finding.start : finding.end + delta]


def apply(text: str, edits) -> str:
    out = text
    for edit in sorted(edits, reverse=True):
        out = out[: edit.start] + edit.replacement + out[edit.end :]
    return out


def one(found, rule: str, contains: str, text: str):
    hits = [f for f in found if f.rule == rule and contains in text[max(0, f.start - 20) : f.end + 20]]
    assert hits, f"{rule} did not flag {contains!r}: {[(f.rule, f.text) for f in found]}"
    return hits


@pytest.mark.parametrize(
    ("rule", "near", "expected"),
    [
        ("MT402", "” two sessions", "“two sessions"),
        ("MT301", "vis-à-vis", "on"),
        ("MT401", "Economy. .", None),
        ("MT701", "a economic", "an economic"),
    ],
)
def test_seed_000(rule: str, near: str, expected: str | None) -> None:
    text, found = findings(SEED0)
    hit = one(found, rule, near, text)[0]
    assert hit.fix is not None
    if expected is not None:
        out = text
        for e in sorted(hit.fix.edits, reverse=True):
            out = out[: e.start] + e.replacement + out[e.end :]
        assert expected in out[max(0, hit.start - 20) : hit.end + 40]


def test_seed_000_doubled_period_fix() -> None:
    text, found = findings(SEED0)
    hit = one(found, "MT401", ". .", text)[0]
    assert hit.fix is not None and hit.fix.applicability == "safe"
    # Applied, the fix removes the second stop (and its space), and nothing else.
    doubled = text.index("World Economy. .") + len("World Economy.")
    assert apply(text, hit.fix.edits) == text[:doubled] + text[doubled + 2 :]


def test_seed_002_metadata_and_stray_capital() -> None:
    text, found = findings(SEED2)
    meta = one(found, "MT601", "date 2023-02-01", text)[0]
    assert meta.fix is not None and all(e.replacement == "" for e in meta.fix.edits)
    stray = one(found, "MT603", "JThe", text)[0]
    # Applied, the fix drops the stray capital glued to "The", and nothing else.
    assert stray.fix is not None and stray.fix.applicability == "safe"
    glued = text.index("JThe")
    assert apply(text, stray.fix.edits) == text[:glued] + text[glued + 1 :]
    # Both fixes together give a clean sentence start.
    edits = sorted([*meta.fix.edits, *stray.fix.edits], reverse=True)
    out = text
    for e in edits:
        out = out[: e.start] + e.replacement + out[e.end :]
    assert out.startswith("The Russian government")


def test_seed_002_repeated_statement_twice() -> None:
    text, found = findings(SEED2)
    reps = [f for f in found if f.rule == "MT501" and f.text.lower().startswith("statement")]
    assert len(reps) == 2
    for f in reps:
        assert fixed_span(text, f) == "statement"
        assert f.fix.applicability == "safe"


def test_seed_002_state_visit() -> None:
    text, found = findings(SEED2)
    hit = one(found, "MT204", "government visit", text)[0]
    assert fixed_span(text, hit) == "state visit"


def test_seed_002_mid_sentence_capital() -> None:
    text, found = findings(SEED2)
    hits = [f for f in found if f.rule == "MT607"]
    assert any(f.text == "At" and text[f.start - 10 : f.end] == "statement At" for f in hits)


def test_seed_002_quote_period_mid_sentence() -> None:
    text, found = findings(SEED2)
    hit = one(found, "MT404", "peace”. and", text)[0]
    assert "peace” and" in text[hit.start - 5 : hit.start] + fixed_span(text, hit) + " and"


def test_seed_002_paragraph_without_final_period() -> None:
    text, found = findings(SEED2)
    hits = [f for f in found if f.rule == "MT408"]
    assert len(hits) == 1 and text[: hits[0].end].endswith("with the United States")
    assert hits[0].fix.edits[0].replacement == "."


def test_seed_002_glued_alternative() -> None:
    text, found = findings(SEED2)
    hit = one(found, "MT502", "of what was going on", text)[0]
    assert text[hit.start : hit.end] == "of what was going on."


def test_seed_diff_shows_every_fix(qc) -> None:
    result = qc("scan", "seeds/", "--diff", "--unsafe-fixes")
    diff = result.stdout
    for added in ["“two sessions,”", "dependence on neighboring", "World Economy.\n", "into an economic recession", "state visit", "+The Russian government is planning", "in a statement. “As is known", "peace” and development", "with the United States.", "knew about it. Mao denied"]:
        assert any(added.split("\n")[0].lstrip("+") in line and (not added.startswith("+") or line.startswith(added)) for line in diff.splitlines() if line.startswith("+")), f"diff lacks {added!r}"
