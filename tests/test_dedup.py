"""Near-duplicate detection: shingles, MinHash/LSH, copy and story tiers, merge, index, CLI."""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from qc.commands.dedup import dedup, index
from qc.corpus import Article, load_articles
from qc.dedup import find_clusters
from qc.dedup.copies import candidate_pairs, overlap, shingle_texts
from qc.dedup.index import Index, IndexDbError
from qc.dedup.minhash import Banding, choose_banding, signatures
from qc.dedup.shingle import normalize, shingle_set
from tests.conftest import index_with_meta

ROOT = Path(__file__).resolve().parents[1]
FIX = ROOT / "fixtures" / "dedup"
SEEDS = ROOT / "seeds"


@pytest.fixture(scope="module")
def clean() -> list[Article]:
    articles, errors = load_articles([FIX / "cleannews_a.jsonl"])
    assert not errors
    return articles


@pytest.fixture(scope="module")
def mqm() -> list[Article]:
    articles, errors = load_articles([FIX / "mqm_3stories.jsonl"])
    assert not errors and len(articles) == 30
    return articles


def art(text: str, name: str, **meta: object) -> Article:
    return Article(name, text, dict(meta))


def truncate(text: str, share: float) -> str:
    words = text.split(" ")
    return " ".join(words[: int(len(words) * share)])


# -- shingles and signatures ---------------------------------------------------------


@pytest.mark.parametrize(
    "a, b",
    [
        ("Hello, World! This is a test of the system.", "hello world this is a test of the system"),
        ("“Quoted” — it’s ＦＵＬＬＷＩＤＴＨ here", '"quoted" - it s fullwidth here'),
        ("donâ€™t stop me now please", "don’t stop me now please"),  # mojibake repaired by ftfy
    ],
)
def test_normalisation_makes_equal_shingles(a: str, b: str) -> None:
    assert np.array_equal(shingle_set(a), shingle_set(b))


def test_shingles_are_word_5grams_and_stable() -> None:
    s = shingle_set("one two three four five six seven")
    assert len(s) == 3
    assert len(shingle_set("one two")) == 1 and len(shingle_set("")) == 0
    assert shingle_set("a b c d e f")[0] == shingle_set("A b c d e f")[0]  # deterministic, no seed per process
    assert normalize("ÀB") == "àb"


def test_signature_estimates_jaccard(clean: list[Article]) -> None:
    rng = random.Random(3)
    for a in clean:
        words = a.text.split()
        edited = " ".join(w if rng.random() > 0.04 else "zz" + w for w in words)
        exact = overlap(shingle_set(a.text), shingle_set(edited)).jaccard
        sa, sb = signatures([a.text, edited])
        assert abs(float(np.mean(sa == sb)) - exact) < 0.15


@pytest.mark.parametrize("floor, rows", [(0.8, 6), (0.364, 2)])
def test_banding_choice_reaches_recall(floor: float, rows: int) -> None:
    band = choose_banding(floor)
    assert band.rows == rows and band.probability(floor) >= 0.995
    assert Banding(band.bands, band.rows + 1).probability(floor) < 0.995 or band.bands * (band.rows + 1) > 128


# -- copy tier -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        lambda t: t + "\n\nSign up for our newsletter. All rights reserved.",
        lambda t: truncate(t, 0.6),  # low Jaccard, high containment
        lambda t: t.replace(" the ", " teh ", 3),
    ],
    ids=["boilerplate", "truncated", "typos"],
)
def test_copy_found(clean: list[Article], make) -> None:
    original = clean[0]
    arts = list(clean) + [art(make(original.text), "copy.txt")]
    clusters = find_clusters(arts, tier="copies")
    assert len(clusters) == 1
    members = {m.ref for m in clusters[0].members}
    assert members == {original.ref, "copy.txt"}
    assert clusters[0].kind == "copy"


def test_distinct_articles_are_not_copies(clean: list[Article]) -> None:
    assert find_clusters(clean, tier="copies") == []
    batch = shingle_texts([a.text for a in clean])
    assert len(candidate_pairs(batch.sigs, Banding(32, 4))) == 0


def test_chain_does_not_glue_the_ends(clean: list[Article]) -> None:
    """A~B~C~D, each step a few edited words: the ends differ too much, so the chain is
    cut where a member fails the check against the representative."""
    words = " ".join(a.text for a in clean[:3]).split()
    rng = random.Random(5)
    positions = rng.sample(range(len(words)), int(len(words) * 0.072))
    chain = [list(words)]
    for step in range(3):
        nxt = list(chain[-1])
        for p in positions[step::3]:
            nxt[p] = f"edit{step}"
        chain.append(nxt)
    arts = [art(" ".join(w), f"{k}.txt") for k, w in enumerate(chain)]
    ends = overlap(shingle_set(arts[0].text), shingle_set(arts[3].text))
    assert ends.jaccard < 0.8 and ends.containment < 0.8
    clusters = find_clusters(arts, tier="copies", findings=lambda i: 0)
    assert clusters, "neighbours in the chain are copies"
    for c in clusters:
        assert not {"0.txt", "3.txt"} <= {m.ref for m in c.members}


