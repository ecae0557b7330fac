"""Issue #7: a re-scan of an unchanged corpus from `.qc_cache/` against a scan without the cache.

Both run `qc scan CORPUS` in a fresh process, as a user (or CI) does, in a temporary
folder holding a copy of the corpus (so the cache starts empty and lands there). Reports
the best of N wall and CPU (user + system, of the child) times and their ratios, and
checks that the cached run printed exactly what the uncached one did.

Bytecode is cached as on a user's machine: PYTHONDONTWRITEBYTECODE is removed from the
children's environment. With --no-bytecode the children neither read nor write .pyc files
(an empty PYTHONPYCACHEPREFIX), so every module is compiled from source on every start,
which is then most of a cached run's time.

    python bench/cache_rescan.py ../shared/data/clean-news/articles.jsonl --repeat 7
    taskset -c 1 python bench/cache_rescan.py big.jsonl --copies 6   # the corpus x6 as one .jsonl
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Timing:
    wall: float
    cpu: float
    output: bytes


def run_once(command: list[str], cwd: Path, env: dict[str, str]) -> Timing:
    """One fresh `qc` process; CPU time is the child's user + system time."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):  # 1 means findings, which is fine here
        raise SystemExit(f"qc failed ({done.returncode}): {done.stderr.decode(errors='replace')[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Timing(wall, cpu, done.stdout)


def best_of(runs: list[Timing]) -> Timing:
    if len({r.output for r in runs}) != 1:
        raise SystemExit("qc printed different outputs for the same command")
    return Timing(min(r.wall for r in runs), min(r.cpu for r in runs), runs[0].output)


def interleaved(uncached: list[str], cached: list[str], cwd: Path, env: dict[str, str], repeat: int) -> tuple[Timing, Timing]:
    """Best of `repeat` runs of each, alternating, so that both see the same machine load."""
    slow: list[Timing] = []
    fast: list[Timing] = []
    for _ in range(repeat):
        slow.append(run_once(uncached, cwd, env))
        fast.append(run_once(cached, cwd, env))
    return best_of(slow), best_of(fast)


def prepare(corpus: Path, folder: Path, copies: int) -> Path:
    """The corpus copied into `folder` (a .jsonl repeated `copies` times as one file)."""
    target = folder / corpus.name
    if corpus.is_dir():
        shutil.copytree(corpus, target)
        return target
    data = corpus.read_bytes()
    if data and not data.endswith(b"\n"):
        data += b"\n"
    target.write_bytes(data * copies)
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", type=Path, help="a .jsonl file, an article or a folder of articles")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each kind; the best is reported (default 5)")
    parser.add_argument("--copies", type=int, default=1, help="repeat a file's contents this many times (default 1)")
    parser.add_argument("--jobs", type=int, default=1, help="qc scan -j (default 1)")
    parser.add_argument("--format", default="text", help="qc scan --format (default text)")
    parser.add_argument("--no-bytecode", action="store_true", help="no .pyc files: compile every module on every start")
    args = parser.parse_args()
    if not args.corpus.exists():
        raise SystemExit(f"{args.corpus}: no such file or folder")

    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    with tempfile.TemporaryDirectory(prefix="qc-cache-bench-") as tmp:
        folder = Path(tmp)
        if args.no_bytecode:
            (folder / "no-pyc").mkdir()
            env.update(PYTHONDONTWRITEBYTECODE="1", PYTHONPYCACHEPREFIX=str(folder / "no-pyc"))
        target = prepare(args.corpus.resolve(), folder, args.copies)
        scan = [sys.executable, "-m", "qc", "scan", target.name, "-j", str(args.jobs), "--format", args.format]
        size = sum(p.stat().st_size for p in ([target] if target.is_file() else target.rglob("*")) if p.is_file())
        run_once([*scan, "--no-cache"], folder, env)  # warm-up: bytecode, the compiled-rules cache
        run_once(scan, folder, env)  # fills .qc_cache/
        uncached, cached = interleaved([*scan, "--no-cache"], scan, folder, env, args.repeat)
    if cached.output != uncached.output:
        raise SystemExit("the cached run's output differs from the uncached run's")
    print(f"corpus: {args.corpus} x{args.copies} ({size / 1e6:.1f} MB), qc scan -j {args.jobs} --format {args.format}, best of {args.repeat}")
    print(f"uncached: wall {uncached.wall:.3f} s, cpu {uncached.cpu:.3f} s")
    print(f"cached:   wall {cached.wall:.3f} s, cpu {cached.cpu:.3f} s")
    print(f"ratio:    wall {uncached.wall / cached.wall:.1f}x, cpu {uncached.cpu / cached.cpu:.1f}x (outputs identical)")


if __name__ == "__main__":
    main()
