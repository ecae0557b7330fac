"""`name_order`: Romance or Slavic word order inside a capitalised name.

English puts a name's modifiers before its head noun ("Spanish Meteorological Agency",
"International Criminal Court"); Spanish, French, Italian, Portuguese (and Russian for
complements) put them after ("Agencia Española de Meteorología", "Cour pénale
internationale"). Machine translation that renders such a name word by word leaves an
institutional head noun followed by adjectives or demonyms inside a capitalised name:
"Court Penal International", "Agency Colombian of Infrastructure", "Nations United". The
kind needs no list of bodies: it works for names nobody has listed. The fix is the English
order: the adjectives reversed before the head, a short "of X" complement left after it
("Colombian Agency of Infrastructure"); when the complement is long or
chained, the span is flagged without a fix.

Slavic genitive chains are the other order: "Federal Service of Security", "Forces of
Armed", "Organization of Health of World", where English compounds ("Federal Security
Service"). A chain of one-word "of" complements after a head is flagged when a complement is
an adjective or possessive, or when the gazetteers' English names put that word before that
head and never after it in an "of" (learnt from the data at load time, not listed); the fix
moves the words before the head, countries and cities staying "of X". Names the gazetteer knows (`gazetteers`) are
left to `name_meaning`, which can write their real English name.

Parameters: `structure` (heads, adjectives, exceptions), `demonyms`, and optionally the
`gazetteers`, `translations` of `name_meaning`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from qc.finding import Edit, Finding
from qc.lint.document import Document
from qc.lint.kinds import RuleKind, register
from qc.lint.kinds._names import Token, document_name_spans, plain, read_tsv, read_yaml, stamped
from qc.lint.kinds.name_meaning import build_index, join_key, judge, name_made_of

# A complement longer than this many words is not turned into a modifier: "of the Y of the Z"
# chains need a person to decide what English compounds.
MAX_COMPLEMENT_WORDS = 3
# "Bank of Development" is a calque when at least this many gazetteer names write
# "Development Bank" (and none "Bank of Development"). One is enough: measured leave-one-out
# (bench/generalisation.py withdraws a body's evidence too), two finds a fifth fewer calques
# and clean-news and the tricky-names corpus stay as silent either way.
MIN_COMPOUND_NAMES = 1


@lru_cache(maxsize=8)
def word_classes(structure: tuple[str, int], demonyms: tuple[str, int]) -> tuple[frozenset[str], frozenset[str], frozenset[str], tuple[str, ...], frozenset[str]]:
    data = read_yaml(*structure)
    heads = frozenset(str(w) for w in data.get("heads") or [])
    adjectives = {plain(str(w)) for w in data.get("adjectives") or []}
    for row in read_tsv(*demonyms):
        adjectives.update(plain(d.strip()) for d in row.get("demonyms", "").split(",") if d.strip() and " " not in d.strip())
    exceptions = frozenset(str(w) for w in data.get("exceptions") or [])
    endings = tuple(str(e) for e in data.get("adjective_endings") or [])
    nouns = {plain(str(w)) for w in data.get("not_adjectives") or []}
    return heads, frozenset(adjectives - nouns), exceptions, endings, frozenset(nouns)


def adjective(word: str, adjectives: frozenset[str], endings: tuple[str, ...], nouns: frozenset[str]) -> bool:
    """A listed adjective or demonym, or a word shaped like an adjective that is no listed noun."""
    flat = plain(word)
    return flat in adjectives or (len(flat) > 5 and flat.endswith(endings) and flat not in nouns)


@lru_cache(maxsize=4)
def place_names(places: tuple[str, int]) -> frozenset[str]:
    """Cities and capitals: "University of Montreal" names a place, not a modifier."""
    return frozenset(plain(row["place"].replace(" ", "")) for row in read_tsv(*places))


def possessive(word: str) -> bool:
    return word.endswith(("'s", "’s", "s'", "s’"))


def adjective_shaped(word: str) -> bool:
    """A demonym ("Russian"), not a country's name: it is a modifier, not an "of" place."""
    return plain(word).endswith(("an", "ese", "ish", "ic", "i"))