def test_representative_fewest_findings_then_length() -> None:
    base = "The council approved the new budget on Monday after a long debate about schools and roads in the city. " * 3
    arts = [art(base, "short.txt"), art(base + " Extra closing words here.", "long.txt")]
    clusters = find_clusters(arts, tier="copies", findings=lambda i: 0)
    assert clusters[0].members[0].ref == "long.txt" and "longest" in clusters[0].reason
    clusters = find_clusters(arts, tier="copies", findings=lambda i: 5 if i == 1 else 0)
    assert clusters[0].members[0].ref == "short.txt" and "fewest qc findings (0)" in clusters[0].reason


# -- story tier ------------------------------------------------------------------------


def test_story_tier_groups_translations(mqm: list[Article]) -> None:
    clusters = find_clusters(mqm, tier="all")
    by_story: dict[str, set[int]] = {}
    for i, a in enumerate(mqm):
        by_story.setdefault(a.metadata["story"], set()).add(i)
    stories = [c for c in clusters if c.kind == "story"]
    assert sorted(sorted(m.index for m in c.members) for c in stories) == sorted(sorted(s) for s in by_story.values())


def test_seeds_are_one_story_not_copies() -> None:
    articles, _ = load_articles([SEEDS])
    clusters = find_clusters(articles)
    assert [c.kind for c in clusters] == ["story"]
    assert len(clusters[0].members) == 2
    assert find_clusters(articles, tier="copies") == []


def test_unrelated_news_is_not_a_story(clean: list[Article]) -> None:
    assert find_clusters(clean, tier="stories") == []


# -- CLI -------------------------------------------------------------------------------


def test_cli_seeds_json_and_merge(tmp_path: Path) -> None:
    before = {p.name: p.read_bytes() for p in SEEDS.iterdir()}
    result = CliRunner().invoke(dedup, [str(SEEDS), "--format", "json", "--merge", str(tmp_path / "out")])
    assert result.exit_code == 1, result.output
    doc = json.loads(result.stdout)
    assert doc["version"] == 1 and len(doc["clusters"]) == 1
    cluster = doc["clusters"][0]
    assert cluster["kind"] == "story" and set(cluster) >= {"id", "kind", "representative", "members"}
    assert all(set(m) == {"path", "similarity", "containment"} for m in cluster["members"])
    merged = list((tmp_path / "out").glob("*.md"))
    assert len(merged) == 1
    text = merged[0].read_text()
    for name in before:
        assert name in text  # both sources credited
    assert "[source: " in text and text.startswith("---\n")
    assert {p.name: p.read_bytes() for p in SEEDS.iterdir()} == before  # inputs untouched


@pytest.mark.parametrize(
    "args, code",
    [
        (["--tier", "copies"], 0),
        (["--threshold", "1.5"], 2),
    ],
)
def test_cli_exit_codes(args: list[str], code: int) -> None:
    result = CliRunner().invoke(dedup, [str(SEEDS), *args])
    assert result.exit_code == code


def test_cli_bad_input_one_line_and_continues(tmp_path: Path) -> None:
    (tmp_path / "bin.txt").write_bytes(b"\x00\x01binary")
    (tmp_path / "bad.txt").write_bytes(b"caf\xe9 latin-1")
    (tmp_path / "x.jsonl").write_text('{"text": "ok text here"}\n{broken\n')
    result = CliRunner().invoke(dedup, [str(SEEDS), str(tmp_path), "missing.txt"])
    assert result.exit_code == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("qc: error:")]
    assert len(errors) == 4
    assert "Traceback" not in result.output
    assert "1 group (0 copy, 1 story)" in result.stdout  # the seeds were still grouped


# -- index -----------------------------------------------------------------------------


