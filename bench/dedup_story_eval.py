"""Story-tier pairwise precision, recall and F1 against a ground-truth field.

Usage: python bench/dedup_story_eval.py ../shared/data/mqm-wmt23-zhen/dev/articles.jsonl [--field story]

Every pair of articles put in one story cluster (or one copy cluster: copies are the
same story too) is a predicted pair; every pair sharing the field's value is a true pair.
"""

from __future__ import annotations

import argparse
import time
from itertools import combinations

from qc.corpus import load_articles
from qc.dedup import find_clusters


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--field", default="story")
    args = parser.parse_args()
    articles, errors = load_articles(args.paths)
    for err in errors:
        print("error:", err.describe())
    start = time.perf_counter()
    clusters = find_clusters(articles, tier="all")
    elapsed = time.perf_counter() - start
    truth = {
        (i, j)
        for i, j in combinations(range(len(articles)), 2)
        if articles[i].metadata.get(args.field) is not None
        and articles[i].metadata.get(args.field) == articles[j].metadata.get(args.field)
    }
    pred: set[tuple[int, int]] = set()
    for c in clusters:
        idx = sorted(m.index for m in c.members)
        pred.update(combinations(idx, 2))
    tp = len(pred & truth)
    precision = tp / len(pred) if pred else 1.0
    recall = tp / len(truth) if truth else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    kinds: dict[str, int] = {}
    for c in clusters:
        kinds[c.kind] = kinds.get(c.kind, 0) + 1
    print(f"articles {len(articles)}  clusters {kinds}  true pairs {len(truth)}  predicted pairs {len(pred)}")
    print(f"precision {precision:.4f}  recall {recall:.4f}  F1 {f1:.4f}  ({elapsed:.1f} s)")


if __name__ == "__main__":
    main()
