"""`substitution`: term lists, wrong → right, matched in the engine's single literal pass.

Case handling (`case`):
- `smart` (default): a term written all in lowercase matches in any case and the
  replacement takes the match's capitalisation; a term with capitals matches only as written.
- `exact`: every term matches only as written.
- `insensitive`: every term matches in any case; replacements are used as written.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from qc.finding import Edit, Finding
from qc.lint.document import Document
from qc.lint.kinds import RuleKind, match_case, register

TERM_LIST = {
    "oneOf": [
        {"type": "object", "additionalProperties": {"type": ["string", "null"]}, "minProperties": 1},
        {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["wrong"],
                "additionalProperties": False,
                "properties": {
                    "wrong": {"oneOf": [{"type": "string", "minLength": 1}, {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1}]},
                    "right": {"type": ["string", "null"]},
                },
            },
        },
    ]
}


@dataclass(frozen=True)
class Term:
    wrong: str
    right: str | None
    exact_case: bool


def parse_terms(raw: Any) -> list[tuple[str, str | None]]:
    if isinstance(raw, dict):
        return [(str(k), v) for k, v in raw.items()]
    pairs = []
    for item in raw:
        wrongs = item["wrong"] if isinstance(item["wrong"], list) else [item["wrong"]]
        pairs.extend((w, item.get("right")) for w in wrongs)
    return pairs


@register("substitution")
class Substitution(RuleKind):
    params_schema = {
        "type": "object",
        "required": ["terms"],
        "additionalProperties": False,
        "properties": {
            "terms": TERM_LIST,
            "case": {"enum": ["smart", "exact", "insensitive"]},
            # Phrases that contain a term and make it correct ("RIA News agency" is not "RIA News" + noun).
            "exceptions": {"type": "array", "items": {"type": "string", "minLength": 1}},
        },
    }

    def __init__(self, rule: Any) -> None:
        super().__init__(rule)
        case = rule.params.get("case", "smart")
        self.terms: list[Term] = []
        for wrong, right in parse_terms(rule.params["terms"]):
            wrong = wrong.strip()
            if not wrong:
                raise self.error("empty term")
            exact = case == "exact" or (case == "smart" and wrong != wrong.lower())
            self.terms.append(Term(wrong, right, exact))
        self.case = case
        self.exceptions = [e.lower() for e in rule.params.get("exceptions", [])]

    def literals(self) -> Iterable[tuple[str, Any]]:
        return ((t.wrong.lower(), t) for t in self.terms)

    def on_literal(self, doc: Document, start: int, end: int, payload: Any) -> Iterator[Finding]:
        term: Term = payload
        found = doc.text[start:end]
        if term.exact_case and found != term.wrong:
            return
        if not doc.word_bounded(start, end) or self.inside_exception(doc, start, end):
            return
        edits = None
        if term.right is not None:
            replacement = term.right if term.exact_case or self.case == "insensitive" else match_case(found, term.right)
            edits = [Edit(start, end, replacement)]
        yield self.finding(doc, start, end, {"replacement": term.right or "", "term": term.wrong}, edits)

    def inside_exception(self, doc: Document, start: int, end: int) -> bool:
        found = doc.lower[start:end]
        for phrase in self.exceptions:
            offset = phrase.find(found)
            while offset >= 0:
                begin = start - offset
                if begin >= 0 and doc.lower.startswith(phrase, begin) and doc.word_bounded(begin, begin + len(phrase)):
                    return True
                offset = phrase.find(found, offset + 1)
        return False
