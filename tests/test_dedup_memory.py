"""The streaming copy tier's memory: on a corpus of many similar texts (families of
texts with the same sentence skeleton, like a news corpus republished in rounds), the
candidate phase holds the plausible pairs as 8-byte codes, not the raw band collisions."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

from qc.dedup import copies


def family_signatures(families: int, members: int, agree: float, seed: int = 1) -> np.ndarray:
    """Signatures of `families` groups of `members` texts; two texts of one family agree
    on about agree**2 of their values: every pair is a band candidate many times over."""
    rng = np.random.default_rng(seed)
    sigs = np.repeat(rng.integers(0, 2**32, size=(families, copies.NUM_PERM), dtype=np.uint32), members, axis=0)
    noise = rng.random(sigs.shape) > agree
    sigs[noise] = rng.integers(0, 2**32, size=int(noise.sum()), dtype=np.uint32)
    return sigs


@pytest.mark.parametrize(("families", "members", "agree"), [(10, 120, 0.6), (40, 40, 0.5)])
def test_candidate_phase_holds_about_the_kept_pairs(families: int, members: int, agree: float) -> None:
    sigs = family_signatures(families, members, agree)
    banding = copies.banding_for(copies.DEFAULT_THRESHOLD, copies.DEFAULT_CONTAINMENT)

    def keep(found: np.ndarray) -> np.ndarray:
        return copies.plausible_pairs(found, sigs, copies.DEFAULT_THRESHOLD, copies.DEFAULT_CONTAINMENT)

    tracemalloc.start()
    try:
        parts = copies.candidate_codes(sigs, banding, keep=keep)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    kept = sum(len(p) for p in parts)
    assert kept > 20_000  # most same-family pairs are plausible, each found in many bands
    # Measured: 5.6x and 9.2x the codes' 8 bytes a pair (the filter's row gathers); the
    # code before (raw pairs of a band group, all groups' pairs kept until the end)
    # peaked at 79x and 44x.
    assert peak < 16 * 8 * kept


def test_tokeniser_batches_are_bounded_by_size_and_change_no_hash() -> None:
    """normalized_batches cuts by characters as well as by count (the tokeniser's
    temporaries are eight bytes per byte of a batch); the signatures do not depend on
    the cut."""
    from qc.dedup import minhash, shingle

    rng = np.random.default_rng(11)
    words = [f"w{k}" for k in range(500)]
    texts = [" ".join(rng.choice(words, size=int(rng.integers(1, 3000)))) for _ in range(60)]
    batches = list(shingle.normalized_batches(texts, max_texts=512, max_bytes=20_000))
    assert [t for b in batches for t in b] == [shingle.normalize(t) for t in texts]
    assert all(sum(len(t) + 1 for t in b[:-1]) < 20_000 for b in batches)  # only the last text crosses the line
    one_by_one = np.concatenate([minhash.signatures([t]) for t in texts])
    assert np.array_equal(minhash.signatures(texts), one_by_one)
