"""The engine: every literal of every active rule in one Aho-Corasick pass, then the other kinds.

The cost of the literal pass grows with the text, not with the number of rules;
`pattern` and detector kinds run only when their trigger literals were seen (or
always, when they name none), and only where their RE2 prefilter, run with all the
others in one pass (qc/lint/prefilter.py), found that they can match at all.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain, compress, pairwise
from typing import Any, TypeVar

import ahocorasick_rs

from qc.finding import Finding
from qc.lint.document import PLAIN_BATCH_CHARS, Batch, Document, PicklesWithoutViews, gc_paused, lazy
from qc.lint.kinds import RuleKind
from qc.lint.prefilter import PrefilterSet, lowercase_class
from qc.lint.rule import Rule

T = TypeVar("T")
# Up to this many trigger literals, a matcher's triggers are tested with `in` on the text
# (except word-like ones, see `is_wordlike`).
FEW_TRIGGERS = 4
WORDLIKE = re.compile(r"[^\W\d_]{3}")


def is_wordlike(trigger: str) -> bool:
    """A trigger holding three letters in a row ("taiwan", "ministry "): rare in running text,
    so the automaton finds it for the price of its few hits, where `in` would scan the whole
    text each time it is absent. Punctuation and short words (". ", "'s", " by ") are common
    and usually found within the first few characters by `in`."""
    return WORDLIKE.search(trigger) is not None


@dataclass
class LiteralPass(PicklesWithoutViews):
    """The literals and triggers of every rule, and per phrase number what a hit of it does:
    (matchers it triggers, calls: (whole word only?, matcher, payload))."""

    phrases: list[str]
    entries: list[tuple[tuple[int, ...], tuple[tuple[bool, Any, Any], ...]]] = field(default_factory=list)

    @lazy
    def automaton(self) -> Any:
        """The phrases as UTF-8, in one automaton: over bytes, it reads the text about twice
        as fast as over str, and a hit costs no offset arithmetic. ahocorasick_rs (Rust)
        reports every overlapping match as (phrase number, start, end), in the order of their
        ends, the longer first when two end together.

        A contiguous NFA, not a DFA: with ~24k phrases the DFA took 0.30 s to build (most of
        a one-article scan) and searched clean-news slower (0.084 s against 0.033 s, its
        tables no longer fit the CPU caches); the NFA builds in 0.05 s. The matches are the
        same whatever the implementation."""
        if not self.phrases:
            return None
        phrases = [p.encode("utf-8", "surrogatepass") for p in self.phrases]
        return ahocorasick_rs.BytesAhoCorasick(phrases, implementation=ahocorasick_rs.Implementation.ContiguousNFA)

    @lazy
    def phrase_index(self) -> PhraseIndex:
        """The phrases by their first characters, for texts too small to pay for the automaton."""
        return PhraseIndex(self.phrases)

    def hits_by_text(self, batch: Batch) -> list[list[tuple[int, int, int]]]:
        """The hits (phrase number, start, end) in each text of a batch, found in one search of
        all of them, the lowercase texts joined by newlines (Batch.lower_utf8). Offsets become
        character offsets within each text, in arrays; a hit that runs into the newline
        joining two texts is in neither (it would not be in either text alone).

        A small batch (one article from a pre-commit hook) is searched through `phrase_index`
        instead, while the automaton is not built: building it costs more than searching
        SMALL_BATCH_CHARS characters by index. The hits are the same, in the same order."""
        if "automaton" not in self.__dict__ and batch.small:
            index = self.phrase_index
            return [index.hits(low) for low in batch.lows]
        import numpy as np

        automaton = self.automaton
        if automaton is None:
            return [[] for _ in batch.docs]
        found = automaton.find_matches_as_indexes(batch.lower_utf8, overlapping=True)
        flat = np.fromiter(chain.from_iterable(found), dtype=np.int64, count=3 * len(found)).reshape(-1, 3)
        entry, start, end = flat[:, 0], batch.char_offsets(flat[:, 1]), batch.char_offsets(flat[:, 2])
        text_of, start = batch.localise(start)
        end = end - batch.starts[text_of]
        inside = end <= batch.sizes[text_of]
        entry, start, end, text_of = entry[inside], start[inside], end[inside], text_of[inside]
        # Hits come by end, so each text's are one stretch of the arrays.
        bounds = np.searchsorted(text_of, np.arange(len(batch.docs) + 1)).tolist()
        hits = list(zip(entry.tolist(), start.tolist(), end.tolist()))
        return [hits[a:b] for a, b in pairwise(bounds)]


# Up to this many characters (Batch.small), a batch's literal hits come from
# LiteralPass.phrase_index while the automaton is not built yet: the index takes ~2 ms to
# make and a few ms per 10,000 characters; the automaton ~40 ms to build, then ~50 MB/s.
SMALL_BATCH_CHARS = PLAIN_BATCH_CHARS


class PhraseIndex:
    """Every occurrence of the phrases in a text, overlapping ones too, found without an
    automaton: a phrase of 8 characters or more is looked for only when the text holds its
    first 8 (one set look-up each, in C: `map` over the prefixes made once), a shorter
    one by `in`; each candidate's occurrences are then found with str.find."""

    PREFIX = 8

    def __init__(self, phrases: list[str]) -> None:
        self.phrases = phrases
        width = self.PREFIX
        self.long_numbers = [k for k, p in enumerate(phrases) if len(p) >= width]
        self.long_prefixes = [phrases[k][:width] for k in self.long_numbers]
        self.short_numbers = [k for k, p in enumerate(phrases) if len(p) < width]

    def hits(self, text: str) -> list[tuple[int, int, int]]:
        """(phrase number, start, end) of every occurrence, in the automaton's order: by end,
        the longer first when two end together."""
        phrases, width = self.phrases, self.PREFIX
        grams = {text[i : i + width] for i in range(len(text) - width + 1)}
        candidates = list(compress(self.long_numbers, map(grams.__contains__, self.long_prefixes)))
        candidates += [k for k in self.short_numbers if phrases[k] in text]
        found: list[tuple[int, int, int]] = []
        for number in candidates:
            phrase = phrases[number]
            size = len(phrase)
            start = text.find(phrase)
            while start >= 0:
                found.append((number, start, start + size))
                start = text.find(phrase, start + 1)
        found.sort(key=lambda hit: (hit[2], hit[1]))
        return found


