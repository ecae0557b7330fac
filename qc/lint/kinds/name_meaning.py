"""`name_meaning`: an organisation's name translated word by word, recognised by its meaning.

Each capitalised name span of the text ("the World Organization of Commerce", "Court Penal
International") is read as a bag of stems: function words dropped, inflection and derivation
folded (Meteorology ~ Meteorological, Mexican ~ Mexico), and each word that a bilingual
dictionary links to a word of the gazetteer's names also read as that word (Commerce ~ Trade,
Penal ~ Criminal). A bag that equals the bag of a known name, or differs from it by one generic
word (National, Organization, ...), names that body. The span is flagged when its words are
not in an order English uses for that name: the name itself or one of its variants, or one
rotated around "of"/"for" ("Ministry of Foreign Affairs" for "Foreign Affairs Ministry"); a
bag reached only through a dictionary translation is flagged in any order. The fix writes the
canonical name.

Parameters: `gazetteers` (tables with name, acronym, variants columns), `translations`
(calque -> english word table), `demonyms`, `structure` (word classes: `generic`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import product
from typing import Any

from qc.finding import Edit, Finding
from qc.lint.document import Document
from qc.lint.kinds import RuleKind, match_case, register
from qc.lint.kinds._names import Morphology, Token, demonym_table, document_name_spans, plain, read_tsv, read_yaml, stamped, stem

MAX_CONTENT_WORDS = 9
ROTATION_WORDS = ("of", "for", "on", "in")
ADJECTIVE_ENDINGS = ("ic", "al", "an", "ian", "ese", "ish", "ary", "ive")
# A bag that a generic word was taken from or added to must keep this many stems.
MIN_LOOSE_STEMS = 3
# Alternatives tried per span: enough for three translated words with two readings each.
MAX_READINGS = 8


@dataclass(frozen=True)
class Body:
    name: str
    forms: tuple[tuple[str, ...], ...]  # stem sequences of every correct English form
    joints: tuple[frozenset[int], ...]  # per form: content positions preceded by of/for/on/in
    coordinated: bool  # the name itself holds "and" ("Food and Agriculture Organization")
    country: str  # the body's country as the table gives it ("" for international bodies)
    texts: tuple[str, ...] = ()  # the name and its variants as written


@dataclass
class Index:
    exact: dict[tuple[str, ...], list[Body]]
    loose: dict[tuple[str, ...], list[Body]]  # bags with one generic word left out
    translations: dict[str, tuple[str, ...]]
    generic: frozenset[str]
    demonyms: dict[str, str]
    adjectives: frozenset[str] = frozenset()  # stems of adjectives and demonyms
    exceptions: frozenset[str] = frozenset()  # names right as written ("Bank Central Asia")
    morphology: Morphology = Morphology((), (), 0)  # set from the structure file before any fold

    folded: dict[str, str] = field(default_factory=dict)  # word as written -> its stem
    # How the gazetteers' English names join a word to an institutional head: as a modifier
    # before it ("Development Bank": (develop, bank)) or as an "of" complement after it
    # ("Bank of Japan": (bank, japan)); each pair with the bodies whose names show it.
    compounds: dict[tuple[str, str], list[Body]] = field(default_factory=lambda: defaultdict(list))
    complements: dict[tuple[str, str], list[Body]] = field(default_factory=lambda: defaultdict(list))
    # Words after "of"/"for" in the names, without an article ("Party of Freedom") and with
    # one ("Office of the Prosecutor"): English drops "the" before an abstract noun, Spanish
    # keeps it ("Partido de la Libertad": "Party of the Freedom").
    bare_after_of: dict[str, list[Body]] = field(default_factory=lambda: defaultdict(list))
    the_after_of: dict[str, list[Body]] = field(default_factory=lambda: defaultdict(list))

    def fold(self, word: str) -> str:
        found = self.folded.get(word)
        if found is None:
            flat = plain(word)
            found = self.folded[word] = stem(self.demonyms.get(flat, flat), self.morphology)
        return found


def bag(stems: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    return tuple(sorted(stems))


@lru_cache(maxsize=8)
def build_index(gazetteers: tuple[tuple[str, int], ...], translations: tuple[str, int], demonyms: tuple[str, int], structure: tuple[str, int], spellings: tuple[str, int] | None = None) -> Index:
    generic_words = read_yaml(*structure).get("generic") or []
    index = Index(defaultdict(list), defaultdict(list), {}, frozenset(), demonym_table(*demonyms))
    word_starts = {str(a): str(b) for a, b in read_yaml(*spellings).items()} if spellings else None
    index.morphology = Morphology.from_data(read_yaml(*structure).get("morphology"), word_starts)
    index.generic = frozenset(index.fold(w) for w in generic_words)
    adjectives = [str(w) for w in read_yaml(*structure).get("adjectives") or []]
    index.exceptions = frozenset(str(w) for w in read_yaml(*structure).get("exceptions") or [])
    index.adjectives = frozenset(index.fold(w) for w in adjectives) | frozenset(stem(c, index.morphology) for c in index.demonyms.values())
    links: dict[str, set[str]] = defaultdict(set)
    for row in read_tsv(*translations):
        links[index.fold(row["calque"])].add(index.fold(row["english"]))
    index.translations = {k: tuple(sorted(v)) for k, v in links.items()}
    heads = frozenset(join_key(str(w)) for w in read_yaml(*structure).get("heads") or [])
    seen: dict[str, Body] = {}
    for table in gazetteers:
        for row in read_tsv(*table):
            name = row["name"].strip()
            if not name or name in seen:
                continue
            texts = [name, *(v.strip() for v in row.get("variants", "").split(";") if v.strip())]
            shaped = {content_stems(index, t): joints_of(t) for t in texts}
            kept = [f for f in shaped if len(f) >= 2]
            coordinated = any(t.text in ("and", "&") for t in tokens_of(" ".join(texts)))
            body = seen[name] = Body(name, tuple(kept), tuple(shaped[f] for f in kept), coordinated, row.get("country", "").strip(), tuple(texts))
            for text in texts:
                record_joins(index, body, text, heads)
            for form in body.forms:
                key = bag(form)
                index.exact[key].append(body)
                for drop in set(form) & index.generic:
                    if len(form) > MIN_LOOSE_STEMS:
                        index.loose[bag(remove_one(form, drop))].append(body)
    return index


def join_key(word: str) -> str:
    """A word as Index.compounds/complements key it: inflection folded, derivation kept
    ("Forces" ~ "Force", but "National" is not "Nations": the National League says nothing
    about the League of Nations)."""
    flat = plain(word)
    return flat[:-1] if len(flat) > 3 and flat.endswith("s") and not flat.endswith("ss") else flat


def record_joins(index: Index, body: Body, text: str, heads: frozenset[str]) -> None:
    """Note how `text` joins words to its institutional heads (Index.compounds/complements)."""
    tokens = tokens_of(text)
    for at, token in enumerate(tokens[:-1]):
        if token.text in ("of", "for") and not tokens[at + 1].function:
            index.bare_after_of[join_key(tokens[at + 1].text)].append(body)
        elif token.text in ("of", "for") and tokens[at + 1].text.lower() == "the" and at + 2 < len(tokens):
            index.the_after_of[join_key(tokens[at + 2].text)].append(body)
    for at, token in enumerate(tokens):
        if join_key(token.text) not in heads:
            continue
        head = join_key(token.text)
        if at > 0 and not tokens[at - 1].function:
            index.compounds[(join_key(tokens[at - 1].text), head)].append(body)
        rest = tokens[at + 1 :]
        if rest and rest[0].text == "of":
            rest = rest[1:]
            while rest and rest[0].text.lower() == "the":
                rest = rest[1:]
            if rest and not rest[0].function:
                index.complements[(head, join_key(rest[0].text))].append(body)


def remove_one(stems: tuple[str, ...], word: str) -> tuple[str, ...]:
    out = list(stems)
    out.remove(word)
    return tuple(out)


def content_stems(index: Index, text: str) -> tuple[str, ...]:
    return tuple(index.fold(t.text) for t in tokens_of(text) if not t.function)


def joints_of(text: str) -> frozenset[int]:
    """Content-word positions of a name that follow "of", "for", "on" or "in"."""
    joints, position, joined = set(), 0, False
    for token in tokens_of(text):
        if token.function:
            joined = joined or token.text in ROTATION_WORDS
            continue
        if joined:
            joints.add(position)
        position += 1
        joined = False
    return frozenset(joints)


def tokens_of(text: str) -> list[Token]:
    from qc.lint.kinds._names import TOKEN

    return [Token(m.group(), m.start(), m.end()) for m in TOKEN.finditer(text)]


def english_order(span: list[Token], stems: tuple[str, ...], form: tuple[str, ...], joints: frozenset[int]) -> bool:
    """Is `stems` an order English uses for the name `form`: the form itself, two of its
    modifiers swapped ("Republican National Convention"), or the form turned around an "of"
    ("Ministry of Emergency Situations" ~ "Emergency Situations Ministry"), the "of" in the
    span or in the form?"""
    content = [i for i, t in enumerate(span) if not t.function]
    if stems == form:
        # "Party Democratic" is not "Party of Democrats": the form's "of" must be there too.
        joined = any(t.text in ROTATION_WORDS for t in span[content[0] : content[-1] + 1])
        return joined or not joints
    # The head noun is the last word before the first "of" (or the last word): only words
    # before it may swap; a head swapped with its modifier is Romance order ("Bank Central").
    head = min(joints) - 1 if joints else len(form) - 1
    for i in range(head - 1):
        if stems == form[:i] + (form[i + 1], form[i]) + form[i + 2 :]:
            return True
    for cut in range(1, len(form)):
        if stems == form[cut:] + form[:cut]:
            between = span[content[len(form) - cut - 1] + 1 : content[len(form) - cut]]
            if cut in joints or any(t.text in ROTATION_WORDS for t in between):
                return True
    return False


def loose_order(stems: tuple[str, ...], form: tuple[str, ...]) -> bool:
    """For bags that matched with one generic word more or less: the shared words in the
    form's order or a rotation of it (weaker evidence, so a gentler test)."""
    shorter, longer = (stems, form) if len(stems) < len(form) else (form, stems)
    for drop in range(len(longer)):
        cut_down = longer[:drop] + longer[drop + 1 :]
        if sorted(cut_down) == sorted(shorter):
            a, b = (shorter, cut_down) if shorter is stems else (cut_down, shorter)
            return any(a == b[k:] + b[:k] for k in range(len(b)))
    return True


