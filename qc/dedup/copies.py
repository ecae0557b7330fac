"""Copy tier: shingle sets and signatures for a batch, LSH candidates, exact verification."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import NamedTuple

import numpy as np

from qc.dedup.minhash import NUM_PERM, Banding, choose_banding, jaccard_floor, signatures, signatures_from_shingles
from qc.dedup.shingle import normalize, normalized_batches, shingles_batch

DEFAULT_THRESHOLD = 0.8  # Jaccard
DEFAULT_CONTAINMENT = 0.8
MIN_CONTAINED_SHINGLES = 20  # a shorter text cannot be a copy by containment alone
MAX_BUCKET = 200  # a larger LSH bucket is linked as a star, not all pairs


def sorted_unique(values: np.ndarray) -> np.ndarray:
    """np.unique for one small array, without its per-call overhead (5x faster here)."""
    out = np.sort(values)
    if len(out) < 2:
        return out
    keep = np.empty(len(out), dtype=bool)
    keep[0] = True
    np.not_equal(out[1:], out[:-1], out=keep[1:])
    return out[keep]


class LazySets(Sequence[np.ndarray]):
    """Per-text sorted unique shingle hashes, computed on first access and kept.

    Verification needs the exact sets of candidate texts only (a small share of a
    corpus), so building every set up front (one np.unique per text) is wasted work.
    """

    def __init__(self, values: np.ndarray, bounds: np.ndarray) -> None:
        self.values = values
        self.bounds = bounds
        self._done: dict[int, np.ndarray] = {}

    def __len__(self) -> int:
        return len(self.bounds) - 1

    def __getitem__(self, i: int) -> np.ndarray:  # type: ignore[override]
        if i < 0:
            i += len(self)
        got = self._done.get(i)
        if got is None:
            if not 0 <= i < len(self):
                raise IndexError(i)
            got = self._done[i] = sorted_unique(self.values[self.bounds[i] : self.bounds[i + 1]])
        return got

    def __iter__(self):  # noqa: ANN204
        return (self[i] for i in range(len(self)))


@dataclass
class ShingledBatch:
    sets: Sequence[np.ndarray]  # per text: sorted unique shingle hashes (LazySets: built on access)
    sigs: np.ndarray  # (n, NUM_PERM) uint32


# Below this many texts a process pool costs more (start-up, pickling) than it saves.
PARALLEL_MIN_TEXTS = 20_000
PARALLEL_CHUNK = 4096


def _shingle_chunk(args: tuple[Sequence[str], int, int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    texts, num_perm, batch = args
    done = shingle_texts(texts, num_perm, batch)
    assert isinstance(done.sets, LazySets)
    return done.sets.values, done.sets.bounds, done.sigs


def shingle_texts(texts: Sequence[str], num_perm: int = NUM_PERM, batch: int = 512, jobs: int = 1) -> ShingledBatch:
    """Signatures of raw texts, and their shingle sets (built lazily, on access).

    With jobs > 1 and at least PARALLEL_MIN_TEXTS texts, chunks are signed in a process
    pool; results come back in order, so the batch is identical to a one-process run.
    """
    if jobs > 1 and len(texts) >= PARALLEL_MIN_TEXTS:
        import multiprocessing
        import sys

        chunks = [(texts[s : s + PARALLEL_CHUNK], num_perm, batch) for s in range(0, len(texts), PARALLEL_CHUNK)]
        ctx = multiprocessing.get_context("spawn" if sys.platform == "darwin" else "fork")
        with ctx.Pool(jobs) as pool:
            parts = pool.map(_shingle_chunk, chunks, chunksize=1)
        counts = np.concatenate([np.diff(b) for _, b, _ in parts])
        bounds = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
        return ShingledBatch(LazySets(np.concatenate([v for v, _, _ in parts]), bounds), np.concatenate([g for _, _, g in parts]))
    vals, counts, sig_parts = [], [], []
    for chunk in normalized_batches(texts, batch):
        values, bounds = shingles_batch(chunk)
        sig_parts.append(signatures_from_shingles(values, bounds, num_perm))
        vals.append(values)
        counts.append(np.diff(bounds))
    if not vals:
        empty = LazySets(np.zeros(0, dtype=np.uint64), np.zeros(1, dtype=np.int64))
        return ShingledBatch(empty, np.zeros((0, num_perm), dtype=np.uint32))
    bounds = np.concatenate(([0], np.cumsum(np.concatenate(counts)))).astype(np.int64)
    return ShingledBatch(LazySets(np.concatenate(vals), bounds), np.concatenate(sig_parts))


def banding_for(threshold: float, containment: float, num_perm: int = NUM_PERM) -> Banding:
    """Bands tuned for recall at the lowest Jaccard a qualifying pair can have: the
    threshold itself, or a half-length truncated copy at the containment threshold."""
    return choose_banding(jaccard_floor(threshold, containment), num_perm)


def candidate_pairs(sigs: np.ndarray, banding: Banding) -> np.ndarray:
    """(m, 2) int64 array of index pairs (i < j) sharing at least one band key."""
    n = sigs.shape[0]
    if n < 2:
        return np.zeros((0, 2), dtype=np.int64)
    keys = banding.keys(sigs).ravel()
    docs = np.repeat(np.arange(n, dtype=np.int64), banding.bands)
    return pairs_from_keys(keys, docs)


def pairs_from_keys(
    keys: np.ndarray, docs: np.ndarray, keep: Callable[[np.ndarray], np.ndarray] | None = None
) -> np.ndarray:
    """Pairs (i < j) of documents sharing a band key; `docs` ascending within equal keys.

    All band keys go into one sorted array (the band number is mixed into each key);
    pairs inside each run of equal keys come out vectorised, one offset at a time.
    A run longer than MAX_BUCKET is linked as a star around its first (lowest) member.
    The Dask engine calls this on each hash partition of the keys: a key's whole run
    is in one partition, so the union of the partitions' pairs is the same set.
    `keep` (a per-pair filter) is applied to each offset's pairs as they are made, so
    only the kept ones accumulate: on families of similar texts most band collisions
    fail plausible_pairs (200 MB test corpus: 9.4 million pairs found, 1.6 million kept).
    """
    found = _pairs_in_runs(keys, docs, keep)
    if not found:
        return np.zeros((0, 2), dtype=np.int64)
    pairs = np.concatenate(found)
    del found
    pairs = np.sort(pairs, axis=1)
    return unique_pairs(pairs[pairs[:, 0] != pairs[:, 1]])


def _pairs_in_runs(
    keys: np.ndarray, docs: np.ndarray, keep: Callable[[np.ndarray], np.ndarray] | None = None
) -> list[np.ndarray]:
    """pairs_from_keys' pairs in pieces (one per offset, and the stars), filtered by
    `keep` when given, KEEP_BATCH pairs (or one larger piece) at a time: the filters
    are per pair, and one call on many pairs is much cheaper than many small calls (a
    binary search of many sorted needles walks the haystack in order)."""
    if len(keys) < 2:
        return []
    if keep is None:
        return list(_runs_pieces(keys, docs))
    found: list[np.ndarray] = []
    batch: list[np.ndarray] = []
    held = 0
    limit = min(KEEP_BATCH, max(4 * len(keys), 1 << 12))  # a small corpus: a small buffer
    for piece in _runs_pieces(keys, docs):
        batch.append(piece)
        held += len(piece)
        if held >= limit:
            found.append(keep(np.concatenate(batch)))
            batch, held = [], 0
    if batch:
        found.append(keep(np.concatenate(batch)))
    return found


KEEP_BATCH = 1 << 18  # band-collision pairs filtered at once (at most; 4 MB)


def _runs_pieces(keys: np.ndarray, docs: np.ndarray) -> Iterator[np.ndarray]:
    """The pairs of pairs_from_keys, unfiltered, one piece per offset (and the stars)."""
    order = _shared_positions(keys)
    if len(order) == 0:
        return
    keys, docs = keys[order], docs[order]
    run_start = np.concatenate(([True], keys[1:] != keys[:-1]))
    run_id = np.cumsum(run_start) - 1
    starts = np.flatnonzero(run_start)
    lengths = np.diff(np.concatenate((starts, [len(keys)])))
    pos_in_run = np.arange(len(keys)) - starts[run_id]
    big = lengths[run_id] > MAX_BUCKET
    if big.any():
        star = big & (pos_in_run > 0)
        yield np.stack([docs[starts[run_id[star]]], docs[star]], axis=1)
    small = ~big
    for d in range(1, int(min(lengths.max(), MAX_BUCKET))):
        ok = small[:-d] & (run_id[:-d] == run_id[d:])
        if not ok.any():
            break
        idx = np.flatnonzero(ok)
        yield np.stack([docs[idx], docs[idx + d]], axis=1)


def _shared_positions(keys: np.ndarray) -> np.ndarray:
    """Positions of the keys that occur more than once, ordered by (key, position): what a
    stable argsort gives for them, without arg-sorting every key.

    Nearly every key is alone in its bucket. One plain sort (several times faster than a
    stable argsort) of the keys with their low bits replaced by their position finds the
    few that may be shared (same high bits); the exact order of those few comes from an
    argsort of the full keys."""
    keys = keys.astype(np.uint64, copy=False)
    bits = max(1, (len(keys) - 1).bit_length())
    mask = np.uint64((1 << bits) - 1)
    packed = np.sort((keys & ~mask) | np.arange(len(keys), dtype=np.uint64))
    high = packed >> np.uint64(bits)
    same = high[1:] == high[:-1]
    del high
    maybe = np.zeros(len(packed), dtype=bool)
    maybe[1:] = same
    maybe[:-1] |= same
    del same
    pos = (packed[maybe] & mask).astype(np.int64)
    del packed, maybe
    pos = pos[np.lexsort((pos, keys[pos]))]
    full = keys[pos]
    shared = np.zeros(len(pos), dtype=bool)  # equal high bits, equal full key too
    if len(pos) > 1:
        eq = full[1:] == full[:-1]
        shared[1:] = eq
        shared[:-1] |= eq
    return pos[shared]


def unique_pairs(pairs: np.ndarray) -> np.ndarray:
    """np.unique(pairs, axis=0) for non-negative int64 pairs, via one int64 code per pair
    (several times faster than the row-wise unique on millions of rows)."""
    if len(pairs) == 0:
        return pairs.reshape(0, 2).astype(np.int64)
    base = np.int64(pairs.max()) + 1
    codes = np.unique(pairs[:, 0].astype(np.int64) * base + pairs[:, 1])
    return np.stack([codes // base, codes % base], axis=1)


class Overlap(NamedTuple):
    """The exact overlap of two shingle sets. A named tuple, not a dataclass: verification
    makes one per verified edge (700,000 on 30,000 near-copies), and a tuple is built by
    tuple.__new__ in C (see verify_chunk), about five times faster than a frozen dataclass."""

    jaccard: float
    containment: float  # shared / size of the smaller set
    contained_a: float  # shared / |A|
    contained_b: float  # shared / |B|

    def is_copy(self, threshold: float, containment: float, smaller: int) -> bool:
        return self.jaccard >= threshold or (smaller >= MIN_CONTAINED_SHINGLES and self.containment >= containment)


def overlap(a: np.ndarray, b: np.ndarray) -> Overlap:
    if len(a) == 0 or len(b) == 0:
        return Overlap(0.0, 0.0, 0.0, 0.0)
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    at = np.searchsorted(large, small)
    at[at == len(large)] = 0
    shared = int(np.count_nonzero(large[at] == small))
    union = len(a) + len(b) - shared
    return Overlap(shared / union, shared / min(len(a), len(b)), shared / len(a), shared / len(b))


def verify_pairs(
    pairs: Sequence[tuple[int, int]] | np.ndarray,
    sets: Sequence[np.ndarray] | dict[int, np.ndarray],
    threshold: float = DEFAULT_THRESHOLD,
    containment: float = DEFAULT_CONTAINMENT,
) -> dict[tuple[int, int], Overlap]:
    """The candidate pairs that are copies, with their exact overlap."""
    edges: dict[tuple[int, int], Overlap] = {}
    for i, j in np.asarray(pairs, dtype=np.int64).reshape(-1, 2).tolist():
        ov = overlap(sets[i], sets[j])
        if ov.is_copy(threshold, containment, min(len(sets[i]), len(sets[j]))):
            edges[(i, j)] = ov
    return edges


def verify_chunk(
    pairs: np.ndarray,
    sets: Mapping[int, np.ndarray] | Sequence[np.ndarray],
    threshold: float = DEFAULT_THRESHOLD,
    containment: float = DEFAULT_CONTAINMENT,
) -> dict[tuple[int, int], Overlap]:
    """verify_pairs() for many pairs among few documents (a verification chunk): the
    same edges, in the same order, with the same values, about 4 times faster.

    On a corpus of many similar texts each document has dozens to hundreds of
    candidate partners; one numpy call per pair (verify_pairs) made verification most
    of the run. Here the overlaps are counted one document at a time for all its
    partners at once (shared_counts), and only the copies become Overlap objects."""
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    shared, size_a, size_b = shared_counts(pairs, sets)
    smaller = np.minimum(size_a, size_b)
    with np.errstate(divide="ignore", invalid="ignore"):  # an empty set: never a copy
        jaccard = shared / (size_a + size_b - shared)
        contained = shared / smaller
    # float64 division of exact integers: the very values overlap() computes
    copy = (smaller > 0) & ((jaccard >= threshold) | ((smaller >= MIN_CONTAINED_SHINGLES) & (contained >= containment)))
    kept = np.flatnonzero(copy)  # their sets are not empty
    values = [jaccard[kept], contained[kept], shared[kept] / size_a[kept], shared[kept] / size_b[kept]]
    keys = zip(pairs[kept, 0].tolist(), pairs[kept, 1].tolist())
    return dict(zip(keys, map(partial(tuple.__new__, Overlap), zip(*(v.tolist() for v in values)))))


def shared_counts(
    pairs: np.ndarray, sets: Mapping[int, np.ndarray] | Sequence[np.ndarray]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(shared shingles, size of the first set, size of the second) of each pair.

    The chunk's shingles are renumbered densely; then, for each first document, its
    shingles are marked in one byte array and the marks under all its partners'
    shingles are summed per partner (one gather, one reduceat)."""
    docs = np.unique(pairs)
    held = [sets[d] for d in docs.tolist()]
    sizes = np.array([len(h) for h in held], dtype=np.int64)
    first, second = np.searchsorted(docs, pairs[:, 0]), np.searchsorted(docs, pairs[:, 1])
    shared = np.zeros(len(pairs), dtype=np.int64)
    if len(pairs) == 0 or not sizes.any():
        return shared, sizes[first], sizes[second]
    _, dense = np.unique(np.concatenate(held), return_inverse=True)
    own = np.split(dense.ravel(), np.cumsum(sizes)[:-1])  # each document's dense shingle numbers
    mark = np.zeros(int(dense.max()) + 1, dtype=np.uint8)
    order = np.argsort(first, kind="stable")
    for run in np.split(order, np.flatnonzero(np.diff(first[order])) + 1):
        mine = own[first[run[0]]]
        mark[mine] = 1
        lengths = sizes[second[run]]
        nonempty = lengths > 0  # reduceat cannot sum an empty segment
        if nonempty.any():
            under = mark[np.concatenate([own[o] for o in second[run].tolist()])]
            got = np.zeros(len(run), dtype=np.int64)
            got[nonempty] = np.add.reduceat(under, (np.cumsum(lengths) - lengths)[nonempty], dtype=np.int64)
            shared[run] = got
        mark[mine] = 0
    return shared, sizes[first], sizes[second]


