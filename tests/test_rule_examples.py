"""Every example of every built-in rule is a test case (as LanguageTool does)."""

from __future__ import annotations

import pytest

from qc.lint.docs import documentation_problems
from qc.lint.examples import cases, check_case
from qc.lint.packs import default_rules

CASES = list(cases(default_rules()))


def test_every_rule_has_examples() -> None:
    for rule in default_rules():
        assert rule.bad, f"{rule.id} has no bad example"
        assert rule.good, f"{rule.id} has no good example"


@pytest.mark.parametrize("rule", default_rules(), ids=lambda r: r.id)
def test_every_rule_is_documented(rule) -> None:
    """Built-in rules carry docs (ruff-style) and a status; a user's pack may leave both out."""
    problems = documentation_problems(rule)
    assert not problems, f"{rule.id} ({rule.where}) " + "; ".join(problems)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_rule_example(case) -> None:
    problem = check_case(case)
    assert problem is None, problem
