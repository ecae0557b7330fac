"""One version's sentences, what they say (content words, numbers, names), and how they
line up with another version's.

Two translations of one source, or two reports of one event, share what the text is
about far more than how it is worded: the rare content words, the numbers with what they
count, the names. So a sentence is compared by those: its content words (lowercased,
crudely stemmed, weighted by rarity in English), its numbers (value, scale and the word
that says what they count: "35 million yuan", "360 days", "February 10") and its names
(runs of capitalised words). A paraphrase keeps them; an invented sentence, a dropped
one or a wrong number does not.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

# A sentence ends at . ! ? (with closing quotes or brackets) before white space, or at a line break.
SENTENCE_END = re.compile(r"(?<=[.!?。！？])[\"'”’)\]]*\s+|\s*\n\s*")
WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]")
# English function words: not content. The story tier (qc.dedup.story) uses this set; the
# alignment adds a few prepositions and pronouns that a sentence's content never hangs on.
FUNCTION_WORDS = frozenset(
    """a an and are as at be been but by for from had has have he her his i if in into is it its
    of on or our she that the their them they this to was we were what when which who will with
    would you your not no so than then there these those also said says say after before over
    about more most other some such only can could may might must should all any both each few
    one two three very just up out new did do does being while where how why per mr ms mrs""".split()
)
STOP = FUNCTION_WORDS | frozenset("among within between through during under well us him me my mine ours yet still".split())
MONTHS = {
    m: i + 1
    for i, m in enumerate(
        "january february march april may june july august september october november december".split()
    )
}
# A number: digits with thousands separators and decimals, an optional ordinal suffix,
# then an optional scale word or per cent sign.
NUMBER = re.compile(
    r"(?<![\w.,])(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<frac>\d+))?(?:st|nd|rd|th)?(?![\w])"
    r"(?:(?P<pct>\s?%|\s(?:per\s?cent|percent)\b)|\s(?P<scale>thousand|million|billion|trillion)\b)?",
    re.IGNORECASE,
)
SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
# Number words: they count as agreeing with a digit form ("seven" = "7") but are never flagged.
NUMBER_WORDS = {
    w: i + 1
    for i, w in enumerate(
        "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
        "sixteen seventeen eighteen nineteen twenty".split()
    )
}
# Words between a number and what it counts that do not say what it counts.
UNIT_SKIP = STOP | {"new", "more", "than", "existing", "other", "major", "key", "main", "first", "last", "about", "nearly", "over"}
NAME_CONNECTORS = frozenset({"of", "and", "the", "for", "de", "du", "la", "von", "van", "&"})
NAME = re.compile(
    r"(?:[A-Z][\w’'.-]*|[A-Z]{2,})(?:\s+(?:(?:of|and|the|for|de|du|la|von|van|&)\s+)*(?:[A-Z][\w’'.-]*|\d+))*"
)
CALENDAR = frozenset(MONTHS) | {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}


@dataclass(frozen=True)
class Number:
    start: int
    end: int
    text: str
    value: float
    unit: str  # what it counts (a stem), "%" for a share, "" when nothing says
    role: str  # "count" or "date" (may be flagged); "year", "part" (of a score, time or range), "label" ("Boeing 747"), "word" ("seven")


@dataclass(frozen=True)
class Name:
    start: int
    end: int
    text: str
    key: str  # lowercase letters and digits, words joined by one space


@dataclass
class Sentence:
    index: int
    start: int
    end: int
    text: str
    content: dict[str, float] = field(default_factory=dict)  # stem -> weight
    words: int = 0  # content words
    numbers: list[Number] = field(default_factory=list)
    names: list[Name] = field(default_factory=list)

    @property
    def weight(self) -> float:
        return sum(self.content.values())


SUFFIXES = ("ing", "ed", "es", "s", "ly")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """A crude English stem: lowercase, no possessive, no inflection ending (-s, -es, -ed,
    -ing, -ly, when three letters are left), at most 6 letters ("holding", "holds" → "hold")."""
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    if len(w) > 4 and w.endswith("ies"):
        return (w[:-3] + "y")[:6]
    for suffix in SUFFIXES:
        if w.endswith(suffix) and len(w) - len(suffix) >= 3 and not w.endswith("ss"):
            w = w[: -len(suffix)]
            break
    if len(w) > 3 and w.endswith("e"):
        w = w[:-1]  # "rescue", "rescued" → "rescu"
    return w[:6]


@lru_cache(maxsize=200_000)
def zipf(word: str) -> float:
    """wordfreq's English Zipf frequency of a lowercase word (0 when unknown)."""
    from wordfreq import zipf_frequency

    return float(zipf_frequency(word, "en"))


@lru_cache(maxsize=200_000)
def rarity(word: str) -> float:
    """About 1 for common words, up to ~6 for names and rare words (7 − Zipf, at least 0.5;
    a number 3), as the story tier weighs them."""
    word = word.lower()
    if word.isdigit():
        return 3.0
    return max(0.5, 7.0 - zipf(word))


