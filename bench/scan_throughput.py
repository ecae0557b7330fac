"""Scan throughput: load a corpus (any path qc scan accepts), lint every article with all
default packs on one core, print MB/s, articles/s, findings and the slowest rules.

    python bench/scan_throughput.py ../shared/data/clean-news/articles.jsonl [--repeat 3]
"""

from __future__ import annotations

import argparse
import time
from collections import Counter

from qc.corpus import load_articles
from qc.lint.engine import Linter
from qc.lint.packs import default_rules


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--repeat", type=int, default=3, help="best of N timed passes")
    parser.add_argument("--per-rule", action="store_true", help="also time each rule alone")
    args = parser.parse_args()

    articles, errors = load_articles(args.paths)
    texts = [a.text for a in articles]
    size_mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    words = sum(len(t.split()) for t in texts)
    t0 = time.perf_counter()
    rules = default_rules()
    linter = Linter(rules)
    setup = time.perf_counter() - t0

    best = float("inf")
    counts: Counter[str] = Counter()
    for _ in range(args.repeat):
        counts.clear()
        start = time.perf_counter()
        for text in texts:
            counts.update(f.rule for f in linter.lint(text))
        best = min(best, time.perf_counter() - start)
    total = sum(counts.values())
    print(f"corpus: {len(texts)} articles, {size_mb:.2f} MB, {words} words ({len(errors)} load errors)")
    print(f"rules: {len(rules)} loaded in {setup:.3f} s")
    print(f"scan: {best:.3f} s  ->  {size_mb / best:.2f} MB/s, {len(texts) / best:.0f} articles/s (one core, best of {args.repeat})")
    print(f"findings: {total} ({1000 * total / max(words, 1):.3f} per 1,000 words)")
    for rule_id, n in counts.most_common(15):
        print(f"  {rule_id:<7} {n}")
    if args.per_rule:
        timings = []
        for rule in rules:
            single = Linter([rule])
            start = time.perf_counter()
            for text in texts:
                single.lint(text)
            timings.append((time.perf_counter() - start, rule.id))
        print("slowest rules (alone):")
        for seconds, rule_id in sorted(timings, reverse=True)[:10]:
            print(f"  {rule_id:<7} {seconds:.3f} s")


if __name__ == "__main__":
    main()
