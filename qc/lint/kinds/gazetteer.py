"""`gazetteer`: literal renderings of news-agency and newspaper names, fixed to the real name.

The data file (`data:`, relative to the pack file) lists media outlets:

    - name: TASS                   # canonical English name (never flagged)
      country: Russia
      type: agency                 # agency | newspaper | broadcaster | magazine
      variants: [ITAR-TASS]        # other correct forms (never flagged)
      literal: [Cup Press Agency]  # unambiguous literal renderings
      contextual: [The Cup]        # ordinary English elsewhere: flag only next to a press cue

`field: literal` flags every `literal` rendering (word-bounded, with the capitals it is
listed with); `field: contextual` flags `contextual` renderings only when a press cue
("newspaper", "told", "according to", ...) is near. All renderings of all entries ride
the engine's single Aho-Corasick pass. A rendering inside a correct name or variant
("RIA News" inside a listed "RIA News Agency", say) is never flagged.

"according to Russia. Cup Press Agency." is a possessive split by a stray full stop
(据俄罗斯塔斯社): when the rendering follows "<its country>. " and ends the clause, the
finding covers both and the (unsafe) fix writes "Russia’s TASS news agency", or just the
real name when it or the rendering names the country already ("France. French Press
Agency" -> "Agence France-Presse"). `demonyms:` names a data file of the other words for
each country (data/demonyms.tsv).

This module also holds the gazetteer loader that the `calque` and `acronym` kinds share.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple

import yaml

from qc.errors import RulePackError
from qc.finding import Edit, Finding
from qc.lint.data import SAFE_LOADER, data_stamp, load_yaml, resolve_data_path
from qc.lint.document import Document
from qc.lint.kinds import RuleKind, register


STRINGS = {"type": "array", "items": {"type": "string", "minLength": 1}}
NULLABLE_STRING = {"type": ["string", "null"]}

AGENCY_SCHEMA: dict[str, Any] = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["name"],
        "properties": {
            "name": {"type": "string", "minLength": 1},
            "country": NULLABLE_STRING,
            "type": NULLABLE_STRING,
            "variants": STRINGS,
            "literal": STRINGS,
            "contextual": STRINGS,
        },
    },
}

ORGANISATION_SCHEMA: dict[str, Any] = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["name"],
        "properties": {
            "name": {"type": "string", "minLength": 1},
            "acronym": NULLABLE_STRING,
            "article": {"type": ["boolean", "null"]},
            "foreign_acronyms": STRINGS,
            "variants": STRINGS,
            "type": NULLABLE_STRING,
            "country": NULLABLE_STRING,
            "ambiguous": {"type": ["boolean", "null"]},
        },
    },
}


SCHEMAS = {"agencies": AGENCY_SCHEMA, "organisations": ORGANISATION_SCHEMA}


@dataclass(frozen=True)
class Entry:
    """One gazetteer entry (media outlet or organisation); absent fields are empty."""

    name: str
    country: str | None = None
    type: str | None = None
    variants: tuple[str, ...] = ()
    literal: tuple[str, ...] = ()
    contextual: tuple[str, ...] = ()
    acronym: str | None = None
    article: bool = True
    foreign_acronyms: tuple[str, ...] = ()
    ambiguous: bool = False

    @property
    def forms(self) -> tuple[str, ...]:
        """Every correct way of writing the name."""
        return (self.name, *self.variants)


# -- loading gazetteers ------------------------------------------------------------------------
def load_entries(kind: RuleKind, relative: str, schema: str) -> tuple[Entry, ...]:
    """Entries of a gazetteer file; `schema` is "agencies" or "organisations". Cached per file version."""
    path = resolve_data_path(kind, relative)
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        raise kind.error(f"gazetteer data file not found: {relative} (looked at {path})") from None
    return _load_entries(str(path), stamp, schema)


def load_demonyms(kind: RuleKind, relative: str | None) -> dict[str, tuple[str, ...]]:
    """Country -> the other words naming it: its demonyms and other names (data/demonyms.tsv,
    the table the name kinds read too; or a YAML mapping of lists); empty without a file."""
    if relative is None:
        return {}
    if relative.endswith(".tsv"):
        from qc.lint.kinds._names import read_tsv

        path, (stamp, _) = data_stamp(kind, relative)
        words = lambda row, column: [w.strip() for w in row.get(column, "").split(",") if w.strip()]  # noqa: E731
        return {row["country"].strip(): tuple(words(row, "demonyms") + words(row, "other_names")) for row in read_tsv(path, stamp)}
    data = load_yaml(kind, relative)
    if not all(isinstance(words, list) and all(isinstance(w, str) and w for w in words) for words in data.values()):
        raise kind.error(f"data file {relative}: each country must map to a list of words")
    return {str(country): tuple(words) for country, words in data.items()}


@lru_cache(maxsize=16)
def _load_entries(path: str, stamp: int, schema_name: str) -> tuple[Entry, ...]:
    schema = SCHEMAS[schema_name]
    try:
        with open(path, encoding="utf-8") as handle:
            data = yaml.load(handle, Loader=SAFE_LOADER)  # noqa: S506 - a safe loader
    except (OSError, yaml.YAMLError) as exc:
        raise RulePackError(path, f"cannot read gazetteer: {exc}") from None
    if data is None:
        return ()
    problem = check_entries(data, schema)
    if problem:
        raise RulePackError(path, f"gazetteer: {problem}")
    entries = []
    for raw in data:
        entries.append(
            Entry(
                name=raw["name"].strip(),
                country=raw.get("country"),
                type=raw.get("type"),
                variants=tuple(v.strip() for v in raw.get("variants") or ()),
                literal=tuple(v.strip() for v in raw.get("literal") or ()),
                contextual=tuple(v.strip() for v in raw.get("contextual") or ()),
                acronym=(raw.get("acronym") or None),
                article=raw.get("article") is not False,
                foreign_acronyms=tuple(v.strip() for v in raw.get("foreign_acronyms") or ()),
                ambiguous=bool(raw.get("ambiguous")),
            )
        )
    return tuple(entries)


def check_entries(data: Any, schema: dict[str, Any]) -> str | None:
    """What is wrong with the data, by the schema (a hand-rolled check: jsonschema is too slow
    for thousands of entries at every startup), or None."""
    if not isinstance(data, list):
        return "the file must be a list of entries"
    fields = schema["items"]["properties"]
    for i, raw in enumerate(data):
        if not isinstance(raw, dict):
            return f"{i}: an entry must be a mapping"
        if not isinstance(raw.get("name"), str) or not raw["name"].strip():
            return f"{i}: 'name' is required and must be a non-empty string"
        for key, value in raw.items():
            spec = fields.get(key)
            if spec is None or value is None:
                continue
            if spec.get("type") == "array":
                if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
                    return f"{i}.{key}: must be a list of non-empty strings ({raw['name']})"
            elif "boolean" in spec.get("type", ()) and not isinstance(value, bool):
                return f"{i}.{key}: must be true or false ({raw['name']})"
            elif "string" in spec.get("type", ()) and not isinstance(value, str):
                return f"{i}.{key}: must be a string ({raw['name']})"
    return None


class Spellings:
    """One spelling for name words written differently (data/spellings.yaml: the start of a
    word -> its other spelling, "organisation" -> "organization"), shared by the kinds
    that match organisation names."""

    def __init__(self, pairs: dict[str, str]) -> None:
        self.pairs = [(a.lower(), b.lower()) for a, b in pairs.items()]

    def word(self, word: str) -> str:
        """A word (lowercase, straight apostrophe) in the one spelling, its possessive 's left out."""
        word = word.lower().replace("’", "'")
        if word.endswith("'s"):
            word = word[:-2]
        return self.respelled(word)

    def respelled(self, word: str) -> str:
        for a, b in self.pairs:
            if word.startswith(a):
                word = b + word[len(a) :]
        return word

    def variants(self, low: str) -> set[str]:
        """A lowercase word in every spelling (and with either apostrophe)."""
        out = {low}
        for a, b in self.pairs:
            for x, y in ((a, b), (b, a)):
                if low.startswith(x):
                    out.add(y + low[len(x) :])
        if "'" in low:
            out |= {s.replace("'", "’") for s in out}
        return out

    def text(self, text: str) -> str:
        """A name, lowercase, in the one spelling, hyphens as spaces, single-spaced."""
        words = (self.respelled(w) for w in text.lower().replace("’", "'").split())
        return " ".join(self.respelled(w) for w in " ".join(words).replace("-", " ").split())


