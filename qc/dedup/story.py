"""Same story, different words: content fingerprints, candidate pairs and pair scores.

Two articles tell the same story when they share what is specific to it: rare content
words and names (weighted by how rare they are in English, from wordfreq), numbers and
dates, and sentences that align one to one (rapidfuzz picks the alignment, sacrebleu's
chrF scores it). Articles that only share a topic share common words ("president",
"visit") but few rare names and numbers, and their sentences do not align.
"""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from qc.dedup.shingle import normalize

_WORD = re.compile(r"[^\W_]+(?:['’.-][^\W_]+)*", re.UNICODE)
_NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)*(?![\w])")
# In a lede, a score or range ("3-2", "2–1") is one number: two match reports of one
# series share digits but not results.
_LEDE_NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)*(?:\s?[-–]\s?\d+)?(?![\w])")
_SENT_END = re.compile(r"(?<=[.!?…。])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])|\n\s*\n")
_STOP = frozenset(
    """a an and are as at be been but by for from had has have he her his i if in into is it its
    of on or our she that the their them they this to was we were what when which who will with
    would you your not no so than then there these those also said says say after before over
    about more most other some such only can could may might must should all any both each few
    one two three very just up out new did do does been being while where how why per mr ms mrs""".split()
)
_NAME = re.compile(r"\b[A-Z][A-Za-z]+\b")
LEDE_SENTENCES = 2
RARE_ZIPF = 4.5  # words rarer than this (wordfreq Zipf scale) count as story-specific


@lru_cache(maxsize=200_000)
def rarity(word: str) -> float:
    """Weight of a word: about 1 for common words, up to ~6 for names and rare words."""
    try:
        from wordfreq import zipf_frequency  # heavy: data loaded on first use
    except ImportError:  # pragma: no cover - wordfreq is a dependency
        return 2.0
    if word.isdigit():
        return 3.0
    return max(0.5, 7.0 - zipf_frequency(word, "en"))


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
    terms: dict[str, float] = {}
    for m in _WORD.finditer(fixed):
        word = m.group().replace("’", "'")
        if word.endswith("'s"):
            word = word[:-2]
        if len(word) < 3 or word in _STOP or word.isdigit():
            continue
        if word not in terms:
            terms[word] = rarity(word)
    return terms, frozenset(_number_key(n) for n in _NUMBER.findall(text))


@dataclass(frozen=True)
class Fingerprint:
    """What candidate generation needs of an article, and no more: its rare terms and its
    numbers (interned strings, shared between articles). A few hundred bytes where the
    features hold the whole text as sentences, so a large corpus keeps one per article."""

    rare_terms: tuple[str, ...]
    numbers: tuple[str, ...]


def fingerprint(text: str) -> Fingerprint:
    terms, numbers = content_terms(text)
    return _fingerprint(terms, numbers)


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
    short, long_ = (a, b) if len(a.sentences) <= len(b.sentences) else (b, a)
    pairs = align(short.sentences, long_.sentences)
    if pairs:
        alignment = sum(p[2] for p in pairs) / len(pairs)
        aligned = sum(p[2] >= ALIGN_CHRF for p in pairs) / len(pairs)
    else:
        alignment = aligned = 0.0
    score = 0.45 * terms + 0.15 * numbers + 0.25 * alignment + 0.15 * aligned
    lede = lede_overlap(a, b)
    why = "text"
    event = same_event_lede(a, b, terms, lede)
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


def candidate_pairs(feats: Sequence[StoryFeatures], min_shared: float = 12.0, max_df: float = 0.05) -> set[tuple[int, int]]:
    """candidate_pairs_of() for full features."""
    return candidate_pairs_of([_fingerprint(f.terms, f.numbers) for f in feats], min_shared, max_df)


def candidate_pairs_of(
    prints: Sequence[Fingerprint], min_shared: float = 12.0, max_df: float = 0.05
) -> set[tuple[int, int]]:
    """Pairs that share enough rare terms (summed rarity) to be worth scoring.

    Inverted index over rare terms; a term in more than `max_df` of the articles (and
    more than 20) is a topic word, not a story word, and does not make candidates.
    """
    postings: dict[str, list[int]] = defaultdict(list)
    for i, f in enumerate(prints):
        for term in f.rare_terms:
            postings[term].append(i)
        for num in f.numbers:
            postings["#" + num].append(i)
    limit = max(20, int(max_df * len(prints)))
    shared: dict[tuple[int, int], float] = defaultdict(float)
    for term, docs in postings.items():
        if len(docs) < 2 or len(docs) > limit:
            continue
        weight = 3.0 if term.startswith("#") else rarity(term)  # = the term's weight in StoryFeatures.terms
        for x in range(len(docs)):
            for y in range(x + 1, len(docs)):
                shared[(docs[x], docs[y])] += weight
    return {pair for pair, w in shared.items() if w >= min_shared}


def story_fingerprint(f: StoryFeatures, size: int = 32) -> list[str]:
    """The `size` rarest terms and numbers: a compact stand-in for the index."""
    ranked = sorted(f.terms.items(), key=lambda kv: (-kv[1], kv[0]))
    out = [t for t, _ in ranked[: size - min(8, len(f.numbers))]]
    out += sorted(f.numbers, key=lambda n: (-len(n), n))[: size - len(out)]
    return out


__all__ = ["Fingerprint", "StoryFeatures", "StoryScore", "candidate_pairs", "candidate_pairs_of", "features", "fingerprint", "score_pair"]
