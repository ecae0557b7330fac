"""The seed articles' named-entity, organisation, acronym and pronoun artefacts are each
flagged by the expected rule, and the fix names the right thing."""

from __future__ import annotations

from pathlib import Path

import pytest

from qc.finding import Finding
from qc.fix import apply_edits
from qc.lint.engine import default_linter

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def findings_for(name: str) -> tuple[str, list[Finding]]:
    text = (SEEDS / name).read_text(encoding="utf-8")
    return text, default_linter().lint(text)


def fixed_span(text: str, finding: Finding, context: int = 0) -> str:
    """The finding's stretch of text after its own fix (plus `context` characters either side)."""
    assert finding.fix is not None, f"{finding.rule} has no fix"
    lo, hi = max(0, finding.start - context), min(len(text), finding.end + context)
    edits = [e for e in finding.fix.edits]
    piece = apply_edits(text, edits)
    shift = sum(len(e.replacement) - (e.end - e.start) for e in edits)
    return piece[lo : hi + shift]


CASES = [
    # (seed, rule, flagged text, text after the fix (None: flag only), applicability)
    ("000_d551dabb45ec3305.txt", "MT111", "CCP", "CPC", "unsafe"),
    ("000_d551dabb45ec3305.txt", "MT121", "Organization of cooperation from Shanghai", "Shanghai Cooperation Organization", "unsafe"),
    ("000_d551dabb45ec3305.txt", "MT122", "ministry spokesman of Foreign Affairs", "Foreign Ministry spokesman", "unsafe"),
    ("000_d551dabb45ec3305.txt", "MT251", "Xi as Xi’s", "Xi as its", "unsafe"),
    ("000_d551dabb45ec3305.txt", "MT101", "Russia. Cup Press Agency", "Russia’s TASS news agency", "unsafe"),
    ("002_f846921f518d01c3.txt", "MT101", "RIA News", "RIA Novosti", "safe"),
    ("002_f846921f518d01c3.txt", "MT113", "the NATO", "NATO", "unsafe"),
]


@pytest.mark.parametrize(("seed", "rule", "flagged", "fixed", "applicability"), CASES, ids=[f"{c[1]}:{c[2]}" for c in CASES])
def test_seed_artefact_is_flagged_and_fixed(seed: str, rule: str, flagged: str, fixed: str, applicability: str) -> None:
    text, findings = findings_for(seed)
    hits = [f for f in findings if f.rule == rule and f.text == flagged]
    assert hits, f"{rule} did not flag {flagged!r}; it flagged {[f.text for f in findings if f.rule == rule]}"
    finding = hits[0]
    assert finding.fix is not None and finding.fix.applicability == applicability
    assert fixed_span(text, finding) == fixed


def test_seed_000_context_of_fixes() -> None:
    text, findings = findings_for("000_d551dabb45ec3305.txt")
    by_rule = {f.rule: f for f in findings if f.rule in {"MT101", "MT111", "MT251"}}
    assert "according to Russia’s TASS news agency." in apply_edits(text, by_rule["MT101"].fix.edits)
    assert "Communist Party of China (CPC) National Congress" in apply_edits(text, by_rule["MT111"].fix.edits)
    assert "decision to re-elect Xi as its leader would" in apply_edits(text, by_rule["MT251"].fix.edits)


def test_seed_002_the_nato_only_where_it_ends_the_phrase() -> None:
    text, findings = findings_for("002_f846921f518d01c3.txt")
    nato = [f for f in findings if f.rule == "MT113"]
    assert [f.text for f in nato] == ["the NATO"]
    assert text[nato[0].end] == "."  # "alliances like the NATO." — not "its NATO concerns"


def test_correct_names_in_the_seeds_are_not_flagged() -> None:
    for seed in ("000_d551dabb45ec3305.txt", "002_f846921f518d01c3.txt"):
        _, findings = findings_for(seed)
        flagged = {f.text for f in findings if f.rule.startswith(("MT1", "MT25"))}
        assert not flagged & {"RIA Novosti", "Foreign Ministry", "Russian Foreign Ministry", "NATO", "Reuters", "Bloomberg"}
