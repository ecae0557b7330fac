"""Property tests: arbitrary Unicode through the scanner and the fixer never breaks an invariant."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qc.config import Config
from qc.corpus import load_file
from qc.fix import MAX_FIX_ROUNDS, apply_edits, fix_text, select_fixes
from qc.lint.engine import default_linter
from qc.scan import ScanOptions, Scanner, active_rules

# Text that looks like news, salted with what breaks naive code: combining marks, RTL,
# emoji, NUL, CR/CRLF, lone surrogates, quotes, dots, and words the rules care about.
PIECES = st.sampled_from(
    [
        "the", "The", "statement.", "a", "economic", "RIA News", "Cup Press Agency", "NATO", "the NATO", "vis-à-vis",
        "”", "“", "\"", "'", "«", "»", ". .", "..", " ", "  ", "\n", "\r\n", "\r", "\n\n", "\t", "e\u0301", "\u202e",
        "مرحبا", "Привет", "中文", "😀", "\x00", "\ud800", "JThe", "date 2023-02-01", "2,5", "1,500", "&amp;", "Ã©",
        "govern-\nment", "Organization of cooperation from Shanghai", "Xi as Xi’s leader", ":", " ;", "?", "!",
    ]
)
NEWSY_TEXT = st.lists(st.one_of(PIECES, st.text(max_size=12)), max_size=60).map("".join)
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@lru_cache(maxsize=1)
def fixing_scanner() -> Scanner:
    options = ScanOptions(diff=True, unsafe_fixes=True)
    return Scanner(active_rules(Config(), options), Config(), options)


def lint(text: str):  # type: ignore[no-untyped-def]
    return default_linter().lint(text)


@FAST
@given(NEWSY_TEXT)
def test_findings_stay_inside_the_text(text: str) -> None:
    for finding in lint(text):
        assert 0 <= finding.start <= finding.end <= len(text)
        assert finding.text == text[finding.start : finding.end]
        if finding.fix is not None:
            for edit in finding.fix.edits:
                assert 0 <= edit.start <= edit.end <= len(text)


@FAST
@given(NEWSY_TEXT)
def test_one_round_of_fixes_changes_only_the_fixed_spans(text: str) -> None:
    fixes = select_fixes(lint(text), unsafe=True)
    edits = sorted((e for fix in fixes for e in fix.edits), key=lambda e: e.start)
    fixed = apply_edits(text, edits)
    # Walk both texts: everything between edits is copied unchanged.
    cursor_old = cursor_new = 0
    for edit in edits:
        gap = text[cursor_old : edit.start]
        assert fixed[cursor_new : cursor_new + len(gap)] == gap
        cursor_new += len(gap) + len(edit.replacement)
        cursor_old = edit.end
    assert fixed[cursor_new:] == text[cursor_old:]


@FAST
@given(NEWSY_TEXT, st.booleans())
def test_fixing_is_idempotent(text: str, unsafe: bool) -> None:
    once = fix_text(text, lint, unsafe=unsafe)
    if once.rounds < MAX_FIX_ROUNDS:  # converged: a second run must change nothing
        twice = fix_text(once.text, lint, unsafe=unsafe)
        assert twice.text == once.text


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=400), st.sampled_from([".txt", ".md", ".jsonl"]))
def test_loader_and_scanner_survive_arbitrary_bytes(tmp_path: Path, data: bytes, suffix: str) -> None:
    path = tmp_path / f"input{suffix}"
    path.write_bytes(data)
    scanner = fixing_scanner()
    for item in load_file(path):
        if hasattr(item, "text"):
            outcome = scanner.scan_article(item)  # type: ignore[arg-type]
            for finding in outcome.findings:
                assert finding.line >= 1 and finding.column >= 1
        else:
            assert item.describe().startswith(str(path.name)) or path.name in item.describe()  # type: ignore[union-attr]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(NEWSY_TEXT)
def test_jsonl_records_with_escapes_and_surrogates(tmp_path: Path, text: str) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_text(json.dumps({"text": text}) + "\n", encoding="ascii")  # \\uXXXX escapes, lone surrogates included
    (article,) = list(load_file(path))
    assert article.text == text  # type: ignore[union-attr]
