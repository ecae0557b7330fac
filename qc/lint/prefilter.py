"""Prefilters: one RE2 pass that tells which regex-driven checks can find anything in a text.

Most rules find nothing in most articles, yet each `check` scanned the whole text with
Python's backtracking `re` to learn that. A kind may name a *prefilter*: an RE2 regex
that matches somewhere in every text in which its check can report a finding (it may
match more often; it must never match less). The engine adds every prefilter to one
`re2.Set`, whose DFA scans a text once for all of them, and runs a check only when its
prefilter matched.

`relax()` derives the prefilter of a Python regex (the `pattern` kind) from its parse
tree, keeping only what RE2 can run and widening everything else, so the result matches
a superset of the texts the original matches:
- lookarounds, anchors and word boundaries are assertions: dropped (they only restrict);
- a backreference becomes its group's pattern (or `.*` under IGNORECASE);
- a counted repeat `{m,n}` becomes `{m,}` (an upper bound is what blows up a DFA);
- Unicode classes (`\\w`, `\\d`, `\\s`) become their ASCII members plus all non-ASCII
  characters outside a negated set, and RE2's ASCII classes inside one (a negated ASCII
  class excludes less);
- under IGNORECASE, every literal and set gets, spelled out, the characters Python's own
  engine matches case-insensitively (RE2 folds case slightly differently: "İ" matches
  `(?i)i` in Python only).
"""

from __future__ import annotations

import _sre
import re
import re._constants as sre  # the parse tree's opcodes; stable across 3.11-3.13
import re._parser as sre_parse
from collections.abc import Iterable, Mapping
from functools import cache, lru_cache
from re._casefix import _EXTRA_CASES as EXTRA_CASES
from typing import Any

# (EXTRA_CASES: Python's extra case-insensitive pairs, ſ ~ s, ı ~ i, µ ~ μ ...)

SURROGATE = re.compile("[\ud800-\udfff]")
# RE2's limit on a counted repeat.
MAX_REPEAT_COUNT = 1000
# Outside a negated set: Python's Unicode class, widened to its ASCII members plus every
# non-ASCII character. Unicode property classes (\p{L}) would be tighter but take RE2
# milliseconds each to compile, in every process; English text is mostly ASCII anyway.
NON_ASCII = r"\x{80}-\x{10ffff}"
CLASS_POSITIVE = {
    sre.CATEGORY_WORD: r"0-9A-Z_a-z" + NON_ASCII,
    sre.CATEGORY_DIGIT: r"0-9" + NON_ASCII,
    sre.CATEGORY_SPACE: r"\x{9}-\x{d}\x{1c}-\x{20}" + NON_ASCII,
    # RE2's negated classes are ASCII: "not [0-9A-Za-z_]" holds every non-word character.
    sre.CATEGORY_NOT_WORD: r"\W",
    sre.CATEGORY_NOT_DIGIT: r"\D",
    sre.CATEGORY_NOT_SPACE: r"\S",
}
# Inside a negated set: RE2's ASCII classes exclude fewer characters than Python's.
CLASS_IN_NEGATED = {sre.CATEGORY_WORD: r"\w", sre.CATEGORY_DIGIT: r"\d", sre.CATEGORY_SPACE: r"\s"}
REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", sre.MAX_REPEAT))


class Unsupported(ValueError):
    """The regex holds something relax() cannot widen safely; the rule runs unfiltered."""


def relax(source: str, flags: int = 0) -> str:
    """An RE2 regex matching (somewhere) in every text where `re.compile(source, flags)`
    finds a match (see the module docstring). Raises Unsupported or re.error."""
    tree = sre_parse.parse(source, flags)
    return Relaxer(tree.state.flags, groups(tree)).sequence(list(tree), top=True, head=True, tail=True)


def groups(tree: Any) -> dict[int, Any]:
    """Group number -> the group's parsed body, for every capturing group in the tree."""
    found: dict[int, Any] = {}

    def walk(items: Iterable[tuple[Any, Any]]) -> None:
        for op, av in items:
            if op is sre.SUBPATTERN:
                if av[0] is not None:
                    found[av[0]] = av[3]
                walk(av[3])
            elif op is sre.BRANCH:
                for branch in av[1]:
                    walk(branch)
            elif op in REPEATS:
                walk(av[2])
            elif op in (sre.ASSERT, sre.ASSERT_NOT):
                walk(av[1])
            elif op is sre.GROUPREF_EXISTS:
                walk(av[1])
                if av[2] is not None:
                    walk(av[2])
            elif op is getattr(sre, "ATOMIC_GROUP", None):
                walk(av)

    walk(tree)
    return found


