"""Same story, different words: content fingerprints, candidate pairs and pair scores.

Two articles tell the same story when they share what is specific to it: rare content
words and names (weighted by how rare they are in English, from wordfreq), numbers and
dates, and sentences that align one to one (rapidfuzz picks the alignment, sacrebleu's
chrF scores it). Articles that only share a topic share common words ("president",
"visit") but few rare names and numbers, and their sentences do not align.

Work grows with the corpus, not its square: candidates come from one sparse product of
article x rare-term matrices (scipy), a block of rows at a time, with each article's
best-sharing partners only and topic words left out; a candidate is scored on its
vocabulary first, and its sentences are aligned only when that vocabulary overlaps.
"""

from __future__ import annotations

import math
import re
import sys
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np

from qc.consensus.align import FUNCTION_WORDS as _STOP
from qc.dedup.shingle import normalize

_WORD = re.compile(r"[^\W_]+(?:['’.-][^\W_]+)*", re.UNICODE)
_NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)*(?![\w])")
# In a lede, a score or range ("3-2", "2–1") is one number: two match reports of one
# series share digits but not results.
_LEDE_NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)*(?:\s?[-–]\s?\d+)?(?![\w])")
_SENT_END = re.compile(r"(?<=[.!?…。])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])|\n\s*\n")
_NAME = re.compile(r"\b[A-Z][A-Za-z]+\b")
LEDE_SENTENCES = 2
RARE_ZIPF = 4.5  # words rarer than this (wordfreq Zipf scale) count as story-specific


@lru_cache(maxsize=200_000)
def rarity(word: str) -> float:
    """Weight of a word: about 1 for common words, up to ~6 for names and rare words."""
    if word.isdigit():
        return 3.0
    return max(0.5, 7.0 - zipf(word))


_PLAIN_WORD = re.compile(r"[a-z]+")


def zipf(word: str) -> float:
    """wordfreq's English Zipf frequency of a word.

    A plain lowercase word is one token to wordfreq's tokenizer, so its frequency is one
    lookup in wordfreq's table, rounded as wordfreq rounds it: 4 µs instead of 30-60 µs
    through `zipf_frequency`, which matters for a large corpus's long tail of names (a
    test pins the two to each other). Other words take wordfreq's own path.
    """
    if not _PLAIN_WORD.fullmatch(word):
        from wordfreq import zipf_frequency

        return float(zipf_frequency(word, "en"))
    freq = _frequencies().get(word)
    if freq is None:  # unknown: wordfreq's minimum, unrounded
        return 0.0
    freq = max(freq, _MIN_FREQUENCY)
    # math.log(x, 10) as wordfreq writes it: log10 can differ in the last bit, and a rounding with it
    freq = round(freq, math.floor(-math.log(freq, 10)) + 3)  # wordfreq keeps 3 significant digits
    return round(math.log(freq, 10) + 9, 2)


_MIN_FREQUENCY = 1e-9  # wordfreq.zipf_to_freq(0), the floor zipf_frequency applies


@lru_cache(maxsize=1)
def _frequencies() -> dict[str, float]:
    from wordfreq import get_frequency_dict  # heavy: data loaded on first use

    return get_frequency_dict("en", "best")  # type: ignore[no-any-return]


def split_sentences(text: str) -> list[str]:
    """Sentences (and paragraph breaks) of a text; short fragments are kept."""
    return [s.strip() for s in _SENT_END.split(text) if s and s.strip()]


def _number_key(raw: str) -> str:
    digits = raw.replace(",", "")
    if "." in digits:
        digits = digits.rstrip("0").rstrip(".")
    return digits


@dataclass
class StoryFeatures:
    """What the story tier compares: weighted content terms, numbers, sentences, lede."""

    terms: dict[str, float]  # content word -> rarity weight
    numbers: frozenset[str]
    sentences: list[str] = field(repr=False)
    lede_terms: dict[str, float] = field(default_factory=dict, repr=False)  # 5-letter stems
    lede_names: dict[str, float] = field(default_factory=dict, repr=False)  # capitalised, not sentence-initial
    lede_numbers: frozenset[str] = frozenset()

    @property
    def rare_terms(self) -> list[str]:
        return [t for t, w in self.terms.items() if w >= 7.0 - RARE_ZIPF]


