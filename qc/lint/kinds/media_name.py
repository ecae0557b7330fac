"""`media_name`: a non-English outlet's name translated word by word.

`check: table` — the word-by-word English renderings of outlets' names (data/names/
media-literal.tsv, generated from the names and bilingual dictionaries: "The World" for Le
Monde, "Morning Sun News" for the Asahi Shimbun). A rendering of two or more words besides
the outlet-type word is flagged wherever it occurs as written; a shorter one ("The World",
"The Country", "Morning Sun") only next to a press cue: a following "newspaper", "daily",
"agency"..., a preceding "daily", "according to", "told". Renderings made only of words of
English-language outlets' names (`english_outlets`: The Nation, The Press, The Times) are
never flagged. The fix writes the outlet's name; when several outlets share the rendering
(The World: Le Monde, El Mundo, Die Welt), the one whose country the sentence names, else none.

`check: cue` — the structure alone, for outlets the table lacks: "the <Title-Case ordinary
English words> newspaper/daily/channel/agency" ("the Country newspaper", "the Truth
daily"). The words must be common English words (wordfreq), none a word of English-language
outlets' names, a country, demonym, weekday or month. No fix: the outlet has to be looked up.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from qc.finding import Edit, Finding
from qc.lint.document import Document
from qc.lint.kinds import RuleKind, register
from qc.lint.kinds._names import demonym_table, plain, read_lines, read_tsv, read_yaml, sentence_around, stamped

TYPE_WORDS = ("Newspaper", "News", "Daily", "Journal", "Gazette", "Agency", "Paper", "Sheet", "Press Agency", "News Agency")
CUE_AFTER = r"(?:news agency|newspaper|daily|weekly|paper|agency|channel|broadcaster|television|TV|radio|magazine|tabloid|reported|wrote|said|says|reports)"
CUE_BEFORE = r"(?:daily|newspaper|weekly|agency|channel|broadcaster|magazine|tabloid|according to|told|quoted by|cited by|interview with|reported by|published by|(?:wrote|writes) in|said in)"
# Lowercase after the name, or the outlet word of a literal rendering in title case (English
# outlets' names end in Times, Post, Daily... but hardly ever in "Newspaper").
STRUCTURE_CUES = r"(?:news agency|newspaper|daily|weekly|channel|agency|magazine|tabloid|broadcaster|Newspaper|News Service)"
FOREIGN_ARTICLES = ("Le", "La", "Les", "L'", "El", "Die", "Der", "Das", "Il", "O", "De", "Al")
CONNECTORS = frozenset(("of", "the", "and", "on"))
CALENDAR = frozenset("monday tuesday wednesday thursday friday saturday sunday january february march april may june july august september october november december".split())
# A common English word: wordfreq's Zipf frequency at least this (about once per 10^6 words).
ORDINARY_ZIPF = 3.0


@dataclass(frozen=True)
class Outlet:
    name: str
    country: str


@dataclass(frozen=True)
class Rendering:
    text: str  # as the rendering is written, e.g. "The World", "Morning Sun News"
    core: str  # without a leading "The" and trailing outlet-type words: "World", "Morning Sun"
    outlets: tuple[Outlet, ...]
    # Made only of words of English-language outlets' names ("The Mirror", "The Standard"):
    # flagged only where the text names the country of an outlet it renders.
    english: bool = False
    # Every way the table writes it: the core with one outlet word or another ("Morning Sun
    # News", "Morning Sun Daily"); `text` is the first.
    texts: tuple[str, ...] = ()

    def standalone(self, text: str) -> bool:
        """Is this writing of it distinctive enough to flag without a press cue?"""
        return len(self.core.split()) >= 2 and self.core != text.removeprefix("The ")

    def written(self, words: str) -> bool:
        """Is `words` (without a leading "The") one of the table's writings of it?"""
        return any(words == t.removeprefix("The ") for t in self.texts or (self.text,))


def core_of(text: str) -> str:
    core = text.removeprefix("The ")
    for word in sorted(TYPE_WORDS, key=len, reverse=True):
        if core.endswith(" " + word):
            core = core[: -len(word) - 1]
            break
    return core


