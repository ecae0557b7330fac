"""Limits (issue 8): time and peak memory of qc on a folder of many small files, a huge
article and a .jsonl with a huge line.

Usage: python bench/hardening_limits.py CORPUS.jsonl WORKDIR [--files 100000] [--big-mb 200] [--line-mb 50] [--raise]

Builds, under WORKDIR (reused when already there): a folder of --files small articles
(runs of real sentences from CORPUS), one article of --big-mb MB of real text and a .jsonl
whose second line is --line-mb MB. Then runs each qc command in a fresh process and
prints wall time, CPU time and peak resident memory (ru_maxrss of the process and its
workers). With --raise, also scans the big article with the limit raised to fit it.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import time
from pathlib import Path


def build(corpus: str, work: Path, files: int, big_mb: int, line_mb: int) -> tuple[Path, Path, Path]:
    sentences = []
    with open(corpus, encoding="utf-8") as handle:
        for line in handle:
            sentences += [s for s in re.split(r"(?<=[.!?])\s+", json.loads(line)["text"]) if len(s) > 40]
    rng = random.Random(1)
    many = work / "many"
    if not (many / f"{files - 1:06}.txt").exists():
        many.mkdir(parents=True, exist_ok=True)
        for i in range(files):
            (many / f"{i:06}.txt").write_text(" ".join(rng.sample(sentences, 3)) + "\n", encoding="utf-8")
    big = work / "big" / "big.txt"
    if not big.exists() or big.stat().st_size < big_mb * 1_000_000:
        big.parent.mkdir(parents=True, exist_ok=True)
        with big.open("w", encoding="utf-8") as out:
            written = 0
            while written < big_mb * 1_000_000:
                para = " ".join(rng.sample(sentences, 6)) + "\n\n"
                written += out.write(para)
    feed = work / "feed" / "feed.jsonl"
    if not feed.exists():
        feed.parent.mkdir(parents=True, exist_ok=True)
        with feed.open("wb") as out:
            out.write(json.dumps({"text": sentences[0]}).encode() + b"\n")
            out.write(b'{"text": "')
            chunk = (re.sub(r"[\x00-\x1f\"\\\\]", " ", " ".join(sentences[:50])) + " ").encode()
            for _ in range(line_mb * 1_000_000 // len(chunk) + 1):
                out.write(chunk)
            out.write(b'"}\n')
            out.write(json.dumps({"text": sentences[1]}).encode() + b"\n")
    return many, big, feed


def measure(label: str, args: list[str], cwd: Path) -> None:
    start = time.perf_counter()
    with open(os.devnull, "wb") as null:
        proc = subprocess.Popen([sys.executable, "-m", "qc", *args], cwd=cwd, stdout=null, stderr=subprocess.PIPE)
        assert proc.stderr is not None
        err = proc.stderr.read().decode("utf-8", "replace")
        _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    first_error = next((line for line in err.splitlines() if line.startswith("qc:")), "")
    print(f"{label:<44}{wall:>9.1f}{usage.ru_utime + usage.ru_stime:>9.1f}{usage.ru_maxrss / 1024:>9.0f}{code:>6}  {first_error[:90]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus")
    parser.add_argument("work")
    parser.add_argument("--files", type=int, default=100_000)
    parser.add_argument("--big-mb", type=int, default=200)
    parser.add_argument("--line-mb", type=int, default=50)
    parser.add_argument("--raise", dest="raise_limit", action="store_true", help="also scan the big article with the limit raised")
    args = parser.parse_args()
    work = Path(args.work)
    t = time.perf_counter()
    many, big, feed = build(args.corpus, work, args.files, args.big_mb, args.line_mb)
    print(f"inputs ready in {time.perf_counter() - t:.0f} s: {args.files} files, {big.stat().st_size / 1e6:.0f} MB article, "
          f"{feed.stat().st_size / 1e6:.0f} MB .jsonl")
    print(f"{'command':<44}{'wall s':>9}{'CPU s':>9}{'peak MB':>9}{'exit':>6}  first message")
    rules = ["--no-cache"]
    measure(f"scan {args.files} small files (-j 2)", ["scan", str(many), *rules, "--statistics", "-j", "2"], work)
    measure(f"scan {args.files} files --format jsonl (streamed)", ["scan", str(many), *rules, "--format", "jsonl"], work)
    db = work / "many.qcindex"
    db.unlink(missing_ok=True)
    measure(f"index add {args.files} small files", ["index", "add", str(db), str(many)], work)
    measure(f"scan one {args.big_mb} MB article (default limit)", ["scan", str(big), *rules], work)
    measure(f"index add one {args.big_mb} MB article", ["index", "add", str(work / 'big.qcindex'), str(big)], work)
    measure(f"scan .jsonl with a {args.line_mb} MB line", ["scan", str(feed), *rules], work)
    measure(f"scan .jsonl, {args.line_mb} MB line, limit 5 MB", ["scan", str(feed), *rules, "--max-article-size", "5"], work)
    if args.raise_limit:
        measure(f"scan one {args.big_mb} MB article (limit raised)",
                ["scan", str(big), *rules, "--statistics", "--max-article-size", str(args.big_mb + 10)], work)


if __name__ == "__main__":
    main()
