"""`calque`: names of organisations and offices translated word by word, in the wrong order.

`check: order` (the general detector). Every name and variant in the organisations
gazetteer is indexed by its bag of content words (lowercase, one spelling for
organisation/organization, defence/defense ... from `spellings:`, data/spellings.yaml; names
holding a word of `stop_words:` left out; function words
of/from/the/for/on/and/in/at/to and possessive 's left out). The name words are literals
of the engine's shared Aho-Corasick pass, so the detector costs nothing on texts without
them. Runs of name words joined only by spaces and function words are candidate spans;
a run whose bag equals a known name's bag (checked with rapidfuzz's token_sort_ratio as
well) but whose word order differs is a calque when the order is broken into three or
more blocks and is not the English "B of A" inversion of a name P A B with the
qualifier P in front ("US Department of Commerce"): "Organization of cooperation from Shanghai" (Shanghai Cooperation
Organization: blocks organization | cooperation | shanghai), "Council of Security of the
UN", "Organisation of the Treaty of the North Atlantic". One swap of two blocks is
ordinary English ("Security Council of the United Nations", "Ministry of Foreign
Affairs" beside "Foreign Affairs Ministry") and is never flagged, and neither is any
listed form.

`check: office-role`: a role noun wedged inside a ministry's name, "ministry spokesman
of Foreign Affairs" → "Foreign Ministry spokesman". Domains come from `short_forms`
(domain → the word English puts before "Ministry"), a closed list, so "a ministry
official of Japan" is left alone.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import chain
from typing import Any, NamedTuple

from qc.finding import Edit, Finding
from qc.lint.document import Batch, Document, is_word_char, lazy
from qc.lint.kinds import RuleKind, match_case, register
from qc.lint.data import load_lines
from qc.lint.kinds.gazetteer import Entry, Spellings, load_entries, load_spellings
from qc.lint.prefilter import Unsupported, relax

FUNCTION_WORDS = {"of", "from", "the", "for", "on", "and", "in", "at", "to", "&"}
GAP = re.compile(r"(?:['’]s)?\s+(?:(?:of|from|the|for|on|and|in|at|to|&)\s+){0,3}\Z", re.IGNORECASE)
WORD = re.compile(r"[\w'’\-]+")
FROM = re.compile(r"\bfrom\b", re.IGNORECASE)
TO_PLACE = re.compile(r"[ \t]+to(?=[ \t]+[A-Z])")
MAX_SPAN_WORDS = 8
# The only non-ASCII characters whose lowercase starts with an ASCII character (dotted
# capital I, Kelvin sign); tests/test_engine.py checks the list.
LOWER_TO_ASCII = ("\u0130", "\u212a")

MIN_BLOCKS = 3


def blocks(order: list[int]) -> int:
    """Runs of consecutive positions: [0,1,2] is 1 block, [2,0,1] is 2, [2,1,0] is 3."""
    return 1 + sum(1 for a, b in zip(order, order[1:]) if b != a + 1)


def english_inversion(order: list[int]) -> bool:
    """The order of an English "B of A" paraphrase of a name P A B, the qualifier P kept in
    front: [0, 2, 1] ("US Department of Commerce" for "US Commerce Department")."""
    n = len(order)
    for p in range(n):
        for k in range(p + 1, n + 1):
            if order == list(range(p)) + list(range(k, n)) + list(range(p, k)):
                return True
    return False


@dataclass(frozen=True)
class Form:
    text: str
    words: tuple[str, ...]
    entry: Entry


class Hit(NamedTuple):
    """A name word in the text; the engine hands plain (start, end, word) tuples of the same shape."""

    start: int
    end: int
    word: str


@register("calque")
class Calque(RuleKind):
    params_schema = {
        "type": "object",
        "required": ["data", "check"],
        "additionalProperties": False,
        "properties": {
            "data": {"type": "string", "minLength": 1},
            "spellings": {"type": "string", "minLength": 1},
            "stop_words": {"type": "string", "minLength": 1},
            "check": {"enum": ["order", "office-role"]},
            "min_blocks": {"type": "integer", "minimum": 2, "maximum": 6},
            "short_forms": {"type": "object", "additionalProperties": {"type": "string"}},
            "roles": {"type": "array", "items": {"type": "string", "minLength": 1}},
            "heads": {"type": "array", "items": {"type": "string", "minLength": 1}},
        },
    }

    def __init__(self, rule: Any) -> None:
        super().__init__(rule)
        params = rule.params
        self.mode = params["check"]
        self.entries = load_entries(self, params["data"], "organisations")
        if self.mode == "order" and ("spellings" not in params or "stop_words" not in params):
            raise self.error("check: order needs `spellings:` and `stop_words:` data files")
        self.spelling = load_spellings(self, params["spellings"]) if "spellings" in params else Spellings({})
        # Words too common (or too foreign) to be worth a literal: each hit costs a callback.
        # A name holding one is left out of the index (its bag could never be completed).
        self.stop_words = load_lines(self, params["stop_words"]) if "stop_words" in params else frozenset()
        self.min_blocks = params.get("min_blocks", MIN_BLOCKS)
        # bag of content words -> forms
        self.index: dict[tuple[str, ...], list[Form]] = {}
        self.vocabulary: dict[str, str] = {}  # literal (lowercase, as written) -> normalised word
        self.upper_only: set[str] = set()  # two-letter acronyms (UN, EU): matched in capitals only
        # Only `order` uses the name index (office-role would carry it in the compiled-rules cache for nothing).
        for entry in self.entries if self.mode == "order" else ():
            for text in entry.forms:
                words = self.content_words(text)
                if len(words) < 3:
                    continue  # two-word names have only one other order, and "B of A" is English
                raws = [w for w in WORD.findall(text) if w.lower() not in FUNCTION_WORDS]
                if any(not self.indexable(w) for w in raws):
                    continue  # "U.S. Commerce Department", "Banque de France": not worth the literals
                form = Form(text, tuple(words), entry)
                self.index.setdefault(tuple(sorted(words)), []).append(form)
                for raw in raws:
                    low = raw.lower().replace("’", "'")
                    for spelled in self.spelling.variants(low):
                        self.vocabulary[spelled] = self.spelling.word(raw)
                        if len(raw) == 2:
                            self.upper_only.add(spelled)
        # Two-character words count only in capitals (UN, EU): looked up case-sensitively in
        # check(), so that "un" in "under" or "us" never reaches the engine's callback.
        self.short_words = {w: v for w, v in self.vocabulary.items() if len(w) == 2}
        if self.mode == "office-role":
            shorts = params.get("short_forms", {})
            self.short_forms = {k.lower(): v for k, v in shorts.items()}
            domains = "|".join(re.escape(k) for k in sorted(shorts, key=len, reverse=True)) or "(?!)"
            roles = "|".join(re.escape(r) for r in params.get("roles", ["spokesman", "spokeswoman", "spokesperson"]))
            heads = "|".join(re.escape(h) for h in params.get("heads", ["ministry"]))
            self.role_pattern = re.compile(
                rf"\b(?P<head>{heads})\s+(?P<role>{roles})\s+of\s+(?:the\s+)?(?P<domain>{domains})\b", re.IGNORECASE
            )
            self.heads = [h.lower() + " " for h in params.get("heads", ["ministry"])]
        # The office-role regex is case-insensitive, which leaves Python's engine no literal
        # to skip ahead by: RE2 tells first whether it can match at all (rarely). Made at
        # load, so the compiled-rules cache keeps it.
        self._prefilter: str | None = None
        if self.mode == "office-role":
            try:
                self._prefilter = relax(self.role_pattern.pattern, self.role_pattern.flags)
            except Unsupported:
                pass

    def indexable(self, word: str) -> bool:
        """Three letters or more and not a stop word, or a two-letter acronym (UN, EU, US)."""
        if len(word) == 2:
            return word.isupper() and word.isalpha()
        return len(word) >= 3 and word.lower() not in self.stop_words

    def content_words(self, form: str) -> list[str]:
        return [self.spelling.word(w) for w in WORD.findall(form) if w.lower() not in FUNCTION_WORDS]

    # -- engine hooks -----------------------------------------------------------------------
    def name_words(self) -> list[tuple[str, str]]:
        """(word as written, lowercase; its one spelling) for the name words of three letters
        or more; two-letter ones count only in capitals (`short_words`)."""
        return [(w, v) for w, v in self.vocabulary.items() if len(w) != 2]

    def triggers(self) -> Iterable[str] | None:
        if self.mode == "order":
            return None  # check() runs on every text: prepare_batch has found its findings
        return self.heads

    def prefilter(self) -> str | None:
        return self._prefilter

    def prepare_batch(self, batch: Batch) -> None:
        """`order`: the findings of every document of the batch at once (`batch_findings`),
        kept in each one's scratch for check()."""
        if self.mode != "order":
            return
        for doc, findings in zip(batch.docs, self.batch_findings(batch)):
            doc.scratch.calque_findings[self] = findings

    def check(self, doc: Document) -> Iterator[Finding]:
        if self.mode == "office-role":
            return self.office_role(doc)
        found = doc.scratch.calque_findings.pop(self, None)
        if found is None:  # (a document no batch has seen)
            found = self.batch_findings(Batch([doc]))[0]
        return iter(found)

    def short_hits(self, doc: Document) -> list[Hit]:
        """Whole-word hits of the two-character words written in capitals, for a document
        that `batch_short_hits` cannot search by code points.

        The capitals are searched in the text itself. That equals searching the lowercase
        copy and keeping spans that are upper case, unless the text holds a non-ASCII
        character whose lowercase is ASCII (LOWER_TO_ASCII): then the
        lowercase copy is searched.
        """
        text = doc.text
        if text.isascii() or not any(c in text for c in LOWER_TO_ASCII):
            haystack = text
            needles = [(w.upper(), w) for w in self.short_words if w.isascii()]
            if len(needles) < len(self.short_words):
                haystack, needles = doc.lower, [(w, w) for w in self.short_words]
        else:
            haystack, needles = doc.lower, [(w, w) for w in self.short_words]
        low = doc.lower
        size = len(low)
        found = []
        for needle, word in needles:
            start = haystack.find(needle)
            while start >= 0:
                end = start + 2
                if (
                    (start == 0 or not is_word_char(low[start - 1]))
                    and (end == size or not is_word_char(low[end]))
                    and text[start:end].isupper()
                ):
                    found.append(Hit(start, end, self.short_words[word]))
                start = haystack.find(needle, start + 1)
        return found

    # -- order, for a batch of documents ---------------------------------------------------
    def batch_findings(self, batch: Batch) -> list[list[Finding]]:
        """The findings of each document, with the name words found and chained into runs by
        array operations over the whole batch rather than hit by hit in Python.

        The texts are joined by newlines. The name words are searched in the lowercase text
        as UTF-8 bytes (their offsets turned into character offsets), kept where they are
        whole words, merged with the two-letter capitals of `short_hits`, and cleared of
        hits overlapping the one kept before (the same word in another spelling), in the
        automaton's order of hits (by end, the longer first). Neighbours in one text are
        joined when only one space, or a gap the GAP regex takes (spaces and function words,
        2 to 16 characters), lies between; each run of three or more goes to check_run.
        """
        if batch.small:
            return [self.plain_findings(doc) for doc in batch.docs]
        import numpy as np

        words = self.batch_words
        docs = batch.docs
        joined_text = batch.joined_text
        codes = batch.lower_codes
        start, end, word = words.whole_word_hits(batch)
        short = self.batch_short_hits(batch)
        if short[0].size:
            start, end, word = (np.concatenate((a, b)) for a, b in zip((start, end, word), short))
            order = np.lexsort((start, end))  # the engine's order: by end, the longer first
            start, end, word = start[order], end[order], word[order]
        kept = drop_overlapping(start, end)
        start, end, word = start[kept], end[kept], word[kept]
        text_of = batch.text_of(start)
        text_starts = batch.starts
        linked = np.zeros(start.size, dtype=bool)
        if start.size > 1:
            gap = start[1:] - end[:-1]
            same = text_of[1:] == text_of[:-1]
            space = same & (gap == 1) & (codes[np.minimum(end[:-1], codes.size - 1)] == 32)
            linked[1:] = space
            # A gap is judged by its text alone (GAP has no look-behind; \Z is the gap's end),
            # and a few gaps (" of ", " of the ", ", ") are most of them: each judged once.
            judged: dict[str, bool] = {}
            ends, starts = end.tolist(), start.tolist()
            for k in np.flatnonzero(same & ~space & (gap >= 1) & (gap <= 16)).tolist():
                between = joined_text[ends[k] : starts[k + 1]]
                verdict = judged.get(between)
                if verdict is None:
                    verdict = judged[between] = GAP.match(between) is not None
                linked[k + 1] = verdict
        firsts = np.flatnonzero(~linked)
        lengths = np.diff(np.append(firsts, start.size))
        found: list[list[Finding]] = [[] for _ in docs]
        names = words.names
        for first, length in zip(firsts[lengths >= 3].tolist(), lengths[lengths >= 3].tolist()):
            index = int(text_of[first])
            offset = int(text_starts[index])
            last = first + length
            run = [(a - offset, b - offset, names[w]) for a, b, w in zip(start[first:last].tolist(), end[first:last].tolist(), word[first:last].tolist())]
            found[index].extend(self.check_run(docs[index], run))
        return found

    def plain_findings(self, doc: Document) -> list[Finding]:
        """batch_findings for one document of a small batch (Batch.small), step by step
        in Python: the same automaton, hits, order, overlaps, links and runs, no numpy."""
        words = self.batch_words
        low, text = doc.lower, doc.text
        hits: list[tuple[int, int, str]] = []  # (start, end, the word's one spelling)
        if words.automaton is not None:
            data = low.encode("utf-8", "surrogatepass")
            continuation = [] if len(data) == len(low) else [i for i, byte in enumerate(data) if byte & 0xC0 == 0x80]
            size = len(low)
            for pattern, start, end in words.automaton.find_matches_as_indexes(data, overlapping=True):
                if continuation:
                    start -= bisect.bisect_left(continuation, start)
                    end -= bisect.bisect_left(continuation, end)
                if (start == 0 or not is_word_char(low[start - 1])) and (end == size or not is_word_char(low[end])):
                    hits.append((start, end, words.values[pattern]))
        short = self.short_hits(doc) if self.short_words else []
        if short:
            hits += [(h.start, h.end, h.word) for h in short]
            hits.sort(key=lambda hit: (hit[1], hit[0]))  # the engine's order: by end, the longer first
        kept: list[tuple[int, int, str]] = []
        for hit in hits:
            if not kept or hit[0] >= kept[-1][1]:  # (else the same word in another spelling)
                kept.append(hit)
        found: list[Finding] = []
        run: list[tuple[int, int, str]] = []
        judged: dict[str, bool] = {}
        for hit in kept:
            if run:
                gap = hit[0] - run[-1][1]
                if gap == 1 and low[run[-1][1]] == " ":
                    run.append(hit)
                    continue
                if 1 <= gap <= 16:
                    between = text[run[-1][1] : hit[0]]
                    verdict = judged.get(between)
                    if verdict is None:
                        verdict = judged[between] = GAP.match(between) is not None
                    if verdict:
                        run.append(hit)
                        continue
                if len(run) >= 3:
                    found.extend(self.check_run(doc, run))
            run = [hit]
        if len(run) >= 3:
            found.extend(self.check_run(doc, run))
        return found

    def batch_short_hits(self, batch: Batch) -> tuple[Any, Any, Any]:
        """`short_hits` of every document, as (start, end, word id) arrays of offsets in the
        joined texts. ASCII capitals are found by comparing code points; a document that
        short_hits searches in lowercase (for a non-ASCII short word, or a character of
        LOWER_TO_ASCII in it) gets its own call."""
        import numpy as np

        empty = np.zeros(0, dtype=np.int64)
        if not self.short_words:
            return empty, empty, empty
        docs, joined_text, text_starts = batch.docs, batch.joined_text, batch.starts
        ids = self.batch_words.ids
        ascii_words = all(w.isascii() for w in self.short_words)
        own: list[int] = []
        if not ascii_words:
            own = list(range(len(docs)))
        elif any(c in joined_text for c in LOWER_TO_ASCII):
            own = [i for i, doc in enumerate(docs) if any(c in doc.text for c in LOWER_TO_ASCII)]
        found: list[tuple[Any, Any, Any]] = []
        for i in own:
            offset = int(text_starts[i])
            hits = self.short_hits(docs[i])
            found.append(
                (
                    np.array([h.start + offset for h in hits], dtype=np.int64),
                    np.array([h.end + offset for h in hits], dtype=np.int64),
                    np.array([ids[h.word] for h in hits], dtype=np.int64),
                )
            )
        if len(own) < len(docs):
            # Every two capitals A-Z in a row (as unsigned, c - 65 < 26) that make a whole word,
            # then the listed ones among them, looked up by their two code points.
            text, padded = batch.text_codes, batch.padded_lower_codes
            capital = (text - 65) < 26
            at = np.flatnonzero(capital[:-1] & capital[1:])
            at = at[~(word_codes(padded[at]) | word_codes(padded[at + 3]))]
            if own:  # (their own call found theirs)
                at = at[~np.isin(batch.text_of(at), own)]
            pairs = (text[at].astype(np.int64) << 16) | text[at + 1]
            listed = self.batch_words.capital_pairs
            word = np.array([listed.get(pair, -1) for pair in pairs.tolist()], dtype=np.int64)
            keep = word >= 0
            found.append((at[keep], at[keep] + 2, word[keep]))
        return tuple(np.concatenate([part[k] for part in found]) if found else empty for k in range(3))  # type: ignore[return-value]

    @lazy
    def batch_words(self) -> BatchWords:
        """The name words' automaton (rebuilt after unpickling: it cannot be pickled)."""
        return BatchWords(self.name_words(), self.short_words)

    def check_run(self, doc: Document, run: list[tuple[int, int, str]]) -> Iterator[Finding]:
        # A span may end only where a function word joins it to the rest of the run ("Council
        # of Security of the UN | on Iran"), never inside a name: "Turkish Ministry of Foreign
        # Affairs" holds "Turkish Ministry of Foreign", which is no calque of "Turkish Foreign Ministry".
        n = len(run)
        cut = [True] + [bool(doc.text[a[1] : b[0]].strip(" \t\n'’s")) for a, b in zip(run, run[1:])] + [True]
        i = 0
        while i < n:
            found = None
            if cut[i]:
                for j in range(min(n, i + MAX_SPAN_WORDS), i + 2, -1):
                    if cut[j]:
                        found = self.judge(doc, run[i:j])
                        if found is not None:
                            break
            if found is not None:
                yield found
                i = j
            else:
                i += 1

    def judge(self, doc: Document, span: list[tuple[int, int, str]]) -> Finding | None:
        words = [h[2] for h in span]
        forms = self.index.get(tuple(sorted(words)))
        if not forms:
            return None
        start, end = span[0][0], span[-1][1]
        text = doc.text[start:end]
        if not any(c.isupper() for c in text):
            return None
        best: tuple[int, Form] | None = None
        for form in forms:
            order = self.order(words, list(form.words))
            if order is None:
                continue
            score = 1 if english_inversion(order) else blocks(order)
            if best is None or score < best[0]:
                best = (score, form)
        if best is None or best[0] < self.min_blocks:
            return None
        # the same words, scrambled: rapidfuzz confirms the bag match on the written text
        form = best[1]
        from rapidfuzz import fuzz  # only here (rare): keeps its import off the start-up path

        if fuzz.token_sort_ratio(" ".join(words), " ".join(form.words)) < 100:
            return None
        right = form.entry.name if tuple(sorted(self.content_words(form.entry.name))) == tuple(sorted(words)) else form.text
        values = {"right": right, "name": form.entry.name}
        return self.finding(doc, start, end, values, [self.rename(doc, span, right)])

    @staticmethod
    def rename(doc: Document, span: list[tuple[int, int, str]], right: str) -> Edit:
        """The edit writing the name over the span. A name whose last word came in by "from"
        took in the first half of a "from X to Y" pair ("the Organization of cooperation
        from Shanghai to Samarkand"): the "to" left behind names where the body met, so
        the edit writes "in" for it ("the Shanghai Cooperation Organization in Samarkand")."""
        start, end = span[0][0], span[-1][1]
        if len(span) > 1 and FROM.search(doc.text, span[-2][1], span[-1][0]):
            dangling = TO_PLACE.match(doc.text, end)
            if dangling is not None:
                return Edit(start, dangling.end(), f"{right} in")
        return Edit(start, end, right)

    @staticmethod
    def order(words: list[str], form_words: list[str]) -> list[int] | None:
        """Positions of the span's words in the form (each used once), or None."""
        used = [False] * len(form_words)
        positions = []
        for w in words:
            for k, fw in enumerate(form_words):
                if not used[k] and fw == w:
                    used[k] = True
                    positions.append(k)
                    break
            else:
                return None
        return positions

    # -- office-role ------------------------------------------------------------------------
    def office_role(self, doc: Document) -> Iterator[Finding]:
        for match in self.role_pattern.finditer(doc.text):
            head, role, domain = match.group("head"), match.group("role"), match.group("domain")
            if not domain[0].isupper():
                continue
            short = self.short_forms.get(domain.lower(), domain)
            right = f"{short} {head[0].upper() + head[1:].lower()} {role}"
            right = match_case(match.group(0), right) if match.group(0)[0].isupper() else right
            values = {"right": right, "domain": domain, "role": role}
            yield self.finding(doc, match.start(), match.end(), values, [Edit(match.start(), match.end(), right)])


