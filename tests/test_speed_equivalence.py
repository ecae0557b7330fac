"""The engine's bulk paths hand the rule kinds exactly what the per-hit paths did."""

from __future__ import annotations

from typing import Any

import pytest

from qc.lint.document import Document, is_word_char
from qc.lint.engine import Linter, is_wordlike
from qc.lint.packs import default_rules

TEXTS = [
    "The Organization of cooperation from Shanghai met the Council of Security of the UN.",
    "The co-operation organisation of Shanghai; national police said the United States' state press.",
    "reduced statesmen _state state_ state2 2state state-owned STATE State.\n\nPeople's Republic",
    "İnternational Atomic Energy Agency, the agency of energy atomic international",
    "",
]


def brute_force_word_hits(text: str, words: dict[str, Any]) -> list[tuple[int, int, Any]]:
    """Every whole-word occurrence of every word in the lowercase text, in the order an
    Aho-Corasick pass reports them: by end, the longer first when two end together."""
    low = Document(text).lower
    hits = []
    for word, payload in words.items():
        i = low.find(word)
        while i >= 0:
            end = i + len(word)
            if (i == 0 or not is_word_char(low[i - 1])) and (end == len(low) or not is_word_char(low[end])):
                hits.append((i, end, payload))
            i = low.find(word, i + 1)
    return sorted(hits, key=lambda h: (h[1], -(h[1] - h[0])))


@pytest.fixture(scope="module")
def rules():  # type: ignore[no-untyped-def]
    return default_rules()


def test_collected_words_equal_a_brute_force_search(rules, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    collectors = [r for r in rules if r.matcher.collects_words]
    assert collectors, "no kind collects its words: nothing is compared"
    linter = Linter(rules)
    for rule in collectors:
        matcher = rule.matcher
        received: list[list[tuple[int, int, Any]]] = []
        monkeypatch.setattr(matcher, "on_words", lambda doc, hits: received.append(list(hits)) or iter(()))
        words = dict(matcher.word_literals())
        assert any(not w.isalnum() for w in words), "no word with a hyphen or apostrophe: a path goes untested"
        seen = 0
        for text in [*TEXTS, *(t.upper() for t in TEXTS), "“State” — people’s national; state’s\u00a0Red\u2009air 😀state"]:
            received.clear()
            linter.lint(text)
            expected = brute_force_word_hits(text, words)
            assert (received[0] if received else []) == expected, (rule.id, text)
            seen += len(expected)
        assert seen > 30, rule.id
        monkeypatch.undo()


def test_wordlike_triggers() -> None:
    assert is_wordlike("taiwan") and is_wordlike("ministry ") and is_wordlike("kmt")
    assert not any(is_wordlike(t) for t in (". ", "'s", "’s", " by ", "”. ", "-\n", "(", "&", "«"))


def test_rules_work_after_pickling(rules) -> None:  # type: ignore[no-untyped-def]
    """The compiled-rules cache pickles matchers; the foreign-acronym automaton is rebuilt on use."""
    import pickle

    texts = [*TEXTS, "The OTAN summit; the CEO said; OMS officials met the UE", "the ONU and the МАГАТЭ"]
    loaded = pickle.loads(pickle.dumps(rules))
    fresh, cached = Linter(rules), Linter(loaded)
    results = [[(f.rule, f.start, f.end, f.message) for f in fresh.lint(t)] for t in texts]
    assert results == [[(f.rule, f.start, f.end, f.message) for f in cached.lint(t)] for t in texts]
    assert sum(f[0] == "MT112" for found in results for f in found) >= 3


def test_foreign_acronym_with_a_dotted_capital_i(rules) -> None:  # type: ignore[no-untyped-def]
    """TÜİK lowercases to five characters ("i" + combining dot), so the lowercase literal of the
    shared pass never matched it; the case-sensitive pass finds it as written."""
    linter = Linter([r for r in rules if r.id == "MT112"])
    found = linter.lint("Figures from TÜİK showed that inflation rose.")
    assert [(f.text, f.fix.edits[0].replacement) for f in found if f.fix] == [("TÜİK", "TurkStat")]
    assert not linter.lint("Figures from TÜİKS and xTÜİK showed nothing.")


def test_closing_quote_regex_equals_the_lookbehind_first_form(rules) -> None:  # type: ignore[no-untyped-def]
    """MT402's pattern starts with the quote mark (fast to scan for); the form it replaced put
    the look-behind first. Same matches, groups and spans."""
    import re

    rule = next(r for r in rules if r.id == "MT402")
    new = re.compile(rule.params["pattern"], re.MULTILINE)
    old = re.compile(r"(?:(?<=[\s(\[—–])|^)(?P<q>”[ \t]?)(?=[\w‘’])", re.MULTILINE)
    texts = ["”a", "x”a", " ” a", "(”b", "\n”c", "—”d", "–”e", "a\n”x", "”", " ”", "”‘", "x ”’", "\t”\tz", "[” y", "\r”q", "a.”b ”c"]
    texts += [t * 3 for t in texts] + [" ".join(texts)]
    seen = 0
    for text in texts:
        expected = [(m.span(), m.span("q")) for m in old.finditer(text)]
        assert [(m.span(), m.span("q")) for m in new.finditer(text)] == expected, text
        seen += len(expected)
    assert seen > 20


def test_quote_balance_shortcut_changes_nothing(rules, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """Paragraphs whose quote marks pair up skip the mark-by-mark walk; with the shortcut
    off, the same findings on random quote soups (paragraph breaks included)."""
    import random

    import qc.lint.kinds.quotes as quotes

    linter = Linter([r for r in rules if r.id == "MT403"])
    rng = random.Random(3)
    pieces = ["“", "”", '"', "word ", "said. ", "\n\n", "“a” ", '"b" ']
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 40))) for _ in range(400)]
    fast = [[(f.start, f.end, f.message) for f in linter.lint(t)] for t in texts]
    monkeypatch.setattr(quotes, "balanced", lambda text, start=0, end=None: False)
    slow = [[(f.start, f.end, f.message) for f in linter.lint(t)] for t in texts]
    assert fast == slow
    assert sum(map(len, slow)) > 100 and sum(not found for found in slow) > 20


def test_lone_surrogates_change_no_match(rules) -> None:  # type: ignore[no-untyped-def]
    """ahocorasick_rs takes UTF-8, which cannot hold a lone surrogate (JSON can): the text is
    searched with a stand-in, and the literals on either side are found as without it."""
    linter = Linter(rules)
    clean = "He went to the OTAN summit. “a apple” and the the Organization of cooperation from Shanghai."
    for broken in (clean.replace(" summit", "\ud800summit"), "\udfff" + clean, clean + "\ud800"):
        expected = {(f.rule, f.text) for f in linter.lint(clean)}
        assert {(f.rule, f.text) for f in linter.lint(broken)} == expected
    assert {"MT112", "MT701", "MT501"} <= {f.rule for f in linter.lint(clean)}