def content_terms(text: str) -> tuple[dict[str, float], frozenset[str]]:
    """Content words (with their rarity weight, in text order) and numbers of a text."""
    fixed = normalize(text) if not text.isascii() else text.lower()
    # Each distinct spelling judged once, through a cache shared by all texts; dict() keeps
    # the first position of a word two spellings share ("obama's", "obama"), with its one weight.
    judged = map(_content_term, dict.fromkeys(_WORD.findall(fixed)))
    terms: dict[str, float] = dict(t for t in judged if t is not None)
    return terms, frozenset(_number_key(n) for n in _NUMBER.findall(text))


@lru_cache(maxsize=200_000)
def _content_term(spelling: str) -> tuple[str, float] | None:
    """(word, rarity) of a lowercased spelling, or None for a stopword, number or short word."""
    word = spelling.replace("’", "'").removesuffix("'s")
    if len(word) < 3 or word in _STOP or word.isdigit():
        return None
    if word not in _frequencies() and _PLAIN_WORD.fullmatch(word):
        return word, 7.0  # rarity's answer for a plain word wordfreq does not know (Zipf 0), without its cache
    return word, rarity(word)


@dataclass(frozen=True)
class Fingerprint:
    """What candidate generation needs of an article, and no more: its rare terms and its
    numbers (interned strings, shared between articles). A few hundred bytes where the
    features hold the whole text as sentences, so a large corpus keeps one per article."""

    rare_terms: tuple[str, ...]
    numbers: tuple[str, ...]


def fingerprint(text: str) -> Fingerprint:
    """_fingerprint(*content_terms(text)), without weighing every word: only whether a
    spelling is a rare word matters here (one cached look-up per distinct spelling), and
    that is every article's work in the story tier."""
    fixed = normalize(text) if not text.isascii() else text.lower()
    words = map(_rare_word, dict.fromkeys(_WORD.findall(fixed)))
    # dict.fromkeys: a word two spellings share keeps its first position, as in content_terms
    rare = tuple(dict.fromkeys(w for w in words if w is not None))
    numbers = frozenset(_number_key(n) for n in _NUMBER.findall(text))
    return Fingerprint(rare, tuple(sys.intern(n) for n in numbers))


@lru_cache(maxsize=200_000)
def _rare_word(spelling: str) -> str | None:
    """The (interned) content word of a lowercased spelling when it is rare, else None.

    A plain lowercase word is rare unless it is one of wordfreq's few thousand common
    words (_common_plain_words): a set look-up, where weighing it (rarity) cost most of
    the fingerprints on a corpus of many new spellings (284,000 distinct ones in 10,000
    synthetic articles, more than the caches hold). Same answer as weighing it."""
    word = spelling.replace("’", "'").removesuffix("'s")
    if _PLAIN_WORD.fullmatch(word):
        if len(word) < 3 or word in _STOP or word in _common_plain_words():
            return None
        return sys.intern(word)
    got = _content_term(spelling)
    return sys.intern(got[0]) if got is not None and got[1] >= 7.0 - RARE_ZIPF else None


# A plain word rarer than this in wordfreq has a Zipf value below RARE_ZIPF - 0.3, whatever
# the rounding (zipf keeps 3 significant digits, then 2 decimals): it is rare.
_COMMON_FLOOR = 10.0 ** (RARE_ZIPF - 9.0) / 2.0


@lru_cache(maxsize=1)
def _common_plain_words() -> frozenset[str]:
    """The plain lowercase words that are not rare (rarity below 7 - RARE_ZIPF), judged
    by rarity() itself; every other plain word is rare (an unknown word has Zipf 0)."""
    return frozenset(
        w for w, f in _frequencies().items() if f >= _COMMON_FLOOR and _PLAIN_WORD.fullmatch(w) and rarity(w) < 7.0 - RARE_ZIPF
    )


def _fingerprint(terms: dict[str, float], numbers: frozenset[str]) -> Fingerprint:
    # same order as StoryFeatures.rare_terms and iteration over the numbers' frozenset
    rare = tuple(sys.intern(t) for t, w in terms.items() if w >= 7.0 - RARE_ZIPF)
    return Fingerprint(rare, tuple(sys.intern(n) for n in numbers))


