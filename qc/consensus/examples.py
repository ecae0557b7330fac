"""The examples of group rules (kind `consensus`): groups of texts instead of single texts.

A rule's `group_examples:` hold `bad` groups, whose first version must be flagged at
`flagged` and, when `fix` is given, become `fix` after the rule's fixes (and not be
flagged again), and `good` groups, in which no version may be flagged. `qc rules test`
and the test suite run them next to the single-text examples (qc.lint.examples).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from qc.consensus.findings import group_findings


@dataclass(frozen=True)
class GroupCase:
    rule: Any
    example: Any  # qc.lint.kinds.consensus.GroupExample
    number: int

    @property
    def id(self) -> str:
        return f"{self.rule.id}-group-{'bad' if self.example.bad else 'good'}-{self.number}"


def group_cases(rules: Sequence[Any]) -> Iterator[GroupCase]:
    for rule in rules:
        examples = getattr(rule.matcher, "group_examples", None)
        if callable(examples):
            for number, example in enumerate(examples()):
                yield GroupCase(rule, example, number)


def check_group_case(case: GroupCase) -> str | None:
    """None when the group example behaves as stated, else a sentence saying what went wrong."""
    example, rule = case.example, case.rule
    refs = [f"version {k + 1}" for k in range(len(example.versions))]
    found = group_findings(example.versions, refs, [rule])
    if not example.bad:
        flagged = [(refs[k], f.text) for k, fs in enumerate(found) for f in fs]
        return f"good group flagged: {flagged}" if flagged else None
    texts = [f.text for f in found[0]]
    if example.flagged not in texts:
        return f"bad group: version 1 not flagged at {example.flagged!r} (flagged: {texts})"
    if example.fix is None:
        return None
    fixed = example.versions[0]
    for edit in sorted((e for f in found[0] if f.fix for e in f.fix.edits), reverse=True):
        fixed = fixed[: edit.start] + edit.replacement + fixed[edit.end :]
    if fixed != example.fix:
        return f"fix gave {fixed!r}, expected {example.fix!r}"
    again = group_findings((fixed, *example.versions[1:]), refs, [rule])[0]
    return f"rule fires again on its own fixed text at {again[0].text!r}" if again else None
