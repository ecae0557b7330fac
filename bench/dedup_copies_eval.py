"""Copy-tier precision and recall on a generated near-copy corpus, and pipeline speed.

Usage: python bench/dedup_copies_eval.py nearcopy.jsonl [--threshold 0.8] [--containment 0.8]
(build nearcopy.jsonl with bench/make_nearcopy_corpus.py)

A pair is a true copy pair when its exact word-5-gram Jaccard >= threshold or its
containment (shared / smaller set) >= containment. Predicted pairs are the pairs of
articles in one copy cluster. Every predicted pair is checked exactly (precision); the
truth pairs are all qualifying pairs within a generated group (recall); a qualifying
pair across groups (an overlap already in the source corpus) found by qc also counts.
(a) counts every pair of articles in one cluster as predicted (two copies of one
original, each a copy of it but not of each other, count as a false pair); (b) counts
the pairs qc asserts, each member against its cluster's representative.
"""

from __future__ import annotations

import argparse
import time
from itertools import combinations

from qc.corpus import load_articles
from qc.dedup.cluster import copy_clusters
from qc.dedup.copies import MIN_CONTAINED_SHINGLES, overlap, shingle_texts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("path")
    parser.add_argument("--threshold", type=float, default=0.8)
    parser.add_argument("--containment", type=float, default=0.8)
    args = parser.parse_args()
    articles, _ = load_articles([args.path])
    texts = [a.text for a in articles]
    start = time.process_time()
    batch = shingle_texts(texts)
    clusters = copy_clusters(articles, batch, args.threshold, args.containment, findings=lambda i: 0)
    elapsed = time.process_time() - start

    def qualifies(i: int, j: int) -> bool:
        ov = overlap(batch.sets[i], batch.sets[j])
        small = min(len(batch.sets[i]), len(batch.sets[j]))
        return ov.jaccard >= args.threshold or (small >= MIN_CONTAINED_SHINGLES and ov.containment >= args.containment)

    groups: dict[str, list[int]] = {}
    for i, a in enumerate(articles):
        groups.setdefault(a.metadata["group"], []).append(i)
    truth = {p for g in groups.values() for p in combinations(sorted(g), 2) if qualifies(*p)}
    pred = {p for c in clusters for p in combinations(sorted(m.index for m in c.members), 2)}
    correct = {p for p in pred if p in truth or qualifies(*p)}
    truth |= correct
    precision = len(correct) / len(pred) if pred else 1.0
    recall = len(pred & truth) / len(truth) if truth else 1.0
    # the relation the generator controls: each copy against its original
    orig = {a.metadata["group"]: i for i, a in enumerate(articles) if not a.metadata.get("edits")}
    cluster_of = {m.index: c.id for c in clusters for m in c.members}
    rel_true = rel_found = 0
    for i, a in enumerate(articles):
        if a.metadata.get("edits") and a.metadata.get("positive"):
            rel_true += 1
            o = orig[a.metadata["group"]]
            rel_found += i in cluster_of and cluster_of.get(o) == cluster_of[i]
    # the pairs qc asserts: each member against its representative (what the report shows)
    asserted = {(min(m.index, c.representative), max(m.index, c.representative)) for c in clusters for m in c.members
                if m.index != c.representative}
    asserted_ok = sum(qualifies(*p) for p in asserted)
    print(f"articles {len(articles)}  copy clusters {len(clusters)}  pipeline {elapsed:.2f} s CPU = {len(articles) / elapsed:,.0f} articles/s")
    print(f"(a) all pairs in clusters: precision {precision:.4f} ({len(correct)}/{len(pred)})  recall {recall:.4f} ({len(pred & truth)}/{len(truth)})")
    print(f"(b) member-representative pairs: precision {asserted_ok / len(asserted):.4f} ({asserted_ok}/{len(asserted)})  "
          f"recall = (a) recall (a qualifying pair counts as found when both are in one cluster)")
    print(f"copy->original: recall {rel_found / rel_true:.4f} ({rel_found}/{rel_true})")


if __name__ == "__main__":
    main()
