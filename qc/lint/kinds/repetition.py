"""`repetition`: a word or phrase said twice (or looped many times) in a row.

Two uses, chosen by parameters:
- doubled words and phrases (`max_copies: 2`): "the the", "statement. statement." —
  copies separated only by spaces, or by a sentence end when the second copy goes on
  in lowercase (a new sentence that starts with the same word is fine: "the US. The US
  seeks ..."). Repeats across commas are left alone unless `across_commas` is set;
  rhetoric ("tax, tax, tax") and places ("New York, New York") look the same.
- loops (`min_copies: 3`, `across_commas: true`): a degenerate MT loop that repeats a
  phrase three times or more ("Bern, Bern, Bern, ...").

The fix deletes the separators and the extra copies, so the punctuation that followed
the last copy closes the sentence.

Speed: candidate positions, where token i equals token i+n, come from array
comparisons over a whole batch of texts (`batch_repeat_candidates`), shared by every
repetition rule; tokens, spans and separators are looked at only for those candidates.
"""

from __future__ import annotations

import bisect
import re
from array import array
from collections.abc import Iterator, Sequence
from typing import Any, overload

from qc.finding import Edit, Finding
from qc.lint.document import Batch, Document
from qc.lint.kinds import RuleKind, register

# Punctuation a token may carry at its end, and what may stand between two copies.
TRAILING = ".,;:!?…\"'”’)]»"
LEADING = "\"'“‘([«"
SEPARATOR_PUNCT = set(".,;:!?…")
SENTENCE_END = set(".!?…")
# Longest phrase any repetition rule looks for (the schema's maximum for max_words).
CANDIDATE_WORDS = 6
COMPARATIVE_PAIRS = {"more", "less", "again", "over", "on", "round", "through", "by", "back"}


