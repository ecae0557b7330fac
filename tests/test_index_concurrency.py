"""Two `qc index add` processes on one index at once, and readers while a writer adds."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

from qc.corpus import Article
from qc.dedup.index import Index
from tests.conftest import FIXTURES, ROOT

ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def make_corpus(folder: Path, start: int, stop: int) -> None:
    words = [w for line in (FIXTURES / "dedup" / "cleannews_a.jsonl").open() for w in json.loads(line)["text"].split()]
    folder.mkdir(exist_ok=True)
    for i in range(start, stop):
        rng = random.Random(i)  # article i has the same text in every folder
        (folder / f"a{i:05}.txt").write_text(" ".join(rng.choices(words, k=100)), encoding="utf-8")


def add(db: Path, folder: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "qc", "index", "add", str(db), str(folder), *extra], cwd=folder.parent,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV)


def test_two_writers_on_a_new_index_lose_nothing(tmp_path: Path) -> None:
    make_corpus(tmp_path / "one", 0, 400)
    make_corpus(tmp_path / "two", 300, 700)  # 100 articles in both folders (same texts)
    db = tmp_path / "ix.db"
    procs = [add(db, tmp_path / "one", "--batch-size", "10"), add(db, tmp_path / "two", "--batch-size", "10")]
    outs = [p.communicate(timeout=120) for p in procs]
    for p, (out, err) in zip(procs, outs):
        assert p.returncode == 0, err
        assert err == ""
    counts = [tuple(int(w) for w in out.split() if w.isdigit()) for out, _ in outs]  # (added, already indexed)
    assert sum(c[0] for c in counts) == 700 and sum(c[1] for c in counts) == 100
    with Index(db) as ix:
        assert ix.check() == []
        assert ix.stats()["articles"] == 700
        texts = {(tmp_path / "one" / f"a{i:05}.txt") for i in (0, 399)} | {tmp_path / "two" / "a00699.txt"}
        for result in ix.query([Article(str(p), p.read_text(encoding="utf-8")) for p in sorted(texts)]):
            assert result[0].kind == "duplicate"


def test_readers_see_whole_batches_while_a_writer_adds(tmp_path: Path) -> None:
    make_corpus(tmp_path / "feed", 0, 600)
    db = tmp_path / "ix.db"
    with Index(db, create=True) as ix:
        ix.add([Article("first.txt", "an article that is in the index before the writer starts, about the harbour")])
    writer = add(db, tmp_path / "feed", "--batch-size", "10")
    seen: list[int] = []
    probe = Article("probe.txt", "an article that is in the index before the writer starts, about the harbour")
    with Index(db) as reader:
        while writer.poll() is None:
            reader.db.execute("BEGIN")  # one snapshot: docs and their band keys agree
            docs = reader.db.execute("SELECT COUNT(*) FROM docs").fetchone()[0]
            keyed = reader.db.execute("SELECT COUNT(DISTINCT doc) FROM bands").fetchone()[0]
            reader.db.execute("COMMIT")
            assert docs == keyed, "a reader saw half a batch"
            assert (docs - 1) % 10 == 0 or docs == 601, docs  # whole batches of 10 only
            assert not seen or docs >= seen[-1]
            seen.append(docs)
            assert reader.query([probe])[0][0].kind == "duplicate"
            assert reader.stats()["articles"] >= docs
            time.sleep(0.01)
    assert writer.returncode == 0, writer.stderr.read() if writer.stderr else ""
    assert len(set(seen)) >= 3, f"the reader did not overlap the writer: {sorted(set(seen))[:5]}"
    with Index(db) as ix:
        assert ix.stats()["articles"] == 601 and ix.check() == []
