"""Peer agreement (qc.consensus.agreement: chrF) and the consensus term of the quality score."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sacrebleu.metrics import CHRF

from qc import quality as Q
from qc import scoring as S
from qc.consensus import MIN_GROUP, agreements, char_ngrams, chrf, peers_of, relative_disagreement

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SAMPLE = FIXTURES / "mqm" / "sample.jsonl"

SOURCE = (
    "The city council approved a plan on Monday to build 3,000 affordable homes near the river by 2030. "
    "The mayor said the project would be paid for by a new tax on empty properties. "
    "Opposition members called the timetable unrealistic and asked for an independent review."
)
VARIANTS = [
    SOURCE,
    SOURCE.replace("approved a plan", "adopted a plan").replace("unrealistic", "not realistic"),
    SOURCE.replace("on Monday", "on Monday evening").replace("asked for", "demanded"),
    SOURCE.replace("affordable homes", "cheap houses").replace("independent review", "external review"),
]
# a translation that lost a sentence and garbled another: the peers disagree with it
OUTLIER = (
    "City parliament of the council has approved on the Monday the plan of building of homes of 3,000 "
    "pieces that are affordable near to the river until 2030 year."
)


@pytest.mark.parametrize(
    "hyp, ref",
    [
        (VARIANTS[0], VARIANTS[1]),
        (OUTLIER, VARIANTS[2]),
        ("ab", "ab cdefgh"),
        ("", "x"),
        ("x", ""),
        ("北京 今天 下雨", "Beijing: 今天 rain"),
        ("Ünïcödé ✓ text", "Unicode text ✓"),
    ],
)
def test_chrf_equals_sacrebleu_sentence_score(hyp: str, ref: str) -> None:
    assert chrf(char_ngrams(hyp), char_ngrams(ref)) == pytest.approx(CHRF().sentence_score(hyp, [ref]).score, abs=1e-9)


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=80), st.text(max_size=80))
def test_chrf_equals_sacrebleu_on_arbitrary_text(hyp: str, ref: str) -> None:
    hyp, ref = hyp.replace("\x00", ""), ref.replace("\x00", "")
    assert chrf(char_ngrams(hyp), char_ngrams(ref)) == pytest.approx(CHRF().sentence_score(hyp, [ref]).score, abs=1e-9)


def test_the_outlier_agrees_least_and_the_gaps_sum_to_zero() -> None:
    texts = VARIANTS + [OUTLIER]
    relative = relative_disagreement(texts)
    assert relative is not None
    agree = [a for a, _ in relative]
    assert agree.index(min(agree)) == len(texts) - 1
    gaps = [g for _, g in relative]
    assert gaps[-1] > 10 and all(g < 0 for g in gaps[:-1])
    assert sum(gaps) == pytest.approx(0.0, abs=1e-9)


def test_groups_too_small_are_not_judged() -> None:
    assert relative_disagreement(VARIANTS[: MIN_GROUP - 1]) is None


def test_peers_are_capped_to_the_nearest_members() -> None:
    assert peers_of(0, 4) == [1, 2, 3]
    assert peers_of(10, 30, limit=4) == [8, 9, 11, 12]
    assert len(agreements(VARIANTS * 4, limit=3)) == 16


def test_apply_consensus_reorders_a_translation_group_only() -> None:
    texts = VARIANTS + [OUTLIER] + ["An unrelated report about football.", "Another one about rain."]
    qualities = [Q.quality_of(t, []) for t in texts]
    groups = [[0, 1, 2, 3, 4], [5, 6]]
    out, used = S.apply_consensus(qualities, texts, groups)
    assert used == 1
    assert out[4].score < qualities[4].score and out[4].penalties["consensus"] > 0
    assert all(out[i].agreement is not None for i in range(5))
    assert out[5] is qualities[5] and out[6] is qualities[6]
    assert "agreement" not in qualities[0].to_dict() and "agreement" in out[0].to_dict()


def test_groups_of_different_articles_about_one_event_are_left_alone() -> None:
    texts = [
        "Floods closed schools across the region on Tuesday as rivers burst their banks after three days of rain.",
        "The regional government promised emergency funds for farmers whose crops were ruined by the floods.",
        "Volunteers filled sandbags overnight in the old town, where the water reached the first floors.",
    ]
    qualities = [Q.quality_of(t, []) for t in texts]
    out, used = S.apply_consensus(qualities, texts, [[0, 1, 2]])
    assert used == 0 and out == qualities


def test_story_groups_by_field_and_none() -> None:
    meta = [{"story": "a"}, {"story": "b"}, {"story": "a"}, {}, {"story": True}]
    assert S.story_groups(["x"] * 5, meta, "story") == [[0, 2], [1]]
    assert S.story_groups(["x"] * 5, meta, "none") == []


def test_consensus_term_on_the_mqm_sample_uses_the_story_tier_groups() -> None:
    """3 stories × 10 systems: qc's story tier finds the three stories, so `--peers auto`
    scores as `--peers story`; the content term orders the ten systems at least as well as
    the single-article score (0.82 → 0.83 here; 0.78 → 0.91 on the dev split)."""
    from qc.evaluate import evaluate_paths

    alone = evaluate_paths([str(SAMPLE)], scores=True, peers="none").scores
    found = evaluate_paths([str(SAMPLE)], scores=True, peers="auto").scores
    by_field = evaluate_paths([str(SAMPLE)], scores=True, peers="story").scores
    assert alone and found and by_field
    assert found.system_accuracy is not None and alone.system_accuracy is not None
    assert found.system_accuracy >= alone.system_accuracy
    assert by_field.story_accuracy == found.story_accuracy  # qc's story tier finds the three stories
    assert found.system_table != alone.system_table  # the term did reorder


def test_score_cli_peers_option(qc) -> None:
    proc = qc("score", str(SAMPLE), "--format", "json", "--peers", "story")
    assert proc.returncode == 0, proc.stderr
    articles = json.loads(proc.stdout)["articles"]
    assert all("agreement" in a and "consensus" in a["penalties"] for a in articles)
    proc = qc("score", str(SAMPLE), "--format", "json", "--peers", "none")
    articles = json.loads(proc.stdout)["articles"]
    assert not any("agreement" in a for a in articles)
