"""SIGKILL `qc index add` at random moments: the index still opens, passes the integrity
check, and holds every article whose batch the command reported as committed (-v)."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from qc.dedup.index import Index
from tests.conftest import FIXTURES, ROOT

N_ARTICLES = 1500


def make_corpus(folder: Path) -> list[str]:
    words = [w for line in (FIXTURES / "dedup" / "cleannews_a.jsonl").open() for w in json.loads(line)["text"].split()]
    rng = random.Random(7)
    folder.mkdir()
    for i in range(N_ARTICLES):
        (folder / f"a{i:05}.txt").write_text(" ".join(rng.choices(words, k=120)), encoding="utf-8")
    return sorted(str(p) for p in folder.iterdir())


def reported(log: Path) -> set[str]:
    """Refs the killed process said were committed; a torn last line (no newline) is ignored."""
    data = log.read_text(encoding="utf-8")
    lines = data.split("\n")[:-1]  # only complete lines
    return {line.split(" ", 1)[1] for line in lines if line.startswith(("added ", "exists "))}


def test_sigkill_during_index_add_loses_nothing_reported(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    make_corpus(corpus)
    db = tmp_path / "ix.db"
    rng = random.Random(20261125)
    committed: set[str] = set()
    mid_run = 0
    delays = [rng.uniform(0.05, 0.4)] + [rng.uniform(0.5, 2.0) for _ in range(4)]  # the first may land in start-up
    for trial, delay in enumerate(delays):
        log = tmp_path / f"out{trial}.txt"
        with log.open("wb") as out:
            proc = subprocess.Popen(
                [sys.executable, "-m", "qc", "index", "add", str(db), "corpus", "--batch-size", "20", "-v"],
                cwd=tmp_path, stdout=out, stderr=subprocess.DEVNULL, env={**os.environ, "PYTHONPATH": str(ROOT)},
            )
            time.sleep(delay)
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
        said = reported(log)
        committed |= said
        if not db.exists():
            assert not said
            continue
        with Index(db) if db.stat().st_size else Index(db, create=True) as ix:
            assert ix.check() == [], f"trial {trial}"
            refs = ix.refs()
        present = set(refs)
        assert len(refs) == len(present), f"trial {trial}: an article was stored twice"
        missing = committed - present
        assert not missing, f"trial {trial}: {len(missing)} reported articles lost, e.g. {sorted(missing)[:3]}"
        mid_run += 0 < len(present) < N_ARTICLES and proc.returncode == -signal.SIGKILL
    assert mid_run >= 2, "the kills did not land in the middle of adding"
    # A final, uninterrupted run completes the index: every article exactly once.
    done = subprocess.run([sys.executable, "-m", "qc", "index", "add", str(db), "corpus"], cwd=tmp_path,
                          capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    with Index(db) as ix:
        refs = ix.refs()
        assert ix.check() == []
    assert len(refs) == len(set(refs)) == N_ARTICLES