def features(text: str) -> StoryFeatures:
    terms, numbers = content_terms(text)
    sentences = [s for s in split_sentences(text) if len(s) >= 20]
    lede = " ".join(sentences[:LEDE_SENTENCES])
    lede_terms: dict[str, float] = {}
    for m in _WORD.finditer(lede.lower()):
        word = m.group()
        if len(word) >= 3 and word not in _STOP and not word.isdigit():
            stem = word[:5]
            lede_terms[stem] = max(lede_terms.get(stem, 0.0), rarity(word))
    lede_names: dict[str, float] = {}
    for m in _NAME.finditer(lede):
        word = m.group().lower()
        if m.start() > 0 and word not in _STOP:
            lede_names[word[:5]] = max(lede_names.get(word[:5], 0.0), rarity(word))
    lede_numbers = (
        frozenset(_number_key(re.sub(r"\s?[-–]\s?", "-", n)) for n in _LEDE_NUMBER.findall(sentences[0]))
        if sentences else frozenset()
    )
    return StoryFeatures(terms, numbers, sentences, lede_terms, lede_names, lede_numbers)


@dataclass(frozen=True)
class StoryScore:
    terms: float  # rarity-weighted Jaccard of content terms
    numbers: float  # Jaccard of numbers (0 when either has none)
    alignment: float  # mean chrF (0..1) of the best-aligned sentence pairs, shorter side
    aligned: float  # share of the shorter side's sentences that align (chrF >= ALIGN_CHRF)
    lede: float  # rarity-weighted overlap of the two ledes (first sentences), smaller side
    score: float  # the combination used for grouping
    why: str  # "text" (the bodies agree) or "lede" (the ledes report one event)
    text_score: float = 0.0  # the body score alone (score, unless the lede path lifted it)
    lede_event: bool = False  # the ledes look like one event (see same_event_lede)


ALIGN_CHRF = 0.45  # a sentence pair with at least this chrF says the same thing
STORY_THRESHOLD = 0.40  # MQM dev: F1 1.000 at 0.30-0.35, 0.996 at 0.40; clean-news series need >= 0.40
# The lede path: two outlets reporting one development share the lede's rare names
# and event words, though their bodies differ (the seed pair: body score 0.11).
LEDE_OVERLAP = 0.25
LEDE_RARE_NAME = 4.0  # rarity of at least one shared lede name (Zipf <= 3)
LEDE_MIN_TERMS = 0.08
# Sentence alignment (over 90% of a pair's cost) runs only for pairs whose content terms
# overlap this much (weighted Jaccard), or whose ledes report one event. Below it, a pair
# is scored on terms and numbers alone. Measured with full alignment on the candidates
# (after MIN_RARE_JACCARD): under 0.15, the highest score was 0.255 on clean-news (82% of
# its candidates), 0.214 on MQM dev and 0.255 on a synthetic 2,000-article corpus, far
# from STORY_THRESHOLD: two texts that tell one story name the same people, places and
# numbers. The groups came out identical on all three, and on 8,000 synthetic articles
# (bench/dedup_story_eval.py; bench/make_dedup_big.py).
ALIGN_MIN_TERMS = 0.15


def lede_overlap(a: StoryFeatures, b: StoryFeatures) -> float:
    if not a.lede_terms or not b.lede_terms:
        return 0.0
    shared = sum(min(w, b.lede_terms[t]) for t, w in a.lede_terms.items() if t in b.lede_terms)
    return shared / min(sum(a.lede_terms.values()), sum(b.lede_terms.values()))


def same_event_lede(a: StoryFeatures, b: StoryFeatures, terms: float, lede: float) -> bool:
    """Ledes that overlap, share a rare name, and do not state different numbers."""
    if lede < LEDE_OVERLAP or terms < LEDE_MIN_TERMS:
        return False
    shared_names = [w for t, w in a.lede_names.items() if t in b.lede_names]
    if len(shared_names) < 3 or max(shared_names) < LEDE_RARE_NAME:
        return False
    return not (a.lede_numbers and b.lede_numbers and not a.lede_numbers & b.lede_numbers)


def weighted_jaccard(a: dict[str, float], b: dict[str, float]) -> float:
    if not a or not b:
        return 0.0
    if len(a) > len(b):
        a, b = b, a
    shared = sum(w for t, w in a.items() if t in b)
    total = sum(a.values()) + sum(b.values()) - shared
    return shared / total if total else 0.0


