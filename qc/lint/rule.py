"""The rule model: what a rule pack entry becomes after validation."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qc.finding import Applicability, RuleInfo, Severity

CATEGORIES = (
    "mistranslation/named-entity",
    "mistranslation/calque",
    "untranslated",
    "typography",
    "duplication",
    "garble",
    "grammar",
    "consensus",  # what the other versions of a story say otherwise (qc.consensus)
)
SEVERITIES = ("error", "warning", "info")
# stable: settled behaviour; preview: heuristic or little measured, may change (both run by default).
STATUSES = ("stable", "preview")


@dataclass(frozen=True)
class BadExample:
    text: str
    fix: str | None  # expected text after applying this rule's fixes (None: flagged, no fix expected)
    line: int = 0


@dataclass(frozen=True)
class GoodExample:
    text: str
    line: int = 0


@dataclass(frozen=True)
class FixSpec:
    applicability: Applicability
    replacement: str | None = None  # template; kinds that compute replacements leave it None
    message: str = ""


@dataclass
class Rule:
    id: str
    name: str
    kind: str
    category: str
    severity: Severity
    message: str
    params: dict[str, Any]
    fix: FixSpec | None = None
    docs: str = ""
    status: str = ""  # one of STATUSES; "" when a user's pack does not say
    bad: list[BadExample] = field(default_factory=list)
    good: list[GoodExample] = field(default_factory=list)
    pack: Path | None = None
    line: int = 0  # line of the rule in its pack, for error messages
    matcher: Any = field(default=None, repr=False, compare=False)  # the compiled RuleKind
    # Built-in packs are trusted; a user's pack runs its regexes on a linear-time engine.
    trusted: bool = False
    source: Path | None = None  # the pack file's real location (data files resolve against it)
    # Codes of retired rules whose checks this rule now makes: selections, ignores and
    # suppressions naming them are read as this rule (as ruff's rule redirects).
    replaces: tuple[str, ...] = ()

    @property
    def where(self) -> str:
        return f"{self.pack}:{self.line}" if self.pack else self.id

    def info(self) -> RuleInfo:
        from qc.lint.packs import is_builtin  # the pack loader imports this module

        builtin = self.source is not None and is_builtin(self.source)
        return RuleInfo(self.id, self.name, self.category, self.severity, self.message, self.docs, self.fix is not None, builtin)
