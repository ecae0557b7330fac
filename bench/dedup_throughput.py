"""MinHash signature throughput of qc and datasketch on the same texts, and the whole
copy-tier pipeline, on one core.

Times are CPU seconds of this process (time.process_time), the best of --repeat runs:
on a shared machine, wall time also counts the other processes on the same core.
Run it pinned (`taskset -c 0`), so numpy uses one core.

Usage: python bench/dedup_throughput.py ../shared/data/clean-news/articles.jsonl [--repeat 3] [--datasketch-limit 300]

Both sides get the same raw texts; each does its own normalisation and word 5-gram
shingling (datasketch: qc's normaliser + str.split 5-grams, update_batch).
"""

from __future__ import annotations

import argparse
import time

from qc.corpus import load_articles


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
    parser.add_argument("--datasketch-limit", type=int, default=300, help="articles for datasketch (it is slow)")
    args = parser.parse_args()
    articles, _ = load_articles(args.paths)
    texts = [a.text for a in articles]
    from qc.dedup.cluster import copy_clusters
    from qc.dedup.copies import shingle_texts
    from qc.dedup.minhash import signatures
    from qc.dedup.shingle import normalize

    signatures(texts[:50])  # warm up (power tables)
    qc_s = best_of(args.repeat, lambda: signatures(texts))
    qc_rate = len(texts) / qc_s
    sub = texts[: args.datasketch_limit]
    try:
        from datasketch import MinHash

        def ds() -> None:
            for t in sub:
                words = normalize(t).split()
                shingles = [" ".join(words[i : i + 5]).encode() for i in range(max(1, len(words) - 4))]
                m = MinHash(num_perm=128)
                m.update_batch(shingles)

        ds_rate = len(sub) / best_of(args.repeat, ds)
    except ImportError:
        ds_rate = float("nan")
    pipe_s = best_of(args.repeat, lambda: copy_clusters(articles, shingle_texts(texts), 0.8, 0.8, lambda i: 0))
    print(f"articles {len(texts)}, mean {sum(len(t.split()) for t in texts) / len(texts):.0f} words")
    print(f"signatures  qc {qc_rate:>10,.0f} articles/s   datasketch {ds_rate:>8,.0f} articles/s   ratio {qc_rate / ds_rate:.1f}x")
    print(f"copy-tier pipeline (shingle, sign, LSH, verify, cluster): {len(texts) / pipe_s:,.0f} articles/s")


if __name__ == "__main__":
    main()
