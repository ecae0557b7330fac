"""A translation-quality score per article: 0 (unusable) to 100 (clean).

The formula (every term is a penalty in points; the score is what is left of 100)::

    score = clip(100 − F − U − G − P − R, 0, 100)

    F = 1.7 × D     findings: D = severity-weighted findings per 100 words
                    (error 3, warning 1, info 0.25); the same rule matching the
                    same text again in one article (a literal agency name used
                    five times) counts once: it is one decision, fixed at once
    U = 200 × u     untranslated: u = share of word units in a non-Latin script
                    (CJK, Cyrillic, Arabic, …); a CJK character counts as a word
    G = 400 × g     garble: g = share of word tokens that are lowercase, 3+ letters
                    and have a part (hyphenated compounds are checked part by part)
                    that wordfreq's English list does not know, or that is rare
                    there (Zipf < 2.5) and that qc's SentencePiece model (trained on
                    edited English news) shatters into ≥ 4 pieces of ≤ 2.5 letters
    P = 55 × max(0, z − 5.53)
                    plainness: z = mean Zipf frequency (wordfreq) of the word
                    tokens, each clipped below at Zipf 3 (unknown words — names,
                    terms — count as rare, not as infinitely rare). Weak MT
                    flattens the lexis into frequent, generic words. In nats of
                    surprisal this is 24 points per nat below 8.0 nats a word.
    R = 10 × r      run-on sentences: r = share of words in sentences of more than
                    40 words (sentences end at . ! ? ; and line breaks). MT from
                    Chinese keeps the source's comma-spliced sentences; edited
                    news has r ≈ 0.08, the MT sample r ≈ 0.31.
    C = 36.4 × (l − l̄) + 5.3 × (r − r̄) + 1.6 × k + 0 × h
                    consensus, only when the run holds 3+ translations of the
                    same story (`qc score`, `qc report`, `qc eval --scores`;
                    added by qc.scoring, computed by qc.consensus.term): what the
                    other versions say this one lacks or gets wrong, not how
                    closely it copies their wording. l = share of the group's
                    majority anchors (numbers and words of names carried by at
                    least half the versions in their counterpart of a sentence)
                    that this version lacks, l̄ its group mean; r, r̄ the same for
                    rare words (Zipf <= 3); k = the consensus analyser's issues
                    (unsupported sentences, divergent or unshared numbers and
                    names, omitted sentences); h = how far its content words fall
                    short of the group's median (0 when not shorter). The weights
                    are data (qc/data/consensus-term.json), fitted by
                    scripts/fit_consensus_term.py on half the dev stories under
                    the constraint that a faithful free paraphrase pays no more
                    than the MT versions (which sets the length weight to 0). It
                    applies to groups whose mean chrF is at least 50
                    (translations of one source; different reports of one event
                    agree far less and are left alone).

Scale and weights. The score is meant as 100 − 5 × (estimated MQM points), the
expert error score of WMT (Minor error 1, Major 5, per rated segment of ≈ 33
words). A finding marks about one error, so D findings per 100 words are about
D / 3 errors per segment: 5/3 ≈ 1.7 points each. Within a story (ten
translations of one source), one nat of mean word surprisal is worth 4.7 MQM
points on the WMT23 zh→en dev split (least squares with a story offset): 24
points per nat. The knee (Zipf 5.53 = 8.0 nats) was chosen on dev among 5.45,
5.53 and 5.61 (the median of edited English news); about a third of edited
news pays nothing here, the median article about 3 points. The garble,
untranslated and run-on weights were set a priori. The consensus weights were
fitted by scripts/fit_consensus_term.py (pairwise logistic regression on one half of
the dev stories, measured on the other), under one constraint: a faithful free
paraphrase of a dev story must pay no more than the MT versions it was written from
(tests/test_consensus_term.py). The chrF term it replaced ranked such a version last.

What this score can and cannot see: the terms F to R read one article, without
the source, so omissions and most mistranslations (the bulk of MQM errors) are
invisible to them: on the dev split they order translations of the same story with
pairwise accuracy ≈ 0.63 (chance 0.5; fewer "the" per word gets 0.59). The consensus
term C sees some of them when other translations of the story are at hand: with it,
0.721 (0.723 ± 0.030 on held-out halves of the stories, fitted on the other half), and
the ten systems are ordered with pairwise accuracy 0.911 (0.883 ± 0.051). The chrF term
reached 0.744 within stories (0.778 for systems) by rewarding the majority's wording: MT
systems of one source differ mostly in wording and the raters penalise wording, so a
wording-blind term orders them less well; and knowing each system's true mean MQM would
order the translations of a story with only 0.81 accuracy, so 0.80 asks for nearly all
of what separates systems plus article-level signal. `qc eval --scores DATA.jsonl` measures it.
Findings are precise but rare (≈ 1 per article on MT output), so they separate broken
text from clean far better than they rank good MT.

Heavy libraries (wordfreq, sentencepiece) are imported lazily and loaded once.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from itertools import repeat
from operator import mul
from pathlib import Path
from typing import Any

from qc.finding import Finding

SEVERITY_WEIGHT = {"error": 3.0, "warning": 1.0, "info": 0.25}
FINDINGS_WEIGHT = 1.7
UNTRANSLATED_WEIGHT = 200.0
GARBLE_WEIGHT = 400.0
PLAINNESS_WEIGHT = 55.0  # points per Zipf unit (= 24 points per nat of surprisal)
PLAINNESS_KNEE = 5.53  # = 8.0 nats of surprisal a word
ZIPF_FLOOR = 3.0  # unknown and rarer words count as Zipf 3
RUN_ON_WEIGHT = 10.0
RUN_ON_WORDS = 40


@dataclass(frozen=True)
class Weights:
    """The formula's constants (the defaults are the documented formula; bench/ tries variants)."""

    findings: float = FINDINGS_WEIGHT
    untranslated: float = UNTRANSLATED_WEIGHT
    garble: float = GARBLE_WEIGHT
    plainness: float = PLAINNESS_WEIGHT
    plainness_knee: float = PLAINNESS_KNEE
    zipf_floor: float = ZIPF_FLOOR
    run_on: float = RUN_ON_WEIGHT
    run_on_words: int = RUN_ON_WORDS
    repeats_count_once: bool = True


