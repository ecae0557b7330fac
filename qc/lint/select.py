"""Rule selection by code prefix, as ruff does: select / extend-select / ignore / per-file-ignores.

Codes are case-insensitive (normalised to upper case). A code or prefix that names no rule
is an error, never a silent no-op: a typo in `--select` would otherwise turn every check off.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Sequence

from qc.lint.rule import Rule

ALL = "ALL"
# Codes qc itself emits (not from a pack): unused suppression, unknown code in a suppression.
BUILTIN_CODES = ("QC001", "QC002")


def normalise(codes: Iterable[str]) -> list[str]:
    return [code.strip().upper() for code in codes if code.strip()]


def matches(rule_id: str, codes: Iterable[str]) -> bool:
    return any(code == ALL or rule_id.startswith(code) for code in codes)


def select_rules(rules: Sequence[Rule], select: Iterable[str], extend_select: Iterable[str] = (), ignore: Iterable[str] = ()) -> list[Rule]:
    select = normalise(select) + normalise(extend_select)
    ignore = normalise(ignore)
    return [r for r in rules if matches(r.id, select) and not matches(r.id, ignore)]


def ignored_for_path(path: str, per_file_ignores: dict[str, list[str]]) -> list[str]:
    codes: list[str] = []
    for pattern, rule_codes in per_file_ignores.items():
        if fnmatch.fnmatch(path, pattern) or fnmatch.fnmatch(path.rsplit("/", 1)[-1], pattern):
            codes.extend(normalise(rule_codes))
    return codes


def is_known(code: str, known_ids: Iterable[str]) -> bool:
    """A code is known when it is ALL or a prefix of some rule's id (case-insensitive)."""
    code = code.strip().upper()
    return code == ALL or any(rule_id.startswith(code) for rule_id in known_ids)


def unknown_codes(codes: Iterable[str], known_ids: Iterable[str]) -> list[str]:
    known = list(known_ids)
    return [code for code in codes if not is_known(code, known)]


def nearest_codes(code: str, known_ids: Iterable[str], limit: int = 3) -> list[str]:
    """The valid codes or prefixes closest to `code` (rapidfuzz edit similarity)."""
    from rapidfuzz import fuzz, process

    candidates = sorted({rule_id[:n] for rule_id in known_ids for n in range(2, len(rule_id) + 1)})
    found = process.extract(code.strip().upper(), candidates, scorer=fuzz.ratio, limit=limit, score_cutoff=40)
    return [choice for choice, _score, _index in found]


def retired_codes(rules: Iterable[Rule]) -> dict[str, str]:
    """Retired rule codes -> the rule that now makes their checks (a rule's `replaces:`)."""
    return {old: rule.id for rule in rules for old in rule.replaces}


def redirect(codes: list[str], retired: dict[str, str]) -> list[tuple[str, str]]:
    """Rewrite, in place, each code that names a retired rule to its successor's code;
    returns the (old, new) pairs rewritten, for a notice."""
    rewritten: list[tuple[str, str]] = []
    for index, code in enumerate(codes):
        successor = retired.get(code.strip().upper())
        if successor is not None:
            codes[index] = successor
            rewritten.append((code.strip().upper(), successor))
    return rewritten


def describe_unknown(code: str, known_ids: Iterable[str]) -> str:
    known_ids = list(known_ids)
    near = nearest_codes(code, known_ids)
    families = sorted({rule_id.rstrip("0123456789") for rule_id in known_ids})
    hint = f"; did you mean {', '.join(near)}?" if near else f"; codes start with {', '.join(families)}"
    return f"unknown rule code or prefix '{code}'{hint} (`qc rules` lists them)"
