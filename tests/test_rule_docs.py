"""Rule documentation: every built-in rule documented, docs/rules.md current, links to it."""

from __future__ import annotations

import importlib.util
import json
import warnings
from pathlib import Path

import jsonschema
import pytest

from qc.errors import RulePackError
from qc.finding import Finding, RuleInfo, ScanResult
from qc.lint.docs import PAGE_PATH, REGENERATE, documentation_problems, inline_code, rule_section, rules_page
from qc.lint.packs import DEFAULT_RULES_DIR, default_rules, load_rules_uncached
from qc.lint.rule import BadExample, FixSpec, GoodExample, Rule
from qc.report import links, sarif, text

ROOT = Path(__file__).resolve().parent.parent
BUILTIN = load_rules_uncached([DEFAULT_RULES_DIR])
SARIF_SCHEMA = ROOT / "fixtures" / "sarif" / "sarif-schema-2.1.0.json"


# tests/test_rule_examples.py checks that every built-in rule has docs and a status.


def test_rules_page_is_current() -> None:
    written = (ROOT / PAGE_PATH).read_text(encoding="utf-8")
    assert written == rules_page(BUILTIN), f"{PAGE_PATH} is out of date: run `{REGENERATE}`"


def test_generator_check_mode_agrees(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("gen_rule_docs", ROOT / "scripts" / "gen_rule_docs.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.current_page() == rules_page(BUILTIN)
    assert module.main(["--check"]) == 0


def test_every_rule_has_one_anchored_section() -> None:
    page = rules_page(BUILTIN)
    for rule in BUILTIN:
        assert page.count(f"\n## {rule.id}\n") == 1
        assert f"[{rule.id}](#{rule.id.lower()})" in page


# ---------------------------------------------------------------- pack validation


def write_pack(folder: Path, extra: str) -> Path:
    pack = folder / "mine.yaml"
    pack.write_text(
        "rules:\n"
        "  - id: XX101\n"
        "    name: my-rule\n"
        "    kind: pattern\n"
        "    category: typography\n"
        "    severity: warning\n"
        f"{extra}"
        "    message: \"a doubled comma\"\n"
        "    pattern: ',,'\n",
        encoding="utf-8",
    )
    return pack


def test_user_pack_may_leave_out_docs_and_status(tmp_path: Path) -> None:
    pack = write_pack(tmp_path, "")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        (rule,) = load_rules_uncached([pack])
    assert rule.status == "" and rule.docs == ""
    assert "has no `docs:`" in " ".join(documentation_problems(rule))


def test_user_pack_status_is_read(tmp_path: Path) -> None:
    (rule,) = load_rules_uncached([write_pack(tmp_path, "    status: preview\n")])
    assert rule.status == "preview"
    assert "**Status**: preview" in rule_section(rule)


def test_unknown_status_is_an_error_naming_file_and_line(tmp_path: Path) -> None:
    pack = write_pack(tmp_path, "    status: beta\n")
    with pytest.raises(RulePackError) as caught:
        load_rules_uncached([pack])
    described = caught.value.describe()
    assert "mine.yaml" in described and "status" in described and ":7" in described


# ---------------------------------------------------------------- the documentation check


def rule_with(docs: str, fix: str | None, status: str = "stable") -> Rule:
    return Rule(
        id="XX1",
        name="x",
        kind="pattern",
        category="typography",
        severity="warning",
        message="m",
        params={},
        fix=FixSpec(fix) if fix else None,  # type: ignore[arg-type]
        docs=docs,
        status=status,
        bad=[BadExample("a", None)],
        good=[GoodExample("b")],
    )


@pytest.mark.parametrize(
    ("docs", "fix", "status", "complaint"),
    [
        ("Flags x. The fix is safe: y.", "unsafe", "stable", "unsafe fix"),
        ("Flags x. The fix is unsafe: y.", "safe", "stable", "safe fix"),
        ("Flags x; delete it.", None, "stable", "has no fix"),
        ("Flags x. No fix: y.", None, "", "no `status:`"),
        ("", None, "stable", "no `docs:`"),
    ],
)
def test_documentation_check_names_what_is_missing(docs: str, fix: str | None, status: str, complaint: str) -> None:
    problems = " ".join(documentation_problems(rule_with(docs, fix, status)))
    assert complaint in problems


def test_documentation_check_accepts_complete_docs() -> None:
    assert documentation_problems(rule_with("Flags x. The fix is unsafe: y.", "unsafe")) == []
    assert documentation_problems(rule_with("Flags x. No fix: y.", None, "preview")) == []


# ---------------------------------------------------------------- rendering


def test_section_shows_examples_as_text() -> None:
    mt101 = next(r for r in BUILTIN if r.id == "MT101")
    section = rule_section(mt101)
    assert "GoodExample(" not in section and "BadExample(" not in section
    assert "- ✓ `he told RIA Novosti on Monday`" in section
    assert "- ✗ `he told RIA News on Monday` → `he told RIA Novosti on Monday`" in section
    assert section.startswith("## MT101\n")
    assert "**Status**: stable" in section and "**Fix**: safe" in section


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("plain", "`plain`"),
        ("two\n\nparagraphs", "`two\\n\\nparagraphs`"),
        ("a `tick`", "`` a `tick` ``"),
        (" leading", "`  leading `"),
    ],
)
def test_inline_code(raw: str, shown: str) -> None:
    assert inline_code(raw) == shown


