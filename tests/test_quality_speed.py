"""The fast quality score (one tokenising pass, memoised word types) gives exactly the
results of the straightforward implementation it replaced: every Quality field, floats
bit for bit, on fixture articles, perturbed variants and random text.

The reference below is a frozen copy of qc/quality.py's functions before the speed-up
(commit 3b9ad58); it shares only the unchanged resources (wordfreq's table, the
SentencePiece model) and the Quality and Weights types with the module under test.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qc import quality as Q
from qc.corpus import load_articles
from qc.finding import Finding
from qc.lint.engine import Linter, batches
from qc.lint.packs import default_rules

ROOT = Path(__file__).resolve().parent.parent
ARTICLE_FILES = [
    ROOT / "fixtures" / "dedup" / "cleannews_a.jsonl",
    ROOT / "fixtures" / "mqm" / "sample.jsonl",
    *sorted((ROOT / "seeds").glob("*.txt")),
]

# --------------------------------------------------------------------------- frozen reference

REF_APOSTROPHE = re.compile(r"['’]")
REF_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
REF_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+|;\s*|\s*\n\s*")
_REF_ZIPF: dict[str, float] = {}


def ref_zipf(word: str, table: dict[str, float]) -> float:
    value = _REF_ZIPF.get(word)
    if value is None:
        freq = table.get(word)
        value = max(0.0, math.log10(freq) + 9.0) if freq else 0.0
        _REF_ZIPF[word] = value
    return value


def ref_is_latin_letter(ch: str) -> bool:
    return ord(ch) < 0x250 or 0x1E00 <= ord(ch) <= 0x1EFF or unicodedata.name(ch, "").startswith("LATIN")


def ref_is_cjk(ch: str) -> bool:
    o = ord(ch)
    return (
        0x3040 <= o <= 0x30FF
        or 0x3400 <= o <= 0x9FFF
        or 0xAC00 <= o <= 0xD7AF
        or 0xF900 <= o <= 0xFAFF
        or 0x20000 <= o <= 0x2FFFF
    )


def ref_untranslated_share(text_or_counts: str | Counter[str]) -> float:
    counts = Counter(REF_WORD.findall(text_or_counts)) if isinstance(text_or_counts, str) else text_or_counts
    latin = foreign = 0
    for word, c in counts.items():
        if word.isascii():
            latin += c
            continue
        cjk = sum(1 for ch in word if ref_is_cjk(ch))
        if cjk:
            foreign += cjk * c
        elif any(ch.isalpha() and not ref_is_latin_letter(ch) for ch in word):
            foreign += c
        else:
            latin += c
    total = latin + foreign
    return foreign / total if total else 0.0


def ref_garbled_types(types: Iterable[str]) -> set[str]:
    table = Q.frequency_table()
    parts: dict[str, list[str]] = {}
    for word in types:
        if len(word) < 3 or not word[0].islower():
            continue
        base = REF_APOSTROPHE.split(word, maxsplit=1)[0]
        parts[word] = [p.lower() for p in base.split("-") if len(p) >= 3]
    rare = sorted({p for ps in parts.values() for p in ps if 0.0 < ref_zipf(p, table) < Q.RARE_ZIPF})
    pieces = dict(zip(rare, Q.spm_processor().encode(rare))) if rare else {}

    def bad_part(part: str) -> bool:
        z = ref_zipf(part, table)
        if z == 0.0:
            return True
        if z >= Q.RARE_ZIPF:
            return False
        n = len(pieces[part])
        return n >= 4 and len(part) / n <= 2.5

    return {w for w, ps in parts.items() if any(bad_part(p) for p in ps)}


def ref_run_on_share(text: str, max_words: int = 40) -> float:
    total = long = 0
    for sentence in REF_SENTENCE_END.split(text):
        n = len(REF_WORD.findall(sentence))
        total += n
        if n > max_words:
            long += n
    return long / total if total else 0.0


def ref_weighted_findings(text: str, findings: Iterable[Finding], repeats_count_once: bool = True) -> float:
    seen: set[tuple[str, str]] = set()
    weighted = 0.0
    for f in findings:
        key = (f.rule, " ".join(text[f.start : f.end].split()).lower())
        if key in seen and repeats_count_once:
            continue
        seen.add(key)
        weighted += {"error": 3.0, "warning": 1.0, "info": 0.25}.get(f.severity, 1.0)
    return weighted


def ref_quality_of(text: str, findings: Iterable[Finding], weights: Q.Weights = Q.DEFAULT_WEIGHTS) -> Q.Quality:
    w = weights
    findings = list(findings)
    counts = Counter(REF_WORD.findall(text))
    n = sum(counts.values())
    density = 100.0 * ref_weighted_findings(text, findings, w.repeats_count_once) / max(n, 1)
    untranslated = ref_untranslated_share(counts)
    if n:
        table = Q.frequency_table()
        lowered: Counter[str] = Counter()
        for word, c in counts.items():
            lowered[word.lower().replace("’", "'")] += c
        plain = sum(max(w.zipf_floor, ref_zipf(word, table)) * c for word, c in lowered.items()) / n
        garble = sum(counts[word] for word in ref_garbled_types(counts)) / n
        run_on = ref_run_on_share(text, w.run_on_words)
    else:
        plain = garble = run_on = 0.0
    penalties = {
        "findings": w.findings * density,
        "untranslated": w.untranslated * untranslated,
        "garble": w.garble * garble,
        "plainness": w.plainness * max(0.0, plain - w.plainness_knee),
        "run-on": w.run_on * run_on,
    }
    score = max(0.0, min(100.0, 100.0 - sum(penalties.values())))
    # (the error count came after the speed-up; it is the reference's only addition)
    errors = sum(1 for f in findings if f.severity == "error")
    return Q.Quality(round(score, 1), n, density, untranslated, garble, plain, penalties, run_on, errors=errors)


# --------------------------------------------------------------------------- comparison


def exact(value: Any) -> Any:
    """A value with every float as its hex form: == then means bit-identical (0.0 ≠ -0.0)."""
    if isinstance(value, float):
        return value.hex()
    if isinstance(value, dict):
        return {k: exact(v) for k, v in value.items()}
    return value


def fields_of(quality: Q.Quality) -> dict[str, Any]:
    return {f.name: exact(getattr(quality, f.name)) for f in fields(quality)}


def assert_same_quality(text: str, findings: list[Finding], weights: Q.Weights = Q.DEFAULT_WEIGHTS) -> None:
    got, want = fields_of(Q.quality_of(text, findings, weights)), fields_of(ref_quality_of(text, findings, weights))
    assert got == want, text[:200]
    # the dict keeps its keys in order, and so must the JSON that qc writes
    assert list(Q.quality_of(text, findings, weights).penalties) == list(want["penalties"])


WEIGHTS = [
    Q.DEFAULT_WEIGHTS,
    # bench/quality_variants.py's other formulas: no floor, other run-on limits, repeats counted
    Q.Weights(findings=5.0, plainness=80.0, plainness_knee=5.45, zipf_floor=0.0, run_on=0.0, repeats_count_once=False),
    replace(Q.DEFAULT_WEIGHTS, zipf_floor=3.7, run_on_words=12),
    replace(Q.DEFAULT_WEIGHTS, run_on_words=0),
]


# --------------------------------------------------------------------------- articles and variants


def fixture_articles() -> list[tuple[str, list[Finding]]]:
    articles, errors = load_articles([str(p) for p in ARTICLE_FILES])
    assert not errors and len(articles) >= 30
    texts = [a.text for a in articles]
    linter = Linter(default_rules())
    found = [f for batch in batches(texts, len) for f in linter.lint_many(batch)]
    return list(zip(texts, found))


def insert_every(text: str, step: int, piece: str) -> str:
    """`piece` after every `step`-th space: words salted through the article."""
    words = text.split(" ")
    return " ".join(w + piece if i % step == step - 1 else w for i, w in enumerate(words))


# name -> text transformation; each keeps the article's findings (offsets may then point
# at other text, which both implementations read the same way)
VARIANTS: dict[str, Callable[[str], str]] = {
    "as is": lambda t: t,
    "cjk words": lambda t: insert_every(t, 7, " 中国政府 표준 カタカナ"),
    "cyrillic, arabic, greek": lambda t: insert_every(t, 9, " правительство العربية ΟΔΟΣ.Α ΣΟΦΟΣ"),
    "accented latin": lambda t: insert_every(t, 5, " Müller café naïve Øresund İstanbul ﬁnance"),
    "other word letters": lambda t: insert_every(t, 11, " x² ½ Ⅻ ⓐ ǅemal"),
    "hyphenated rare words": lambda t: insert_every(t, 6, " xylo-phonic-ish zzq-abc re-engineered well-nigh-qqq"),
    "contractions": lambda t: insert_every(t, 4, " isn't we’ll O’Neill don’t rock'n'roll qzx’s"),
    "case": lambda t: t.upper() + " " + t.lower() + " " + t.title(),
    "run-on": lambda t: re.sub(r"[.;!?]\s+", ", ", t),
    "semicolons and line breaks": lambda t: t.replace(", ", ";").replace(". ", ".\n \n").replace(" a ", "\r\na "),
    "quotes after stops": lambda t: t.replace(". ", ".” ").replace(", ", ".') ").replace(" the ", "!’\u00a0the "),
    "stops without space": lambda t: t.replace(". ", ".").replace(" and ", "?and ").replace(" of ", ".'of "),
    "unicode spaces": lambda t: t.replace(" ", "\u2028", 40).replace(" ", "\u3000", 40).replace(" ", "\t\x1c", 40),
    "digits and underscores": lambda t: insert_every(t, 5, " COVID-19 3rd snake_case 2,500 a1b"),
    "short": lambda t: t[:90],
}


@pytest.fixture(scope="module")
def articles() -> list[tuple[str, list[Finding]]]:
    return fixture_articles()


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_quality_of_equals_the_reference_on_fixture_articles(articles: list[tuple[str, list[Finding]]], variant: str) -> None:
    change = VARIANTS[variant]
    for text, findings in articles:
        assert_same_quality(change(text), findings)


@pytest.mark.parametrize("weights", WEIGHTS, ids=["default", "previous", "floor 3.7, run-on 12", "run-on 0"])
def test_quality_of_equals_the_reference_with_other_weights(articles: list[tuple[str, list[Finding]]], weights: Q.Weights) -> None:
    for text, findings in articles:
        for change in (VARIANTS["as is"], VARIANTS["run-on"], VARIANTS["case"]):
            assert_same_quality(change(text), findings, weights)


@pytest.mark.parametrize(
    "text",
    ["", " ", "\n\n", ";;;", "12 345 6.7", "中文", "。", "a", "The", "the The THE tHe", "x" * 50, "word " * 41 + ".", "Ⅻ"],
)
def test_quality_of_equals_the_reference_on_edge_texts(text: str) -> None:
    for weights in WEIGHTS:
        assert_same_quality(text, [], weights)


def test_results_do_not_depend_on_the_memo(articles: list[tuple[str, list[Finding]]], monkeypatch: pytest.MonkeyPatch) -> None:
    """Cold tables, warm tables and tables so small that they start afresh mid-corpus all agree."""
    texts = [VARIANTS["contractions"](t) for t, _ in articles[:12]]
    warm = [Q.quality_of(t, []) for t in texts]
    monkeypatch.setattr(Q, "_TYPES", Q.TypeTables(limit=1))
    assert [Q.quality_of(t, []) for t in texts] == warm
    monkeypatch.setattr(Q, "_TYPES", Q.TypeTables(limit=300))
    assert [Q.quality_of(t, []) for t in reversed(texts)] == warm[::-1]
    monkeypatch.setattr(Q, "_PART_CACHE", {})
    monkeypatch.setattr(Q, "_PART_CACHE_LIMIT", 5)
    assert Q.garbled_types(["zzqx", "xylophonic"]) == ref_garbled_types(["zzqx", "xylophonic"])
    assert len(Q._PART_CACHE) <= 5


def test_public_signals_equal_the_reference(articles: list[tuple[str, list[Finding]]]) -> None:
    for text, _ in articles:
        for variant in ("as is", "contractions", "hyphenated rare words", "cjk words", "semicolons and line breaks"):
            t = VARIANTS[variant](text)
            words = REF_WORD.findall(t)
            bad = ref_garbled_types(set(words))
            assert Q.garbled_types(set(words)) == bad
            for max_words in (40, 15):
                quality = Q.quality_of(t, [], Q.Weights(run_on_words=max_words))
                assert quality.run_on.hex() == ref_run_on_share(t, max_words).hex()
            assert quality.untranslated.hex() == ref_untranslated_share(Counter(words)).hex()


def test_tokens_are_word_matches_and_breaks_fall_where_sentence_end_splits(articles: list[tuple[str, list[Finding]]]) -> None:
    for text, _ in articles:
        for change in VARIANTS.values():
            t = change(text)
            assert list(words_of(Q.tokens(t))) == REF_WORD.findall(t)
            assert sentence_lengths(Q.tokens(t)) == [n for s in REF_SENTENCE_END.split(t) if (n := len(REF_WORD.findall(s)))]


def words_of(token_list: list[str]) -> Iterator[str]:
    return (t for t in token_list if t != Q.SENTENCE_BREAK)


def sentence_lengths(token_list: list[str]) -> list[int]:
    """Words per sentence of a `tokens` list, empty sentences left out."""
    lengths, n = [], 0
    for token in [*token_list, Q.SENTENCE_BREAK]:
        if token == Q.SENTENCE_BREAK:
            if n:
                lengths.append(n)
            n = 0
        else:
            n += 1
    return lengths


# Random text from the pieces that decide tokens and sentence breaks.
PIECES = st.sampled_from(
    [
        "the", "The", "THE", "word", "words", "a", "zzqx", "xylo-phonic", "isn't", "we’ll", "O’Neill", "re-", "-", "'", "’",
        "”", "“", "\"", ")", "]", "(", ".", "!", "?", ";", ":", ",", "...", " ", "  ", "\n", "\r\n", "\t", "\u00a0", "\u2028",
        "\x1c", "中文", "ΟΔΟΣ", "Σ", "правда", "é", "İ", "ﬁ", "²", "Ⅻ", "_", "3", "x2", "e\u0301",
    ]
)
RANDOM_TEXT = st.lists(st.one_of(PIECES, st.text(max_size=6)), max_size=80).map("".join)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(RANDOM_TEXT, st.integers(min_value=0, max_value=6))
def test_quality_of_equals_the_reference_on_random_text(text: str, run_on_words: int) -> None:
    assert_same_quality(text, [], replace(Q.DEFAULT_WEIGHTS, run_on_words=run_on_words))