class Relaxer:
    """Writes a parse tree as RE2. `head`/`tail`: the element starts/ends every match of the
    whole regex, so a lookbehind/lookahead there can be matched as text instead of dropped:
    a match of `(?<=B)X` starts where B ends, so `BX` matches too; likewise `X(?=A)` -> `XA`.
    In the top-level sequence, any lookbehind can take the place of everything before it:
    what precedes it ends where B ends."""

    def __init__(self, flags: int, groups: Mapping[int, Any] | None = None) -> None:
        self.flags = flags
        self.groups = groups or {}
        self.expanding: set[int] = set()  # backreferences being written (a group may refer to itself)

    def sequence(self, items: list[tuple[Any, Any]], top: bool = False, head: bool = False, tail: bool = False) -> str:
        out: list[str] = []
        last = len(items) - 1
        for i, (op, av) in enumerate(items):
            if op is sre.ASSERT and av[0] < 0 and (top or (head and i == 0)):
                out = [self.sequence(list(av[1]))]  # a lookbehind: B's text, in place of what came before
            elif op is sre.ASSERT and av[0] > 0 and tail and i == last:
                out.append(self.sequence(list(av[1])))  # a final lookahead: A's text
            else:
                out.append(self.item(op, av, head and i == 0, tail and i == last))
        return "".join(out)

    def item(self, op: Any, av: Any, head: bool = False, tail: bool = False) -> str:
        ignorecase = bool(self.flags & re.IGNORECASE)
        if op is sre.LITERAL:
            return self.literal(av, ignorecase)
        if op is sre.NOT_LITERAL:
            if 0xD800 <= av <= 0xDFFF or av == 0xFFFD:
                return r"(?s:.)"  # see char_range: a negated set must not exclude U+FFFD
            return "[^" + "".join(map(char, case_variants(chr(av)) if ignorecase else [chr(av)])) + "]"
        if op is sre.ANY:
            return r"(?s:.)"
        if op is sre.IN:
            return self.charset(av, ignorecase)
        if op is sre.BRANCH:
            return "(?:" + "|".join(self.sequence(list(branch), head=head, tail=tail) for branch in av[1]) + ")"
        if op is sre.SUBPATTERN:
            _group, add, remove, body = av
            return self.scoped(add, remove, list(body), head, tail)
        if op in REPEATS:
            low, _high, body = av
            return "(?:" + self.sequence(list(body)) + ")" + repeat_suffix(low)
        if op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
            return ""
        if op is sre.GROUPREF:
            return self.backreference(av)
        if op is sre.GROUPREF_EXISTS:
            _group, yes, no = av
            return "(?:" + self.sequence(list(yes)) + "|" + (self.sequence(list(no)) if no is not None else "") + ")"
        if op is getattr(sre, "ATOMIC_GROUP", None):
            return "(?:" + self.sequence(list(av)) + ")"
        raise Unsupported(f"regex element {op} has no RE2 counterpart")

    def backreference(self, group: int) -> str:
        """What the group's own pattern matches: the text a backreference repeats matched it.
        Case-insensitively the repeat may differ in case from the group's pattern, and a
        group holding a reference to itself has no finite form: then any text."""
        if self.flags & re.IGNORECASE or group in self.expanding or group not in self.groups:
            return r"(?s:.*)"
        self.expanding.add(group)
        try:
            return "(?:" + self.sequence(list(self.groups[group])) + ")"
        finally:
            self.expanding.discard(group)

    def scoped(self, add: int, remove: int, body: list[tuple[Any, Any]], head: bool, tail: bool) -> str:
        outer = self.flags
        self.flags = (self.flags | add) & ~remove
        try:
            return "(?:" + self.sequence(body, head=head, tail=tail) + ")"
        finally:
            self.flags = outer

    def literal(self, code: int, ignorecase: bool) -> str:
        if not ignorecase:
            return char(chr(code))
        variants = case_variants(chr(code))
        return char(variants[0]) if len(variants) == 1 else "[" + "".join(map(char, variants)) + "]"

    def charset(self, items: list[tuple[Any, Any]], ignorecase: bool) -> str:
        negated = bool(items) and items[0][0] is sre.NEGATE
        if negated and any(op is sre.CATEGORY and av not in CLASS_IN_NEGATED for op, av in items):
            return r"(?s:.)"  # [^\W\d] (a letter): RE2 cannot say it; any character is a superset
        parts = []
        for op, av in items[1:] if negated else items:
            if op is sre.LITERAL:
                parts.append(char_range(av, av, negated))
            elif op is sre.RANGE:
                parts.append(char_range(av[0], av[1], negated))
            elif op is sre.CATEGORY:
                parts.append(category(av, negated))
            else:
                raise Unsupported(f"set element {op} has no RE2 counterpart")
        if ignorecase:
            parts.extend(char(c) for c in set_case_variants(items, negated))
        if not parts:
            return r"(?s:.)" if negated else "[^\\x{0}-\\x{10ffff}]"  # [^] and [] cannot be written
        return ("[^" if negated else "[") + "".join(parts) + "]"


