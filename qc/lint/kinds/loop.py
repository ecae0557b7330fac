"""`loop`: text a weak MT system loops on or invents.

`check: loop` (default). A phrase or clause repeated three or more times in a row within
a paragraph: "the only one of the bank's products, the bank's products, the bank's
products, ...", "The company said it would appeal. The company said it would appeal. The
company said it would appeal." The words of each paragraph (lowercase, punctuation left
out) are searched for a period: a run where word i equals word i + p for at least 2p words
means three copies of a p-word unit. Units of `min_words` to `max_words` words are
reported (shorter ones are the duplication pack's); a unit holding a digit is not (tables,
"0 degrees, 0 degrees, 0 degrees"), nor a short chant inside quotation marks ("Yes we can,
yes we can, yes we can!"). Rhetorical repetition with different words between the copies
("we shall fight on the beaches, we shall fight on the landing grounds") has no period and
stays silent. The fix keeps the first copy and deletes the rest; when every copy is
written identically it is safe (nothing but the repeats goes), else unsafe.

`check: repeated-sentence`. A sentence of at least `min_words` words that occurs again,
verbatim, later in the article: the later copy is reported and the fix deletes it.

`check: boilerplate`. Lines or sentences of page furniture MT systems invent or carry
over ("The article was published by ...", "Read more: ...", "(Editor: Wang Lin)"):
regular expressions listed in a data file (`data:`, a YAML list of {pattern, what}),
matched case-insensitively at the start of a line or sentence. The fix deletes the line.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

import yaml

from qc.errors import RulePackError
from qc.finding import Edit, Finding
from qc.lint.document import Document
from qc.lint.kinds import RuleKind, register
from qc.lint.data import data_stamp

WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
WORD_CHAR = re.compile(r"[^\W_]")
APOSTROPHES = "'’"
SENTENCE = re.compile(r"[^.!?\n]*[^\s.!?\n][^.!?\n]*(?:[.!?]+[\"”’)]?|(?=\n)|$)")
QUOTES = "\"“”«»"
CHANT_WORDS = 4
MAX_BOILERPLATE_LINE = 240


@dataclass(frozen=True)
class Loop:
    start: int  # character offsets of the first copy's start and the last copy's end
    first_end: int
    end: int
    unit: str
    copies: int
    exact: bool


def find_loops(text: str, start: int, end: int, min_words: int, max_words: int, spans: list[tuple[int, int]] | None = None, lower: str | None = None) -> Iterator[Loop]:
    """Loops in text[start:end] (one paragraph), left to right, not overlapping. `spans`:
    the paragraph's word spans when the caller has them (the document's shared view)."""
    if spans is None:
        spans = [m.span() for m in WORD.finditer(text, start, end)]
    if len(spans) < 3 * min_words:
        return
    low = lower if lower is not None else text.lower()
    words = [low[a:b] for a, b in spans]
    n = len(words)
    # Three copies of a unit of min_words words or more repeat its first min_words-gram
    # three times: only positions starting such a gram can start a loop (most paragraphs
    # have none, and are done after one pass of counting).
    grams = Counter(zip(*(words[k:] for k in range(min_words))))
    if not grams or max(grams.values()) < 3:
        return
    starts = {i for i in range(n - min_words + 1) if grams[tuple(words[i : i + min_words])] >= 3}
    i = 0
    while i < n - 2 * min_words:
        if i not in starts:
            i += 1
            continue
        found = None
        for period in range(min_words, min(max_words, (n - i) // 3) + 1):
            if words[i] != words[i + period] or words[i] != words[i + 2 * period]:
                continue
            run = 0
            while i + run + period < n and words[i + run] == words[i + run + period]:
                run += 1
            if run >= 2 * period:
                found = (period, 1 + run // period)
                break
        if found is None:
            i += 1
            continue
        period, copies = found
        unit_words = words[i : i + period]
        last = i + copies * period - 1
        first_end = spans[i + period - 1][1]
        yield Loop(spans[i][0], first_end, spans[last][1], " ".join(unit_words), copies, copies_identical(text, spans, i, period, copies))
        i = last + 1


def may_loop(doc: Document, min_words: int) -> bool:
    """False when no run of `min_words` words occurs three times in the whole text: then no
    paragraph holds three copies of a unit (a paragraph's words are a run of the text's, as
    paragraphs end at whitespace), and find_loops need not read them one by one. The words
    are those find_loops compares: lowercase slices of the spans WORD finds in the text."""
    words = lowercase_words(doc)
    if len(words) < 3 * min_words:
        return False
    grams = Counter(zip(*(words[k:] for k in range(min_words))))
    return max(grams.values()) >= 3


def lowercase_words(doc: Document) -> list[str]:
    """doc.lower's slices at the spans of WORD in doc.text. One findall over the lowercase
    text finds them when lowering changes no character's class (word character,
    apostrophe, other), as in nearly every text; else they are sliced span by span."""
    text, low = doc.text, doc.lower
    if text.isascii() or all(lowers_alike(ch) for ch in set(text) if not ch.isascii()):
        return WORD.findall(low)
    return [low[a:b] for a, b in (m.span() for m in WORD.finditer(text))]


@lru_cache(maxsize=4096)
def lowers_alike(ch: str) -> bool:
    """Is `ch` of the same class as what Document.lower puts in its place? (Its lowercase's
    first code point; a capital sigma's is σ or ς, letters both.)"""
    low = ch.lower()[:1]
    return bool(WORD_CHAR.match(ch)) == bool(WORD_CHAR.match(low)) and (ch in APOSTROPHES) == (low in APOSTROPHES)


def copies_identical(text: str, spans: list[tuple[int, int]], i: int, period: int, copies: int) -> bool:
    """Are the copies written identically (case and inner punctuation), with the same
    separator after each? Then deleting all but the first cannot change the meaning."""
    first = text[spans[i][0] : spans[i + period][0]]
    for k in range(1, copies - 1):
        if text[spans[i + k * period][0] : spans[i + (k + 1) * period][0]] != first:
            return False
    last = text[spans[i + (copies - 1) * period][0] : spans[i + copies * period - 1][1]]
    return first.startswith(last)


def inside_quotes(text: str, start: int, end: int) -> bool:
    line_start = text.rfind("\n", 0, start) + 1
    before = text[line_start:start]
    return sum(before.count(q) for q in QUOTES) % 2 == 1 or (any(q in before for q in "“«") and not any(q in before for q in "”»"))


@lru_cache(maxsize=4)
def load_boilerplate(path: str, stamp: int) -> tuple[tuple[re.Pattern[str], str], ...]:
    try:
        with open(path, encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
    except (OSError, yaml.YAMLError) as exc:
        raise RulePackError(path, f"cannot read boilerplate list: {exc}") from None
    if not isinstance(data, list):
        raise RulePackError(path, "boilerplate list: expected a YAML list of {pattern, what}")
    out = []
    for i, item in enumerate(data, 1):
        if not isinstance(item, dict) or not isinstance(item.get("pattern"), str):
            raise RulePackError(path, f"boilerplate list item {i}: needs a `pattern` string")
        try:
            out.append((re.compile(item["pattern"], re.IGNORECASE), str(item.get("what", "boilerplate"))))
        except re.error as exc:
            raise RulePackError(path, f"boilerplate list item {i}: bad pattern: {exc}") from None
    return tuple(out)


@register("loop")
class LoopKind(RuleKind):
    params_schema = {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "check": {"enum": ["loop", "repeated-sentence", "boilerplate"]},
            "min_words": {"type": "integer", "minimum": 1, "maximum": 100},
            "max_words": {"type": "integer", "minimum": 1, "maximum": 200},
            "data": {"type": "string", "minLength": 1},
        },
    }

    def __init__(self, rule: Any) -> None:
        super().__init__(rule)
        params = rule.params
        self.check_name = params.get("check", "loop")
        self.min_words = params.get("min_words", 4 if self.check_name == "loop" else 8)
        self.max_words = params.get("max_words", 60)
        self.patterns: tuple[tuple[re.Pattern[str], str], ...] = ()
        if self.check_name == "boilerplate":
            if "data" not in params:
                raise self.error("check: boilerplate needs `data:` (the list of patterns)")
            path, stamp = data_stamp(self, params["data"])
            self.patterns = load_boilerplate(path, stamp)
        # All the patterns in one: a line it does not match, none matches (most lines).
        self.any_pattern = re.compile("|".join(f"(?:{p.pattern})" for p, _ in self.patterns), re.IGNORECASE) if self.patterns else None

    def check(self, doc: Document) -> Iterator[Finding]:
        if self.check_name == "loop":
            return self.check_loops(doc)
        if self.check_name == "repeated-sentence":
            return self.check_sentences(doc)
        return self.check_boilerplate(doc)

    # -- loops -------------------------------------------------------------------------
    def check_loops(self, doc: Document) -> Iterator[Finding]:
        text = doc.text
        if not may_loop(doc, self.min_words):
            return
        for start, end in doc.paragraphs:
            # Word spans one paragraph at a time: the whole text's took ~20 bytes per
            # character of a long article (issue 20), for no gain in speed.
            for loop in find_loops(text, start, end, self.min_words, self.max_words, None, doc.lower):
                if any(ch.isdigit() for ch in loop.unit):
                    continue
                if loop.unit.count(" ") + 1 <= CHANT_WORDS and inside_quotes(text, loop.start, loop.end):
                    continue
                values = {"phrase": text[loop.start : loop.first_end], "copies": loop.copies}
                edits = [Edit(loop.first_end, loop.end, "")]
                finding = self.finding(doc, loop.start, loop.end, values, edits)
                if finding.fix is not None and not loop.exact and finding.fix.applicability == "safe":
                    finding = replace(finding, fix=replace(finding.fix, applicability="unsafe"))
                yield finding

    # -- repeated sentences ------------------------------------------------------------
    def check_sentences(self, doc: Document) -> Iterator[Finding]:
        text = doc.text
        # A sentence is reported when it and an earlier one written the same way (its key)
        # have min_words words or more. Per key: the first sentence, its words not counted
        # yet (nearly every sentence is the only one with its key), then whether one of
        # those seen had enough words.
        earlier: dict[str, str | bool] = {}
        for m in SENTENCE.finditer(text):
            sentence = m.group().strip()
            key = " ".join(sentence.lower().split())
            before = earlier.get(key)
            if before is None:
                earlier[key] = sentence
                continue
            if isinstance(before, str):
                before = self.long_enough(before)
            long = self.long_enough(sentence)
            earlier[key] = before or long
            if not (before and long):
                continue
            start = m.start() + (len(m.group()) - len(m.group().lstrip()))
            end = start + len(sentence)
            cut_end = end
            while cut_end < len(text) and text[cut_end] in " \t":
                cut_end += 1
            yield self.finding(doc, start, end, {"sentence": sentence}, [Edit(start, cut_end, "")])

    def long_enough(self, sentence: str) -> bool:
        return len(WORD.findall(sentence)) >= self.min_words

    # -- boilerplate -------------------------------------------------------------------
    def check_boilerplate(self, doc: Document) -> Iterator[Finding]:
        text = doc.text
        for line in re.finditer(r"[^\n]+", text):
            if len(line.group()) > MAX_BOILERPLATE_LINE:
                continue
            begin = line.start() + (len(line.group()) - len(line.group().lstrip()))
            if self.any_pattern is None or self.any_pattern.match(text, begin, line.end()) is None:
                continue
            for pattern, what in self.patterns:
                m = pattern.match(text, begin, line.end())
                if m is None:
                    continue
                end = line.end() + (1 if line.end() < len(text) else 0)
                yield self.finding(doc, line.start(), line.end(), {"line": line.group().strip(), "what": what}, [Edit(line.start(), end, "")])
                break
