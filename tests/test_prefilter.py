"""Prefilters may let through texts where a check finds nothing, never the reverse.

relax() widens a Python regex into RE2; wherever the original finds a match, the widened
one must too. Checked on hand-picked constructs (lookarounds, backreferences, Unicode
classes, case folding), on random strings (hypothesis), and, for every default rule with
a prefilter, on the fixture articles and perturbed copies, comparing the findings of the
linter with prefilters against the findings of every check run unfiltered.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
import re2
from hypothesis import given, settings
from hypothesis import strategies as st

from qc.lint.engine import Linter
from qc.lint.packs import default_rules
from qc.lint.prefilter import PrefilterSet, relax

sys.path.insert(0, str(Path(__file__).parent))
from test_lint_batches import INSERTS, fixture_texts, perturb

# (python regex, flags, texts it matches): the relaxed form must match each text too.
CASES = [
    (r"(?<=[a-z] )(?:In|At)(?= [a-z])", 0, ["said In the", "x At b"]),
    (r" (?<=[a-z] )(?=[IA])(?:In|At)", 0, ["b In"]),
    (r"(?<![\w'])(\w+) \1\b", 0, ["the the", "été été"]),
    (r"\d{4}-\d{2}", 0, ["2023-02", "٢٠٢٣-٠٢"]),
    (r"[^\W\d_]{3}", 0, ["été", "abc"]),
    (r"\s+x", 0, ["\u2028x", "\u00a0x", "\x1cx", "\x0bx"]),
    (r"[^\s]x", 0, ["\u00e9x"]),
    (r"kiss", re.IGNORECASE, ["KISS", "\u212aİſs"]),
    (r"[a-k]ey", re.IGNORECASE, ["İey", "\u212aEY"]),
    (r"(?i:straße)", 0, ["STRASSE"[:0] + "Straße"]),
    (r"a.b", 0, ["a\u00e9b"]),
    (r"a.b", re.DOTALL, ["a\nb"]),
    (r"^ab$", re.MULTILINE, ["x\nab\ny"]),
    (r"(a)?(?(1)b|c)", 0, ["ab", "c"]),
    (r"x{2,5}?y", 0, ["xxy", "xxxxxy"]),
    (r"(?>ab|a)c", 0, ["abc"]),
    (r"[^a]b", 0, ["\U0001f600b"]),
    (r"(?P<n>[A-Z]\w*) as (?P=n)'s", 0, ["Xi as Xi's", "Zoë as Zoë's"]),
    (r"(a+)\1", re.IGNORECASE, ["aA"]),
]


@pytest.mark.parametrize(("pattern", "flags", "texts"), CASES)
def test_relaxed_matches_where_python_matches(pattern: str, flags: int, texts: list[str]) -> None:
    relaxed = re2.compile(relax(pattern, flags))
    for text in texts:
        if re.search(pattern, text, flags):
            assert relaxed.search(text), (pattern, relax(pattern, flags), text)


def test_lookarounds_at_the_edges_become_text() -> None:
    """A lookbehind at the start and a lookahead at the end are matched, not dropped: the
    widened MT607 still needs a lowercase letter before the capital."""
    relaxed = re2.compile(relax(r" (?<=[a-z] )(?:In|At)(?= [a-z])"))
    assert relaxed.search("said In the")
    assert not relaxed.search(". In the")
    assert not relaxed.search("said In The")


def test_a_backreference_repeats_its_groups_pattern() -> None:
    relaxed = re2.compile(relax(r"(?P<n>[A-Z]\w*) as (?P=n)'s"))
    assert relaxed.search("Xi as Xi's")
    assert not relaxed.search("Xi as its")


@pytest.mark.parametrize(
    ("pattern", "text"),
    [
        ("\ud800x", "a\ud800x"),
        ("[\ud800-\udfff]", "\udc00"),
        ("[^\ufffd]", "\ud800"),
        ("[^\ud800]", "\ufffd"),
        ("[\u0000-\uffff]b", "\udfffb"),
        ("[\ufff0-\uffff]", "\ufffd"),
    ],
)
def test_surrogates_and_the_replacement_character(pattern: str, text: str) -> None:
    """RE2 sees U+FFFD where the text holds a lone surrogate: the RE2 form must still match
    wherever Python's regex matches, a surrogate or a real U+FFFD."""
    assert re.search(pattern, text)
    assert PrefilterSet({0: relax(pattern)}).passing(text) == {0}


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="aAbB İıſ\u212a\n.é1٣_'-", max_size=30))
def test_relaxed_default_patterns_never_miss(text: str) -> None:
    for pattern, flags in default_patterns():
        if re.search(pattern, text, flags):
            assert re2.compile(relax(pattern, flags)).search(text), (pattern, text)


