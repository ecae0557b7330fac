"""`script_fragment`: words in a non-Latin script left in English text (Chinese, Cyrillic, Arabic ...).

A run of letters of the listed scripts (with the spaces and punctuation between them)
is one finding. Single Greek or Cyrillic letters (μ, α, a lone symbol) are skipped:
they are usually units and symbols, not residue. No fix: the fragment needs translating.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from qc.finding import Finding
from qc.lint.document import Document
from qc.lint.kinds import RuleKind, register
from qc.lint.prefilter import relax

SCRIPTS = {
    "Cyrillic": "\u0400-\u04ff",
    "Greek": "\u0370-\u03ff",
    "Hebrew": "\u0590-\u05ff",
    "Arabic": "\u0600-\u06ff",
    "Devanagari": "\u0900-\u097f",
    "Thai": "\u0e00-\u0e7f",
    "Japanese": "\u3040-\u30ff",
    "Chinese": "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff",
    "Korean": "\uac00-\ud7af\u1100-\u11ff",
}
# CJK punctuation and full-width forms travel with the fragments.
CJK_PUNCT = "\u3000-\u303f\uff00-\uffef\u3010\u3011\ufe30-\ufe4f"
LETTERS = "".join(SCRIPTS.values())
MARKS = "\u0300-\u036f"  # combining accents (stress marks in Russian glosses)
RUN_SOURCE = f"[{LETTERS}{CJK_PUNCT}][{LETTERS}{CJK_PUNCT}{MARKS}]*(?:[ \\-–—·・,.:]+[{LETTERS}{CJK_PUNCT}][{LETTERS}{CJK_PUNCT}{MARKS}]*)*"


@lru_cache(maxsize=1)
def run_regex() -> re.Pattern[str]:
    """Compiled on first use (~10 ms: its classes span tens of thousands of code points);
    an ASCII-only text never needs it."""
    return re.compile(RUN_SOURCE)
# An open parenthesis on the same line before the run: a gloss of a name, "(Russian: Борис Ельцин)".
IN_PARENS = re.compile(r"\([^()\n]{0,60}$")
ALPHABETIC = re.compile(f"[{SCRIPTS['Cyrillic']}{SCRIPTS['Greek']}{SCRIPTS['Hebrew']}{SCRIPTS['Arabic']}]")


def script_of(ch: str) -> str:
    code = ord(ch)
    for name, ranges in SCRIPTS.items():
        for lo, hi in re.findall(r"(.)-(.)", ranges):
            if ord(lo) <= code <= ord(hi):
                return name
    return "CJK"


@register("script_fragment")
class ScriptFragment(RuleKind):
    params_schema = {"type": "object", "additionalProperties": False, "properties": {}}

    def prefilter(self) -> str | None:
        return relax(RUN_SOURCE)  # a letter of one of the scripts, somewhere

    def check(self, doc: Document) -> Iterator[Finding]:
        text = doc.text
        if text.isascii():
            return
        for m in run_regex().finditer(text):
            run = m.group()
            if IN_PARENS.search(text, max(0, m.start() - 60), m.start()):
                continue
            letters = [c for c in run if c.isalpha()]
            if not letters:
                continue
            if len(letters) < 2 and ALPHABETIC.match(letters[0]):
                continue
            yield self.finding(doc, m.start(), m.end(), {"script": script_of(letters[0])})