def test_index_add_query_stats(tmp_path: Path, mqm: list[Article], clean: list[Article]) -> None:
    db = tmp_path / "ix.db"
    seen = [a for a in mqm if a.metadata["system"] in ("GPT4-5shot", "ONLINE-A")] + clean
    with Index(db, create=True) as ix:
        assert ix.add(seen) == (len(seen), 0)
        assert ix.add(seen[:3]) == (0, 3)  # same content: one entry
        assert ix.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        stats = ix.stats()
        assert stats["articles"] == len(seen)
        new = [a for a in mqm if a.metadata["system"] == "ONLINE-B"]
        copy = art(truncate(clean[0].text, 0.7) + "\n\nRepublished with permission.", "copy.txt")
        results = ix.query(new + [copy, clean[1]])
    for a, matches in zip(new, results):
        stories = {m.ref for m in matches if m.kind in ("story", "copy")}
        truth = {b.ref for b in seen if b.metadata.get("story") == a.metadata["story"]}
        assert stories & truth and stories <= truth
    assert [m.kind for m in results[-2]][:1] == ["copy"] and results[-2][0].ref == clean[0].ref
    assert results[-1][0].kind == "duplicate"


def test_index_size_per_article(tmp_path: Path, mqm: list[Article]) -> None:
    many = [art(a.text + f"\n\nedition {k}", f"{k}-{a.ref}") for k in range(10) for a in mqm]
    with Index(tmp_path / "size.db", create=True) as ix:
        ix.add(many)
        ix.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        assert ix.stats()["bytes_per_article"] <= 1024


def test_index_refuses_newer_schema(tmp_path: Path) -> None:
    db = index_with_meta(tmp_path / "new.db", "schema_version", "99")
    with pytest.raises(IndexDbError, match="newer"):
        Index(db)
    result = CliRunner().invoke(index, ["stats", str(db)])
    assert result.exit_code == 2 and "schema version 99 is newer" in result.stderr


def test_index_reader_while_writer(tmp_path: Path, clean: list[Article]) -> None:
    db = tmp_path / "c.db"
    with Index(db, create=True) as writer:
        writer.add(clean[:3])
        writer.db.execute("BEGIN IMMEDIATE")  # a writer mid-transaction
        writer.db.execute("INSERT INTO meta VALUES ('x', 'y')")
        with Index(db) as reader:
            assert reader.stats()["articles"] == 3
            assert reader.query([clean[0]])[0][0].kind == "duplicate"
        writer.db.execute("ROLLBACK")


def test_index_cli(tmp_path: Path) -> None:
    db = str(tmp_path / "cli.db")
    runner = CliRunner()
    seed_files = sorted(str(p) for p in SEEDS.glob("*.txt"))
    assert runner.invoke(index, ["add", db, seed_files[0]]).exit_code == 0
    out = runner.invoke(index, ["query", db, seed_files[0], "--format", "json"])
    assert out.exit_code == 1
    assert json.loads(out.stdout)["results"][0]["matches"][0]["kind"] == "duplicate"
    assert runner.invoke(index, ["query", db, str(FIX / "cleannews_a.jsonl")]).exit_code == 0
    missing = runner.invoke(index, ["query", str(tmp_path / "none.db"), seed_files[0]])
    assert missing.exit_code == 2 and missing.stderr.startswith("qc: error:")


# -- streaming (signatures held, texts re-read for candidates only) ---------------------


def test_streaming_copy_graph_equals_in_memory(clean: list[Article], mqm: list[Article]) -> None:
    from qc.dedup.copies import candidate_pairs_grouped, copy_edges, stream_copy_graph
    from qc.dedup.copies import banding_for

    texts = [a.text for a in clean + mqm[::10]]
    texts += [truncate(t, 0.7) for t in texts[:4]] + [t + "\n\nAll rights reserved." for t in texts[3:7]]
    batch = shingle_texts(texts)
    band = banding_for(0.8, 0.8)
    assert np.array_equal(candidate_pairs_grouped(batch.sigs, band, group=5), candidate_pairs(batch.sigs, band))
    asked: list[int] = []

    def fetch(docs: np.ndarray) -> dict[int, str]:
        asked.extend(docs.tolist())
        return {i: texts[i] for i in docs.tolist()}

    chunks = [texts[k : k + 7] for k in range(0, len(texts), 7)]
    n, edges, docs = stream_copy_graph(chunks, fetch)
    assert n == len(texts) and edges == copy_edges(batch) and len(edges) >= 8
    assert len(asked) < len(texts)  # only candidates' texts were fetched


def test_cli_copies_tier_streams_and_matches_library(tmp_path: Path, clean: list[Article]) -> None:
    data = tmp_path / "c.jsonl"
    texts = [a.text for a in clean] + [truncate(clean[0].text, 0.6), clean[2].text + " Republished."]
    data.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts) + "{bad\n", encoding="utf-8")
    result = CliRunner().invoke(dedup, [str(data), "--tier", "copies", "--format", "json"])
    assert result.exit_code == 2 and result.stderr.count("qc: error:") == 1  # the bad line; the rest ran
    got = json.loads(result.stdout)["clusters"]
    arts, _ = load_articles([data])
    want = [c.to_json(arts) for c in find_clusters(arts, tier="copies")]
    assert got == want and len(got) == 2