class Linter:
    """Lints texts with a fixed set of rules."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules = list(rules)
        self.matchers: list[RuleKind] = [r.matcher for r in self.rules]
        # Matchers with a few triggers test them in the RE2 prefilter pass (or with `in`, see
        # triggers_regex) rather than in the automaton, where a common trigger (". ", a quote
        # mark) would cost one Python-level hit after another.
        self.scanned_triggers: list[tuple[int, tuple[str, ...]]] = []
        # Triggers left to the automaton: word-like ones ("taiwan", "ministry "), rare enough
        # that a hit costs less than a test of the whole text that finds nothing.
        self.automaton_triggers: dict[int, tuple[str, ...]] = {}
        for index, matcher in enumerate(self.matchers):
            found = matcher.triggers()
            if found is None:
                continue
            found = tuple(found)
            if 0 < len(found) <= FEW_TRIGGERS:
                scanned = tuple(t for t in found if not is_wordlike(t))
                if scanned:
                    self.scanned_triggers.append((index, scanned))
                found = tuple(t for t in found if is_wordlike(t))
            self.automaton_triggers[index] = found
        # Matchers whose check() runs on every text (they name no trigger literals); literal-only
        # kinds keep RuleKind's empty check(), which is not worth a call per text.
        self.untriggered: list[int] = [
            i for i, m in enumerate(self.matchers) if m.triggers() is None and type(m).check is not RuleKind.check
        ]
        # check() of these runs only where their prefilter matched (one RE2 pass for all).
        self.prefilters: dict[int, str] = {i: p for i, m in enumerate(self.matchers) if (p := m.prefilter()) is not None}
        # The scanned triggers go into the same RE2 pass: each `in` test that finds nothing
        # reads the whole text, and a text has a dozen of them.
        self.trigger_regexes: dict[int, str] = {}
        for index, triggers in self.scanned_triggers:
            regex = triggers_regex(triggers)
            if regex is not None:
                self.trigger_regexes[index] = regex
        self.scanned_in_text = [(i, t) for i, t in self.scanned_triggers if i not in self.trigger_regexes]
        self._prefilter_set: PrefilterSet | None = None
        # Matchers with a batch hook (`RuleKind.prepare_batch`).
        self.batch_matchers = [m for m in self.matchers if type(m).prepare_batch is not RuleKind.prepare_batch]

    @classmethod
    def for_rules(cls, rules: Sequence[Rule]) -> Linter:
        """A linter for these rules: the one the compiled-rules cache held with them when
        they are exactly those rules (qc.lint.packs.load_rules: its literal pass is built
        already, ~15 ms of every start-up), else a new one."""
        prebuilt = _prebuilt[0]
        if prebuilt is not None and len(prebuilt.rules) == len(rules) and all(a is b for a, b in zip(prebuilt.rules, rules)):
            return prebuilt
        return cls(rules)

    @lazy
    def literal_pass(self) -> LiteralPass:
        """One automaton for every literal and trigger of every rule (built on first use)."""
        with gc_paused():
            return self.build_literal_pass()

    def build_literal_pass(self) -> LiteralPass:
        # Per phrase: the matchers it triggers, and what each hit does, in the order the rules
        # were given: (whole word only?, matcher, payload). (Built straight into the two lists:
        # with ~25k phrases this runs at every start-up.)
        by_phrase: dict[str, tuple[list[int], list[tuple[bool, Any, Any]]]] = {}

        def slot(phrase: str) -> tuple[list[int], list[tuple[bool, Any, Any]]]:
            found = by_phrase.get(phrase)
            if found is None:
                found = by_phrase[phrase] = ([], [])
            return found

        for index, matcher in enumerate(self.matchers):
            for phrase, payload in matcher.literals():
                slot(phrase)[1].append((False, matcher, payload))
            for phrase, payload in matcher.word_literals():
                slot(phrase)[1].append((True, matcher, payload))
            for trigger in self.automaton_triggers.get(index, ()):
                slot(trigger)[0].append(index)
        by_phrase.pop("", None)  # matches nowhere (ahocorasick_rs refuses it)
        entries = [(tuple(triggered), tuple(calls)) for triggered, calls in by_phrase.values()]
        return LiteralPass(list(by_phrase), entries)

    def lint(self, text: str, metadata: dict[str, Any] | None = None) -> list[Finding]:
        return self.lint_many([text], [metadata])[0]

    def lint_many(self, texts: Sequence[str], metadata: Sequence[dict[str, Any] | None] | None = None) -> list[list[Finding]]:
        """The findings of each text. Kinds with a `prepare_batch` hook compute their costly
        views for all the texts at once, and the literal pass searches them all in one go.
        Memory grows with the batch: callers cut a corpus into batches (see `batches`)."""
        batch = Batch([Document(text, metadata[i] if metadata is not None else None) for i, text in enumerate(texts)])
        if not batch.docs:
            return []
        for matcher in self.batch_matchers:
            matcher.prepare_batch(batch)
        # The batch's views go as soon as nothing needs them: a long article's took ~13 bytes
        # per character through every check (issue 20).
        batch.forget_views("lower_utf8", "continuation_bytes", "sizes", "starts")
        hits = self.literal_pass.hits_by_text(batch)
        batch.forget_views()
        return [self.lint_document(doc, found) for doc, found in zip(batch.docs, hits)]

    def lint_document(self, doc: Document, hits: list[tuple[int, int, int]]) -> list[Finding]:
        """The findings of one document of a batch, given the literal pass's hits in it."""
        text = doc.text
        findings: list[Finding] = []
        to_check = set(self.untriggered)
        passed: set[int] | None = None
        if text and (self.prefilters or self.trigger_regexes):
            passed = self.prefilter_set().passing(text)  # (built first: it may move triggers back)
            to_check.update(i for i in self.trigger_regexes if TRIGGERED - i in passed)
        if self.scanned_in_text and text:
            low = doc.lower
            for index, triggers in self.scanned_in_text:
                for trigger in triggers:
                    if trigger in low:
                        to_check.add(index)
                        break
        if hits:
            self.take_hits(doc, hits, findings, to_check)
        if passed is not None:
            to_check -= self.prefilter_set().filtered - passed
        for index in sorted(to_check):
            findings.extend(self.matchers[index].check(doc))
        return dedupe(findings)

    def prefilter_set(self) -> PrefilterSet:
        if self._prefilter_set is None:
            entries = dict(self.prefilters)
            entries.update((TRIGGERED - i, regex) for i, regex in self.trigger_regexes.items())
            self._prefilter_set = PrefilterSet(entries, filtered=self.prefilters)
            # A trigger regex RE2 refused goes back to the `in` test (a failed prefilter just
            # leaves its check unfiltered: PrefilterSet.filtered leaves it out).
            for key in self._prefilter_set.failed:
                if key < 0:
                    index = TRIGGERED - key
                    del self.trigger_regexes[index]
                    self.scanned_in_text.append((index, dict(self.scanned_triggers)[index]))
        return self._prefilter_set

    def take_hits(self, doc: Document, hits: list[tuple[int, int, int]], findings: list[Finding], to_check: set[int]) -> None:
        """Every literal-pass hit: trigger matchers, and call on_literal (for a word literal,
        only when the hit is a whole word)."""
        entries = self.literal_pass.entries
        # padded[start] is the character before a hit, padded[end + 1] the one after; the
        # text's ends count as spaces.
        padded = " " + doc.lower + " "
        extend = findings.extend
        for entry_index, start, end in hits:
            triggered, calls = entries[entry_index]
            if triggered:
                to_check.update(triggered)
            whole = None
            for word_only, matcher, payload in calls:
                if word_only:
                    if whole is None:
                        before, after = padded[start], padded[end + 1]
                        whole = not (before.isalnum() or before == "_" or after.isalnum() or after == "_")
                    if not whole:
                        continue
                extend(matcher.on_literal(doc, start, end, payload))


