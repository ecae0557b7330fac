from __future__ import annotations

from pathlib import Path

import pytest

from qc.errors import RulePackError
from qc.finding import Edit, Finding, Fix
from qc.fix import apply_edits, fix_text, select_fixes
from qc.lint.engine import Linter
from qc.lint.examples import cases, check_case
from qc.lint.packs import load_rules


def write_pack(tmp_path: Path, body: str, name: str = "pack.yaml") -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


SUB_PACK = """
rules:
  - id: XX101
    name: colour-words
    kind: substitution
    category: grammar
    severity: warning
    message: "write {replacement}"
    terms:
      colour: color
      "Big Apple": New York
    fix: {applicability: safe}
    examples:
      bad:
        - {text: "The Colour red.", fix: "The Color red."}
      good: ["colourful scenes"]
"""


def test_substitution_is_case_aware_and_word_bounded(tmp_path: Path) -> None:
    rules = load_rules([write_pack(tmp_path, SUB_PACK)])
    linter = Linter(rules)
    found = linter.lint("COLOUR, colour, Colour; colourful; big apple; Big Apple.")
    assert [f.text for f in found] == ["COLOUR", "colour", "Colour", "Big Apple"]
    assert [f.fix.edits[0].replacement for f in found] == ["COLOR", "color", "Color", "New York"]


def test_literal_pass_is_shared_across_rules(tmp_path: Path) -> None:
    # Many substitution rules compile into one automaton: adding rules adds no passes.
    body = "rules:\n" + "".join(
        f"""  - id: XX{100 + i}
    name: r{i}
    kind: substitution
    category: grammar
    severity: info
    message: m
    terms: {{"word{i}": "w{i}"}}
"""
        for i in range(50)
    )
    linter = Linter(load_rules([write_pack(tmp_path, body)]))
    literal_pass = linter.literal_pass
    assert literal_pass.automaton is not None and len(literal_pass.entries) == 50  # one phrase each, one automaton
    assert [f.rule for f in linter.lint("word3 and word49")] == ["XX103", "XX149"]


@pytest.mark.parametrize(
    ("body", "line", "reason"),
    [
        ("rules:\n  - id: XX1\n    name: a\n", 2, "rule"),
        ("rules:\n  - id: XX101\n    name: a\n    kind: nope\n    category: grammar\n    severity: info\n    message: m\n", 4, "unknown kind"),
        ("rules:\n  - id: XX101\n    name: a\n    kind: pattern\n    category: grammar\n    severity: info\n    message: m\n    pattern: '(unclosed'\n", 2, "regex does not compile"),
        ("rules:\n  - id: XX101\n    name: a\n    kind: pattern\n    category: bogus\n    severity: info\n    message: m\n    pattern: x\n", 5, "category"),
        ("rules: [\n", 2, "invalid YAML"),
        ("rules:\n  - !!python/object/apply:os.system ['echo hi']\n", 2, "invalid YAML"),
    ],
)
def test_bad_packs_name_file_line_and_reason(tmp_path: Path, body: str, line: int, reason: str) -> None:
    path = write_pack(tmp_path, body)
    with pytest.raises(RulePackError) as info:
        load_rules([path])
    assert info.value.line == line
    assert reason in info.value.reason
    assert "pack.yaml" in info.value.describe()


def test_duplicate_rule_ids_are_refused(tmp_path: Path) -> None:
    a = write_pack(tmp_path, SUB_PACK, "a.yaml")
    b = write_pack(tmp_path, SUB_PACK, "b.yaml")
    with pytest.raises(RulePackError, match="already defined"):
        load_rules([a, b])


def test_pattern_named_groups_in_fix_and_message(tmp_path: Path) -> None:
    body = """
rules:
  - id: XX201
    name: swap
    kind: pattern
    category: grammar
    severity: info
    message: "swap {a} and {b}"
    pattern: '(?P<a>foo) (?P<b>bar)'
    fix: {applicability: unsafe, replacement: "{b} {a}"}
"""
    (finding,) = Linter(load_rules([write_pack(tmp_path, body)])).lint("x foo bar y")
    assert finding.message == "swap foo and bar"
    assert finding.fix == Fix((Edit(2, 9, "bar foo"),), "unsafe", "")


def test_failing_examples_are_reported(tmp_path: Path) -> None:
    body = SUB_PACK.replace('fix: "The Color red."', 'fix: "The Colour red."').replace('["colourful scenes"]', '["a colour"]')
    problems = [check_case(c) for c in cases(load_rules([write_pack(tmp_path, body)]))]
    assert problems[0] is not None and "fix gave" in problems[0]
    assert problems[1] is not None and "good example flagged" in problems[1]


def finding(start: int, end: int, replacement: str, rule: str = "X1", applicability: str = "safe") -> Finding:
    return Finding(rule, "n", "grammar", "warning", "m", start, end, "", Fix((Edit(start, end, replacement),), applicability))  # type: ignore[arg-type]


