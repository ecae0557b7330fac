"""Copy tier: shingle sets and signatures for a batch, LSH candidates, exact verification."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from qc.dedup.minhash import NUM_PERM, Banding, choose_banding, jaccard_floor, signatures_from_shingles
from qc.dedup.shingle import normalize, shingles_batch

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
    for start in range(0, len(texts), batch):
        values, bounds = shingles_batch([normalize(t) for t in texts[start : start + batch]])
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


def pairs_from_keys(keys: np.ndarray, docs: np.ndarray) -> np.ndarray:
    """Pairs (i < j) of documents sharing a band key; `docs` ascending within equal keys.

    All band keys go into one sorted array (the band number is mixed into each key);
    pairs inside each run of equal keys come out vectorised, one offset at a time.
    A run longer than MAX_BUCKET is linked as a star around its first (lowest) member.
    The Dask engine calls this on each hash partition of the keys: a key's whole run
    is in one partition, so the union of the partitions' pairs is the same set.
    """
    if len(keys) < 2:
        return np.zeros((0, 2), dtype=np.int64)
    order = _shared_positions(keys)
    if len(order) == 0:
        return np.zeros((0, 2), dtype=np.int64)
    keys, docs = keys[order], docs[order]
    run_start = np.concatenate(([True], keys[1:] != keys[:-1]))
    run_id = np.cumsum(run_start) - 1
    starts = np.flatnonzero(run_start)
    lengths = np.diff(np.concatenate((starts, [len(keys)])))
    pos_in_run = np.arange(len(keys)) - starts[run_id]
    found = []
    big = lengths[run_id] > MAX_BUCKET
    if big.any():
        star = big & (pos_in_run > 0)
        found.append(np.stack([docs[starts[run_id[star]]], docs[star]], axis=1))
    small = ~big
    for d in range(1, int(min(lengths.max(), MAX_BUCKET))):
        ok = small[:-d] & (run_id[:-d] == run_id[d:])
        if not ok.any():
            break
        idx = np.flatnonzero(ok)
        found.append(np.stack([docs[idx], docs[idx + d]], axis=1))
    if not found:
        return np.zeros((0, 2), dtype=np.int64)
    pairs = np.concatenate(found)
    pairs = np.sort(pairs, axis=1)
    return unique_pairs(pairs[pairs[:, 0] != pairs[:, 1]])


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


@dataclass(frozen=True)
class Overlap:
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


PLAUSIBLE_SIGMAS = 4.0


def min_estimate(threshold: float, containment: float, num_perm: int = NUM_PERM) -> float:
    """The lowest signature agreement worth an exact check: the Jaccard floor the bands
    are tuned for, less 4 standard deviations of the MinHash estimate there (a pair at
    the floor falls below it with probability ~3e-5)."""
    floor = jaccard_floor(threshold, containment)
    return floor - PLAUSIBLE_SIGMAS * (floor * (1.0 - floor) / num_perm) ** 0.5


def plausible_pairs(pairs: np.ndarray, sigs: np.ndarray, threshold: float, containment: float, chunk: int = 50_000) -> np.ndarray:
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

    def fill(self, indices: Iterable[int], batch: int = 512) -> None:
        """Compute the sets of many texts at once (one tokenizer call per batch)."""
        todo = [int(i) for i in indices if int(i) not in self._done]
        for at in range(0, len(todo), batch):
            chunk = todo[at : at + batch]
            values, bounds = shingles_batch([normalize(self.texts[i]) for i in chunk])
            for k, i in enumerate(chunk):
                self._done[i] = sorted_unique(values[bounds[k] : bounds[k + 1]])


# -- streaming: hold signatures, not texts --------------------------------------------

BAND_GROUP = 4  # bands sorted at once when finding candidates (bounds the key arrays: n x 4)


def _sign_chunk(args: tuple[Sequence[str], int]) -> np.ndarray:
    texts, num_perm = args
    return shingle_texts(texts, num_perm).sigs


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

    `keep` (a per-pair filter such as plausible_pairs) is applied to each group's pairs
    as they are found, so only the pairs it keeps accumulate: on a corpus of many
    similar texts, the raw band collisions of all bands at once took gigabytes."""
    n = sigs.shape[0]
    if n < 2:
        return np.zeros((0, 2), dtype=np.int64)
    found = []
    for first in range(0, banding.bands, group):
        keys = banding.keys(sigs, first=first, last=first + group)
        docs = np.repeat(np.arange(n, dtype=np.int64), keys.shape[1])
        pairs = pairs_from_keys(keys.ravel(), docs)
        del keys, docs
        if keep is not None:
            pairs = keep(unique_pairs(pairs))
        found.append(pairs)
    return unique_pairs(np.concatenate(found))


def stream_copy_graph(
    chunks: Iterable[Sequence[str]],
    fetch: Callable[[np.ndarray], Mapping[int, str]],
    threshold: float = DEFAULT_THRESHOLD,
    containment: float = DEFAULT_CONTAINMENT,
    jobs: int = 1,
    num_perm: int = NUM_PERM,
) -> tuple[int, dict[tuple[int, int], Overlap], np.ndarray]:
    """The copy tier over a corpus too large to hold: pass 1 keeps the signatures of the
    texts streamed in `chunks`; the candidate pairs come from them; `fetch(indices)`
    (pass 2) returns the texts of the candidates only, for exact verification.

    Returns (number of texts, verified edges, the sorted candidate documents). The
    edges equal copy_edges() on the whole corpus at once.
    """
    sigs = stream_signatures(chunks, num_perm, jobs)
    n = len(sigs)
    pairs = candidate_pairs_grouped(
        sigs, banding_for(threshold, containment, num_perm), keep=lambda found: plausible_pairs(found, sigs, threshold, containment)
    )
    del sigs
    docs = np.unique(pairs.ravel()) if len(pairs) else np.zeros(0, dtype=np.int64)
    texts = fetch(docs)
    edges: dict[tuple[int, int], Overlap] = {}
    for part_docs, part_pairs in candidate_chunks(pairs):
        # the shingle sets of one chunk of candidate groups at a time: at a million
        # texts, all candidates' sets together would take about as much as the texts
        sets = TextSets({i: texts[i] for i in part_docs.tolist()})  # type: ignore[arg-type]
        sets.fill(part_docs.tolist())
        edges.update(verify_pairs(part_pairs, sets, threshold, containment))
    return n, dict(sorted(edges.items())), docs


VERIFY_CHUNK = 4096  # candidate documents whose shingle sets are held at once


def candidate_chunks(pairs: np.ndarray, max_docs: int = VERIFY_CHUNK) -> list[tuple[np.ndarray, np.ndarray]]:
    """The candidate pairs split into chunks of whole connected components, each with its
    documents (ascending): a pair's two sets are always in the same chunk, so each chunk
    can be verified (and clustered) alone. Chunks hold up to `max_docs` documents, or one
    larger component."""
    if len(pairs) == 0:
        return []
    nodes, comp = connected_components(pairs)
    chunk_of_comp = np.empty(int(comp.max()) + 1, dtype=np.int64)
    chunk, filled = 0, 0
    for c, size in enumerate(np.bincount(comp).tolist()):  # components in order of their smallest node
        if filled and filled + size > max_docs:
            chunk, filled = chunk + 1, 0
        chunk_of_comp[c] = chunk
        filled += size
    node_chunk = chunk_of_comp[comp]
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
