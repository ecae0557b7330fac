"""The name kinds (MT131-MT137): calqued names by meaning and by structure, literal media
names, names transliterated through the wrong language; beyond the rules' own examples."""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path

import pytest
import yaml

from qc.errors import RulePackError
from qc.fix import fix_text
from qc.lint.engine import Linter
from qc.lint.kinds._names import Morphology, name_spans, stem
from qc.lint.packs import load_pack

ROOT = Path(__file__).resolve().parent.parent
PACK = ROOT / "rules" / "en" / "names.yaml"
FIXTURES = ROOT / "fixtures"


@lru_cache(maxsize=1)
def linter() -> Linter:
    return Linter(load_pack(PACK))


def calque_cases() -> list[tuple[str, str, str]]:
    rows = []
    for line in (FIXTURES / "names" / "calques.tsv").read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        rule, text, fixed = line.split("\t")
        rows.append((rule, text, fixed))
    return rows


@pytest.mark.parametrize(("rule", "text", "fixed"), calque_cases())
def test_calqued_and_transliterated_names_are_caught_and_fixed(rule: str, text: str, fixed: str) -> None:
    findings = linter().lint(text)
    assert rule in [f.rule for f in findings], text
    if fixed != "-":
        assert fix_text(text, linter().lint, unsafe=True).text == fixed


def tricky_lines() -> list[str]:
    return [l for l in (FIXTURES / "tricky-names" / "sentences.txt").read_text(encoding="utf-8").splitlines() if l.strip()]


@pytest.mark.parametrize("line", tricky_lines())
def test_tricky_but_correct_english_stays_silent(line: str) -> None:
    assert [(f.rule, f.text) for f in linter().lint(line)] == []


MORPHOLOGY = Morphology.from_data(
    yaml.safe_load((Path(__file__).resolve().parent.parent / "rules/en/data/names/curated/structure.yaml").read_text(encoding="utf-8"))["morphology"],
    yaml.safe_load((Path(__file__).resolve().parent.parent / "rules/en/data/spellings.yaml").read_text(encoding="utf-8")),
)


@pytest.mark.parametrize(
    ("a", "b"),
    [("Meteorology", "Meteorological"), ("Agriculture", "Agricultural"), ("Organisation", "Organization"), ("Organizations", "Organization"), ("Defence", "Defense"), ("Programmes", "Program"), ("Centre", "Center")],
)
def test_stems_fold_inflection_derivation_and_spelling(a: str, b: str) -> None:
    assert stem(a.lower(), MORPHOLOGY) == stem(b.lower(), MORPHOLOGY)


def test_different_words_keep_different_stems() -> None:
    assert stem("trade", MORPHOLOGY) != stem("commerce", MORPHOLOGY)
    assert stem("bank", MORPHOLOGY) != stem("bench", MORPHOLOGY)


def test_a_suffix_added_to_the_data_folds_without_python() -> None:
    extended = Morphology(MORPHOLOGY.respellings, ("ship", *MORPHOLOGY.suffixes), MORPHOLOGY.min_stem, MORPHOLOGY.word_starts)
    assert stem("partnership", MORPHOLOGY) != stem("partner", MORPHOLOGY)
    assert stem("partnership", extended) == stem("partner", extended)


def test_name_spans_join_function_words_and_stop_at_punctuation() -> None:
    text = "Judges at the Court Penal International, said the Bank of Japan."
    spans = [" ".join(t.text for t in span) for span in name_spans(text)]
    assert "the Court Penal International" in spans
    assert "the Bank of Japan" in spans
    assert not any("International said" in s for s in spans)


def test_translation_folding_is_what_finds_trade_for_commerce() -> None:
    # Without the bilingual link the bag {world, organization, commerce} names nothing.
    findings = [f for f in linter().lint("The World Organization of Commerce met.") if f.rule == "MT131"]
    assert findings and findings[0].fix is not None
    assert findings[0].fix.edits[0].replacement == "The World Trade Organization"


def test_a_loose_match_of_a_national_body_needs_its_country_named() -> None:
    bare = [f for f in linter().lint("the Court Supreme of Justice ruled") if f.rule == "MT131"]
    assert bare and bare[0].fix is None
    placed = [f for f in linter().lint("In Mexico, the Court Supreme of Justice ruled") if f.rule == "MT131"]
    assert placed and placed[0].fix is not None


def test_media_rendering_shared_by_outlets_is_fixed_by_the_sentence_country() -> None:
    assert fix_text("the Spanish daily The World said", linter().lint, unsafe=True).text == "the Spanish daily El Mundo said"
    assert fix_text("the German daily The World said", linter().lint, unsafe=True).text == "the German daily Die Welt said"


def test_pinyin_reading_needs_a_korean_japanese_or_vietnamese_context() -> None:
    assert not [f for f in linter().lint("Yin Xiyue spoke in Beijing.") if f.rule == "MT135"]
    assert [f for f in linter().lint("Yin Xiyue spoke in Seoul.") if f.rule == "MT135"]


