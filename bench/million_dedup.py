"""Copy-tier dedup of a synthetic near-copy corpus of N articles (default 1,000,000),
generated on the fly: total time (split into generating the corpus and qc's dedup), peak
memory of every process, and recall/precision on the planted copies.

Usage: python bench/million_dedup.py ../shared/data/clean-news/articles.jsonl [--n 1000000] [--jobs 2]
       [--index DB --index-n 1000000]   # also: build a qc index of the corpus, time queries

Article k is generated from k alone (hashes of k): 300-450 words drawn from the source
corpus's word frequencies (a unigram model; drawing whole sentences from a 655-article
corpus would make a million articles share each sentence ~1,000 times), so originals are
distinct but share common words and short phrases. With probability --copy-rate it is
instead an edited copy of an earlier original (truncated to 60-90%, boilerplate added, or
2% typos).

Pass 1: workers generate and sign their own ranges; only signatures cross processes
(n x 128 uint32, filled in place in the parent). The parent finds candidates from the
signatures (4 bands at a time), drops them, and verifies the candidates one chunk of
connected candidate groups at a time: re-generate those texts, build their exact shingle
sets, verify, cluster, drop (as `qc dedup --tier copies` re-reads candidates from the
file). The truth check afterwards runs in the workers and is not timed.

Memory: peak RSS (VmHWM) of the parent in each step and of each worker; the total is the
parent's peak plus every worker's peak (pages shared after fork are counted twice).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

BOILER = "Sign up for our daily newsletter to get the top stories delivered to your inbox every morning."
_vocab: np.ndarray = np.zeros(0, dtype=object)
_table: np.ndarray = np.zeros(0, dtype=np.int32)
_rate = 0.1
Model = tuple[np.ndarray, np.ndarray]


def _load_model(path: str) -> Model:
    """(words, table): word w fills counts[w] slots of the table, so a uniform slot is a
    word drawn with its corpus frequency (one gather, no binary search of a CDF)."""
    from collections import Counter

    from qc.corpus import load_articles

    arts, _ = load_articles([path])
    counts = Counter(w for a in arts for w in a.text.split())
    vocab = sorted(counts, key=lambda w: (-counts[w], w))
    table = np.repeat(np.arange(len(vocab), dtype=np.int32), [counts[w] for w in vocab])
    return np.array(vocab, dtype=object), table


def _init(model: Model, rate: float) -> None:
    global _vocab, _table, _rate
    (_vocab, _table), _rate = model, rate


# -- the synthetic corpus: article k from k alone ------------------------------------------


EDITS = ("truncate", "boilerplate", "typos")


def _uniform(h: np.ndarray) -> np.ndarray:
    return (h >> np.uint64(11)).astype(np.float64) * 2.0**-53


def _planted(ks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(is a copy, its hash) of each article number, from the number alone."""
    with np.errstate(over="ignore"):
        h = _mix(ks.astype(np.uint64) * np.uint64(1_000_003) + np.uint64(17))
    return (ks > 10) & (_uniform(h) < _rate), h