def judge(index: Index, part: list[Token]) -> str | None:
    """None: not a known name; "": a known name in English order; else the canonical name."""
    text = " ".join(t.text for t in part if t.text.lower() != "the")
    if any(text in name or name in text for name in index.exceptions):
        return ""
    stems = tuple(index.fold(t.text) for t in part if not t.function)
    coordinated = any(t.text in ("and", "&") for t in part)
    for reading, translated in readings(index, stems):
        for bodies, loose in ((index.exact.get(bag(reading)), False), (loosely(index, reading), True)):
            # "the Liberal Party and Coalition" is two names, not one calqued name.
            bodies = [b for b in bodies or () if b.coordinated or not coordinated]
            if not bodies:
                continue
            if loose:
                english = any(loose_order(reading, form) for body in bodies for form in body.forms if abs(len(form) - len(reading)) == 1)
            else:
                english = any(english_order(part, reading, form, joints) for body in bodies for form, joints in zip(body.forms, body.joints) if len(form) == len(reading))
            if english:
                if not translated or loose or len(reading) < 3:
                    return ""
            if len(reading) == 2 and reading[-1] not in index.adjectives and not adjective_shaped(part):
                # Two nouns swapped ("Party Congress", "Congress Party") are both English; two
                # words are a calque only with the adjective after the noun ("Nations United").
                return ""
            names = {body.name for body in bodies}
            if len(names) > 1:
                names = same_words(index, part, bodies) or names
            if len(names) > 1:
                names = mirrored(part, names) or names
            if len(names) > 1:
                # A generic entry ("National Statistics Office") before one country's body.
                names = {b.name for b in bodies if not b.country and b.name in names} or names
            if len(names) != 1:
                return "?"
            # A bag one generic word off names a national body only if the text says which
            # country: "Supreme Court of Justice" is not Mexico's unless Mexico is mentioned.
            name = names.pop()
            body = next(b for b in bodies if b.name == name)
            # A national body's name that adds words to the span's ("Mexican" to "National
            # Institute of Statistics and Geography") needs its country named in the text.
            adds_words = loose or bag(body.forms[0]) != bag(reading) if body.forms else loose
            if body.country and adds_words and not names_country(index, reading, body.country):
                return "@" + body.country + "@" + name
            return closest_form(part, body)
    return None

