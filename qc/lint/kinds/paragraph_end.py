"""`paragraph_end`: a paragraph of running prose that stops without a final punctuation mark.

Edited news ends every prose paragraph with . ? ! or a closing quote; headlines,
bylines, captions, list items and datelines do not. So only paragraphs that are
clearly prose are checked: at least `min_words` words and either a sentence end
inside them or `prose_words` words or more, no line breaks inside, not a list item.
The fix (unsafe) adds a full stop.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from qc.finding import Edit, Finding
from qc.lint.document import Document
from qc.lint.kinds import RuleKind, register

ENDINGS = set(".!?…:;\"'”’»)]—–-*")
SENTENCE_INSIDE = re.compile(r"[a-z)][.!?][\"”’]?\s+[\"“‘]?[A-Z]")
LIST_ITEM = re.compile(r"(?:[-*•·–—]|\d+[.)]|[a-z][.)])\s")


@register("paragraph_end")
class ParagraphEnd(RuleKind):
    params_schema = {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "min_words": {"type": "integer", "minimum": 1},
            "prose_words": {"type": "integer", "minimum": 1},
        },
    }

    def __init__(self, rule: object) -> None:
        super().__init__(rule)  # type: ignore[arg-type]
        params = self.rule.params
        self.min_words = params.get("min_words", 12)
        self.prose_words = params.get("prose_words", 30)

    def check(self, doc: Document) -> Iterator[Finding]:
        text = doc.text
        for start, end in doc.paragraphs:
            last = text[end - 1]
            if last in ENDINGS or not (last.isalnum() or last == "%"):
                continue
            # Cheap tests first: most paragraphs end properly and never get here.
            chunk = text[start:end]
            if "\n" in chunk or LIST_ITEM.match(chunk):
                continue
            words = chunk.count(" ") + 1
            if words < self.min_words:
                continue
            if words < self.prose_words and not SENTENCE_INSIDE.search(chunk):
                continue
            if chunk[:1].islower() or chunk.startswith(("http", "www.")):
                continue
            # Prose is mostly lowercase words; lists of names, citations and datelines are not.
            tokens = chunk.split()
            if sum(1 for t in tokens if t[:1].islower()) < 0.4 * len(tokens):
                continue
            tail_sentence = re.split(r"[.!?][\"”’]?\s+(?=[A-Z\"“])", chunk)[-1]
            if tail_sentence.count(" ") < 3:
                continue
            tail = chunk[chunk.rfind(" ") + 1 :]
            values = {"tail": tail}
            yield self.finding(doc, end - len(tail), end, values, [Edit(end, end, ".")])
