"""`pattern`: a regular expression; named groups can be used in the message and the fix.

The fix `replacement` is a template with `{name}` for named groups and `{0}` for the
whole match; it replaces the whole match, or only the group named by `target`.
`unless` is a second regex: a match whose surrounding sentence window matches it is skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from qc.finding import Edit, Finding
from qc.lint.document import Document
from qc.lint.kinds import RuleKind, interpolate, register

FLAGS = {"ignorecase": re.IGNORECASE, "multiline": re.MULTILINE, "dotall": re.DOTALL, "verbose": re.VERBOSE}
# How far around a match `unless` looks (characters each side).
UNLESS_WINDOW = 60


def compile_regex(kind: RuleKind, source: str, flags: int) -> re.Pattern[str]:
    try:
        return re.compile(source, flags)
    except re.error as exc:
        raise kind.error(f"regex does not compile: {exc}") from None


@register("pattern")
class Pattern(RuleKind):
    params_schema = {
        "type": "object",
        "required": ["pattern"],
        "additionalProperties": False,
        "properties": {
            "pattern": {"type": "string", "minLength": 1},
            "flags": {"type": "array", "items": {"enum": sorted(FLAGS)}},
            "triggers": {"type": "array", "items": {"type": "string", "minLength": 1}},
            "target": {"type": "string"},
            "unless": {"type": "string", "minLength": 1},
        },
    }

    def __init__(self, rule: Any) -> None:
        super().__init__(rule)
        flags = 0
        for name in rule.params.get("flags", []):
            flags |= FLAGS[name]
        self.regex = compile_regex(self, rule.params["pattern"], flags)
        self.unless = compile_regex(self, rule.params["unless"], flags) if "unless" in rule.params else None
        self.target = rule.params.get("target")
        if self.target and self.target not in self.regex.groupindex:
            raise self.error(f"target group '{self.target}' is not a named group of the pattern")
        self._triggers = [t.lower() for t in rule.params.get("triggers", [])] or None

    def triggers(self) -> Iterable[str] | None:
        return self._triggers

    def check(self, doc: Document) -> Iterator[Finding]:
        for match in self.regex.finditer(doc.text):
            if match.end() == match.start():
                continue
            if self.unless is not None and self.excepted(doc, match):
                continue
            yield self.make_finding(doc, match)

    def excepted(self, doc: Document, match: re.Match[str]) -> bool:
        assert self.unless is not None
        lo = max(0, match.start() - UNLESS_WINDOW)
        hi = min(len(doc.text), match.end() + UNLESS_WINDOW)
        return any(m.start() <= match.start() - lo and m.end() >= match.end() - lo for m in self.unless.finditer(doc.text[lo:hi]))

    def make_finding(self, doc: Document, match: re.Match[str]) -> Finding:
        values: dict[str, Any] = {k: (v or "") for k, v in match.groupdict().items()}
        start, end = match.span(self.target) if self.target else match.span()
        edits = None
        fix = self.rule.fix
        if fix is not None and fix.replacement is not None:
            replacement = interpolate(fix.replacement.replace("{0}", "{match}"), {"match": match.group(0), **values})
            edits = [Edit(start, end, replacement)]
        values["match"] = match.group(0)
        return self.finding(doc, start, end, values, edits)