@register("repetition")
class Repetition(RuleKind):
    params_schema = {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "max_words": {"type": "integer", "minimum": 1, "maximum": 6},
            "min_words": {"type": "integer", "minimum": 1, "maximum": 6},
            "min_copies": {"type": "integer", "minimum": 2, "maximum": 20},
            "max_copies": {"type": "integer", "minimum": 2, "maximum": 1000},
            "allow": {"type": "array", "items": {"type": "string"}},
            "across_punctuation": {"type": "boolean"},
            "across_commas": {"type": "boolean"},
            # Skip a single repeated word when both copies are capitalised (Bora Bora, Sing Sing).
            "skip_proper_names": {"type": "boolean"},
        },
    }

    def __init__(self, rule: Any) -> None:
        super().__init__(rule)
        params = rule.params
        self.max_words = params.get("max_words", 4)
        self.min_words = params.get("min_words", 1)
        self.min_copies = params.get("min_copies", 2)
        self.max_copies = params.get("max_copies", 2)
        if self.max_copies < self.min_copies:
            raise self.error("max_copies is smaller than min_copies")
        self.allow = {a.lower() for a in params.get("allow", [])}
        self.across_punctuation = params.get("across_punctuation", True)
        self.across_commas = params.get("across_commas", False)
        self.skip_proper_names = params.get("skip_proper_names", True)

    def prepare_batch(self, batch: Batch) -> None:
        if batch.docs[0].scratch.repeat_candidates is None:  # (else another repetition rule's hook did it)
            batch_repeat_candidates(batch)

    def check(self, doc: Document) -> Iterator[Finding]:
        scratch = doc.scratch
        if scratch.repeat_candidates is None:  # (a document no batch has seen)
            batch_repeat_candidates(Batch([doc]))
        found = [(n, starts) for n, starts in scratch.repeat_candidates or () if self.min_words <= n <= self.max_words]
        if not found:
            return
        toks, spans = scratch.tokens, scratch.token_spans
        assert toks is not None and spans is not None  # (the batch hook sets both where it finds candidates)
        text = doc.text
        taken = TakenRanges()  # token ranges already reported or skipped
        hits: list[tuple[int, int, int]] = []  # (first token, n, copies)
        for n, starts in found:
            last_end = -1
            for i in starts:
                if i < last_end or taken.covers(i):
                    continue
                if not any(c.isalnum() for c in toks[i]):
                    continue  # ". . ." is an ellipsis, not a repeated word
                copies = self.count_copies(text, toks, spans, i, n)
                if copies < self.min_copies:
                    continue
                end_tok = i + copies * n
                if taken.overlaps(i, end_tok):
                    continue
                taken.add(i, end_tok)
                last_end = end_tok
                if copies > self.max_copies:
                    continue  # a loop: another rule's business, and none of its parts are doubles
                if self.is_allowed(toks, text, spans, i, n):
                    taken.remove(i, end_tok)
                    continue
                hits.append((i, n, copies))
        for i, n, copies in sorted(hits):
            start = spans[i][0] + lead_len(toks[i])
            end = word_end(toks, spans, i + copies * n - 1)
            edits = [Edit(word_end(toks, spans, i + n - 1), end, "")]
            phrase = text[start : word_end(toks, spans, i + n - 1)]
            yield self.finding(doc, start, end, {"phrase": phrase, "copies": copies}, edits)

    def count_copies(self, text: str, toks: Tokens, spans: TokenSpans, i: int, n: int) -> int:
        """How many copies of toks[i:i+n] follow each other from i (1 when none)."""
        phrase = toks[i : i + n]
        copies = 1
        while True:
            j = i + copies * n
            if toks[j : j + n] != phrase or not self.separator_ok(text, toks, spans, j):
                return copies
            copies += 1

    def separator_ok(self, text: str, toks: Tokens, spans: TokenSpans, j: int) -> bool:
        """May the copy starting at token j follow the previous one across the gap before it?"""
        gap = text[spans[j - 1][1] : spans[j][0]]
        if gap.count("\n") > 1 or "\r\n\r" in gap:
            return False  # a paragraph break
        prev = toks[j - 1]
        punct = prev[len(prev.rstrip(TRAILING)) :]
        if lead_len(toks[j]):
            return False  # the second copy opens a quote or bracket
        if not punct:
            return True
        if not self.across_punctuation or not set(punct) <= SEPARATOR_PUNCT:
            return False
        if any(c in SENTENCE_END for c in punct):
            # A new sentence may start with the same word; an artefact goes on in lowercase.
            return self.across_commas or not text[spans[j][0]].isupper()
        return self.across_commas

    def is_allowed(self, toks: Tokens, text: str, spans: TokenSpans, i: int, n: int) -> bool:
        first = [t.strip(TRAILING) for t in toks[i : i + n]]
        phrase = " ".join(first)
        if phrase in self.allow or all(w.isdigit() for w in first):
            return True
        a = text[spans[i][0] + lead_len(toks[i])]
        b = text[spans[i + n][0]]
        if n == 1 and self.skip_proper_names and a.isupper() and b.isupper():
            return True
        if a.islower() and b.isupper():
            return True  # "the The Independent": the second copy starts a name
        if n == 2 and first[1] in ("and", "or") and (first[0].endswith("er") or first[0] in COMPARATIVE_PAIRS):
            return True  # "stronger and stronger", "more and more", "over and over"
        if self.max_copies == 2 and run_goes_on(toks, i, n):
            return True  # "degrees, 0" in "0 degrees, 0 degrees, 0 degrees": a list read out of phase
        return False


def run_goes_on(toks: list[str], i: int, n: int) -> bool:
    """Two copies of toks[i:i+n] whose pattern goes on past them, a token before or after
    ("degrees, 0 degrees, 0 degrees"): the double is a phase of a list or a chant said
    three times, whose copies, read in phase, are separated by commas."""
    def word(k: int) -> str:
        return toks[k].strip(TRAILING) if 0 <= k < len(toks) else ""

    before, after = word(i - 1), word(i + 2 * n)
    return bool(before and before == word(i + n - 1)) or bool(after and after == word(i))


def equal_runs(keys: Any, n: int) -> Any:
    """The positions i where keys[i + k] == keys[i + n + k] for every k < n (an array): the
    positions j with equal keys at distance n come from one array comparison, and i starts
    such a run when i, i + 1, ..., i + n - 1 are all among them, that is when n consecutive
    entries of the sorted position array span exactly n - 1."""
    pairs = (keys[:-n] == keys[n:]).nonzero()[0]
    if n > 1 and pairs.size >= n:
        firsts = pairs[: pairs.size - n + 1]
        return firsts[pairs[n - 1 :] - firsts == n - 1]
    return pairs if n == 1 else pairs[:0]