def default_patterns() -> list[tuple[str, int]]:
    found = []
    for rule in default_rules():
        if rule.kind == "pattern":
            found.append((rule.params["pattern"], rule.matcher.flags))
    return found


def test_every_default_pattern_has_a_prefilter() -> None:
    """The default pattern rules are all widened; a construct that made relax() give up
    would silently cost speed."""
    missing = [r.id for r in default_rules() if r.kind == "pattern" and r.matcher.prefilter() is None]
    assert missing == []


def test_prefilter_set_handles_lone_surrogates() -> None:
    prefilters = PrefilterSet({7: relax(r"a.b")})
    assert prefilters.passing("a\ud800b") == {7}
    assert prefilters.passing("ab") == set()


@pytest.fixture(scope="module")
def texts() -> list[str]:
    base = fixture_texts()
    return base + [perturb(t, i) for i, t in enumerate(base)] + [perturb(t, i + 99) for i, t in enumerate(base)] + [" ".join(INSERTS)]


def test_findings_equal_those_of_unfiltered_checks(texts: list[str]) -> None:
    rules = default_rules()
    filtered = Linter(rules)
    unfiltered = Linter(rules)
    unfiltered.prefilters = {}
    assert filtered.prefilters, "no rule has a prefilter: this test compares nothing"
    fired = set()
    for text in texts:
        got = filtered.lint(text)
        assert got == unfiltered.lint(text)
        fired.update(f.rule for f in got)
    ids = {filtered.rules[i].id for i in filtered.prefilters}
    assert len(ids & fired) >= 5, "the texts must exercise the prefiltered rules"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="sSbByY'’İIiK\u212a .\n-(&\"“”«Σσς", max_size=25))
def test_trigger_regexes_match_where_the_lowercase_holds_a_trigger(text: str) -> None:
    """The engine's RE2 form of the `in doc.lower` trigger test never misses a trigger."""
    from qc.lint.document import Document
    from qc.lint.engine import triggers_regex

    low = Document(text).lower
    for triggers in (("'s", "’s"), (" by ",), ("i",), ("k",), ("”. ", '". ')):
        if any(t in low for t in triggers):
            assert re2.compile(triggers_regex(triggers)).search(text), (triggers, text)


def test_a_trigger_with_a_sigma_stays_an_in_test() -> None:
    from qc.lint.engine import triggers_regex

    assert triggers_regex(("σ ",)) is None
    assert triggers_regex(("'s",)) is not None


def test_lowercase_class_shortcuts_hold_for_every_code_point() -> None:
    """lowercase_class's shortcuts: every character whose lowercase starts with an ASCII
    character is that character, its ASCII capital, or listed in ASCII_LOWERCASE_FROM; and
    no character lowercases to a caseless one other than itself."""
    from qc.lint.prefilter import ASCII_LOWERCASE_FROM

    for code in range(0x110000):
        if 0xD800 <= code <= 0xDFFF:
            continue
        x = chr(code)
        first = x.lower()[:1]
        if first.isascii() and x != first and not (x.isascii() and x == first.upper()):
            assert ASCII_LOWERCASE_FROM.get(first) == x, (hex(code), first)
        if x != first:  # lowercase_class's shortcut for caseless characters
            assert not (first.lower() == first == first.upper()), (hex(code), first)


def test_an_entry_re2_refuses_leaves_its_check_unfiltered() -> None:
    """A prefilter RE2 cannot compile must not silence its check, and a trigger regex it
    cannot compile falls back to the `in` test."""
    prefilters = PrefilterSet({1: "a", 2: "(?:(?:x){1000,}){1000,}"}, filtered=[1, 2])
    assert prefilters.failed == {2}
    assert prefilters.filtered == {1}
    assert prefilters.passing("a") == {1}

    rules = default_rules()
    linter = Linter(rules)
    index, triggers = linter.scanned_triggers[0]
    linter.trigger_regexes[index] = "(?:(?:x){1000,}){1000,}"
    linter.lint("warm up")
    assert (index, triggers) in linter.scanned_in_text
    reference = Linter(rules)
    for text in fixture_texts()[:30]:
        assert linter.lint(text) == reference.lint(text)