def align(src: Sequence[str], dst: Sequence[str]) -> list[tuple[int, int, float]]:
    """For each sentence of `src`, its best match in `dst` as (i, j, chrF in 0..1).

    rapidfuzz ranks the candidates (token_set_ratio is fast and order-insensitive);
    sacrebleu's chrF scores the chosen pair, since chrF is robust to the
    morphological and lexical variation between translations.
    """
    if not src or not dst:
        return []
    import numpy as np
    from rapidfuzz import fuzz, process

    # lowercased once here rather than by cdist's processor for every comparison (same scores)
    matrix = process.cdist(_lowered(src), _lowered(dst), scorer=fuzz.token_set_ratio, workers=1)
    best = np.argmax(matrix, axis=1)
    return [(i, int(j), _chrf(src[i], dst[j])) for i, j in enumerate(best)]


def _lowered(sentences: Sequence[str]) -> list[str]:
    return [s.lower() for s in sentences]


def _chrf(hyp: str, ref: str) -> float:
    """sacrebleu's chrF (0..1) of one sentence pair. An article's sentences meet many
    candidate partners, so their character n-grams are counted once and cached
    (qc.consensus; equal to `CHRF().sentence_score`, tested there)."""
    from qc.consensus import chrf

    return chrf(_sentence_ngrams(hyp), _sentence_ngrams(ref)) / 100.0


# About 6 KB a profile: 8,192 hold the sentences of the few hundred articles whose pairs
# are scored around the same time (candidate pairs come sorted) in ~50 MB. 65,536 took
# ~400 MB on a large corpus, a cache that grew with the corpus until full.
@lru_cache(maxsize=8_192)
def _sentence_ngrams(sentence: str) -> Any:
    from qc.consensus import char_ngrams

    return char_ngrams(sentence)


def score_pair(a: StoryFeatures, b: StoryFeatures) -> StoryScore:
    terms = weighted_jaccard(a.terms, b.terms)
    if a.numbers and b.numbers:
        numbers = len(a.numbers & b.numbers) / len(a.numbers | b.numbers)
    else:
        numbers = 0.0
    lede = lede_overlap(a, b)
    event = same_event_lede(a, b, terms, lede)
    alignment = aligned = 0.0
    if terms >= ALIGN_MIN_TERMS or event:
        short, long_ = (a, b) if len(a.sentences) <= len(b.sentences) else (b, a)
        pairs = align(short.sentences, long_.sentences)
        if pairs:
            alignment = sum(p[2] for p in pairs) / len(pairs)
            aligned = sum(p[2] >= ALIGN_CHRF for p in pairs) / len(pairs)
    score = 0.45 * terms + 0.15 * numbers + 0.25 * alignment + 0.15 * aligned
    why = "text"
    text_score = score
    if score < STORY_THRESHOLD and event:
        score, why = STORY_THRESHOLD, "lede"
    return StoryScore(terms, numbers, alignment, aligned, lede, score, why, text_score, event)


def lone_lede_pairs(scored: dict[tuple[int, int], StoryScore]) -> set[tuple[int, int]]:
    """The lede-path pairs that may group: both articles have exactly one lede partner.

    A developing story told twice (the seed pair) is a lone pair of ledes about one
    event. Articles of a series (match reports of one tournament, the primaries of one
    campaign) share a templated lede ("X have defeated Y by N runs in the Super 8 stage
    ...") with several others: there, a lede match says "same series", not "same story".
    """
    mates: dict[int, int] = defaultdict(int)
    for (a, b), s in scored.items():
        if s.lede_event:
            mates[a] += 1
            mates[b] += 1
    return {(a, b) for (a, b), s in scored.items() if s.lede_event and mates[a] == 1 and mates[b] == 1}


def demoted(s: StoryScore) -> StoryScore:
    """The pair scored on its bodies alone (its lede path is not allowed)."""
    if s.why != "lede":
        return s
    from dataclasses import replace

    return replace(s, score=s.text_score, why="text")


# Candidate generation bounds, so the story tier's work grows with the corpus, not with its
# square. A term in more articles than MAX_POSTING names a topic in any corpus (the relative
# max_df alone allowed 19,000 at 378,000 articles, and one such term made 180 million pairs).
MAX_POSTING = 2_000
# Two articles of one story share a good part of their rare vocabulary. On clean-news and
# MQM dev every pair scoring 0.3 or more, and every lede-path pair, had a rare-term weighted
# Jaccard of 0.084 or more; below 0.04 the best full score was 0.16 (threshold 0.40). Pairs
# under it are not scored at all: two thirds of clean-news's candidates. (A synthetic corpus
# that repeats each article with every name and number respelled has pairs under 0.02 that
# scored up to 0.48: one template, different people and figures. They no longer group.)
MIN_RARE_JACCARD = 0.04
# An article's best-sharing partners only: a story retold by more outlets than this still
# forms one group, through its members' own partners and the average-linkage check.
TOP_PARTNERS = 32
# Rows of the sharing matrix computed at once, sized by their postings' total length.
BLOCK_WORK = 4_000_000


