"""Copy tier: shingle sets and signatures for a batch, LSH candidates, exact verification."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from qc.dedup.minhash import NUM_PERM, Banding, choose_banding, jaccard_floor, signatures_from_shingles
from qc.dedup.shingle import normalize, shingles_batch

DEFAULT_THRESHOLD = 0.8  # Jaccard
DEFAULT_CONTAINMENT = 0.8
MIN_CONTAINED_SHINGLES = 20  # a shorter text cannot be a copy by containment alone
MAX_BUCKET = 200  # a larger LSH bucket is linked as a star, not all pairs


@dataclass
class ShingledBatch:
    sets: list[np.ndarray]  # per text: sorted unique shingle hashes
    sigs: np.ndarray  # (n, NUM_PERM) uint32


def shingle_texts(texts: Sequence[str], num_perm: int = NUM_PERM, batch: int = 512) -> ShingledBatch:
    sets: list[np.ndarray] = []
    sig_parts = []
    for start in range(0, len(texts), batch):
        values, bounds = shingles_batch([normalize(t) for t in texts[start : start + batch]])
        sig_parts.append(signatures_from_shingles(values, bounds, num_perm))
        sets.extend(np.unique(values[bounds[i] : bounds[i + 1]]) for i in range(len(bounds) - 1))
    sigs = np.concatenate(sig_parts) if sig_parts else np.zeros((0, num_perm), dtype=np.uint32)
    return ShingledBatch(sets, sigs)


def banding_for(threshold: float, containment: float, num_perm: int = NUM_PERM) -> Banding:
    """Bands tuned for recall at the lowest Jaccard a qualifying pair can have: the
    threshold itself, or a half-length truncated copy at the containment threshold."""
    return choose_banding(jaccard_floor(threshold, containment), num_perm)


def candidate_pairs(sigs: np.ndarray, banding: Banding) -> np.ndarray:
    """(m, 2) int64 array of index pairs (i < j) sharing at least one band key."""
    n = sigs.shape[0]
    if n < 2:
        return np.zeros((0, 2), dtype=np.int64)
    keys = banding.keys(sigs)
    found = []
    for band in range(keys.shape[1]):
        col = keys[:, band]
        order = np.argsort(col, kind="stable")
        sorted_keys = col[order]
        same = np.flatnonzero(sorted_keys[1:] == sorted_keys[:-1])
        if len(same) == 0:
            continue
        # runs of equal keys
        run_start = np.flatnonzero(np.diff(np.concatenate(([-2], same))) != 1)
        for r, first in enumerate(run_start):
            last = run_start[r + 1] - 1 if r + 1 < len(run_start) else len(same) - 1
            members = np.sort(order[same[first] : same[last] + 2])
            if len(members) > MAX_BUCKET:
                found.append(np.stack([np.full(len(members) - 1, members[0]), members[1:]], axis=1))
            else:
                ii, jj = np.triu_indices(len(members), k=1)
                found.append(np.stack([members[ii], members[jj]], axis=1))
    if not found:
        return np.zeros((0, 2), dtype=np.int64)
    pairs = np.concatenate(found).astype(np.int64)
    return np.unique(pairs, axis=0)


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
    shared = len(np.intersect1d(a, b, assume_unique=True))
    union = len(a) + len(b) - shared
    return Overlap(shared / union, shared / min(len(a), len(b)), shared / len(a), shared / len(b))


def copy_edges(
    batch: ShingledBatch, threshold: float = DEFAULT_THRESHOLD, containment: float = DEFAULT_CONTAINMENT
) -> dict[tuple[int, int], Overlap]:
    """Verified copy pairs (i < j) with their exact overlap."""
    edges: dict[tuple[int, int], Overlap] = {}
    for i, j in candidate_pairs(batch.sigs, banding_for(threshold, containment)).tolist():
        ov = overlap(batch.sets[i], batch.sets[j])
        if ov.is_copy(threshold, containment, min(len(batch.sets[i]), len(batch.sets[j]))):
            edges[(i, j)] = ov
    return edges
