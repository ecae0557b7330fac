"""Text normalisation and word 5-gram shingles, hashed to 64-bit integers.

The tokenizer works on bytes with numpy, over a whole batch of texts at once: the
per-article Python work is one normalisation call. A token is a run of ASCII letters
and digits or of non-ASCII bytes (non-ASCII punctuation is turned into spaces first),
so the hashes depend only on the text and are stable across processes and machines.

Token hash: a polynomial hash over the token's bytes modulo 2**64, computed for every
token at once from one prefix sum (the multiplier is odd, hence invertible), then
mixed with the murmur3 finaliser. A shingle hash combines K consecutive token hashes
the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

import numpy as np

from qc.dedup.normalize import normalize

SHINGLE_SIZE = 5
_P = np.uint64(0x100000001B3)  # odd: invertible modulo 2**64
_P_INV = np.uint64(pow(int(_P), -1, 2**64))
_SHINGLE_MULT = np.uint64(0x9E3779B97F4A7C15)
_SEP = b"\n"

_WORD_BYTE = np.zeros(256, dtype=bool)
for _c in b"abcdefghijklmnopqrstuvwxyz0123456789":
    _WORD_BYTE[_c] = True
_WORD_BYTE[0x80:] = True


def _word_mask(buf: np.ndarray) -> np.ndarray:
    """True for bytes inside tokens: ASCII letters/digits and non-ASCII characters,
    except the UTF-8 forms of Latin-1 punctuation (U+00A1-U+00BF, U+00D7, U+00F7),
    General Punctuation (U+2000-U+206F) and CJK punctuation (U+3000-U+303F).

    One table lookup over the whole buffer; the multi-byte checks look only at the
    (few) lead bytes >= 0xC2, so English text costs about one pass.
    """
    word = np.take(_WORD_BYTE, buf)
    n = len(buf)
    if n < 2:
        return word
    hi = np.flatnonzero(buf[:-1] >= 0xC2)
    if len(hi) == 0:
        return word
    lead = buf[hi]
    nxt = buf[hi + 1]
    two = hi[((lead == 0xC2) & (nxt >= 0xA0) & (nxt <= 0xBF)) | ((lead == 0xC3) & ((nxt == 0x97) | (nxt == 0xB7)))]
    three = hi[((lead == 0xE2) & ((nxt == 0x80) | (nxt == 0x81))) | ((lead == 0xE3) & (nxt == 0x80))]
    for width, at in ((2, two), (3, three)):
        for j in range(width):
            word[np.minimum(at + j, n - 1)] = False
    return word


def _token_edges(word: np.ndarray) -> np.ndarray:
    """Alternating start/end byte offsets of the runs of True in `word`."""
    padded = np.zeros(len(word) + 2, dtype=bool)
    padded[1:-1] = word
    return np.flatnonzero(padded[1:] != padded[:-1])


def _fmix64(h: np.ndarray) -> np.ndarray:
    """murmur3's 64-bit finaliser, vectorised (wrapping uint64 arithmetic)."""
    h = h ^ (h >> np.uint64(33))
    h *= np.uint64(0xFF51AFD7ED558CCD)
    h ^= h >> np.uint64(33)
    h *= np.uint64(0xC4CEB93FE53A85B3)
    h ^= h >> np.uint64(33)
    return h


_pow_cache: dict[str, np.ndarray] = {}


def _powers(name: str, base: np.uint64, n: int) -> np.ndarray:
    have = _pow_cache.get(name)
    if have is None or len(have) < n:
        size = max(n, 1 << 16, 2 * len(have) if have is not None else 0)
        arr = np.full(size, base, dtype=np.uint64)
        arr[0] = 1
        with np.errstate(over="ignore"):
            have = np.cumprod(arr, dtype=np.uint64)
        _pow_cache[name] = have
    return have[:n]


