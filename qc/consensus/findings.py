"""Consensus findings: the group analyser's issues as `Finding`s of the selected rules of
kind `consensus` (one rule per check), with the supporting versions as `related` places."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from qc.consensus.align import name_key
from qc.consensus.checks import MIN_VERSIONS, Group, Issue, Settings
from qc.finding import Edit, Finding, rule_finding

KIND = "consensus"


def consensus_rules(rules: Sequence[Any]) -> list[Any]:
    """The rules among `rules` (already selected) whose findings come from story groups."""
    return [r for r in rules if r.kind == KIND]


def run_check(group: Group, check: str, i: int, settings: Settings, canonical: frozenset[str]) -> list[Issue]:
    from qc.consensus import checks

    if check == "unsupported":
        return checks.unsupported(group, i, settings)
    if check == "divergent-number":
        return checks.divergent_numbers(group, i, settings)
    if check == "divergent-name":
        return checks.divergent_names(group, i, settings, canonical)
    if check == "unshared":
        return checks.unshared_anchors(group, i, settings)
    return checks.omissions(group, i, settings)


def group_issues(texts: Sequence[str], rules: Sequence[Any]) -> list[tuple[Any, Issue]]:
    """(rule, issue) for every check of the rules, over one group of versions."""
    rules = consensus_rules(rules)
    if len(texts) < MIN_VERSIONS or not rules:
        return []
    group = Group.of(texts)
    translations = is_translation_group(texts)
    out = []
    for rule in rules:
        kind = rule.matcher
        settings = Settings(**kind.thresholds)
        if settings.translations_only and not translations:
            continue  # different reports of one event: each may tell what the others do not
        canonical = canonical_keys(kind.canonical) if kind.data_files else frozenset()
        for i in range(len(texts)):
            out += [(rule, issue) for issue in run_check(group, kind.check_name, i, settings, canonical)]
    return out


TRANSLATION_AGREEMENT = 50.0  # mean chrF of a group that translates one source (qc.scoring uses the same)


def is_translation_group(texts: Sequence[str]) -> bool:
    from qc.consensus.agreement import agreements

    return sum(agreements(texts)) / len(texts) >= TRANSLATION_AGREEMENT


@lru_cache(maxsize=8)
def canonical_keys(forms: frozenset[str]) -> frozenset[str]:
    return frozenset(k for k in map(name_key, forms) if k)


def members_named(names: Sequence[str], limit: int = 3) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def to_finding(rule: Any, issue: Issue, refs: Sequence[str]) -> Finding:
    """A finding in version `issue.member` (offsets into its text); `related` names the
    supporting versions by `refs` (article refs), offsets into their texts."""
    supporters = [refs[j] for j, _, _ in issue.supporters]
    values = {
        "match": issue.found,
        "expected": issue.expected or "",
        "versions": issue.versions,
        "others": issue.versions - 1,
        "support": len(issue.supporters),
        "members": members_named(supporters),
        "omitted": shorten(issue.detail),
    }
    edits = None if issue.expected is None else [Edit(issue.start, issue.end, issue.expected)]
    related = [{"path": refs[j], "start": s, "end": e} for j, s, e in issue.supporters]
    return rule_finding(rule, issue.start, issue.end, issue.found, values, edits, related=related)


def shorten(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def group_findings(texts: Sequence[str], refs: Sequence[str], rules: Sequence[Any]) -> list[list[Finding]]:
    """The consensus findings of each version (offsets into its own text), in input order."""
    out: list[list[Finding]] = [[] for _ in texts]
    for rule, issue in group_issues(texts, rules):
        out[issue.member].append(to_finding(rule, issue, refs))
    for findings in out:
        findings.sort(key=lambda f: (f.start, f.end, f.rule))
    return out
