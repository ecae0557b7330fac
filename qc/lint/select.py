"""Rule selection by code prefix, as ruff does: select / extend-select / ignore / per-file-ignores."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Sequence

from qc.lint.rule import Rule


def matches(rule_id: str, codes: Iterable[str]) -> bool:
    return any(code == "ALL" or rule_id.startswith(code) for code in codes)


def select_rules(rules: Sequence[Rule], select: Iterable[str], extend_select: Iterable[str] = (), ignore: Iterable[str] = ()) -> list[Rule]:
    select = list(select) + list(extend_select)
    ignore = list(ignore)
    return [r for r in rules if matches(r.id, select) and not matches(r.id, ignore)]


def ignored_for_path(path: str, per_file_ignores: dict[str, list[str]]) -> list[str]:
    codes: list[str] = []
    for pattern, rule_codes in per_file_ignores.items():
        if fnmatch.fnmatch(path, pattern) or fnmatch.fnmatch(path.rsplit("/", 1)[-1], pattern):
            codes.extend(rule_codes)
    return codes