DEFAULT_WEIGHTS = Weights()
MIN_PIECES = 4
MAX_CHARS_PER_PIECE = 2.5
RARE_ZIPF = 2.5

APOSTROPHE = re.compile(r"['’]")
WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
SPM_MODEL = Path(__file__).resolve().parent / "data" / "spm-en-news.model"


@dataclass
class Quality:
    score: float
    words: int
    findings_density: float  # severity-weighted findings per 100 words
    untranslated: float  # share of non-Latin word units
    garble: float  # share of garbled lowercase tokens
    plainness: float  # mean Zipf frequency of word tokens (clipped below at ZIPF_FLOOR)
    penalties: dict[str, float] = field(default_factory=dict)
    run_on: float = 0.0  # share of words in sentences longer than RUN_ON_WORDS
    agreement: float | None = None  # % of the story group's majority anchors this version carries (qc.consensus.term), when any
    errors: int = 0  # error-severity findings: an article with any is never "100 (clean)"

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        for key in ("findings_density", "untranslated", "garble", "plainness", "run_on"):
            d[key] = round(d[key], 4)
        if self.agreement is None:
            del d["agreement"]  # single-article scores keep the scan summary's shape
        else:
            d["agreement"] = round(self.agreement, 2)
        del d["errors"]  # (the findings say it; the summary's shape stays)
        d["score"] = round(self.score, 1)
        d["penalties"] = {k: round(v, 2) for k, v in self.penalties.items()}
        return d


# --------------------------------------------------------------------------- resources


@lru_cache(maxsize=1)
def frequency_table() -> dict[str, float]:
    """wordfreq's English word frequencies (loaded once, ~0.3 s)."""
    import wordfreq

    return wordfreq.get_frequency_dict("en")


