"""Retired rule codes (a rule's `replaces:`): a configuration, a flag or a suppression
written for an older qc keeps working, read as the successor's code, with a notice; a
retired code is never silently a no-op nor an "unknown code" error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qc.errors import RulePackError
from qc.lint.packs import load_rules
from tests.conftest import run_qc

PACK = """
pack: retired-test
rules:
  - id: RR110
    name: literal-agency
    kind: substitution
    category: mistranslation/named-entity
    severity: error
    message: "write {replacement}"
    case: exact
    terms: {"Cup Press Agency": "TASS"}
    replaces: [RR101, RR102]
    fix: {applicability: safe}
    examples:
      bad: [{text: "told Cup Press Agency.", fix: "told TASS."}]
      good: ["told TASS."]
"""
TEXT = "The Cup Press Agency said so.\n"


@pytest.fixture
def pack(tmp_path: Path) -> Path:
    path = tmp_path / "pack.yaml"
    path.write_text(PACK, encoding="utf-8")
    return path


def scan(pack: Path, article: Path, *args: str, cwd: Path | None = None):  # type: ignore[no-untyped-def]
    return run_qc("scan", "--no-default-rules", "--rules", str(pack), "--no-cache", "--format", "json", str(article), *args, cwd=cwd)


def rules_found(result) -> list[str]:  # type: ignore[no-untyped-def]
    return [f["rule"] for f in json.loads(result.stdout)["findings"]]


def test_selecting_a_retired_code_selects_its_successor(pack: Path, tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text(TEXT, encoding="utf-8")
    result = scan(pack, article, "--select", "rr101")
    assert result.returncode == 1, result.stderr
    assert rules_found(result) == ["RR110"]
    assert "RR101 is retired; rule RR110 now makes its checks" in result.stderr


def test_ignoring_a_retired_code_ignores_its_successor(pack: Path, tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text(TEXT, encoding="utf-8")
    result = scan(pack, article, "--ignore", "RR102")
    assert result.returncode == 0, result.stderr
    assert rules_found(result) == []


def test_retired_code_in_config_per_file_ignores(pack: Path, tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text(TEXT, encoding="utf-8")
    (tmp_path / "qc.toml").write_text('[per-file-ignores]\n"a.txt" = ["RR101"]\n', encoding="utf-8")
    result = scan(pack, article, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert rules_found(result) == []
    assert "RR101 is retired" in result.stderr


def test_suppression_naming_a_retired_code_silences_the_successor(pack: Path, tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text("The Cup Press Agency said so. <!-- qc: ignore RR101 -->\n", encoding="utf-8")
    result = scan(pack, article)
    assert result.returncode == 0, result.stderr
    assert rules_found(result) == []  # no QC002 "names no rule" either


def test_builtin_false_friend_codes_read_as_mt211(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text("The minister assisted to the ceremony on Sunday.\n", encoding="utf-8")
    result = run_qc("scan", "--no-cache", "--format", "json", str(article), "--select", "MT202")
    assert result.returncode == 1, result.stderr
    assert rules_found(result) == ["MT211"]
    shown = run_qc("rule", "MT202")
    assert shown.returncode == 0 and "## MT211" in shown.stdout and "retired" in shown.stderr


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "bad.yaml"
    path.write_text(body, encoding="utf-8")
    return path


def test_a_rule_cannot_replace_a_live_rule(tmp_path: Path) -> None:
    body = PACK.replace("replaces: [RR101, RR102]", "replaces: [RR110]")
    with pytest.raises(RulePackError, match="still a rule"):
        load_rules([write(tmp_path, body)])


def test_two_rules_cannot_replace_one_code(tmp_path: Path) -> None:
    second = PACK.split("rules:\n", 1)[1].replace("RR110", "RR111").replace("literal-agency", "literal-agency-2")
    with pytest.raises(RulePackError, match="already replaces"):
        load_rules([write(tmp_path, PACK + second)])
