"""`glued_fragment`: a sentence end followed by a word in lowercase.

MT that emits two alternative translations, or breaks a sentence, leaves a full stop
in the middle of a sentence: "knew about it. of what was going on." or, with a
closing quote, "peace”. and development around the world". Abbreviations (etc.,
e.g., U.S., a.m., vs.), ellipses, numbers and brand names in lowercase (iPhone,
eBay) are skipped; the abbreviations and file-name endings come from the rule's `data:`
file (data/glued-fragment.yaml).

`quote: false` checks a full stop right after a lowercase word; `quote: true` checks
a closing quote mark followed by a full stop. The unsafe fix deletes the fragment
(`quote: false`) or the stray full stop (`quote: true`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from qc.finding import Edit, Finding
from qc.lint.data import load_yaml, strings
from qc.lint.document import Document
from qc.lint.kinds import RuleKind, register
from qc.lint.prefilter import relax

STOP = re.compile(r"\. (?=[a-z])")
QUOTE_STOP = re.compile(r"[”\"’]\. (?=[a-z])")
WORD_BEFORE = re.compile(r"[\w.&'’-]+$")
NEXT_WORD = re.compile(r"[a-z][\w'’-]*")
FRAGMENT_END = re.compile(r"[.!?](?=[\"”’)]?(?:\s|$))|\n")


@register("glued_fragment")
class GluedFragment(RuleKind):
    params_schema = {
        "type": "object",
        "required": ["data"],
        "additionalProperties": False,
        "properties": {"quote": {"type": "boolean"}, "data": {"type": "string", "minLength": 1}},
    }

    def __init__(self, rule: Any) -> None:
        super().__init__(rule)
        self.quote = rule.params.get("quote", False)
        source = rule.params["data"]
        data = load_yaml(self, source)
        self.abbreviations = frozenset(strings(self, data, "abbreviations", source))
        self.file_endings = frozenset(strings(self, data, "file_endings", source))

    def triggers(self) -> Iterable[str] | None:
        return ("”. ", '". ', "’. ") if self.quote else (". ",)

    def prefilter(self) -> str | None:
        if self.quote:
            return relax(QUOTE_STOP.pattern)
        # the word before the stop is lowercase letters: its last one is no (ASCII) capital
        return "[^A-Z]" + relax(STOP.pattern)

    def check(self, doc: Document) -> Iterator[Finding]:
        text = doc.text
        regex = QUOTE_STOP if self.quote else STOP
        for m in regex.finditer(text):
            stop = m.end() - 2  # the full stop
            before = WORD_BEFORE.search(text, max(0, m.start() - 40), m.start() + (0 if self.quote else 0))
            if self.quote:
                prev = text[max(0, m.start() - 1)]
                if not prev.isalpha():
                    continue
            else:
                if before is None:
                    continue
                word = before.group()
                if "." in word or not word.isalpha() or not word.islower() or len(word) < 2 or word in self.abbreviations:
                    continue
            nxt = NEXT_WORD.match(text, m.end())
            if nxt is None or nxt.group() in self.file_endings or any(c.isupper() for c in nxt.group()):
                continue
            if not self.quote and nxt.group() == word.lower():
                continue  # "statement. statement.": a repeated word, the repetition rule's finding
            if self.quote:
                yield self.finding(doc, stop - 1, nxt.end(), {"next": nxt.group()}, [Edit(stop, stop + 1, "")])
                continue
            end = FRAGMENT_END.search(text, m.end(), min(len(text), m.end() + 300))
            if end is None or text[end.start()] == "\n":
                continue
            frag_end = end.end()
            yield self.finding(doc, m.end(), frag_end, {"next": nxt.group()}, [Edit(stop + 1, frag_end, "")])