def token_hashes_batch(normalized: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Token hashes of every text, concatenated, and each text's start offset (len+1 entries)."""
    data = _SEP.join(t.encode("utf-8", "surrogatepass") for t in normalized) + _SEP
    buf = np.frombuffer(data, dtype=np.uint8)
    word = _word_mask(buf)
    edges = _token_edges(word)
    starts, ends = edges[0::2], edges[1::2]
    # prefix[i] = sum_{j<i} b[j] * P_INV**j  (mod 2**64)
    # two byte-sized uint64 arrays, filled in place (the batch's largest temporaries)
    prefix = np.empty(len(buf) + 1, dtype=np.uint64)
    prefix[0] = 0
    with np.errstate(over="ignore"):
        weighted = buf.astype(np.uint64)
        weighted *= _powers("pinv", _P_INV, len(buf))
        np.cumsum(weighted, dtype=np.uint64, out=prefix[1:])
        del weighted
        raw = (prefix[ends] - prefix[starts]) * _powers("p", _P, len(buf) + 1)[ends - 1]
        del prefix
        tokens = _fmix64(raw + (ends - starts).astype(np.uint64))
    # text boundaries in bytes -> token index boundaries
    lengths = np.fromiter((len(t.encode("utf-8", "surrogatepass")) if not t.isascii() else len(t) for t in normalized),
                          dtype=np.int64, count=len(normalized))
    byte_starts = np.concatenate(([0], np.cumsum(lengths + 1)))
    tok_bounds = np.searchsorted(starts, byte_starts)
    return tokens, tok_bounds


BATCH_BYTES = 1 << 18  # characters of normalised text tokenised at once


def normalized_batches(texts: Iterable[str], max_texts: int = 512, max_bytes: int = BATCH_BYTES) -> Iterator[list[str]]:
    """The texts normalised, in batches of at most `max_texts` texts and (but for one
    long text) about `max_bytes` characters. The tokenizer's temporaries are eight bytes
    per byte of the batch, several arrays at once: bounding the batch by size, not by
    count, bounds the memory they take (and the heap they leave fragmented). Batching
    never changes a hash: each token's hash depends on its own bytes only."""
    buf: list[str] = []
    size = 0
    for text in texts:
        norm = normalize(text)
        buf.append(norm)
        size += len(norm) + 1
        if len(buf) >= max_texts or size >= max_bytes:
            yield buf
            buf, size = [], 0
    if buf:
        yield buf


def shingles_batch(normalized: Sequence[str], k: int = SHINGLE_SIZE) -> tuple[np.ndarray, np.ndarray]:
    """Shingle hashes (uint64) of every text, concatenated, and start offsets (len+1 entries).

    A text with fewer than k tokens gets one shingle of all its tokens; an empty text none.
    Shingles are not de-duplicated here (MinHash does not need it).
    """
    tokens, bounds = token_hashes_batch(normalized)
    n = len(tokens)
    counts = np.diff(bounds)
    if n >= k:
        with np.errstate(over="ignore"):
            acc = tokens[: n - k + 1].copy()
            for j in range(1, k):
                acc = acc * _SHINGLE_MULT + tokens[j : n - k + 1 + j]
            full = _fmix64(acc)
    else:
        full = np.zeros(0, dtype=np.uint64)
    out_counts = np.where(counts >= k, counts - k + 1, np.minimum(counts, 1))
    out_bounds = np.concatenate(([0], np.cumsum(out_counts)))
    pieces = []
    for i in np.flatnonzero((counts < k) & (counts > 0)):  # short texts: rare, handled one by one
        lo, hi = bounds[i], bounds[i + 1]
        with np.errstate(over="ignore"):
            acc = np.uint64(0)
            for t in tokens[lo:hi]:
                acc = acc * _SHINGLE_MULT + t
        pieces.append((i, _fmix64(np.array([acc], dtype=np.uint64))))
    if not pieces and (counts >= k).all():
        # fast path: every text has >= k tokens; shingles never straddle two texts
        return full[_ranges(bounds[:-1], out_counts)], out_bounds
    result = np.empty(out_bounds[-1], dtype=np.uint64)
    short = dict(pieces)
    for i in range(len(counts)):
        lo, hi = out_bounds[i], out_bounds[i + 1]
        if counts[i] >= k:
            result[lo:hi] = full[bounds[i] : bounds[i] + (hi - lo)]
        elif i in short:
            result[lo:hi] = short[i]
    return result, out_bounds


def _ranges(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Concatenation of arange(s, s+c) for each (s, c), vectorised."""
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    offsets = np.repeat(starts - np.concatenate(([0], np.cumsum(counts)[:-1])), counts)
    return np.arange(total, dtype=np.int64) + offsets


def shingle_set(text: str, k: int = SHINGLE_SIZE) -> np.ndarray:
    """Sorted unique shingle hashes of one (raw) text."""
    values, _ = shingles_batch([normalize(text)], k)
    return np.unique(values)