def category(code: Any, negated: bool) -> str:
    return (CLASS_IN_NEGATED if negated else CLASS_POSITIVE)[code]


def char_range(low: int, high: int, negated: bool = False) -> str:
    """A range of a set, written for RE2, which has no surrogates: passing() turns a lone
    surrogate into U+FFFD. So a range holding surrogates also takes U+FFFD (it would have
    matched the surrogate), and a negated set must not exclude U+FFFD (a real one would
    match in Python): dropping it from the set keeps the RE2 form a superset."""
    spans = cut([(low, high)], 0xD800, 0xDFFF)
    if negated:
        spans = cut(spans, 0xFFFD, 0xFFFD)
    elif low <= 0xDFFF and high >= 0xD800:
        spans.append((0xFFFD, 0xFFFD))
    return "".join(char(chr(a)) if a == b else char(chr(a)) + "-" + char(chr(b)) for a, b in spans)


def cut(spans: list[tuple[int, int]], low: int, high: int) -> list[tuple[int, int]]:
    """The code point spans without low..high."""
    out = []
    for a, b in spans:
        if b < low or a > high:
            out.append((a, b))
            continue
        if a < low:
            out.append((a, low - 1))
        if b > high:
            out.append((high + 1, b))
    return out


def repeat_suffix(low: int) -> str:
    if low == 0:
        return "*"
    if low == 1:
        return "+"
    if low > MAX_REPEAT_COUNT:
        raise Unsupported(f"repeat count {low} is over RE2's limit")
    return f"{{{low},}}"


def char(c: str) -> str:
    """One character, written so that RE2 reads it literally inside or outside a set; a
    surrogate becomes U+FFFD, which passing() puts in its place in the text."""
    if 0xD800 <= ord(c) <= 0xDFFF:
        c = "\ufffd"
    return c if c.isascii() and c.isalnum() else f"\\x{{{ord(c):x}}}"


@lru_cache(maxsize=1)
def cased_characters() -> tuple[str, ...]:
    """Every character that changes under lower() or upper() (all are below U+1F000), and
    the few that Python's regex engine folds specially (re._casefix)."""
    found = []
    for code in range(0x1F000):
        c = chr(code)
        if 0xD800 <= code <= 0xDFFF:
            continue
        if c.lower() != c or c.upper() != c:
            found.append(c)
    return tuple(found)


# The only non-ASCII characters whose lowercase starts with an ASCII letter (İ -> i̇, K -> k);
# a test checks this against every code point. Knowing it spares scanning them all.
ASCII_LOWERCASE_FROM = {"i": "\u0130", "k": "\u212a"}


@cache
def lowercase_class(c: str) -> str:
    """An RE2 set of the characters whose lowercase (first character of it) is `c`."""
    if c.isascii():
        found = [c, *([c.upper()] if c.islower() else []), *ASCII_LOWERCASE_FROM.get(c, "")]
    elif c.lower() == c == c.upper():
        found = [c]  # caseless (quote marks, punctuation): no other character lowercases to it (tested)
    else:
        found = [c] + [x for x in cased_characters() if x != c and x.lower()[:1] == c]
    return char(c) if len(found) == 1 else "[" + "".join(map(char, found)) + "]"


@lru_cache(maxsize=1)
def by_simple_lowercase() -> dict[int, list[str]]:
    """The cased characters grouped by the simple lowercase that Python's regex engine
    compares case-insensitively (_sre.unicode_tolower)."""
    groups: dict[int, list[str]] = {}
    for x in cased_characters():
        groups.setdefault(_sre.unicode_tolower(ord(x)), []).append(x)
    return groups


