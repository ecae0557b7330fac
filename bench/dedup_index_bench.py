"""Index size per article and fresh-process query latency at N indexed articles.

Usage: python bench/dedup_index_bench.py ../shared/data/clean-news/articles.jsonl DB [--n 100000]

Builds DB with N synthetic articles (random runs of real sentences from the corpus, so
every one is distinct), then times `qc index query DB <one article>` in a new process
(wall and CPU time: best and median of --runs; on a busy machine the CPU time is the
steadier figure), and prints bytes per article. A DB that already holds N articles is
reused as it is.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from qc.corpus import Article, load_articles
from qc.dedup.index import Index


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("corpus")
    parser.add_argument("db")
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    source, _ = load_articles([args.corpus])
    sentences = [s for a in source for s in re.split(r"(?<=[.!?])\s+", a.text) if len(s) > 40]
    rng = random.Random(1)

    def synth(k: int) -> Article:
        return Article(f"synthetic/{k}.txt", " ".join(rng.sample(sentences, 14)))

    start = time.perf_counter()
    with Index(args.db, create=True) as ix:
        have = ix.stats()["articles"]
        ix.add(synth(k) for k in range(int(have), args.n))
        ix.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        stats = ix.stats()
    print(f"built {stats['articles']} articles in {time.perf_counter() - start:.1f} s; "
          f"{stats['bytes_per_article']} bytes/article ({stats['band_keys']} band keys)")
    qc = Path(sys.executable).with_name("qc")
    command = [str(qc)] if qc.exists() else [sys.executable, "-m", "qc"]
    with tempfile.TemporaryDirectory() as tmp:
        probe = Path(tmp, "probe.txt")
        probe.write_text(source[0].text, encoding="utf-8")
        walls, cpus = [], []
        for _ in range(args.runs):
            before = os.times()
            t = time.perf_counter()
            subprocess.run([*command, "index", "query", args.db, str(probe)], capture_output=True, check=False)
            walls.append(time.perf_counter() - t)
            after = os.times()
            cpus.append(after.children_user - before.children_user + after.children_system - before.children_system)
    print(f"qc index query, one article, fresh process ({' '.join(Path(c).name for c in command)}), {args.runs} runs: "
          f"wall best {min(walls):.3f} s, median {statistics.median(walls):.3f} s; "
          f"CPU best {min(cpus):.3f} s, median {statistics.median(cpus):.3f} s")

if __name__ == "__main__":
    main()