def candidate_pairs(feats: Sequence[StoryFeatures], min_shared: float = 12.0, max_df: float = 0.05) -> np.ndarray:
    """candidate_pairs_of() for full features."""
    return candidate_pairs_of([_fingerprint(f.terms, f.numbers) for f in feats], min_shared, max_df)


def candidate_pairs_of(
    prints: Iterable[Fingerprint],
    min_shared: float = 12.0,
    max_df: float = 0.05,
    min_jaccard: float = MIN_RARE_JACCARD,
    top: int = TOP_PARTNERS,
) -> np.ndarray:
    """Pairs (i < j, as rows of a sorted k x 2 array) that share enough rare terms to be worth scoring.

    Shared weight is the summed rarity of the rare terms and numbers (3 each) two
    fingerprints have in common: at least `min_shared`, and at least `min_jaccard` of
    their two rare vocabularies (weighted). A term in more than `max_df` of the articles
    (and more than 20), or in more than MAX_POSTING, is a topic word, not a story word,
    and does not make candidates. Each article keeps its `top` best-sharing partners.

    The sharing weights are one sparse matrix product (scipy), computed a block of rows at
    a time; the fingerprints are reduced to term hashes as they stream in, so no term
    string is held.
    """
    return candidate_pairs_from(FingerprintArrays.of(prints), min_shared, max_df, min_jaccard, top)


