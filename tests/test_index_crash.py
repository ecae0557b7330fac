"""SIGKILL `qc index add` at random moments: the index still opens, passes the integrity
check, and holds every article whose batch the command reported as committed (-v)."""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from qc.dedup.index import Index
from tests.conftest import FIXTURES, ROOT

N_ARTICLES = 1500
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
SUMMARY = re.compile(r"added \d+ articles, \d+ already indexed")


def make_corpus(folder: Path) -> None:
    words = [w for line in (FIXTURES / "dedup" / "cleannews_a.jsonl").open() for w in json.loads(line)["text"].split()]
    rng = random.Random(7)
    folder.mkdir()
    for i in range(N_ARTICLES):
        (folder / f"a{i:05}.txt").write_text(" ".join(rng.choices(words, k=120)), encoding="utf-8")


def add_command(db: Path) -> list[str]:
    return [sys.executable, "-m", "qc", "index", "add", str(db), "corpus", "--batch-size", "20", "-v"]


def reported(log: Path) -> set[str]:
    """Refs the killed process said were committed; a torn last line (no newline) is ignored."""
    lines = log.read_text(encoding="utf-8").split("\n")[:-1]  # complete lines only
    return {line.split(" ", 1)[1] for line in lines if line.startswith(("added ", "exists ")) and not SUMMARY.fullmatch(line)}


def test_sigkill_during_index_add_loses_nothing_reported(tmp_path: Path) -> None:
    make_corpus(tmp_path / "corpus")
    # How long a whole run takes here, so that the kills land inside one on any machine.
    start = time.perf_counter()
    subprocess.run(add_command(tmp_path / "full.db"), cwd=tmp_path, capture_output=True, env=ENV, check=True)
    full = time.perf_counter() - start
    rng = random.Random(20261125)
    mid_run = 0
    for trial in range(5):
        db = tmp_path / f"ix{trial}.db"
        if trial == 4:  # the last trial resumes an index that was killed before
            for suffix in ("", "-wal", "-shm"):
                if Path(f"{tmp_path / 'ix3.db'}{suffix}").exists():
                    shutil.copy(f"{tmp_path / 'ix3.db'}{suffix}", f"{db}{suffix}")
        log = tmp_path / f"out{trial}.txt"
        with log.open("wb") as out:
            proc = subprocess.Popen(add_command(db), cwd=tmp_path, stdout=out, stderr=subprocess.DEVNULL, env=ENV)
            time.sleep(rng.uniform(0.1, 0.9) * full)
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
        said = reported(log)
        if not db.exists():
            assert not said
            continue
        with Index(db, create=True) as ix:  # opens whatever state the kill left
            assert ix.check() == [], f"trial {trial}"
            refs = ix.refs()
        present = set(refs)
        assert len(refs) == len(present), f"trial {trial}: an article was stored twice"
        missing = said - present
        assert not missing, f"trial {trial}: {len(missing)} reported articles lost, e.g. {sorted(missing)[:3]}"
        mid_run += 0 < len(said) and len(present) < N_ARTICLES
    assert mid_run >= 2, "the kills did not land in the middle of adding"
    # An uninterrupted run completes a killed index: every article exactly once.
    done = subprocess.run(add_command(tmp_path / "ix4.db"), cwd=tmp_path, capture_output=True, text=True, env=ENV)
    assert done.returncode == 0, done.stderr
    with Index(tmp_path / "ix4.db") as ix:
        refs = ix.refs()
        assert ix.check() == []
    assert len(refs) == len(set(refs)) == N_ARTICLES