def sources(ks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(original, edit number into EDITS or -1) of each article: a copy is of an original
    1-5000 articles earlier (the nearest original at or below the drawn one)."""
    ks = np.asarray(ks, dtype=np.int64)
    copy, h = _planted(ks)
    with np.errstate(over="ignore"):
        h2 = _mix(h ^ np.uint64(0x5851F42D4C957F2D))
    back = 1 + (h2 % np.maximum(np.minimum(ks, 5000), 1).astype(np.uint64)).astype(np.int64)
    orig = np.where(copy, ks - back, ks)
    while True:  # copies are of originals
        bad = copy & _planted(orig)[0]
        if not bad.any():
            break
        orig[bad] -= 1
    edit = np.where(copy, (_mix(h2) % np.uint64(3)).astype(np.int64), -1)
    return orig, edit


def source_of(k: int) -> tuple[int, str | None]:
    """(original index, edit) of article k: (k, None) for an original."""
    orig, edit = sources(np.array([k]))
    return int(orig[0]), EDITS[int(edit[0])] if edit[0] >= 0 else None


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
        pos = np.arange(int(lengths.sum()), dtype=np.uint64) - np.repeat((np.cumsum(lengths) - lengths).astype(np.uint64), lengths)
        u = _uniform(_mix(owner * np.uint64(0x100000001B3) + pos + np.uint64(7)))
    words = _vocab[_table[(u * len(_table)).astype(np.int64)]].tolist()
    out, at = [], 0
    for n in lengths.tolist():
        out.append(" ".join(words[at : at + n]))
        at += n
    return out


def edited(body: str, k: int, edit: str) -> str:
    """Copy k of an original body: truncated to 60-90%, boilerplate appended, or 2% of
    its words longer than 3 letters losing their last letter (draws: hashes of k)."""
    with np.errstate(over="ignore"):
        seed = _mix(np.array([k], dtype=np.uint64) * np.uint64(0xD6E8FEB86659FD93) + np.uint64(3))
    if edit == "truncate":
        words = body.split(" ")
        return " ".join(words[: int(len(words) * (0.6 + 0.3 * float(_uniform(seed)[0])))])
    if edit == "boilerplate":
        return body + "\n\n" + BOILER
    words = body.split(" ")
    with np.errstate(over="ignore"):
        u = _uniform(_mix(seed + np.arange(len(words), dtype=np.uint64)))
    for i in np.flatnonzero(u < 0.02).tolist():
        if len(words[i]) > 3:
            words[i] = words[i][:-1]
    return " ".join(words)


def texts_of(ks: list[int], chunk: int = 1024) -> list[str]:
    out: list[str] = []
    for at in range(0, len(ks), chunk):  # bounded temporaries: ~1024 x 400 words at a time
        part = ks[at : at + chunk]
        origs, edits = sources(np.array(part, dtype=np.int64))
        made = bodies(origs.tolist())
        out += [t if e < 0 else edited(t, k, EDITS[e]) for t, k, e in zip(made, part, edits.tolist())]
    return out


def text_of(k: int) -> str:
    return texts_of([k])[0]


# -- memory ----------------------------------------------------------------------------


def peak_mb() -> float:
    """This process's peak RSS since start or the last reset_peak() (VmHWM), in MB."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def reset_peak() -> None:
    """Start a new peak-RSS window (Linux: writing 5 to clear_refs resets VmHWM)."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as refs:
            refs.write("5")
    except OSError:
        pass


# -- worker tasks ----------------------------------------------------------------------


def _sign_range(bounds: tuple[int, int]) -> tuple[np.ndarray, float, float, int, float]:
    """Signatures of a range, CPU s generating, CPU s signing, the worker's pid and peak MB."""
    from qc.dedup.copies import shingle_texts

    t0 = time.process_time()
    texts = texts_of(list(range(*bounds)))
    t1 = time.process_time()
    sigs = shingle_texts(texts).sigs
    return sigs, t1 - t0, time.process_time() - t1, os.getpid(), peak_mb()


def _truth_range(bounds: tuple[int, int]) -> tuple[list[tuple[int, int]], int, float]:
    """Planted (original, copy) pairs in a range whose exact overlap qualifies as a copy,
    the number planted, and the worker's peak MB."""
    from qc.dedup import copies

    ks = np.arange(*bounds)
    origs, edits = sources(ks)
    planted = list(zip(origs[edits >= 0].tolist(), ks[edits >= 0].tolist()))
    both = copies.TextSets(texts_of([o for o, _ in planted] + [k for _, k in planted]))
    both.fill(range(2 * len(planted)))
    qualifying = []
    for x, (o, k) in enumerate(planted):
        a, b = both[x], both[len(planted) + x]
        if copies.overlap(a, b).is_copy(copies.DEFAULT_THRESHOLD, copies.DEFAULT_CONTAINMENT, min(len(a), len(b))):
            qualifying.append((o, k))
    return qualifying, len(planted), peak_mb()


# -- the run ---------------------------------------------------------------------------


@dataclass
class Run:
    n: int
    jobs: int
    wall: dict[str, float] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)  # the parent's CPU time in each step
    parent_peak: dict[str, float] = field(default_factory=dict)
    worker_peak: dict[int, float] = field(default_factory=dict)
    gen_cpu: float = 0.0  # generating texts, workers and parent
    sign_cpu: float = 0.0  # qc shingling + signing, workers
    info: dict[str, Any] = field(default_factory=dict)

    def step(self, name: str, fn: Callable[[], Any]) -> Any:
        reset_peak()
        t0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        self.wall[name] = time.perf_counter() - t0
        self.cpu[name] = time.process_time() - c0
        self.parent_peak[name] = peak_mb()
        return out


