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


# --- 2. a failed write is not reported as success ----------------------------------------

FIXABLE = "It it was a economic matter.\n"  # two safe fixes in the test pack: TT501, TT701
FIXED = "It was an economic matter.\n"


def invoke_scan(*args: str) -> tuple[int, str]:
    """`qc scan` in this process (so a test can fake a fault), with the frozen test pack."""
    from click.testing import CliRunner

    from qc.cli import cli

    result = CliRunner().invoke(cli, ["scan", "--no-default-rules", "--rules", TEST_PACK, "--no-cache", *args])
    return result.exit_code, result.output


def test_failed_write_is_not_counted_as_fixed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import qc.fix

    path = tmp_path / "a.txt"
    path.write_text(FIXABLE, encoding="utf-8")

    def refuse(*_args: object) -> bool:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(qc.fix, "locked_rewrite", refuse)
    code, output = invoke_scan(str(path), "--fix")
    assert code == 2
    assert "cannot write fixed file: Permission denied" in output
    assert "Fixed" not in output and "All checks passed" not in output
    assert "Found 2 findings" in output  # the file still has them
    assert path.read_text(encoding="utf-8") == FIXABLE


def test_file_fixed_by_another_run_is_not_counted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import qc.fix

    path = tmp_path / "a.txt"
    path.write_text(FIXABLE, encoding="utf-8")
    real = qc.fix.open_locked

    def other_run_first(target: Path) -> int:
        target.write_text(FIXED, encoding="utf-8")  # the other run took the lock first
        return real(target)

    monkeypatch.setattr(qc.fix, "open_locked", other_run_first)
    code, output = invoke_scan(str(path), "--fix")
    assert code == 0, output
    assert output.strip() == "All checks passed!"  # no "Fixed 2": this run wrote nothing
    assert path.read_text(encoding="utf-8") == FIXED