def split_sentences(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    start = 0
    for m in SENTENCE_END.finditer(text):
        if m.start() > start:
            spans.append((start, m.start()))
        start = m.end()
    if start < len(text) and text[start:].strip():
        spans.append((start, len(text.rstrip())))
    return [(s, e) for s, e in spans if text[s:e].strip()]


def name_key(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def numbers_in(text: str, offset: int = 0) -> list[Number]:
    found: list[Number] = []
    for m in NUMBER.finditer(text):
        digits = m.group("int").replace(",", "")
        value = float(digits + ("." + m.group("frac") if m.group("frac") else ""))
        scale = m.group("scale")
        if scale:
            value *= SCALES[scale.lower()]
        before = text[max(0, m.start() - 12) : m.start()].lower().split()
        after = text[m.end() : m.end() + 40].lower()
        after_words = WORD.findall(after)
        previous = text[: m.start()].rstrip().split()[-1:] or [""]
        if re.match(r"[-–:/]\d", text[m.end() : m.end() + 2]) or re.search(r"\d[-–:/]$", text[max(0, m.start() - 2) : m.start()]):
            unit, role = "", "part"  # a score, a time, a range or a ratio: "1-0", "2:00", "3-5"
        elif re.fullmatch(r"[A-Z][\w-]*", previous[0]) and previous[0].lower() not in MONTHS:
            unit, role = "", "label"  # a model or a name: "Boeing 747", "Windows 10"
        elif m.group("pct"):
            unit, role = "%", "count"
        elif (before and before[-1] in MONTHS) or (after_words and after_words[0] in MONTHS):
            unit, role = "date:" + (before[-1] if before and before[-1] in MONTHS else after_words[0]), "date"
        elif not scale and not m.group("frac") and 1900 <= value <= 2100 and "," not in m.group("int"):
            unit, role = "year", "year"
        else:
            unit = next((stem(w) for w in after_words[:3] if w not in UNIT_SKIP), "")
            role = "count"
        found.append(Number(offset + m.start(), offset + m.end(), m.group(0), value, unit, role))
    for m in re.finditer(r"\b(" + "|".join(NUMBER_WORDS) + r")\b", text, re.IGNORECASE):
        found.append(Number(offset + m.start(), offset + m.end(), m.group(0), float(NUMBER_WORDS[m.group(1).lower()]), "", "word"))
    return found


def names_in(text: str, offset: int = 0) -> list[Name]:
    """Runs of capitalised words, without a lone sentence-initial common word ("The", "According")."""
    found: list[Name] = []
    for m in NAME.finditer(text):
        raw = m.group(0).rstrip(".'’-")
        words = raw.split()
        # a leading common word is a sentence start or a title, not part of the name
        while words and (words[0].lower() in STOP or words[0].lower() in NAME_CONNECTORS or (len(words) > 1 and words[0].lower() in CALENDAR)):
            words = words[1:]
        while words and words[-1].lower() in NAME_CONNECTORS:
            words = words[:-1]
        if not words:
            continue
        if len(words) == 1:
            w = words[0]
            opening = not text[: m.start()].strip(" \"'“‘([")  # first word of the sentence
            if w.lower() in CALENDAR or (not w.isupper() and zipf(w.lower()) >= (2.0 if opening else 4.5)):
                continue
        start = m.start() + m.group(0).find(words[0])
        end = start + len(" ".join(words)) if " ".join(words) in m.group(0) else m.start() + len(raw)
        text_span = text[start:end]
        key = name_key(text_span)
        if key:
            found.append(Name(offset + start, offset + end, text_span, key))
    return found


def sentence_units(text: str) -> list[Sentence]:
    """The text's sentences with their content words, numbers and names."""
    out: list[Sentence] = []
    for index, (start, end) in enumerate(split_sentences(text)):
        chunk = text[start:end]
        sentence = Sentence(index, start, end, chunk)
        for word in WORD.findall(chunk):
            low = word.lower()
            if CJK.search(word):
                for ch in CJK.findall(word):
                    sentence.content["zh:" + ch] = 2.0
                    sentence.words += 1
                continue
            if len(low) < 3 or low in STOP:
                continue
            key = stem(low)
            if key not in sentence.content:
                sentence.words += 1
            sentence.content[key] = rarity(low)
        sentence.numbers = numbers_in(chunk, start)
        for number in sentence.numbers:
            sentence.content["#" + format(number.value, "g")] = 3.0
        sentence.names = names_in(chunk, start)
        out.append(sentence)
    return out


def overlap(a: dict[str, float], b: dict[str, float]) -> float:
    """The weight of a's content that b has too."""
    if len(a) > len(b):
        return sum(a[k] for k in b if k in a)
    return sum(w for k, w in a.items() if k in b)


def dice(a: Sentence, b: Sentence) -> float:
    total = a.weight + b.weight
    return 2 * overlap(a.content, b.content) / total if total else 0.0


def coverage(a: Sentence, bs: Iterable[Sentence]) -> float:
    """Share of a's content weight found in the union of the sentences bs."""
    union: dict[str, float] = {}
    for b in bs:
        union.update(b.content)
    return overlap(a.content, union) / a.weight if a.weight else 0.0


@dataclass
class PairAlignment:
    """For every sentence of one version, its best counterpart in another and how well
    that counterpart (with its better neighbour, for a sentence split in two) covers it."""

    best: list[int]  # index into the other version's sentences, -1 when it has none
    score: list[float]  # dice of the best pair
    covered: list[float]  # coverage by the best sentence and its better neighbour


def align(xs: Sequence[Sentence], ys: Sequence[Sentence]) -> PairAlignment:
    best: list[int] = []
    scores: list[float] = []
    covered: list[float] = []
    for x in xs:
        top, top_score = -1, 0.0
        for y in ys:
            d = dice(x, y)
            if d > top_score:
                top, top_score = y.index, d
        best.append(top)
        scores.append(top_score)
        if top < 0:
            covered.append(0.0)
            continue
        around = [ys[k] for k in (top - 1, top + 1) if 0 <= k < len(ys)]
        covered.append(max([coverage(x, [ys[top], n]) for n in around] + [coverage(x, [ys[top]])]))
    return PairAlignment(best, scores, covered)


def window(ys: Sequence[Sentence], index: int, radius: int = 1) -> list[Sentence]:
    return [ys[k] for k in range(index - radius, index + radius + 1) if 0 <= k < len(ys)]