def sign_all(run: Run, pool: Any, chunk: int) -> np.ndarray:
    sigs = np.empty((run.n, 128), dtype=np.uint32)  # filled in place: no second copy
    ranges = [(s, min(s + chunk, run.n)) for s in range(0, run.n, chunk)]
    for (lo, hi), (part, g, c, pid, mb) in zip(ranges, pool.imap(_sign_range, ranges, chunksize=1)):
        sigs[lo:hi] = part
        run.gen_cpu += g
        run.sign_cpu += c
        run.worker_peak[pid] = max(run.worker_peak.get(pid, 0.0), mb)
    return sigs


def find_candidates(run: Run, sigs: np.ndarray) -> np.ndarray:
    from qc.dedup import copies

    banding = copies.banding_for(copies.DEFAULT_THRESHOLD, copies.DEFAULT_CONTAINMENT)
    pairs = copies.candidate_pairs_grouped(sigs, banding)
    run.info["candidates"] = len(pairs)
    run.info["banding"] = f"{banding.bands}x{banding.rows}"
    return copies.plausible_pairs(pairs, sigs, copies.DEFAULT_THRESHOLD, copies.DEFAULT_CONTAINMENT)


def verify_and_cluster(run: Run, pairs: np.ndarray) -> tuple[dict[tuple[int, int], Any], list[Any]]:
    """Verified edges and copy clusters, one chunk of whole candidate groups at a time
    (a cluster never spans two chunks: its edges are candidate pairs of one group)."""
    from qc.corpus import Article
    from qc.dedup import copies
    from qc.dedup.cluster import clusters_from_edges, components_of

    edges: dict[tuple[int, int], Any] = {}
    clusters: list[Any] = []
    run.info["candidate_docs"] = 0
    for docs, part in copies.candidate_chunks(pairs):
        ks = docs.tolist()
        g0 = time.process_time()
        texts = dict(zip(ks, texts_of(ks)))
        run.gen_cpu += time.process_time() - g0
        sets = copies.TextSets(texts)  # type: ignore[arg-type]
        sets.fill(ks)
        found = copies.verify_pairs(part, sets, copies.DEFAULT_THRESHOLD, copies.DEFAULT_CONTAINMENT)
        groups = components_of(np.array(list(found), dtype=np.int64).reshape(-1, 2))
        members = {i: Article(f"synthetic/{i}.txt", texts[i]) for g in groups for i in g}
        # the chunk's sets, made once above: a plain mapping, so that clusters_from_edges
        # uses them as they are (given TextSets, it re-makes them group by group)
        held = {i: sets[i] for i in ks}
        clusters += clusters_from_edges(members, held, found, copies.DEFAULT_THRESHOLD,  # type: ignore[arg-type]
                                        copies.DEFAULT_CONTAINMENT, lambda i: 0, groups)
        edges.update(found)
        run.info["candidate_docs"] += len(ks)
        del texts, sets, held, members  # before the next chunk's are made
    return edges, clusters


def accuracy(pool: Any, n: int, clusters: list[Any], edges: dict[tuple[int, int], Any]) -> dict[str, Any]:
    """Recall: qualifying planted copies in their original's cluster. Precision: cluster
    members (other than the representative) from the same original as the representative."""
    cluster_of = {m.index: c_id for c_id, c in enumerate(clusters) for m in c.members}
    ranges = [(s, min(s + 8192, n)) for s in range(0, n, 8192)]
    planted = found = true = 0
    peaks = []
    for qualifying, count, mb in pool.imap(_truth_range, ranges, chunksize=1):
        planted += count
        true += len(qualifying)
        found += sum(o in cluster_of and cluster_of.get(o) == cluster_of.get(k) for o, k in qualifying)
        peaks.append(mb)
    links = np.array([(m.index, c.representative) for c in clusters for m in c.members if m.index != c.representative],
                     dtype=np.int64).reshape(-1, 2)
    right = int(np.count_nonzero(sources(links[:, 0])[0] == sources(links[:, 1])[0]))
    ends = np.array(list(edges), dtype=np.int64).reshape(-1, 2)
    wrong_edges = int(np.count_nonzero(sources(ends[:, 0])[0] != sources(ends[:, 1])[0]))
    return {"planted": planted, "true": true, "found": found, "links": len(links), "right": right,
            "wrong_edges": wrong_edges, "truth_worker_mb": max(peaks, default=0.0)}


