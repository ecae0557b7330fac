"""`small_number`: a count from one to nine written as a figure in running text ("including 5 new products").

News style (AP, Reuters, most house styles) spells out one to nine; MT from Chinese
and other languages keeps the source's figures. Only a lone digit that counts a
plural noun is flagged: units, measures, ages, scores, dates, times, money and
percentages ("5 percent", "3 km", "February 9", "$5", "5-year", "No. 2") keep figures.
The unsafe fix spells the number out. The words, units and date words come from the
rule's `data:` file (data/small-number.yaml).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from qc.finding import Edit, Finding
from qc.lint.data import load_yaml, mapping, strings
from qc.lint.document import Document
from qc.lint.kinds import DATA_FILE_PARAMS, RuleKind, register

# The digit comes first and the look-behinds after it, so that the regex engine can scan for
# digits quickly; the cheapest tests come first ("a lone digit, then a space" rules out the
# digits of years and figures before the twenty month look-behinds run).
# What RE2 can say of FIGURE, for the engine's prefilter pass: the look-behind on the
# character before becomes a character read (any non-ASCII one, as RE2's classes are
# ASCII; or the start of the text), the month and unit look-arounds and \b are dropped.
# It matches wherever FIGURE does, and only in about one article in eight, where
# Python's `re` scanning every text for a digit cost as much as a tenth of a scan.
PREFILTER = r"(?:^|[^0-9A-Za-z_$€£¥.,/:%#+\-])[1-9] (?:[a-z]+ ){0,2}[a-z]{3,}s"


def figure_regex(units: list[str], before: list[str]) -> re.Pattern[str]:
    """A lone figure 1-9 counting a plural noun, not after one of `before`, not before a unit."""
    not_after = "".join(f"(?<!{re.escape(word)} [1-9])" for word in before)
    unit = "|".join(re.escape(u) for u in units)
    return re.compile(rf"(?P<n>[1-9])(?<![\w$€£¥.,/:%#+-][1-9])(?= ){not_after}(?= (?!(?:{unit})\b)(?:[a-z]+ ){{0,2}}[a-z]{{3,}}s\b)")


@register("small_number")
class SmallNumber(RuleKind):
    params_schema = DATA_FILE_PARAMS

    def __init__(self, rule: Any) -> None:
        super().__init__(rule)
        source = rule.params["data"]
        data = load_yaml(self, source)
        words = mapping(self, data, "words", source)
        self.words = {str(n): str(w) for n, w in words.items()}
        if set(self.words) != set("123456789"):
            raise self.error(f"data file {source}: 'words' must name the figures 1 to 9")
        self.figure = figure_regex(strings(self, data, "units", source), strings(self, data, "before", source))

    def prefilter(self) -> str | None:
        return PREFILTER

    def check(self, doc: Document) -> Iterator[Finding]:
        text = doc.text
        for m in self.figure.finditer(text):
            n = m.group("n")
            word = self.words[n]
            if m.start() == 0 or text[m.start() - 1] == "\n" or text[max(0, m.start() - 2) : m.start()] in (". ", "“", '"'):
                word = word.capitalize()
            yield self.finding(doc, m.start(), m.end(), {"word": word}, [Edit(m.start(), m.end(), word)])
