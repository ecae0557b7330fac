"""The persistent index: the numpy-free query path, schema safety, untrusted index files, CLI."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qc.commands.dedup import index
from qc.corpus import Article, load_articles
from qc.dedup import copies, minhash, shingle
from qc.dedup import index as ix_mod
from qc.dedup.index import Index, IndexDbError, prepare_np, prepare_py
from tests.conftest import index_with_meta

ROOT = Path(__file__).resolve().parents[1]
FIX = ROOT / "fixtures" / "dedup"
SEEDS = ROOT / "seeds"


@pytest.fixture(scope="module")
def corpus() -> list[Article]:
    articles, errors = load_articles([FIX / "cleannews_a.jsonl", FIX / "mqm_3stories.jsonl", SEEDS])
    assert not errors and len(articles) >= 38
    return articles


def same(a: ix_mod.Prepared, b: ix_mod.Prepared) -> bool:
    return (a.digest, a.n, a.low, a.keys, a.story) == (b.digest, b.n, b.low, b.keys, b.story)


# -- the pure-Python query path computes exactly what the numpy code computes -------------


def test_constants_agree_with_the_batch_code() -> None:
    a, b = minhash._params(ix_mod.NUM_PERM)
    assert list(ix_mod._PERM_A) == a.tolist() and list(ix_mod._PERM_B) == b.tolist()
    assert ix_mod.NUM_PERM == minhash.NUM_PERM and ix_mod.SHINGLE_SIZE == shingle.SHINGLE_SIZE
    assert ix_mod.DEFAULT_THRESHOLD == copies.DEFAULT_THRESHOLD
    assert ix_mod.DEFAULT_CONTAINMENT == copies.DEFAULT_CONTAINMENT
    assert ix_mod.MIN_CONTAINED_SHINGLES == copies.MIN_CONTAINED_SHINGLES


def test_pure_python_matches_numpy_on_real_articles(corpus: list[Article]) -> None:
    py, vec = prepare_py(corpus), prepare_np(corpus)
    assert all(same(a, b) for a, b in zip(py, vec, strict=True))
    # and the pieces, against the library's own functions
    text = corpus[0].text
    sig = minhash.signatures([text])
    shingles = ix_mod.shingles_py(ix_mod.normalize(text))
    assert sorted(set(shingles)) == shingle.shingle_set(text).tolist()
    assert ix_mod.signature_py(shingles) == sig[0].tolist()
    assert ix_mod.band_keys_py(sig[0].tolist()) == minhash.Banding(20, 4).keys(sig)[0].tolist()


# Boundaries of the tokenizer's punctuation ranges, and what else breaks byte-level code.
EDGE = st.sampled_from(
    list("\u007f\u0080\u009f\u00a0\u00a1\u00bf\u00c0\u00d6\u00d7\u00d8\u00f6\u00f7\u00f8\u1fff\u2000\u2019\u203f\u2040"
         "\u206f\u2070\u207f\u2080\u2fff\u3000\u3002\u303f\u3040\uffff\U0001f600\ud800\udfff\x00\r\n\t é")
    + ["Ã©", "â€™", "ﬁ", "Ａ", "İ", "ß", "word", "The", " the ", "2023", ".", ", "]
)
TEXTS = st.lists(st.one_of(EDGE, st.text(max_size=8)), max_size=40).map("".join)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(TEXTS, min_size=1, max_size=4))
def test_pure_python_matches_numpy_on_arbitrary_unicode(texts: list[str]) -> None:
    articles = [Article(f"t{i}.txt", t) for i, t in enumerate(texts)]
    for a, b in zip(prepare_py(articles), prepare_np(articles), strict=True):
        assert same(a, b), a.article.text


def test_query_in_a_fresh_process_does_not_import_numpy(tmp_path: Path, corpus: list[Article]) -> None:
    db = tmp_path / "ix.db"
    with Index(db, create=True) as ix:
        ix.add(corpus)
    code = (
        "import sys\n"
        "from qc.cli import cli\n"
        f"sys.argv = ['qc', 'index', 'query', {str(db)!r}, {str(SEEDS)!r}]\n"
        "try:\n    cli.main(standalone_mode=True)\n"
        "except SystemExit as e:\n    code = e.code\n"
        "print('exit', code, 'numpy' in sys.modules, file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.stderr.strip().splitlines()[-1] == "exit 1 False", done.stderr
    assert "duplicates" in done.stdout


# -- index behaviour -------------------------------------------------------------------


def test_add_reports_each_committed_batch(tmp_path: Path, corpus: list[Article]) -> None:
    seen: list[list[tuple[str, bool]]] = []
    with Index(tmp_path / "ix.db", create=True) as ix:
        added, skipped = ix.add(corpus[:7] + corpus[:2], batch_size=3,
                                on_commit=lambda batch: seen.append([(a.ref, new) for a, new in batch]))
        assert (added, skipped) == (7, 2)
        assert [len(b) for b in seen] == [3, 3, 3]
        assert [new for b in seen for _, new in b] == [True] * 7 + [False] * 2
        assert ix.refs() == [a.ref for a in corpus[:7]]
        assert ix.check() == []


def test_query_results_same_on_both_paths(tmp_path: Path, corpus: list[Article], monkeypatch: pytest.MonkeyPatch) -> None:
    with Index(tmp_path / "ix.db", create=True) as ix:
        ix.add(corpus[::2])
        fast = ix.query(corpus[1:9])
        monkeypatch.setattr(ix_mod, "PURE_QUERY_MAX", 0)  # force the numpy path
        slow = ix.query(corpus[1:9])
    assert fast == slow and any(fast)


def test_two_opens_of_a_new_index_create_one_schema(tmp_path: Path) -> None:
    db = tmp_path / "ix.db"
    first, second = Index(db, create=True), Index(db, create=True)
    assert first.stats()["articles"] == second.stats()["articles"] == 0
    first.close()
    second.close()


def test_foreign_sqlite_database_is_not_touched(tmp_path: Path) -> None:
    db = tmp_path / "other.db"
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE people (name TEXT)")
    con.commit()
    con.close()
    before = db.read_bytes()
    with pytest.raises(IndexDbError, match="not a qc index"):
        Index(db, create=True)
    assert db.read_bytes() == before


@pytest.mark.parametrize("content", [b"", b"hello, not a database at all\n" * 100, b"SQLite format 3\x00" + b"\xff" * 4000])
def test_garbage_index_file_is_one_error_line(tmp_path: Path, content: bytes) -> None:
    db = tmp_path / "bad.db"
    db.write_bytes(content)
    commands = [["query", str(db), str(SEEDS)], ["stats", str(db)], ["check", str(db)]]
    if content:  # an empty file is an empty SQLite database: `add` may make it an index
        commands.append(["add", str(db), str(SEEDS)])
    for args in commands:
        result = CliRunner().invoke(index, args)
        assert result.exit_code == 2, (args, result.output)
        assert result.stderr.startswith("qc: error:") and len(result.stderr.strip().splitlines()) == 1
        assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)


def test_malformed_rows_are_reported_not_crashed_on(tmp_path: Path, corpus: list[Article]) -> None:
    db = tmp_path / "ix.db"
    with Index(db, create=True) as ix:
        ix.add(corpus[:5])
        ix.db.execute("UPDATE docs SET sig = x'00'")  # a tampered or corrupted file
        assert "5 articles with malformed signatures" in ix.check()
        with pytest.raises(IndexDbError, match="malformed row"):
            ix.query([Article("x.txt", corpus[0].text + " more")])
    result = CliRunner().invoke(index, ["check", str(db)])
    assert result.exit_code == 2 and "malformed signatures" in result.stderr


def test_changed_parameters_are_refused(tmp_path: Path) -> None:
    db = index_with_meta(tmp_path / "ix.db", "rows", "16")
    with pytest.raises(IndexDbError, match="rebuild"):
        Index(db)


def test_undecodable_path_is_stored(tmp_path: Path) -> None:
    with Index(tmp_path / "ix.db", create=True) as ix:
        assert ix.add([Article("caf\udce9.txt", "a lone surrogate \ud800 in the text of an article")]) == (1, 0)
        assert ix.refs() == ["caf\\udce9.txt"]  # undecodable bytes of a file name, shown escaped


# -- CLI ---------------------------------------------------------------------------------


def test_cli_add_verbose_batches_and_check(tmp_path: Path) -> None:
    db = str(tmp_path / "cli.db")
    runner = CliRunner()
    feed = str(FIX / "mqm_3stories.jsonl")
    result = runner.invoke(index, ["add", db, feed, "--batch-size", "7", "-v"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 31 and all(line.startswith("added ") for line in lines[:30])
    assert lines[-1] == "added 30 articles, 0 already indexed"
    again = runner.invoke(index, ["add", db, feed, "-v"])
    assert again.stdout.splitlines()[0].startswith("exists ") and "0 articles, 30 already" in again.stdout
    ok = runner.invoke(index, ["check", db])
    assert ok.exit_code == 0 and ok.stdout.strip().endswith("ok (30 articles)")
    stats = runner.invoke(index, ["stats", db, "--format", "json"])
    assert json.loads(stats.stdout)["articles"] == 30


def test_cli_add_refuses_oversized_article_and_continues(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_text("word " * 300_000, encoding="utf-8")  # 1.5 MB
    db = str(tmp_path / "ix.db")
    result = CliRunner().invoke(index, ["add", db, str(big), str(SEEDS), "--max-article-size", "1"])
    assert result.exit_code == 2
    assert "over the 1.0 MB limit" in result.stderr and "--max-article-size" in result.stderr
    assert "added 2 articles" in result.stdout
    query = CliRunner().invoke(index, ["query", db, str(big), "--max-article-size", "1"])
    assert query.exit_code == 2 and "over the 1.0 MB limit" in query.stderr


def test_query_signature_bytes_match_what_add_stores(tmp_path: Path, corpus: list[Article]) -> None:
    with Index(tmp_path / "ix.db", create=True) as ix:
        ix.add(corpus[:20])  # numpy path (batch > PURE_QUERY_MAX)
        rows = ix.db.execute("SELECT sig, story FROM docs ORDER BY id").fetchall()
    for p, (sig, story) in zip(prepare_py(corpus[:20]), rows):
        assert p.low == sig
        assert np.frombuffer(story, dtype="<u2").tolist() == p.story


def test_long_articles_take_the_vectorised_path(tmp_path: Path, corpus: list[Article], monkeypatch: pytest.MonkeyPatch) -> None:
    long_text = "\n\n".join(a.text for a in corpus) * 3  # ~ 0.5 MB: pure Python would take seconds
    assert len(long_text) > ix_mod.PURE_QUERY_CHARS

    def refuse(articles: object) -> None:
        raise AssertionError("pure-Python path used for a long article")

    monkeypatch.setattr(ix_mod, "prepare_py", refuse)
    with Index(tmp_path / "ix.db", create=True) as ix:
        ix.add([Article("long.txt", long_text)])
        (matches,) = ix.query([Article("long-copy.txt", long_text + " One more sentence at the end.")])
    assert matches[0].kind == "copy" and matches[0].ref == "long.txt"


def test_verbose_add_prints_one_line_per_article_whatever_its_name(tmp_path: Path) -> None:
    (tmp_path / "odd\nadded forged.txt").write_text("a name with a newline in it, and some words", encoding="utf-8")
    result = CliRunner().invoke(index, ["add", str(tmp_path / "ix.db"), str(tmp_path), "-v"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) == 2 and lines[0].endswith("odd\\nadded forged.txt")


# -- segmented keys (log-structured: sorted segments, merged FANOUT at a time) ------------


def test_many_small_batches_merge_segments_and_answer_as_one_batch(tmp_path: Path, corpus: list[Article]) -> None:
    with Index(tmp_path / "one.db", create=True) as one:
        one.add(corpus)
        want = one.query(corpus[:12])
    with Index(tmp_path / "many.db", create=True) as many:
        sizes = []
        for a in corpus:  # one segment per article: the merges run many times
            many.add([a])
            sizes.append(int(many.stats()["segments"]))
        assert many.check() == []
        assert many.query(corpus[:12]) == want
        assert max(sizes) < len(corpus) and sizes[-1] < ix_mod.FANOUT * 2  # merged, not one per batch
        segs = many.db.execute("SELECT rows FROM segments").fetchall()
        classes = [ix_mod._size_class(r) for (r,) in segs]
        assert all(classes.count(c) < ix_mod.FANOUT for c in classes)
        # every article's keys are still there after the merges, once each
        assert many.db.execute("SELECT COUNT(DISTINCT doc) FROM bands").fetchone()[0] == len(corpus)
        assert many.stats()["band_keys"] == many.db.execute("SELECT COUNT(*) FROM bands").fetchone()[0]


def test_a_text_already_in_any_segment_or_twice_in_a_batch_is_skipped(tmp_path: Path, corpus: list[Article]) -> None:
    with Index(tmp_path / "ix.db", create=True) as ix:
        for a in corpus[:10]:
            ix.add([a])
        renamed = [Article(f"again/{a.ref}", a.text) for a in corpus[:10]]
        assert ix.add(renamed + corpus[10:12] + corpus[10:12]) == (2, 12)
        assert ix.check() == [] and len(ix.refs()) == 12
        found = ix.query(renamed[:1])[0]
        assert [(m.kind, m.ref) for m in found[:1]] == [("duplicate", corpus[0].ref)]


def test_check_reports_a_segment_list_that_does_not_match(tmp_path: Path, corpus: list[Article]) -> None:
    with Index(tmp_path / "ix.db", create=True) as ix:
        ix.add(corpus[:5])
        ix.db.execute("UPDATE segments SET rows = rows + 1")
        assert ix.check() == ["key segments do not match their list"]


def test_version_1_index_is_refused_with_a_rebuild_hint(tmp_path: Path) -> None:
    db = index_with_meta(tmp_path / "old.db", "schema_version", "1")
    with pytest.raises(IndexDbError, match="rebuild the index"):
        Index(db)


def test_tampered_segment_list_is_an_error_not_a_crash(tmp_path: Path, corpus: list[Article]) -> None:
    with Index(tmp_path / "ix.db", create=True) as ix:
        ix.add(corpus[:3])
        ix.db.execute("UPDATE segments SET rows = 'x) OR 1=1 --'")
        with pytest.raises(IndexDbError, match="malformed key segment list"):
            ix.query(corpus[:1])
        with pytest.raises(IndexDbError, match="malformed key segment list"):
            ix.add(corpus[3:5])