def candidate_pairs_from(
    prints: FingerprintArrays,
    min_shared: float = 12.0,
    max_df: float = 0.05,
    min_jaccard: float = MIN_RARE_JACCARD,
    top: int = TOP_PARTNERS,
) -> np.ndarray:
    """candidate_pairs_of() for fingerprints already reduced to arrays (taken from `prints`:
    a large corpus's arrays are freed as soon as they are turned into a matrix)."""
    rows, hashes, weights = prints.take()
    n = len(rows) - 1
    if n < 2 or not len(hashes):
        return np.empty((0, 2), dtype=np.int64)
    cols, width = _term_ids(hashes)
    del hashes
    df = np.bincount(cols, minlength=width)
    limit = min(max(20, int(max_df * n)), MAX_POSTING)
    story_terms = (df >= 2) & (df <= limit)
    work = _row_sums(np.where(story_terms, df, 0).astype(np.int32)[cols], rows)  # postings met: the product's size
    del df
    kept = story_terms[cols]
    totals = _row_sums(weights, rows)  # each article's rare vocabulary, in hundredths
    indptr = np.concatenate([[0], np.cumsum(_row_sums(kept, rows))])
    sharing = _sharing_matrix(cols[kept], weights[kept].astype(np.int32), indptr, width)
    del cols, weights, kept
    transposed = sharing.T.tocsr()  # once, not at every block's product
    shared_floor = round(min_shared * 100)  # in hundredths, like the weights
    codes = [
        _block_candidates(sharing, transposed, totals, lo, hi, shared_floor, min_jaccard, top)
        for lo, hi in _row_blocks(work)
    ]
    pairs = np.unique(np.concatenate(codes)) if codes else np.empty(0, dtype=np.int64)
    return np.stack([pairs // n, pairs % n], axis=1)


def _term_ids(hashes: np.ndarray, chunk: int = 1 << 22) -> tuple[np.ndarray, int]:
    """Dense ids (int32) of the hashes, and how many distinct there are: np.unique's inverse
    through a sorted copy and a search a chunk at a time, about a third of its peak memory."""
    terms = np.sort(hashes)
    distinct = np.empty(len(terms), dtype=bool)
    distinct[:1] = True
    np.not_equal(terms[1:], terms[:-1], out=distinct[1:])
    terms = terms[distinct]
    del distinct
    ids = np.empty(len(hashes), dtype=np.int32)
    for start in range(0, len(hashes), chunk):
        ids[start : start + chunk] = np.searchsorted(terms, hashes[start : start + chunk])
    return ids, len(terms)


def _row_sums(values: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Sum of each row's values (int64, exact; 0 for an empty row)."""
    sums = np.zeros(len(rows) - 1, dtype=np.int64)
    filled = rows[:-1] < rows[1:]  # reduceat over empty rows would read their neighbours
    if filled.any():
        sums[filled] = np.add.reduceat(values, rows[:-1][filled], dtype=np.int64)
    return sums


class FingerprintArrays:
    """Fingerprints of many articles as three flat arrays: row offsets, term hashes and
    term weights (numbers as "#" terms, weight 3).

    Typed arrays: 10 bytes a rare-term use (a list of Python ints and floats takes
    eight times that, and a 1 GB corpus has 25 million uses); no term string is held.
    The hash is xxh3 (64 bits: a collision among a corpus's terms is not a concern), the
    same in every process, so pool workers can compute parts (see `concatenate`).
    Weights are kept in hundredths, exactly (wordfreq's Zipf values have two decimals),
    so shared weights are exact sums whatever the order of addition.
    """

    def __init__(self, rows: np.ndarray, hashes: np.ndarray, centi_weights: np.ndarray) -> None:
        self.rows = rows  # int64, len = articles + 1
        self.hashes = hashes  # uint64
        self.centi_weights = centi_weights  # uint16, weight x 100

    @classmethod
    def of(cls, prints: Iterable[Fingerprint]) -> FingerprintArrays:
        rows, hashes, weights = array("q", [0]), array("Q"), array("H")
        number = centi(3.0)  # = a number's weight in StoryFeatures
        for f in prints:
            entries = [_term_entry(t) for t in f.rare_terms]
            hashes.extend(h for h, _ in entries)
            weights.extend(w for _, w in entries)
            hashes.extend(_term_hash("#" + num) for num in f.numbers)
            weights.extend(number for _ in f.numbers)
            rows.append(len(hashes))
        return cls(*_arrays(rows, hashes, weights))

    @classmethod
    def of_texts(cls, texts: Iterable[str]) -> FingerprintArrays:
        return cls.of(fingerprint(t) for t in texts)

    @classmethod
    def concatenate(cls, parts: Iterable[FingerprintArrays]) -> FingerprintArrays:
        """One set of arrays from parts in order, consumed one at a time (no second copy of all)."""
        rows, hashes, weights = array("q", [0]), array("Q"), array("H")
        for part in parts:
            rows.frombytes((part.rows[1:] + len(hashes)).tobytes())
            hashes.frombytes(part.hashes.tobytes())
            weights.frombytes(part.centi_weights.tobytes())
        return cls(*_arrays(rows, hashes, weights))

    def take(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The three arrays, released from this object, so a consumer can free them early."""
        taken = self.rows, self.hashes, self.centi_weights
        del self.rows, self.hashes, self.centi_weights
        return taken


def centi(weight: float) -> int:
    return round(weight * 100)


def _arrays(rows: array[int], hashes: array[int], weights: array[int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return np.frombuffer(rows, dtype=np.int64), np.frombuffer(hashes, dtype=np.uint64), np.frombuffer(weights, dtype=np.uint16)


PARALLEL_MIN_TEXTS = 20_000  # fewer texts are fingerprinted faster than a pool starts
PARALLEL_CHUNK = 2_048


def fingerprint_chunks(chunks: Iterable[list[str]], jobs: int = 1) -> FingerprintArrays:
    """Fingerprint arrays of the texts, given in chunks, in order (a pool when jobs > 1)."""
    return FingerprintArrays.concatenate(in_pool(FingerprintArrays.of_texts, chunks, jobs))


PARALLEL_MIN_PAIRS = 4_000  # fewer candidate pairs are scored faster than a pool starts
PAIR_CHUNK = 1_000


def scored_pairs(
    pairs: np.ndarray, text_of: Callable[[int], str], threshold: float, jobs: int
) -> Iterator[tuple[int, int, StoryScore]]:
    """(a, b, score) of the candidate pairs scoring at least `threshold`, in pair order,
    scored in a process pool: each task takes a chunk of pairs with its articles' texts."""

    def payloads() -> Iterator[tuple[list[tuple[int, int]], dict[int, str], float]]:
        for start in range(0, len(pairs), PAIR_CHUNK):
            chunk = [(a, b) for a, b in pairs[start : start + PAIR_CHUNK].tolist()]
            units = sorted({u for pair in chunk for u in pair})
            yield chunk, {u: text_of(u) for u in units}, threshold

    for part in in_pool(_score_chunk, payloads(), jobs):
        yield from part


def _score_chunk(payload: tuple[list[tuple[int, int]], dict[int, str], float]) -> list[tuple[int, int, StoryScore]]:
    chunk, texts, threshold = payload
    feats: dict[int, StoryFeatures] = {}

    def of(u: int) -> StoryFeatures:
        if u not in feats:
            feats[u] = features(texts[u])
        return feats[u]

    found = ((a, b, score_pair(of(a), of(b))) for a, b in chunk)
    return [(a, b, s) for a, b, s in found if s.score >= threshold]


def in_pool(func: Callable[[Any], Any], payloads: Iterable[Any], jobs: int) -> Iterator[Any]:
    """func over the payloads, results in order; with jobs > 1 in a process pool, a wave
    of 2 payloads per worker at a time, so only a wave's payloads (texts) are held."""
    if jobs <= 1:
        yield from map(func, payloads)
        return
    import multiprocessing

    ctx = multiprocessing.get_context("spawn" if sys.platform == "darwin" else "fork")
    with ctx.Pool(jobs) as pool:
        wave: list[Any] = []
        for payload in payloads:
            wave.append(payload)
            if len(wave) == 2 * jobs:
                yield from pool.map(func, wave, chunksize=1)
                wave = []
        yield from pool.map(func, wave, chunksize=1)


@lru_cache(maxsize=200_000)
def _term_entry(term: str) -> tuple[int, int]:
    """(hash, weight in hundredths) of a rare term: one computation per distinct term."""
    return _term_hash(term), centi(rarity(term))


def _term_hash(term: str) -> int:
    from xxhash import xxh3_64_intdigest

    return xxh3_64_intdigest(term.encode("utf-8", "surrogatepass"))  # type: ignore[no-any-return]


def _sharing_matrix(cols: np.ndarray, centi_weights: np.ndarray, indptr: np.ndarray, width: int) -> Any:
    """Articles x terms (CSR), valued by the term's weight in hundredths (int32: products
    and their sums stay exact)."""
    from scipy.sparse import csr_matrix

    return csr_matrix((centi_weights, cols, indptr), shape=(len(indptr) - 1, width))


def _row_blocks(work: np.ndarray) -> Iterator[tuple[int, int]]:
    """Consecutive row ranges whose work (postings met: the product's size) adds up to about BLOCK_WORK."""
    lo, acc = 0, 0.0
    for i, w in enumerate(work.tolist()):
        acc += w
        if acc >= BLOCK_WORK:
            yield lo, i + 1
            lo, acc = i + 1, 0.0
    if lo < len(work):
        yield lo, len(work)


def _block_candidates(
    sharing: Any, transposed: Any, totals: np.ndarray, lo: int, hi: int, min_shared: int, min_jaccard: float, top: int
) -> np.ndarray:
    """Pair codes (i * n + j, i < j) of rows lo..hi's candidates: each row's `top` best
    partners. Shared weights and totals are exact, in hundredths."""
    n = sharing.shape[0]
    present = sharing[lo:hi].copy()
    present.data[:] = 1
    shared = (present @ transposed).tocoo()
    r = shared.row.astype(np.int64) + lo
    c = shared.col.astype(np.int64)
    v = shared.data.astype(np.int64)
    ok = (r != c) & (v >= min_shared)
    ok &= v >= min_jaccard * (totals[r] + totals[c] - v) - 1e-9  # a tie counts (0.04 is inexact in binary)
    r, c, v = r[ok], c[ok], v[ok]
    order = np.lexsort((c, -v, r))
    r, c = r[order], c[order]
    first = np.searchsorted(r, r, side="left")
    best = np.arange(len(r)) - first < top
    r, c = r[best], c[best]
    return np.minimum(r, c) * n + np.maximum(r, c)


def story_fingerprint(f: StoryFeatures, size: int = 32) -> list[str]:
    """The `size` rarest terms and numbers: a compact stand-in for the index."""
    ranked = sorted(f.terms.items(), key=lambda kv: (-kv[1], kv[0]))
    out = [t for t, _ in ranked[: size - min(8, len(f.numbers))]]
    out += sorted(f.numbers, key=lambda n: (-len(n), n))[: size - len(out)]
    return out


__all__ = ["Fingerprint", "FingerprintArrays", "StoryFeatures", "StoryScore", "candidate_pairs", "candidate_pairs_of", "features", "fingerprint", "score_pair"]