def load_spellings(kind: RuleKind, relative: str) -> Spellings:
    data = load_yaml(kind, relative)
    if not all(isinstance(a, str) and a and isinstance(b, str) and b for a, b in data.items()):
        raise kind.error(f"data file {relative}: each word start must map to its other spelling")
    return Spellings(data)


# -- shared helpers ---------------------------------------------------------------------------
def capitals_match(found: str, listed: str) -> bool:
    """Every capital letter of the listed form is a capital in the text as well."""
    if found == listed:
        return True  # (the usual case for a name written right: no loop)
    if len(found) != len(listed):
        return False
    for a, b in zip(found, listed):
        if b.isupper() and not a.isupper():
            return False
    return True


def apostrophe(doc: Document) -> str:
    """The document's own apostrophe: typographic if it uses curly quotes, else straight."""
    text = doc.text
    if "’" in text or "“" in text or "‘" in text:
        return "’"
    return "'"


class Guard(NamedTuple):
    """A correct name (lowercase and as listed) that holds a rendering `offset` characters in."""

    offset: int
    low: str
    phrase: str


def guards_for(found: str, phrases: Iterable[str]) -> tuple[Guard, ...]:
    """Every place of `found` (lowercase) inside each phrase: what contained_in searches for
    at each hit, worked out once when the rule loads."""
    out = []
    for phrase in phrases:
        low = phrase.lower()
        offset = low.find(found)
        while offset >= 0:
            out.append(Guard(offset, low, phrase))
            offset = low.find(found, offset + 1)
    return tuple(out)