# ---------------------------------------------------------------- links (SARIF helpUri, terminal)


def builtin_result() -> ScanResult:
    rules = {r.id: r.info() for r in default_rules() if r.id in ("MT101", "MT501")}
    finding = Finding("MT501", "duplicated-word", "duplication", "warning", "“it” is repeated", 4, 9, "it it", path="a.txt", line=1, column=5, end_line=1, end_column=10)
    user = RuleInfo("XX101", "my-rule", "typography", "warning", "m")
    return ScanResult(findings=[finding], rules={**rules, "XX101": user}, files_scanned=1, articles_scanned=1)


def sarif_rules(result: ScanResult) -> dict[str, dict]:
    log = json.loads(sarif.render(result))
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    errors = list(cls(schema, format_checker=cls.FORMAT_CHECKER).iter_errors(log))
    assert not errors, [e.message for e in errors]
    return {r["id"]: r for r in log["runs"][0]["tool"]["driver"]["rules"]}


def test_builtin_rules_know_they_are_documented() -> None:
    result = builtin_result()
    assert result.rules["MT101"].builtin and not result.rules["XX101"].builtin
    assert links.rule_doc_url(result.rules["MT101"], "docs") == "docs/rules.md#mt101"
    assert links.rule_doc_url(result.rules["XX101"], "docs") == ""


def test_sarif_help_uri_when_docs_have_an_absolute_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(links, "docs_base_url", lambda: "https://qc.example.org/docs")
    rules = sarif_rules(builtin_result())
    assert rules["MT501"]["helpUri"] == "https://qc.example.org/docs/rules.md#mt501"
    assert "helpUri" not in rules["XX101"]


def test_sarif_relative_docs_are_not_a_help_uri(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(links, "docs_base_url", lambda: "docs")
    rules = sarif_rules(builtin_result())
    assert "helpUri" not in rules["MT501"]
    assert rules["MT501"]["properties"]["documentation"] == "docs/rules.md#mt501"
    assert "documentation" not in rules["XX101"]["properties"]


def test_terminal_rule_code_links_to_its_docs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(links, "docs_base_url", lambda: "https://qc.example.org/docs")
    result = builtin_result()
    coloured = text.render(result, colour=True)
    assert "\x1b]8;;https://qc.example.org/docs/rules.md#mt501\x1b\\" in coloured
    plain = text.render(result, colour=False)
    assert plain.splitlines()[0] == "a.txt:1:5: MT501 [warning] “it” is repeated"


def test_no_terminal_link_without_an_absolute_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(links, "docs_base_url", lambda: "docs")
    assert "\x1b]8;;" not in text.render(builtin_result(), colour=True)


def test_data_files_named_in_docs_exist() -> None:
    """Docs that point a reader at a data file (data/agencies.yaml) must stay true when data moves."""
    import re

    for rule in BUILTIN:
        assert rule.source is not None
        for name in re.findall(r"\bdata/[\w./-]*\w", rule.docs):
            assert (rule.source.parent / name).exists(), f"{rule.id} docs name {name}, which is not in {rule.source.parent}"


# ---------------------------------------------------------------- qc rule / qc rules


def run_cli(*args: str):
    from click.testing import CliRunner

    from qc.cli import cli

    return CliRunner().invoke(cli, list(args))


def test_qc_rule_prints_the_rule_section() -> None:
    result = run_cli("rule", "mt101")
    assert result.exit_code == 0, result.output
    mt101 = next(r for r in BUILTIN if r.id == "MT101")
    assert result.output == rule_section(mt101)
    assert result.output in (ROOT / PAGE_PATH).read_text(encoding="utf-8")
    assert "GoodExample(" not in result.output and "✓ `he told RIA Novosti on Monday`" in result.output


def test_qc_rule_for_a_user_pack_rule_without_docs(tmp_path: Path) -> None:
    result = run_cli("rule", "XX101", "--rules", str(write_pack(tmp_path, "")))
    assert result.exit_code == 0, result.output
    assert result.output.startswith("## XX101\n") and "**Status**: not stated" in result.output


def test_qc_rule_unknown_code() -> None:
    result = run_cli("rule", "MT999")
    assert result.exit_code == 2 and "no rule MT999" in result.output


def test_qc_rules_lists_status() -> None:
    listed = run_cli("rules")
    assert listed.exit_code == 0
    by_id = {line.split()[0]: line for line in listed.output.splitlines()}
    for rule in BUILTIN:
        assert f" {rule.status} " in by_id[rule.id]
    rows = json.loads(run_cli("rules", "--format", "json").output)
    assert {row["id"]: row["status"] or "" for row in rows} == {r.id: r.status for r in BUILTIN}
