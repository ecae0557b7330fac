"""Run the examples every rule carries, as LanguageTool does: bad ones must be caught and fixed
exactly as written, good ones must stay quiet, and a fixed text must not fire the rule again."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from qc.fix import fix_text
from qc.lint.engine import Linter
from qc.lint.rule import BadExample, GoodExample, Rule


@dataclass(frozen=True)
class ExampleCase:
    rule: Rule
    example: BadExample | GoodExample

    @property
    def id(self) -> str:
        kind = "bad" if isinstance(self.example, BadExample) else "good"
        return f"{self.rule.id}-{kind}-L{self.example.line}"


def cases(rules: list[Rule]) -> Iterator[ExampleCase]:
    for rule in rules:
        for bad in rule.bad:
            yield ExampleCase(rule, bad)
        for good in rule.good:
            yield ExampleCase(rule, good)


def check_case(case: ExampleCase, linter: Linter | None = None) -> str | None:
    """None when the example behaves as stated, else a sentence saying what went wrong."""
    rule = case.rule
    linter = linter or Linter([rule])
    example = case.example
    findings = [f for f in linter.lint(example.text) if f.rule == rule.id]
    if isinstance(example, GoodExample):
        if findings:
            spans = ", ".join(repr(f.text) for f in findings)
            return f"good example flagged at {spans}: {example.text!r}"
        return None
    if not findings:
        return f"bad example not flagged: {example.text!r}"
    if example.fix is None:
        return None
    lint_rule = lambda t: [f for f in linter.lint(t) if f.rule == rule.id]  # noqa: E731
    fixed = fix_text(example.text, lint_rule, unsafe=True, findings=findings).text
    if fixed != example.fix:
        return f"fix gave {fixed!r}, expected {example.fix!r}"
    again = lint_rule(fixed)
    if again:
        return f"rule fires again on its own fixed text at {again[0].text!r}"
    return None
