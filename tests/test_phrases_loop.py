"""The loop kind: looping clauses, repeated sentences, invented boilerplate."""

from __future__ import annotations

from pathlib import Path

from qc.fix import fix_text
from qc.lint.engine import Linter
from qc.lint.kinds.loop import find_loops
from qc.lint.packs import load_pack

ROOT = Path(__file__).resolve().parent.parent
RULES = {r.id: r for pack in ("phrases", "duplication") for r in load_pack(ROOT / f"rules/en/{pack}.yaml")}


def lint(rule: str, text: str) -> list:
    return Linter([RULES[rule]]).lint(text)


def test_a_long_clause_loop_is_found_with_its_copies() -> None:
    unit = "the Chinese bank's financial products"
    text = "The two remaining products are the only one of " + ", ".join([unit] * 9) + ", the third level."
    [loop] = list(find_loops(text, 0, len(text), 4, 60))
    assert loop.copies == 9 and loop.unit == unit.lower() and loop.exact


def test_the_safe_fix_keeps_one_copy() -> None:
    text = "Officials warned that the plan would fail by the end, the plan would fail by the end, the plan would fail by the end, and left."
    [finding] = lint("MT513", text)
    assert finding.fix is not None and finding.fix.applicability == "safe"
    assert fix_text(text, lambda t: lint("MT513", t)).text == "Officials warned that the plan would fail by the end, and left."


def test_copies_written_differently_get_an_unsafe_fix() -> None:
    text = "It said the plan would fail soon. it said The plan would fail soon; It said the plan would fail soon, and left."
    [finding] = lint("MT513", text)
    assert finding.fix is not None and finding.fix.applicability == "unsafe"


def test_short_units_are_left_to_mt503() -> None:
    text = "Officials warned that the plan would fail, the plan would fail, the plan would fail, and left."
    assert not lint("MT513", text)
    assert lint("MT503", text)
    assert not lint("MT503", "The slogan was jobs for the young, jobs for the young, jobs for the young.")


def test_two_copies_or_anaphora_are_not_a_loop() -> None:
    assert not lint("MT513", "He said the plan would fail, he said the plan would fail.")
    assert not lint("MT513", "I have a dream that one day this nation will rise. I have a dream that one day my children will live free. I have a dream that one day every valley shall be exalted.")


def test_a_loop_does_not_cross_paragraphs() -> None:
    text = "the plan would fail by the end\n\nthe plan would fail by the end\n\nthe plan would fail by the end"
    assert not lint("MT513", text)


def test_repeated_sentence_reports_the_later_copy() -> None:
    sentence = "The central bank raised its key rate by half a point on Thursday."
    text = f"{sentence} Markets fell sharply. {sentence}"
    [finding] = lint("MT514", text)
    assert finding.start == text.rindex(sentence)


def test_boilerplate_lines_only_as_whole_lines() -> None:
    assert lint("MT515", "Shares fell.\nReporter: Li Wei\n")
    assert lint("MT515", "Shares fell.\n© 2023 Xinhua. All rights reserved.\n")
    assert not lint("MT515", "The reporter said shares fell.")
    assert not lint("MT515", "Shares fell, the government has not yet responded to the report, and bonds rose.")