def test_overlapping_fixes_resolved_deterministically() -> None:
    text = "abcdefghij"
    fs = [finding(2, 6, "X", "B"), finding(0, 3, "Y", "A"), finding(5, 8, "Z", "C"), finding(8, 9, "W", "D")]
    chosen = select_fixes(fs, unsafe=False)
    assert [f.edits[0].replacement for f in chosen] == ["Y", "Z", "W"]
    assert select_fixes(list(reversed(fs)), unsafe=False) == chosen
    assert apply_edits(text, [e for f in chosen for e in f.edits]) == "YdeZWj"


def test_unsafe_fixes_need_opt_in() -> None:
    fs = [finding(0, 1, "Q", applicability="unsafe")]
    assert select_fixes(fs, unsafe=False) == []
    assert len(select_fixes(fs, unsafe=True)) == 1


def test_fix_loop_converges_and_is_idempotent(tmp_path: Path) -> None:
    rules = load_rules([Path(__file__).parent.parent / "rules"])
    linter = Linter(rules)
    text = "They said in a statement. statement. statement. It was a economic crisis.. Really."
    once = fix_text(text, linter.lint, unsafe=True)
    twice = fix_text(once.text, linter.lint, unsafe=True)
    assert once.text == "They said in a statement. It was an economic crisis. Really."
    assert twice.text == once.text and twice.applied == 0


CATASTROPHIC = """
rules:
  - id: US201
    name: evil
    kind: pattern
    category: grammar
    severity: info
    message: m
    pattern: '(a+)+$'
"""


def test_untrusted_pack_runs_on_linear_time_engine(tmp_path: Path) -> None:
    import time

    linter = Linter(load_rules([write_pack(tmp_path, CATASTROPHIC)]))
    start = time.perf_counter()
    assert linter.lint("a" * 30_000 + "b") == []
    assert time.perf_counter() - start < 2  # Python's re would take longer than the universe's age


def test_untrusted_pack_with_lookaround_is_refused_unless_trusted(tmp_path: Path) -> None:
    path = write_pack(tmp_path, CATASTROPHIC.replace("'(a+)+$'", "'(?<=x)a'"))
    with pytest.raises(RulePackError, match="--trust-rules") as info:
        load_rules([path])
    assert info.value.line == 3 and "invalid perl operator" in info.value.reason
    (rule,) = load_rules([path], trust=True)
    assert [f.text for f in Linter([rule]).lint("xa ya")] == ["a"]


def test_linear_engine_matches_named_groups_and_offsets(tmp_path: Path) -> None:
    body = CATASTROPHIC.replace("'(a+)+$'", "'(?P<w>caf\u00e9) (?P<n>\\d+)'\n    target: n\n    flags: [ignorecase]\n    fix: {applicability: safe, replacement: '#{n}'}")
    (rule,) = load_rules([write_pack(tmp_path, body)])
    (finding,) = Linter([rule]).lint("😀 CAFÉ 42!")
    assert (finding.start, finding.end, finding.text) == (7, 9, "42")
    assert finding.fix is not None and finding.fix.edits[0].replacement == "#42"


# -- knowledge as data: the lists a kind uses come from the rule's data files -------------
SMALL_NUMBER_PACK = """
rules:
  - id: XX301
    name: small-number
    kind: small_number
    data: {data}
    category: grammar
    severity: info
    message: "write {{word}}"
    fix: {{applicability: unsafe}}
"""


def test_a_word_added_to_a_data_file_changes_the_rule_without_python(tmp_path: Path) -> None:
    """small_number's units come from its data file: a unit added there keeps the figure."""
    data = (Path(__file__).resolve().parent.parent / "rules" / "en" / "data" / "small-number.yaml").read_text(encoding="utf-8")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "numbers.yaml").write_text(data, encoding="utf-8")
    linter = Linter(load_rules([write_pack(tmp_path, SMALL_NUMBER_PACK.format(data="data/numbers.yaml"))]))
    assert [f.text for f in linter.lint("They bought 3 bottles of water.")] == ["3"]
    (tmp_path / "data" / "numbers.yaml").write_text(data.replace("units: [\n", "units: [\n  bottles,\n"), encoding="utf-8")
    linter = Linter(load_rules([write_pack(tmp_path, SMALL_NUMBER_PACK.format(data="data/numbers.yaml"))]))
    assert linter.lint("They bought 3 bottles of water.") == []


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (None, "data file not found"),
        ("words: [", "cannot read data file"),
        ("- a list\n", "must hold a mapping"),
        ("words: {1: one}\nunits: [km]\nbefore: [May]\n", "must name the figures 1 to 9"),
        ("words: {1: one, 2: two, 3: three, 4: four, 5: five, 6: six, 7: seven, 8: eight, 9: nine}\nunits: km\nbefore: []\n", "'units' must be a list"),
    ],
)
def test_bad_data_file_is_a_clear_error(tmp_path: Path, content: str | None, reason: str) -> None:
    if content is not None:
        (tmp_path / "numbers.yaml").write_text(content, encoding="utf-8")
    with pytest.raises(RulePackError) as info:
        load_rules([write_pack(tmp_path, SMALL_NUMBER_PACK.format(data="numbers.yaml"))])
    message = str(info.value)
    assert reason in message and ("XX301" in message or "numbers.yaml" in message), message
