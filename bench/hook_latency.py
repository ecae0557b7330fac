"""Pre-commit hook latency: fresh-process wall time of what each hook runs, and where it goes.

Usage:
    python bench/hook_latency.py CORPUS.jsonl --index DB [--n 100000] [--repeat 7] [--top 12]

CORPUS gives the probe article (its first record, written to a .txt) and, if DB does not
exist yet or holds fewer than N articles, the sentences for N synthetic distinct articles
(random runs of 14 of its sentences, as bench/dedup_index_bench.py builds them).

Prints, for each command, the best and the median wall time (and the best CPU time,
user + system, which a busy machine inflates less) over --repeat fresh
processes (the `qc` console script a pre-commit hook runs), against the targets of the
pre-commit issue, then the top imports by cumulative time from `python -X importtime`.
Scans use a new, never-seen article each run (the results cache never hits, as for an
incoming article); the compiled-rules cache in ~/.cache/qc is warm after the first run,
which is excluded.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

KNOWN_REF = "bench/known.txt"  # an indexed article the near-copy probe copies


def qc_command() -> list[str]:
    script = Path(sys.executable).with_name("qc")
    return [str(script)] if script.exists() else [sys.executable, "-m", "qc"]


def timed(cmd: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float, int]:
    """Wall time, CPU time (user + system, less sensitive to a loaded machine) and exit code."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.returncode


def build_index(corpus: str, db: Path, n: int) -> str:
    from qc.corpus import Article, load_articles
    from qc.dedup.index import Index

    source, _ = load_articles([corpus])
    with Index(db, create=True) as ix:
        ix.add([Article(KNOWN_REF, source[1].text)])  # the probe for a hit; a no-op once there
        have = int(ix.stats()["articles"])
        if have >= n:
            return f"index {db}: {have} articles (reused)"
        sentences = [s for a in source for s in re.split(r"(?<=[.!?])\s+", a.text) if len(s) > 40]
        rng = random.Random(1)
        start = time.perf_counter()
        ix.add(Article(f"synthetic/{k}.txt", " ".join(rng.sample(sentences, 14))) for k in range(have, n))
        ix.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        stats = ix.stats()
    return f"index {db}: built {stats['articles']} articles in {time.perf_counter() - start:.0f} s"


def import_profile(cmd: list[str], cwd: Path, env: dict[str, str], top: int) -> list[tuple[int, int, str]]:
    """(cumulative µs, self µs, module) of the top-level imports, largest first."""
    done = subprocess.run([sys.executable, "-X", "importtime", *cmd], cwd=cwd, env=env,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False)
    rows = []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, cumulative, name = line[len("import time:"):].split("|")
        if name[1:].startswith(" "):  # nested: counted in its top-level importer's cumulative time
            continue
        rows.append((int(cumulative), int(self_us), name.strip()))
    return sorted(rows, reverse=True)[:top]