# The characters str.split() splits at (str.isspace()); a test checks the list against
# every code point.
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_space_table: Any = None


def space_table() -> Any:
    """A boolean per code point, True for WHITESPACE: one gather marks a batch's spaces."""
    global _space_table
    if _space_table is None:
        import numpy as np

        _space_table = np.zeros(0x110000, dtype=bool)
        _space_table[[ord(c) for c in WHITESPACE]] = True
    return _space_table


def batch_repeat_candidates(batch: Batch) -> None:
    """For each document of the batch and each phrase length n <= CANDIDATE_WORDS, the
    positions i of its lowercase text's whitespace tokens (`str.split()`) with
    toks[i:i+n] == toks[i+n:i+2n]; where there are any, the tokens and their spans too.
    Kept in each document's scratch, for every repetition rule; found by array operations
    over all the text together (Batch: the lowercase texts joined by newlines, as code points).

    Token bounds are where whitespace starts and stops. Each token gets a key from its
    length, first and last code points and the sum of its code points: equal tokens have
    equal keys, and two different tokens that share a key only cost a string comparison,
    because every candidate the keys propose is checked on the tokens themselves, as
    are checked on the tokens themselves.
    """
    if batch.small:
        for doc in batch.docs:
            plain_repeat_candidates(doc)
        return
    import numpy as np

    docs = batch.docs

    codes = batch.lower_codes
    spaces = np.ones(codes.size + 2, dtype=bool)
    space_table().take(codes, out=spaces[1:-1])
    bounds = np.flatnonzero(spaces[1:] != spaces[:-1])
    starts, ends = bounds[0::2], bounds[1::2]
    # Sums of code points wrap around at 2**32: still equal for equal tokens.
    sums = np.zeros(codes.size + 1, dtype=np.uint32)
    np.cumsum(codes, out=sums[1:])
    keys = (sums[ends] - sums[starts]).astype(np.uint64) << np.uint64(32)
    keys ^= (ends - starts).astype(np.uint64) << np.uint64(21)
    keys ^= codes[starts].astype(np.uint64) * np.uint64(0x9E3779B1)
    keys ^= codes[ends - 1].astype(np.uint64)
    text_starts = batch.starts
    first_token = np.searchsorted(starts, text_starts)  # each text's first token
    proposed: dict[int, list[tuple[int, int]]] = {}  # text number -> (n, global token number)
    for n in range(1, CANDIDATE_WORDS + 1):
        if keys.size < 2 * n:
            break
        pairs = equal_runs(keys, n)
        # Both copies in one text: no text starts after the first token and at or before the last.
        text_of = np.searchsorted(first_token, pairs, side="right") - 1
        same = text_of == np.searchsorted(first_token, pairs + (2 * n - 1), side="right") - 1
        for index, i in zip(text_of[same].tolist(), pairs[same].tolist()):
            proposed.setdefault(index, []).append((n, i))
    for doc in docs:
        doc.scratch.repeat_candidates = []
    for index, found in proposed.items():
        doc = docs[index]
        first = int(first_token[index])
        last = int(first_token[index + 1]) if index + 1 < len(docs) else starts.size
        offset = int(text_starts[index])
        spans = TokenSpans(compact(starts[first:last] - offset), compact(ends[first:last] - offset))
        toks = Tokens(doc.lower, spans)
        by_length: dict[int, list[int]] = {}
        for n, i in found:
            i -= first
            if toks[i : i + n] == toks[i + n : i + 2 * n]:
                by_length.setdefault(n, []).append(i)
        doc.scratch.repeat_candidates = sorted(by_length.items())
        if by_length:
            doc.scratch.tokens, doc.scratch.token_spans = toks, spans


def compact(offsets: Any) -> array[int]:
    """Offsets as a stdlib array of 64-bit integers: 8 bytes each, where a list of Python
    ints took 36, and indexing it gives a plain int (a finding's offsets must be ints)."""
    import numpy as np

    found = array("q")
    found.frombytes(np.ascontiguousarray(offsets, dtype=np.int64).tobytes())
    return found


