"""`article`: "a" or "an" chosen by the sound of the next word, not its spelling.

"an hour", "a university", "an NGO", "an FBI agent", "a one-off", "a European",
"an 8-year-old", "a NATO summit". The decision uses:
- numbers: how they are read (8, 11, 18, 80-89 ... start with a vowel sound);
- all-capital abbreviations: read letter by letter ("an FBI", "a UN") unless they
  look pronounceable as a word ("a NATO", "a SWAT team"); the letter names
  A E F H I L M N O R S X start with a vowel sound;
- ordinary words: the first letter, corrected by short lists of spellings whose
  sound differs (vowel letter, consonant sound: uni-, eu-, one; silent h: hour, honest).
The lists (words, spellings, letter names, syllable onsets) come from the rule's `data:`
file (data/article.yaml).

Articles after a space are found for a whole batch of texts by comparing code points
(`unsettled_in_batch`), the others (after a newline, a quote mark, a bracket ...) in the
engine's literal pass; a capital "A" counts only at the start of a sentence (mid-sentence
it is usually a label: "Group A", "Plan A").
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator
from typing import Any

from qc.finding import Edit, Finding
from qc.lint.data import load_yaml, mapping, strings
from qc.lint.document import Batch, Document
from qc.lint.kinds import DATA_FILE_PARAMS, RuleKind, register

NEXT_WORD = re.compile(r"[ \t]+[\"“‘'(\[]?([A-Za-z0-9][\w'’.-]*)")
# Compiled once: expected_article runs for every "a"/"an" the fast paths cannot settle.
HEAD_SPLIT = re.compile(r"[-'’]")
ASCII_LETTERS = re.compile(r"[A-Za-z]+")
DIGITS = re.compile(r"[0-9][0-9,]*")
# The spellings of an article after a space ("aN", "AN" are never articles to `at`), searched
# by the batch hook (unsettled_in_batch).
_CONSONANTS = frozenset("bcdfgjklmnpqrstvwxyz")
SPACED = ((" a ", "a"), (" A ", "A"), (" an ", "an"), (" An ", "An"))
VOWELS = set("AEIOU")
# "a" before a capitalised word (a capital consonant other than H, then a lowercase letter)
# is always right: no SPECIAL spelling, no silent h, not a letter read by its name, and
# expected_article says "a" (or None for a capital further in). A third of the articles
# at() sees; settled here before the regex and the spelling rules.
NAME_CONSONANTS = frozenset("BCDFGJKLMNPQRSTVWXYZ")
LOWER_ASCII = frozenset("abcdefghijklmnopqrstuvwxyz")
A_OR_I = frozenset("ai")
E_OR_O = frozenset("eo")
A_DIGITS = frozenset("2345679")  # a number starting so is read with a consonant first
LEADING_LETTERS = re.compile(r"[A-Za-z]{0,2}")


class Sounds:
    """What the rule's data file (data/article.yaml) knows of English sounds: whole words
    whose article the spelling rules get wrong (`special`), spellings of a vowel letter
    with a consonant sound and of a consonant letter with a vowel sound, the letters whose
    names start with a vowel sound, and the consonant pairs that start a syllable."""

    def __init__(self, special: dict[str, str | None], consonant_sound: list[str], vowel_sound: list[str], letters: str, onsets: list[str]) -> None:
        self.special = special
        self.consonant_sound = re.compile("(?:" + "|".join(consonant_sound) + ")", re.IGNORECASE)
        self.vowel_sound = re.compile("(?:" + "|".join(vowel_sound) + ")", re.IGNORECASE)
        self.letter_vowel_sound = frozenset(letters)
        self.onsets = frozenset(onsets)
        # Per article, the first two letters (lowercase) of every word the lists may give the
        # other article: `settled` leaves those to the spelling rules. (A regex counts by the
        # letters it starts with; one starting with fewer than two opens the whole letter.)
        self.open: dict[str, set[str]] = {"a": set(), "an": set()}
        for word, want in special.items():
            if want is not None:
                self.open["a" if want == "an" else "an"].add(word[:2])
        for article, patterns in (("an", consonant_sound), ("a", vowel_sound)):
            for pattern in patterns:
                self.open[article].add(LEADING_LETTERS.match(pattern).group().lower())  # type: ignore[union-attr]
        self.tables: dict[str, Any] = {}

    def is_open(self, article: str, first: str, second: str) -> bool:
        pairs = self.open["an" if article in ("an", "An") else "a"]
        return bool(pairs) and ((first + second).lower()[:2] in pairs or first.lower() in pairs or "" in pairs)

    def settled(self, article: str, first: str, second: str) -> bool:
        """True when at() cannot report the article: decided from the next word's first two
        characters (`first` starts the word when it is a letter), before the sentence test,
        the regex and the spelling rules, for the commonest cases, unless the data's lists
        name words starting with those two letters (`is_open`):
        - "a" + lowercase consonant other than h, "an" + a or i (at()'s own fast path);
        - "a" + capitalised consonant word (see NAME_CONSONANTS);
        - "a" + h and a lowercase letter;
        - numbers read with a consonant first (2-7, 9: number_article), and "an" + 8;
        - "an" + e or o and a lowercase letter."""
        if article == "a" or article == "A":
            if first in A_DIGITS:
                return True
            if first in _CONSONANTS:
                return not self.is_open(article, first, second)
            return second in LOWER_ASCII and (first in NAME_CONSONANTS or first == "h") and not self.is_open(article, first, second)
        if article == "an" or article == "An":
            if first == "8":
                return True
            if first in A_OR_I or (second in LOWER_ASCII and first in E_OR_O):
                return not self.is_open(article, first, second)
        return False

    def table(self, article: str) -> Any:
        """`settled(article, first, second)` for every pair of ASCII characters (first, second),
        as a 128 x 128 boolean array; a non-ASCII character and code 127 (DEL) settle nothing.
        Made on first use (16,384 calls of settled)."""
        found = self.tables.get(article)
        if found is None:
            import numpy as np

            chars = [chr(c) for c in range(127)] + [""]
            found = self.tables[article] = np.array([[self.settled(article, a, b) for b in chars] for a in chars], dtype=bool)
        return found

    def expected_article(self, word: str) -> str | None:
        """'a', 'an', or None when unsure."""
        token = word.rstrip(".")
        low = token.lower()
        special = self.special
        if low in special:
            return special[low]
        head = HEAD_SPLIT.split(low, maxsplit=1)[0]
        if head in special:
            return special[head]
        if token[0].isdigit():
            return number_article(token)
        letters = ASCII_LETTERS.match(token)
        if not letters:
            return None
        core = letters.group(0)
        if len(core) == 1:
            # A letter read by its name: "an F-16", "an X-ray", "a U-turn", "a B-52".
            if len(token) > 1 and token[1] not in "-’'":
                return None
            return "an" if core.upper() in self.letter_vowel_sound else "a"
        if core.isupper():
            return self.acronym_article(core)
        if core[1:] != core[1:].lower():  # (ASCII letters: any capital after the first)
            return None  # iPhone, eBay, McDonald: leave alone
        if self.vowel_sound.match(low):
            return "an"
        if low[0] in "aeiou":
            return "a" if self.consonant_sound.match(low) else "an"
        return "a"

    def acronym_article(self, core: str) -> str | None:
        pronounceable = len(core) >= 4 and any(c in VOWELS for c in core[1:]) and (core[0] in VOWELS or core[1] in VOWELS or core[:2].lower() in self.onsets)
        if pronounceable:
            if core[0] == "U":
                return "a"
            return "an" if core[0] in VOWELS else "a"
        return "an" if core[0] in self.letter_vowel_sound else "a"


def number_article(token: str) -> str:
    digits = DIGITS.match(token).group(0).rstrip(",")  # type: ignore[union-attr]
    if digits[0] == "8":
        return "an"
    groups = digits.split(",")
    lead = groups[0]
    plain = "".join(groups)
    if len(groups) > 1:
        return "an" if lead in ("11", "18") else "a"
    if lead[:2] in ("11", "18") and (len(plain) % 3 == 2 or len(plain) == 4):
        return "an"
    return "a"


@register("article")
class Article(RuleKind):
    params_schema = DATA_FILE_PARAMS

    def __init__(self, rule: Any) -> None:
        super().__init__(rule)
        source = rule.params["data"]
        data = load_yaml(self, source)
        special = mapping(self, data, "special", source)
        if not all(isinstance(w, str) and w and v in ("a", "an", None) for w, v in special.items()):
            raise self.error(f"data file {source}: 'special' maps lowercase words to a, an or null")
        letters = data.get("letter_vowel_sound")
        if not isinstance(letters, str):
            raise self.error(f"data file {source}: 'letter_vowel_sound' must be a string of capital letters")
        try:
            self.sounds = Sounds(
                {w.lower(): v for w, v in special.items()},
                strings(self, data, "consonant_sound", source),
                strings(self, data, "vowel_sound", source),
                letters,
                strings(self, data, "onsets", source),
            )
        except re.error as exc:
            raise self.error(f"data file {source}: a regex does not compile: {exc}") from None

    def literals(self) -> Iterable[tuple[str, Any]]:
        # The character before the article is part of the literal, so that words ending
        # in "a" ("China ") do not call back; an article at the very start of the text is missed.
        # After a space (nearly every article) the batch hook finds them: see SPACED.
        for before in ("\n", "\t", "“", '"', "(", "‘", "—", "[", "'"):
            yield (before + "a ", "a")
            yield (before + "an ", "an")

    def prepare_batch(self, batch: Batch) -> None:
        """The articles after a space that `settled` leaves open, in every text of the batch
        at once (`unsettled_in_batch`), kept in each one's scratch for check()."""
        for doc, found in zip(batch.docs, unsettled_in_batch(batch, self.sounds)):
            doc.scratch.unsettled_articles = found

    def check(self, doc: Document) -> Iterator[Finding]:
        """An article at the very start of the text (the literals cannot see it), and every
        article after a space that the batch hook found open."""
        low = doc.lower[:3]
        if low.startswith("a "):
            yield from self.at(doc, 0, 2)
        elif low.startswith("an "):
            yield from self.at(doc, 0, 3)
        unsettled = doc.scratch.unsettled_articles
        if unsettled is None:  # (a document no batch has seen)
            unsettled = unsettled_in_batch(Batch([doc]), self.sounds)[0]
        for start, end in unsettled:
            yield from self.at(doc, start, end)

    def on_literal(self, doc: Document, start: int, end: int, payload: Any) -> Iterator[Finding]:
        return self.at(doc, start + 1, end)

    def at(self, doc: Document, start: int, end: int) -> Iterator[Finding]:
        text = doc.text
        article = text[start : end - 1]
        if self.sounds.settled(article, text[end : end + 1], text[end + 1 : end + 2]):
            return
        if article[0] == "A" and not sentence_start(text, start):
            return
        if article not in ("a", "A", "an", "An"):
            return
        match = NEXT_WORD.match(text, end - 1)
        if match is None:
            return
        word = match.group(1)
        first = word[0]
        # Fast path for the common, unambiguous cases: "a" + lowercase consonant (not h),
        # "an" + lowercase a/i (the letters that never start with a consonant sound).
        if article in ("a", "A") and first.islower() and first not in "aeiouh":
            return
        if article in ("an", "An") and first in "ai":
            return
        want = self.sounds.expected_article(word)
        if want is None or want == article.lower():
            return
        replacement = want if article[0] == "a" else want.capitalize()
        w_start, w_end = match.span(1)
        yield self.finding(
            doc,
            start,
            w_end,
            {"article": article, "word": word, "replacement": f"{replacement} {word}", "sound": "vowel" if want == "an" else "consonant"},
            [Edit(start, start + len(article), replacement)],
        )


def unsettled_in_batch(batch: Batch, sounds: Sounds) -> list[list[tuple[int, int]]]:
    """For each text of the batch, the (start, end) that check() passes to at() for the
    articles after a space, by spelling as in SPACED, then by place:
    each spelling found by comparing code points over all the texts joined, and `settled`
    worked out from the next two characters by table lookups. The joining newline settles
    nothing, as the end of a text does not."""
    if batch.small:
        return plain_unsettled(batch, sounds)
    import numpy as np

    codes = batch.text_codes
    # The code points with 0 (which settles nothing and is no space) for the one place before
    # the text and the few after it that the lookups below reach.
    padded = np.zeros(codes.size + 7, dtype=np.uint32)
    padded[1 : codes.size + 1] = codes

    def char(at: Any) -> Any:
        """The code points at `at` (from -1 to 5 places past the end)."""
        return padded[at + 1]

    # Each spelling's places (needle starts), from the places of its letter "a" or "A"
    # that follow a space: far fewer than the spaces.
    places: dict[str, Any] = {}
    for letter in "aA":
        at = np.flatnonzero(codes == ord(letter))
        at = at[char(at - 1) == 32]
        after = char(at + 1)
        places[letter] = at[after == 32] - 1
        places[letter + "n"] = at[(after == ord("n")) & (char(at + 2) == 32)] - 1
    found: list[list[tuple[int, int]]] = [[] for _ in batch.docs]
    for needle, article in SPACED:
        size = len(needle)
        at = places[article]
        # (a non-ASCII character settles nothing, nor does DEL, 127)
        at = at[~sounds.table(article)[np.minimum(char(at + size), 127), np.minimum(char(at + size + 1), 127)]]
        text_of, local = batch.localise(at)
        for index, start in zip(text_of.tolist(), local.tolist()):
            found[index].append((start + 1, start + size))
    return found


def plain_unsettled(batch: Batch, sounds: Sounds) -> list[list[tuple[int, int]]]:
    """unsettled_in_batch for a small batch, by a find loop over the same joined text, each
    next character read as the table reads it: past the end as code 0, a code of 127 or
    more as "" (settles nothing)."""
    text = batch.joined_text
    starts, place = [], 0
    for doc in batch.docs:
        starts.append(place)
        place += len(doc.text) + 1

    def char(at: int) -> str:
        if at >= len(text):
            return "\x00"
        found = text[at]
        return found if ord(found) < 127 else ""

    found: list[list[tuple[int, int]]] = [[] for _ in batch.docs]
    for needle, article in SPACED:
        size = len(needle)
        at = text.find(needle)
        while at >= 0:
            if not sounds.settled(article, char(at + size), char(at + size + 1)):
                index = bisect.bisect_right(starts, at) - 1
                found[index].append((at - starts[index] + 1, at - starts[index] + size))
            at = text.find(needle, at + size - 1)
    return found


def sentence_start(text: str, pos: int) -> bool:
    i = pos - 1
    while i >= 0 and text[i] in "\"“‘'( \t":
        i -= 1
    return i < 0 or text[i] in ".!?\n:;—–"