def test_structural_outlet_cue_spares_english_outlets_and_descriptions() -> None:
    hits = lambda t: [f for f in linter().lint(t) if f.rule == "MT134"]  # noqa: E731
    assert hits("the Bright Future newspaper reported")
    assert not hits("the Truth newspaper reported")  # a table rendering (Pravda): MT133 reports it
    assert not hits("the Guardian newspaper reported")
    assert not hits("the Russian newspaper reported")


def test_a_missing_name_table_is_a_clear_pack_error(tmp_path: Path) -> None:
    pack = tmp_path / "p.yaml"
    pack.write_text(
        "rules:\n  - id: XX901\n    name: x\n    kind: transliteration\n    check: spelling-table\n    table: nowhere.tsv\n"
        "    category: untranslated\n    severity: warning\n    message: m\n",
        encoding="utf-8",
    )
    with pytest.raises(RulePackError, match="nowhere.tsv"):
        load_pack(pack)


def test_a_ragged_name_table_is_a_clear_pack_error(tmp_path: Path) -> None:
    (tmp_path / "t.tsv").write_text("spelling\tenglish\nPoutine\tPutin\textra\n", encoding="utf-8")
    pack = tmp_path / "p.yaml"
    pack.write_text(
        "rules:\n  - id: XX901\n    name: x\n    kind: transliteration\n    check: spelling-table\n    table: t.tsv\n"
        "    category: untranslated\n    severity: warning\n    message: m\n",
        encoding="utf-8",
    )
    with pytest.raises(RulePackError, match="row 2"):
        load_pack(pack)


def load_build_script():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("build_names", ROOT / "scripts" / "build_names.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(("english", "lang", "foreign"), [("Putin", "fr", "Poutine"), ("Zelensky", "de", "Selenskyj"), ("Lavrov", "de", "Lawrow"), ("Brezhnev", "fr", "Brejnev")])
def test_russian_transliteration_rules(english: str, lang: str, foreign: str) -> None:
    build = load_build_script()
    table = build.FRENCH if lang == "fr" else build.GERMAN
    assert build.transliterate(english, table, lang == "de") == foreign


def test_cedict_pinyin_is_grouped_as_mt_writes_names() -> None:
    build = load_build_script()
    assert build.pinyin_name("An1 bei4 Jin4 san1") == "Anbei Jinsan"
    assert build.pinyin_name("Yin3 Xi1 yue4") == "Yin Xiyue"


def test_data_paths_are_absolute_when_the_pack_is_named_relative(tmp_path, monkeypatch) -> None:
    """Compiled rules are cached and reused from other folders: a data path taken relative to
    the folder a pack was loaded from would not be found there (seen in CI)."""
    from pathlib import Path as P
    from types import SimpleNamespace

    from qc.lint.kinds._names import data_path

    (tmp_path / "house").mkdir()
    (tmp_path / "house" / "pack.yaml").write_text("", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    path = data_path(SimpleNamespace(pack="house/pack.yaml"), "data/table.tsv")
    assert path.is_absolute() and path == tmp_path / "house" / "data" / "table.tsv"
    assert P(data_path(SimpleNamespace(pack=None), "data/x.tsv")).is_absolute()


def test_at_one_start_the_fix_of_the_whole_name_wins_over_a_piece_of_it() -> None:
    from qc.finding import Edit, Finding, Fix
    from qc.fix import select_fixes

    def finding(rule: str, start: int, end: int, replacement: str) -> Finding:
        fix = Fix((Edit(start, end, replacement),), "unsafe", "write it")
        return Finding(rule=rule, name=rule, category="c", severity="warning", message="m", start=start, end=end, text="", fix=fix)

    piece = finding("MT121", 11, 45, "United Nations Organization")
    whole = finding("MT131", 11, 78, "Food and Agriculture Organization of the United Nations")
    chosen = select_fixes([piece, whole], unsafe=True)
    assert [f.edits[0].replacement for f in chosen] == ["Food and Agriculture Organization of the United Nations"]


def test_a_rendering_that_is_an_english_outlets_name_needs_the_outlets_country_nearest() -> None:
    hits = lambda t: [f for f in linter().lint(t) if f.rule == "MT133"]  # noqa: E731
    assert fix_text("the Austrian daily the Standard reported", linter().lint, unsafe=True).text == "the Austrian daily Der Standard reported"
    assert not hits("According to the Standard newspaper, the Kenyan president resigned.")
    assert not hits("according to British tabloid The Daily Mirror, the man was from Germany")
    assert not hits("Fox News reported that the German envoy left.")


def test_a_shared_rendering_is_resolved_by_a_city_the_text_names() -> None:
    text = "According to the World newspaper, the minister resigned. Protests followed in Madrid."
    assert "El Mundo" in fix_text(text, linter().lint, unsafe=True).text
