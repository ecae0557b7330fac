"""Choosing representatives: findings counted once per article, in batches, equal to
linting one by one; a lint failure surfaces instead of silently counting as 0 findings;
the streamed copy tier builds the same clusters as the in-memory one."""

from __future__ import annotations

from pathlib import Path

import pytest

from qc.corpus import Article, load_articles
from qc.dedup import find_clusters
from qc.dedup.cluster import Ranking, components_within, count_findings, stream_copy_clusters
from qc.dedup.source import ArticleSource
from qc.lint.engine import Linter

ROOT = Path(__file__).resolve().parents[1]
FIX = ROOT / "fixtures" / "dedup"


def near_copies() -> list[Article]:
    """Two groups of edited copies (a typo, an added line, a truncation) among distinct texts."""
    base_a = ("The city council approved the new budget on Monday after a long debate about schools, "
              "roads and the future of the old harbour district. ") * 4
    base_b = ("Heavy rain flooded several villages in the valley overnight, and rescue teams worked "
              "until dawn to reach families cut off by the water. ") * 4
    texts = [base_a, base_a.replace("budget", "budgte", 1), base_a + "Sign up for our newsletter.",
             base_b, base_b[: int(len(base_b) * 0.85)], base_b.replace("rain", "rains", 1),
             "A short unrelated note about the weather in another country entirely, nothing more to say here."]
    return [Article(f"{k}.txt", t) for k, t in enumerate(texts)]


def test_ranking_counts_equal_linting_one_by_one() -> None:
    articles, errors = load_articles([FIX / "mqm_3stories.jsonl"])
    assert not errors
    ranking = Ranking(articles)
    ranking.prefetch(range(len(articles)))  # one batch (Linter.lint_many)
    assert [ranking(i) for i in range(len(articles))] == [count_findings(a.text) for a in articles]
    assert any(ranking(i) for i in range(len(articles)))  # the check is not vacuous


def test_identical_texts_are_linted_once(monkeypatch: pytest.MonkeyPatch) -> None:
    articles, errors = load_articles([FIX / "mqm_3stories.jsonl"])
    assert not errors
    doubled = [*articles, *(Article(f"copy-{a.ref}", a.text) for a in articles)]
    linted: list[int] = []
    lint_many = Linter.lint_many

    def counting(self: Linter, texts: list[str], *args: object) -> object:
        linted.append(len(texts))
        return lint_many(self, texts, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(Linter, "lint_many", counting)
    ranking = Ranking(doubled)
    ranking.prefetch(range(len(doubled)))
    n = len(articles)
    assert sum(linted) == len({a.text for a in articles})
    assert [ranking(i) for i in range(n)] == [ranking(n + i) for i in range(n)] == [count_findings(a.text) for a in articles]


def test_ranking_key_orders_by_findings_length_date_ref() -> None:
    arts = [Article("b.txt", "same words", {"date": "2020"}), Article("a.txt", "same words", {"date": "2020"})]
    ranking = Ranking(arts, findings=lambda i: 0)
    assert ranking.key(0) == (0, -10, "2020", "b.txt")
    assert sorted([0, 1], key=ranking.key) == [1, 0]


def test_a_lint_failure_is_raised_not_counted_as_zero(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(self: Linter, *args: object, **kwargs: object) -> None:
        raise RuntimeError("a rule kind crashed")

    monkeypatch.setattr(Linter, "lint_many", broken)
    monkeypatch.setattr(Linter, "lint", broken)
    with pytest.raises(RuntimeError, match="crashed"):
        find_clusters(near_copies(), tier="copies")
    with pytest.raises(RuntimeError, match="crashed"):
        count_findings("Some text.")


def test_streamed_copy_clusters_equal_the_in_memory_tier(tmp_path: Path) -> None:
    arts = near_copies()
    folder = tmp_path / "corpus"
    folder.mkdir()
    for a in arts:
        (folder / a.path).write_text(a.text, encoding="utf-8")
    source = ArticleSource()
    first_pass = source.read([str(folder)], lambda exc: pytest.fail(exc.describe()))
    ranking = Ranking(source)
    streamed, _ = stream_copy_clusters(source, ([a.text for a in first_pass],), 0.8, 0.8, ranking)
    got = find_clusters(source, tier="copies", findings=ranking, copy_groups=streamed)
    want = find_clusters(list(source), tier="copies")
    assert [c.to_json() for c in got] == [c.to_json() for c in want]
    assert len(want) == 2


def test_source_reads_many_records_as_one_by_one(tmp_path: Path) -> None:
    source = ArticleSource()
    list(source.read([str(FIX / "cleannews_a.jsonl")], lambda exc: pytest.fail(exc.describe())))
    picked = [len(source) - 1, 0, 2, 2, 1]
    many = dict(source.read_many(picked))
    assert sorted(many) == sorted(set(picked))
    for i, a in many.items():
        one = source[i]
        assert (a.text, a.ref, a.metadata) == (one.text, one.ref, one.metadata) and source.ref(i) == one.ref


def test_components_within_by_adjacency_equals_scanning_every_edge() -> None:
    edges = {(0, 1): None, (1, 2): None, (3, 4): None, (5, 6): None, (2, 7): None}
    neighbours: dict[int, list[int]] = {}
    for i, j in edges:
        neighbours.setdefault(i, []).append(j)
        neighbours.setdefault(j, []).append(i)
    nodes = {0, 1, 2, 4, 3, 7}
    assert components_within(nodes, edges, neighbours) == components_within(nodes, edges) == [[0, 1, 2, 7], [3, 4]]