@lru_cache(maxsize=1)
def spm_processor() -> Any:
    import sentencepiece as spm

    return spm.SentencePieceProcessor(model_file=str(SPM_MODEL))


_ZIPF_CACHE: dict[str, float] = {}


def zipf(word: str, table: dict[str, float]) -> float:
    """Zipf frequency (log10 per billion words) of a lowercase word; 0 when unknown. Memoised."""
    value = _ZIPF_CACHE.get(word)
    if value is None:
        freq = table.get(word)
        value = max(0.0, math.log10(freq) + 9.0) if freq else 0.0
        if len(_ZIPF_CACHE) < 500_000:
            _ZIPF_CACHE[word] = value
    return value


# --------------------------------------------------------------------------- signals


def is_latin_letter(ch: str) -> bool:
    return ord(ch) < 0x250 or 0x1E00 <= ord(ch) <= 0x1EFF or unicodedata.name(ch, "").startswith("LATIN")


def is_cjk(ch: str) -> bool:
    o = ord(ch)
    return 0x3040 <= o <= 0x30FF or 0x3400 <= o <= 0x9FFF or 0xAC00 <= o <= 0xD7AF or 0xF900 <= o <= 0xFAFF or 0x20000 <= o <= 0x2FFFF


def foreign_units(word: str) -> int:
    """How many non-Latin word units a word token is: 0 for a Latin word, its CJK
    characters for a CJK word (one ideograph carries about a word), else 1."""
    if word.isascii():
        return 0
    cjk = sum(1 for ch in word if is_cjk(ch))
    if cjk:
        return cjk
    return 1 if any(ch.isalpha() and not is_latin_letter(ch) for ch in word) else 0


# A part's verdict depends only on wordfreq's list and the SentencePiece model, both fixed
# for the process, so it is computed once: the model is the costliest step of the score.
_PART_CACHE: dict[str, bool] = {}
_PART_CACHE_LIMIT = 300_000


def word_parts(word: str) -> list[str] | None:
    """The lowercased parts of 3+ letters that decide whether a token is garbled, or None
    for a token that is never checked (shorter than 3 letters, or not lowercase)."""
    if len(word) < 3 or not word[0].islower():
        return None
    base = APOSTROPHE.split(word, maxsplit=1)[0]
    return [p.lower() for p in base.split("-") if len(p) >= 3]


def part_verdicts(parts: Iterable[str]) -> dict[str, bool]:
    """Whether each part is garbled (memoised; new rare parts go to the model in one batch)."""
    table = frequency_table()
    verdicts: dict[str, bool] = {}
    rare: list[str] = []
    for part in set(parts):
        known = _PART_CACHE.get(part)
        if known is not None:
            verdicts[part] = known
            continue
        z = zipf(part, table)
        if 0.0 < z < RARE_ZIPF:
            rare.append(part)  # only rare-but-known parts need the SentencePiece model
        else:
            verdicts[part] = z == 0.0
    if rare:
        rare.sort()
        for part, pieces in zip(rare, spm_processor().encode(rare)):
            n = len(pieces)
            verdicts[part] = n >= MIN_PIECES and len(part) / n <= MAX_CHARS_PER_PIECE
    # (Looked up one by one: `verdicts.keys() - _PART_CACHE.keys()` walks the whole cache.)
    for part, verdict in verdicts.items():
        if part not in _PART_CACHE:
            if len(_PART_CACHE) >= _PART_CACHE_LIMIT:
                break
            _PART_CACHE[part] = verdict
    return verdicts


def garbled_types(types: Iterable[str]) -> set[str]:
    """The word types (lowercase tokens of 3+ letters) that look garbled.

    A token is garbled when a part of it (hyphenated compounds are checked part by
    part) is unknown to wordfreq's English list, or is rare there (Zipf < 2.5) and
    qc's SentencePiece model shatters it into ≥ 4 pieces averaging ≤ 2.5 characters.
    Contractions (isn't, we'll) are checked without their clitic.
    """
    parts = {w: ps for w in types if (ps := word_parts(w))}
    verdicts = part_verdicts(p for ps in parts.values() for p in ps)
    return {w for w, ps in parts.items() if any(verdicts[p] for p in ps)}


