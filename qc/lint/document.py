"""The text being linted, with lazily computed views that several rule kinds share."""

from __future__ import annotations

import gc
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

if TYPE_CHECKING:
    from qc.finding import Finding

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


# Set by the command line (qc.cli.main): the process lives for one command, and what the
# gc_paused blocks build (the compiled rules, the literal pass) lives until it exits.
FREEZE_LONG_LIVED = False


@contextmanager
def gc_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while a block builds many long-lived objects
    (unpickling the compiled rules, the literal pass's ~25k entries): each allocation burst
    otherwise sets off collections that walk everything allocated so far, which took more
    than half of those steps' time. Nothing is left uncollected: only paused.

    With FREEZE_LONG_LIVED (a command-line process), the objects are then moved to the
    permanent generation (gc.freeze): otherwise the first collections after the block walk
    every one of them again, three generations in turn (~0.03 s of a one-article scan).
    A freeze after the first (rules loaded mid-run, e.g. by dedup's ranking) collects
    first, so that no garbage of the run so far is frozen with them. A library caller that
    loads rules again and again keeps them collectable."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if FREEZE_LONG_LIVED:
            if gc.get_freeze_count():
                gc.collect()
            gc.freeze()
        if was_enabled:
            gc.enable()


class PicklesWithoutViews:
    """Pickles without the attributes its `lazy` views computed: the compiled-rules cache
    pickles compiled rules, and some views (automata, RE2 regexes) cannot be pickled or
    cost more to store than to rebuild. Each is computed again on first use."""

    def __getstate__(self) -> dict[str, Any]:
        cls = type(self)
        return {k: v for k, v in self.__dict__.items() if not isinstance(getattr(cls, k, None), lazy)}


@dataclass
class Scratch:
    """What kinds work out for a document and keep for later: in a batch hook
    (`RuleKind.prepare_batch`) for their `check`, or once for every rule of the kind."""

    # calque (`order`): each rule's findings, found for the whole batch (keyed by the rule's matcher)
    calque_findings: dict[object, list[Finding]] = field(default_factory=dict)
    # article: (start, end) of the articles after a space that `settled` leaves open
    unsettled_articles: list[tuple[int, int]] | None = None
    # repetition: per phrase length, where a phrase repeats; the tokens and their spans
    repeat_candidates: list[tuple[int, list[int]]] | None = None
    tokens: Any = None  # (repetition.Tokens: each read is sliced from the lowercase text)
    token_spans: Any = None
    # pronoun: (start, end, word before) of every 's after a capitalised word
    possessives: list[tuple[int, int, str]] | None = None
    # name kinds (qc/lint/kinds/_names.py): the text's capitalised name spans
    name_spans: list[Any] | None = None
    # collocation: per rule (its matcher), word -> (searched from, first occurrence or -1)
    object_search: dict[object, dict[str, tuple[int, int]]] = field(default_factory=dict)


class Document:
    """Text plus metadata; views (lowercase copy, paragraphs, words) are computed once on
    demand; `scratch` holds what kinds work out for it (see Scratch)."""

    def __init__(self, text: str, metadata: dict[str, Any] | None = None) -> None:
        self.text = text
        self.metadata = metadata or {}
        self.scratch = Scratch()

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


# Up to this many characters a batch is `small` (see Batch.small and the literal pass's
# phrase index, qc.lint.engine).
PLAIN_BATCH_CHARS = 20_000


class Batch:
    """Documents linted together (`Linter.lint_many`), with views of all their text that the
    batch hooks (`RuleKind.prepare_batch`) share: the texts joined by newlines, lowercase
    and as written, as strings, code points (UTF-32: an index is a string index) and UTF-8.
    A newline is whitespace and no word character: no token or word runs from one text
    into the next, and a hook checks that no match it keeps does."""

    def __init__(self, docs: Sequence[Document]) -> None:
        self.docs = list(docs)

    def forget_views(self, *keep: str) -> None:
        """Drop the views computed so far (but those named in `keep`): each holds up to four
        bytes per character of the batch, and once the batch hooks and the literal pass
        have run, the checks of each document need none of them."""
        for name in [k for k in self.__dict__ if k not in keep and isinstance(getattr(Batch, k, None), lazy)]:
            del self.__dict__[name]

    @lazy
    def small(self) -> bool:
        """At most PLAIN_BATCH_CHARS of text (one article from a pre-commit hook): the batch
        hooks take their plain per-text paths, which find the same things without numpy,
        whose import alone costs more than they do on so little text."""
        return sum(len(doc.text) for doc in self.docs) <= PLAIN_BATCH_CHARS

    @lazy
    def lows(self) -> list[str]:
        return [doc.lower for doc in self.docs]

    @lazy
    def joined_lower(self) -> str:
        return "\n".join(self.lows)

    @lazy
    def joined_text(self) -> str:
        return "\n".join(doc.text for doc in self.docs)

    @lazy
    def lower_codes(self) -> Any:
        # (surrogatepass: a lone surrogate, which JSON may carry, is one code point like any other)
        return code_points(self.joined_lower)

    @lazy
    def text_codes(self) -> Any:
        return code_points(self.joined_text)

    @lazy
    def padded_lower_codes(self) -> Any:
        """`lower_codes` with a space before and after, as the text's ends count in word
        bounds: the character before offset i is at i, the one after offset j at j + 1."""
        import numpy as np

        codes = self.lower_codes
        padded = np.empty(codes.size + 2, dtype=np.uint32)
        padded[0] = padded[-1] = 32
        padded[1:-1] = codes
        return padded

    @lazy
    def lower_utf8(self) -> bytes:
        """The joined lowercase texts as UTF-8 (a lone surrogate as the three bytes that no
        valid UTF-8 phrase can match)."""
        return self.joined_lower.encode("utf-8", "surrogatepass")

    @lazy
    def sizes(self) -> Any:
        import numpy as np

        return np.fromiter(map(len, self.lows), dtype=np.int64, count=len(self.docs))

    @lazy
    def starts(self) -> Any:
        """Where each text starts in the joined strings."""
        import numpy as np

        starts = np.zeros(len(self.docs), dtype=np.int64)
        np.cumsum(self.sizes[:-1] + 1, out=starts[1:])
        return starts

    def text_of(self, offsets: Any) -> Any:
        """The number of the text each offset in the joined strings falls in (a joining
        newline counts with the text before it)."""
        import numpy as np

        return np.searchsorted(self.starts, offsets, side="right") - 1

    def localise(self, offsets: Any) -> tuple[Any, Any]:
        """Offsets in the joined strings as (text numbers, offsets within those texts)."""
        text_of = self.text_of(offsets)
        return text_of, offsets - self.starts[text_of]

    def char_offsets(self, byte_offsets: Any) -> Any:
        """Offsets into `lower_utf8` as offsets into `joined_lower`: every UTF-8 continuation
        byte (10xxxxxx) before an offset belongs to a character counted at its first byte."""
        import numpy as np

        if len(self.lower_utf8) == len(self.joined_lower):
            return byte_offsets
        return byte_offsets - np.searchsorted(self.continuation_bytes, byte_offsets)

    @lazy
    def continuation_bytes(self) -> Any:
        """Where `lower_utf8` has a UTF-8 continuation byte."""
        import numpy as np

        return np.flatnonzero((np.frombuffer(self.lower_utf8, dtype=np.uint8) & 0xC0) == 0x80)


def code_points(text: str) -> Any:
    import numpy as np

    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
