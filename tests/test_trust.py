"""Issue 20 (trust): a typo never silences qc, a fix never damages what it does not own,
a failed write is never reported as success. One regression test (or more) per point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from tests.conftest import run_qc as run_any

TEST_PACK = str(FIXTURES / "packs" / "engine-test.yaml")
GARBLED = "The ministry said in a statement. statement. It was a economic crisis.\n"


def run_qc(*args: str, **kwargs):  # type: ignore[no-untyped-def]
    """`qc scan` with the frozen test pack only."""
    if args and args[0] == "scan":
        args = ("scan", "--no-default-rules", "--rules", TEST_PACK, "--no-cache", *args[1:])
    return run_any(*args, **kwargs)


@pytest.fixture
def garbled(tmp_path: Path) -> Path:
    path = tmp_path / "garbled.txt"
    path.write_text(GARBLED, encoding="utf-8")
    return path


# --- 1. unknown rule codes are errors, codes are case-insensitive ----------------------


@pytest.mark.parametrize("flag,code", [("--select", "TT9"), ("--select", "XYZ"), ("--ignore", "TT5X"), ("--extend-select", "Z")])
def test_unknown_code_in_flags_is_an_error(garbled: Path, flag: str, code: str) -> None:
    result = run_qc("scan", str(garbled), flag, code)
    assert result.returncode == 2, result.stdout
    assert f"unknown rule code or prefix '{code}'" in result.stderr
    assert "All checks passed" not in result.stdout


def test_unknown_code_suggests_the_nearest(garbled: Path) -> None:
    result = run_qc("scan", str(garbled), "--select", "TT51")
    assert result.returncode == 2
    assert "did you mean" in result.stderr and "TT501" in result.stderr


def test_codes_are_case_insensitive(garbled: Path) -> None:
    upper = run_qc("scan", str(garbled), "--select", "TT5", "--format", "json")
    lower = run_qc("scan", str(garbled), "--select", "tt5", "--format", "json")
    assert upper.returncode == lower.returncode == 1, lower.stderr
    assert json.loads(upper.stdout)["findings"] == json.loads(lower.stdout)["findings"] != []
    ignored = run_qc("scan", str(garbled), "--ignore", "tt", "--format", "json")
    assert ignored.returncode == 0 and json.loads(ignored.stdout)["findings"] == []


@pytest.mark.parametrize(
    "table",
    ['select = ["XX"]', 'ignore = ["TT9"]', 'extend-select = ["ZZ1"]', '[per-file-ignores]\n"*.txt" = ["TTX"]', '[per-file-ignores]\n"*.txt" = "TT9"'],
)
def test_unknown_code_in_config_is_an_error(garbled: Path, table: str) -> None:
    (garbled.parent / "qc.toml").write_text(table + "\n", encoding="utf-8")
    result = run_qc("scan", str(garbled))
    assert result.returncode == 2, result.stdout
    assert "qc.toml" in result.stderr and "unknown rule code or prefix" in result.stderr


def test_per_file_ignores_accepts_one_code_as_a_string(garbled: Path) -> None:
    """A string used to be iterated character by character: "TT5" ignored T, T and 5."""
    (garbled.parent / "qc.toml").write_text('[per-file-ignores]\n"*.txt" = "tt701"\n', encoding="utf-8")
    data = json.loads(run_qc("scan", str(garbled), "--format", "json").stdout)
    assert {f["rule"] for f in data["findings"]} == {"TT501"}


def test_suppression_with_unknown_or_malformed_code_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text(
        "Para one.\n\n<!-- qc: ignore TT9 -->\nIt was a economic crisis.\n\n<!-- qc: ignore tt-701 -->\nIt was a economic crisis.\n",
        encoding="utf-8",
    )
    data = json.loads(run_qc("scan", str(path), "--format", "json").stdout)
    rules = [(f["rule"], f["line"]) for f in data["findings"]]
    # Neither directive silences anything (a malformed one used to silence every rule), and both are named.
    assert ("TT701", 4) in rules and ("TT701", 7) in rules
    assert ("QC002", 3) in rules and ("QC002", 6) in rules
    ignored = json.loads(run_qc("scan", str(path), "--format", "json", "--ignore", "QC002").stdout)
    assert "QC002" not in {f["rule"] for f in ignored["findings"]}


def test_suppression_codes_are_case_insensitive(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text("<!-- qc: ignore tt701 -->\nIt was a economic crisis.\n", encoding="utf-8")
    result = run_qc("scan", str(path), "--format", "json")
    assert result.returncode == 0, result.stdout
    assert json.loads(result.stdout)["findings"] == []


# --- 3. qc-ignore in front matter -------------------------------------------------------


@pytest.mark.parametrize("value", ["TT701", "tt701", "[TT701]", "TT701, TT501"])
def test_front_matter_ignore_accepts_a_string_or_a_list(tmp_path: Path, value: str) -> None:
    path = tmp_path / "a.md"
    path.write_text(f"---\nqc-ignore: {value}\n---\nIt was a economic crisis.\n", encoding="utf-8")
    result = run_qc("scan", str(path), "--format", "json")
    assert result.returncode == 0, result.stdout
    assert json.loads(result.stdout)["findings"] == []


def test_front_matter_ignore_of_another_type_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text("---\nqc-ignore: 501\n---\nIt was a economic crisis.\n", encoding="utf-8")
    result = run_qc("scan", str(path))
    assert result.returncode == 2
    assert "qc-ignore' must be a rule code or a list of rule codes" in result.stderr


def test_front_matter_ignore_with_unknown_code_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text("---\nqc-ignore: TX701\n---\nIt was a economic crisis.\n", encoding="utf-8")
    data = json.loads(run_qc("scan", str(path), "--format", "json").stdout)
    assert {f["rule"] for f in data["findings"]} == {"TT701", "QC002"}


# --- 4. locating findings is not quadratic ----------------------------------------------


def test_locate_computes_line_starts_once_per_article(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """N lines with N findings: line starts are computed once for the article (O(N)), and each
    finding is placed by bisection (O(log N)), not by recomputing them per finding (O(N^2))."""
    import qc.scan as scanmod
    from qc.config import Config
    from qc.scan import ScanOptions, scan_paths

    lines = 2000
    path = tmp_path / "many.txt"
    path.write_text("It was a economic crisis.\n" * lines, encoding="utf-8")
    scanned: list[int] = []
    real = scanmod.line_starts

    def counting(text: str) -> list[int]:
        scanned.append(len(text))
        return real(text)

    monkeypatch.setattr(scanmod, "line_starts", counting)
    options = ScanOptions(rule_paths=[TEST_PACK], no_default_rules=True)
    result, _ = scan_paths([str(path)], Config(), options)
    assert len(result.findings) == lines
    assert [f.line for f in result.findings] == list(range(1, lines + 1))
    # Characters read to place every finding: the text once, not once per finding.
    assert sum(scanned) <= len(path.read_text(encoding="utf-8"))
