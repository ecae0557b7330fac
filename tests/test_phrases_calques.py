"""The calque lexicon and the calque_term kind."""

from __future__ import annotations

from pathlib import Path

import pytest

from qc.errors import RulePackError
from qc.fix import fix_text
from qc.lint.engine import Linter
from qc.lint.kinds.calque_term import load_calques
from qc.lint.packs import load_pack

ROOT = Path(__file__).resolve().parent.parent
TABLE = ROOT / "rules/en/data/phrases/calques.tsv"
RULES = load_pack(ROOT / "rules/en/phrases.yaml")
LINTER = Linter(RULES)


def test_the_table_is_large_covers_seven_languages_and_names_its_licence() -> None:
    entries = load_calques(str(TABLE), TABLE.stat().st_mtime_ns)
    assert len(entries) > 5000
    assert {e.lang for e in entries} == {"fr", "es", "it", "pt", "de", "ru", "zh"}
    head = TABLE.read_text(encoding="utf-8")[:1500]
    assert "CC BY-SA" in head and "wechsel" in head and "CC-CEDICT" in head
    assert all(e.literal == e.literal.lower() and e.literal != e.conventional.lower() for e in entries)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The issue's examples: none of them is typed into a rule or a table by hand.
        ("The study puts in evidence the risks of the plan.", "The study highlights the risks of the plan."),
        ("He will act in the measure where the law allows it.", None),
        ("The cabinet adopted the project of reform of the pensions.", "The cabinet adopted the pension reform bill."),
        ("The President of the Government, Pedro Sánchez, spoke.", "The Prime Minister, Pedro Sánchez, spoke."),
        ("Russian law-protection organs detained him.", "Russian law-protection agencies detained him."),
        ("Xi made important instructions on flood control.", "Xi gave important instructions on flood control."),
        ("The minister assisted to the ceremony on Sunday.", "The minister attended the ceremony on Sunday."),
    ],
)
def test_the_issue_examples_are_caught(text: str, expected: str | None) -> None:
    findings = [f for f in LINTER.lint(text) if f.rule in ("MT211", "MT212")]
    assert findings, text
    if expected is not None:
        assert fix_text(text, LINTER.lint, unsafe=True).text == expected


def test_title_case_names_are_left_alone() -> None:
    assert not [f for f in LINTER.lint("He starred in Put In Evidence, a crime drama.") if f.rule == "MT212"]


def test_a_malformed_table_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.tsv"
    bad.write_text("fr\tonly two\n", encoding="utf-8")
    with pytest.raises(RulePackError, match="4 tab-separated fields"):
        load_calques(str(bad), 1)


def test_an_of_chain_no_dictionary_lists_is_caught() -> None:
    text = "The senate rejected the law of protection of the consumers, officials said."
    [finding] = [f for f in LINTER.lint(text) if f.rule == "MT213"]
    assert finding.fix is not None
    assert fix_text(text, LINTER.lint, unsafe=True).text == "The senate rejected the consumer protection law, officials said."


def test_english_of_terms_and_partitives_are_not_of_chains() -> None:
    for text in ("The number of cases of the disease rose.", "They defended the rule of law of the country.", "the price of tens of thousands of homes"):
        assert not [f for f in LINTER.lint(text) if f.rule == "MT213"], text
