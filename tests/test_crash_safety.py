"""SIGKILL `qc scan --fix` at random moments: every article is afterwards the original or the fully fixed text."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import FIXTURES, ROOT

QC_FIX = ["-m", "qc", "scan", "--fix", "--no-cache", "-j", "1", "--no-default-rules", "--rules", str(FIXTURES / "packs" / "engine-test.yaml")]

ARTICLE = "In a statement. statement. the the ministry said it was a economic crisis.. Then it ended.\n"


def make_corpus(folder: Path, count: int) -> None:
    folder.mkdir()
    for i in range(count):
        # Long enough that the run takes a while, so kills land in the middle of it.
        (folder / f"a{i:03}.txt").write_text(f"Article {i}.\n\n" + ARTICLE * 40, encoding="utf-8")


def any_fixed(folder: Path, originals: dict[str, bytes]) -> bool:
    for path in folder.glob("*.txt"):
        try:
            if path.read_bytes() != originals[path.name]:
                return True
        except OSError:
            continue  # being replaced right now
    return False


def test_sigkill_during_fix_never_leaves_a_partial_file(tmp_path: Path) -> None:
    originals = tmp_path / "originals"
    make_corpus(originals, 80)
    expected = tmp_path / "expected"
    shutil.copytree(originals, expected)
    done = subprocess.run([sys.executable, *QC_FIX, str(expected)], capture_output=True, cwd=ROOT)
    assert done.returncode in (0, 1), done.stderr
    fixed = {p.name: p.read_bytes() for p in expected.iterdir()}
    before = {p.name: p.read_bytes() for p in originals.iterdir()}
    assert all(fixed[n] != before[n] for n in before)

    rng = random.Random(20261125)
    outcomes = {"original": 0, "fixed": 0}
    for trial in range(6):
        work = tmp_path / f"trial{trial}"
        shutil.copytree(originals, work)
        proc = subprocess.Popen([sys.executable, *QC_FIX, str(work)], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        # Kill once the run is writing (the first file fixed), after a random moment more: a
        # fixed sleep lands before the first write on a loaded machine, after the last on an idle one.
        deadline = time.monotonic() + 120
        while proc.poll() is None and time.monotonic() < deadline and not any_fixed(work, before):
            time.sleep(0.005)
        time.sleep(rng.uniform(0.0, 0.05))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        for path in work.glob("*.txt"):
            data = path.read_bytes()
            assert data in (before[path.name], fixed[path.name]), f"trial {trial}: {path.name} is neither original nor fixed"
            outcomes["original" if data == before[path.name] else "fixed"] += 1
    # Both states were seen, so the kills really landed mid-run (not before or after it).
    assert outcomes["original"] and outcomes["fixed"], outcomes
