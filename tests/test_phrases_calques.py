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
        ("Russian law-protection organs detained him.", "Russian law enforcement agencies detained him."),
        ("Xi made important instructions on flood control.", "Xi gave important instructions on flood control."),
        ("The minister assisted to the ceremony on Sunday.", "The minister attended the ceremony on Sunday."),
    ],
)
def test_the_issue_examples_are_caught(text: str, expected: str | None) -> None:
    findings = [f for f in LINTER.lint(text) if f.rule in ("MT211", "MT212")]
    assert findings, text
    if expected is not None:
        assert fix_text(text, LINTER.lint, unsafe=True).text == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "put" may be base, past or participle: the words before it decide.
        ("Last year the audit put in evidence the risks.", "Last year the audit highlighted the risks."),
        ("The audit has already put in evidence the risks.", "The audit has already highlighted the risks."),
        ("The risks were put in evidence by the audit.", "The risks were highlighted by the audit."),
        ("The audit will put in evidence the risks.", "The audit will highlight the risks."),
        ("The audit did not put in evidence the risks.", "The audit did not highlight the risks."),
        ("It was done. Put in evidence the risks, he said.", "It was done. Highlight the risks, he said."),
        ("The U.S. put in evidence the risks.", "The U.S. highlighted the risks."),
        ("The audit has now repeatedly put in evidence the risks.", "The audit has now repeatedly highlighted the risks."),
        ("The needs were not fully taken in count.", "The needs were not fully taken into account."),
        ("The audit is putting in evidence the risks.", "The audit is highlighting the risks."),
        # One form only: the rendering's own tells it; "oneself" takes the rendering's pronoun.
        ("The plan took in count the needs of farmers.", "The plan took into account the needs of farmers."),
        ("The young coach did his evidences in Spain.", "The young coach proved himself in Spain."),
    ],
)
def test_verbal_calques_are_fixed_in_the_tense_of_the_sentence(text: str, expected: str) -> None:
    assert fix_text(text, LINTER.lint, unsafe=True).text == expected


def test_the_longest_calque_wins() -> None:
    text = "It came as a lightning from cheerful sky, he said."
    findings = [f for f in LINTER.lint(text) if f.rule == "MT212"]
    assert [f.text for f in findings] == ["as a lightning from cheerful sky"]
    assert fix_text(text, LINTER.lint, unsafe=True).text == "It came bolt out of the blue, he said."
    assert [f.text for f in LINTER.lint("It came from cheerful sky.") if f.rule == "MT212"] == ["from cheerful sky"]


def test_inflect_needs_its_verb_forms(tmp_path: Path) -> None:
    (tmp_path / "calques.tsv").write_text("fr\tput in evidence\thighlight\tmettre en évidence\n", encoding="utf-8")
    (tmp_path / "context.yaml").write_text("participle: [has]\n", encoding="utf-8")
    pack = tmp_path / "pack.yaml"
    pack.write_text(
        "pack: t\nlanguage: en\nrules:\n  - id: XX901\n    name: x\n    kind: calque_term\n    data: calques.tsv\n"
        "    inflect: context.yaml\n    category: garble\n    severity: warning\n    message: m\n",
        encoding="utf-8",
    )
    with pytest.raises(RulePackError, match="verb_forms"):
        load_pack(pack)


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
