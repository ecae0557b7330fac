"""Kind `consensus`: a rule whose findings come from the other versions of a story.

One text alone says nothing about these rules, so `check` yields nothing: the group
analyser (qc.consensus.findings) runs where qc sees three or more versions of a story
(`qc scan`/`score`/`eval` with `--peers`) and reports under the ids of the selected
rules of this kind, with their severity, message and fix applicability. Selection,
`--ignore`, per-file ignores and `qc: ignore` comments apply as to any rule.

Parameters: `check` (unsupported | divergent-number | divergent-name | unshared | omission), the
thresholds of qc.consensus.checks.Settings, and `data:` (gazetteer files whose names
count as canonical English: a canonical minority spelling beats a majority).

Examples: a group rule's examples are groups of texts, under `group_examples:` —
`bad: [{versions: [...], flagged: TEXT, fix: TEXT|null}]`, where the first version is
the one flagged (at TEXT; `fix` is that version after the rule's fixes), and
`good: [{versions: [...]}]`, groups in which no version is flagged. `qc rules test`
and the test suite run them (qc.consensus.examples) next to the single-text examples.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any, ClassVar

from qc.finding import Finding
from qc.lint.document import Document
from qc.lint.kinds import RuleKind, register

THRESHOLDS = ("support", "min_words", "majority", "max_agree", "name_similarity", "whole_text", "gap_share", "translations_only")
CHECKS = ("unsupported", "divergent-number", "divergent-name", "unshared", "omission")
VERSIONS = {"type": "array", "minItems": 3, "items": {"type": "string", "minLength": 1}}


@dataclass(frozen=True)
class GroupExample:
    versions: tuple[str, ...]
    flagged: str | None = None  # None: a good example (nobody flagged)
    fix: str | None = None
    bad: bool = False
    line: int = 0


@register("consensus")
class Consensus(RuleKind):
    params_schema: ClassVar[dict[str, Any]] = {
        "type": "object",
        "required": ["check"],
        "properties": {
            "check": {"enum": list(CHECKS)},
            "data": {"type": "array", "items": {"type": "string"}},
            "support": {"type": "number", "minimum": 0, "maximum": 1},
            "min_words": {"type": "integer", "minimum": 1},
            "majority": {"type": "number", "minimum": 0, "maximum": 1},
            "max_agree": {"type": "number", "minimum": 0, "maximum": 1},
            "name_similarity": {"type": "number", "minimum": 0, "maximum": 100},
            "whole_text": {"type": "number", "minimum": 0, "maximum": 1},
            "gap_share": {"type": "number", "minimum": 0, "maximum": 1},
            "translations_only": {"type": "boolean"},
            "group_examples": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "bad": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["versions", "flagged"],
                            "additionalProperties": False,
                            "properties": {"versions": VERSIONS, "flagged": {"type": "string"}, "fix": {"type": ["string", "null"]}},
                        },
                    },
                    "good": {
                        "type": "array",
                        "items": {"type": "object", "required": ["versions"], "additionalProperties": False, "properties": {"versions": VERSIONS}},
                    },
                },
            },
        },
    }

    def __init__(self, rule: Any) -> None:
        super().__init__(rule)
        self.check_name: str = rule.params["check"]
        self.data_files: tuple[str, ...] = tuple(rule.params.get("data") or ())
        if self.data_files:
            self.canonical  # noqa: B018 - load now: a missing file is reported at load time

    def check(self, doc: Document) -> Iterator[Finding]:
        return iter(())  # a text alone has no peers

    @property
    def thresholds(self) -> dict[str, Any]:
        """The rule's thresholds (qc.consensus.checks.Settings fields)."""
        return {k: v for k, v in self.rule.params.items() if k in THRESHOLDS}

    @cached_property
    def canonical(self) -> frozenset[str]:
        """Names the gazetteers list as correct English (names, variants, acronyms)."""
        from qc.lint.kinds.gazetteer import SCHEMAS, load_entries

        forms: set[str] = set()
        for relative in self.data_files:
            schema = relative.rsplit("/", 1)[-1].split(".")[0]
            if schema not in SCHEMAS:
                raise self.error(f"data file {relative}: canonical names come from {', '.join(sorted(SCHEMAS))} files")
            for entry in load_entries(self, relative, schema):
                forms.update(form for form in (*entry.forms, entry.acronym or "") if form)
        return frozenset(forms)

    def group_examples(self) -> list[GroupExample]:
        raw = self.rule.params.get("group_examples") or {}
        out = [GroupExample(tuple(b["versions"]), b["flagged"], b.get("fix"), True, self.rule.line) for b in raw.get("bad", [])]
        out += [GroupExample(tuple(g["versions"]), line=self.rule.line) for g in raw.get("good", [])]
        return out
