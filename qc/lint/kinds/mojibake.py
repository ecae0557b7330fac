"""`mojibake`: UTF-8 text decoded with the wrong code page ("Ã©" for "é", "â€™" for "’").

Candidate spans are runs that contain a typical mojibake pair (a Latin-1/Windows-1252
lead character followed by a continuation character); each is repaired with ftfy
(`uncurl_quotes=False`) and reported with the repair as a safe fix when ftfy changes it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from qc.finding import Edit, Finding
from qc.lint.document import Document
from qc.lint.kinds import RuleKind, register

CONT = "\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122"
CANDIDATE = re.compile(f"[\u00c2-\u00f4][{CONT}]+(?:[\u00c2-\u00f4]?[{CONT}]+)*")
TRIGGERS = ("ã", "â", "â€", "ð", "ï»", "å", "ä", "æ", "ç", "é", "è", "ê", "ë", "î")


@register("mojibake")
class Mojibake(RuleKind):
    params_schema = {"type": "object", "additionalProperties": False, "properties": {}}

    def triggers(self) -> Iterable[str] | None:
        # Lowercased lead characters of mojibake pairs ("Ã" lowers to "ã").
        return ("ã", "â", "ð", "ï", "å", "ä", "æ", "ç", "î", "ë", "ê", "è", "é", "â€")

    def check(self, doc: Document) -> Iterator[Finding]:
        text = doc.text
        for m in CANDIDATE.finditer(text):
            start, end = m.span()
            # Repair the whole token, so multi-character sequences decode together.
            lo = start
            while lo > 0 and not text[lo - 1].isspace() and start - lo < 20:
                lo -= 1
            hi = end
            while hi < len(text) and not text[hi].isspace() and hi - end < 20:
                hi += 1
            token = text[lo:hi]
            fixed = repair(token)
            if fixed == token:
                continue
            # Trim the unchanged prefix and suffix so the edit covers only the garbled part.
            p = 0
            while p < min(len(token), len(fixed)) and token[p] == fixed[p]:
                p += 1
            s = 0
            while s < min(len(token), len(fixed)) - p and token[-1 - s] == fixed[-1 - s]:
                s += 1
            a, b = lo + p, hi - s
            replacement = fixed[p : len(fixed) - s]
            yield self.finding(doc, a, b, {"replacement": replacement}, [Edit(a, b, replacement)])


def repair(token: str) -> str:
    import ftfy  # lazy: only for the rare candidate spans

    return ftfy.fix_text(token, uncurl_quotes=False, fix_latin_ligatures=False, fix_character_width=False, normalization=None)
