"""Findings and fixes: plain dataclasses shared by the linter, the fixer and the formatters."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from collections.abc import Iterable
from typing import Any, Literal

Severity = Literal["error", "warning", "info"]
Applicability = Literal["safe", "unsafe"]

SEVERITY_RANK: dict[str, int] = {"info": 0, "warning": 1, "error": 2}
LONE_SURROGATE = re.compile("[\ud800-\udfff]")


class _KeepUnknown(dict):  # type: ignore[type-arg]
    """format_map values: an unknown placeholder stays as written instead of raising."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def interpolate(template: str, values: dict[str, Any]) -> str:
    """A rule's message or fix template with its {placeholders} filled from `values`."""
    try:
        return template.format_map(_KeepUnknown(values))
    except (ValueError, IndexError, AttributeError):
        return template


def escape_lone_surrogates(text: str) -> str:
    """A lone surrogate (legal in a .jsonl escape, impossible in UTF-8) as the six characters
    `\\udXXX`: every output qc writes is then valid UTF-8, and a JSON output stays exact
    (in JSON the escape is the same string; a raw surrogate can only sit inside a string)."""
    if LONE_SURROGATE.search(text) is None:
        return text
    return LONE_SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


@dataclass(frozen=True, order=True)
class Edit:
    """Replace text[start:end] with replacement (character offsets into the decoded text)."""

    start: int
    end: int
    replacement: str

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "replacement": self.replacement}


@dataclass(frozen=True)
class Fix:
    edits: tuple[Edit, ...]
    applicability: Applicability = "unsafe"
    message: str = ""

    @property
    def start(self) -> int:
        return min(e.start for e in self.edits)

    @property
    def end(self) -> int:
        return max(e.end for e in self.edits)

    def to_dict(self) -> dict[str, Any]:
        return {
            "applicability": self.applicability,
            "message": self.message,
            "edits": [e.to_dict() for e in self.edits],
        }


@dataclass
class Finding:
    """One rule match in one article."""

    rule: str
    name: str
    category: str
    severity: Severity
    message: str
    start: int
    end: int
    text: str
    fix: Fix | None = None
    path: str = ""
    # Filled by locate(): 1-based line/column of start and end, relative to the file.
    line: int = 0
    column: int = 0
    end_line: int = 0
    end_column: int = 0
    extra: dict[str, Any] = field(default_factory=dict)
    # Other places that support the finding, e.g. the versions of a story that say otherwise
    # (consensus rules): {"path", "start", "end"} and, when located, "line" and "column".
    related: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        d = self.base_dict()
        if self.related:  # only then: findings of one text keep the v1 shape exactly
            d["related"] = [dict(r) for r in self.related]
        return d

    def base_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "rule": self.rule,
            "name": self.name,
            "category": self.category,
            "severity": self.severity,
            "message": self.message,
            "start": self.start,
            "end": self.end,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "text": self.text,
            "fix": self.fix.to_dict() if self.fix else None,
        }


def rule_finding(
    rule: Any,
    start: int,
    end: int,
    text: str,
    values: dict[str, Any],
    edits: Iterable[Edit] | None = None,
    fix_message: str = "",
    applicability: Applicability | None = None,
    related: list[dict[str, Any]] | None = None,
) -> Finding:
    """A finding of `rule` (a qc.lint.rule.Rule: id, name, category, severity, message and
    fix templates) for `text`, found at start:end. The message and the fix message (the
    rule's, unless `fix_message`) interpolate `values`. It has a fix only when the rule has
    one and `edits` holds at least one edit; `applicability` overrides the rule's."""
    fix = None
    edit_tuple = tuple(edits) if edits is not None and rule.fix is not None else ()
    if edit_tuple:
        message = interpolate(fix_message or rule.fix.message or "", values)
        fix = Fix(edit_tuple, applicability or rule.fix.applicability, message)
    return Finding(
        rule=rule.id,
        name=rule.name,
        category=rule.category,
        severity=rule.severity,
        message=interpolate(rule.message, values),
        start=start,
        end=end,
        text=text,
        fix=fix,
        related=related or [],
    )


@dataclass(frozen=True)
class RuleInfo:
    """What formatters need to know about a rule (SARIF rule metadata, listings)."""

    id: str
    name: str
    category: str
    severity: Severity
    message: str
    docs: str = ""
    fixable: bool = False
    builtin: bool = False  # from qc's own packs, so documented in docs/rules.md (qc.report.links)


@dataclass
class ScanResult:
    """Everything one `qc scan` run produced, handed to a formatter."""

    findings: list[Finding] = field(default_factory=list)
    errors: list[Any] = field(default_factory=list)  # qc.errors.QcError values
    rules: dict[str, RuleInfo] = field(default_factory=dict)  # active rules by id
    files_scanned: int = 0
    articles_scanned: int = 0
    fixes_applied: int = 0
    # Per-article extras keyed by Article.ref (e.g. quality score); formatters copy it as is.
    articles: dict[str, dict[str, Any]] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        by_severity = {s: 0 for s in ("error", "warning", "info")}
        by_rule: dict[str, int] = {}
        fixable = {"safe": 0, "unsafe": 0}
        for f in self.findings:
            by_severity[f.severity] = by_severity.get(f.severity, 0) + 1
            by_rule[f.rule] = by_rule.get(f.rule, 0) + 1
            if f.fix is not None:
                fixable[f.fix.applicability] += 1
        return {
            "files": self.files_scanned,
            "articles_scanned": self.articles_scanned,
            "findings": len(self.findings),
            "by_severity": by_severity,
            "by_rule": dict(sorted(by_rule.items())),
            "fixable": fixable,
            "fixes_applied": self.fixes_applied,
            "errors": [e.describe() if hasattr(e, "describe") else str(e) for e in self.errors],
            "articles": self.articles,
        }


def finding_from_dict(data: dict[str, Any]) -> Finding:
    """Inverse of Finding.to_dict (used by the cache and by parallel workers' results)."""
    fix = data.get("fix")
    return Finding(
        rule=data["rule"],
        name=data["name"],
        category=data["category"],
        severity=data["severity"],
        message=data["message"],
        start=data["start"],
        end=data["end"],
        text=data["text"],
        fix=Fix(tuple(Edit(**e) for e in fix["edits"]), fix["applicability"], fix.get("message", "")) if fix else None,
        path=data["path"],
        line=data["line"],
        column=data["column"],
        end_line=data["end_line"],
        end_column=data["end_column"],
        related=[dict(r) for r in data.get("related") or ()],
    )
