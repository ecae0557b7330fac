"""The text being linted, with lazily computed views that several rule kinds share."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Generic, TypeVar, overload

T = TypeVar("T")

PARAGRAPH_BREAK = re.compile(r"(?:\r?\n|\r)[ \t]*(?:\r?\n|\r)\s*")
# The same for text without carriage returns: a literal first character makes it ~20x faster.
PARAGRAPH_BREAK_LF = re.compile(r"\n[ \t]*\n\s*")
WORD = re.compile(r"\w+(?:[-'’]\w+)*")


def is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def trimmed(text: str, start: int, end: int, out: list[tuple[int, int]]) -> None:
    """Append text[start:end] with its surrounding whitespace left out, if anything is left."""
    if start < end and not text[start].isspace() and not text[end - 1].isspace():
        out.append((start, end))
        return
    chunk = text[start:end]
    stripped = chunk.strip()
    if stripped:
        lead = len(chunk) - len(chunk.lstrip())
        out.append((start + lead, start + lead + len(stripped)))


class lazy(Generic[T]):
    """functools.cached_property without its lock: computed on first access and stored in
    the instance, which then shadows it. Python 3.11's cached_property takes an RLock on
    every first access, a cost the linter paid for each view of each document; a Document
    belongs to one lint call in one thread."""

    def __init__(self, compute: Callable[[Any], T]) -> None:
        self.compute = compute
        self.name = compute.__name__
        self.__doc__ = compute.__doc__

    @overload
    def __get__(self, instance: None, owner: type | None = None) -> lazy[T]: ...
    @overload
    def __get__(self, instance: object, owner: type | None = None) -> T: ...
    def __get__(self, instance: object | None, owner: type | None = None) -> T | lazy[T]:
        if instance is None:
            return self
        value = instance.__dict__[self.name] = self.compute(instance)
        return value


class Document:
    """Text plus metadata; views (lowercase copy, paragraphs, words) are computed once on demand."""

    def __init__(self, text: str, metadata: dict[str, Any] | None = None) -> None:
        self.text = text
        self.metadata = metadata or {}

    @lazy
    def lower(self) -> str:
        """A lowercase copy with the same length, so offsets carry over to `text`."""
        low = self.text.lower()
        if len(low) == len(self.text):
            return low
        # A few characters (e.g. 'İ') lower to two code points; keep one per character.
        return "".join(ch.lower()[:1] for ch in self.text)

    @lazy
    def paragraphs(self) -> list[tuple[int, int]]:
        """(start, end) spans of paragraphs: runs of text separated by blank lines, whitespace trimmed."""
        text = self.text
        result: list[tuple[int, int]] = []
        breaks = PARAGRAPH_BREAK if "\r" in text else PARAGRAPH_BREAK_LF
        pos = 0
        for sep in breaks.finditer(text):
            end = sep.start()
            if pos < end and not text[pos].isspace() and not text[end - 1].isspace():
                result.append((pos, end))  # nothing to trim (nearly always): no call, no copies
            else:
                trimmed(text, pos, end, result)
            pos = sep.end()
        trimmed(text, pos, len(text), result)
        return result

    @lazy
    def words(self) -> list[tuple[int, int]]:
        return [m.span() for m in WORD.finditer(self.text)]

    def word_bounded(self, start: int, end: int) -> bool:
        """True when text[start:end] does not continue a word on either side."""
        text = self.text
        if start > 0 and is_word_char(text[start]) and is_word_char(text[start - 1]):
            return False
        if end < len(text) and is_word_char(text[end - 1]) and is_word_char(text[end]):
            return False
        return True