# The linter the compiled-rules cache last delivered with its rules (see Linter.for_rules).
_prebuilt: list[Linter | None] = [None]


def remember_prebuilt(linter: Linter) -> None:
    _prebuilt[0] = linter


def prebuilt_linter(rules: list[Rule]) -> Linter:
    """A linter for rules about to be stored in the compiled-rules cache, literal pass built."""
    linter = Linter(rules)
    _ = linter.literal_pass
    return linter


# What `batches` puts in one batch: enough text that array operations over it are cheap per
# character, little enough that a batch's views stay small (a few tens of MB at most).
BATCH_CHARS = 1_000_000
BATCH_TEXTS = 2000


def batches(items: Iterable[T], size: Callable[[T], int], max_chars: int | None = None, max_items: int | None = None) -> Iterator[list[T]]:
    """Consecutive runs of `items` for `Linter.lint_many`, each closed once it holds
    `max_items` items or `max_chars` characters (as `size` counts them; by default
    BATCH_TEXTS and BATCH_CHARS)."""
    max_chars = BATCH_CHARS if max_chars is None else max_chars
    max_items = BATCH_TEXTS if max_items is None else max_items
    batch: list[T] = []
    chars = 0
    for item in items:
        batch.append(item)
        chars += size(item)
        if chars >= max_chars or len(batch) >= max_items:
            yield batch
            batch, chars = [], 0
    if batch:
        yield batch