# Word tokens and sentence breaks in one pass: group 1 is a word (WORD's match), an empty
# string a break. Sentences end where the pattern (?<=[.!?])["'”’)\]]*\s+|;\s*|\s*\n\s*
# matches (the definition; tests/test_quality_speed.py keeps it as REF_SENTENCE_END), and
# run-on only asks which neighbouring words such an end separates. The gap between two
# words has no letters, and the word before it ends in a letter, so the pattern
# matches in the gap exactly when the gap holds ";", a line break, or . ! ?
# followed by any closing quotes or brackets and white space. BREAK finds the same gaps
# with cheaper alternatives (no look-behind, no \s*\n\s* backtracking at every space); a
# gap may hold several breaks, which only adds empty sentences. No word starts with or
# contains a break's characters (a word's quote follows a letter), so the words are
# exactly WORD's. tests/test_quality_speed.py checks both against the old split.
BREAK = r"[;\n]|[.!?][\"'”’)\]]*\s"
TOKEN = re.compile(f"({WORD.pattern})|{BREAK}")
# The same for a text whose word letters are all ASCII (WORD's [^\W\d_] is then [A-Za-z]),
# which the regex engine tests faster than a Unicode category: most English news.
ASCII_TOKEN = re.compile(f"([A-Za-z]+(?:['’-][A-Za-z]+)*)|{BREAK}")
OTHER_LETTER = re.compile(r"[^\W\d_A-Za-z]")  # a character of WORD's class outside ASCII
SENTENCE_BREAK = ""


def tokens(text: str) -> list[str]:
    """The text's words, in order, with an empty string at each sentence break."""
    if text.isascii() or not OTHER_LETTER.search(text):
        return ASCII_TOKEN.findall(text)
    return TOKEN.findall(text)


def run_on_words(token_list: list[str], max_words: int = RUN_ON_WORDS) -> tuple[int, int]:
    """(words in sentences of more than `max_words` words, all words) of a `tokens` list.

    Sentences end at . ! ? (with any closing quotes or brackets) before white space,
    at semicolons and at line breaks, so abbreviations only make sentences shorter.
    """
    long = total = start = 0
    while True:
        try:
            end = token_list.index(SENTENCE_BREAK, start)
        except ValueError:
            end = len(token_list)
        n = end - start
        total += n
        if n > max_words:
            long += n
        if end == len(token_list):
            return long, total
        start = end + 1


def weighted_findings(text: str, findings: Iterable[Finding], repeats_count_once: bool = True) -> float:
    """Severity-weighted count of findings; the same rule on the same text counts once."""
    seen: set[tuple[str, str]] = set()
    weighted = 0.0
    for f in findings:
        key = (f.rule, " ".join(text[f.start : f.end].split()).lower())
        if key in seen and repeats_count_once:
            continue
        seen.add(key)
        weighted += SEVERITY_WEIGHT.get(f.severity, 1.0)
    return weighted


