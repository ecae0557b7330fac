"""Quality-score throughput: lint a corpus once, then time `qc.quality.quality_of` over all
its articles (the part of `qc scan --format json` that comes after linting).

    taskset -c 1 python bench/quality_throughput.py ../shared/data/clean-news/articles.jsonl [--repeat 7]
    git show HEAD~1:qc/quality.py > /tmp/quality_old.py
    taskset -c 1 python bench/quality_throughput.py CORPUS --against /tmp/quality_old.py [--repeat 7]

Times are CPU time of this process (`time.process_time`), best of --repeat, after one
warm-up pass (wordfreq's table, the SentencePiece model and the memo caches filled), so
they are the steady state of a long scan. `--against FILE` loads another version of
qc/quality.py as a module and times it and this checkout's turn about in each round (the
host's speed drifts, so separate runs compare badly), printing the ratio of the best passes
and the median ratio within a round; it also checks that both give equal Quality results
for every article.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

from qc import quality
from qc.corpus import load_articles
from qc.finding import Finding
from qc.lint.engine import Linter, batches
from qc.lint.packs import default_rules


def load_module(path: str) -> ModuleType:
    """Another version of qc/quality.py as its own module (its caches apart from this one's)."""
    spec = importlib.util.spec_from_file_location("quality_against", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    if not Path(module.SPM_MODEL).exists():  # a copy outside a checkout: use this checkout's model
        module.SPM_MODEL = quality.SPM_MODEL
    return module


def one_pass(score: Callable[..., Any], texts: Sequence[str], found: Sequence[list[Finding]]) -> float:
    """CPU seconds to score every article once."""
    start = time.process_time()
    for text, findings in zip(texts, found):
        score(text, findings)
    return time.process_time() - start


def report(name: str, seconds: float, megabytes: float) -> None:
    print(f"{name:10s} {seconds * 1000:8.1f} ms  {megabytes / seconds:6.2f} MB/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--repeat", type=int, default=5, help="best of N timed passes")
    parser.add_argument("--against", metavar="FILE", help="another qc/quality.py to time turn about with this one")
    args = parser.parse_args()

    articles, _ = load_articles(args.paths)
    texts = [a.text for a in articles]
    linter = Linter(default_rules())
    found = [f for batch in batches(texts, len) for f in linter.lint_many(batch)]
    megabytes = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    print(f"{len(texts)} articles, {megabytes:.2f} MB, {sum(map(len, found))} findings")

    sides: dict[str, Callable[..., Any]] = {"this": quality.quality_of}
    if args.against:
        other = load_module(args.against)
        sides = {"against": other.quality_of, **sides}
        same = all(
            vars(other.quality_of(t, f)) == vars(quality.quality_of(t, f)) for t, f in zip(texts, found)
        )
        print("results equal:", same)
    for score in sides.values():
        one_pass(score, texts, found)  # warm-up: tables, models and memo caches
    best = {name: float("inf") for name in sides}
    ratios = []  # against / this within one round: both sides met the same host speed
    for _ in range(args.repeat):
        seconds = {name: one_pass(score, texts, found) for name, score in sides.items()}
        best = {name: min(best[name], seconds[name]) for name in sides}
        if args.against:
            ratios.append(seconds["against"] / seconds["this"])
    for name, seconds in best.items():
        report(name, seconds, megabytes)
    if args.against:
        print(f"speed-up  {best['against'] / best['this']:8.2f}x of the best passes")
        print(f"speed-up  {statistics.median(ratios):8.2f}x median of rounds ({min(ratios):.2f}-{max(ratios):.2f})")


if __name__ == "__main__":
    main()