NONSPACE = re.compile(r"\S+")  # the tokens of str.split() (WHITESPACE is what it splits at)


def plain_repeat_candidates(doc: Document) -> None:
    """batch_repeat_candidates for one document of a small batch, by definition: the
    positions i with toks[i:i+n] == toks[i+n:i+2n], the spans of the tokens where any."""
    toks = doc.lower.split()
    found: list[tuple[int, list[int]]] = []
    for n in range(1, CANDIDATE_WORDS + 1):
        if len(toks) < 2 * n:
            break
        starts = [i for i in range(len(toks) - 2 * n + 1) if toks[i] == toks[i + n] and toks[i : i + n] == toks[i + n : i + 2 * n]]
        if starts:
            found.append((n, starts))
    doc.scratch.repeat_candidates = found
    if found:
        doc.scratch.tokens = toks
        spans = [m.span() for m in NONSPACE.finditer(doc.lower)]
        doc.scratch.token_spans = TokenSpans([a for a, _ in spans], [b for _, b in spans])


class TokenSpans:
    """(start, end) of each whitespace token, as two arrays: `check` looks at a few tokens
    only, so the pairs are made when asked for, not for every token of the text."""

    __slots__ = ("ends", "starts")

    def __init__(self, starts: Sequence[int], ends: Sequence[int]) -> None:
        self.starts = starts
        self.ends = ends

    def __getitem__(self, k: int) -> tuple[int, int]:
        return self.starts[k], self.ends[k]

    def __len__(self) -> int:
        return len(self.starts)

    def __eq__(self, other: object) -> bool:
        return list(self) == list(other) if isinstance(other, (TokenSpans, list)) else NotImplemented

    def __iter__(self) -> Iterator[tuple[int, int]]:
        return zip(self.starts, self.ends)


class Tokens:
    """The lowercase text's whitespace tokens (`doc.lower.split()`), sliced from it when
    asked for: `check` reads a few of them only, and a list of every token of a long
    article held ~10 bytes per character of it (issue 20: a 19 MB article took 1.3 GB)."""

    __slots__ = ("low", "spans")

    def __init__(self, low: str, spans: TokenSpans) -> None:
        self.low = low
        self.spans = spans

    def __len__(self) -> int:
        return len(self.spans)

    @overload
    def __getitem__(self, k: int) -> str: ...
    @overload
    def __getitem__(self, k: slice) -> list[str]: ...
    def __getitem__(self, k: int | slice) -> str | list[str]:
        low, starts, ends = self.low, self.spans.starts, self.spans.ends
        if isinstance(k, slice):
            return [low[starts[j] : ends[j]] for j in range(*k.indices(len(starts)))]
        return low[starts[k] : ends[k]]


def lead_len(tok: str) -> int:
    """Length of the opening punctuation (quotes, brackets) of a whitespace token."""
    return len(tok) - len(tok.lstrip(LEADING))


def word_end(toks: Tokens, spans: TokenSpans, k: int) -> int:
    """Offset just after the last word character of token k (its trailing punctuation excluded)."""
    tok = toks[k]
    stripped = tok.rstrip(TRAILING)
    return spans[k][1] - (len(tok) - len(stripped)) if stripped else spans[k][1]


class TakenRanges:
    """Disjoint token ranges [start, end), sorted, so that a test is a bisection: a scan
    over a list of them per candidate made an article with N repeats cost N² (issue 20)."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []

    def covers(self, i: int) -> bool:
        k = bisect.bisect_right(self.starts, i) - 1
        return k >= 0 and i < self.ends[k]

    def overlaps(self, start: int, end: int) -> bool:
        """Some range meets [start, end): the one starting last before `end` is the only
        candidate, the ranges being disjoint and sorted."""
        k = bisect.bisect_left(self.starts, end) - 1
        return k >= 0 and self.ends[k] > start

    def add(self, start: int, end: int) -> None:
        k = bisect.bisect_left(self.starts, start)
        self.starts.insert(k, start)
        self.ends.insert(k, end)

    def remove(self, start: int, end: int) -> None:
        k = bisect.bisect_left(self.starts, start)
        assert self.starts[k] == start and self.ends[k] == end
        del self.starts[k], self.ends[k]