def guarded(doc: Document, start: int, guards: tuple[Guard, ...]) -> bool:
    """contained_in(doc, start, end, phrases) for a hit of the text `guards_for` was given:
    True when one guard's name, word-bounded and with its capitals, covers the hit."""
    lower = doc.lower
    for offset, low, phrase in guards:
        begin = start - offset
        if begin >= 0 and lower.startswith(low, begin):
            stop = begin + len(low)
            if doc.word_bounded(begin, stop) and capitals_match(doc.text[begin:stop], phrase):
                return True
    return False


def contained_in(doc: Document, start: int, end: int, phrases: Iterable[str], cased: bool = True) -> bool:
    """True when text[start:end] lies inside a word-bounded occurrence of one of phrases
    (with the phrase's capitals when `cased`)."""
    found = doc.lower[start:end]
    for phrase in phrases:
        low = phrase.lower()
        offset = low.find(found)
        while offset >= 0:
            begin = start - offset
            stop = begin + len(low)
            if (
                begin >= 0
                and doc.lower.startswith(low, begin)
                and doc.word_bounded(begin, stop)
                and (not cased or capitals_match(doc.text[begin:stop], phrase))
            ):
                return True
            offset = low.find(found, offset + 1)
    return False


# A contextual rendering needs a press noun right next to it ("the French daily The World",
# "The World newspaper") and the outlet's country in the same sentence: renderings such as
# "The Times" or "The Mirror" are also the names of real English-language papers.
DEFAULT_CUES = [
    "newspaper", "newspapers", "daily", "weekly", "paper", "agency", "magazine", "tabloid",
    "broadcaster", "channel", "outlet", "news agency", "news outlet", "publication",
]  # fmt: skip
CUE_WINDOW = 30
COUNTRY_WINDOW = 120
SENTENCE_END = re.compile(r"[.!?]\s|\n")
AGENCY_WORDS = {"agency", "agence", "agencia", "agentur", "agenzia", "press", "presse", "prensa", "news", "novosti"}


