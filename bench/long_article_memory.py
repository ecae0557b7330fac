"""Peak memory of `qc scan` on one long article (issue 20, point 4), per MB of article.

Usage: python bench/long_article_memory.py CORPUS.jsonl WORKDIR [--mb 1 5 19]

Writes, under WORKDIR (reused when there), one `.txt` article per size: paragraphs drawn
from an order-2 word chain over CORPUS's paragraphs (seeded, so the same file every
time). Copies of the corpus would not do: each later copy repeats every sentence, and
the repeated-sentence rule then reports ~7,000 findings per MB, whose output dwarfs what
linting needs. Each article is scanned in a fresh process (`qc scan --no-cache -j1
--format json`, to a file), and its peak resident memory (ru_maxrss) is printed with
the findings' count, and the memory each MB adds from one size to the next.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path


def write_article(corpus: str, path: Path, mb: float) -> None:
    chain: dict[tuple[str, str], list[str]] = defaultdict(list)
    with open(corpus, encoding="utf-8") as handle:
        for line in handle:
            for paragraph in json.loads(line)["text"].split("\n\n"):
                words = paragraph.split()
                if len(words) >= 3:
                    seq = ["<s>", "<s>", *words, "</s>"]
                    for i in range(len(seq) - 2):
                        chain[seq[i], seq[i + 1]].append(seq[i + 2])
    rng = random.Random(1)
    paragraphs, size = [], 0
    while size < mb * 1_000_000:
        a, b, out = "<s>", "<s>", []
        while True:
            c = rng.choice(chain[a, b])
            if c == "</s>" or len(out) > 200:
                break
            out.append(c)
            a, b = b, c
        paragraphs.append(" ".join(out))
        size += len(paragraphs[-1]) + 2
    path.write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")


def scan(path: Path) -> tuple[float, float, int]:
    """(peak RSS in MB, wall seconds, findings) of one fresh `qc scan`."""
    out = path.with_suffix(".json")
    start = time.perf_counter()
    with out.open("wb") as sink:
        proc = subprocess.Popen([sys.executable, "-m", "qc", "scan", "--no-cache", "-j1", "--format", "json", str(path)], stdout=sink)
        _, _, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    findings = len(json.loads(out.read_text(encoding="utf-8"))["findings"])
    return usage.ru_maxrss / 1024, wall, findings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("corpus")
    parser.add_argument("work", type=Path)
    parser.add_argument("--mb", type=float, nargs="+", default=[1, 5, 19])
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    tiny = args.work / "tiny.txt"
    tiny.write_text("Nothing to see.\n", encoding="utf-8")
    last_size, last_rss, _ = 0.0, *scan(tiny)[:2]
    print(f"{'3 words':>12}: {last_rss:7.0f} MB peak RSS")
    for mb in args.mb:
        path = args.work / f"article-{mb:g}mb.txt"
        if not path.exists():
            write_article(args.corpus, path, mb)
        size = path.stat().st_size / 1e6
        rss, wall, findings = scan(path)
        # (the step from the previous size leaves out fixed costs: rules, word lists, and the
        # language profiles that a three-word article does not load)
        step = f"{(rss - last_rss) / (size - last_size):5.1f} MB per MB from the previous size" if last_size else "first size"
        print(f"{size:9.1f} MB: {rss:7.0f} MB peak RSS ({rss / size:5.1f}x its size; {step}), {wall:6.1f} s, {findings} findings")
        last_size, last_rss = size, rss


if __name__ == "__main__":
    main()
