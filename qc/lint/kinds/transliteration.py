"""`transliteration`: a person's name spelled through the wrong language.

`check: pinyin-table` — Korean, Japanese and Vietnamese names are written in Chinese
characters in Chinese text (尹锡悦, 安倍晋三, 阮富仲); MT from Chinese reads them in
Mandarin pinyin ("Yin Xiyue", "Anbei Jinsan", "Ruan Fuzhong") instead of writing the
person's own name (Yoon Suk-yeol, Shinzo Abe, Nguyen Phu Trong). `table` lists such
readings (built from CC-CEDICT and a curated list of current leaders); a reading is
flagged when the text also names Korea, Japan or Vietnam (`origins`), since the same pinyin
could be a Chinese person's name. The fix writes the English spelling.

`check: pinyin-cue` — the same artefact for people no table lists: a name made only of
pinyin syllables (`syllables`), right after a Korean/Japanese/Vietnamese cue and titles
("South Korean President Yin Xiyue", "Japan's Foreign Minister Lin Fangzheng"). Korean,
Japanese and Vietnamese romanisations almost never parse as pinyin (Yoon, Kishida, Nguyen,
Moon, Park, Taro). No fix.

With `shape` (MT139), `pinyin-table` also flags names no table lists, by their syllables: a
word of three or more pinyin syllables (or two or three words of two or more) whose syllables
are those Chinese uses to write foreign names (the odds come from CC-CEDICT, per syllable),
spelt as pinyin spells and Latin-script names seldom do, that no wordfreq list knows and that
is no Chinese proper name (`chinese`). No fix.

With `chinese_cues` (MT136), `pinyin-cue` also flags a pinyin name anywhere in a sentence whose
nearest country word is Korean, Japanese or Vietnamese rather than Chinese, when it has a
spelling only pinyin has (x, q, zh, c without h). No fix.

`check: spelling-table` — Russian names in French or German transliteration (Poutine,
Choïgou, Selenskyj, Lawrow), which MT copies from French or German sources; `table` maps
them to the English spelling. Words that are ordinary English are not in the table.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any, NamedTuple

from qc.errors import RulePackError
from qc.finding import Edit, Finding
from qc.lint.document import Document, lazy
from qc.lint.kinds import RuleKind, register
from qc.lint.kinds._names import read_lines, read_tsv, stamped

# Two or three capitalised words in a row: a name as MT writes it ("Anbei Jinsan", "Jin Zheng-en").
NAME_RUN = re.compile(r"\b[A-Z][a-z]+(?:['’-][a-z]+)?(?: [A-Z][a-z]+(?:['’-][a-z]+)?){0,7}\b")
# Before the country word: it is where the person works or goes, not where they are from.
NOT_OF_ORIGIN = re.compile(r"(?:\b(?:to|in|from|with|and|at|for|against|visit|trip|envoy|Chinese|China's|China)\s+(?:the\s+)?|-)$")


NOT_LETTER = re.compile(r"[^a-z]")
# Words of a listed reading: "Bu Lin Ken", one word per syllable, is the longest MT writes.
MAX_WORDS = 6


@lru_cache(maxsize=1 << 16)
def key_of(name: str) -> str:
    return NOT_LETTER.sub("", name.lower())


class Reading(NamedTuple):
    name: str  # the English name ("Vladimir Putin")
    origin: str
    fix: str  # what replaces the reading ("Putin"), "" for none
    alone: bool  # matched only as a word on its own (a two-syllable reading may be a Chinese given name)


def english_spellings(name: str) -> set[str]:
    """Keys of the English name, whole and word by word, and of each of its alternatives
    ("Rabiye or Rebiya" -> rabiye, rebiya, rabiyeorrebiya)."""
    names = [n for n in re.split(r"\s+or\s+|/|;|,", name) if n.strip()]
    return {key_of(part) for n in [name, *names] for part in [n, *n.split()]}


@lru_cache(maxsize=8)
def pinyin_readings(table: tuple[str, int]) -> dict[str, list[Reading]]:
    """pinyin key -> the people it reads."""
    readings: dict[str, list[Reading]] = defaultdict(list)
    for row in read_tsv(*table):
        name = row["name"].strip()
        fix = row["fix"].strip() if "fix" in row else name
        entry = Reading(name, row["origin"].strip(), fix, bool(row.get("alone", "").strip()))
        key = key_of(row["pinyin"])
        if key in english_spellings(name):
            continue  # the reading is how English writes the name too (Rebiya): nothing to fix
        if entry not in readings[key]:
            readings[key].append(entry)
    return dict(readings)


@lru_cache(maxsize=8)
def syllable_pattern(table: tuple[str, int]) -> re.Pattern[str]:
    shaped = re.compile(r"(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?[aeiouü][a-zü]*")
    syllables = sorted({row["syllable"].strip() for row in read_tsv(*table) if shaped.fullmatch(row["syllable"].strip())}, key=len, reverse=True)
    return re.compile(rf"(?:{'|'.join(syllables)}){{1,3}}")


@lru_cache(maxsize=8)
def spellings(table: tuple[str, int]) -> dict[str, str]:
    return {row["spelling"].strip(): row["english"].strip() for row in read_tsv(*table) if row["spelling"].strip()}


SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+|$)")
# Spellings only Hanyu Pinyin uses: Korean (RR, McCune-Reischauer), Hepburn Japanese and
# Vietnamese write these sounds with other letters (s, ch, j; Vietnamese x is followed by
# vowels pinyin lacks, so a Vietnamese name fails the pinyin parse before this test).
PINYIN_ONLY = re.compile(r"x|q|zh|c(?!h)")
DEMONYM = {"Korea": "Korean", "Japan": "Japanese", "Vietnam": "Vietnamese"}


class ShapeModel(NamedTuple):
    parse_re: re.Pattern[str]
    odds: dict[str, float]
    unseen: float
    cache: dict[str, list[str] | None]  # word -> its syllables (names recur in a corpus)

    def syllables(self, word: str) -> list[str] | None:
        """The word cut into pinyin syllables (the fewest), or None when it is no pinyin."""
        if word not in self.cache:
            if len(self.cache) > 1 << 16:
                self.cache.clear()
            self.cache[word] = self.cut(word)
        return self.cache[word]

    def cut(self, word: str) -> list[str] | None:
        best: list[list[str] | None] = [None] * (len(word) + 1)
        best[0] = []
        for end in range(1, len(word) + 1):
            for start in range(max(0, end - 6), end):
                head = best[start]
                if head is not None and self.parse_re.fullmatch(word[start:end]):
                    candidate = head + [word[start:end]]
                    current = best[end]
                    if current is None or len(candidate) < len(current):
                        best[end] = candidate
        return best[-1]

    def foreignness(self, syllables: list[str]) -> float:
        """Mean log-odds that the syllables write a foreign name rather than a Chinese one."""
        return sum(self.odds.get(s, self.unseen) for s in syllables) / max(len(syllables), 1)


# Letter sequences of pinyin readings that Latin-script names seldom have: er after a vowel
# (Aerbaduo, Kanbeier), uo, ui, iu, ei, ao, ou, ie, and the initials x, q, zh.
PINYIN_MARKS = re.compile(r"x|q|zh|uo|ui|iu|[aeiou]er|ei|ao|ou|ie")
# Languages whose word lists (wordfreq) hold the names a reading could be mistaken for.
NAME_LANGUAGES = ("en", "es", "fr", "de", "it", "pt", "fil", "tr", "id")


@lru_cache(maxsize=1 << 14)
def known_word(word: str) -> bool:
    from wordfreq import zipf_frequency

    return any(zipf_frequency(word, language) > 0 for language in NAME_LANGUAGES)


# Mean log-odds (per syllable) above which a pinyin name reads as a transliterated foreign name;
# chosen on bench/generalisation.py translit (held-out CC-CEDICT names against Chinese names).
SHAPE_THRESHOLD = 0.3
# Without a pinyin-only spelling ("Bulinken": bu-lin-ken), a reading needs a title before it and
# syllables more typical of foreign names.
TITLED_THRESHOLD = 0.9


@lru_cache(maxsize=8)
def shape_model(syllables: tuple[str, int], shape: tuple[str, int]) -> ShapeModel:
    import math

    parse_re = re.compile(syllable_pattern(syllables).pattern.replace("{1,3}", ""))
    try:
        rows = [(r["syllable"].strip(), int(r["foreign"]), int(r["chinese"])) for r in read_tsv(*shape)]
    except (KeyError, ValueError) as exc:
        raise RulePackError(shape[0], f"syllable table needs integer columns syllable, foreign, chinese: {exc}") from None
    foreign = sum(f for _, f, _ in rows) + 0.5 * len(rows)
    chinese = sum(c for _, _, c in rows) + 0.5 * len(rows)

    def odds(f: float, c: float) -> float:
        return math.log((f + 0.5) / foreign) - math.log((c + 0.5) / chinese)

    return ShapeModel(parse_re, {s: odds(f, c) for s, f, c in rows}, odds(0, 0), {})


@lru_cache(maxsize=8)
def chinese_readings(table: tuple[str, int]) -> frozenset[str]:
    return frozenset(read_lines(*table))


# Zipf frequency in English above which a word is English (or a name English uses), not pinyin:
# for a two-syllable first word ("Mike", "Susan": 0 for "Anbei"), and for a last word, which
# may be one pinyin syllable that English text uses for Chinese names ("Jian": 2.8; "Pence": 3.7).
ENGLISH_ZIPF = 2.0
ENGLISH_GIVEN_ZIPF = 3.3


@lru_cache(maxsize=1 << 14)
def english_word(word: str, threshold: float) -> bool:
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en") >= threshold


@register("transliteration")
class Transliteration(RuleKind):
    params_schema = {
        "type": "object",
        "required": ["check"],
        "additionalProperties": False,
        "properties": {
            "check": {"enum": ["pinyin-table", "pinyin-cue", "pinyin-surname", "spelling-table"]},
            # two-syllable Chinese surnames (Ouyang, Sima), for `pinyin-surname`
            "surnames": {"type": "string", "minLength": 1},
            "table": {"type": "string", "minLength": 1},
            "syllables": {"type": "string", "minLength": 1},
            # origin (as in the table) -> words that name it in a text
            "origins": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1}},
            "exclude": {"type": "array", "items": {"type": "string", "minLength": 1}},
            # words between the country word and the name ("Foreign Minister", "actor")
            "titles": {"type": "array", "items": {"type": "string", "minLength": 1}},
            # `pinyin-table`: per syllable, its count in foreign-name and in Chinese names
            # (flags unlisted readings by their shape); `chinese`: readings never flagged
            "shape": {"type": "string", "minLength": 1},
            "chinese": {"type": "string", "minLength": 1},
            # `pinyin-cue`: words that make the nearest person Chinese ("Beijing", "Chinese")
            "chinese_cues": {"type": "array", "items": {"type": "string", "minLength": 1}},
            # `shape`: words that show a text comes from Chinese news (China, Beijing, Xinhua);
            # names are judged by their shape only in such a text
            "source_cues": {"type": "array", "items": {"type": "string", "minLength": 1}},
            # origin -> letters its romanisation never writes where pinyin does (regex)
            "pinyin_only": {"type": "object", "additionalProperties": {"type": "string", "minLength": 1}},
        },
    }

    def __init__(self, rule: Any) -> None:
        super().__init__(rule)
        params = rule.params
        self.mode = params["check"]
        self.origins: dict[str, list[str]] = params.get("origins") or {}
        self.exclude = frozenset(params.get("exclude") or ())
        titles = sorted(params.get("titles") or [], key=len, reverse=True)
        self.title_words = "|".join(map(re.escape, titles))
        self.title_re = rf"(?:(?:{self.title_words})\s+){{0,5}}" if titles else ""
        need = {"pinyin-table": ("table",), "pinyin-cue": ("syllables", "origins", "table", "titles"), "pinyin-surname": ("syllables", "table", "titles", "surnames"), "spelling-table": ("table",)}[self.mode]
        missing = [p for p in need if p not in params]
        if missing:
            raise self.error(f"check: {self.mode} needs {', '.join(missing)}")
        self.table = stamped(rule, params["table"]) if "table" in params else None
        self.syllables = stamped(rule, params["syllables"]) if "syllables" in params else None
        self.surnames = stamped(rule, params["surnames"]) if "surnames" in params else None
        self.shape = stamped(rule, params["shape"]) if "shape" in params else None
        self.chinese = stamped(rule, params["chinese"]) if "chinese" in params else None
        if self.shape is not None and (self.syllables is None or self.chinese is None):
            raise self.error("`shape` needs `syllables` and `chinese`")
        chinese_cues = sorted(params.get("chinese_cues") or [], key=len, reverse=True)
        source_cues = sorted(params.get("source_cues") or [], key=len, reverse=True)
        self.source_cue_re = re.compile(rf"\b(?:{'|'.join(map(re.escape, source_cues))})\b") if source_cues else None
        self.chinese_cue_re = re.compile(rf"\b(?:{'|'.join(map(re.escape, chinese_cues))})\b") if chinese_cues else None
        self.origin_of = {w: origin for origin, words in self.origins.items() for w in words}
        try:
            self.pinyin_only = {origin: re.compile(pattern) for origin, pattern in (params.get("pinyin_only") or {}).items()}
        except re.error as exc:
            raise self.error(f"pinyin_only: {exc}") from None
        origin_words = sorted({w for words in self.origins.values() for w in words}, key=len, reverse=True)
        self.origin_re = re.compile(rf"\b(?:{'|'.join(map(re.escape, origin_words))})\b") if origin_words else None
        if self.mode == "spelling-table":
            assert self.table is not None
            spellings(self.table)
        else:
            assert self.table is not None
            pinyin_readings(self.table)
        if self.shape is not None and self.syllables is not None:
            shape_model(self.syllables, self.shape)  # a bad table is a pack error at load time

    # Compiled once per process (not per text: `re`'s own cache holds only 512 patterns).
    @lazy
    def cue_regex(self) -> re.Pattern[str]:
        assert self.origin_re is not None
        return re.compile(rf"(?:{self.origin_re.pattern})(?:['’]s)?\s+(?:the\s+)?{self.title_re}(?P<name>[A-Z][a-z]+ [A-Z][a-z]+(?:-[a-z]+)?)\b(?![ -][A-Z])")

    @lazy
    def surname_tables(self) -> tuple[re.Pattern[str], set[str], re.Pattern[str]]:
        """The one-syllable pattern, the Chinese two-syllable surnames, the titled-name regex."""
        assert self.syllables is not None and self.surnames is not None
        single = re.compile(syllable_pattern(self.syllables).pattern.replace("{1,3}", ""))
        chinese = {w.lower() for w in read_lines(*self.surnames)}
        titled = re.compile(rf"\b(?:{self.title_words})\s+{self.title_re}(?P<name>[A-Z][a-z]+ [A-Z][a-z]+)\b(?![ -][A-Z])")
        return single, chinese, titled

    def triggers(self) -> Iterable[str] | None:
        # A listed reading can only be found where its first word occurs.
        if self.mode != "pinyin-table" or self.table is None or self.shape is not None:
            return None  # the shape test looks at every capitalised word
        return sorted({re.split(r"[ '’-]", row["pinyin"].strip().lower())[0] for row in read_tsv(*self.table) if row["pinyin"].strip()})

    def word_literals(self) -> Iterable[tuple[str, Any]]:
        # The spellings go through the engine's one literal pass; case is checked on each hit.
        if self.mode != "spelling-table" or self.table is None:
            return ()
        return ((spelling.lower(), spelling) for spelling in set(spellings(self.table)) - self.exclude)

    def on_literal(self, doc: Document, start: int, end: int, payload: Any) -> Iterator[Finding]:
        if doc.text[start:end] != payload or (end < len(doc.text) and doc.text[end] in "'’-" and doc.text[end + 1 : end + 2].isalpha()):
            return
        right = spellings(self.table)[payload]  # type: ignore[arg-type]
        yield self.finding(doc, start, end, {"name": right, "origin": "Russian"}, [Edit(start, end, right)])

    def check(self, doc: Document) -> Iterator[Finding]:
        if self.mode == "spelling-table":
            return
        if self.mode == "pinyin-surname":
            yield from self.check_surnames(doc)
            return
        named = self.origins_named(doc.text)
        if self.origins and not named:
            return  # a rule with `origins` needs one of them named; without, none is needed
        if self.mode == "pinyin-table":
            yield from self.check_readings(doc, named)
        else:
            yield from self.check_cues(doc)
            if self.chinese_cue_re is not None:
                yield from self.check_nearby(doc)

    def origins_named(self, text: str) -> set[str]:
        if self.origin_re is None:
            return set()
        found = {m.group() for m in self.origin_re.finditer(text)}
        return {origin for origin, words in self.origins.items() if found.intersection(words)}

    def check_readings(self, doc: Document, named: set[str]) -> Iterator[Finding]:
        assert self.table is not None
        readings = pinyin_readings(self.table)
        shape_applies: bool | None = None
        for match in NAME_RUN.finditer(doc.text):
            words = match.group().split(" ")
            # A part's key is its words' keys joined (key_of drops the spaces).
            keys = [key_of(w) for w in words]
            # The longest run of words (one to six: "Bu Lin Ken" per syllable) that is a listed reading.
            for size in range(min(len(words), MAX_WORDS), 0, -1):
                for first in range(len(words) - size + 1):
                    listed = readings.get("".join(keys[first : first + size]))
                    if listed and (size > 1 or not self.stands_alone(words, first, size)):
                        listed = [p for p in listed if not p.alone]
                    if not listed:
                        continue
                    part = " ".join(words[first : first + size])
                    # The person of a country the text names, when namesakes differ.
                    people = [p for p in listed if p[1] in named] or list(listed)
                    if people:
                        start = match.start() + len(" ".join(words[:first])) + (1 if first else 0)
                        yield self.report(doc, start, start + len(part), people)
                        break
                else:
                    continue
                break
            else:
                if self.shape is not None:
                    if shape_applies is None:  # asked once per text, only when a name needs it
                        shape_applies = self.from_chinese(doc.text)
                    if shape_applies:
                        yield from self.check_shape(doc, match)

    def from_chinese(self, text: str) -> bool:
        """Names of many languages parse as pinyin (Alouini, Makuei, Matiu): judged by shape
        alone they are read as pinyin only in a text that shows it comes from Chinese news."""
        return self.source_cue_re is None or self.source_cue_re.search(text) is not None

    def check_shape(self, doc: Document, match: re.Match[str]) -> Iterator[Finding]:
        """A name no table lists whose syllables are those Chinese uses to write foreign names
        ("Bulinken", "Ailong Masike"): flagged without a fix."""
        assert self.shape is not None and self.syllables is not None and self.chinese is not None
        words = match.group().split(" ")
        parse = shape_model(self.syllables, self.shape)
        # The name ends the run: "Secretary of State Bulinken" -> "Bulinken".
        while words and parse.syllables(words[0].lower()) is None:
            words = words[1:]
        if not words or any("'" in w or "’" in w or "-" in w for w in words):
            return
        begin = match.end() - len(" ".join(words))
        parts = [parse.syllables(w.lower()) for w in words]
        if any(p is None for p in parts):
            return
        counts = [len(p) for p in parts if p is not None]
        syllables = [s for p in parts if p is not None for s in p]
        # Words of one syllable each, four or more ("Ai Long Ma Si Ke"), are no Chinese name.
        # Words of one syllable each ("Ai Long Ma Si Ke", "Bu Lin Ken") are read as one name:
        # three such words need the stricter odds (a Chinese name is three syllables).
        split = len(words) >= 3 and max(counts) == 1
        # One word of three syllables or more; or two or three words of two or more each.
        if not (split or (len(words) == 1 and counts[0] >= 3) or (1 < len(words) <= 3 and min(counts) >= 2)):
            return
        foreignness = parse.foreignness(syllables)
        if len(words) > 6 or foreignness < (TITLED_THRESHOLD if split and len(words) == 3 else SHAPE_THRESHOLD):
            return
        joined = "".join(w.lower() for w in words)
        pieces = [joined] if split else [key_of(w) for w in words]
        if joined in chinese_readings(self.chinese) or any(p in chinese_readings(self.chinese) for p in pieces):
            return
        # Names of other languages parse as pinyin too (Kuleba, Bukele, Hataman); spellings
        # pinyin has and Latin-script names seldom do (er after a vowel, uo, ei, ao, x, q)
        # tell a reading, and a word any language's word list knows is no reading.
        if not PINYIN_MARKS.search(joined) and not (self.title_re and foreignness >= TITLED_THRESHOLD and self.titled(doc.text, begin)):
            return  # without a pinyin spelling, only right after a title ("Secretary of State Bulinken")
        # Last: the first call loads several languages' word lists (seconds).
        if any(known_word(p) for p in pieces):
            return
        yield self.finding(doc, begin, match.end(), {"name": "a foreign person", "origin": "foreign"})

    def stands_alone(self, words: list[str], first: int, size: int) -> bool:
        """No word next to the part that could be part of a Chinese name ("President Baideng"
        is alone; "Liu Pujing" is a Chinese given name after its family name; "Bai Deng",
        split, is not matched at all: it is a Chinese name's shape)."""
        neighbours = words[max(0, first - 1) : first] + words[first + size : first + size + 1]
        if not neighbours:
            return True
        if self.syllables is None:
            return False
        pinyin = syllable_pattern(self.syllables)
        return not any(pinyin.fullmatch(w.lower()) for w in neighbours)

    def report(self, doc: Document, start: int, end: int, people: list[Reading]) -> Finding:
        names = sorted({p.name for p in people})
        fixes = {p.fix for p in people}
        edits = [Edit(start, end, fixes.pop())] if len(fixes) == 1 and "" not in fixes else None
        return self.finding(doc, start, end, {"name": " or ".join(names), "origin": people[0].origin}, edits)

    def check_cues(self, doc: Document) -> Iterator[Finding]:
        assert self.syllables is not None and self.table is not None and self.origin_re is not None
        pinyin = syllable_pattern(self.syllables)
        listed = pinyin_readings(self.table)
        for match in self.cue_regex.finditer(doc.text):
            name = match.group("name")
            before = doc.text[max(0, match.start() - 40) : match.start()]
            if NOT_OF_ORIGIN.search(before):
                continue  # "Chinese Ambassador to Japan Wu Jianghao": a Chinese person
            if key_of(name) in listed:
                continue  # the table rule reports it, with a fix
            if all(pinyin.fullmatch(part.lower()) for part in re.split(r"[ -]", name)):
                yield self.finding(doc, match.start("name"), match.end("name"), {"name": name, "origin": "Korean, Japanese or Vietnamese"})

    def titled(self, text: str, start: int) -> bool:
        return re.search(rf"\b(?:{self.title_words})\s+$", text[max(0, start - 40) : start]) is not None

    def check_nearby(self, doc: Document) -> Iterator[Finding]:
        """A two- or three-word pinyin name anywhere in a sentence that names Korea, Japan or
        Vietnam and not China, with a spelling the nearest country's romanisation never has
        (`pinyin_only`: x, q, zh...): those romanisations write the sounds otherwise."""
        assert self.syllables is not None and self.table is not None and self.origin_re is not None and self.chinese_cue_re is not None
        pinyin = syllable_pattern(self.syllables)
        listed = pinyin_readings(self.table)
        chinese = chinese_readings(self.chinese) if self.chinese is not None else frozenset()
        for sentence in SENTENCE.finditer(doc.text):
            text = sentence.group()
            cues = [(m.start(), self.origin_of[m.group()]) for m in self.origin_re.finditer(text)] + [(m.start(), "") for m in self.chinese_cue_re.finditer(text)]
            if not any(origin for _, origin in cues) or not all(origin for _, origin in cues):
                continue  # a sentence naming China too ("the China-Japan forum ... He Lifeng") may be about a Chinese person
            for run in NAME_RUN.finditer(text):
                found = self.nearby_name(run, pinyin, listed, chinese)
                if found is None:
                    continue
                begin, name = found
                origin = min(cues, key=lambda cue: (abs(cue[0] - begin), cue[0] > begin))[1]  # the nearest country
                spelling = self.pinyin_only.get(origin, PINYIN_ONLY)
                if origin and spelling.search(" ".join(p.lower() for p in re.split(r"[ -]", name))):
                    start = sentence.start() + begin
                    yield self.finding(doc, start, start + len(name), {"name": name, "origin": DEMONYM.get(origin, origin)})

    @staticmethod
    def nearby_name(run: re.Match[str], pinyin: re.Pattern[str], listed: dict[str, list[Reading]], chinese: frozenset[str]) -> tuple[int, str] | None:
        """The person's name that ends a capitalised run ("President Yin Xiyue" -> "Yin Xiyue";
        two or three words, all pinyin, one spelt as only pinyin spells): (offset, name)."""
        words = run.group().split(" ")
        for size in (3, 2):
            if len(words) < size:
                continue
            name = " ".join(words[-size:])
            parts = [p.lower() for p in re.split(r"[ -]", name)]
            if not all(pinyin.fullmatch(p) for p in parts):
                continue
            if key_of(name) in listed or key_of(name) in chinese:
                return None  # MT135 reports a listed reading; a Chinese name in CC-CEDICT is right
            # (a one-syllable family name may be an English word: Fan, Long, He)
            if (len(parts[0]) > 4 and english_word(parts[0], ENGLISH_ZIPF)) or any(english_word(p, ENGLISH_GIVEN_ZIPF) for p in parts[1:]):
                return None
            return run.end() - len(name), name
        return None

    def check_surnames(self, doc: Document) -> Iterator[Finding]:
        """A title, then a name whose first word is two or more pinyin syllables but no
        Chinese two-syllable surname ("Prime Minister Anbei Jinsan", "President Makeluo Xi")."""
        assert self.syllables is not None and self.surnames is not None and self.table is not None
        one = syllable_pattern(self.syllables)
        single, chinese, titled = self.surname_tables
        listed = pinyin_readings(self.table)
        for match in titled.finditer(doc.text):
            family, given = (w.lower() for w in match.group("name").split(" "))
            if family in chinese or key_of(match.group("name")) in listed:
                continue
            if not (one.fullmatch(given) and one.fullmatch(family) and not single.fullmatch(family)):
                continue
            # (after the pinyin test: most names fail it, and the first english_word call
            # loads wordfreq's English list, ~0.2 s)
            if english_word(family, ENGLISH_ZIPF) or english_word(given, ENGLISH_GIVEN_ZIPF):
                continue  # "Mike Pence", "Susan Page": English names parse as pinyin too
            yield self.finding(doc, match.start("name"), match.end("name"), {"name": match.group("name"), "origin": "foreign"})
