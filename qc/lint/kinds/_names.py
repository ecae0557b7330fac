"""Shared pieces of the name kinds (name_meaning, name_order, media_name, transliteration):
reading their data tables, folding a word to a stem, and cutting a text into capitalised
name spans. Registers no kind."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from qc.errors import RulePackError

# Words that join the words of one name ("Bank for International Settlements").
FUNCTION_WORDS = frozenset("of the for and on in de &".split())
# A word of a name: a letter, then letters, digits, apostrophes, hyphens.
TOKEN = re.compile(r"[^\W\d_][\w'’-]*|&")
SAME_NAME_GAP = re.compile(r"[ \t]+")


def data_path(rule: Any, relative: str) -> Path:
    """A data file named relative to the folder of the rule's pack file (built-in packs shown
    as rules/... resolve inside the installed package)."""
    from qc.lint.packs import DEFAULT_RULES_DIR

    rel = Path(relative)
    if rel.is_absolute():
        return rel
    pack = Path(rule.pack) if rule.pack is not None else None
    if pack is None:
        return DEFAULT_RULES_DIR / "en" / rel
    if not pack.is_absolute() and not pack.exists() and pack.parts and pack.parts[0] == "rules":
        return DEFAULT_RULES_DIR.joinpath(*pack.parts[1:]).parent / rel
    # Absolute: compiled rules are cached and reused by processes in other folders.
    return (pack.parent / rel).absolute()


def stamped(rule: Any, relative: str) -> tuple[str, int]:
    """(path, modification time) of a data file, for caches keyed by file version."""
    # Absolute: the compiled-rules cache keeps the rule for processes in other folders,
    # where a path relative to this one would name nothing (a scan run from the repository
    # root, then elsewhere, failed with "cannot read name table").
    path = data_path(rule, relative).absolute()
    try:
        return str(path), path.stat().st_mtime_ns
    except OSError:
        raise RulePackError(str(rule.pack) if rule.pack else None, f"rule {rule.id}: data file not found: {relative} (looked at {path})", rule.line or None) from None


@lru_cache(maxsize=64)
def read_tsv(path: str, stamp: int) -> tuple[dict[str, str], ...]:
    """Rows of a tab-separated table: '#' lines are comments, the first other line the header."""
    try:
        lines = [line for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip() and not line.startswith("#")]
    except (OSError, UnicodeDecodeError) as exc:
        raise RulePackError(path, f"cannot read name table: {exc}") from None
    if not lines:
        return ()
    header = lines[0].split("\t")
    rows = []
    for number, line in enumerate(lines[1:], 2):
        cells = line.split("\t")
        if len(cells) > len(header):
            raise RulePackError(path, f"row {number} has {len(cells)} cells; the header has {len(header)}")
        rows.append(dict(zip(header, cells + [""] * (len(header) - len(cells)))))
    return tuple(rows)


@lru_cache(maxsize=16)
def read_yaml(path: str, stamp: int) -> dict[str, Any]:
    try:
        data = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 - a safe loader (libyaml: ~10x faster)
    except (OSError, yaml.YAMLError) as exc:
        raise RulePackError(path, f"cannot read word classes: {exc}") from None
    if not isinstance(data, dict):
        raise RulePackError(path, "word classes: expected a mapping of lists")
    return data


@lru_cache(maxsize=16)
def read_lines(path: str, stamp: int) -> tuple[str, ...]:
    try:
        return tuple(line.strip() for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip() and not line.startswith("#"))
    except (OSError, UnicodeDecodeError) as exc:
        raise RulePackError(path, f"cannot read word list: {exc}") from None


@lru_cache(maxsize=1 << 16)
def plain(word: str) -> str:
    """Lowercase, without accents, apostrophes, hyphens or a possessive 's."""
    word = "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c)).lower().replace("’", "'")
    if word.endswith("'s"):
        word = word[:-2]
    return word.replace("-", "").replace("'", "")


