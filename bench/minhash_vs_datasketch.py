"""MinHash signatures: qc against datasketch on the same texts, side by side in one process.

Usage: taskset -c 0 python bench/minhash_vs_datasketch.py ../shared/data/clean-news/articles.jsonl [--repeat 3]

Both get the same raw texts and do their own work from there: qc normalises, tokenises
bytes and hashes with numpy (qc.dedup.minhash.signatures); datasketch gets the same
normalised text split into words, word 5-grams as bytes, MinHash(num_perm=128).update_batch
(its documented batch API), so tokenising is counted on both sides. The agreement of
the two libraries' Jaccard estimates on near-copy pairs is printed as a sanity check.
Times are CPU seconds (time.process_time), best of --repeat; pin to one core.
"""

from __future__ import annotations

import argparse
import random
import time


def best_of(repeat: int, fn) -> float:
    times = []
    for _ in range(repeat):
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--datasketch-limit", type=int, default=0, help="sign only this many with datasketch (0: all)")
    args = parser.parse_args()
    import numpy as np
    from datasketch import MinHash

    from qc.corpus import load_articles
    from qc.dedup.minhash import NUM_PERM, signatures
    from qc.dedup.shingle import normalize

    articles, _ = load_articles(args.paths)
    texts = [a.text for a in articles]
    sub = texts[: args.datasketch_limit or len(texts)]
    mb = sum(len(t.encode()) for t in texts) / 1e6

    def ds(batch: list[str]) -> list[MinHash]:
        out = []
        for t in batch:
            words = normalize(t).split()
            m = MinHash(num_perm=NUM_PERM)
            m.update_batch([" ".join(words[i : i + 5]).encode() for i in range(max(1, len(words) - 4))])
            out.append(m)
        return out

    signatures(texts[:20])  # warm-up: power tables
    qc_s = best_of(args.repeat, lambda: signatures(texts))
    ds_s = best_of(args.repeat, lambda: ds(sub))
    qc_rate, ds_rate = len(texts) / qc_s, len(sub) / ds_s
    # sanity: both estimate the Jaccard of edited copies alike
    rng = random.Random(1)
    pairs = []
    for t in texts[:100]:
        words = t.split()
        pairs.append((t, " ".join(w if rng.random() > 0.03 else w + "x" for w in words)))
    a = signatures([p for p, _ in pairs])
    b = signatures([q for _, q in pairs])
    qc_est = np.mean(a == b, axis=1)
    ds_a, ds_b = ds([p for p, _ in pairs]), ds([q for _, q in pairs])
    ds_est = np.array([x.jaccard(y) for x, y in zip(ds_a, ds_b)])
    rows = [
        ("articles", f"{len(texts):,} ({mb:.2f} MB, mean {sum(len(t.split()) for t in texts) / len(texts):.0f} words)"),
        ("qc signatures", f"{qc_rate:>10,.0f} articles/s  {mb / qc_s * len(texts) / len(texts):.2f} MB/s"),
        ("datasketch MinHash.update_batch", f"{ds_rate:>10,.0f} articles/s  ({len(sub):,} articles)"),
        ("ratio qc / datasketch", f"{qc_rate / ds_rate:.1f}x"),
        ("mean |qc - datasketch| Jaccard estimate", f"{float(np.mean(np.abs(qc_est - ds_est))):.3f} (100 edited copies)"),
    ]
    width = max(len(k) for k, _ in rows)
    for k, v in rows:
        print(f"{k:<{width}}  {v}")


if __name__ == "__main__":
    main()
