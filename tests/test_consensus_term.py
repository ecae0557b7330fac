"""The score's consensus term (qc.consensus.term): substance costs, paraphrase does not."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qc import quality as Q
from qc import scoring as S
from qc.consensus import relative_disagreement
from qc.consensus import term as T
from qc.consensus.term import disagreements, penalty

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "consensus"


def earthquake_group() -> tuple[list[str], list[str]]:
    records = [json.loads(line) for line in (FIXTURES / "earthquake-10-systems.jsonl").read_text(encoding="utf-8").splitlines()]
    texts = [r["text"] for r in records] + [(FIXTURES / "paraphrase.txt").read_text(encoding="utf-8")]
    return texts, [r["system"] for r in records] + ["paraphrase"]


def test_a_free_paraphrase_does_not_score_below_the_literal_mt_versions() -> None:
    """Ten MT systems of one story and a faithful free translation written from them: the
    paraphrase scores above the MT versions' mean (it ranked last under the chrF term)."""
    texts, _ = earthquake_group()
    qualities = [Q.quality_of(t, []) for t in texts]
    scored, used = S.apply_consensus(qualities, texts, [list(range(len(texts)))])
    assert used == 1
    mt = [q.score for q in scored[:-1]]
    paraphrase = scored[-1]
    assert paraphrase.score >= sum(mt) / len(mt)
    assert sorted(q.score for q in scored).index(paraphrase.score) >= 3
    assert paraphrase.penalties["consensus"] < 5.0
    # paraphrase costs nothing: the term charges it no more than the MT versions' mean
    # (scripts/fit_consensus_term.py fits the weights under this constraint)
    mt_terms = [q.penalties["consensus"] for q in scored[:-1]]
    assert paraphrase.penalties["consensus"] <= sum(mt_terms) / len(mt_terms) + 0.05
    # the surface term it replaces put the paraphrase last, far behind
    gaps = [gap for _, gap in relative_disagreement(texts) or []]
    assert gaps.index(max(gaps)) == len(texts) - 1


def test_substance_costs_and_wording_does_not() -> None:
    texts, _ = earthquake_group()
    mt = texts[:-1]
    base = disagreements(mt)
    assert base is not None
    # a version that drops the death toll and misspells a town loses against its own original
    damaged = mt[0].replace("Gaziantep", "Ghaziantab").split("According to official statistics")[0]
    worse = disagreements([damaged, *mt[1:]])
    assert worse is not None
    assert penalty(worse[0]) > penalty(base[0]) + 5
    assert worse[0].issues > base[0].issues and worse[0].shortfall > 0


def test_groups_below_three_are_not_judged() -> None:
    texts, _ = earthquake_group()
    assert disagreements(texts[:2]) is None


def test_the_term_sums_to_zero_without_issues_or_shortfall() -> None:
    texts, _ = earthquake_group()
    found = disagreements(texts)
    assert found is not None
    assert sum(d.gap for d in found) == pytest.approx(0.0, abs=1e-9)


def test_the_fitted_weights_are_data_with_their_provenance() -> None:
    """The weights live in qc/data/consensus-term.json, written by
    scripts/fit_consensus_term.py with the figures it measured on the held-out stories."""
    data = json.loads(T.WEIGHTS_FILE.read_text(encoding="utf-8"))
    weights = T.fitted_weights()
    assert set(data["weights"]) == set(T.PARTS)
    assert all(getattr(weights, part) >= 0 for part in T.PARTS)  # every part is a penalty
    assert data["held_out"]["stories"] > 0 and "within_story" in data["cross_validation"]