class BatchWords:
    """The name words of a calque rule as a byte automaton, with each word's normalised form
    as a number (`ids`, `names`), for `Calque.batch_findings`."""

    def __init__(self, literals: Iterable[tuple[str, Any]], short_words: dict[str, str]) -> None:
        import ahocorasick_rs

        pairs = list(literals)
        self.names: list[str] = sorted({v for _, v in pairs} | set(short_words.values()))
        self.ids = {name: i for i, name in enumerate(self.names)}
        self.values = [v for _, v in pairs]  # each pattern's word (Calque.plain_findings)
        # The ASCII two-letter words in capitals, by their two code points (ord(a) << 16 | ord(b)).
        self.capital_pairs = {ord(w[0].upper()) << 16 | ord(w[1].upper()): self.ids[v] for w, v in short_words.items() if w.isascii()}
        self.automaton = (
            ahocorasick_rs.BytesAhoCorasick([w.encode("utf-8") for w, _ in pairs], implementation=ahocorasick_rs.Implementation.DFA)
            if pairs
            else None
        )

    @lazy
    def word_of_pattern(self) -> Any:
        """Each pattern's word id, as an array (made on first use: a small batch needs no numpy)."""
        import numpy as np

        return np.array([self.ids[v] for v in self.values], dtype=np.int64)

    def whole_word_hits(self, batch: Batch) -> tuple[Any, Any, Any]:
        """(start, end, word id) arrays of every whole-word hit in the batch's joined lowercase
        texts, in the engine's order: by end, the longer first when two end together."""
        import numpy as np

        empty = np.zeros(0, dtype=np.int64)
        if self.automaton is None:
            return empty, empty, empty
        hits = self.automaton.find_matches_as_indexes(batch.lower_utf8, overlapping=True)
        if not hits:
            return empty, empty, empty
        flat = np.fromiter(chain.from_iterable(hits), dtype=np.int64, count=3 * len(hits)).reshape(-1, 3)
        pattern, start, end = flat[:, 0], batch.char_offsets(flat[:, 1]), batch.char_offsets(flat[:, 2])
        padded = batch.padded_lower_codes  # (padded[i] is the character before joined_lower[i])
        whole = ~(word_codes(padded[start]) | word_codes(padded[end + 1]))
        return start[whole], end[whole], self.word_of_pattern[pattern[whole]]


ASCII_WORD = [chr(c).isalnum() or chr(c) == "_" for c in range(128)]


def word_codes(values: Any) -> Any:
    """is_word_char for an array of code points: a table for ASCII, str.isalnum for each
    distinct other one."""
    import numpy as np

    table = np.array(ASCII_WORD, dtype=bool)
    out = table[np.minimum(values, 127)]
    high = values > 127
    if high.any():
        distinct, inverse = np.unique(values[high], return_inverse=True)
        out[high] = np.array([chr(c).isalnum() for c in distinct.tolist()], dtype=bool)[inverse]
    return out


def drop_overlapping(start: Any, end: Any) -> Any:
    """Which hits batch_findings keeps (a boolean array): a hit starting before the end of the last
    hit kept is the same word again (a spelling variant) and is skipped. Hits come by end,
    so only a hit overlapping its predecessor can be skipped; those few are decided in
    order, against the last hit kept before them."""
    import numpy as np

    kept = np.ones(start.size, dtype=bool)
    for k in (np.flatnonzero(start[1:] < end[:-1]) + 1).tolist():
        j = k - 1
        while not kept[j]:
            j -= 1
        if start[k] < end[j]:
            kept[k] = False
    return kept