def names_country(index: Index, stems: tuple[str, ...], country: str) -> bool:
    """Do the name's own words say its country ("Mexican Social Security Institute")?"""
    return stem(plain(country.replace(" ", "")), index.morphology) in stems


def closest_form(part: list[Token], body: Body) -> str:
    """The body's name, or the variant made of exactly the span's words ("Institute National
    of Statistics" -> "National Institute of Statistics", not "National Statistics Office")."""
    words = sorted(plain(t.text) for t in part if not t.function)
    for text in body.texts:
        if sorted(plain(t.text) for t in tokens_of(text) if not t.function) == words:
            return text
    return body.name


def same_words(index: Index, part: list[Token], bodies: list[Body]) -> set[str]:
    """Among namesakes of one bag, the names made of exactly the span's words, in any order
    ("Party Democratic": Democratic Party, not Democrat Party or Party of Democrats); failing
    that, the names whose own words (not a variant's) are the span's, folded ("Program World
    of Food": World Food Programme, not United Nations World Food Programme)."""
    words = sorted(plain(t.text) for t in part if not t.function)
    exact = {b.name for b in bodies if sorted(plain(t.text) for t in tokens_of(b.name) if not t.function) == words}
    if exact:
        return exact
    stems = bag([index.fold(t.text) for t in part if not t.function])
    return {b.name for b in bodies if bag(content_stems(index, b.name)) == stems}