class TypeTables:
    """What the score needs of each word type, whatever the article (fixed for the process,
    so memoised): the score then reads an article's types with C-level set and map
    operations instead of a Python loop over them."""

    def __init__(self, limit: int = 300_000) -> None:
        self.limit = limit  # types held before the tables start afresh (bounded memory)
        self.clear()

    def clear(self) -> None:
        # the plainness key of a type: lowercase, ’ as ' (a break is its own key, dropped later)
        self.lowered: dict[str, str] = {SENTENCE_BREAK: SENTENCE_BREAK}
        self.zipf: dict[str, float] = {}  # of a lowered key
        self.clipped: dict[str, float] = {}  # max(ZIPF_FLOOR, zipf) of a lowered key
        self.garbled: set[str] = set()  # types in garbled_types
        self.foreign: dict[str, int] = {}  # types with foreign_units > 0, and their units

    def learn(self, types: Iterable[str]) -> None:
        """Describe the types not yet held (the garble check of new types in one batch)."""
        held = self.lowered
        new = [word for word in types if word not in held]
        if len(held) + len(new) > self.limit:
            self.clear()
            new = [word for word in types if word not in self.lowered]
        table = frequency_table()
        self.garbled.update(garbled_types(new))
        for word in new:
            lowered = word.lower().replace("’", "'")
            if lowered == word:
                lowered = word  # one string object: less memory, and Counter compares by identity
            self.lowered[word] = lowered
            if lowered not in self.zipf:
                z = self.zipf[lowered] = zipf(lowered, table)
                self.clipped[lowered] = max(ZIPF_FLOOR, z)
            units = foreign_units(word)
            if units:
                self.foreign[word] = units

    def lowered_counts(self, token_list: list[str]) -> Counter[str]:
        """Counts of the tokens' lowered forms, in order of first occurrence (learning new types)."""
        try:
            lowered = Counter(map(self.lowered.__getitem__, token_list))
        except KeyError:  # a type not held yet: the steady state needs no check
            self.learn(set(token_list))
            lowered = Counter(map(self.lowered.__getitem__, token_list))
        lowered.pop(SENTENCE_BREAK, None)
        return lowered

    def untranslated(self, token_list: list[str], words: int) -> float:
        """Share of word units in a non-Latin script among the words of a `tokens` list
        whose types are held: a CJK character counts as one unit (one ideograph carries
        about a word), any other word as one unit."""
        # (Looked up type by type: `self.foreign.keys() & set(...)` may walk the whole table.)
        foreign_types = self.foreign
        present = [word for word in set(token_list) if word in foreign_types]
        if not present:
            return 0.0
        counts = Counter(token_list)
        foreign = sum(self.foreign[word] * counts[word] for word in present)
        total = words - sum(counts[word] for word in present) + foreign
        return foreign / total

    def plainness_sum(self, lowered: Counter[str], floor: float) -> float:
        """Σ max(floor, zipf) × count over lowered forms, in the counter's order (float
        addition is not associative, so the order is the one the formula always used)."""
        if floor == ZIPF_FLOOR:
            clipped: Iterable[float] = map(self.clipped.__getitem__, lowered)
        else:
            clipped = map(max, repeat(floor), map(self.zipf.__getitem__, lowered))
        return sum(map(mul, clipped, lowered.values()))


_TYPES = TypeTables()


def quality_of(text: str, findings: Iterable[Finding], weights: Weights = DEFAULT_WEIGHTS) -> Quality:
    """The quality score of one article from its text and its findings (offsets into `text`)."""
    findings = list(findings)
    w = weights
    token_list = tokens(text)
    n = len(token_list) - token_list.count(SENTENCE_BREAK)
    density = 100.0 * weighted_findings(text, findings, w.repeats_count_once) / max(n, 1)
    types = _TYPES
    # Counting lowered forms per token keeps them in order of first occurrence, as the
    # plainness sum needs, and is quicker than merging the counts of types (The, the).
    lowered = types.lowered_counts(token_list)
    # An ASCII word is never foreign: most articles skip the check.
    untranslated = 0.0 if text.isascii() else types.untranslated(token_list, n)
    if n:
        plain = types.plainness_sum(lowered, w.zipf_floor) / n
        garble = sum(map(types.garbled.__contains__, token_list)) / n
        long, words = run_on_words(token_list, w.run_on_words)
        run_on = long / words if words else 0.0
    else:
        plain = garble = run_on = 0.0
    penalties = {
        "findings": w.findings * density,
        "untranslated": w.untranslated * untranslated,
        "garble": w.garble * garble,
        "plainness": w.plainness * max(0.0, plain - w.plainness_knee),
        "run-on": w.run_on * run_on,
    }
    score = max(0.0, min(100.0, 100.0 - sum(penalties.values())))
    errors = sum(1 for f in findings if f.severity == "error")
    return Quality(round(score, 1), n, density, untranslated, garble, plain, penalties, run_on, errors=errors)