def call_profile(cmd: list[str], cwd: Path, env: dict[str, str], top: int) -> list[tuple[float, float, str]]:
    """(cumulative s, own s, function) of qc's own functions under cProfile, largest first
    (module bodies excluded: those are import time, shown above)."""
    import pstats

    out = cwd / "profile.out"
    subprocess.run([sys.executable, "-m", "cProfile", "-o", str(out), *cmd], cwd=cwd, env=env,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    stats = pstats.Stats(str(out)).stats  # type: ignore[attr-defined]
    package = str(Path(__file__).resolve().parents[1] / "qc")
    rows = []
    for (filename, line, func), (_cc, _nc, own, cumulative, _callers) in stats.items():
        if "/qc/" in filename and func != "<module>" and not filename.endswith(("cli.py", "__main__.py")):
            short = filename.split("/qc/", 1)[1] if filename.startswith(package) or "/qc/" in filename else filename
            rows.append((cumulative, own, f"{short}:{line}({func})"))
    return sorted(rows, reverse=True)[:top]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", help="articles (.jsonl, .txt, .md) for the probe and the synthetic index")
    parser.add_argument("--index", required=True, help="index DB (built or topped up to --n articles)")
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--top", type=int, default=12)
    args = parser.parse_args()

    from qc.corpus import load_articles

    source, _ = load_articles([args.corpus])
    if len(source) < 2:
        sys.exit(f"{args.corpus}: needs at least 2 articles")
    print(build_index(args.corpus, Path(args.index), args.n))
    qc = qc_command()
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    work = Path(tempfile.mkdtemp(prefix="qc-hook-bench-"))
    try:
        (work / "pyproject.toml").write_text(f'[tool.qc]\nindex = "{Path(args.index).resolve().as_posix()}"\n', encoding="utf-8")
        probe = work / "one-article.txt"
        text = source[0].text

        words = source[1].text.split(" ")
        (work / "near-copy.txt").write_text(" ".join(words[:8] + ["reportedly"] + words[9:-6]), encoding="utf-8")

        def fresh_article(k: int) -> None:  # a new text each run: the results cache never hits
            probe.write_text(f"{text}\n\nUpdated at {k} {time.time_ns()}.\n", encoding="utf-8")

        cases = [
            ("python -c pass (interpreter floor)", [sys.executable, "-c", "pass"], None),
            ("python -c 'import numpy'", [sys.executable, "-c", "import numpy"], None),
            ("qc --version", [*qc, "--version"], None),
            ("qc scan one-article.txt (new article)", [*qc, "scan", "one-article.txt"], 0.4),
            ("qc scan --no-cache one-article.txt", [*qc, "scan", "--no-cache", "one-article.txt"], 0.4),
            (f"qc hook-dedup one-article.txt ({args.n:,} indexed)", [*qc, "hook-dedup", "one-article.txt"], 0.5),
            ("qc hook-dedup near-copy.txt (a hit: exit 1)", [*qc, "hook-dedup", "near-copy.txt"], 0.5),
        ]
        print(f"\nfresh-process wall time, {args.repeat} runs after one warm-up; {os.cpu_count()} cores, "
              f"load average {os.getloadavg()[0]:.2f}")
        print(f"{'command':<52} {'best s':>7} {'median s':>9} {'cpu s':>6} {'exit':>5}  target (wall)")
        for label, cmd, target in cases:
            times, cpus = [], []
            code = 0
            for k in range(args.repeat + 1):
                fresh_article(k)
                elapsed, cpu, code = timed(cmd, work, env)
                if k:
                    times.append(elapsed)
                    cpus.append(cpu)
            verdict = "" if target is None else f"{target:.2f} s " + ("ok" if min(times) <= target else "OVER")
            print(f"{label:<52} {min(times):>7.3f} {statistics.median(times):>9.3f} {min(cpus):>6.3f} {code:>5}  {verdict}")

        for label, cmd in [("qc scan one-article.txt", ["-m", "qc", "scan", "one-article.txt"]),
                           ("qc hook-dedup one-article.txt", ["-m", "qc", "hook-dedup", "one-article.txt"])]:
            fresh_article(99)
            print(f"\npython -X importtime {label}: top-level imports by cumulative time")
            print(f"{'module':<44} {'cumulative ms':>14} {'self ms':>8}")
            for cumulative, self_us, name in import_profile(cmd, work, env, args.top):
                print(f"{name:<44} {cumulative / 1000:>14.1f} {self_us / 1000:>8.1f}")
        fresh_article(100)
        print("\ncProfile qc scan --no-cache one-article.txt: qc functions by cumulative time")
        print(f"{'function':<60} {'cumulative s':>13} {'own s':>7}")
        for cumulative, own, name in call_profile(["-m", "qc", "scan", "--no-cache", "one-article.txt"], work, env, args.top):
            print(f"{name:<60} {cumulative:>13.3f} {own:>7.3f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
