"""`hyphen_break`: a word hyphenated across a line break by a print layout ("govern-\\nment").

When the two halves make a known English word (wordfreq) the fix joins them
("government"); otherwise it keeps the hyphen and drops the line break
("well-\\nknown" → "well-known"). Unsafe: only the writer knows the word.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from qc.finding import Edit, Finding
from qc.lint.document import Document
from qc.lint.kinds import RuleKind, register

BREAK = re.compile(r"([A-Za-z]+)-[ \t]*\r?\n[ \t]*([a-z]+)")


@register("hyphen_break")
class HyphenBreak(RuleKind):
    params_schema = {"type": "object", "additionalProperties": False, "properties": {}}

    def triggers(self) -> Iterable[str] | None:
        return ("-\n", "-\r\n", "- \n")

    def check(self, doc: Document) -> Iterator[Finding]:
        from wordfreq import zipf_frequency  # lazy: only when a hyphen ends a line

        for m in BREAK.finditer(doc.text):
            left, right = m.group(1), m.group(2)
            joined = left + right
            hyphenated = f"{left}-{right}"
            if zipf_frequency(joined.lower(), "en") >= max(2.5, zipf_frequency(hyphenated.lower(), "en")):
                replacement = joined
            else:
                replacement = hyphenated
            yield self.finding(doc, m.start(), m.end(), {"replacement": replacement}, [Edit(m.start(), m.end(), replacement)])
