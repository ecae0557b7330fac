"""MinHash signatures, LSH band keys and the banding choice.

Permutation i maps the top 32 bits x of a shingle hash to (a_i * x + b_i) mod 2**32 with
a_i odd (a bijection of the 32-bit space); the signature is the uint32 minimum of each.
The seeds are fixed, so signatures are comparable across runs and stored in the index.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from qc.dedup.shingle import normalized_batches, shingles_batch

NUM_PERM = 128
SEED = 20230201
EMPTY = np.uint32(0xFFFFFFFF)


def _params(num_perm: int, seed: int = SEED) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.Generator(np.random.PCG64(seed))
    a = rng.integers(0, 2**31, size=num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = rng.integers(0, 2**32, size=num_perm, dtype=np.uint32)
    return a, b


_PARAMS: dict[int, tuple[np.ndarray, np.ndarray]] = {}


def signatures_from_shingles(values: np.ndarray, bounds: np.ndarray, num_perm: int = NUM_PERM) -> np.ndarray:
    """(n_texts, num_perm) uint32 signatures from concatenated shingle hashes and offsets.

    Each permutation is x -> a*x + b mod 2**32 (a odd: a bijection) on the top 32 bits of
    the shingle hash. One permutation at a time over the whole batch keeps the work array
    in cache; that loop is several times faster than one (num_perm x shingles) matrix.
    """
    if num_perm not in _PARAMS:
        _PARAMS[num_perm] = _params(num_perm)
    a, b = _PARAMS[num_perm]
    n = len(bounds) - 1
    out = np.full((n, num_perm), EMPTY, dtype=np.uint32)
    nonempty = np.flatnonzero(np.diff(bounds))
    if len(nonempty) == 0:
        return out
    x = (values >> np.uint64(32)).astype(np.uint32)
    starts = bounds[nonempty]
    tmp = np.empty_like(x)
    sig = np.empty((num_perm, len(nonempty)), dtype=np.uint32)
    with np.errstate(over="ignore"):
        for i in range(num_perm):
            np.multiply(x, a[i], out=tmp)
            tmp += b[i]
            sig[i] = np.minimum.reduceat(tmp, starts)
    out[nonempty] = sig.T
    return out


def signatures(texts: Sequence[str], num_perm: int = NUM_PERM, batch: int = 512) -> np.ndarray:
    """Signatures of raw texts (normalised here), in batches."""
    parts = []
    for chunk in normalized_batches(texts, batch):
        values, bounds = shingles_batch(chunk)
        parts.append(signatures_from_shingles(values, bounds, num_perm))
    return np.concatenate(parts) if parts else np.zeros((0, num_perm), dtype=np.uint32)


def estimate_jaccard(sig_a: np.ndarray, sig_b: np.ndarray, bits: int = 32) -> float:
    """Jaccard estimate from two signatures; with b-bit signatures (bits < 32), the
    chance agreement 2**-bits is corrected for (Li and König, b-bit minwise hashing)."""
    agree = float(np.mean(sig_a == sig_b))
    if bits >= 32:
        return agree
    chance = 2.0**-bits
    return max(0.0, (agree - chance) / (1.0 - chance))


@dataclass(frozen=True)
class Banding:
    bands: int
    rows: int

    def probability(self, jaccard: float) -> float:
        """Probability that a pair with this Jaccard similarity shares at least one band."""
        return 1.0 - (1.0 - jaccard**self.rows) ** self.bands

    def keys(self, sigs: np.ndarray, salt: int = 0, first: int = 0, last: int | None = None) -> np.ndarray:
        """(n, bands) uint64 band keys; the band number and salt are mixed in, so keys of
        different bands (or tiers) never collide by construction. `first`/`last` select
        a range of bands (the same keys as those columns of the full result)."""
        n = sigs.shape[0]
        last = self.bands if last is None else min(last, self.bands)
        width = last - first
        # A strided uint32 view, widened row by row inside the arithmetic: no (n, width,
        # rows) uint64 copy of the signatures (64 MB per 4 bands at a million texts).
        used = sigs[:, first * self.rows : last * self.rows].reshape(n, width, self.rows)
        with np.errstate(over="ignore"):
            start = np.arange(first, last, dtype=np.uint64) + np.uint64(salt * 0x9E3779B1 + 1)
            acc = np.repeat(start[None, :], n, axis=0)
            for r in range(self.rows):
                acc *= np.uint64(0x100000001B3)
                acc += used[:, :, r]
                acc ^= acc >> np.uint64(29)
            acc *= np.uint64(0xBF58476D1CE4E5B9)
            acc ^= acc >> np.uint64(32)
        return acc


def choose_banding(jaccard_floor: float, num_perm: int = NUM_PERM, recall: float = 0.995) -> Banding:
    """The most selective banding (most rows per band) whose candidate probability at
    `jaccard_floor` is at least `recall`. More rows = fewer needless candidates."""
    best = Banding(num_perm, 1)
    for rows in range(1, num_perm + 1):
        cand = Banding(num_perm // rows, rows)
        if cand.probability(jaccard_floor) >= recall:
            best = cand
        else:
            break
    return best


def containment_jaccard_floor(containment: float, size_ratio: float = 0.5) -> float:
    """Lowest Jaccard of a pair where the smaller set (|A| = size_ratio * |B|) has the
    given containment in the larger: J = c*r / (1 + r - c*r)."""
    cr = containment * size_ratio
    return cr / (1.0 + size_ratio - cr)


def jaccard_floor(threshold: float, containment: float, size_ratio: float = 0.5) -> float:
    return min(threshold, containment_jaccard_floor(containment, size_ratio))


__all__ = [
    "NUM_PERM",
    "Banding",
    "choose_banding",
    "containment_jaccard_floor",
    "estimate_jaccard",
    "jaccard_floor",
    "signatures",
    "signatures_from_shingles",
]
