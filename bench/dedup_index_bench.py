"""Index build time, size per article, and query latency (in process and in a fresh
process: `qc index query` and `qc hook-dedup`) at N indexed articles.

Usage: python bench/dedup_index_bench.py ../shared/data/clean-news/articles.jsonl DB [--n 100000] [--runs 10]
       (bench/million_dedup.py --index DB --index-n N builds DB from its synthetic corpus instead)

Builds DB with N synthetic articles (random runs of 14 real sentences from the corpus, so
every one is distinct; a DB that already holds some is topped up), adding them as
`qc index add` does (batches of 500, one transaction each), and prints the build rate
every 100,000. Fresh-process timings run the `qc` console script --runs times after one
warm-up run, with bytecode caching on (PYTHONDONTWRITEBYTECODE unset, as on a user's
machine): wall and CPU time, best and median (on a busy machine CPU time is steadier).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from qc.corpus import Article, load_articles
from qc.dedup.index import Index

MakeTexts = Callable[[list[int]], list[str]]


def build(db: str, n: int, make_texts: MakeTexts, step: int = 5000, log: Callable[[str], None] = print) -> tuple[float, float, int]:
    """Top DB up to n articles (article k is make_texts([k])); returns (wall s, CPU s, articles added)."""
    t0, c0 = time.perf_counter(), time.process_time()
    with Index(db, create=True) as ix:
        have = int(ix.stats()["articles"])
        mark = t0
        for s in range(have, n, step):
            ks = list(range(s, min(s + step, n)))
            ix.add(Article(f"synthetic/{k}.txt", t) for k, t in zip(ks, make_texts(ks)))
            if (ks[-1] + 1) % 100_000 == 0:
                now = time.perf_counter()
                log(f"  {ks[-1] + 1:,} articles, last 100,000 in {now - mark:.1f} s")
                mark = now
    return time.perf_counter() - t0, time.process_time() - c0, max(0, n - have)


def in_process_latency(db: str, probes: list[Article]) -> list[float]:
    """Seconds per one-article query, in one process (index open, pages cached)."""
    out = []
    with Index(db) as ix:
        for p in probes:
            q0 = time.perf_counter()
            ix.query([p])
            out.append(time.perf_counter() - q0)
    return sorted(out)


def fresh_latency(args: list[str], runs: int) -> tuple[list[float], list[float]]:
    """(wall s, CPU s) of `qc ARGS` in new processes, after one warm-up run."""
    qc = Path(sys.executable).with_name("qc")
    command = [str(qc)] if qc.exists() else [sys.executable, "-m", "qc"]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    walls, cpus = [], []
    for run in range(runs + 1):
        before = os.times()
        t = time.perf_counter()
        subprocess.run([*command, *args], capture_output=True, check=False, env=env)
        wall = time.perf_counter() - t
        after = os.times()
        if run:
            walls.append(wall)
            cpus.append(after.children_user - before.children_user + after.children_system - before.children_system)
    return walls, cpus


def _summary(walls: list[float], cpus: list[float]) -> str:
    return (f"wall best {min(walls):.3f} s, median {statistics.median(walls):.3f} s; "
            f"CPU best {min(cpus):.3f} s, median {statistics.median(cpus):.3f} s ({len(walls)} runs)")


def index_rows(db: str, n: int, make_texts: MakeTexts, runs: int = 10) -> list[tuple[str, str]]:
    """Build (or top up) DB to n articles and time queries: report rows."""
    wall, cpu, added = build(db, n, make_texts)
    with Index(db) as ix:
        ix.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        stats = ix.stats()
    # probes: indexed articles with a sentence added (copies), spread over the index
    ks = list(range(3, n, max(1, n // 50)))
    probes = [Article("probe.txt", t + " Updated.") for t in make_texts(ks)]
    lat = in_process_latency(db, probes)
    rows = [
        ("index build", f"{wall:.1f} s wall, {cpu:.1f} s CPU for {added:,} articles (generating their texts included)"),
        ("index size", f"{stats['articles']:,} articles, {stats['bytes'] / 1e6:.0f} MB, {stats['bytes_per_article']} B/article "
         f"({stats['free_bytes'] / 1e6:.0f} MB of it free pages), {stats['band_keys']:,} keys in {stats['segments']} segments"),
        ("index query, in process", f"median {lat[len(lat) // 2] * 1000:.1f} ms, max {lat[-1] * 1000:.1f} ms ({len(lat)} queries)"),
    ]
    with tempfile.TemporaryDirectory() as tmp:
        probe = Path(tmp, "probe.txt")
        probe.write_text(probes[len(probes) // 2].text, encoding="utf-8")
        rows.append(("qc index query, fresh process", _summary(*fresh_latency(["index", "query", db, str(probe)], runs))))
        rows.append(("qc hook-dedup, fresh process", _summary(*fresh_latency(["hook-dedup", "--index", db, str(probe)], runs))))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("corpus")
    parser.add_argument("db")
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    source, _ = load_articles([args.corpus])
    sentences = [s for a in source for s in re.split(r"(?<=[.!?])\s+", a.text) if len(s) > 40]

    def synth(ks: list[int]) -> list[str]:
        return [" ".join(random.Random(k).sample(sentences, 14)) for k in ks]

    for name, value in index_rows(args.db, args.n, synth, args.runs):
        print(f"{name:<32}  {value}")


if __name__ == "__main__":
    main()
