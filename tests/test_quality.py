"""Quality score: formula terms, ranking, grouping, `qc score`, and ordering on the MQM sample."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qc import quality as Q
from qc import scoring as S
from qc.finding import Finding

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SAMPLE = FIXTURES / "mqm" / "sample.jsonl"

CLEAN = (
    "The central bank raised its benchmark interest rate by a quarter of a percentage point on Tuesday, "
    "citing persistent inflation in services and a tight labour market. Economists had expected the move, "
    "although several analysts warned that borrowing costs could weigh on construction and manufacturing."
)


def warning(start: int = 0, end: int = 3, severity: str = "warning") -> Finding:
    return Finding("XX1", "x", "grammar", severity, "m", start, end, "")  # type: ignore[arg-type]


def test_clean_text_scores_high_and_findings_cost_points() -> None:
    clean = Q.quality_of(CLEAN, [])
    assert clean.score >= 90
    assert clean.words == len(Q.WORD.findall(CLEAN))
    one = Q.quality_of(CLEAN, [warning()])
    # One warning in ~45 words: density 100/45 ≈ 2.2 per 100 words, × 5 points.
    assert clean.score - one.score == pytest.approx(Q.FINDINGS_WEIGHT * 100 / clean.words, abs=0.11)
    errors = Q.quality_of(CLEAN, [warning(severity="error")])
    assert errors.score < one.score


def test_untranslated_and_garbled_text_lose_points() -> None:
    clean = Q.quality_of(CLEAN, [])
    mixed = Q.quality_of(CLEAN + " 中国人民银行今天宣布降低存款准备金率。", [])
    assert mixed.untranslated > 0.05
    assert mixed.score < clean.score - 10
    garbled = CLEAN + " The xqzvtrk plmbbwst ofthe governmnet announcemnet wasthe qwrtzpfl."
    g = Q.quality_of(garbled, [])
    assert g.garble > 0.05
    assert g.score < clean.score - 15


def test_garble_ignores_names_real_words_compounds_and_contractions() -> None:
    words = Q.WORD.findall("Xi Jinping said the year-on-year pension figures weren't implausible, and the broadband xqzvtrk failed.")
    assert Q.garbled_types(set(words)) == {"xqzvtrk"}


def test_the_same_finding_repeated_counts_once() -> None:
    text = "The Cup Press Agency said so. The Cup Press Agency said it again, and the Cup Press Agency agreed."
    span = (4, 20)
    assert text[span[0] : span[1]] == "Cup Press Agency"
    second = text.index("Cup Press Agency", 10)
    once = Q.quality_of(text, [warning(*span)])
    twice = Q.quality_of(text, [warning(*span), warning(second, second + 16)])
    assert twice.findings_density == pytest.approx(once.findings_density)
    other = Q.quality_of(text, [warning(*span), warning(0, 3)])  # a different text: counts
    assert other.findings_density == pytest.approx(2 * once.findings_density)
    counted = Q.quality_of(text, [warning(*span), warning(second, second + 16)], Q.Weights(repeats_count_once=False))
    assert counted.findings_density == pytest.approx(2 * once.findings_density)


def run_on_share(text: str) -> float:
    long, total = Q.run_on_words(Q.tokens(text))
    return long / total if total else 0.0


def test_run_on_sentences_cost_points() -> None:
    short = "The minister spoke. " * 30
    long_sentence = "The minister said " + ", ".join(["the plan will be improved and the work carried out"] * 6) + ". "
    assert run_on_share(short) == 0.0
    assert run_on_share(long_sentence) == 1.0
    # Semicolons and line breaks end sentences; a run-on share is by words.
    assert run_on_share("; ".join(["one two three four five six seven eight nine ten"] * 6)) == 0.0
    mixed = run_on_share(short + long_sentence)
    assert 0.0 < mixed < 1.0
    assert Q.quality_of(long_sentence, []).penalties["run-on"] == pytest.approx(Q.RUN_ON_WEIGHT)
    assert Q.quality_of(CLEAN, []).penalties["run-on"] == 0.0


def test_plain_generic_wording_costs_more_than_specific_wording() -> None:
    plain = (
        "The big bank said on Tuesday that it will make the rate go up a little because the price of things "
        "is still high and there are not many people who can do the work."
    )
    plain_q, clean_q = Q.quality_of(plain, []), Q.quality_of(CLEAN, [])
    assert plain_q.plainness > clean_q.plainness
    assert plain_q.penalties["plainness"] > clean_q.penalties["plainness"] + 5
    # Unknown words (names) count as Zipf 3, not 0: a name does not make a text look rich.
    named = Q.quality_of(plain.replace("The big bank", "Xqzvbank"), [])
    assert named.plainness >= Q.ZIPF_FLOOR
    assert abs(named.plainness - plain_q.plainness) < 0.3


def test_empty_text_is_clean() -> None:
    assert Q.quality_of("", []).score == 100.0


def test_rank_and_group_by() -> None:
    items = [
        S.ScoredArticle("a", Q.quality_of(CLEAN, []), 0, {"system": "good"}),
        S.ScoredArticle("b", Q.quality_of(CLEAN, [warning(), warning(4, 6)]), 2, {"system": "bad"}),
        S.ScoredArticle("c", Q.quality_of(CLEAN, [warning()]), 1, {"system": "bad"}),
    ]
    assert [s.ref for s in S.rank(items)] == ["b", "c", "a"]
    rows = S.group_by(items, "system")
    assert [r["system"] for r in rows] == ["bad", "good"]
    assert rows[0]["articles"] == 2 and rows[0]["findings"] == 3


def test_score_paths_puts_quality_in_the_json_summary(tmp_path: Path) -> None:
    from qc.report import render

    scored, result = S.score_paths([str(SAMPLE)])
    assert len(scored) == 30
    doc = json.loads(render("json", result))
    quality = doc["summary"]["articles"][scored[0].ref]["quality"]
    assert 0 <= quality["score"] <= 100
    assert set(quality["penalties"]) == {"findings", "untranslated", "garble", "plainness", "run-on"}


def test_markdown_front_matter_offsets_are_body_relative(tmp_path: Path) -> None:
    md = tmp_path / "a.md"
    md.write_text("---\ntitle: x\n---\nThey met in the the capital.\n", encoding="utf-8")
    scored, _ = S.score_paths([str(md)], keep_text=True)
    (item,) = scored
    dup = [f for f in item.located or [] if f.rule == "MT501"]
    assert dup, "expected the duplicated-word rule to fire"
    assert (item.text or "")[dup[0].start : dup[0].end].lower().startswith("the")


def test_score_orders_mqm_sample_better_than_chance() -> None:
    """On 3 stories × 10 systems, the score must order translations of a story better than chance."""
    from qc.evaluate import evaluate_paths

    result = evaluate_paths([str(SAMPLE)], scores=True)
    v = result.scores
    assert v is not None and v.story_pairs > 100
    assert v.story_accuracy is not None and v.story_accuracy > 0.6  # 0.66 with the documented formula


def test_score_cli_ranks_worst_first_and_averages_by_field(qc) -> None:
    proc = qc("score", str(SAMPLE), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    scores = [a["score"] for a in json.loads(proc.stdout)["articles"]]
    assert len(scores) == 30 and scores == sorted(scores)
    proc = qc("score", str(SAMPLE), "--by", "system")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].split()[:2] == ["system", "mean"]
    assert len(lines) == 11
    means = [float(line.split()[1]) for line in lines[1:]]
    assert means == sorted(means)
    proc = qc("score", str(SAMPLE), "-n", "3")
    assert len(proc.stdout.splitlines()) == 4