@cache
def case_variants(c: str) -> list[str]:
    """`c` and every character that Python's `(?i)` matches in its place: those with the
    same simple lowercase, and re._casefix's extra cases (ſ for s, K for k ...), each
    confirmed by Python's engine itself."""
    groups = by_simple_lowercase()
    low = _sre.unicode_tolower(ord(c))
    candidates = [chr(low), *groups.get(low, ())]
    for extra in EXTRA_CASES.get(low, ()):
        candidates += [chr(extra), *groups.get(extra, ())]
    probe = re.compile(re.escape(c), re.IGNORECASE)
    return [c] + [x for x in dict.fromkeys(candidates) if x != c and probe.fullmatch(x)]


def set_case_variants(items: list[tuple[Any, Any]], negated: bool) -> list[str]:
    """For a case-insensitive set: the cased characters Python's engine puts in it (or, for
    a negated set, leaves out of it) beyond those the set names itself."""
    case_sensitive = re.compile(python_set_regex(items))
    insensitive = re.compile(python_set_regex(items), re.IGNORECASE)
    extra = []
    for x in cased_characters():
        # Ignoring case widens a set, so `x` differs only by being in the insensitive set and
        # not the sensitive one: a positive set must name it; a negated set excludes it
        # (Python's [^a] under IGNORECASE excludes A too), so its list must name it as well.
        if (insensitive.fullmatch(x) is not None) != (case_sensitive.fullmatch(x) is not None):
            extra.append(x)
    return extra


def python_set_regex(items: list[tuple[Any, Any]]) -> str:
    """A Python regex for one parsed set (to ask Python's engine which characters it holds)."""
    negated = bool(items) and items[0][0] is sre.NEGATE
    parts = []
    names = {
        sre.CATEGORY_WORD: r"\w",
        sre.CATEGORY_NOT_WORD: r"\W",
        sre.CATEGORY_DIGIT: r"\d",
        sre.CATEGORY_NOT_DIGIT: r"\D",
        sre.CATEGORY_SPACE: r"\s",
        sre.CATEGORY_NOT_SPACE: r"\S",
    }
    for op, av in items[1:] if negated else items:
        if op is sre.LITERAL:
            parts.append(re.escape(chr(av)))
        elif op is sre.RANGE:
            parts.append(re.escape(chr(av[0])) + "-" + re.escape(chr(av[1])))
        elif op is sre.CATEGORY:
            parts.append(names[av])
        else:
            raise Unsupported(f"set element {op}")
    return ("[^" if negated else "[") + "".join(parts) + "]" if parts else ("(?s:.)" if negated else "(?!)")


class PrefilterSet:
    """Every prefilter of a linter in one `re2.Set`: `passing(text)` names the keys (matcher
    positions) whose prefilter matched somewhere in the text.

    An entry RE2 refuses (a repeat over its limits, say) is left out and named in `failed`;
    its check must then run unfiltered. If the set as a whole does not compile, every
    entry has failed and `passing` matches nothing."""

    def __init__(self, prefilters: Mapping[int, str], filtered: Iterable[int] | None = None) -> None:
        import re2  # google-re2; imported only when a linter with prefilters runs

        options = re2.Options()
        options.log_errors = False
        # The DFA's memory budget. A Set never gives up on a slow DFA (RE2 only bails out for
        # single regexes); the budget must just hold a few states, which 64 MB does many times over.
        options.max_mem = 64 << 20
        self.set: Any = re2.Set.SearchSet(options)
        self.keys: list[int] = []
        self.failed: set[int] = set()
        for key, regex in prefilters.items():
            try:
                self.set.Add(regex)
            except re2.error:
                self.failed.add(key)
                continue
            self.keys.append(key)
        try:
            self.set.Compile()
        except re2.error:
            self.set, self.keys = None, []
            self.failed = set(prefilters)
        # the keys whose check is skipped when their entry does not match
        self.filtered = frozenset(self.keys if filtered is None else set(filtered) - self.failed)

    def passing(self, text: str) -> set[int]:
        if self.set is None:
            return set()
        # RE2 reads UTF-8, which cannot hold a lone surrogate (.jsonl escapes can): each
        # becomes U+FFFD, which every set that could have matched the surrogate matches too
        # (relax() writes its regexes for that). Encoding first and catching the rare
        # error is cheaper than searching every non-ASCII text for surrogates.
        try:
            data = text.encode("utf-8")
        except UnicodeEncodeError:
            data = SURROGATE.sub("\ufffd", text).encode("utf-8")
        keys = self.keys
        return {keys[i] for i in self.set.Match(data) or ()}
