"""Peer agreement: how well one translation agrees with other translations of its story.

When a corpus holds several translations of one source (ten MT systems, or wire copies
of one story translated by different desks), the translations that agree least with
the others are the likeliest to carry mistranslations and omissions — the errors a
monolingual check cannot see. This is the consensus idea behind MBR decoding and
reference-free "pseudo-reference" evaluation: each peer serves as a noisy reference.

Agreement is sacrebleu's chrF (character 6-grams, beta 2) of the article against each
peer, averaged over peers. sacrebleu's `sentence_score` re-extracts both texts' n-grams
for every pair, as Python Counters: 18 ms per 2 kB article and 1.3 ms per pair here.
So each article's n-grams are counted once, as sorted 64-bit n-gram hashes with numpy,
and a pair's match statistics come from `numpy.intersect1d`; sacrebleu's own F-score
turns them into chrF. A test pins the result to `CHRF().sentence_score`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

CHAR_ORDER = 6  # chrF defaults (sacrebleu CHRF())
MAX_PEERS = 9  # a story told 50 times does not need 49 comparisons per article
MIN_GROUP = 3  # with two translations, disagreement does not say which one is wrong


@lru_cache(maxsize=1)
def _chrf() -> Any:
    from sacrebleu.metrics import CHRF

    return CHRF(char_order=CHAR_ORDER)


@dataclass(frozen=True)
class NgramProfile:
    """A text's chrF n-grams of all orders: sorted unique hashes (the order mixed in), their
    counts and orders, and the total count per order. One array for all orders, so a pair
    costs one intersection."""

    keys: np.ndarray  # uint64, sorted, unique
    counts: np.ndarray  # int64, aligned with keys
    orders: np.ndarray  # int64 0..CHAR_ORDER-1, aligned with keys
    totals: tuple[int, ...]  # n-grams of each order (with repeats)


_MIX = np.uint64(0xBF58476D1CE4E5B9)
_ORDER_SALT = np.uint64(0x9E3779B97F4A7C15)


def _step(h: np.ndarray, code: np.ndarray) -> np.ndarray:
    """Extend n-gram hashes by one character (a splitmix-style mix: not a plain polynomial,
    whose collisions mod 2^64 can be constructed)."""
    h = (h + code) * _MIX
    return h ^ (h >> np.uint64(31))


def char_ngrams(text: str) -> NgramProfile:
    """chrF's character n-grams of orders 1..6, whitespace removed (as sacrebleu counts them)."""
    chars = "".join(text.split())
    codes = np.frombuffer(chars.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.uint64)
    hashes: list[np.ndarray] = []
    totals: list[int] = []
    h = np.zeros(len(codes), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for n in range(1, CHAR_ORDER + 1):
            count = max(0, len(codes) - n + 1)
            h = _step(h[:count], codes[n - 1 : n - 1 + count])
            hashes.append(h ^ (_ORDER_SALT * np.uint64(n)))
            totals.append(count)
    keys, first, counts = np.unique(np.concatenate(hashes), return_index=True, return_counts=True)
    orders = np.searchsorted(np.cumsum(totals), first, side="right")
    return NgramProfile(keys, counts, orders, tuple(totals))


def chrf(hyp: NgramProfile, ref: NgramProfile) -> float:
    """chrF (0–100) of a hypothesis against one reference, from their n-gram profiles."""
    _, hi, ri = np.intersect1d(hyp.keys, ref.keys, assume_unique=True, return_indices=True)
    matched = np.bincount(hyp.orders[hi], weights=np.minimum(hyp.counts[hi], ref.counts[ri]), minlength=CHAR_ORDER)
    stats: list[int] = []
    for n in range(CHAR_ORDER):
        # as sacrebleu: hypothesis n-grams count only when the reference has some of that order
        stats += [hyp.totals[n] if ref.totals[n] else 0, ref.totals[n], int(matched[n])]
    return float(_chrf()._compute_f_score(stats))


def peers_of(position: int, size: int, limit: int = MAX_PEERS) -> list[int]:
    """The other members a member is compared with: its nearest neighbours in group order."""
    others = sorted((k for k in range(size) if k != position), key=lambda k: (abs(k - position), k))
    return sorted(others[:limit])


def agreements(texts: Sequence[str], limit: int = MAX_PEERS) -> list[float]:
    """Mean chrF of each text against its peers in the group (in input order)."""
    grams = [char_ngrams(t) for t in texts]
    return [
        sum(chrf(grams[i], grams[j]) for j in peers) / len(peers)
        for i, peers in ((i, peers_of(i, len(texts), limit)) for i in range(len(texts)))
    ]


def relative_disagreement(texts: Sequence[str], limit: int = MAX_PEERS) -> list[tuple[float, float]] | None:
    """(agreement, group mean agreement − agreement) per member; None for groups too small to judge.

    The second value is positive for a translation that agrees with its peers less
    than the group's members do on average, negative for one that agrees more; it
    sums to zero over the group, so it reorders a story's translations without
    moving the story's mean.
    """
    if len(texts) < MIN_GROUP:
        return None
    agree = agreements(texts, limit)
    mean = sum(agree) / len(agree)
    return [(a, mean - a) for a in agree]