@register("name_order")
class NameOrder(RuleKind):
    params_schema = {
        "type": "object",
        "required": ["structure", "demonyms"],
        "additionalProperties": False,
        "properties": {
            "structure": {"type": "string", "minLength": 1},
            "demonyms": {"type": "string", "minLength": 1},
            "gazetteers": {"type": "array", "items": {"type": "string", "minLength": 1}},
            "translations": {"type": "string", "minLength": 1},
            "places": {"type": "string", "minLength": 1},
            "spellings": {"type": "string", "minLength": 1},
        },
    }

    def __init__(self, rule: Any) -> None:
        super().__init__(rule)
        params = rule.params
        self.classes = (stamped(rule, params["structure"]), stamped(rule, params["demonyms"]))
        self.word_classes = word_classes(*self.classes)  # (pickled with the rule: no YAML read at start-up)
        self.known = None
        self.places = place_names(stamped(rule, params["places"])) if "places" in params else frozenset()
        if params.get("gazetteers"):
            if "translations" not in params:
                raise self.error("`gazetteers` needs `translations` too")
            self.known = (
                tuple(stamped(rule, g) for g in params["gazetteers"]),
                stamped(rule, params["translations"]),
                self.classes[1],
                self.classes[0],
                stamped(rule, params["spellings"]) if "spellings" in params else None,
            )
            # Kept on the rule: the compiled-rules cache unpickles it (shared with
            # name_meaning's, one object) where building it again would take ~0.2 s.
            self.known_index = build_index(*self.known)

    def check(self, doc: Document) -> Iterator[Finding]:
        heads, adjectives, exceptions, endings, nouns = self.word_classes
        for span in document_name_spans(doc):
            for at, token in enumerate(span):
                if token.text in heads:
                    finding = self.inverted(doc, span, at, adjectives, exceptions, (endings, nouns))
                    if finding is None:
                        finding = self.genitive(doc, span, at, adjectives, (endings, nouns))
                    if finding is not None:
                        yield finding

    def inverted(self, doc: Document, span: list[Token], at: int, adjectives: frozenset[str], exceptions: frozenset[str], shapes: tuple[tuple[str, ...], frozenset[str]]) -> Finding | None:
        """A finding when span[at] (a head) is followed by adjectives and then the span's end
        or a joining word; None otherwise."""
        end = at + 1
        while end < len(span) and span[end].capital and not span[end].function and adjective(span[end].text, adjectives, *shapes):
            end += 1
        if end == at + 1 or (end < len(span) and not span[end].function):
            return None  # no adjective after the head, or the name goes on ("Bank Central Asia")
        if at > 0 and not span[at - 1].function:
            return None  # "Manchester United"-like: the head is itself a modifier of a name
        name = " ".join(t.text for t in span[at:end])
        if name in exceptions:
            return None
        complement = self.complement(span, end)
        last = complement[-1] if complement else span[end - 1]
        if self.known_name(span, at, last):
            return None
        first = span[at - 1] if at > 0 and span[at - 1].text.lower() == "the" else span[at]
        start, stop = first.start, last.end
        # English order: the adjectives reversed before the head; an "of" complement stays
        # after it as written ("Bank Central of Ecuador" -> "Central Bank of Ecuador").
        words = [t.text for t in reversed(span[at + 1 : end])] + [span[at].text]
        tail = doc.text[span[end - 1].end : stop] if complement else ""
        right = " ".join(words) + tail
        edits = None
        if complement is not None and len(complement) <= MAX_COMPLEMENT_WORDS:
            article = first.text + " " if first is not span[at] else ""
            edits = [Edit(start, stop, article + right)]
        return self.finding(doc, start, stop, {"head": span[at].text, "right": right}, edits)

    def genitive(self, doc: Document, span: list[Token], at: int, adjectives: frozenset[str], shapes: tuple[tuple[str, ...], frozenset[str]]) -> Finding | None:
        """A finding when span[at] (a head) is followed by a chain of one-word "of" complements
        that English puts before the head: Slavic (and Romance) genitives rendered word by word.
        Either a complement is an adjective or a possessive ("Forces of Armed", "Party of
        Workers'", "Congress of People's"), or the gazetteers' English names use the word as a
        modifier of that head and never as its "of" complement ("Bank of Development": Asian,
        African, Inter-American Development Bank; never a "Bank of Development"). Countries
        stay "of X" ("Service of Security of Ukraine" -> "Security Service of Ukraine")."""
        if self.known is None:
            return None
        index = self.known_index
        units = self.of_chain(span, at + 1)
        if not units:
            return None
        places = [u for u in units if (plain(u.text) in index.demonyms and not adjective_shaped(u.text)) or plain(re.sub(r"['’]s$", "", u.text)) in self.places]
        words = [u for u in units if u not in places]
        if not words or units[: len(words)] != words:
            return None  # a country first ("Bank of Japan"), or in the middle of the chain
        head, first = join_key(span[at].text), join_key(words[0].text)
        # Listed adjectives only: an ending alone is too weak here ("Court of Appeal").
        shaped = any(plain(w.text) in adjectives or possessive(w.text) for w in words)
        # Russian has no articles: "of the" is English ("Office of the Prosecutor") unless the
        # names never put "the" before that word and do write it bare ("Party of Freedom"): then
        # it is Spanish or Portuguese ("Party of the Freedom").
        articled = any(t.text.lower() == "the" for t in span[at : span.index(units[-1])])
        english_article = articled and bool(index.the_after_of.get(first) or not index.bare_after_of.get(first))
        shaped = shaped and not articled  # "Ministry of the Interior": Russian has no "the"
        compounded = not english_article and len({b.name for b in index.compounds.get((first, head), ())}) >= MIN_COMPOUND_NAMES and not index.complements.get((head, first))
        if not (shaped or compounded):
            return None
        last = units[-1]
        lead = at  # the modifiers before the head go with it ("Federal Service of Security")
        while lead > 0 and span[lead - 1].capital and not span[lead - 1].function:
            lead -= 1
        verdicts = [judge(index, part) for part in (span[at : span.index(last) + 1], span[at:], span[lead : span.index(last) + 1])]
        if any(v and v[0] not in "?@" for v in verdicts):
            return None  # name_meaning reports it, with the body's real name (not one without a fix)
        text = " ".join(t.text for t in span[at : span.index(last) + 1])
        if any(name in text for name in index.exceptions):
            return None
        # (A bag name_meaning finds in English order is no defence here: it reads "Forces of
        # Armed" as "Armed Forces" turned around "of", as "Ministry of Defence" is; but the
        # gazetteers write "Ministry of Defence" and never "Forces of Armed".)
        right = " ".join([w.text for w in reversed(words)] + [span[at].text] + [f"of {p.text}" for p in places])
        start = span[at].start
        # A body the gazetteers know by these words, modifiers included, is written by its
        # name ("Democratic Party of People's" -> People's Democratic Party).
        whole = " ".join([t.text for t in span[lead:at]] + [right])
        named = name_made_of(index, span[lead : span.index(last) + 1], whole)
        if named is not None:
            start, right = span[lead].start, named
        edits = [Edit(start, last.end, right)]
        return self.finding(doc, start, last.end, {"head": span[at].text, "right": right}, edits)

    @staticmethod
    def of_chain(span: list[Token], begin: int) -> list[Token]:
        """The words of "of (the) X of (the) Y ..." from span[begin] to the span's end or to a
        "for"/"on" tail, each a single capitalised word; [] when anything else follows ("of
        Foreign Affairs")."""
        units, at = [], begin
        while at < len(span):
            if units and span[at].text in ("for", "on"):
                return units  # a "for"/"on" tail stays as written ("... for Commodities")
            if span[at].text != "of":
                return []
            at += 1
            while at < len(span) and span[at].text.lower() == "the":
                at += 1
            if at >= len(span) or span[at].function or not span[at].capital:
                return []
            units.append(span[at])
            at += 1
        return units

    @staticmethod
    def complement(span: list[Token], end: int) -> list[Token] | None:
        """The capitalised words of an "of (the) X" complement after the adjectives: [] when
        there is none, None when it is a chain ("of the Y of the Z", "for X and Y")."""
        if end >= len(span) or span[end].text != "of":
            return []
        rest = span[end + 1 :]
        while rest and rest[0].text.lower() == "the":
            rest = rest[1:]
        if not rest or any(t.function for t in rest):
            return None
        return rest

    def known_name(self, span: list[Token], at: int, last: Token) -> bool:
        if self.known is None:
            return False
        index = self.known_index
        # Its own words, or the whole rest of the name ("Institute National of Statistics and
        # Geography"): either known, and name_meaning reports it with the body's real name.
        parts = (span[at : span.index(last) + 1], span[at:])
        return any(judge(index, part) is not None for part in parts)
