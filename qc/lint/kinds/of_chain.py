"""`of_chain`: a Romance noun phrase rendered word by word as a chain of "of"-phrases.

French, Spanish, Italian and Portuguese build compound nouns with de/di: "le projet de
réforme des retraites", "el plan de protección de los datos". Rendered word by word this
gives "the project of reform of the pensions", where English stacks the nouns in front:
"the pension reform project". The cue is the shape "the N1 of N2 of the N3" with a bare
N2 (no article, not a quantity: "the price of tens of thousands" is English; no capital:
"the office of Speaker of the House") ending the noun phrase, which edited English almost never writes: an "N1 of N2" pair that is an
English term ("the rule of law of the country", "the point of view of the government")
is listed in the `data:` file (one "x of y" term a line) and left alone, and so are
partitive heads ("the number of cases of the disease"). The fix stacks the nouns ("the
pension reform project"); it is unsafe: English may want another head noun ("bill").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from qc.finding import Edit, Finding
from qc.lint.data import load_lines, load_yaml
from qc.lint.document import Document
from qc.lint.kinds import RuleKind, match_case, register

def chain_pattern(followers: Iterable[str]) -> re.Pattern[str]:
    """"the N1 of N2 of the N3", ending the noun phrase: punctuation or a word that follows one."""
    follow = "|".join(map(re.escape, sorted(followers)))
    return re.compile(
        rf"\b(?P<det>the) (?P<n1>[a-z]{{3,}}) of (?P<n2>[a-z]{{3,}}) of the (?P<n3>[a-z]{{3,}})(?=[.,;:!?)]| (?:{follow})\b)",
        re.IGNORECASE,
    )


def singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


@register("of_chain")
class OfChain(RuleKind):
    params_schema = {
        "type": "object",
        "required": ["data", "words"],
        "additionalProperties": False,
        "properties": {
            "data": {"type": "string", "minLength": 1},
            "words": {"type": "string", "minLength": 1},
        },
    }

    def __init__(self, rule: Any) -> None:
        super().__init__(rule)
        self.terms = load_lines(self, rule.params["data"])
        words = load_yaml(self, rule.params["words"])
        self.not_nouns = frozenset(words.get("not_nouns") or ())
        self.partitive = frozenset(words.get("partitive_heads") or ())
        self.chain = chain_pattern(words.get("phrase_followers") or ())

    def prefilter(self) -> str | None:
        return r"(?i)of [a-z]+ of the "

    def triggers(self) -> Iterable[str] | None:
        return None

    def check(self, doc: Document) -> Iterator[Finding]:
        for m in self.chain.finditer(doc.text):
            if any(m[g][0].isupper() for g in ("n1", "n2", "n3")):
                continue  # a title or a name: "the office of Speaker of the House"
            n1, n2, n3 = (m[g].lower() for g in ("n1", "n2", "n3"))
            if n2 in self.not_nouns or n1 in self.partitive or singular(n1) in self.partitive or n2.endswith("ing") or n2.endswith("ly"):
                continue
            if f"{n1} of {n2}" in self.terms or f"{n2} of the {n3}" in self.terms:
                continue
            # The finding starts at N1 (the article stays): a frame fixing the same words
            # with a better head ("project of reform" -> "reform bill") then wins the tie.
            start = m.start("n1")
            replacement = match_case(m["n1"], f"{singular(n3)} {n2} {n1}")
            yield self.finding(doc, start, m.end(), {"replacement": replacement}, [Edit(start, m.end(), replacement)])
