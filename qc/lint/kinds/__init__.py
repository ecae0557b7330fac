"""Rule kinds: one module per kind, registered by name.

Adding a kind is a one-module change: drop a module in this package that defines a
subclass of `RuleKind` decorated with `@register("name")`; `load_kinds()` imports
every module here, so the kind becomes available to rule packs as `kind: name`.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable, Iterator
from typing import Any, ClassVar, TypeVar

from qc.errors import RulePackError
from qc.finding import Edit, Finding, rule_finding
from qc.lint.document import Batch, Document, PicklesWithoutViews
from qc.lint.rule import Rule

KINDS: dict[str, type[RuleKind]] = {}
# The parameters of a kind whose only knowledge is one data file (`data:`).
DATA_FILE_PARAMS: dict[str, Any] = {
    "type": "object",
    "required": ["data"],
    "additionalProperties": False,
    "properties": {"data": {"type": "string", "minLength": 1}},
}
K = TypeVar("K", bound="type[RuleKind]")


def register(name: str) -> Callable[[K], K]:
    def decorate(cls: K) -> K:
        cls.kind_name = name
        KINDS[name] = cls
        return cls

    return decorate


def load_kinds() -> dict[str, type[RuleKind]]:
    """Import every kind module in this package (once) and return the registry."""
    for info in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{info.name}")
    return KINDS


class RuleKind(PicklesWithoutViews):
    """A compiled rule of one kind.

    Literal kinds contribute phrases to the engine's shared Aho-Corasick automaton
    (`literals`) and receive each hit (`on_literal`); other kinds scan the document
    themselves (`check`). A kind may also name `triggers`: literals that must occur
    in the text for `check` to be worth running (a cheap prefilter from the same pass).
    """

    kind_name: ClassVar[str] = ""
    # JSON Schema for the kind's own parameters (everything in the rule that is not common).
    params_schema: ClassVar[dict[str, Any]] = {"type": "object"}

    def __init__(self, rule: Rule) -> None:
        self.rule = rule

    # -- the two ways of matching -------------------------------------------------
    def literals(self) -> Iterable[tuple[str, Any]]:
        """(phrase, payload) pairs to match case-insensitively in one pass over the text."""
        return ()

    def word_literals(self) -> Iterable[tuple[str, Any]]:
        """Like `literals`, but reported only as whole words: the engine checks the word
        boundaries itself before calling `on_literal`, which is much cheaper than a callback
        for every hit inside a longer word ("red" in "reduced")."""
        return ()

    def on_literal(self, doc: Document, start: int, end: int, payload: Any) -> Iterator[Finding]:
        return iter(())

    def triggers(self) -> Iterable[str] | None:
        """Literals (lowercase) of which one must occur for `check` to run; None: always run."""
        return None

    def check(self, doc: Document) -> Iterator[Finding]:
        return iter(())

    def prepare_batch(self, batch: Batch) -> None:
        """Called with the documents of a `Linter.lint_many` batch (`Linter.lint` lints a
        batch of one), before any of them is linted: a kind whose `check` needs a costly
        per-text view can compute it for the whole batch at once (array operations over all
        the text instead of many small ones) and keep it in each document's `scratch`. The
        default does nothing."""

    def prefilter(self) -> str | None:
        """An RE2 regex that matches somewhere in every text in which `check` can report a
        finding (it may match in more). The engine runs every prefilter in one RE2 pass over
        the text (qc/lint/prefilter.py) and skips `check` where its prefilter found nothing.
        None: no prefilter, `check` always runs (when triggered)."""
        return None

    # -- helpers for subclasses ----------------------------------------------------
    def error(self, reason: str) -> RulePackError:
        return RulePackError(str(self.rule.pack) if self.rule.pack else None, f"rule {self.rule.id}: {reason}", self.rule.line or None)

    def finding(
        self,
        doc: Document,
        start: int,
        end: int,
        values: dict[str, Any] | None = None,
        edits: Iterable[Edit] | None = None,
        fix_message: str = "",
        unsafe: bool = False,
    ) -> Finding:
        """A finding for text[start:end]; message and fix message interpolate {match} and `values`.
        `unsafe`: this fix changes more than the rule's fixes usually do (punctuation around
        the match, say), so it is never applied as safe whatever the rule says."""
        span = doc.text[start:end]
        fields = {"match": span, **(values or {})}
        return rule_finding(self.rule, start, end, span, fields, edits, fix_message, "unsafe" if unsafe else None)


def match_case(source: str, replacement: str) -> str:
    """Give `replacement` the capitalisation pattern of `source` (all caps, Title, lower)."""
    letters = [c for c in source if c.isalpha()]
    if not letters or not replacement:
        return replacement
    if len(letters) > 1 and all(c.isupper() for c in letters):
        return replacement.upper()
    if letters[0].isupper() and not replacement[0].isupper():
        return replacement[0].upper() + replacement[1:]
    return replacement
