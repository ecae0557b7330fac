"""`qc rules` (list the rules, `qc rules test` runs their examples) and `qc rule ID` (explain one)."""

from __future__ import annotations

import sys

import click

from qc.commands.common import EXIT_CLEAN, EXIT_FINDINGS, fail
from qc.errors import QcError


@click.group(invoke_without_command=True)
@click.option("--rules", "rule_paths", multiple=True, type=click.Path(), help="Extra rule pack file or folder.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.pass_context
def rules(ctx: click.Context, rule_paths: tuple[str, ...], fmt: str) -> None:
    """List the rules (id, fixable, severity, status, category, name). `qc rules test` runs their examples."""
    if ctx.invoked_subcommand is not None:
        return
    from qc.lint.packs import default_rules

    try:
        loaded = default_rules(rule_paths)
    except QcError as exc:
        fail(exc.describe())
    if fmt == "json":
        import json

        rows = [{"id": r.id, "name": r.name, "kind": r.kind, "category": r.category, "severity": r.severity, "status": r.status or None, "fixable": r.fix.applicability if r.fix else None} for r in loaded]
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    for r in sorted(loaded, key=lambda r: r.id):
        fixable = {"safe": "[*]", "unsafe": "[~]"}.get(r.fix.applicability if r.fix else "", "   ")
        click.echo(f"{r.id:<7} {fixable} {r.severity:<8} {r.status or '-':<8} {r.category:<28} {r.name}")


@rules.command("test")
@click.argument("packs", nargs=-1, type=click.Path())
@click.option("-v", "--verbose", is_flag=True, help="List every example, not only failures.")
@click.option("--trust-rules", is_flag=True, help="Run the packs' regexes on Python's engine.")
def rules_test(packs: tuple[str, ...], verbose: bool, trust_rules: bool) -> None:
    """Run the examples of the given packs (default: the built-in packs)."""
    from qc.consensus.examples import check_group_case, group_cases
    from qc.lint.examples import cases, check_case
    from qc.lint.packs import default_rules, load_rules

    try:
        loaded = load_rules(packs, trust_rules) if packs else default_rules()
    except QcError as exc:
        fail(exc.describe())
    passed = failed = 0
    # single-text examples, then the groups of texts of group rules (kind consensus)
    checks = [(case, check_case) for case in cases(loaded)] + [(case, check_group_case) for case in group_cases(loaded)]
    for case, check in checks:
        problem = check(case)  # type: ignore[operator]
        if problem is None:
            passed += 1
            if verbose:
                click.echo(f"ok    {case.id}")
        else:
            failed += 1
            click.echo(f"FAIL  {case.rule.pack}:{case.example.line}: {case.rule.id} {problem}")
    click.echo(f"{passed} passed, {failed} failed")
    sys.exit(EXIT_FINDINGS if failed else EXIT_CLEAN)


@click.command()
@click.argument("rule_id")
@click.option("--rules", "rule_paths", multiple=True, type=click.Path(), help="Extra rule pack file or folder.")
def rule(rule_id: str, rule_paths: tuple[str, ...]) -> None:
    """Explain one rule: its section of docs/rules.md (docs, fix, examples)."""
    from qc.lint.docs import rule_section
    from qc.lint.packs import default_rules

    try:
        loaded = {r.id: r for r in default_rules(rule_paths)}
    except QcError as exc:
        fail(exc.describe())
    found = loaded.get(rule_id.upper())
    successor = next((r for r in loaded.values() if rule_id.upper() in r.replaces), None)
    if found is None and successor is not None:
        click.echo(f"{rule_id.upper()} is retired; rule {successor.id} now makes its checks.\n", err=True)
        found = successor
    if found is None:
        fail(f"no rule {rule_id}; `qc rules` lists them")
    click.echo(rule_section(found), nl=False)