def name_made_of(index: Index, part: list[Token], guess: str = "") -> str | None:
    """The one body whose name is made of the part's words (as a bag), whatever their order:
    for a word order name_meaning takes for English that name_order knows is not. Among
    several, the one written as `guess` (name_order's own reordering), if any."""
    stems = bag([index.fold(t.text) for t in part if not t.function])
    bodies = index.exact.get(stems) or []
    names = {b.name for b in bodies}
    as_guessed = {n for n in names if n == guess} or {n for n in names if plain(n) == plain(guess)}
    if len(as_guessed) == 1:
        return as_guessed.pop()
    if len(names) > 1:
        names = same_words(index, part, bodies) or names
    if len(names) > 1:
        names = mirrored(part, names) or names
    return next(iter(names)) if len(names) == 1 else None


def mirrored(part: list[Token], names: set[str]) -> set[str]:
    """Among namesakes made of the same words ("Social Democratic Party", "Democratic Social
    Party"), the one in the span's order turned around, as a Romance calque turns it: the
    words before "of" reversed, with or without the "of" tail ("Party Democratic Social" ->
    Social Democratic Party; "Party Democratic of People's" -> People's Democratic Party), or
    as a Slavic genitive turns it, the "of" complements first ("Democratic Party of People's"
    -> People's Democratic Party)."""
    words = [plain(t.text) for t in part if t.text.lower() != "the"]
    cut = words.index("of") if "of" in words else len(words)
    content = [w for w in words if w not in ("of", "for", "and")]
    complements = [w for w in words[cut:] if w not in ("of", "for", "and")]
    mirrors = {
        tuple(reversed(content)),
        tuple(reversed(words[:cut])) + tuple(words[cut:]),
        # Slavic: the "of" complements before the rest ("Democratic Party of People's")
        tuple(reversed(complements)) + tuple(words[:cut]),
    }
    found = {n for n in names if tuple(plain(t.text) for t in tokens_of(n) if t.text.lower() != "the" and plain(t.text) not in ("for", "and")) in mirrors}
    if len(found) > 1 and len({plain(n.removeprefix("The ")) for n in found}) == 1:
        # "National Party" and "The National Party"; "Workers' Party" and "Workers Party": the
        # one spelt as the span spells its words, else the shortest.
        spelt = {t.text for t in part}
        found = {min(found, key=lambda n: (not all(t.text in spelt for t in tokens_of(n.removeprefix("The "))), len(n), n))}
    return found if len(found) == 1 else set()


def adjective_shaped(part: list[Token]) -> bool:
    """Does the last word end like an English adjective ("Civic", "Municipal", "Electoral")?"""
    last = part[-1].text.lower()
    return len(last) > 4 and last.endswith(ADJECTIVE_ENDINGS)