def test_concurrent_fix_runs_count_each_fix_once(tmp_path: Path) -> None:
    import re
    import subprocess
    import sys

    from tests.conftest import ROOT

    files = 150
    for i in range(files):
        (tmp_path / f"{i:03}.txt").write_text(FIXABLE, encoding="utf-8")
    command = [sys.executable, "-m", "qc", "scan", "--no-default-rules", "--rules", TEST_PACK, "--no-cache", "-j1", "--fix", str(tmp_path)]
    runs = [subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [run.communicate(timeout=300) for run in runs]
    fixed = [int(m.group(1)) if (m := re.search(r"Fixed (\d+)", out)) else 0 for out, _err in outputs]
    assert sum(fixed) == 2 * files, outputs
    assert all((tmp_path / f"{i:03}.txt").read_text(encoding="utf-8") == FIXED for i in range(files))


# --- 5. --fix keeps owner, group, mode and hard links; read-only files are refused --------


@pytest.mark.skipif(not hasattr(__import__("os"), "geteuid") or __import__("os").geteuid() != 0, reason="chown needs root")
def test_fix_keeps_owner_group_and_mode(tmp_path: Path) -> None:
    import os

    path = tmp_path / "a.txt"
    path.write_text(FIXABLE, encoding="utf-8")
    os.chown(path, 1234, 5678)
    os.chmod(path, 0o640)
    code, output = invoke_scan(str(path), "--fix")
    assert code == 0, output
    st = path.stat()
    assert (st.st_uid, st.st_gid, st.st_mode & 0o7777) == (1234, 5678, 0o640)
    assert path.read_text(encoding="utf-8") == FIXED


def test_fix_refuses_read_only_files(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(FIXABLE, encoding="utf-8")
    path.chmod(0o444)
    code, output = invoke_scan(str(path), "--fix")
    assert code == 2
    assert "read-only file (mode 0444); not rewritten" in output
    assert "Fixed" not in output
    assert path.read_text(encoding="utf-8") == FIXABLE and path.stat().st_mode & 0o777 == 0o444


def test_fix_keeps_hard_links(tmp_path: Path) -> None:
    """Like ruff and black, a file with several links is written in place: every name sees the fix."""
    path = tmp_path / "a.txt"
    path.write_text(FIXABLE, encoding="utf-8")
    link = tmp_path / "link.md"
    link.hardlink_to(path)
    code, output = invoke_scan(str(path), "--fix")
    assert code == 0, output
    assert path.stat().st_ino == link.stat().st_ino and path.stat().st_nlink == 2
    assert link.read_text(encoding="utf-8") == FIXED


# --- 6. --fix edits only the bytes of a .jsonl record's text value ------------------------


def test_fix_keeps_every_other_byte_of_a_jsonl_record(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    lines = [
        '{"n":2.50,"big":1e3,"dup":1,"dup":2,"text":"It it was a economic \\u00e9 matter.\\u2028 Caf\\u00e9.","z":"\\u2028"}\r\n',
        '{ "text" : "Café \\ud800 it it was a economic matter. \\"Café\\"\\t" , "id": 1E3, "text2": null }\n',
        '{"id": 0.0, "text": "Nothing to fix here \\u00e9."}',
    ]
    path.write_bytes("".join(lines).encode("utf-8"))
    code, output = invoke_scan(str(path), "--fix")
    assert code == 0, output
    assert path.read_bytes().decode("utf-8") == "".join(
        [
            '{"n":2.50,"big":1e3,"dup":1,"dup":2,"text":"It was an economic \\u00e9 matter.\\u2028 Caf\\u00e9.","z":"\\u2028"}\r\n',
            '{ "text" : "Café \\ud800 it was an economic matter. \\"Café\\"\\t" , "id": 1E3, "text2": null }\n',
            '{"id": 0.0, "text": "Nothing to fix here \\u00e9."}',
        ]
    )


def test_record_edit_reencodes_only_the_changed_stretch() -> None:
    from qc.record_edit import replace_text

    line = '{"text":"a\\u00e9 b\\u2028c","text":"x\\u00e9 y \\ud83d\\ude00 z"}'.encode()
    assert replace_text(line, "xé y 😀 z", "xé Y 😀 z", "f", 1) == b'{"text":"a\\u00e9 b\\u2028c","text":"x\\u00e9 Y \\ud83d\\ude00 z"}'
    # a new non-ASCII character in an all-ASCII value is escaped like the rest of it
    assert replace_text(b'{"text":"caf\\u00e9"}', "café", "cafés\u2028", "f", 1) == b'{"text":"caf\\u00e9s\\u2028"}'
    # in a value written as UTF-8 it is written as UTF-8 (but U+2028 stays escaped)
    assert replace_text('{"text":"café"}'.encode(), "café", "cafés ü\u2028", "f", 1) == '{"text":"cafés ü\\u2028"}'.encode()


# --- 7. --diff applies with git apply and patch, whatever line separators the text holds ---


@pytest.mark.parametrize("separator", ["\u2028", "\x85", "\x0c", "\r", "\u2029", "\x1c"])
def test_diff_applies_with_git_and_patch(tmp_path: Path, separator: str) -> None:
    import shutil
    import subprocess

    if shutil.which("git") is None:
        pytest.skip("git not installed")
    path = tmp_path / "a.txt"
    text = f"Para one{separator}It it was a economic matter.\r\nSecond{separator}a economic line\nno newline it it"
    path.write_bytes(text.encode("utf-8"))
    import sys

    command = [sys.executable, "-m", "qc", "scan", "--no-default-rules", "--rules", TEST_PACK, "--no-cache", "a.txt", "--diff"]
    from tests.conftest import ROOT

    env = {**__import__("os").environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(command, cwd=tmp_path, capture_output=True, env=env)  # bytes: no newline translation
    assert result.returncode == 1, result.stderr
    (tmp_path / "fix.diff").write_bytes(result.stdout)
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    check = subprocess.run(["git", "apply", "--check", "fix.diff"], cwd=tmp_path, capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    if shutil.which("patch"):
        applied = subprocess.run(["patch", "-p1", "-i", "fix.diff"], cwd=tmp_path, capture_output=True, text=True)
        assert applied.returncode == 0, applied.stdout + applied.stderr
        assert path.read_bytes().decode("utf-8") == text.replace("It it", "It").replace("a economic", "an economic").replace("newline it it", "newline it")


# --- 8, 9. --merge: no symlink followed, no silent overwrite, lone surrogates, no partial output


STORY = (
    "The ministry said on Monday that the talks with partners in the region would continue next week, after a long "
    "and difficult round of negotiations over trade and security. Officials declined to give details of the proposals."
)
OTHER = (
    "Heavy rain flooded several villages in the north of the country over the weekend, forcing hundreds of families "
    "to leave their homes, the emergency services said. Roads were closed and schools will stay shut until Wednesday."
)


@pytest.fixture
def copies(tmp_path: Path) -> Path:
    """Two groups of near-copies, as .jsonl records with lone surrogates (\\ud800 escapes)."""
    folder = tmp_path / "in"
    folder.mkdir()
    records = [STORY.replace("trade", "\ud800 trade"), STORY.replace("Monday", "Tuesday").replace("trade", "\ud800 trade"),
               OTHER.replace("rain", "rain \udc80"), OTHER.replace("weekend", "week-end").replace("rain", "rain \udc80")]
    (folder / "feed.jsonl").write_text("".join(json.dumps({"text": r}) + "\n" for r in records), encoding="ascii")
    return folder


def invoke(*args: str) -> tuple[int, str]:
    from click.testing import CliRunner

    from qc.cli import cli

    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def test_merge_refuses_a_non_empty_folder_and_never_follows_a_symlink(copies: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n", encoding="utf-8")
    code, output = invoke("dedup", str(copies), "--merge", str(out))
    assert code == 0 or code == 1, output  # an empty folder is fine
    names = sorted(p.name for p in out.iterdir())
    assert len(names) == 2
    for p in out.iterdir():
        p.unlink()
    (out / names[0]).symlink_to(victim)
    code, output = invoke("dedup", str(copies), "--merge", str(out))
    assert code == 2 and "not empty" in output and "--force" in output
    assert (out / names[0]).is_symlink()
    code, output = invoke("dedup", str(copies), "--merge", str(out), "--force")
    assert code == 1, output
    assert victim.read_text(encoding="utf-8") == "precious\n"
    assert not (out / names[0]).is_symlink() and "qc_merge" in (out / names[0]).read_text(encoding="utf-8")


def test_merge_writes_lone_surrogates_escaped(copies: Path, tmp_path: Path) -> None:
    code, output = invoke("dedup", str(copies), "--merge", str(tmp_path / "out"))
    assert code == 1, output
    texts = [p.read_text(encoding="utf-8") for p in sorted((tmp_path / "out").iterdir())]
    assert "\\ud800 trade" in texts[0] and "rain \\udc80" in texts[1]


def test_failed_merge_leaves_no_partial_files(copies: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import qc.dedup.merge as merge

    real = merge.replace_entry
    calls: list[Path] = []

    def second_fails(path: Path, data: bytes) -> None:
        calls.append(path)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real(path, data)

    monkeypatch.setattr(merge, "replace_entry", second_fails)
    out = tmp_path / "out"
    code, output = invoke("dedup", str(copies), "--merge", str(out))
    assert code == 2 and "No space left on device" in output
    assert list(out.iterdir()) == []


def test_report_survives_lone_surrogates(copies: Path, tmp_path: Path) -> None:
    page = tmp_path / "r.html"
    code, output = invoke("report", str(copies), "-o", str(page))
    assert code == 0, output
    assert "\\ud800 trade" in page.read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", ["text", "json", "jsonl", "sarif", "github", "junit"])
def test_scan_outputs_survive_lone_surrogates(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps({"text": "It was a economic\ud800 crisis. It it \udc80 went on."}) + "\n", encoding="ascii")
    from click.testing import CliRunner

    from qc.cli import cli

    report = tmp_path / f"out.{fmt}"
    result = CliRunner().invoke(cli, ["scan", "--no-default-rules", "--rules", TEST_PACK, "--no-cache", str(path), "--format", fmt, "-o", str(report), "--show-fixes"])
    assert result.exit_code == 1, result.output
    report.read_bytes().decode("utf-8")  # valid UTF-8
    if fmt in ("json", "sarif"):
        json.loads(report.read_text(encoding="utf-8"))


# --- 11. baseline; per-file ignores relative to the config --------------------------------


def test_baseline_hides_recorded_findings_until_their_text_changes(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("It it was a economic matter.\n", encoding="utf-8")
    written = run_qc("scan", "a.txt", "--write-baseline", "qc-baseline.json", cwd=tmp_path)
    assert written.returncode == 0, written.stderr
    assert "wrote 2 findings" in written.stderr
    quiet = run_qc("scan", "a.txt", "--baseline", "qc-baseline.json", cwd=tmp_path)
    assert quiet.returncode == 0 and "All checks passed" in quiet.stdout
    # Lines move (a paragraph added above): still hidden. A new "a economic": reported once.
    path.write_text("A new paragraph.\n\nIt it was a economic matter. Then a economic one.\n", encoding="utf-8")
    moved = run_qc("scan", "a.txt", "--baseline", "qc-baseline.json", "--format", "json", cwd=tmp_path)
    assert [(f["rule"], f["line"], f["column"]) for f in json.loads(moved.stdout)["findings"]] == [("TT701", 3, 35)]
    # The config key does the same, from another working folder (paths are relative to the baseline).
    (tmp_path / "qc.toml").write_text('baseline = "qc-baseline.json"\n', encoding="utf-8")
    path.write_text("It it was a economic matter.\n", encoding="utf-8")
    assert run_qc("scan", str(path)).returncode == 0
    # Edited flagged text: the entry no longer matches.
    path.write_text("It it was a economic issue. It  it.\n", encoding="utf-8")
    assert run_qc("scan", str(path)).returncode == 0
    path.write_text("Is is was a economic matter.\n", encoding="utf-8")
    edited = run_qc("scan", str(path), "--format", "json")
    assert [f["rule"] for f in json.loads(edited.stdout)["findings"]] == ["TT501"]


def test_bad_baseline_is_an_error(tmp_path: Path, garbled: Path) -> None:
    (tmp_path / "b.json").write_text('{"findings": 3}', encoding="utf-8")
    result = run_qc("scan", str(garbled), "--baseline", str(tmp_path / "b.json"))
    assert result.returncode == 2 and "not a qc baseline" in result.stderr
    missing = run_qc("scan", str(garbled), "--baseline", str(tmp_path / "none.json"))
    assert missing.returncode == 2 and "cannot read baseline" in missing.stderr


def test_per_file_ignores_are_relative_to_the_config(tmp_path: Path) -> None:
    (tmp_path / "wire").mkdir()
    (tmp_path / "wire" / "a.txt").write_text("It was a economic matter.\n", encoding="utf-8")
    (tmp_path / "qc.toml").write_text('[per-file-ignores]\n"wire/*.txt" = ["TT7"]\n', encoding="utf-8")
    # scanned from inside wire/: the path is "a.txt" there, the pattern still applies
    assert run_qc("scan", "a.txt", cwd=tmp_path / "wire").returncode == 0
    assert run_qc("scan", "wire/a.txt", cwd=tmp_path).returncode == 0


# --- 12. stdin, .jsonl locations, word diff ------------------------------------------------


def run_stdin(data: bytes, *args: str, cwd: Path | None = None) -> tuple[int, bytes, str]:
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT

    command = [sys.executable, "-m", "qc", "scan", "--no-default-rules", "--rules", TEST_PACK, "--no-cache", *args]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "utf-8"}
    done = subprocess.run(command, input=data, cwd=cwd or ROOT, capture_output=True, env=env, timeout=300)
    return done.returncode, done.stdout, done.stderr.decode("utf-8")


def test_scan_reads_stdin(tmp_path: Path) -> None:
    code, out, err = run_stdin(FIXABLE.encode(), "-")
    assert code == 1, err
    assert out.decode().splitlines()[:2] == ["-:1:1: TT501 [warning] “It” is repeated [*]", "-:1:11: TT701 [warning] use an before economic [*]"]
    code, out, err = run_stdin(FIXABLE.encode(), "-", "--stdin-filename", "wire/a.txt", "--diff")
    assert code == 1 and out.decode().startswith("--- a/wire/a.txt\n+++ b/wire/a.txt\n")
    # --fix: the fixed text on stdout (as ruff), the report on stderr; nothing is written.
    code, out, err = run_stdin(FIXABLE.encode(), "-", "--stdin-filename", "a.txt", "--fix", cwd=tmp_path)
    assert code == 0 and out == FIXED.encode() and "Fixed 2" in err
    assert list(tmp_path.iterdir()) == []
    # the name's suffix says how to read it; per-file-ignores apply to the name
    code, out, err = run_stdin(b'{"text": "It was a economic matter."}\n', "-", "--stdin-filename", "feed.jsonl", "--format", "json")
    assert code == 1 and json.loads(out)["findings"][0]["path"] == "feed.jsonl:1"
    (tmp_path / "qc.toml").write_text('exclude = ["drafts"]\n[per-file-ignores]\n"wire/*" = ["TT"]\n', encoding="utf-8")
    assert run_stdin(FIXABLE.encode(), "-", "--stdin-filename", "wire/a.txt", cwd=tmp_path)[0] == 0
    assert run_stdin(FIXABLE.encode(), "-", "--stdin-filename", "drafts/a.txt", "--force-exclude", cwd=tmp_path)[0] == 0
    assert run_stdin(FIXABLE.encode(), "-", "--stdin-filename", "drafts/a.txt", cwd=tmp_path)[0] == 1


def test_jsonl_locations_are_file_line_column(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_text('{"text": "fine"}\n\n{"id": 3, "text": "Then it was a economic matter."}\n', encoding="utf-8")
    result = run_qc("scan", "feed.jsonl", cwd=tmp_path)
    assert result.stdout.splitlines()[0] == "feed.jsonl:3:13: TT701 [warning] use an before economic [*]"


def test_word_diff_shows_the_changed_words(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("Title\n\n" + "A long paragraph goes on. " * 5 + FIXABLE, encoding="utf-8")
    result = run_qc("scan", "a.txt", "--word-diff", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == (
        "--- a/a.txt\n+++ b/a.txt\n@@ -3,1 +3,1 @@\n"
        + "A long paragraph goes on. " * 5
        + "It [-it -]was [-a-]{+an+} economic matter.\n"
    )
    assert path.read_text(encoding="utf-8").endswith(FIXABLE)  # changes nothing


def test_repetition_taken_ranges_match_a_plain_scan() -> None:
    """The repetition kind's bookkeeping of taken ranges is a bisection (it was a scan of
    every range per candidate: N repeats cost N²); same answers as the plain scan."""
    import random

    from qc.lint.kinds.repetition import TakenRanges

    rng = random.Random(7)
    taken, plain = TakenRanges(), []
    for _ in range(3000):
        start = rng.randrange(0, 5000)
        end = start + rng.randrange(1, 12)
        assert taken.covers(start) == any(a <= start < b for a, b in plain)
        overlapping = any(start < b and a < end for a, b in plain)
        assert taken.overlaps(start, end) == overlapping
        if not overlapping:
            taken.add(start, end)
            plain.append((start, end))
            if rng.random() < 0.2:
                taken.remove(start, end)
                plain.pop()


def test_many_repeats_in_one_article_are_all_found(tmp_path: Path) -> None:
    path = tmp_path / "d.txt"
    path.write_text("The agency said it it was a economic matter. " * 3000, encoding="utf-8")
    data = json.loads(run_any("scan", "--no-cache", "-j1", "--select", "MT501", "--format", "json", str(path)).stdout)
    assert len(data["findings"]) == 3000


def test_foreign_function_words_are_searched_in_one_encoding() -> None:
    """The phrase check's RE2 search got the text as str, which the binding encodes to
    UTF-8 in full at every call: a text with many foreign function words was quadratic
    (0.8 MB with 40,000 of them: 430 s). The text is now encoded once, and the hits are
    those of the Python regex it stands for, non-ASCII text included."""
    import random

    import qc.lint.kinds.foreign_language as fl

    words = frozenset(["avec", "pour", "très", "été", "du"])
    searched: list[object] = []
    real = fl.function_word_re2(words)

    class Spy:
        def search(self, text: object, pos: int = 0) -> object:
            searched.append(text)
            return real.search(text, pos)

    rng = random.Random(5)
    pieces = ["avec", " ", "pour", "é", "très", "été", "du", "x", "\n", "’", "日本", " une "]
    texts = ["the people said avec pour the same day. " * 200]
    texts += ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 40))) for _ in range(2000)]
    original = fl.function_word_re2
    fl.function_word_re2 = lambda _words: Spy()  # type: ignore[assignment]
    try:
        for text in texts:
            searched.clear()
            found = list(fl.function_word_hits(text, words))
            assert found == [m.span() for m in fl.function_word_regex(words).finditer(text)], text
            assert all(isinstance(t, bytes) for t in searched)
            assert len({id(t) for t in searched}) <= 1, "the text was encoded more than once"
    finally:
        fl.function_word_re2 = original


def test_repetition_tokens_are_sliced_from_the_text() -> None:
    """The repetition kind keeps token offsets in arrays and slices a token when read (a
    list of every token of a long article took ~10 bytes per character); the tokens are
    still exactly str.split()'s, whatever the whitespace."""
    import random

    from qc.lint.document import Batch, Document
    from qc.lint.kinds.repetition import WHITESPACE, Tokens, batch_repeat_candidates

    rng = random.Random(11)
    vocab = ["the", "The", "a", "é", "中国", "\ud800", "x.", "İs"]
    texts = ["".join(rng.choice(vocab) + rng.choice([" ", "\n", *WHITESPACE]) for _ in range(rng.randint(2, 60))) for _ in range(300)]
    batch = Batch([Document(t) for t in texts])
    batch_repeat_candidates(batch)
    checked = 0
    for doc in batch.docs:
        tokens = doc.scratch.tokens
        if tokens is None:
            continue
        assert isinstance(tokens, Tokens)
        split = doc.lower.split()
        assert len(tokens) == len(split) and tokens[:] == split
        assert tokens[3:7] == split[3:7] and tokens[len(split) - 1 : len(split) + 5] == split[-1:]
        checked += 1
    assert checked > 100


def test_long_article_lint_memory_is_bounded() -> None:
    """Linting one long article held every kind's per-character views at once: 53 bytes
    per character at the peak here (a 19 MB article took 1.3-1.8 GB). The repetition
    tokens, the loop kind's word spans and the batch's code-point arrays are now compact
    or dropped after use: about 21 bytes per character (tracemalloc peak, fixed costs
    such as loaded word lists left out by a warm-up)."""
    import tracemalloc

    from qc.lint.engine import default_linter

    texts = [json.loads(line)["text"] for line in (FIXTURES / "mqm" / "sample.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    body = "\n\n".join(texts)
    text = ((body + "\n\n") * (600_000 // len(body) + 1))[:600_000]
    linter = default_linter()
    linter.lint(text[:100_000])  # (loads what any text needs once: word lists, models)
    tracemalloc.start()
    try:
        linter.lint(text)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak / len(text) < 35, f"{peak / len(text):.1f} bytes per character"


def test_release_version_agrees_in_changelog_pyproject_readme_and_tag() -> None:
    """The README's pre-commit example pinned `rev: v0.1.0`, a tag that did not exist.
    Releases are now annotated tags `v<version>`: pyproject.toml's version, CHANGELOG.md's
    newest entry and the README's `rev:` name the same release, and when the checkout has
    that tag, it is annotated and its pyproject.toml holds that version."""
    import re
    import subprocess
    import tomllib

    from tests.conftest import ROOT

    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert re.findall(r"(?m)^## (\S+)", changelog)[0] == version
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Use with pre-commit") :]
    section = section[: section.find("\n## ", 1)]
    tags = re.findall(r"(?m)^\s*rev: (v\S+)", section)
    assert tags and set(tags) == {f"v{version}"}, tags

    def git(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True, timeout=60)

    if git("rev-parse", "--verify", "--quiet", f"refs/tags/v{version}").returncode != 0:
        return  # (not tagged yet, or a copy without tags: see CHANGELOG.md)
    assert git("cat-file", "-t", f"refs/tags/v{version}").stdout.strip() == "tag", "the release tag must be annotated (git tag -a)"
    tagged = git("show", f"v{version}:pyproject.toml").stdout
    assert tomllib.loads(tagged)["project"]["version"] == version


class Interrupted(Exception):
    """Raised by an article stream part-way through an add (a crash of the input side)."""


def index_ops_strategy():  # type: ignore[no-untyped-def]
    """Sequences of `add` calls: articles with texts from a small pool (so that copies and
    exact repeats are common, within a batch and across adds) or anything Unicode allows
    (empty, blank, NUL, lone surrogates), odd refs, any batch size, some adds cut short."""
    from hypothesis import strategies as st

    pool = ["", " ", "\n\n", "\x00", "\ud800", "word", "The minister said on Tuesday that exports rose 5% in March.",
            "Xi Jinping met Joe Biden in San Francisco on Wednesday, the White House said. " * 40]
    texts = st.one_of(st.sampled_from(pool), st.text(max_size=300), st.text(alphabet="ab \n", max_size=60))
    refs = st.one_of(st.sampled_from(["a.txt", "dir/b.jsonl:3", "c\nd.txt", "caf\udce9.txt", "", "x" * 3000]), st.text(max_size=20))
    articles = st.lists(st.tuples(refs, texts), max_size=40)
    op = st.tuples(articles, st.sampled_from([1, 2, 3, 7, 500]), st.none() | st.integers(min_value=0, max_value=40), st.booleans())
    return st.lists(op, min_size=1, max_size=6)


def test_index_check_accepts_whatever_add_writes(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Issue 20 point 3: `qc index add` could write an index that `qc index check` calls
    malformed (the cause found: a new index without its tables, see the next test). Apart
    from creation, this property holds: after any sequence of adds (repeats across and within batches, both preparation paths,
    empty and odd texts and refs, adds cut short by a failing input stream, reopening),
    `check` finds nothing, and the index holds each distinct committed text once."""
    from hypothesis import HealthCheck, given, settings

    from qc.corpus import Article
    from qc.dedup.index import Index

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(index_ops_strategy())
    def run(ops: list[tuple[list[tuple[str, str]], int, int | None, bool]]) -> None:
        path = tmp_path_factory.mktemp("index") / "ix.qcindex"
        committed: set[str] = set()
        ix = Index(path, create=True)
        try:
            for items, batch_size, cut, reopen in ops:
                articles = [Article(ref, text) for ref, text in items]

                def stream(articles: list[Article] = articles, cut: int | None = cut):  # type: ignore[no-untyped-def]
                    for k, article in enumerate(articles):
                        if cut is not None and k == cut:
                            raise Interrupted
                        yield article

                try:
                    ix.add(stream(), batch_size=batch_size)
                    stored = articles
                except Interrupted:
                    assert cut is not None
                    stored = articles[: cut // batch_size * batch_size]  # the batches flushed before the cut
                committed.update(a.text for a in stored)
                if reopen:
                    ix.close()
                    ix = Index(path)
                assert ix.check() == []
                assert len(ix.refs()) == len(committed)
        finally:
            ix.close()

    run()


def test_an_index_being_created_is_absent_or_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`qc index add` created a new index in place: between SQLite creating the file and
    the schema's COMMIT (and for good when the process died then), `qc index check`,
    `query` and `stats` called the file "not a qc index (no meta table)" while `add` went
    on filling it. Every open of the index path during a creation now finds no file or a
    whole, sound index: the probe runs each time the creating process opens a database."""
    import sqlite3

    from qc.corpus import Article
    from qc.dedup.index import Index, IndexDbError

    path = tmp_path / "new.qcindex"
    seen: list[str] = []
    real_connect = sqlite3.connect
    probing = False

    def probe() -> None:
        nonlocal probing
        probing = True
        try:
            with Index(path) as ix:
                problems = ix.check()
                seen.append("; ".join(problems) or "ok")
        except IndexDbError as exc:
            seen.append(str(exc))
        finally:
            probing = False

    def connect(*args, **kwargs):  # type: ignore[no-untyped-def]
        db = real_connect(*args, **kwargs)
        if not probing:
            probe()
        return db

    monkeypatch.setattr(sqlite3, "connect", connect)
    with Index(path, create=True) as ix:
        ix.add([Article("a.txt", "The minister said on Tuesday that exports rose 5% in March.")])
    probe()
    assert seen and all(s == "ok" or "no such index" in s for s in seen), seen
    assert seen[-1] == "ok"
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("new.qcindex")) == []