@lru_cache(maxsize=8)
def renderings(table: tuple[str, int], outlets_words: tuple[str, int]) -> tuple[Rendering, ...]:
    english = set(read_lines(*outlets_words))
    grouped: dict[str, list[Outlet]] = defaultdict(list)
    texts: dict[str, list[str]] = defaultdict(list)
    for row in read_tsv(*table):
        text = row["literal"].strip()
        core = core_of(text)
        outlet = Outlet(row["name"].strip(), row["country"].strip())
        if not core:
            continue
        if outlet not in grouped[core]:
            grouped[core].append(outlet)
        if text not in texts[core]:
            texts[core].append(text)
    return tuple(Rendering(texts[core][0], core, tuple(outlets), all(w in english for w in core.split()), tuple(texts[core])) for core, outlets in grouped.items())


@lru_cache(maxsize=8)
def place_table(path: str, stamp: int) -> dict[str, str]:
    """plain place -> plain country ("paris" -> "france")."""
    return {plain(row["place"].replace(" ", "")): plain(row["country"].replace(" ", "")) for row in read_tsv(path, stamp)}


# Capitalised words and two-word runs of them ("South Korean", "Mexico City"), looked up
# in the demonym and place tables.
PLACE_WORDS = re.compile(r"[A-Z][\w'’-]+(?:[ -][A-Z][\w'’-]+)?")


@lru_cache(maxsize=1 << 14)
def zipf(word: str) -> float:
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en")


