"""Multi-pattern search with ahocorasick_rs (Rust), shared by the engine and the kinds with a pass of their own."""

from __future__ import annotations

import re
from typing import Any

SURROGATE = re.compile("[\ud800-\udfff]")


def find_all(automaton: Any, text: str, placeholder: str = "\x00") -> list[tuple[int, int, int]]:
    """Every overlapping match (pattern number, start, end) of an ahocorasick_rs automaton.

    It takes the text as UTF-8, which has no lone surrogates (JSON may carry one): they are
    replaced, one character each so offsets hold, by a control character that no pattern
    holds, so no match changes; like a surrogate, it is no word character either.
    """
    try:
        return automaton.find_matches_as_indexes(text, overlapping=True)  # type: ignore[no-any-return]
    except UnicodeEncodeError:
        return automaton.find_matches_as_indexes(SURROGATE.sub(placeholder, text), overlapping=True)  # type: ignore[no-any-return]
