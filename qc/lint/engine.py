"""The engine: every literal of every active rule in one Aho-Corasick pass, then the other kinds.

The cost of the literal pass grows with the text, not with the number of rules;
`pattern` and detector kinds run only when their trigger literals were seen (or
always, when they name none).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

import ahocorasick

from qc.finding import Finding
from qc.lint.document import Document
from qc.lint.kinds import RuleKind
from qc.lint.rule import Rule


class Linter:
    """Lints texts with a fixed set of rules."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules = list(rules)
        self.matchers: list[RuleKind] = [r.matcher for r in self.rules]
        self.automaton = self.build_automaton()
        self.untriggered: list[RuleKind] = []  # check() every time
        self.triggered: dict[str, list[RuleKind]] = defaultdict(list)
        for matcher in self.matchers:
            triggers = matcher.triggers()
            if triggers is None:
                self.untriggered.append(matcher)
            else:
                for trigger in triggers:
                    self.triggered[trigger].append(matcher)

    def build_automaton(self) -> ahocorasick.Automaton | None:
        entries: dict[str, list[tuple[str, RuleKind, Any]]] = defaultdict(list)
        for matcher in self.matchers:
            for phrase, payload in matcher.literals():
                entries[phrase].append(("literal", matcher, payload))
            for trigger in matcher.triggers() or ():
                entries[trigger].append(("trigger", matcher, None))
        if not entries:
            return None
        automaton = ahocorasick.Automaton()
        for phrase, values in entries.items():
            automaton.add_word(phrase, (len(phrase), values))
        automaton.make_automaton()
        return automaton

    def lint(self, text: str, metadata: dict[str, Any] | None = None) -> list[Finding]:
        doc = Document(text, metadata)
        findings: list[Finding] = []
        to_check: list[RuleKind] = list(self.untriggered)
        if self.automaton is not None and text:
            triggered_ids: set[int] = set()
            for end_index, (length, values) in self.automaton.iter(doc.lower):
                start = end_index - length + 1
                for role, matcher, payload in values:
                    if role == "literal":
                        findings.extend(matcher.on_literal(doc, start, end_index + 1, payload))
                    elif id(matcher) not in triggered_ids:
                        triggered_ids.add(id(matcher))
                        to_check.append(matcher)
        order = {id(m): i for i, m in enumerate(self.matchers)}
        for matcher in sorted(to_check, key=lambda m: order[id(m)]):
            findings.extend(matcher.check(doc))
        return dedupe(findings)


def dedupe(findings: Iterable[Finding]) -> list[Finding]:
    """Sorted by position; the same rule on the same span is reported once."""
    seen: set[tuple[str, int, int]] = set()
    result = []
    for f in sorted(findings, key=lambda f: (f.start, f.end, f.rule)):
        key = (f.rule, f.start, f.end)
        if key not in seen:
            seen.add(key)
            result.append(f)
    return result


@lru_cache(maxsize=1)
def default_linter() -> Linter:
    from qc.lint.packs import default_rules

    return Linter(default_rules())


def lint_text(text: str, metadata: dict[str, Any] | None = None) -> list[Finding]:
    """Lint with the default packs (for library users and the merge step of dedup)."""
    return default_linter().lint(text, metadata)
