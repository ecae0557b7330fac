"""Named entities, organisations, acronyms and pronouns: the kinds behind MT101-MT122, MT251-252."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest

from qc.errors import RulePackError
from qc.lint.engine import Linter
from qc.lint.kinds.calque import blocks, english_inversion
from qc.lint.packs import DEFAULT_RULES_DIR, default_rules, load_rules

MY_RULES = ("MT101", "MT102", "MT111", "MT112", "MT113", "MT121", "MT122", "MT251", "MT252")


@pytest.fixture(scope="module")
def linter() -> Linter:
    return Linter([r for r in default_rules() if r.id in MY_RULES])


def rule_ids(linter: Linter, text: str) -> list[str]:
    return [f.rule for f in linter.lint(text)]


# -- user packs with their own gazetteer ---------------------------------------------------------
USER_PACK = """
rules:
  - id: XX101
    name: my-agencies
    kind: gazetteer
    data: gaz/agencies.yaml
    category: mistranslation/named-entity
    severity: error
    message: "write {replacement}"
    fix: {applicability: safe}
"""

USER_DATA = """
- name: Agencia EFE
  country: Spain
  type: agency
  variants: [EFE]
  literal: [EFE Agency of News, Spanish Agency EFE Press]
  contextual: []
- name: Kyodo News
  country: Japan
  type: agency
  variants: [Kyodo, Kyodo news agency]
  literal: [Common Communications]
"""


def write(tmp_path: Path, pack: str, data: str | None) -> Path:
    (tmp_path / "gaz").mkdir(exist_ok=True)
    if data is not None:
        (tmp_path / "gaz" / "agencies.yaml").write_text(data, encoding="utf-8")
    path = tmp_path / "pack.yaml"
    path.write_text(pack, encoding="utf-8")
    return path


def test_user_pack_reads_data_relative_to_itself(tmp_path: Path) -> None:
    linter = Linter(load_rules([write(tmp_path, USER_PACK, USER_DATA)]))
    found = linter.lint("Common Communications said; EFE Agency of News said; Kyodo said; common communications.")
    assert [f.text for f in found] == ["Common Communications", "EFE Agency of News"]
    assert [f.fix.edits[0].replacement for f in found] == ["Kyodo News", "Agencia EFE"]


def test_missing_data_file_names_the_rule(tmp_path: Path) -> None:
    with pytest.raises(RulePackError) as info:
        load_rules([write(tmp_path, USER_PACK, None)])
    assert "XX101" in str(info.value) and "gazetteer data file not found" in str(info.value)


def test_malformed_data_file_is_a_rule_pack_error(tmp_path: Path) -> None:
    with pytest.raises(RulePackError) as info:
        load_rules([write(tmp_path, USER_PACK, "- country: Spain\n  literal: [x]\n")])
    assert "gazetteer" in str(info.value) and "name" in str(info.value)


# -- the built-in gazetteers ---------------------------------------------------------------
@lru_cache(maxsize=1)
def builtin_agencies():
    rule = next(r for r in default_rules() if r.id == "MT101")
    return rule.matcher.entries


def test_builtin_data_resolves_inside_the_package() -> None:
    rule = next(r for r in default_rules() if r.id == "MT101")
    assert str(rule.pack).startswith("rules")
    assert (DEFAULT_RULES_DIR / "en" / "data" / "agencies.yaml").exists()
    assert len(rule.matcher.entries) > 20


def test_no_correct_media_name_is_flagged(linter: Linter) -> None:
    for entry in builtin_agencies():
        for form in entry.forms:
            text = f"The {entry.country or ''} newspaper {form} reported on Monday, according to {form}."
            found = [f for f in linter.lint(text) if f.rule in ("MT101", "MT102")]
            assert not found, f"{form!r} ({entry.name}) flagged: {[f.text for f in found]}"


def test_every_literal_rendering_is_flagged(linter: Linter) -> None:
    missed = []
    for entry in builtin_agencies():
        for literal in entry.literal:
            if any(literal.lower() in f.lower() for e in builtin_agencies() for f in e.forms):
                continue  # a correct form contains it: deliberately quiet there
            text = f"He told {literal} on Monday."
            if "MT101" not in rule_ids(linter, text):
                missed.append(literal)
    assert not missed


def test_contextual_rendering_needs_press_cue_and_country(linter: Linter) -> None:
    assert "MT102" in rule_ids(linter, "an editorial in the French daily The World argued")
    assert "MT102" not in rule_ids(linter, "the biggest economy in The World, the French said")
    assert "MT102" not in rule_ids(linter, "according to British tabloid The Daily Mirror, the man was from Germany")


# -- calques ---------------------------------------------------------------------------------
def test_block_counting() -> None:
    assert blocks([0, 1, 2]) == 1 and blocks([2, 0, 1]) == 2 and blocks([2, 1, 0]) == 3
    assert english_inversion([0, 2, 1])  # US Department of Commerce
    assert english_inversion([1, 2, 0])  # Security Council of the UN... as B of A
    assert not english_inversion([2, 1, 0])
    assert not english_inversion([3, 2, 0, 1])


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("the Organization of cooperation from Shanghai met", "MT121"),
        ("the Council of Security of the United Nations voted", "MT121"),
        ("the Organisation of the Treaty of the North Atlantic", "MT121"),
        ("the ministry spokesman of Foreign Affairs said", "MT122"),
        ("Communist Party of China (CCP)", "MT111"),
        ("the World Health Organization (OMS) said", "MT111"),
        ("Turkey joined OTAN in 1952.", "MT112"),
        ("alliances like the NATO.", "MT113"),
        ("re-elect Xi as Xi's leader", "MT251"),
    ],
)
def test_artefact_classes_are_flagged(linter: Linter, text: str, rule: str) -> None:
    assert rule in rule_ids(linter, text)


@pytest.mark.parametrize(
    "text",
    [
        "The U.S. said Mr. Smith had had enough; 1,500 troops went.",
        "Le Monde reported that the NATO summit would open.",
        "the NATO-led force and the NATO allies",
        "the Ministry of Foreign Affairs said",
        "the US Department of Commerce said",
        "the Turkish Ministry of Foreign Affairs said",
        "the Security Council of the United Nations voted",
        "the Shanghai Cooperation Organization (SCO) summit",
        "the Chinese Communist Party (CCP) said",
        "the Revolutionary Armed Forces of Colombia (FARC)",
        "Johnson and Johnson's vaccine",
        "the RIA news agency said, according to TASS and Agence France-Presse.",
        "data from the NASA's Hubble telescope",
    ],
)
def test_legitimate_look_alikes_are_quiet(linter: Linter, text: str) -> None:
    assert rule_ids(linter, text) == []
