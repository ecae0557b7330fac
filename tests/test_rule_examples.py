"""Every example of every built-in rule is a test case (as LanguageTool does)."""

from __future__ import annotations

import pytest

from qc.consensus.examples import check_group_case, group_cases
from qc.lint.docs import documentation_problems
from qc.lint.examples import cases, check_case
from qc.lint.packs import default_rules

CASES = list(cases(default_rules()))
GROUP_CASES = list(group_cases(default_rules()))


def test_every_rule_has_examples() -> None:
    for rule in default_rules():
        group = getattr(rule.matcher, "group_examples", None)
        if callable(group):  # a rule whose findings come from a group of texts
            assert any(g.bad for g in group()), f"{rule.id} has no bad group example"
            assert any(not g.bad for g in group()), f"{rule.id} has no good group example"
            continue
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


@pytest.mark.parametrize("case", GROUP_CASES, ids=[c.id for c in GROUP_CASES])
def test_group_rule_example(case) -> None:
    """Rules whose findings come from a story group carry groups of texts as examples."""
    problem = check_group_case(case)
    assert problem is None, problem
