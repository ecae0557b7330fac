"""The group analyser (qc.consensus.checks) and its findings (qc.consensus.findings)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qc.consensus.align import name_key, numbers_in, sentence_units, stem
from qc.consensus.checks import Settings, analyse, same_name, spelling_of
from qc.consensus.findings import group_findings
from qc.lint.packs import default_rules

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "consensus"
EARTHQUAKE = FIXTURES / "earthquake-10-systems.jsonl"

# four versions of one short report, worded freely, agreeing on every fact (written for qc)
BASE: list[str] = json.loads((FIXTURES / "phones-4-versions.json").read_text(encoding="utf-8"))


def consensus_rules() -> list:
    return [r for r in default_rules() if r.kind == "consensus"]


def checks_of(texts: list[str]) -> list[tuple[int, str, str, str | None]]:
    return sorted((i.member, i.check, i.found, i.expected) for i in analyse(texts))


def test_agreeing_versions_and_free_wording_are_silent() -> None:
    assert checks_of(BASE) == []


def test_fewer_than_three_versions_are_never_judged() -> None:
    wrong = BASE[0].replace("35 million", "3.5 million")
    assert analyse([wrong, BASE[1]]) == []
    assert all(not found for found in group_findings([wrong, BASE[1]], ["a", "b"], consensus_rules()))


def test_a_divergent_number_is_flagged_with_the_majority_form() -> None:
    texts = [BASE[0].replace("35 million", "3.5 million"), *BASE[1:]]
    assert (0, "divergent-number", "3.5 million", "35 million") in checks_of(texts)
    assert [c for c in checks_of(texts) if c[0] != 0] == []


def test_numbers_compare_like_with_like() -> None:
    # "nine years" in the majority, "9 months" here: a different unit, not a divergent number
    texts = [BASE[0].replace("after nine years", "after 9 months"), *BASE[1:]]
    assert not [c for c in checks_of(texts) if c[1] == "divergent-number"]
    found = {(n.text, n.unit, n.role) for n in numbers_in("On February 10, 12% of the 3,000 homes, built in 2019, sold.")}
    assert ("10", "date:february", "date") in found and ("12%", "%", "count") in found
    assert ("2019", "year", "year") in found and ("3,000", "hom", "count") in found


def test_a_divergent_name_is_flagged_and_a_word_form_is_not() -> None:
    texts = [BASE[0].replace("Maria Lindqvist", "Maria Lindkvist"), *BASE[1:]]
    assert (0, "divergent-name", "Maria Lindkvist", "Maria Lindqvist") in checks_of(texts)
    assert not spelling_of("taiwan", "taiwanese", Settings())
    assert not spelling_of("caiqi", "cai qi", Settings())
    assert same_name("xi", "xi jinping") and not same_name("international red cross committee", "international committee of the red cross")


def test_a_canonical_minority_spelling_wins_over_the_majority() -> None:
    rule = next(r for r in consensus_rules() if r.matcher.check_name == "divergent-name")
    texts = [
        "Teams from the International Committee of the Red Cross reached the town on Friday after the storm.",
        "Teams from the International Red Cross Committee reached the town on Friday after the storm.",
        "Teams of the International Red Cross Committee reached the town on Friday after the storm.",
        "On Friday teams from the International Red Cross Committee reached the town after the storm.",
    ]
    found = group_findings(texts, ["v1", "v2", "v3", "v4"], [rule])
    assert found[0] == []  # the listed form is never flagged
    assert all(f and f[0].fix and f[0].fix.edits[0].replacement == "International Committee of the Red Cross" for f in found[1:])
    assert [r["path"] for r in found[1][0].related] == ["v1"]


def test_an_invented_sentence_is_unsupported() -> None:
    texts = [BASE[0] + " Please like and subscribe to our channel for more exciting videos every day.", *BASE[1:]]
    assert (0, "unsupported", "Please like and subscribe to our channel for more exciting videos every day.", None) in checks_of(texts)


def test_a_dropped_sentence_is_an_omission_at_its_place() -> None:
    first, second, _third = sentence_units(BASE[0])
    dropped = BASE[0][: second.start] + BASE[0][second.end + 1 :]
    issues = [i for i in analyse([dropped, *BASE[1:]]) if i.check == "omission"]
    assert [(i.member, i.found) for i in issues] == [(0, first.text)]
    assert "Lindqvist" in issues[0].detail and len(issues[0].supporters) == 3


def test_findings_carry_rule_message_fix_and_related_places() -> None:
    texts = [BASE[0].replace("35 million", "3.5 million"), *BASE[1:]]
    found = group_findings(texts, ["a.txt", "b.txt", "c.txt", "d.txt"], consensus_rules())
    number = next(f for f in found[0] if f.rule == "CN102")
    assert number.text == "3.5 million" and number.severity == "warning" and number.category == "consensus"
    assert "3 of the 3 other versions say “35 million”" in number.message and "b.txt" in number.message
    assert number.fix is not None and number.fix.applicability == "unsafe"
    assert {r["path"] for r in number.related} == {"b.txt", "c.txt", "d.txt"}
    assert all(texts[1 + k][r["start"] : r["end"]] == "35 million" for k, r in enumerate(number.related))
    assert number.to_dict()["related"] == number.related
    assert found[1:] == [[], [], []]
    from dataclasses import replace

    assert "related" not in replace(number, related=[]).to_dict()  # single-text findings keep the v1 shape


def test_stems_and_keys() -> None:
    assert stem("holding") == stem("holds") == "hold"
    assert stem("rescued") == stem("rescue")
    assert name_key("Xi'an-based  CO.") == "xi an based co"


@pytest.mark.skipif(not EARTHQUAKE.exists(), reason="fixture missing")
def test_ten_mt_systems_of_one_story() -> None:
    """Ten MT systems of one MQM story: the two misspelt town names, nothing else; both are
    inside spans the MQM raters marked."""
    records = [json.loads(line) for line in EARTHQUAKE.read_text(encoding="utf-8").splitlines()]
    issues = analyse([r["text"] for r in records])
    found = sorted((records[i.member]["system"], i.check, i.found, i.expected) for i in issues)
    assert found == [
        ("ONLINE-M", "divergent-name", "Ghazi-antap", "Gaziantep"),
        ("ONLINE-W", "divergent-name", "Nourdai", "Nurdai"),
    ]
    for i in issues:
        spans = [(e["start"], e["end"]) for e in records[i.member]["errors"]]
        assert any(s < i.end and i.start < e for s, e in spans)
