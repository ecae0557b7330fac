"""How well can any score agree with MQM on this sample? The noise ceiling of the
system-level and within-story pairwise accuracies that `qc eval --scores` reports.

    .venv/bin/python bench/mqm_ceiling.py MQM.jsonl [--rounds 2000] [--seed 1]

MQM.jsonl: records with `mqm` (lower is better), `system` and `story`
(e.g. /work/shared/data/mqm-wmt23-zhen/dev/articles.jsonl).

The experts' system means come from a few stories, so they carry sampling noise: a
perfect metric, one that knew each system's true quality, would still disagree with
the sample's ranking on pairs of systems whose means differ by less than that noise.
Printed:
- the expected system-level accuracy of such a perfect metric: for each pair of
  systems, the chance that the sample orders them as the truth does, from the paired
  per-story differences (normal approximation, the sample mean standing in for the
  truth, which if anything flatters the ceiling);
- the same by bootstrap: rankings from stories drawn with replacement, against the
  full sample's ranking (and how often such a ranking reaches 0.95);
- split-half agreement: the experts' ranking from half the stories against the other half;
- within stories (needs `errors`, `source_errors`, `raters` and `segments` per record):
  one expert against the other two (each rater's error points per segment, against the
  mean of the other raters of the same translations), and the ranking a metric would get
  that knew each system's mean MQM over the other stories and nothing about the article.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import random
import statistics
import sys
from collections import defaultdict
from pathlib import Path


def load(path: Path) -> dict[str, dict[str, float]]:
    """system -> story -> mqm, for the stories every system translated."""
    by_system: dict[str, dict[str, float]] = defaultdict(dict)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as err:
        sys.exit(f"{path}: cannot read: {err}")
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            by_system[str(record["system"])][str(record["story"])] = float(record["mqm"])
        except (ValueError, KeyError, TypeError) as err:
            sys.exit(f"{path}:{number}: needs `system`, `story` and a numeric `mqm` ({err})")
    common = set.intersection(*(set(s) for s in by_system.values())) if by_system else set()
    if len(by_system) < 2 or len(common) < 4:
        sys.exit(f"{path}: needs at least 2 systems sharing 4 stories")
    return {system: {t: scores[t] for t in sorted(common)} for system, scores in by_system.items()}


def agreement(a: dict[str, float], b: dict[str, float]) -> float:
    """Share of system pairs that two system -> mean maps order alike."""
    pairs = list(itertools.combinations(sorted(a), 2))
    return sum((a[x] < a[y]) == (b[x] < b[y]) for x, y in pairs) / len(pairs)


def means(data: dict[str, dict[str, float]], stories: list[str]) -> dict[str, float]:
    return {system: statistics.fmean(scores[t] for t in stories) for system, scores in data.items()}


def perfect_metric_expectation(data: dict[str, dict[str, float]]) -> float:
    stories = list(next(iter(data.values())))
    chances = []
    for x, y in itertools.combinations(sorted(data), 2):
        diffs = [data[x][t] - data[y][t] for t in stories]
        spread = statistics.stdev(diffs) / math.sqrt(len(diffs))
        gap = abs(statistics.fmean(diffs))
        chances.append(1.0 if spread == 0 else 0.5 * (1 + math.erf(gap / spread / math.sqrt(2))))
    return statistics.fmean(chances)


def within_story(path: Path) -> tuple[float, float] | None:
    """(one rater against the other raters, the system's mean over the other stories): the
    within-story pairwise accuracy of each against the official MQM or the other raters."""
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    if not all({"errors", "raters", "segments"} <= set(r) for r in records):
        return None
    by_story: dict[str, list[dict]] = defaultdict(list)
    for r in records:
        points: dict[str, float] = defaultdict(float)
        for e in r["errors"] + r.get("source_errors", []):
            points[e["rater"]] += float(e["weight"])
        r["_by_rater"] = [points[x] / len(r["segments"]) for x in sorted(r["raters"])]
        by_story[str(r["story"])].append(r)

    def accuracy(pred, truth) -> float:  # type: ignore[no-untyped-def]
        right = total = 0.0
        for group in by_story.values():
            for a, b in itertools.combinations(group, 2):
                dt, dp = truth(a) - truth(b), pred(a) - pred(b)
                if dt:
                    total += 1
                    right += 0.5 if dp == 0 else float((dp > 0) == (dt > 0))
        return right / total

    raters = min(len(r["_by_rater"]) for r in records)
    one = statistics.fmean(
        accuracy(lambda r, k=k: r["_by_rater"][k], lambda r, k=k: statistics.fmean(x for i, x in enumerate(r["_by_rater"]) if i != k))
        for k in range(raters)
    )
    per_system: dict[str, dict[str, float]] = defaultdict(dict)
    for r in records:
        per_system[str(r["system"])][str(r["story"])] = float(r["mqm"])

    def elsewhere(r: dict) -> float:
        others = [v for t, v in per_system[str(r["system"])].items() if t != str(r["story"])]
        return statistics.fmean(others) if others else 0.0

    return one, accuracy(elsewhere, lambda r: float(r["mqm"]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mqm", type=Path)
    parser.add_argument("--rounds", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    data = load(args.mqm)
    stories = list(next(iter(data.values())))
    full = means(data, stories)
    rng = random.Random(args.seed)
    boot = [agreement(means(data, [rng.choice(stories) for _ in stories]), full) for _ in range(args.rounds)]
    halves = []
    for _ in range(args.rounds):
        shuffled = rng.sample(stories, len(stories))
        half = len(shuffled) // 2
        halves.append(agreement(means(data, shuffled[:half]), means(data, shuffled[half:])))
    pairs = len(data) * (len(data) - 1) // 2
    print(f"{len(data)} systems ({pairs} pairs), {len(stories)} stories each")
    print(f"perfect metric, expected system-level pairwise accuracy: {perfect_metric_expectation(data):.3f}")
    print(f"bootstrap over stories, against the full ranking: mean {statistics.fmean(boot):.3f}, "
          f"reaching 0.95 in {sum(b >= 0.95 for b in boot) / len(boot):.1%} of {len(boot)} draws")
    print(f"split halves, experts against themselves: mean {statistics.fmean(halves):.3f}, "
          f"reaching 0.95 in {sum(h >= 0.95 for h in halves) / len(halves):.1%}")
    inside = within_story(args.mqm)
    if inside is not None:
        print(f"within stories: one expert against the mean of the other two: {inside[0]:.3f}; "
              f"each system's mean MQM over the other stories: {inside[1]:.3f}")
    for system, mean in sorted(full.items(), key=lambda kv: kv[1]):
        print(f"  {system:20s} {mean:6.3f}")


if __name__ == "__main__":
    main()