def report(run: Run, acc: dict[str, Any], edges: int, clusters: int) -> list[tuple[str, str]]:
    w, n = run.wall, run.n
    total = sum(w.values())
    gen_wall_share = w["sign"] * run.gen_cpu / max(run.gen_cpu + run.sign_cpu, 1e-9)
    regen = run.gen_cpu - run.info["gen_cpu_workers"]
    dedup_cpu_parent = run.cpu["candidates"] + run.cpu["verify"] - regen
    total_peak = max(run.parent_peak.values()) + sum(run.worker_peak.values())
    return [
        ("articles", f"{n:,}"),
        ("planted copies (qualifying)", f"{acc['planted']:,} ({acc['true']:,})"),
        ("pass 1: generate + shingle + sign", f"{w['sign']:.1f} s wall on {run.jobs} workers; CPU: generating "
         f"{run.info['gen_cpu_workers']:.1f} s, qc signing {run.sign_cpu:.1f} s ({n / run.sign_cpu:,.0f} articles/s per core)"),
        ("LSH candidates", f"{w['candidates']:.1f} s wall, {run.cpu['candidates']:.1f} s CPU  ({run.info['candidates']:,} pairs, bands {run.info['banding']}, "
         f"4 at a time; {run.info['plausible']:,} pass the signature check)"),
        ("re-generate + verify + cluster", f"{w['verify']:.1f} s wall, {run.cpu['verify']:.1f} s CPU  ({run.info['candidate_docs']:,} texts, {edges:,} copy edges, "
         f"{clusters:,} clusters; re-generating {regen:.1f} s CPU of that)"),
        ("total (wall)", f"{total:.1f} s  ({n / total:,.0f} articles/s)"),
        ("  generating the corpus", f"{run.gen_cpu:.1f} s CPU (~{gen_wall_share + regen:.1f} s of the wall time)"),
        ("  qc dedup", f"{run.sign_cpu:.1f} s CPU signing (workers) + {dedup_cpu_parent:.1f} s CPU in the parent "
         f"(~{total - gen_wall_share - regen:.1f} s of the wall time)"),
        ("  idle 2-core estimate", f"{(run.gen_cpu - regen + run.sign_cpu) / run.jobs + run.cpu['candidates'] + run.cpu['verify']:.1f} s "
         f"(pass 1 CPU / {run.jobs} + the parent's CPU), of which qc {run.sign_cpu / run.jobs + dedup_cpu_parent:.1f} s"),
        ("peak RSS, parent by step", ", ".join(f"{k} {v:.0f} MB" for k, v in run.parent_peak.items())),
        ("peak RSS, workers", " + ".join(f"{v:.0f}" for v in run.worker_peak.values()) + " MB"),
        ("peak RSS, total (parent + workers)", f"{total_peak:,.0f} MB"),
        ("copy->original recall", f"{acc['found'] / acc['true']:.4f} ({acc['found']:,}/{acc['true']:,})" if acc["true"] else "n/a"),
        ("precision (members from the representative's original)",
         f"{acc['right'] / acc['links']:.4f} ({acc['right']:,}/{acc['links']:,})" if acc["links"] else "n/a"),
        ("edges between different originals", f"{acc['wrong_edges']}"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("source")
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--copy-rate", type=float, default=0.1)
    parser.add_argument("--chunk", type=int, default=1024, help="articles per worker task")
    parser.add_argument("--index", default=None, help="also build a qc index DB of the first --index-n articles")
    parser.add_argument("--index-n", type=int, default=1_000_000)
    args = parser.parse_args()
    model = _load_model(args.source)
    _init(model, args.copy_rate)
    run = Run(args.n, args.jobs)
    ctx = multiprocessing.get_context("fork")
    # The pool is forked before the parent holds anything large, so the workers share
    # only the interpreter and the word model with it.
    with ctx.Pool(args.jobs, _init, (model, args.copy_rate)) as pool:
        sigs = run.step("sign", lambda: sign_all(run, pool, args.chunk))
        run.info["gen_cpu_workers"] = run.gen_cpu
        pairs = run.step("candidates", lambda: find_candidates(run, sigs))
        del sigs
        run.info["plausible"] = len(pairs)
        edges, clusters = run.step("verify", lambda: verify_and_cluster(run, pairs))
        rows = report(run, accuracy(pool, args.n, clusters, edges), len(edges), len(clusters))
    if args.index:
        from dedup_index_bench import index_rows

        rows += index_rows(args.index, args.index_n, texts_of)
    width = max(len(k) for k, _ in rows)
    for k, v in rows:
        print(f"{k:<{width}}  {v}")


if __name__ == "__main__":
    main()