# Set entries for trigger regexes are keyed TRIGGERED - matcher index (negative), so they
# never clash with prefilter entries, keyed by the matcher index.
TRIGGERED = -1


def triggers_regex(triggers: Iterable[str]) -> str | None:
    """An RE2 regex that matches the text wherever one of the triggers occurs in its
    lowercase copy (Document.lower): each character becomes the set of characters whose
    lowercase starts with it. None for a trigger holding a sigma, whose lowercase depends
    on the next character."""
    alternatives = []
    for trigger in triggers:
        if not trigger or any(c in "σς" for c in trigger):
            return None
        alternatives.append("".join(lowercase_class(c) for c in trigger))
    return "(?:" + "|".join(alternatives) + ")"


def dedupe(findings: Iterable[Finding]) -> list[Finding]:
    """Sorted by position; the same rule on the same span is reported once."""
    findings = list(findings)
    if len(findings) < 2:
        return findings  # (most texts: nothing to sort)
    seen: set[tuple[str, int, int]] = set()
    result = []
    for f in sorted(findings, key=lambda f: (f.start, f.end, f.rule)):
        key = (f.rule, f.start, f.end)
        if key not in seen:
            seen.add(key)
            result.append(f)
    return result


@lru_cache(maxsize=1)
def default_linter() -> Linter:
    from qc.lint.packs import default_rules

    return Linter.for_rules(default_rules())


def lint_text(text: str, metadata: dict[str, Any] | None = None) -> list[Finding]:
    """Lint with the default packs (for library users and the merge step of dedup)."""
    return default_linter().lint(text, metadata)
