"""Every example of every built-in rule is a test case (as LanguageTool does)."""

from __future__ import annotations

import pytest

from qc.lint.examples import cases, check_case
from qc.lint.packs import default_rules

CASES = list(cases(default_rules()))


def test_every_rule_has_examples() -> None:
    for rule in default_rules():
        group = getattr(rule.matcher, "group_examples", None)
        if callable(group):  # a rule whose findings come from a group of texts
            assert any(g.bad for g in group()), f"{rule.id} has no bad group example"
            continue
        assert rule.bad, f"{rule.id} has no bad example"
        assert rule.good, f"{rule.id} has no good example"


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_rule_example(case) -> None:
    problem = check_case(case)
    assert problem is None, problem