PLAUSIBLE_SIGMAS = 4.0


def min_estimate(threshold: float, containment: float, num_perm: int = NUM_PERM) -> float:
    """The lowest signature agreement worth an exact check: the Jaccard floor the bands
    are tuned for, less 4 standard deviations of the MinHash estimate there (a pair at
    the floor falls below it with probability ~3e-5)."""
    floor = jaccard_floor(threshold, containment)
    return floor - PLAUSIBLE_SIGMAS * (floor * (1.0 - floor) / num_perm) ** 0.5


def plausible_pairs(pairs: np.ndarray, sigs: np.ndarray, threshold: float, containment: float, chunk: int = 1024) -> np.ndarray:
    """The candidate pairs whose signatures agree enough to be copies (see min_estimate).

    A band of two rows also catches pairs with a Jaccard of a few percent; comparing
    their 128 signature values is ~100 times cheaper than the exact set overlap."""
    if len(pairs) == 0:
        return pairs
    need = min_estimate(threshold, containment, sigs.shape[1]) * sigs.shape[1]
    keep = np.empty(len(pairs), dtype=bool)
    for at in range(0, len(pairs), chunk):
        part = pairs[at : at + chunk]
        keep[at : at + chunk] = np.count_nonzero(sigs[part[:, 0]] == sigs[part[:, 1]], axis=1) >= need
    return pairs[keep]


