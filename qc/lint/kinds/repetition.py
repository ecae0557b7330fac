"""`repetition`: a word or phrase said twice in a row, also across punctuation ("statement. statement.").

The fix deletes the separator and the second copy, so the punctuation that
followed the second copy closes the sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from qc.finding import Edit, Finding
from qc.lint.document import Document
from qc.lint.kinds import RuleKind, register

# Between the copies: spaces and punctuation, but no paragraph break.
SEPARATOR = re.compile(r"[ \t]*[.,;:!?…]*[ \t]*(?:\r?\n[ \t]*)?[ \t]*")


@register("repetition")
class Repetition(RuleKind):
    params_schema = {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "max_words": {"type": "integer", "minimum": 1, "maximum": 8},
            "min_words": {"type": "integer", "minimum": 1, "maximum": 8},
            "allow": {"type": "array", "items": {"type": "string"}},
            "across_punctuation": {"type": "boolean"},
            # Skip a single repeated word when both copies are capitalised (Bora Bora, Sing Sing).
            "skip_proper_names": {"type": "boolean"},
        },
    }

    def __init__(self, rule: Any) -> None:
        super().__init__(rule)
        params = rule.params
        self.max_words = params.get("max_words", 4)
        self.min_words = params.get("min_words", 1)
        self.allow = {a.lower() for a in params.get("allow", [])}
        self.across_punctuation = params.get("across_punctuation", True)
        self.skip_proper_names = params.get("skip_proper_names", True)

    def check(self, doc: Document) -> Iterator[Finding]:
        words = doc.words
        low = doc.lower
        text = doc.text
        i = 0
        while i < len(words):
            hit = self.repeat_at(doc, words, low, text, i)
            if hit is None:
                i += 1
                continue
            n, finding = hit
            yield finding
            i += 2 * n

    def repeat_at(self, doc: Document, words: list[tuple[int, int]], low: str, text: str, i: int) -> tuple[int, Finding] | None:
        for n in range(min(self.max_words, (len(words) - i) // 2), self.min_words - 1, -1):
            first = [low[s:e] for s, e in words[i : i + n]]
            second = [low[s:e] for s, e in words[i + n : i + 2 * n]]
            if first != second or not self.separator_ok(text, words[i + n - 1][1], words[i + n][0]):
                continue
            if self.is_allowed(first, text, words, i, n):
                continue
            start, end = words[i][0], words[i + 2 * n - 1][1]
            # Delete separator + second copy; the punctuation after the second copy then
            # closes the first: "statement. statement." -> "statement."
            edits = [Edit(words[i + n - 1][1], end, "")]
            phrase = text[words[i][0] : words[i + n - 1][1]]
            return n, self.finding(doc, start, end, {"phrase": phrase}, edits)
        return None

    def separator_ok(self, text: str, gap_start: int, gap_end: int) -> bool:
        sep = text[gap_start:gap_end]
        if not sep or not SEPARATOR.fullmatch(sep):
            return False
        has_punct = any(c in ".,;:!?…" for c in sep)
        return self.across_punctuation or not has_punct

    def is_allowed(self, first: list[str], text: str, words: list[tuple[int, int]], i: int, n: int) -> bool:
        phrase = " ".join(first)
        if phrase in self.allow or all(w.isdigit() for w in first):
            return True
        if n == 1 and self.skip_proper_names:
            a = text[words[i][0]]
            b = text[words[i + 1][0]]
            if a.isupper() and b.isupper():
                return True
        return False
