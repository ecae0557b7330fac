"""`html_entity`: HTML character references left in text ("&amp;", "&#8217;", "&nbsp;").

The safe fix replaces the reference with the character it stands for (a no-break
space becomes a plain space). Unknown names are left alone.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator

from qc.finding import Edit, Finding
from qc.lint.document import Document
from qc.lint.kinds import RuleKind, register

ENTITY = re.compile(r"&(?:[A-Za-z][A-Za-z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});")
PLAIN = {"\u00a0": " ", "\u200b": "", "\u00ad": ""}


@register("html_entity")
class HtmlEntity(RuleKind):
    params_schema = {"type": "object", "additionalProperties": False, "properties": {}}

    def triggers(self) -> Iterable[str] | None:
        return ("&",)

    def check(self, doc: Document) -> Iterator[Finding]:
        for m in ENTITY.finditer(doc.text):
            ref = m.group()
            char = html.unescape(ref)
            if char == ref:
                continue
            char = PLAIN.get(char, char)
            shown = char if char.strip() else "a space"
            yield self.finding(doc, m.start(), m.end(), {"replacement": char, "shown": shown}, [Edit(m.start(), m.end(), char)])
