"""`qc eval`: span merging, overlap rules, precision / chance / recall, score validation, CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qc.evaluate import (
    EvalResult,
    add_article,
    kendall_tau_b,
    merge_spans,
    overlaps,
    pairwise_accuracy,
    validate_scores,
)
from qc.finding import Finding

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SAMPLE = FIXTURES / "mqm" / "sample.jsonl"

PACK = """
rules:
  - id: XX501
    name: doubled
    kind: pattern
    category: duplication
    severity: warning
    message: doubled
    pattern: '\\b(?:the the|so so)\\b'
  - id: XX502
    name: banana
    kind: substitution
    category: grammar
    severity: info
    message: banana
    terms: {banana: plantain}
"""


def finding(start: int, end: int, rule: str = "XX1") -> Finding:
    return Finding(rule, "r", "grammar", "warning", "m", start, end, "")


def test_overlap_of_spans_and_points() -> None:
    assert overlaps(0, 3, 2, 5)
    assert not overlaps(0, 2, 2, 5)  # touching end-exclusive spans do not overlap
    assert not overlaps(5, 7, 2, 5)
    # A zero-width annotated span is a point; a finding that touches it counts.
    assert overlaps(0, 2, 2, 2)
    assert overlaps(2, 4, 2, 2)
    assert not overlaps(3, 4, 2, 2)


def test_merge_spans_merges_overlaps_and_keeps_categories() -> None:
    errors = [
        {"start": 10, "end": 20, "category": "A"},
        {"start": 15, "end": 25, "category": "B"},
        {"start": 30, "end": 30, "category": "P"},  # a point
        {"start": 30, "end": 34, "category": "C"},  # starts at the point
        {"start": 40, "end": 45, "category": "A"},
        {"start": 45, "end": 50, "category": "A"},  # touches, does not overlap
    ]
    merged = merge_spans(errors)
    assert [(s, e) for s, e, _ in merged] == [(10, 25), (30, 34), (40, 45), (45, 50)]
    assert merged[0][2] == {"A", "B"}
    assert merged[1][2] == {"P", "C"}


def test_add_article_counts_precision_chance_and_recall() -> None:
    text = "x" * 100
    errors = [
        {"start": 0, "end": 10, "category": "Mis"},
        {"start": 5, "end": 20, "category": "Mis"},
        {"start": 50, "end": 50, "category": "Punct"},
        {"start": 80, "end": 90, "category": "Style"},
    ]
    result = EvalResult()
    findings = [finding(2, 4, "R1"), finding(15, 17, "R1"), finding(48, 50, "R2"), finding(60, 62, "R2")]
    add_article(result, text, errors, findings)
    assert result.annotated_spans == 3  # (0,20), point 50, (80,90)
    assert result.annotated_characters == 30
    assert result.chance == pytest.approx(0.30)
    assert result.findings == 4 and result.hits == 3
    assert result.precision == pytest.approx(0.75)
    assert result.rules["R1"].precision == 1.0
    assert result.rules["R2"].precision == 0.5
    assert result.categories["Mis"].found == 1 and result.categories["Mis"].spans == 1
    assert result.categories["Punct"].recall == 1.0
    assert result.categories["Style"].recall == 0.0


def test_pairwise_accuracy_skips_human_ties_and_halves_qc_ties() -> None:
    # (qc_a, qc_b, mqm_a, mqm_b): higher qc is better, lower mqm is better.
    acc, n = pairwise_accuracy([(90, 80, 1.0, 2.0), (80, 90, 1.0, 2.0), (70, 70, 1.0, 3.0), (50, 60, 2.0, 2.0)])
    assert n == 3
    assert acc == pytest.approx(1.5 / 3)


def test_kendall_tau_b() -> None:
    assert kendall_tau_b([1, 2, 3, 4], [1, 2, 3, 4]) == pytest.approx(1.0)
    assert kendall_tau_b([1, 2, 3, 4], [4, 3, 2, 1]) == pytest.approx(-1.0)
    assert kendall_tau_b([1, 1], [1, 1]) is None


def test_validate_scores_system_and_story_levels() -> None:
    items = []
    # Two stories, three systems; qc orders them exactly as the humans do.
    for story in ("s1", "s2"):
        for system, mqm, q in (("good", 1.0, 90.0), ("mid", 2.0, 70.0), ("bad", 4.0, 40.0)):
            items.append(({"story": story, "system": system, "mqm": mqm + (0.5 if story == "s2" else 0)}, q))
    v = validate_scores(items)
    assert v.systems == 3 and v.system_pairs == 3
    assert v.system_accuracy == 1.0
    assert v.story_pairs == 6 and v.story_accuracy == 1.0
    assert v.story_kendall_tau == pytest.approx(1.0)
    # Reverse the qc scores: everything flips.
    flipped = validate_scores([(m, 100 - q) for m, q in items])
    assert flipped.system_accuracy == 0.0 and flipped.story_accuracy == 0.0


def test_eval_cli_json_on_mqm_sample(qc, tmp_path: Path) -> None:
    pack = tmp_path / "pack.yaml"
    pack.write_text(PACK, encoding="utf-8")
    data = tmp_path / "data.jsonl"
    records = [
        {"text": "They met in the the capital.", "errors": [{"start": 12, "end": 19, "category": "Fluency/Grammar", "severity": "Minor"}]},
        {"text": "A banana and a banana.", "errors": [{"start": 2, "end": 8, "category": "Accuracy/Mistranslation", "severity": "Major"}]},
        {"text": "It is so so good.", "errors": []},
    ]
    data.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    proc = qc("eval", str(data), "--no-default-rules", "--rules", str(pack), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    rules = {r["rule"]: r for r in out["rules"]}
    assert rules["XX501"]["fires"] == 2 and rules["XX501"]["hits"] == 1
    assert rules["XX502"]["fires"] == 2 and rules["XX502"]["hits"] == 1
    assert out["precision"] == pytest.approx(0.5)
    recall = {c["category"]: c["recall"] for c in out["recall_by_category"]}
    assert recall == {"Fluency/Grammar": 1.0, "Accuracy/Mistranslation": 1.0}
    # --ignore removes a rule from the table and from precision.
    proc = qc("eval", str(data), "--no-default-rules", "--rules", str(pack), "--ignore", "XX502", "--format", "json")
    out = json.loads(proc.stdout)
    assert [r["rule"] for r in out["rules"]] == ["XX501"]


def test_eval_cli_text_on_licensed_sample(qc) -> None:
    proc = qc("eval", str(SAMPLE))
    assert proc.returncode == 0, proc.stderr
    assert "articles: 30" in proc.stdout
    assert "chance level: 24.0%" in proc.stdout
    assert "Accuracy/Mistranslation" in proc.stdout


def test_eval_cli_missing_file_is_an_error(qc, tmp_path: Path) -> None:
    proc = qc("eval", str(tmp_path / "nope.jsonl"))
    assert proc.returncode == 2
    assert "no such file" in proc.stderr
