"""End-to-end behaviour of `qc scan`: formats, exit codes, fixes on disk, config, suppression, bad input."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, SEEDS
from tests.conftest import run_qc as run_any

TEST_PACK = str(FIXTURES / "packs" / "engine-test.yaml")


def run_qc(*args: str, **kwargs):  # type: ignore[no-untyped-def]
    """`qc scan` with the frozen test pack only, so these tests do not move with detector tuning."""
    if args and args[0] == "scan":
        args = ("scan", "--no-default-rules", "--rules", TEST_PACK, "--no-cache", *args[1:])
    return run_any(*args, **kwargs)

GARBLED = "The ministry said in a statement. statement. It was a economic crisis.\n"
CLEAN = "The ministry said in a statement that it was an economic crisis.\n"


@pytest.fixture
def articles(tmp_path: Path) -> Path:
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "garbled.txt").write_text(GARBLED, encoding="utf-8")
    (folder / "clean.txt").write_text(CLEAN, encoding="utf-8")
    return folder


def test_seeds_report_and_diff() -> None:
    result = run_any("scan", "seeds/", "--format", "json")
    assert result.returncode == 1, result.stderr
    data = json.loads(result.stdout)
    texts = [(f["path"].rsplit("/", 1)[-1], f["text"]) for f in data["findings"]]
    assert ("000_d551dabb45ec3305.txt", "Russia. Cup Press Agency") in texts
    assert sum(1 for _, t in texts if t.startswith("statement") and t.count("statement") == 2) == 2
    assert any(t == "a economic" for _, t in texts)
    diff = run_any("scan", "seeds/", "--diff").stdout
    assert "+++ b/seeds/000_d551dabb45ec3305.txt" in diff
    unsafe_diff = run_any("scan", "seeds/", "--diff", "--unsafe-fixes").stdout
    # The unsafe fix replaces the literal agency name in the envoy's sentence.
    envoy = [line for line in unsafe_diff.splitlines() if line[1:].startswith("Morgulov, the Russian envoy")]
    assert [line[0] for line in envoy] == ["-", "+"]
    assert "according to Russia. Cup Press Agency." in envoy[0]
    assert "according to Russia’s TASS news agency." in envoy[1] and "Cup Press" not in envoy[1]
    assert "for the World Economy.\n" in diff and "an economic recession" in diff
    assert diff.count("the spokesperson said in a statement. And") == 1


def test_json_contract_fields_and_offsets(articles: Path) -> None:
    result = run_qc("scan", str(articles), "--format", "json")
    data = json.loads(result.stdout)
    assert data["version"] == 1 and set(data) == {"version", "findings", "summary"}
    text = GARBLED
    for f in data["findings"]:
        assert set(f) >= {"path", "rule", "name", "category", "severity", "message", "start", "end", "line", "column", "end_line", "end_column", "text", "fix"}
        assert text[f["start"] : f["end"]] == f["text"]
        assert f["column"] == f["start"] + 1 and f["line"] == 1
        if f["fix"] is not None:
            assert f["fix"]["applicability"] in ("safe", "unsafe")
            for edit in f["fix"]["edits"]:
                assert set(edit) == {"start", "end", "replacement"}


def test_exit_codes(articles: Path) -> None:
    assert run_qc("scan", str(articles / "clean.txt")).returncode == 0
    assert run_qc("scan", str(articles / "garbled.txt")).returncode == 1
    assert run_qc("scan", str(articles / "garbled.txt"), "--exit-zero").returncode == 0
    assert run_qc("scan", str(articles / "garbled.txt"), "--fail-on", "error").returncode == 0
    assert run_qc("scan", "--format", "nonsense", str(articles)).returncode == 2


def test_select_ignore_by_prefix(articles: Path) -> None:
    def rules(*args: str) -> set[str]:
        out = run_qc("scan", str(articles), "--format", "json", *args).stdout
        return {f["rule"] for f in json.loads(out)["findings"]}

    everything = rules()
    assert everything == {"TT501", "TT701"}
    assert rules("--select", "TT5") == {"TT501"}
    assert rules("--select", "TT7") == {"TT701"}
    assert rules("--ignore", "TT70") == {"TT501"}
    assert rules("--select", "TT5", "--extend-select", "TT701") == {"TT501", "TT701"}
    assert rules("--select", "TT5,TT7") == {"TT501", "TT701"}


def test_fix_writes_in_place_and_is_idempotent(articles: Path) -> None:
    clean_before = (articles / "clean.txt").stat().st_mtime_ns
    first = run_qc("scan", str(articles), "--fix")
    assert (articles / "garbled.txt").read_text(encoding="utf-8") == "The ministry said in a statement. It was an economic crisis.\n"
    assert (articles / "clean.txt").stat().st_mtime_ns == clean_before  # untouched: nothing to fix
    assert first.returncode == 0, first.stdout + first.stderr
    second = run_qc("scan", str(articles), "--fix", "--diff")
    assert second.stdout == "" and second.returncode == 0
    assert not list(articles.glob(".*qc-tmp"))


def test_crlf_and_bom_round_trip(tmp_path: Path) -> None:
    raw = "\ufeffFirst line is fine.\r\nThey met in the the capital.\r\n\r\nLast line.\r\n".encode("utf-8")
    path = tmp_path / "crlf.txt"
    path.write_bytes(raw)
    report = json.loads(run_qc("scan", str(path), "--format", "json").stdout)
    (finding,) = report["findings"]
    assert finding["line"] == 2 and finding["text"] == "the the"
    run_qc("scan", str(path), "--fix")
    assert path.read_bytes() == raw.replace(b"the the", b"the")


def test_markdown_front_matter_and_suppressions(tmp_path: Path) -> None:
    md = tmp_path / "story.md"
    md.write_text(
        "---\ntitle: A story\nqc-ignore: [TT7]\n---\nIt was a economic crisis.\n\n<!-- qc: ignore TT501 -->\nHe said it it again.\n\nShe said it it too.\n",
        encoding="utf-8",
    )
    data = json.loads(run_qc("scan", str(md), "--format", "json").stdout)
    found = [(f["rule"], f["line"]) for f in data["findings"]]
    assert found == [("TT501", 10)]
    body_start = md.read_text(encoding="utf-8").index("It was")
    assert data["findings"][0]["start"] > body_start


def test_ignore_file_and_unused_suppressions(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("<!-- qc: ignore-file TT501 -->\nHe said it it again.\n<!-- qc: ignore TT101 -->\nNothing here.\n", encoding="utf-8")
    plain = json.loads(run_qc("scan", str(path), "--format", "json").stdout)
    assert plain["findings"] == []
    unused = json.loads(run_qc("scan", str(path), "--format", "json", "--report-unused-suppressions").stdout)
    assert [(f["rule"], f["line"]) for f in unused["findings"]] == [("QC001", 3)]


def test_config_in_pyproject_walks_up(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.qc]\nignore = ["TT7"]\nexclude = ["skip*"]\nfail-on = "error"\n[tool.qc.per-file-ignores]\n"special.txt" = ["TT5"]\n', encoding="utf-8")
    sub = tmp_path / "deep" / "er"
    sub.mkdir(parents=True)
    (sub / "a.txt").write_text(GARBLED, encoding="utf-8")
    (sub / "special.txt").write_text(GARBLED, encoding="utf-8")
    (sub / "skipme.txt").write_text(GARBLED, encoding="utf-8")
    result = run_qc("scan", str(sub), "--format", "json")
    data = json.loads(result.stdout)
    found = sorted((Path(f["path"]).name, f["rule"]) for f in data["findings"])
    assert found == [("a.txt", "TT501")]
    assert result.returncode == 0  # fail-on = error and TT501 is a warning


def test_bad_config_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "qc.toml").write_text("select = [\n", encoding="utf-8")
    (tmp_path / "a.txt").write_text(CLEAN, encoding="utf-8")
    result = run_qc("scan", str(tmp_path))
    assert result.returncode == 2
    assert "qc.toml" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("binary.txt", b"\x00\x01\x02PNG", "binary file"),
        ("latin1.txt", "caf\xe9 au lait".encode("latin-1"), "invalid UTF-8 at byte 3"),
        ("bad.jsonl", b'{"text": "fine."}\n{"text": broken\n', ":2: malformed JSON record"),
        ("notext.jsonl", b'{"title": "x"}\n', ":1: record has no string 'text' field"),
        ("bad.md", b"---\ntitle: [unclosed\n---\nBody.\n", "malformed front matter"),
    ],
)
def test_bad_input_is_one_clear_line(tmp_path: Path, name: str, content: bytes, expected: str) -> None:
    (tmp_path / name).write_bytes(content)
    (tmp_path / "ok.txt").write_text(GARBLED, encoding="utf-8")
    result = run_qc("scan", str(tmp_path))
    errors = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(errors) == 1, result.stderr
    assert name in errors[0] and expected in errors[0]
    assert "Traceback" not in result.stderr
    assert "ok.txt" in result.stdout  # the rest of the run continued
    assert result.returncode == 2


def test_nothing_scannable_exits_2(tmp_path: Path) -> None:
    empty_dir = tmp_path / "empty"
    empty_dir.mkdir()
    for args in ([str(tmp_path / "missing")], [str(empty_dir)]):
        result = run_qc("scan", *args)
        assert result.returncode == 2
        assert "Traceback" not in result.stderr and result.stderr.startswith("qc: error:")


def test_empty_file_is_fine(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    result = run_qc("scan", str(tmp_path))
    assert result.returncode == 0 and result.stderr == ""


def test_bad_user_pack_regex(tmp_path: Path) -> None:
    pack = tmp_path / "mine.yaml"
    pack.write_text("rules:\n  - id: US101\n    name: broken\n    kind: pattern\n    category: grammar\n    severity: info\n    message: m\n    pattern: '[unclosed'\n", encoding="utf-8")
    result = run_qc("scan", str(SEEDS), "--rules", str(pack))
    assert result.returncode == 2
    assert "mine.yaml:2" in result.stderr and "regex does not compile" in result.stderr


def test_jsonl_findings_point_at_record_line_and_fix(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_text(json.dumps({"id": "a", "text": CLEAN}) + "\n\n" + json.dumps({"id": "b", "text": GARBLED}, ensure_ascii=False) + "\n", encoding="utf-8")
    data = json.loads(run_qc("scan", str(path), "--format", "json").stdout)
    assert {f["path"] for f in data["findings"]} == {f"{path}:3"} or {Path(f["path"]).name for f in data["findings"]} == {"feed.jsonl:3"}
    run_qc("scan", str(path), "--fix")
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    assert records[0]["text"] == CLEAN and records[1]["id"] == "b"
    assert records[1]["text"] == "The ministry said in a statement. It was an economic crisis.\n"


def test_rules_listing_and_explain() -> None:
    listing = run_any("rules")
    assert listing.returncode == 0 and "MT501" in listing.stdout
    explain = run_any("rule", "MT501")
    assert explain.stdout.startswith("## MT501\n") and "duplicated-word" in explain.stdout
    assert "Flagged (→ the text after the rule's fix):" in explain.stdout and "Not flagged:" in explain.stdout
    assert run_any("rule", "ZZ999").returncode == 2


def test_rules_test_command_on_user_pack(tmp_path: Path) -> None:
    pack = tmp_path / "mine.yaml"
    pack.write_text(
        "rules:\n  - id: US101\n    name: colour\n    kind: substitution\n    category: grammar\n    severity: info\n    message: m\n    terms: {colour: color}\n    fix: {applicability: safe}\n    examples:\n      bad: [{text: 'a colour', fix: 'a color'}]\n      good: ['a colourful one', 'a colour']\n",
        encoding="utf-8",
    )
    result = run_any("rules", "test", str(pack))
    assert result.returncode == 1
    assert "2 passed, 1 failed" in result.stdout and "good example flagged" in result.stdout


def test_copies_of_seeds_scan_from_any_directory(tmp_path: Path) -> None:
    shutil.copytree(SEEDS, tmp_path / "seeds")
    result = run_any("scan", "seeds", cwd=tmp_path)
    assert result.returncode == 1 and "seeds/002_f846921f518d01c3.txt:" in result.stdout


def test_oversized_article_and_record_are_refused_naming_the_flag(tmp_path: Path) -> None:
    (tmp_path / "big.txt").write_text("word " * 300_000, encoding="utf-8")  # 1.5 MB
    with (tmp_path / "feed.jsonl").open("w", encoding="utf-8") as handle:
        handle.write(json.dumps({"text": "x " * 600_000}) + "\n")
        handle.write(json.dumps({"text": GARBLED}) + "\n")
    result = run_qc("scan", str(tmp_path), "--max-article-size", "1", "--format", "json")
    errors = result.stderr.splitlines()
    assert any("big.txt" in e and "over the 1.0 MB limit" in e and "--max-article-size" in e for e in errors)
    assert any("feed.jsonl:1" in e and "over the 1.0 MB limit" in e for e in errors)
    data = json.loads(result.stdout)
    assert {f["path"].rsplit("/", 1)[-1] for f in data["findings"]} == {"feed.jsonl:2"}  # the next record still scanned
    assert result.returncode == 2
    assert run_qc("scan", str(tmp_path), "--max-article-size", "5", "--select", "TT5").returncode == 1
