"""`calque`: names of organisations and offices translated word by word, in the wrong order.

`check: order` (the general detector). Every name and variant in the organisations
gazetteer is indexed by its bag of content words (lowercase, one spelling for
organisation/organization, co-operation/cooperation, defence/defense; function words
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

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from operator import itemgetter
from typing import Any, NamedTuple

from qc.finding import Edit, Finding
from qc.lint.document import Document, is_word_char
from qc.lint.kinds import RuleKind, match_case, register
from qc.lint.kinds.gazetteer import Entry, load_entries
from qc.lint.prefilter import Unsupported, relax

FUNCTION_WORDS = {"of", "from", "the", "for", "on", "and", "in", "at", "to", "&"}
GAP = re.compile(r"(?:['’]s)?\s+(?:(?:of|from|the|for|on|and|in|at|to|&)\s+){0,3}\Z", re.IGNORECASE)
SPELLINGS = [
    ("organisation", "organization"), ("co-operation", "cooperation"), ("defence", "defense"),
    ("labour", "labor"), ("programme", "program"), ("centre", "center"),
]  # fmt: skip
WORD = re.compile(r"[\w'’\-]+")
# Words too common (or too foreign) to be worth a literal: each hit costs a callback.
# A name holding one is left out of the index (its bag could never be completed).
STOP_WORDS = {
    "her", "his", "its", "just", "old", "new", "mit", "des", "der", "die", "das", "del", "los", "las", "wa",
    "al", "el", "le", "la", "de", "du", "et", "und", "y", "e", "o", "i", "a", "an", "no", "not", "all",
}  # fmt: skip
MAX_SPAN_WORDS = 8
# The only non-ASCII characters whose lowercase starts with an ASCII character (dotted
# capital I, Kelvin sign); tests/test_scan_speed_invariance.py checks the list.
LOWER_TO_ASCII = ("\u0130", "\u212a")

MIN_BLOCKS = 3
BY_END = itemgetter(1, 0)  # (end, start): the engine's order of hits


def norm_word(word: str) -> str:
    word = word.lower().replace("’", "'")
    if word.endswith("'s"):
        word = word[:-2]
    for a, b in SPELLINGS:
        if word == a or word.startswith(a):
            word = b + word[len(a) :]
    return word


def content_words(form: str) -> list[str]:
    return [norm_word(w) for w in WORD.findall(form) if w.lower() not in FUNCTION_WORDS]


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
        # Name words are common ("state", "national"): one list per text, not a call per word.
        self.collects_words = self.mode == "order"
        self.entries = load_entries(self, params["data"], "organisations")
        self.min_blocks = params.get("min_blocks", MIN_BLOCKS)
        self.key = f"_calque_hits_{id(self)}"
        # bag of content words -> forms
        self.index: dict[tuple[str, ...], list[Form]] = {}
        self.vocabulary: dict[str, str] = {}  # literal (lowercase, as written) -> normalised word
        self.upper_only: set[str] = set()  # two-letter acronyms (UN, EU): matched in capitals only
        # Only `order` uses the name index (office-role would carry it in the compiled-rules cache for nothing).
        for entry in self.entries if self.mode == "order" else ():
            for text in entry.forms:
                words = content_words(text)
                if len(words) < 3:
                    continue  # two-word names have only one other order, and "B of A" is English
                raws = [w for w in WORD.findall(text) if w.lower() not in FUNCTION_WORDS]
                if any(not self.indexable(w) for w in raws):
                    continue  # "U.S. Commerce Department", "Banque de France": not worth the literals
                form = Form(text, tuple(words), entry)
                self.index.setdefault(tuple(sorted(words)), []).append(form)
                for raw in raws:
                    low = raw.lower().replace("’", "'")
                    for spelled in self.spellings(low):
                        self.vocabulary[spelled] = norm_word(raw)
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

    @staticmethod
    def indexable(word: str) -> bool:
        """Three letters or more and not a stop word, or a two-letter acronym (UN, EU, US)."""
        if len(word) == 2:
            return word.isupper() and word.isalpha()
        return len(word) >= 3 and word.lower() not in STOP_WORDS

    @staticmethod
    def spellings(low: str) -> set[str]:
        out = {low}
        for a, b in SPELLINGS:
            for x, y in ((a, b), (b, a)):
                if low.startswith(x):
                    out.add(y + low[len(x) :])
        if "'" in low:
            out |= {s.replace("'", "’") for s in out}
        return out

    # -- engine hooks -----------------------------------------------------------------------
    def word_literals(self) -> Iterable[tuple[str, Any]]:
        # Name words, reported by the engine as whole words only ("red" not inside "reduced").
        if self.mode != "order":
            return ()
        return [(w, v) for w, v in self.vocabulary.items() if len(w) != 2]

    def triggers(self) -> Iterable[str] | None:
        if self.mode == "order":
            return None  # check() runs on every text: it is cheap when on_words found few words
        return self.heads

    def prefilter(self) -> str | None:
        return self._prefilter

    def on_words(self, doc: Document, hits: list[tuple[int, int, Any]]) -> Iterator[Finding]:
        # Remember where name words are; check() assembles them into spans. (Two-character
        # words, matched in capitals only, are not literals: short_hits finds them.)
        doc.__dict__[self.key] = hits
        return iter(())

    def check(self, doc: Document) -> Iterator[Finding]:
        if self.mode == "office-role":
            yield from self.office_role(doc)
            return
        hits: list[tuple[int, int, str]] = doc.__dict__.pop(self.key, None) or []
        if self.short_words:
            short = self.short_hits(doc)
            if short:
                # The engine reports words by end, the longer first when two end together.
                hits = sorted(hits + short, key=BY_END)
        if len(hits) < 3:
            return
        # The automaton reports words in text order; join neighbours separated by a short gap
        # of spaces and function words only.
        text = doc.text
        gap_match = GAP.match
        run: list[tuple[int, int, str]] = []
        prev_end = -100
        for hit in hits:
            start = hit[0]
            if start < prev_end:
                continue  # the same word again (a spelling variant)
            # (one space, the commonest gap, is one GAP matches: no regex call for it)
            if run and start - prev_end <= 16 and ((start == prev_end + 1 and text[prev_end] == " ") or gap_match(text, prev_end, start)):
                run.append(hit)
            else:
                if len(run) >= 3:
                    yield from self.check_run(doc, run)
                run = [hit]
            prev_end = hit[1]
        if len(run) >= 3:
            yield from self.check_run(doc, run)

    def short_hits(self, doc: Document) -> list[Hit]:
        """Whole-word hits of the two-character words written in capitals, as the engine's
        word literals would report them once on_literal has dropped the lowercase ones.

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
        right = form.entry.name if tuple(sorted(content_words(form.entry.name))) == tuple(sorted(words)) else form.text
        values = {"right": right, "name": form.entry.name}
        return self.finding(doc, start, end, values, [Edit(start, end, right)])

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
