"""Detector kinds for text artefacts: behaviour beyond the rule examples, and speed."""

from __future__ import annotations

import time

import pytest

from qc.fix import fix_text
from qc.lint.engine import Linter
from qc.lint.packs import default_rules

RULES = {r.id: r for r in default_rules()}


def lint(rule_id: str, text: str):
    return Linter([RULES[rule_id]]).lint(text)


@pytest.mark.parametrize(
    ("word", "article"),
    [
        ("hour", "an"), ("honest", "an"), ("university", "a"), ("unusual", "an"), ("uninformed", "an"),
        ("European", "a"), ("one-off", "a"), ("NGO", "an"), ("FBI", "an"), ("UN", "a"), ("NATO", "a"),
        ("SWAT", "a"), ("NCAA", "an"), ("HSBC", "an"), ("8-year-old", "an"), ("11th-hour", "an"),
        ("18", "an"), ("1,500", "a"), ("180", "a"), ("X-ray", "an"), ("U-turn", "a"), ("Utah", "a"),
        ("economic", "an"), ("iPhone", None),
    ],
)
def test_article_by_sound(word: str, article: str | None) -> None:
    assert RULES["MT701"].matcher.sounds.expected_article(word) == article


def test_article_capital_a_is_a_label_mid_sentence() -> None:
    assert lint("MT701", "Everton lead Group A in the table and Plan A is ready.") == []
    assert [f.text for f in lint("MT701", "The talks failed. A economic crisis followed.")] == ["A economic"]


def test_repetition_spans_and_loops() -> None:
    assert [f.text for f in lint("MT501", "the the cat and the dog")] == ["the the"]
    loop = "the University of Bern, " + "Bern, " * 20 + "and the city."
    found = lint("MT503", loop)
    assert len(found) == 1 and found[0].extra == {} and "20" not in found[0].text
    assert fix_text(loop, lambda t: lint("MT503", t), unsafe=True).text == "the University of Bern, and the city."
    assert lint("MT501", loop) == []  # a loop is not reported as many doubles


def test_repetition_is_fast() -> None:
    text = ("The ministry said the talks would resume in March, officials said. " * 3000) + "It was was over."
    linter = Linter([RULES["MT501"], RULES["MT503"]])
    start = time.perf_counter()
    found = linter.lint(text)
    assert time.perf_counter() - start < 1.0
    assert [f.text for f in found if f.rule == "MT501"] == ["was was"]


def test_glued_fragment_skips_abbreviations() -> None:
    text = "U.S. officials met. He brought food etc. and water. Prices rose, e.g. diesel. It ended at 9 a.m. on Monday."
    assert lint("MT502", text) == []
    assert [f.text for f in lint("MT502", "They knew about it. of what was going on. Then")] == ["of what was going on."]


def test_paragraph_end_only_prose() -> None:
    headline = "Putin to welcome Xi in Moscow for state visit in spring, says envoy\n\nThe text follows here."
    assert lint("MT408", headline) == []
    prose = "The talks ended on Monday. Officials said both sides would meet again in the coming weeks to sign the deal\n\nNext."
    assert [f.text for f in lint("MT408", prose)] == ["deal"]


def test_script_fragment_and_glosses() -> None:
    assert [f.text for f in lint("MT302", "stock - 经济观察网 - 专业财经新闻网站")] == ["经济观察网 - 专业财经新闻网站"]
    assert lint("MT302", "Boris Yeltsin (Russian: Бори́с Ельцин) died.") == []


def test_foreign_phrase_skips_names_and_loans() -> None:
    assert lint("MT304", "Le Monde reported from the Place de la Concorde; it was a fait accompli.") == []
    assert lint("MT304", "The minister called it une affaire très sérieuse before leaving.")


def test_mojibake_and_entities_fixed_safely() -> None:
    text = "Russiaâ€™s cafÃ© and AT&amp;T"
    linter = Linter([RULES["MT604"], RULES["MT605"]])
    assert fix_text(text, linter.lint).text == "Russia’s café and AT&T"


def test_false_friend_collocations_need_their_object() -> None:
    assert lint("MT211", "The actual president resigned.")
    assert lint("MT211", "The actual number is higher.") == []
    assert lint("MT211", "She realized the project would fail.") == []
    assert lint("MT211", "They realised the project on time.")
