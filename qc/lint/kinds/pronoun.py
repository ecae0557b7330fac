"""`pronoun`: a name repeated as a possessive right after itself, where English uses a pronoun.

Chinese 其 ("its/his/their") is often resolved by MT into the nearest name: "the party
decided to re-elect Xi as its leader" comes out as "re-elect Xi as Xi's leader", which
makes Xi his own leader. The detector looks for NAME + connector + NAME's, the same name
(one to three capitalised words) on both sides of one connector word:

- `as` ("Xi as Xi's leader"): the possessor is someone else (the body that elects or
  appoints), so the fix writes "its" (unsafe: "their" or "his" may be meant).
- `and`, `with` ("Putin and Putin's government"): flagged; the fix writes the pronoun
  given by `pronoun` when set, else none (the referent's gender is unknown).

Company names built on a doubled name ("Johnson and Johnson's") are skipped through
`exceptions`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from qc.finding import Edit, Finding
from qc.lint.document import Document
from qc.lint.kinds import RuleKind, register
from qc.lint.prefilter import relax

NAME = r"[A-Z][\w\-]*(?:\s+[A-Z][\w\-]*){0,2}"
MAX_NAME = 40  # characters of a name (three words) the look-back allows for
POSSESSIVE = re.compile(r"['’]s\b")
LAST_WORD = re.compile(r"([A-Z][\w\-]*)\Z")


@register("pronoun")
class Pronoun(RuleKind):
    params_schema = {
        "type": "object",
        "required": ["connectors"],
        "additionalProperties": False,
        "properties": {
            "connectors": {"type": "array", "items": {"type": "string", "pattern": "^[a-z]+$"}, "minItems": 1},
            "pronoun": {"type": "string", "minLength": 1},
            "exceptions": {"type": "array", "items": {"type": "string", "minLength": 1}},
        },
    }

    def __init__(self, rule: Any) -> None:
        super().__init__(rule)
        params = rule.params
        self.connectors = params["connectors"]
        self.pronoun = params.get("pronoun")
        self.exceptions = {e.lower() for e in params.get("exceptions", [])}
        joined = "|".join(re.escape(c) for c in self.connectors)
        self.spaced = [f" {c} " for c in self.connectors]
        # NAME connector NAME's, the second NAME a backreference: one regex pass, linear in practice
        # because the leading capital letter anchors it.
        self.regex = re.compile(rf"(?<![\w'’\-])(?P<name>{NAME})\s+(?P<conn>{joined})\s+(?P<poss>(?P=name)['’]s)\Z")

    def triggers(self) -> Iterable[str] | None:
        return ["'s", "’s"]

    def prefilter(self) -> str | None:
        # "NAME as NAME's" with the second NAME any capitalised name: rare, where "'s" is not
        return relax(self.regex.pattern)

    def check(self, doc: Document) -> Iterator[Finding]:
        # Find the possessives first (a two-character search), then look back a short way.
        text = doc.text
        for poss_start, poss_end, last_word in possessives(doc):
            lo = max(0, poss_start - 2 * MAX_NAME - 8)
            window = text[lo:poss_start]
            if not any(last_word + c in window for c in self.spaced):
                continue
            match = self.regex.search(text, lo, poss_end)
            if match is None:
                continue
            name = match.group("name")
            if name.split()[0].lower() in {"the", "a", "an", "and", "as", "with", "in", "on", "of", "to", "for", "but", "or"}:
                continue
            if f"{name} {match.group('conn')} {name}".lower() in self.exceptions:
                continue
            start, end = match.span("poss")
            edits = [Edit(start, end, self.pronoun)] if self.pronoun else None
            noun = re.match(r"\s+([a-z][\w\-]*)", text[end : end + 40])
            values = {
                "name": name,
                "connector": match.group("conn"),
                "pronoun": self.pronoun or "a pronoun",
                "noun": noun.group(1) if noun else "",
            }
            yield self.finding(doc, match.start(), match.end(), values, edits)


def possessives(doc: Document) -> list[tuple[int, int, str]]:
    """(start, end, capitalised word right before) of every 's that follows such a word;
    computed once per document for every pronoun rule."""
    cached = doc.scratch.possessives
    if cached is None:
        text = doc.text
        cached = []
        for poss in POSSESSIVE.finditer(text):
            last = LAST_WORD.search(text, max(0, poss.start() - MAX_NAME), poss.start())
            if last is not None:
                cached.append((poss.start(), poss.end(), last.group(1)))
        doc.scratch.possessives = cached
    return cached
