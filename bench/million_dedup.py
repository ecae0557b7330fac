"""Copy-tier dedup of a synthetic near-copy corpus of N articles (default 1,000,000),
generated on the fly: total time and peak memory, and recall/precision on planted copies.

Usage: python bench/million_dedup.py ../shared/data/clean-news/articles.jsonl [--n 1000000] [--jobs 2]
       [--index DB --index-n 1000000]   # also: build a qc index of the corpus, time queries

Article k is generated from k alone (a seeded RNG): 300-450 words drawn from the source
corpus's word frequencies (a unigram model; drawing whole sentences from a 655-article
corpus would make a million articles share each sentence ~1,000 times), so originals are
distinct but share common words and short phrases. With probability --copy-rate it is instead an edited
copy of an earlier original (truncated to 60-90%, boilerplate added, or 2% typos).
Workers generate and sign their own ranges (nothing but signatures crosses processes);
the parent then finds candidates from the signatures (a few bands at a time), re-generates
the candidates' texts only, verifies them exactly, and builds the copy clusters, as
`qc dedup --tier copies` does on a file (which re-reads candidates instead). Memory is
the peak RSS of the parent and of the largest worker (ru_maxrss).
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import resource
import time

import numpy as np

BOILER = "Sign up for our daily newsletter to get the top stories delivered to your inbox every morning."
_vocab: np.ndarray = np.zeros(0, dtype=object)
_cdf: np.ndarray = np.zeros(0)
_rate = 0.1


def _load_model(path: str) -> tuple[np.ndarray, np.ndarray]:
    from collections import Counter

    from qc.corpus import load_articles

    arts, _ = load_articles([path])
    counts = Counter(w for a in arts for w in a.text.split())
    vocab = sorted(counts, key=lambda w: (-counts[w], w))
    freq = np.array([counts[w] for w in vocab], dtype=np.float64)
    return np.array(vocab, dtype=object), np.cumsum(freq) / freq.sum()


def source_of(k: int) -> tuple[int, str | None]:
    """(original index, edit) of article k: (k, None) for an original."""
    rng = random.Random(k * 1_000_003 + 17)
    if k > 10 and rng.random() < _rate:
        orig = k - rng.randint(1, min(k, 5000))
        while source_of(orig)[1] is not None:  # copies are of originals
            orig -= 1
        return orig, rng.choice(["truncate", "boilerplate", "typos"])
    return k, None


def _mix(h: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        h = (h ^ (h >> np.uint64(33))) * np.uint64(0xFF51AFD7ED558CCD)
        h = (h ^ (h >> np.uint64(33))) * np.uint64(0xC4CEB93FE53A85B3)
        return h ^ (h >> np.uint64(33))


def bodies(origs: list[int]) -> list[str]:
    """The original texts of several articles at once: word i of article o is drawn
    with the uniform number hash(o, i), so each text depends on its index alone."""
    o = np.array(origs, dtype=np.uint64)
    with np.errstate(over="ignore"):
        lengths = (300 + _mix(o * np.uint64(0x9E3779B97F4A7C15) + np.uint64(1)) % np.uint64(150)).astype(np.int64)
        owner = np.repeat(o, lengths)
        pos = np.arange(int(lengths.sum()), dtype=np.int64) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        u = (_mix(owner * np.uint64(0x100000001B3) + pos.astype(np.uint64) + np.uint64(7)) >> np.uint64(11)).astype(np.float64) * 2.0**-53
    words = _vocab[np.minimum(np.searchsorted(_cdf, u), len(_vocab) - 1)].tolist()
    out, at = [], 0
    for n in lengths.tolist():
        out.append(" ".join(words[at : at + n]))
        at += n
    return out


def edited(body: str, k: int, edit: str) -> str:
    erng = random.Random(k)
    if edit == "truncate":
        words = body.split(" ")
        return " ".join(words[: int(len(words) * erng.uniform(0.6, 0.9))])
    if edit == "boilerplate":
        return body + "\n\n" + BOILER
    return " ".join(w[:-1] if erng.random() < 0.02 and len(w) > 3 else w for w in body.split(" "))


def texts_of(ks: list[int], chunk: int = 4096) -> list[str]:
    out: list[str] = []
    for at in range(0, len(ks), chunk):  # bounded temporaries: ~4096 x 400 words at a time
        part = ks[at : at + chunk]
        sources = [source_of(k) for k in part]
        made = bodies([o for o, _ in sources])
        out += [t if e is None else edited(t, k, e) for t, k, (_, e) in zip(made, part, sources)]
    return out


def text_of(k: int) -> str:
    return texts_of([k])[0]


def _init(model: tuple[np.ndarray, np.ndarray], rate: float) -> None:
    global _vocab, _cdf, _rate
    (_vocab, _cdf), _rate = model, rate


def _sign_range(bounds: tuple[int, int]) -> tuple[np.ndarray, float, float]:
    """Signatures of a range, CPU seconds generating the texts, CPU seconds signing them."""
    from qc.dedup.copies import shingle_texts

    t0 = time.process_time()
    texts = texts_of(list(range(*bounds)))
    t1 = time.process_time()
    sigs = shingle_texts(texts).sigs
    return sigs, t1 - t0, time.process_time() - t1


def _worker_rss(_: int) -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("source")
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--copy-rate", type=float, default=0.1)
    parser.add_argument("--chunk", type=int, default=4096)
    parser.add_argument("--index", default=None, help="also build a qc index DB of the first --index-n articles")
    parser.add_argument("--index-n", type=int, default=1_000_000)
    args = parser.parse_args()
    from qc.corpus import Article
    from qc.dedup import copies
    from qc.dedup.cluster import clusters_from_edges, components_of

    model = _load_model(args.source)
    _init(model, args.copy_rate)
    rows = []
    me = resource.getrusage(resource.RUSAGE_SELF)
    cpu0 = me.ru_utime + me.ru_stime
    t0 = time.perf_counter()
    ranges = [(s, min(s + args.chunk, args.n)) for s in range(0, args.n, args.chunk)]
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(args.jobs, _init, (model, args.copy_rate)) as pool:
        sigs = np.empty((args.n, 128), dtype=np.uint32)  # filled in place: no second copy
        gen_cpu = sign_cpu = 0.0
        for (lo, hi), (part, g, c) in zip(ranges, pool.imap(_sign_range, ranges, chunksize=1)):
            sigs[lo:hi] = part
            gen_cpu += g
            sign_cpu += c
        worker_rss = max(pool.map(_worker_rss, range(args.jobs * 4), chunksize=1))
    t1 = time.perf_counter()
    banding = copies.banding_for(copies.DEFAULT_THRESHOLD, copies.DEFAULT_CONTAINMENT)
    pairs = copies.candidate_pairs_grouped(sigs, banding)
    n_candidates = len(pairs)
    pairs = copies.plausible_pairs(pairs, sigs, copies.DEFAULT_THRESHOLD, copies.DEFAULT_CONTAINMENT)
    del sigs
    t2 = time.perf_counter()
    docs = np.unique(pairs.ravel())
    g0 = time.process_time()
    texts = dict(zip(docs.tolist(), texts_of(docs.tolist())))
    regen_cpu = time.process_time() - g0
    sets = copies.TextSets(texts)  # type: ignore[arg-type]
    sets.fill(docs.tolist())
    edges = copies.verify_pairs(pairs, sets, copies.DEFAULT_THRESHOLD, copies.DEFAULT_CONTAINMENT)
    linked = {i for e in edges for i in e}
    texts = {i: t for i, t in texts.items() if i in linked}  # only cluster members' texts stay
    t3 = time.perf_counter()
    groups = components_of(np.array(list(edges), dtype=np.int64).reshape(-1, 2))
    members = {i: Article(f"synthetic/{i}.txt", texts[i]) for g in groups for i in g}
    clusters = clusters_from_edges(members, sets, edges, copies.DEFAULT_THRESHOLD, copies.DEFAULT_CONTAINMENT,
                                   lambda i: 0, groups)  # type: ignore[arg-type]
    t4 = time.perf_counter()
    parent_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime - cpu0
    # truth: planted copies whose exact overlap with their original qualifies
    planted = [(source_of(k)[0], k) for k in range(args.n) if source_of(k)[1] is not None]
    cluster_of = {m.index: c_id for c_id, c in enumerate(clusters) for m in c.members}
    found = true = 0
    for at in range(0, len(planted), 4096):
        chunk = planted[at : at + 4096]
        both = copies.TextSets(texts_of([o for o, _ in chunk] + [k for _, k in chunk]))
        both.fill(range(2 * len(chunk)))
        for x, (o, k) in enumerate(chunk):
            a, b = both[x], both[len(chunk) + x]
            ov = copies.overlap(a, b)
            if ov.is_copy(copies.DEFAULT_THRESHOLD, copies.DEFAULT_CONTAINMENT, min(len(a), len(b))):
                true += 1
                found += o in cluster_of and cluster_of.get(o) == cluster_of.get(k)
    wrong = sum(1 for (i, j), ov in edges.items() if source_of(i)[0] != source_of(j)[0])
    rows += [
        ("articles", f"{args.n:,}"),
        ("planted copies (qualifying)", f"{len(planted):,} ({true:,})"),
        ("generate + shingle + sign (workers)", f"{t1 - t0:.1f} s wall; CPU: generating {gen_cpu:.1f} s, "
         f"qc signing {sign_cpu:.1f} s ({args.n / sign_cpu:,.0f} articles/s per core)"),
        ("LSH candidates", f"{t2 - t1:.1f} s  ({n_candidates:,} pairs, bands {banding.bands}x{banding.rows}, "
         f"{copies.BAND_GROUP} at a time; {len(pairs):,} pass the signature check)"),
        ("re-generate candidates + sets + verify", f"{t3 - t2:.1f} s  ({len(docs):,} texts, {len(edges):,} copy edges)"),
        ("components + clusters", f"{t4 - t3:.1f} s  ({len(clusters):,} clusters)"),
        ("total (wall)", f"{t4 - t0:.1f} s  ({args.n / (t4 - t0):,.0f} articles/s on {args.jobs} processes)"),
        ("total CPU (parent + workers)", f"{cpu:.1f} s, of which generating the corpus {gen_cpu + regen_cpu:.1f} s"),
        ("qc's share, idle-machine estimate", f"{sign_cpu / args.jobs + (t4 - t1) - regen_cpu:.1f} s "
         f"(signing CPU / {args.jobs} + the parent's steps, less re-generation)"),
        ("peak RSS parent / largest worker", f"{parent_rss / 1024:.0f} MB / {worker_rss / 1024:.0f} MB"),
        ("copy->original recall", f"{found / true:.4f} ({found}/{true})" if true else "n/a"),
        ("edges between different originals", f"{wrong}"),
    ]
    if args.index:
        from qc.dedup.index import Index

        t5 = time.perf_counter()
        with Index(args.index, create=True) as ix:
            have = int(ix.stats()["articles"])
            step = 5000
            for s in range(have, args.index_n, step):
                ix.add(Article(f"synthetic/{k}.txt", text_of(k)) for k in range(s, min(s + step, args.index_n)))
            stats = ix.stats()
            t6 = time.perf_counter()
            probes = [Article("probe.txt", text_of(k) + " Updated.") for k in range(3, args.index_n, max(1, args.index_n // 50))]
            lat = []
            for p in probes:
                q0 = time.perf_counter()
                ix.query([p])
                lat.append(time.perf_counter() - q0)
        lat.sort()
        rows += [
            ("index build (this run)", f"{t6 - t5:.1f} s for {args.index_n - have:,} articles"),
            ("index size", f"{stats['articles']:,} articles, {stats['bytes'] / 1e6:.0f} MB, {stats['bytes_per_article']} B/article"),
            ("index query latency, in process", f"median {lat[len(lat) // 2] * 1000:.1f} ms, max {lat[-1] * 1000:.1f} ms ({len(lat)} queries)"),
        ]
    width = max(len(k) for k, _ in rows)
    for k, v in rows:
        print(f"{k:<{width}}  {v}")


if __name__ == "__main__":
    main()