@dataclass(frozen=True)
class Morphology:
    """How name words are folded to stems: British/American spellings made one (whole words
    by their start, from data/spellings.yaml; spelling patterns such as -isation as regexes),
    then one derivational or inflectional suffix taken off, keeping at least `min_stem`
    letters. Data: the `morphology` section of the names structure file, and the spellings."""

    respellings: tuple[tuple[str, str], ...]
    suffixes: tuple[str, ...]
    min_stem: int
    # British/American spellings of whole words, by word start ("defence" -> "defense"):
    # data/spellings.yaml, the table the organisation kinds (calque, acronym) read too.
    word_starts: tuple[tuple[str, str], ...] = ()

    @classmethod
    def from_data(cls, section: Any, spellings: dict[str, str] | None = None) -> Morphology:
        section = section or {}
        pairs = tuple((str(a), str(b)) for a, b in (section.get("respellings") or {}).items())
        suffixes = tuple(str(x) for x in section.get("suffixes") or ())  # first match wins
        starts = tuple((plain(str(a)), plain(str(b))) for a, b in (spellings or {}).items())
        return cls(pairs, suffixes, int(section.get("min_stem", 4)), starts)


@lru_cache(maxsize=1 << 16)
def stem(word: str, morphology: Morphology) -> str:
    """Inflection and derivation folded: Meteorology ~ Meteorological, Organisation ~
    Organizations, Agriculture ~ Agricultural (one suffix off, the stem kept >= min_stem letters)."""
    for start, other in morphology.word_starts:
        if word.startswith(start):
            word = other + word[len(start) :]
    for pattern, replacement in morphology.respellings:
        word = re.sub(pattern, replacement, word)
    for suffix in morphology.suffixes:
        if word.endswith(suffix) and len(word) - len(suffix) >= morphology.min_stem:
            return word[: -len(suffix)]
    return word


@lru_cache(maxsize=16)
def demonym_table(path: str, stamp: int) -> dict[str, str]:
    """plain demonym or country -> plain country ("mexican" -> "mexico")."""
    table: dict[str, str] = {}
    for row in read_tsv(path, stamp):
        country = plain(row["country"].replace(" ", ""))
        table[country] = country
        for demonym in row.get("demonyms", "").split(","):
            if demonym.strip():
                table[plain(demonym.strip().replace(" ", ""))] = country
    return table


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int

    @property
    def function(self) -> bool:
        return self.text.lower() in FUNCTION_WORDS

    @property
    def capital(self) -> bool:
        return self.text[:1].isupper()


# A capitalised word (Latin capitals, as in English names) and a run of them joined by single
# spaces and function words: found by one regex, so that the lowercase bulk of a text costs
# nothing in Python.
CAPITAL_WORD = r"[A-Z\u00c0-\u00d6\u00d8-\u00de][\w'’-]*"
NAME_RUN = re.compile(
    rf"(?:\b[Tt]he[ \t]+)?\b{CAPITAL_WORD}(?:[ \t]+(?:(?:of|the|for|and|on|in|de|&)[ \t]+)*{CAPITAL_WORD})+"
)


def name_spans(text: str) -> Iterator[list[Token]]:
    """Runs of two or more capitalised words, joined by function words and single spaces or
    tabs (no punctuation, no line break): "the Organization of the Nations United for the
    Food". A run starts and ends with a capitalised word that is not a function word; a "the"
    just before it goes with it, so that a fix can rewrite the whole phrase."""
    for run in NAME_RUN.finditer(text):
        base = run.start()
        tokens = [Token(m.group(), base + m.start(), base + m.end()) for m in TOKEN.finditer(run.group())]
        yield from trimmed(tokens)


def document_name_spans(doc: Any) -> list[list[Token]]:
    """`name_spans` of a Document's text, found once for every kind that reads them."""
    spans = doc.scratch.name_spans
    if spans is None:
        spans = doc.scratch.name_spans = list(name_spans(doc.text))
    return spans


def trimmed(run: list[Token]) -> Iterator[list[Token]]:
    """The run from its first to its last capitalised content word, with a "the" before it."""
    first = next((i for i, t in enumerate(run) if t.capital and not t.function), None)
    if first is None:
        return
    last = max(i for i, t in enumerate(run) if t.capital and not t.function)
    if last > first:
        begin = first - 1 if first > 0 and run[first - 1].text.lower() == "the" else first
        yield run[begin : last + 1]


def sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    """Bounds of the sentence (or line) holding text[start:end]."""
    left = max(text.rfind(". ", 0, start), text.rfind("\n", 0, start), text.rfind("? ", 0, start), text.rfind("! ", 0, start))
    right_candidates = [i for i in (text.find(". ", end), text.find("\n", end), text.find("? ", end), text.find("! ", end)) if i >= 0]
    return (left + 1 if left >= 0 else 0), (min(right_candidates) if right_candidates else len(text))