@register("media_name")
class MediaName(RuleKind):
    params_schema = {
        "type": "object",
        "required": ["check", "english_outlets"],
        "additionalProperties": False,
        "properties": {
            "check": {"enum": ["table", "cue"]},
            "table": {"type": "string", "minLength": 1},
            "english_outlets": {"type": "string", "minLength": 1},
            "demonyms": {"type": "string", "minLength": 1},
            "structure": {"type": "string", "minLength": 1},
            "places": {"type": "string", "minLength": 1},
        },
    }

    def __init__(self, rule: Any) -> None:
        super().__init__(rule)
        params = rule.params
        self.mode = params["check"]
        self.outlet_words = stamped(rule, params["english_outlets"])
        self.demonyms = stamped(rule, params["demonyms"]) if "demonyms" in params else None
        self.table = stamped(rule, params["table"]) if "table" in params else None
        self.structure = stamped(rule, params["structure"]) if "structure" in params else None
        self.places = stamped(rule, params["places"]) if "places" in params else None
        if self.mode == "table":
            if self.table is None:
                raise self.error("check: table needs `table`")
            self.compile_table()
        elif self.demonyms is None or self.structure is None:
            raise self.error("check: cue needs `demonyms` and `structure`")

    def compile_table(self) -> None:
        assert self.table is not None
        self.renderings = {r.core: r for r in renderings(self.table, self.outlet_words)}
        self.full = {t: r for r in renderings(self.table, self.outlet_words) if not r.english for t in r.texts if r.standalone(t)}
        types = "|".join(re.escape(t) for t in sorted(TYPE_WORDS, key=len, reverse=True))
        # After a core: the rendering's own outlet word ("the Central Daily", "Anatolia
        # Agency"), which is a press cue too and belongs to the span, and a press cue.
        self.after = re.compile(rf"(?P<type>\s+(?:{types}))?\b(?!\s+[A-Z])(?:(?P<post>\s+{CUE_AFTER})\b)?")
        # A sentence may begin with the cue: "According to the World newspaper, ..."
        self.before = re.compile(rf"(?:\b(?P<pre>(?i:{CUE_BEFORE}))\s+)?(?P<the>\b[Tt]he\s+)?$")

    def word_literals(self) -> Iterable[tuple[str, Any]]:
        # Renderings go through the engine's one literal pass; case and cues are checked per hit.
        if self.mode != "table":
            return ()
        cores = [(core.lower(), ("core", core)) for core in self.renderings]
        return cores + [(full.lower(), ("full", full)) for full in self.full]

    def check(self, doc: Document) -> Iterator[Finding]:
        if self.mode == "cue":
            yield from self.check_cue(doc)

    # -- the table -----------------------------------------------------------------------
    def on_literal(self, doc: Document, start: int, end: int, payload: Any) -> Iterator[Finding]:
        kind, key = payload
        text = doc.text
        if text[start:end] != key or text[start - 1 : start] in ("-", "'", "’"):
            return  # (or a piece of a word: "Auditor-General")
        before = self.before.search(text, max(0, start - 60), start)
        the = before.group("the") if before else None
        if kind == "full":
            if not re.match(r"[ -][A-Z]", text[end : end + 2]):
                yield self.report(doc, before.start("the") if before and the else start, end, the, self.full[key], key)
            return
        rendering = self.renderings[key]
        begin = before.start("the") if before and the else start
        if re.search(r"[A-Z][\w.'’&-]*[ \t]+(?:(?:of|of the|and)[ \t]+)?$", text[max(0, begin - 40) : begin]):
            return  # the name goes on to the left: "CBS News", "The Daily Mirror", "Voice of Freedom"
        if self.only_demonyms(key):
            return  # "Russian news agency RIA Novosti": a country word describes, it does not name
        after = self.after.match(text, end)
        typed = after.group("type") if after else None
        # Its own type word is a cue only as the rendering has it: "People's Daily" is an
        # English name, the rendering of De Volkskrant is "People's Newspaper".
        whole = key + (typed or "").replace("\n", " ")
        own_type = bool(typed) and rendering.written(whole)
        if own_type and (whole in self.full or "The " + whole in self.full):
            return  # reported as a whole rendering
        if not own_type and re.match(r"\s+[A-Z]", text[end : end + 3]):
            return  # the name goes on: "People's Daily", "World Bank"
        pre = before.group("pre") if before else None
        if after and after.group("post") and re.match(r"\s+[A-Z]", text[after.end() : after.end() + 3]):
            return  # "… news agency RIA Novosti": the cue is an apposition to the outlet's real name
        if not (pre or (after and after.group("post")) or own_type):
            return
        if not the and rendering.text.startswith("The ") and not pre:
            return  # "World newspaper" without "the" is ordinary English ("a World newspaper")
        stop = after.end("type") if own_type and after else end
        if rendering.english:
            # "the Standard newspaper" is the Kenyan paper unless the sentence is about
            # Austria (Der Standard) or Belgium (De Standaard): the country named nearest to
            # it must be an outlet's ("British tabloid The Daily Mirror ... from Germany" stays).
            nearest = self.nearest_country(doc.text, start, stop)
            outlets = tuple(o for o in rendering.outlets if nearest in self.country_keys(o.country))
            if not outlets:
                return
            rendering = Rendering(rendering.text, rendering.core, outlets, True, rendering.texts)
        yield self.report(doc, before.start("the") if before and the else start, stop, the, rendering, key)

    def only_demonyms(self, core: str) -> bool:
        """Is the core made only of country names and demonyms ("Russian", "South Korean")?"""
        if self.demonyms is None:
            return False
        demonyms = demonym_table(*self.demonyms)
        return plain(core.replace(" ", "")) in demonyms or all(plain(w) in demonyms for w in core.split())

    def report(self, doc: Document, start: int, end: int, the: str | None, rendering: Rendering, core: str) -> Finding:
        outlet = self.pick(doc, start, end, rendering)
        edits = None
        if outlet is not None:
            keep_the = the and not outlet.name.startswith(FOREIGN_ARTICLES)
            replacement = (the or "") + outlet.name if keep_the else outlet.name
            if the and not keep_the and the[0].isupper() and outlet.name[0].islower():
                replacement = outlet.name[0].upper() + outlet.name[1:]
            edits = [Edit(start, end, replacement)]
        name = outlet.name if outlet else " or ".join(o.name for o in rendering.outlets)
        return self.finding(doc, start, end, {"name": name, "replacement": outlet.name if outlet else name}, edits)

    def pick(self, doc: Document, start: int, end: int, rendering: Rendering) -> Outlet | None:
        """The outlet: the only one, else the one whose country the sentence names, else the
        one whose country the text names (a story from Paris quotes Le Monde)."""
        if len({o.name for o in rendering.outlets}) == 1:
            return rendering.outlets[0]
        left, right = sentence_around(doc.text, start, end)
        for scope in (doc.text[left:right], doc.text):
            named = self.countries(scope)
            hits = [o for o in rendering.outlets if self.country_keys(o.country) & named]
            if hits:
                return hits[0] if len({o.name for o in hits}) == 1 else None
        return None

    def nearest_country(self, text: str, start: int, end: int) -> str | None:
        """The country named nearest to text[start:end] in its sentence, if any."""
        left, right = sentence_around(text, start, end)
        best: tuple[int, str] | None = None
        for match in PLACE_WORDS.finditer(text, left, right):
            if start <= match.start() < end:
                continue
            for country in self.countries(match.group()):
                distance = start - match.end() if match.end() <= start else match.start() - end
                if best is None or distance < best[0]:
                    best = (distance, country)
        return best[1] if best else None

    def countries(self, text: str) -> set[str]:
        """The countries a text names: by name, demonym, capital or big city."""
        demonyms = demonym_table(*self.demonyms) if self.demonyms else {}
        places = place_table(*self.places) if self.places else {}
        named = set()
        for match in PLACE_WORDS.finditer(text):
            for phrase in (match.group(), *match.group().split()):
                key = plain(phrase.replace(" ", ""))
                if key in demonyms or key in places:
                    named.add(demonyms.get(key) or places[key])
        return named

    def country_keys(self, country: str) -> set[str]:
        """An outlet's country as the tables key it: "South Korea" is "southkorea" and, by
        its last word, "korea" (the demonym table's South Korean and Korean)."""
        demonyms = demonym_table(*self.demonyms) if self.demonyms else {}
        whole, last = plain(country.replace(" ", "")), plain(country.split()[-1]) if country.strip() else ""
        return {whole, demonyms.get(whole, whole), demonyms.get(last, whole)}

    # -- the structural cue ----------------------------------------------------------------
    def check_cue(self, doc: Document) -> Iterator[Finding]:
        assert self.demonyms is not None and self.structure is not None
        english = set(read_lines(*self.outlet_words))
        demonyms = demonym_table(*self.demonyms)
        heads = {str(h) for h in read_yaml(*self.structure).get("heads") or []}
        places = place_table(*self.places) if self.places else {}
        # Up to four title-case words, "of (the)", "and", "on" between them ("the Voice of
        # Galicia", "the People's"), then a press word: lowercase, or one that a literal
        # rendering carries in its name ("the Central Daily", "the Independent Newspaper").
        word = r"[A-Z][a-z]+(?:['’]s)?"
        name = rf"{word}(?: (?:of the |of |and |on )?{word}){{0,3}}"
        pattern = re.compile(
            rf"\b[Tt]he (?P<name>{name}) (?P<cue>{STRUCTURE_CUES})\b(?![ -][A-Z])"
            # or the apposition: "the Russian daily The Free Word said"
            # (two words or more: "the magazine The Bark" is an English title)
            rf"|\b(?P<before>newspaper|daily) [Tt]he (?P<named>{word}(?: (?:of the |of |and |on )?{word}){{1,3}})\b(?![ -]?[A-Z])"
        )
        listed = {r.core for r in renderings(self.table, self.outlet_words)} if self.table else set()
        for match in pattern.finditer(doc.text):
            words_text = match.group("name") or match.group("named")
            if " ".join(words_text.split()) in listed:
                continue  # a rendering of the table: check: table reports it, with the outlet
            if match.group("cue") == "daily" and not re.match(r"(?:'s|’s| [a-z])", doc.text[match.end() : match.end() + 3]):
                continue  # "drowned in the Mediterranean daily": the adverb
            words = [re.sub(r"['’]s$", "", w) for w in words_text.split() if w not in CONNECTORS]
            if all(self.ordinary(w, english, demonyms, heads) and plain(w) not in places for w in words):
                start = match.start() if match.group("name") else match.start("named") - len("the ")
                yield self.finding(doc, start, match.end(), {"name": " ".join(words)})

    @staticmethod
    def ordinary(word: str, english: set[str], demonyms: dict[str, str], heads: set[str]) -> bool:
        low = word.lower()
        if word in english or word in heads or low in CALENDAR or plain(word) in demonyms:
            return False
        return zipf(low) >= ORDINARY_ZIPF
