"""`small_number`: a count from one to nine written as a figure in running text ("including 5 new products").

News style (AP, Reuters, most house styles) spells out one to nine; MT from Chinese
and other languages keeps the source's figures. Only a lone digit that counts a
plural noun is flagged: units, measures, ages, scores, dates, times, money and
percentages ("5 percent", "3 km", "February 9", "$5", "5-year", "No. 2") keep figures.
The unsafe fix spells the number out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from qc.finding import Edit, Finding
from qc.lint.document import Document
from qc.lint.kinds import RuleKind, register

WORDS = {"1": "one", "2": "two", "3": "three", "4": "four", "5": "five", "6": "six", "7": "seven", "8": "eight", "9": "nine"}
UNITS = (
    r"percent|per|million|billion|trillion|thousand|hundred|km|kg|mm|cm|m|ft|lb|p\.m|a\.m|pm|am|o'clock|points?|goals?|runs?|"
    r"wickets?|sets?|games?|to|or|and|of|out|in|on|at|by|from|times|x|degrees|stars?|seeds?|feet|inches|miles|metres|meters|"
    r"kilometres|kilometers|yards|pounds|ounces|gallons|litres|liters|tonnes|tons|percentage|pct|yuan|dollars|euros|cents|"
    r"seconds?|minutes?|hours?|years?|months?|weeks?|days?|nights?|decades?|centuries|laps|strokes|shots|innings|overs|rounds|holes|seats"
)
MONTHS = "".join(f"(?<!{re.escape(m)} [1-9])" for m in ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December", "Jan.", "Feb.", "Aug.", "Sept.", "Oct.", "Nov.", "Dec.", "No.", "no."))
# The digit comes first and the look-behinds after it, so that the regex engine can scan for
# digits quickly; the cheapest tests come first ("a lone digit, then a space" rules out the
# digits of years and figures before the twenty month look-behinds run).
# What RE2 can say of FIGURE, for the engine's prefilter pass: the look-behind on the
# character before becomes a character read (any non-ASCII one, as RE2's classes are
# ASCII; or the start of the text), the month and unit look-arounds and \b are dropped.
# It matches wherever FIGURE does, and only in about one article in eight, where
# Python's `re` scanning every text for a digit cost as much as a tenth of a scan.
PREFILTER = r"(?:^|[^0-9A-Za-z_$€£¥.,/:%#+\-])[1-9] (?:[a-z]+ ){0,2}[a-z]{3,}s"
FIGURE = re.compile(rf"(?P<n>[1-9])(?<![\w$€£¥.,/:%#+-][1-9])(?= ){MONTHS}(?= (?!(?:{UNITS})\b)(?:[a-z]+ ){{0,2}}[a-z]{{3,}}s\b)")


@register("small_number")
class SmallNumber(RuleKind):
    params_schema = {"type": "object", "additionalProperties": False, "properties": {}}

    def prefilter(self) -> str | None:
        return PREFILTER

    def check(self, doc: Document) -> Iterator[Finding]:
        text = doc.text
        for m in FIGURE.finditer(text):
            n = m.group("n")
            word = WORDS[n]
            if m.start() == 0 or text[m.start() - 1] == "\n" or text[max(0, m.start() - 2) : m.start()] in (". ", "“", '"'):
                word = word.capitalize()
            yield self.finding(doc, m.start(), m.end(), {"word": word}, [Edit(m.start(), m.end(), word)])