def copy_edges(
    batch: ShingledBatch, threshold: float = DEFAULT_THRESHOLD, containment: float = DEFAULT_CONTAINMENT
) -> dict[tuple[int, int], Overlap]:
    """Verified copy pairs (i < j) with their exact overlap."""
    pairs = candidate_pairs(batch.sigs, banding_for(threshold, containment, batch.sigs.shape[1]))
    return verify_pairs(plausible_pairs(pairs, batch.sigs, threshold, containment), batch.sets, threshold, containment)


class TextSets(Sequence[np.ndarray]):
    """Exact shingle sets of texts, computed on access (for a client that holds the
    texts but not the shingles, e.g. after the Dask engine found the edges)."""

    def __init__(self, texts: Sequence[str]) -> None:
        self.texts = texts
        self._done: dict[int, np.ndarray] = {}

    def __len__(self) -> int:
        return len(self.texts)

    def __getitem__(self, i: int) -> np.ndarray:  # type: ignore[override]
        got = self._done.get(i)
        if got is None:
            values, _ = shingles_batch([normalize(self.texts[i])])
            got = self._done[i] = sorted_unique(values)
        return got

    def computed(self) -> dict[int, np.ndarray]:
        """The sets computed so far, by text index (a plain mapping: see cluster._group_sets)."""
        return dict(self._done)

    def fill(self, indices: Iterable[int], batch: int = 512) -> None:
        """Compute the sets of many texts at once (one tokenizer call per batch)."""
        todo = [int(i) for i in indices if int(i) not in self._done]
        at = 0
        for normalized in normalized_batches((self.texts[i] for i in todo), batch):
            chunk = todo[at : at + len(normalized)]
            at += len(normalized)
            values, bounds = shingles_batch(normalized)
            for k, i in enumerate(chunk):
                self._done[i] = sorted_unique(values[bounds[k] : bounds[k + 1]])


