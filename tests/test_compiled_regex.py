"""Compiled regexes in the compiled-rules cache: stored as their programs, rebuilt equal."""

from __future__ import annotations

import pickle
import re

from qc.lint.compiled_regex import dumps, rebuild_pattern, reduce_pattern


def test_a_pattern_comes_back_equal_with_its_groups_and_flags() -> None:
    patterns = [
        re.compile(r"(?P<head>\b[A-Z][a-z]+)\s+(?P<tail>of|for)\b(?!\s+[A-Z])", re.IGNORECASE),
        re.compile(rb"ab+c?"),
        re.compile(r"(?x) a b # verbose\n", re.MULTILINE),
        re.compile("|".join(f"word{n}" for n in range(500))),
    ]
    for pattern in patterns:
        back = pickle.loads(dumps({"rule": [pattern]}))["rule"][0]
        assert back == pattern  # (equal patterns have the same program)
        assert back.groupindex == pattern.groupindex and back.flags == pattern.flags and back.groups == pattern.groups
        text = "The Bank of Spain, word42, abbc" if isinstance(pattern.pattern, str) else b"xabbc"
        assert [m.span() for m in back.finditer(text)] == [m.span() for m in pattern.finditer(text)]


def test_patterns_are_stored_as_programs_not_recompiled() -> None:
    rebuild, _args = reduce_pattern(re.compile(r"(a)(?P<b>b)"))
    assert rebuild is rebuild_pattern


def test_plain_pickles_still_read_them() -> None:
    pattern = re.compile(r"x+y")
    assert pickle.loads(pickle.dumps(pattern)) == pickle.loads(dumps(pattern))
