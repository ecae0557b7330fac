"""`pattern`: a regular expression; named groups can be used in the message and the fix.

The fix `replacement` is a template with `{name}` for named groups and `{0}` for the
whole match; it replaces the whole match, or only the group named by `target`.
`unless` is a second regex: a match whose surrounding sentence window matches it is skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from qc.finding import Edit, Finding, interpolate
from qc.lint.document import Document, lazy
from qc.lint.kinds import RuleKind, register
from qc.lint.prefilter import Unsupported, relax

FLAGS = {"ignorecase": re.IGNORECASE, "multiline": re.MULTILINE, "dotall": re.DOTALL, "verbose": re.VERBOSE}
# How far around a match `unless` looks (characters each side).
UNLESS_WINDOW = 60


SURROGATE = re.compile("[\ud800-\udfff]")
INLINE_FLAGS = {re.IGNORECASE: "i", re.MULTILINE: "m", re.DOTALL: "s"}


class LinearRegex:
    """google-re2 behind the small part of the `re` API the pattern kind uses.

    User packs are untrusted: RE2 runs in time linear in the text, so a catastrophic
    pattern such as `(a+)+$` cannot hang a scan. RE2 has no lookaround or backreferences.
    """

    def __init__(self, source: str, flags: int) -> None:
        import re2

        if flags & re.VERBOSE:
            raise ValueError("the 'verbose' flag is not available for untrusted packs")
        inline = "".join(c for flag, c in INLINE_FLAGS.items() if flags & flag)
        options = re2.Options()
        options.log_errors = False
        self.regex = re2.compile(f"(?{inline}){source}" if inline else source, options)
        self.groupindex = dict(self.regex.groupindex)

    def finditer(self, text: str) -> Iterator[LinearMatch]:
        # RE2 works on UTF-8, which cannot hold a lone surrogate (legal in .jsonl escapes):
        # match on a copy where each one is U+FFFD, so offsets stay the same.
        if not text.isascii() and SURROGATE.search(text):
            text = SURROGATE.sub("\ufffd", text)
        return (LinearMatch(m, self.groupindex) for m in self.regex.finditer(text))


class LinearMatch:
    def __init__(self, match: Any, groupindex: dict[str, int]) -> None:
        self.match = match
        self.groupindex = groupindex

    def span(self, group: int | str = 0) -> tuple[int, int]:
        return self.match.span(self.groupindex[group] if isinstance(group, str) else group)  # type: ignore[no-any-return]

    def start(self) -> int:
        return self.span()[0]

    def end(self) -> int:
        return self.span()[1]

    def group(self, group: int | str = 0) -> str:
        return self.match.group(self.groupindex[group] if isinstance(group, str) else group)  # type: ignore[no-any-return]

    def groupdict(self) -> dict[str, str | None]:
        return self.match.groupdict()  # type: ignore[no-any-return]


def compile_regex(kind: RuleKind, source: str, flags: int) -> Any:
    if kind.rule.trusted:
        try:
            return re.compile(source, flags)
        except re.error as exc:
            raise kind.error(f"regex does not compile: {exc}") from None
    try:
        return LinearRegex(source, flags)
    except Exception as exc:  # re2 raises its own error type; report any failure as the pack's
        detail = exc.args[0].decode("utf-8", "replace") if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        try:
            re.compile(source, flags)
        except re.error as py_exc:
            raise kind.error(f"regex does not compile: {py_exc}") from None
        raise kind.error(
            f"regex needs features the linear-time engine for user packs lacks (lookaround, backreferences): {detail}; "
            "rewrite it, or trust the pack with --trust-rules"
        ) from None


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
        self.flags = flags
        # Compiled now, so that a bad regex is reported at load time; the compiled-rules cache
        # stores neither (both are `lazy` views): each is compiled again on first use, so a process
        # pays only for the regexes its texts need (an untriggered rule, an `unless` no match needs).
        self.has_unless = "unless" in rule.params
        self.regex = compile_regex(self, rule.params["pattern"], flags)
        if self.has_unless:
            self.unless = compile_regex(self, rule.params["unless"], flags)
        self.target = rule.params.get("target")
        if self.target and self.target not in self.regex.groupindex:
            raise self.error(f"target group '{self.target}' is not a named group of the pattern")
        self._triggers = [t.lower() for t in rule.params.get("triggers", [])] or None
        self._prefilter = self.derive_prefilter()

    @lazy
    def regex(self) -> Any:
        return compile_regex(self, self.rule.params["pattern"], self.flags)

    @lazy
    def unless(self) -> Any:
        return compile_regex(self, self.rule.params["unless"], self.flags) if self.has_unless else None

    def triggers(self) -> Iterable[str] | None:
        return self._triggers

    def prefilter(self) -> str | None:
        return self._prefilter

    def derive_prefilter(self) -> str | None:
        """The regex widened into RE2 (qc.lint.prefilter.relax); computed at load, so the
        compiled-rules cache keeps it. Packs run on RE2 already (untrusted) get none: their
        source is RE2 syntax, which Python's parser may read differently."""
        if not self.rule.trusted:
            return None
        try:
            return relax(self.rule.params["pattern"], self.flags)
        except (Unsupported, re.error):
            return None

    def check(self, doc: Document) -> Iterator[Finding]:
        has_unless = self.has_unless
        for match in self.regex.finditer(doc.text):
            if match.end() == match.start():
                continue
            if has_unless and self.excepted(doc, match):
                continue
            yield self.make_finding(doc, match)

    def excepted(self, doc: Document, match: Any) -> bool:
        unless = self.unless
        assert unless is not None
        lo = max(0, match.start() - UNLESS_WINDOW)
        hi = min(len(doc.text), match.end() + UNLESS_WINDOW)
        return any(m.start() <= match.start() - lo and m.end() >= match.end() - lo for m in unless.finditer(doc.text[lo:hi]))

    def make_finding(self, doc: Document, match: Any) -> Finding:
        values: dict[str, Any] = {k: (v or "") for k, v in match.groupdict().items()}
        start, end = match.span(self.target) if self.target else match.span()
        edits = None
        fix = self.rule.fix
        if fix is not None and fix.replacement is not None:
            replacement = interpolate(fix.replacement.replace("{0}", "{match}"), {"match": match.group(0), **values})
            edits = [Edit(start, end, replacement)]
        values["match"] = match.group(0)
        return self.finding(doc, start, end, values, edits)