# -- streaming: hold signatures, not texts --------------------------------------------

BAND_GROUP = 4  # bands sorted at once when finding candidates (bounds the key arrays: n x 4)


def _sign_chunk(args: tuple[Sequence[str], int]) -> np.ndarray:
    """shingle_texts(texts).sigs without keeping the chunk's shingles (only the
    signatures are wanted: holding the shingles doubled the signing's memory)."""
    texts, num_perm = args
    return signatures(texts, num_perm)


def stream_signatures(chunks: Iterable[Sequence[str]], num_perm: int = NUM_PERM, jobs: int = 1) -> np.ndarray:
    """(n, num_perm) signatures of texts arriving in chunks; only the signatures are
    kept. With jobs > 1 the chunks are signed in a process pool (results in order)."""
    parts: list[np.ndarray] = []
    if jobs > 1:
        import multiprocessing
        import sys

        ctx = multiprocessing.get_context("spawn" if sys.platform == "darwin" else "fork")
        with ctx.Pool(jobs) as pool:
            parts.extend(pool.imap(_sign_chunk, ((list(c), num_perm) for c in chunks), chunksize=1))
    else:
        parts.extend(_sign_chunk((c, num_perm)) for c in chunks)
    return np.concatenate(parts) if parts else np.zeros((0, num_perm), dtype=np.uint32)