def loosely(index: Index, stems: tuple[str, ...]) -> list[Any]:
    found = list(index.loose.get(bag(stems), ())) if len(stems) >= MIN_LOOSE_STEMS else []
    for drop in set(stems) & index.generic:
        if len(stems) > MIN_LOOSE_STEMS:
            key = bag(remove_one(stems, drop))
            found.extend(index.exact.get(key, ()))
    return found

def readings(index: Index, stems: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], bool]]:
    """The stems as written, then with dictionary translations substituted."""
    yield stems, False
    options = [(s, *index.translations.get(s, ())) for s in stems]
    if all(len(o) == 1 for o in options):
        return
    for count, combo in enumerate(product(*options)):
        if count >= MAX_READINGS:
            return
        if combo != stems:
            yield tuple(combo), True



@register("name_meaning")
class NameMeaning(RuleKind):
    def mentions_country(self, doc: Document, country: str) -> bool:
        """Does the text name the country or use its demonym?"""
        index = self.index
        target = plain(country.replace(" ", ""))
        words = {w for w, c in index.demonyms.items() if c == target} | {target}
        return any(plain(t.text) in words for t in tokens_of(doc.text) if t.capital)

    params_schema = {
        "type": "object",
        "required": ["gazetteers", "translations", "demonyms", "structure"],
        "additionalProperties": False,
        "properties": {
            "gazetteers": {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1},
            "translations": {"type": "string", "minLength": 1},
            "demonyms": {"type": "string", "minLength": 1},
            "structure": {"type": "string", "minLength": 1},
            "spellings": {"type": "string", "minLength": 1},
        },
    }

    def __init__(self, rule: Any) -> None:
        super().__init__(rule)
        params = rule.params
        self.sources = (
            tuple(stamped(rule, g) for g in params["gazetteers"]),
            stamped(rule, params["translations"]),
            stamped(rule, params["demonyms"]),
            stamped(rule, params["structure"]),
            stamped(rule, params["spellings"]) if "spellings" in params else None,
        )
        # Built when the pack loads (a bad table is reported then) and kept on the rule: the
        # compiled-rules cache unpickles it in ~15 ms, where building it takes ~0.2 s.
        self.index = build_index(*self.sources)

    def check(self, doc: Document) -> Iterator[Finding]:
        index = self.index
        for span in document_name_spans(doc):
            yield from self.check_span(doc, index, span)

    def check_span(self, doc: Document, index: Index, span: list[Token]) -> Iterator[Finding]:
        content = [i for i, t in enumerate(span) if not t.function]
        if len(content) < 2:
            return  # (no part of two words or more to judge)
        # A part of the span begins and ends where a name can: at the span's ends or next to a
        # joining word ("Norwegian Labour Party | and the | Norwegian Centre Party").
        starts = {i for n, i in enumerate(content) if n == 0 or span[i - 1].function}
        ends = {i for n, i in enumerate(content) if n == len(content) - 1 or span[i + 1].function}
        covered: set[int] = set()
        # Longest sub-spans first; a sub-span inside one already judged is left alone.
        for length in range(min(len(content), MAX_CONTENT_WORDS), 1, -1):
            for first in range(len(content) - length + 1):
                picked = content[first : first + length]
                if covered & set(picked) or picked[0] not in starts or picked[-1] not in ends:
                    continue
                part = span[picked[0] : picked[-1] + 1]
                verdict = judge(index, part)
                if verdict is None:
                    continue
                covered.update(range(picked[0], picked[-1] + 1))
                if verdict:
                    yield self.report(doc, span, picked[0], picked[-1], verdict)

    def report(self, doc: Document, span: list[Token], first: int, last: int, name: str) -> Finding:
        if name.startswith("@"):
            _, country, name = name.split("@", 2)
            if not self.mentions_country(doc, country):
                name = "?"
        start_token = first - 1 if first > 0 and span[first - 1].text.lower() == "the" else first
        start, end = span[start_token].start, span[last].end
        found = doc.text[start:end]
        if name == "?":
            return self.finding(doc, start, end, {"name": "known body (one of several with these words)", "right": "its English name"})
        article = span[start_token].text + " " if start_token < first else ""
        replacement = article + name if article else name
        edits = [Edit(start, end, match_case(found, replacement) if article else replacement)]
        return self.finding(doc, start, end, {"name": name, "right": name}, edits)