@dataclass(frozen=True)
class Rendering:
    entry: Entry
    form: str  # as listed
    protect: tuple[str, ...]  # correct names (lowercase) that contain this rendering
    guards: tuple[Guard, ...]  # where the rendering sits inside each of them (guards_for)


@register("gazetteer")
class Gazetteer(RuleKind):
    params_schema = {
        "type": "object",
        "required": ["data"],
        "additionalProperties": False,
        "properties": {
            "data": {"type": "string", "minLength": 1},
            "field": {"enum": ["literal", "contextual"]},
            "cues": STRINGS,
            "window": {"type": "integer", "minimum": 1, "maximum": 400},
            "require_country": {"type": "boolean"},
            "demonyms": {"type": "string", "minLength": 1},
        },
    }

    def __init__(self, rule: Any) -> None:
        super().__init__(rule)
        params = rule.params
        self.field = params.get("field", "literal")
        self.entries = load_entries(self, params["data"], "agencies")
        correct = sorted({form for e in self.entries for form in e.forms})
        correct_lower = {c.lower() for c in correct}
        correct_pairs = [(c, c.lower()) for c in correct]
        field_forms = [(f, f.lower()) for e in self.entries for f in getattr(e, self.field)]
        self.renderings: dict[str, list[Rendering]] = {}
        for entry in self.entries:
            for form in getattr(entry, self.field):
                low = form.lower()
                if low in correct_lower:
                    continue  # listed as correct elsewhere: never flag
                # Correct names containing the rendering, and longer renderings (reported instead).
                longer = {f for f, f_low in field_forms if len(f) > len(form) and low in f_low}
                protect = tuple(c for c, c_low in correct_pairs if low in c_low) + tuple(sorted(longer))
                rendering = Rendering(entry, form, protect, guards_for(low, protect))
                self.renderings.setdefault(low, []).append(rendering)
        self.require_country = params.get("require_country", self.field == "contextual")
        self.country_words: dict[str, tuple[re.Pattern[str], re.Pattern[str]]] = {}
        cues = [c.lower() for c in params.get("cues", DEFAULT_CUES)]
        self.cue = re.compile(r"\b(?:" + "|".join(re.escape(c) for c in sorted(cues, key=len, reverse=True)) + r")\b")
        self.window = params.get("window", CUE_WINDOW)
        self.country_dot: dict[str, re.Pattern[str]] = {}
        self.demonyms = load_demonyms(self, params.get("demonyms"))

    def word_literals(self) -> Iterable[tuple[str, Any]]:
        # The payload says whether every rendering of the phrase holds a capital: then a hit
        # written all in lowercase ("time", "news": most hits) matches none of them.
        return [(low, (found, all(any(c.isupper() for c in r.form) for r in found))) for low, found in self.renderings.items()]

    def triggers(self) -> Iterable[str] | None:
        return ()  # everything happens in on_literal

    def on_literal(self, doc: Document, start: int, end: int, payload: Any) -> Iterator[Finding]:
        renderings, capitalised = payload
        if capitalised and doc.text[start:end].islower():
            return iter(())  # capitals_match fails for each rendering
        return self.on_word(doc, start, end, renderings)

    def on_word(self, doc: Document, start: int, end: int, payload: Any) -> Iterator[Finding]:
        found = doc.text[start:end]
        if not doc.word_bounded(start, end):
            return
        for rendering in payload:
            if not capitals_match(found, rendering.form):
                continue
            if rendering.guards and guarded(doc, start, rendering.guards):
                continue
            if self.field == "contextual" and not self.near_cue(doc, start, end):
                continue
            if self.require_country and not self.near_country(doc, start, end, rendering.entry):
                continue
            yield self.make(doc, start, end, rendering)
            return

    def near_cue(self, doc: Document, start: int, end: int) -> bool:
        lo = max(0, start - self.window)
        hi = min(len(doc.text), end + self.window)
        before = doc.lower[lo:start]
        breaks = list(SENTENCE_END.finditer(before))
        if breaks:
            before = before[breaks[-1].end() :]
        after = doc.lower[end:hi]
        stop = SENTENCE_END.search(after)
        if stop:
            after = after[: stop.start() + 1]
        return bool(self.cue.search(before) or self.cue.search(after))

    def near_country(self, doc: Document, start: int, end: int, entry: Entry) -> bool:
        """The outlet's country is named right next to the press noun: "the French daily The
        World", "Germany's weekly The Mirror", "The Echoes newspaper, France's business daily"."""
        if not entry.country:
            return True
        patterns = self.country_words.get(entry.country)
        if patterns is None:
            names = [entry.country, *self.demonyms.get(entry.country, ())]
            country = r"(?:" + "|".join(re.escape(n) for n in names) + r")(?:['’]s)?"
            cue = r"(?:" + self.cue.pattern[2:-2] + r")"
            before = re.compile(r"\b" + country + r"(?:\s+[\w-]+){0,3}?\s+" + cue + r"\s*,?\s*$", re.IGNORECASE)
            after = re.compile(r"^(?:\s+" + cue + r")?\s*,\s*(?:an?\s+|the\s+)?(?:[\w-]+\s+){0,2}?" + country + r"\b", re.IGNORECASE)
            patterns = self.country_words[entry.country] = (before, after)
        before_re, after_re = patterns
        lo = max(0, start - COUNTRY_WINDOW)
        hi = min(len(doc.text), end + COUNTRY_WINDOW)
        return bool(before_re.search(doc.text, lo, start) or after_re.match(doc.text[end:hi]))

    def replacement(self, found: str, entry: Entry) -> str:
        """The real name; "<name> news agency" when the rendering said "agency" and the name does not."""
        name = entry.name
        words = found.lower().split()
        if words and words[-1] == "agency" and not (set(name.lower().replace("-", " ").split()) & AGENCY_WORDS):
            return f"{name} news agency"
        return name

    def make(self, doc: Document, start: int, end: int, rendering: Rendering) -> Finding:
        entry = rendering.entry
        found = doc.text[start:end]
        right = self.replacement(found, entry)
        values = {"replacement": right, "name": entry.name, "country": entry.country or ""}
        split = self.country_split(doc, start, end, entry)
        if split is None:
            return self.finding(doc, start, end, values, [Edit(start, end, right)])
        # "Russia. Cup Press Agency." is a possessive split by a stray full stop: the finding
        # covers the country too, which the fix joins to the name ("Russia’s TASS news
        # agency"), or drops when the name or the rendering names the country already
        # ("France. French Press Agency" -> "Agence France-Presse"). Either fix changes
        # more than the rendering, so it is never safe.
        country = doc.text[split:start].rstrip().rstrip(".")
        new = right if self.names_country(found, entry) else f"{country}{apostrophe(doc)}s {right}"
        values["replacement"] = new
        return self.finding(doc, split, end, values, [Edit(split, end, new)], unsafe=True)

    def names_country(self, found: str, entry: Entry) -> bool:
        """Does the rendering or the real name already say the entry's country (or a word for it)?"""
        assert entry.country is not None
        words = "|".join(re.escape(w) for w in (entry.country, *self.demonyms.get(entry.country, ())))
        return re.search(rf"\b(?:{words})\b", f"{found} {entry.name}", re.IGNORECASE) is not None

    def country_split(self, doc: Document, start: int, end: int, entry: Entry) -> int | None:
        """Start of "<Country>. " right before the rendering, when the rendering then ends the clause."""
        if not entry.country:
            return None
        tail = doc.text[end : end + 3]
        if tail and not re.match(r"[.,;:)\"”]|\s*$", tail):
            return None
        pattern = self.country_dot.get(entry.country)
        if pattern is None:
            pattern = re.compile(r"\b" + re.escape(entry.country) + r"\.[ \t]+$")
            self.country_dot[entry.country] = pattern
        lo = max(0, start - len(entry.country) - 6)
        match = pattern.search(doc.text, lo, start)
        return match.start() if match else None