def candidate_pairs_grouped(
    sigs: np.ndarray,
    banding: Banding,
    group: int = BAND_GROUP,
    keep: Callable[[np.ndarray], np.ndarray] | None = None,
) -> np.ndarray:
    """candidate_pairs() computed BAND_GROUP bands at a time: the same pairs (keys of
    different bands never collide), with key arrays of n x group instead of n x bands.
    `keep`: a per-pair filter (such as plausible_pairs), see candidate_codes."""
    n = sigs.shape[0]
    codes = np.sort(np.concatenate(candidate_codes(sigs, banding, group, keep) or [np.zeros(0, dtype=np.int64)]))
    return np.stack([codes // max(n, 1), codes % max(n, 1)], axis=1)


def candidate_codes(
    sigs: np.ndarray,
    banding: Banding,
    group: int = BAND_GROUP,
    keep: Callable[[np.ndarray], np.ndarray] | None = None,
) -> list[np.ndarray]:
    """The candidate pairs (i < j) as int64 codes i * n + j: one sorted array per band
    group, holding the pairs no earlier group found (the parts are disjoint).

    8 bytes a pair, and no concatenation of all groups' pairs: on 380,000 texts of
    few sentence skeletons, 24 million plausible pairs remain. `keep` (a per-pair
    filter such as plausible_pairs) is applied to the pairs as they are found, so
    only the pairs it keeps accumulate, as codes from the start."""
    n = sigs.shape[0]
    parts: list[np.ndarray] = []
    if n < 2:
        return parts

    def fresh_kept(pairs: np.ndarray) -> np.ndarray:
        """The pairs no earlier band group kept, filtered by `keep`: a near-copy pair
        collides in most bands, and testing its signatures again in each (keep) was most
        of the candidate search. The pairs' codes are sorted first (order does not
        matter here): a binary search of sorted needles is ~10 times faster than of
        scattered ones; a code is looked up in the next part only while not yet found."""
        if parts and len(pairs):
            codes = np.sort(np.minimum(pairs[:, 0], pairs[:, 1]) * n + np.maximum(pairs[:, 0], pairs[:, 1]))
            for earlier in parts:
                codes = codes[~sorted_contains(earlier, codes)]
                if len(codes) == 0:
                    break
            pairs = np.stack([codes // n, codes % n], axis=1)
        return pairs if keep is None else keep(pairs)

    for first in range(0, banding.bands, group):
        keys = banding.keys(sigs, first=first, last=first + group)
        docs = np.repeat(np.arange(n, dtype=np.int64), keys.shape[1])
        found = _pairs_in_runs(keys.ravel(), docs, fresh_kept)
        del keys, docs
        codes = _unique_codes(found, n)
        if len(codes):
            parts.append(codes)
    return parts


def _unique_codes(found: list[np.ndarray], n: int) -> np.ndarray:
    """The sorted unique codes i * n + j (i < j) of pieces of pairs; each piece is
    replaced by its codes as it is taken, so at most one piece is held twice."""
    pieces = []
    while found:
        pairs = found.pop()
        low, high = np.minimum(pairs[:, 0], pairs[:, 1]), np.maximum(pairs[:, 0], pairs[:, 1])
        pieces.append((low * n + high)[low != high])
        del pairs, low, high
    if not pieces:
        return np.zeros(0, dtype=np.int64)
    codes = np.concatenate(pieces)
    del pieces
    codes.sort()
    keep = np.empty(len(codes), dtype=bool)
    keep[:1] = True
    np.not_equal(codes[1:], codes[:-1], out=keep[1:])
    return codes[keep]


def sorted_contains(haystack: np.ndarray, needles: np.ndarray) -> np.ndarray:
    """np.isin(needles, haystack) for a sorted haystack, without isin's sorted copies."""
    if len(haystack) == 0:
        return np.zeros(len(needles), dtype=bool)
    at = np.searchsorted(haystack, needles)
    at[at == len(haystack)] = 0
    return haystack[at] == needles


def stream_copy_graph(
    chunks: Iterable[Sequence[str]],
    fetch: Callable[[np.ndarray], Mapping[int, str]],
    threshold: float = DEFAULT_THRESHOLD,
    containment: float = DEFAULT_CONTAINMENT,
    jobs: int = 1,
    num_perm: int = NUM_PERM,
    on_chunk: Callable[[np.ndarray, "TextSets", dict[tuple[int, int], Overlap]], None] | None = None,
) -> tuple[int, dict[tuple[int, int], Overlap], np.ndarray]:
    """The copy tier over a corpus too large to hold: pass 1 keeps the signatures of the
    texts streamed in `chunks`; the candidate pairs come from them (8 bytes a pair);
    then, one verification chunk (whole candidate groups) at a time, `fetch(indices)`
    (pass 2) returns the texts of that chunk's documents for exact verification.

    Returns (number of texts, verified edges, the sorted candidate documents). The
    edges equal copy_edges() on the whole corpus at once. `on_chunk(documents, their
    sets, the chunk's edges)` is called after each chunk's verification, while its
    texts are still held (to build that chunk's copy clusters without reading again);
    the edges are then handed to it alone, not collected (the returned dict is empty):
    at ~250 bytes an edge, 700,000 edges of 30,000 near-copies took 170 MB.
    """
    sigs = stream_signatures(chunks, num_perm, jobs)
    release_free_heap()
    n = len(sigs)
    keep = partial(plausible_pairs, sigs=sigs, threshold=threshold, containment=containment)
    codes = candidate_codes(sigs, banding_for(threshold, containment, num_perm), keep=keep)
    del sigs, keep  # the signatures are not needed again
    graph = CodeGraph(codes, n)
    del codes  # the graph hands the parts on to the chunks, which free them as they go
    edges: dict[tuple[int, int], Overlap] = {}
    for part_docs, part_pairs in graph.chunks():
        # the texts and shingle sets of one chunk of candidate groups at a time: at a
        # million texts, all candidates' sets together would take as much as the texts
        texts = fetch(part_docs)
        sets = TextSets({i: texts[i] for i in part_docs.tolist()})  # type: ignore[arg-type]
        sets.fill(part_docs.tolist())
        found = verify_chunk(part_pairs, sets, threshold, containment)
        if on_chunk is None:
            edges.update(found)
        else:
            on_chunk(part_docs, sets, found)
        del texts, sets, found
    return n, dict(sorted(edges.items())), graph.docs


def release_free_heap() -> None:
    """Hand the heap's free pages back to the system (glibc's malloc_trim; elsewhere
    nothing). Signing frees its numpy temporaries, but glibc keeps the pages: on 30,000
    near-copies (73 MB) 270 MB stayed resident after signing, 105 MB after the trim, and
    the rest of the run (verification, the linter) grew from there."""
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    try:
        trim = ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):
        trim = None
    if trim is not None:
        trim(0)


VERIFY_CHUNK = 1024  # candidate documents whose shingle sets (and texts) are held at once
CODE_SLICE = 1 << 22  # pair codes decoded at once (two 32 MB index arrays)


class CodeGraph:
    """The candidate graph of n documents given as disjoint sorted parts of pair codes
    (candidate_codes), cut into verification chunks of whole connected components.

    Components come from a union-find over the n documents fed one slice of codes at a
    time, so nothing but the codes themselves grows with the number of pairs. The
    chunks are those of candidate_chunks() on the decoded pairs."""

    def __init__(self, parts: list[np.ndarray], n: int) -> None:
        self.n = n
        self._parts = parts
        root, touched = self._roots()
        self.docs = np.flatnonzero(touched)  # the candidate documents, ascending
        comp_root, comp = np.unique(root[self.docs], return_inverse=True)  # components by smallest node
        chunk_of_comp = pack_components(np.bincount(comp.ravel(), minlength=len(comp_root)))
        self.doc_chunk = chunk_of_comp[comp.ravel()]  # chunk of each of self.docs
        self.count = int(chunk_of_comp.max()) + 1 if len(chunk_of_comp) else 0

    def _slices(self, parts: list[np.ndarray]) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """(codes, i, j) of each slice of up to CODE_SLICE codes of the parts."""
        for part in parts:
            for at in range(0, len(part), CODE_SLICE):
                codes = part[at : at + CODE_SLICE]
                yield codes, codes // self.n, codes % self.n

    def _roots(self) -> tuple[np.ndarray, np.ndarray]:
        """(smallest document of each document's component, which documents are in a pair)."""
        root = np.arange(self.n, dtype=np.int64)  # kept flat: root[x] is x's component's smallest node
        touched = np.zeros(self.n, dtype=bool)
        for _, i, j in self._slices(self._parts):
            touched[i] = True
            touched[j] = True
            links = np.stack([root[i], root[j]], axis=1)
            links = links[links[:, 0] != links[:, 1]]
            if len(links):
                # merge the components this slice links: each old root points to the
                # smallest root of its new component, then every node follows one step
                nodes, label = min_labels(links)
                root[nodes] = nodes[label]
                root = root[root]
        return root, touched

    def chunks(self) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """(documents ascending, their pairs sorted) of each chunk, in chunk order. Runs
        once: each part of codes is freed once it has been sorted into chunks, so the
        codes are held once (plus one part) throughout."""
        if self.count == 0:
            return
        node_chunk = np.full(self.n, -1, dtype=np.int64)
        node_chunk[self.docs] = self.doc_chunk
        pieces: list[list[np.ndarray]] = [[] for _ in range(self.count)]
        while self._parts:
            part = self._parts.pop(0)
            for codes, i, _ in self._slices([part]):
                chunk = node_chunk[i]
                order = np.argsort(chunk, kind="stable")
                cuts = np.flatnonzero(np.diff(chunk[order])) + 1
                for piece in np.split(codes[order], cuts):
                    pieces[int(node_chunk[piece[0] // self.n])].append(piece)
            del part
        by_chunk = np.argsort(self.doc_chunk, kind="stable")  # stable: documents stay ascending
        doc_parts = np.split(self.docs[by_chunk], np.flatnonzero(np.diff(self.doc_chunk[by_chunk])) + 1)
        for c, docs in enumerate(doc_parts):
            codes = np.sort(np.concatenate(pieces[c]))
            pieces[c] = []
            yield docs, np.stack([codes // self.n, codes % self.n], axis=1)


def pack_components(sizes: np.ndarray, max_docs: int | None = None) -> np.ndarray:
    """The chunk of each component (in order): components are added to a chunk while it
    holds at most `max_docs` (default VERIFY_CHUNK) documents; a larger one is alone."""
    limit = VERIFY_CHUNK if max_docs is None else max_docs
    chunk_of_comp = np.empty(len(sizes), dtype=np.int64)
    chunk, filled = 0, 0
    for c, size in enumerate(sizes.tolist()):
        if filled and filled + size > limit:
            chunk, filled = chunk + 1, 0
        chunk_of_comp[c] = chunk
        filled += size
    return chunk_of_comp


def candidate_chunks(pairs: np.ndarray, max_docs: int | None = None) -> list[tuple[np.ndarray, np.ndarray]]:
    """The candidate pairs split into chunks of whole connected components, each with its
    documents (ascending): a pair's two sets are always in the same chunk, so each chunk
    can be verified (and clustered) alone. Chunks hold up to `max_docs` (default
    VERIFY_CHUNK) documents, or one larger component."""
    if len(pairs) == 0:
        return []
    nodes, comp = connected_components(pairs)
    node_chunk = pack_components(np.bincount(comp), max_docs)[comp]
    pair_chunk = node_chunk[np.searchsorted(nodes, pairs[:, 0])]
    by_node = np.argsort(node_chunk, kind="stable")  # stable: nodes stay ascending
    by_pair = np.argsort(pair_chunk, kind="stable")
    doc_parts = np.split(nodes[by_node], np.flatnonzero(np.diff(node_chunk[by_node])) + 1)
    pair_parts = np.split(pairs[by_pair], np.flatnonzero(np.diff(pair_chunk[by_pair])) + 1)
    return list(zip(doc_parts, pair_parts))


def connected_components(pairs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(sorted nodes, component number of each node) of an (m, 2) pair array; components
    are numbered in order of their smallest node."""
    nodes, label = min_labels(pairs)
    _, comp = np.unique(label, return_inverse=True)
    return nodes, comp.ravel()


def min_labels(pairs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(sorted nodes, position in `nodes` of each node's component's smallest node) of an
    (m, 2) pair array: min-label propagation with pointer jumping, in numpy."""
    nodes, inv = np.unique(pairs.ravel(), return_inverse=True)
    e = inv.reshape(-1, 2)
    label = np.arange(len(nodes), dtype=np.int64)
    while True:
        low = np.minimum(label[e[:, 0]], label[e[:, 1]])
        new = label.copy()
        np.minimum.at(new, e[:, 0], low)
        np.minimum.at(new, e[:, 1], low)
        while True:  # pointer jumping: every node to its root
            nxt = new[new]
            if np.array_equal(nxt, new):
                break
            new = nxt
        if np.array_equal(new, label):
            break
        label = new
    return nodes, label
