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
        seen = 0
        for text in TEXTS:
            received.clear()
            linter.lint(text)
            expected = brute_force_word_hits(text, words)
            assert (received[0] if received else []) == expected, (rule.id, text)
            seen += len(expected)
        assert seen > 10, rule.id
        monkeypatch.undo()


def test_wordlike_triggers() -> None:
    assert is_wordlike("taiwan") and is_wordlike("ministry ") and is_wordlike("kmt")
    assert not any(is_wordlike(t) for t in (". ", "'s", "’s", " by ", "”. ", "-\n", "(", "&", "«"))
