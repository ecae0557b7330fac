"""`quote_balance`: quotation marks that do not pair up within a paragraph.

Curly quotes are paired in order: a closing ” with no open “ before it, or an “
left open at the end of the paragraph, is flagged. Straight double quotes are
counted: an odd number is flagged. News style lets a quotation run over several
paragraphs with the earlier ones left open, so an open quote is fine when the next
paragraph starts with an opening quote mark.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from qc.finding import Finding
from qc.lint.document import Document
from qc.lint.kinds import RuleKind, register

QUOTES = re.compile(r"[“”\"]")
CURLY = re.compile(r"[“”]")


def balanced(text: str, start: int = 0, end: int | None = None) -> bool:
    """True when check() would report nothing in text[start:end] (a paragraph): an even
    number of straight quote marks, and curly ones that alternate “ ” “ ” ... and end
    closed. Counted in place: most paragraphs of a text with quotes have none or a pair."""
    if end is None:
        end = len(text)
    if text.count('"', start, end) % 2:
        return False
    opening = text.count("“", start, end)
    if opening != text.count("”", start, end):
        return False
    return not opening or "".join(CURLY.findall(text, start, end)) == "“”" * opening


@register("quote_balance")
class QuoteBalance(RuleKind):
    params_schema = {"type": "object", "additionalProperties": False, "properties": {}}

    def triggers(self) -> Iterable[str] | None:
        return ("“", "”", '"')

    def check(self, doc: Document) -> Iterator[Finding]:
        text = doc.text
        paragraphs = doc.paragraphs
        for index, (start, end) in enumerate(paragraphs):
            if balanced(text, start, end):
                continue  # nothing to report: the common case, found with C-level counts
            following = text[paragraphs[index + 1][0]] if index + 1 < len(paragraphs) else ""
            open_at = -1
            straight: list[int] = []
            for m in QUOTES.finditer(text, start, end):
                ch = m.group()
                pos = m.start()
                if ch == '"':
                    straight.append(pos)
                elif ch == "“":
                    if open_at >= 0:
                        yield self.finding(doc, open_at, open_at + 1, {"problem": "this opening quote mark is never closed"})
                    open_at = pos
                elif open_at >= 0:
                    open_at = -1
                else:
                    yield self.finding(doc, pos, pos + 1, {"problem": "this closing quote mark has no opening one"})
            if open_at >= 0 and following != "“":
                yield self.finding(doc, open_at, open_at + 1, {"problem": "this opening quote mark is never closed"})
            if len(straight) % 2 and following != '"':
                pos = straight[-1]
                yield self.finding(doc, pos, pos + 1, {"problem": "an odd number of straight quote marks in the paragraph"})
