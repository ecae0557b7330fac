"""`foreign_language`: a paragraph, sentence or short phrase in another language (Latin script).

Two checks, both behind cheap prefilters so that heavy libraries run on a few spans only:

- paragraphs: a paragraph of `min_words`+ words with almost none of the commonest
  English function words (the rule's `data:` file, data/language-markers.yaml, lists them
  and those of other languages) is passed to langdetect (made deterministic with
  `DetectorFactory.seed = 0`); it is flagged when the language is not English with
  probability >= `min_probability`.
- phrases: inside English sentences, a run of two or more lowercase words that are
  foreign function words (the rule's `data:` list, data/residue-function-words.txt) or that
  wordfreq knows in French, German, Spanish, Italian or Portuguese but hardly in
  English. Phrases English has borrowed (`borrowed:`, data/phrases-borrowed.txt) are
  skipped, and so are runs inside names ("Place de la Concorde", "Le Monde"): a name
  starts and ends with capitalised words.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from qc.finding import Finding
from qc.lint.data import load_lines, load_yaml, strings
from qc.lint.document import Document
from qc.lint.kinds import RuleKind, register

# The quick exit for a plainly English paragraph: two of these four.
THE, OF, AND, TO = " the ", " of ", " and ", " to "
TOKEN = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
OTHER_LANGS = ("fr", "de", "es", "it", "pt")


@lru_cache(maxsize=4)
def function_word_regex(function_words: frozenset[str]) -> re.Pattern[str]:
    words = sorted(function_words, key=len, reverse=True)
    return re.compile(r" (?:" + "|".join(re.escape(w) for w in words) + r")(?= )")


@lru_cache(maxsize=4)
def function_word_re2(function_words: frozenset[str]) -> Any:
    """function_word_regex for RE2, whose DFA reads a text about four times as fast as
    Python's engine tries the alternation at every space. RE2 has no lookahead, so the
    space after the word is matched (see function_word_hits)."""
    import re2

    words = sorted(function_words, key=len, reverse=True)
    return re2.compile(r" (?:" + "|".join(re.escape(w) for w in words) + r") ")


def function_word_hits(low: str, function_words: frozenset[str]) -> Iterator[tuple[int, int]]:
    """(start, end) of function_word_regex's matches: a function word with the space before.
    With RE2, each search starts again on the space after the word it found, as Python's
    lookahead leaves it to the next match.

    RE2 searches the text's UTF-8 bytes, encoded once here: given a str, the binding
    encodes all of it again at every search, which made a text with many hits quadratic
    (issue 20: 0.8 MB with 40,000 hits took 430 s). Byte offsets become character offsets
    by counting the characters between one hit and the next."""
    try:
        encoded = low.encode("utf-8")  # RE2 reads UTF-8, which a lone surrogate has no place in
    except UnicodeEncodeError:
        yield from ((m.start(), m.end()) for m in function_word_regex(function_words).finditer(low))
        return
    search = function_word_re2(function_words).search
    ascii_only = len(encoded) == len(low)
    byte_at, char_at = 0, 0  # a byte offset and its character offset, both at a hit
    found = search(encoded)
    while found is not None:
        start, end = found.start(), found.end() - 1  # (the space after the word)
        next_search = end
        if not ascii_only:
            char_at += len(encoded[byte_at:start].decode("utf-8"))
            byte_at, start = start, char_at
            end = start + len(encoded[byte_at:end].decode("utf-8"))
        yield start, end
        found = search(encoded, next_search)


@lru_cache(maxsize=20000)
def foreignness(word: str) -> float:
    """How much more common `word` is in a nearby language than in English (zipf difference)."""
    from wordfreq import zipf_frequency

    en = zipf_frequency(word, "en")
    # The other languages' "small" lists (words down to Zipf 3) load in ~0.05 s instead of
    # ~1 s for all five "best" lists; a word rarer than that abroad is not foreign residue.
    other = max(zipf_frequency(word, lang, wordlist="small") for lang in OTHER_LANGS)
    return other - en


def detect(text: str) -> tuple[str, float]:
    from langdetect import DetectorFactory, detect_langs
    from langdetect.lang_detect_exception import LangDetectException

    from qc.lint.language_profiles import ready_factory

    ready_factory()  # the profiles from qc's cache: ~0.02 s instead of ~0.26 s
    DetectorFactory.seed = 0
    try:
        best = detect_langs(text)[0]
    except LangDetectException:
        return "", 0.0
    return best.lang, best.prob


@register("foreign_language")
class ForeignLanguage(RuleKind):
    params_schema = {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "scope": {"enum": ["paragraph", "phrase"]},
            "min_words": {"type": "integer", "minimum": 2},
            "min_probability": {"type": "number", "minimum": 0, "maximum": 1},
            "data": {"type": "string", "minLength": 1},
            "borrowed": {"type": "string", "minLength": 1},
        },
        "required": ["data"],
    }

    def __init__(self, rule: Any) -> None:
        super().__init__(rule)
        params = rule.params
        self.scope = params.get("scope", "paragraph")
        self.min_words = params.get("min_words", 8 if self.scope == "paragraph" else 2)
        self.min_probability = params.get("min_probability", 0.95)
        source = params["data"]
        if self.scope == "paragraph":
            # data: the marker words of English and of the other languages (data/language-markers.yaml)
            markers = load_yaml(self, source)
            self.english_markers = tuple(f" {w} " for w in strings(self, markers, "english", source))
            self.other_markers = tuple(f" {w} " for w in strings(self, markers, "other", source))
        else:
            # data: foreign function words, one a line; borrowed: phrases English has borrowed
            self.function_words = load_lines(self, source)
            borrowed = params.get("borrowed")
            self.borrowed_phrases = tuple(sorted(load_lines(self, borrowed), key=len, reverse=True)) if borrowed else ()

    def triggers(self):  # type: ignore[no-untyped-def]
        if self.scope == "phrase":
            return tuple(f" {w} " for w in self.function_words)
        return None

    def check(self, doc: Document) -> Iterator[Finding]:
        if self.scope == "paragraph":
            yield from self.check_paragraphs(doc)
        else:
            yield from self.check_phrases(doc)

    def check_paragraphs(self, doc: Document) -> Iterator[Finding]:
        text = doc.text
        low = doc.lower
        find = low.find
        for start, end in doc.paragraphs:
            # searched and counted in place: slicing every paragraph cost more than the tests
            # Plainly English (two of the four markers): the quick exit for almost every
            # paragraph, tested before the count, which reads the whole paragraph where a
            # search stops at its hit, and with no more searches than it takes.
            if find(THE, start, end) >= 0:
                if find(OF, start, end) >= 0 or find(AND, start, end) >= 0 or find(TO, start, end) >= 0:
                    continue
            elif (find(OF, start, end) >= 0) + (find(AND, start, end) >= 0) + (find(TO, start, end) >= 0) >= 2:
                continue
            words = low.count(" ", start, end) + 1
            if words < self.min_words:
                continue
            chunk = low[start:end]
            padded = f" {chunk} "
            hits = sum(padded.count(m) for m in self.english_markers)
            if hits > words * 0.04:
                continue
            foreign = sum(padded.count(m) for m in self.other_markers)
            if foreign < 2 and sum(1 for c in chunk if ord(c) > 127 and c.isalpha()) < 0.03 * len(chunk):
                continue  # no sign of another language: a title, a list of names
            letters = sum(1 for c in chunk if c.isalpha())
            if letters < len(chunk) * 0.6:
                continue  # tables, numbers, lists of names
            lang, prob = detect(text[start : min(end, start + 400)])
            if lang and lang != "en" and prob >= self.min_probability:
                yield self.finding(doc, start, end, {"language": lang})

    def check_phrases(self, doc: Document) -> Iterator[Finding]:
        # Tokenise only windows around the function words found by one regex pass.
        text = doc.text
        done = -1
        for hit_start, hit_end in function_word_hits(doc.lower, self.function_words):
            if hit_start < done:
                continue
            lo = text.rfind("\n", 0, hit_start) + 1
            lo = max(lo, hit_start - 150)
            hi = text.find("\n", hit_end)
            hi = len(text) if hi < 0 else min(hi, hit_end + 150)
            done = hi
            yield from self.check_window(doc, lo, hi)

    def check_window(self, doc: Document, lo: int, hi: int) -> Iterator[Finding]:
        text = doc.text
        fw = self.function_words
        tokens = [(m.group(), m.start(), m.end()) for m in TOKEN.finditer(text, lo, hi)]
        i = 0
        n = len(tokens)
        while i < n:
            word = tokens[i][0]
            if not (word.islower() and (word in fw)):
                i += 1
                continue
            # Grow a run of foreign words around this function word.
            lo = i
            while lo > 0 and self.is_foreign(tokens[lo - 1][0], fw, text, tokens[lo - 1][2], tokens[lo][1]):
                lo -= 1
            hi = i + 1
            while hi < n and self.is_foreign(tokens[hi][0], fw, text, tokens[hi - 1][2], tokens[hi][1]):
                hi += 1
            run = tokens[lo:hi]
            i = hi
            if len(run) < self.min_words or sum(1 for w, _, _ in run if w in fw) < 1:
                continue
            if sum(1 for w, _, _ in run if w not in fw) < 1 and len(run) < 3:
                continue
            before = tokens[lo - 1][0] if lo > 0 else ""
            after = tokens[hi][0] if hi < n else ""
            if self.borrowed(doc, run[0][1], run[-1][2]):
                continue
            if before[:1].isupper() and after[:1].isupper():
                continue  # inside a name: Place de la Concorde
            if before[:1].isupper() and lo > 0 and text[tokens[lo - 1][2] : run[0][1]] == " ":
                continue  # the end of a name: Hôtel de ville, Jardin des plantes
            yield self.finding(doc, run[0][1], run[-1][2], {"language": "a foreign language"})

    def borrowed(self, doc: Document, start: int, end: int) -> bool:
        """Is the run (or all of it but a word at its edge) part of a phrase English has borrowed?"""
        window = doc.lower[max(0, start - 30) : end + 30]
        offset = start - max(0, start - 30)
        for phrase in self.borrowed_phrases:
            i = window.find(phrase)
            while i >= 0:
                if i <= offset + 1 and i + len(phrase) >= offset + (end - start) - 1:
                    return True
                if i < offset + (end - start) and i + len(phrase) > offset:
                    return True
                i = window.find(phrase, i + 1)
        return False

    @staticmethod
    def is_foreign(word: str, fw: frozenset[str], text: str, gap_start: int, gap_end: int) -> bool:
        gap = text[gap_start:gap_end]
        if gap not in (" ", "'", "’", "-"):
            return False
        if not word.islower():
            return False
        return word in fw or foreignness(word) >= 2.5
