"""`qc scan`: check articles for MT artefacts, report, fix or diff.

Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage, config, rule-pack or input error.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, NoReturn

import click

from qc.commands.common import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, emit, fail, report_error, rule_selection
from qc.errors import QcError

FORMATS = ["text", "json", "jsonl", "sarif", "github", "junit"]


@click.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True, help="Output format.")
@click.option("--select", multiple=True, help="Rule codes or prefixes to enable (comma-separated; ALL for every rule).")
@click.option("--extend-select", multiple=True, help="Codes to enable on top of the selection.")
@click.option("--ignore", multiple=True, help="Rule codes or prefixes to disable.")
@click.option("--rules", "rule_paths", multiple=True, type=click.Path(), help="Extra rule pack file or folder.")
@click.option("--no-default-rules", is_flag=True, help="Use only the packs given with --rules (and rule-paths).")
@click.option("--trust-rules", is_flag=True, help="Trust user packs: run their regexes on Python's engine (lookaround allowed, no linear-time guarantee).")
@click.option("--config", "config_path", type=click.Path(), help="Use this qc.toml or pyproject.toml.")
@click.option("--fix", is_flag=True, help="Apply safe fixes in place.")
@click.option("--unsafe-fixes", is_flag=True, help="Include unsafe fixes in --fix and --diff.")
@click.option("--diff", is_flag=True, help="Print a unified diff of the fixes; change nothing.")
@click.option("--word-diff", is_flag=True, help="Like --diff, word by word ([-old-]{+new+}, as git diff --word-diff): for long paragraph lines.")
@click.option("--show-fixes", is_flag=True, help="Show each finding's proposed fix (text format).")
@click.option("--statistics", is_flag=True, help="Print counts per rule instead of findings.")
@click.option("--fail-on", type=click.Choice(["error", "warning", "info"]), help="Lowest severity that makes the exit code 1.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when findings are reported.")
@click.option("--report-unused-suppressions", is_flag=True, help="Flag qc: ignore comments that silence nothing.")
@click.option("-o", "--output-file", type=click.Path(dir_okay=False), help="Write the report here instead of stdout.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, help="Worker processes (default: the cores the load average leaves idle; used only for inputs of 16 MB or more).")
@click.option("--no-cache", is_flag=True, help="Do not read or write the results cache (.qc_cache/).")
@click.option("--no-quality", is_flag=True, help="Leave the per-article quality score out of --format json (faster).")
@click.option("--max-article-size", type=click.FloatRange(min=0.001), default=None, metavar="MB", help="Refuse articles (files or .jsonl records) larger than this (default 20).")
@click.option("--baseline", "baseline_path", type=click.Path(dir_okay=False), default=None, help="Do not report the findings recorded in this baseline file (default: `baseline` in [tool.qc]).")
@click.option("--write-baseline", type=click.Path(dir_okay=False), default=None, help="Record every current finding in this baseline file and exit 0.")
@click.option("--stdin-filename", default=None, metavar="PATH", help="With `-` as the path: the name standard input stands for (its suffix says how to read it; config, ignores and exclude apply to it).")
@click.option("--force-exclude", is_flag=True, help="Apply `exclude` from the config to files named on the command line too (pre-commit names them).")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True, help="dask: lint on a Dask cluster (see docs/dask.md).")
@click.option("--peers", default="auto", show_default=True, metavar="auto|none|FIELD",
              help="Other versions of the same story, for the consensus rules (CN1xx): found by qc's story tier (auto), "
              "grouped by a metadata field (e.g. story), or none. They report only in groups of 3+ versions, never with --fix/--diff.")
@click.option("--scheduler", default=None, metavar="ADDRESS", help="Dask scheduler address or scheduler file (default: a local cluster).")
def scan(paths: tuple[str, ...], fmt: str, **opts: Any) -> None:
    """Check articles (.txt, .md, .jsonl files or folders) for MT artefacts."""
    from qc.config import config_for
    from qc.finding import SEVERITY_RANK

    paths = paths or (".",)
    opts["stdin"] = read_stdin(paths, opts)
    try:
        config = config_for([opts["stdin"][0]] if opts["stdin"] else list(paths), opts["config_path"])
        if opts["force_exclude"]:
            config.force_exclude = True
        if opts["max_article_size"] is not None:
            config.max_article_size = opts["max_article_size"]
        if opts["word_diff"]:
            opts["diff"] = True
        options = rule_selection(
            opts,
            fix=opts["fix"],
            diff=opts["diff"],
            unsafe_fixes=opts["unsafe_fixes"],
            report_unused_suppressions=opts["report_unused_suppressions"],
            trust_rules=opts["trust_rules"],
            analysers=per_article_analysers(fmt == "json" and not opts["no_quality"]),
        )
        opts["baseline"] = baseline_for(config, opts)
        result, diffs, streamed = run_scan(paths, config, options, fmt, opts)
    except QcError as exc:
        fail(exc.describe())
    for notice in options.notices:
        click.echo(f"qc: {notice}", err=True)
    if opts["write_baseline"]:
        write_baseline_file(result, opts["write_baseline"])
    if opts["baseline"] is not None:
        result.findings = opts["baseline"].take(result.findings)
        if opts["baseline"].hidden:
            click.echo(f"qc: {opts['baseline'].hidden} findings in the baseline not shown", err=True)
    if not opts["fix"]:
        result.fixes_applied = 0
    for error in result.errors:
        report_error(error)
    output = render_output(result, fmt, opts, diffs) if fmt != "jsonl" or opts["diff"] else ""
    if opts["stdin"] and opts["fix"]:
        # As ruff does: the fixed text on standard output, the report on standard error.
        click.echo(output, nl=False, err=True)
        sys.stdout.buffer.write(opts.get("stdin_fixed") or opts["stdin"][1])
        sys.stdout.flush()
        output = ""
    emit(output, opts["output_file"])
    result.findings.extend(streamed)  # only severities matter from here on
    sys.exit(exit_code(result, opts, config.fail_on, SEVERITY_RANK, bool(diffs)))


def read_stdin(paths: tuple[str, ...], opts: dict[str, Any]) -> tuple[str, bytes] | None:
    """(name, bytes) of standard input for `qc scan -`, else None."""
    if "-" not in paths:
        if opts["stdin_filename"]:
            fail("--stdin-filename needs `-` as the path")
        return None
    if paths != ("-",):
        fail("`-` (standard input) cannot be mixed with other paths")
    if opts["engine"] != "local":
        fail("standard input is scanned with --engine local only")
    return (opts["stdin_filename"] or "-", sys.stdin.buffer.read())


def baseline_for(config: Any, opts: dict[str, Any]) -> Any:
    """The baseline in use (--baseline, else `baseline` in the config), or None."""
    from qc.baseline import load_baseline

    if opts["write_baseline"]:
        return None
    path = opts["baseline_path"] or (config.resolve(config.baseline) if config.baseline else None)
    return load_baseline(Path(path)) if path else None


def write_baseline_file(result: Any, path: str) -> NoReturn:
    from qc.baseline import baseline_document

    for error in result.errors:
        report_error(error)
    emit(baseline_document(result.findings, Path(path)), path)
    click.echo(f"qc: wrote {len(result.findings)} findings to the baseline {path}", err=True)
    sys.exit(EXIT_ERROR if result.errors else EXIT_CLEAN)


def per_article_analysers(quality: bool) -> dict[str, Any]:
    """The quality score goes into --format json's summary (qc.quality; wordfreq and
    sentencepiece load only when it is asked for)."""
    if not quality:
        return {}
    from qc.quality import quality_of

    return {"quality": quality_of}


def run_scan(paths: tuple[str, ...], config: Any, options: Any, fmt: str, opts: dict[str, Any]) -> tuple[Any, list[Any], list[Any]]:
    """Scan with progress bar, cache and workers; `--format jsonl` streams findings as they come."""
    import json

    from qc.finding import Finding, escape_lone_surrogates
    from qc.progress import progress_bar
    from qc.scan import default_jobs, file_changes, scan_paths, write_change

    streamed: list[Finding] = []
    stream_out = fmt == "jsonl" and not opts["diff"] and not opts["write_baseline"]
    baseline = opts.get("baseline")
    handle = open(opts["output_file"], "w", encoding="utf-8") if stream_out and opts["output_file"] else None

    def write_findings(findings: list[Finding]) -> None:
        if baseline is not None:
            findings = baseline.take(findings)
        lines = escape_lone_surrogates("".join(json.dumps(f.to_dict(), ensure_ascii=False) + "\n" for f in findings))
        if handle is not None:
            handle.write(lines)
        else:
            click.echo(lines, nl=False)
        # Keep only what the exit code needs, so memory stays flat on huge inputs.
        streamed.extend(Finding(f.rule, "", "", f.severity, "", 0, 0, "") for f in findings)

    diffs: list[str] = []
    errors: list[QcError] = []

    def apply_file_fixes(outcomes: list[Any]) -> dict[str, bool]:
        """Write (or diff) each file as soon as it is done: a kill mid-run loses nothing written.
        Returns the files not written (their fixes do not count as applied), each mapped to
        whether it holds the fixed text anyway (another run wrote the same fix)."""
        not_written: dict[str, bool] = {}
        stdin = opts.get("stdin")
        for change in file_changes(outcomes, {stdin[0]: stdin[1]} if stdin else None):
            if isinstance(change, QcError):
                errors.append(change)
                not_written[str(change.path)] = False
            elif opts["diff"]:
                diffs.append(change.diff(words=opts["word_diff"]))
            elif stdin:
                opts["stdin_fixed"] = change.encoded  # printed, not written
            else:
                try:
                    if not write_change(change):
                        not_written[change.path] = True
                except OSError as exc:
                    errors.append(QcError(change.path, f"cannot write fixed file: {exc.strerror or exc}"))
                    not_written[change.path] = False
                except QcError as exc:
                    errors.append(exc)
                    not_written[change.path] = False
        return not_written

    jobs = opts["jobs"] or default_jobs()
    cache_root = None if opts["no_cache"] else (config.source.parent if config.source else Path.cwd())
    if opts["scheduler"] is not None and opts["engine"] != "dask":
        raise QcError("--scheduler", "needs --engine dask")
    try:
        with progress_bar(desc="scan", unit="article") as tick:
            if opts["engine"] == "dask":
                from qc.engines.dask import scan_with_dask

                result, fixed = scan_with_dask(
                    paths,
                    config,
                    options,
                    opts["scheduler"],
                    on_outcome=lambda _o: tick(),
                    on_findings=write_findings if stream_out else None,
                    keep_findings=not stream_out,
                    on_file_fixed=apply_file_fixes if (opts["fix"] or opts["diff"]) else None,
                )
            else:
                result, fixed = scan_paths(
                    paths,
                    config,
                    options,
                    on_outcome=lambda _o: tick(),
                    jobs=jobs,
                    cache_root=cache_root,
                    on_findings=write_findings if stream_out else None,
                    keep_findings=not stream_out,
                    on_file_fixed=apply_file_fixes if (opts["fix"] or opts["diff"]) else None,
                    stdin=opts.get("stdin"),
                )
        if opts["peers"] != "none" and not (opts["fix"] or opts["diff"]):
            # consensus rules: findings from story groups of 3+ versions (not fixed by --fix)
            from qc.scan import group_findings

            grouped = group_findings(paths, config, options, opts["peers"], result)
            if stream_out:
                write_findings(grouped)
            else:
                result.findings.extend(grouped)
    finally:
        if handle is not None:
            handle.close()
    result.errors.extend(errors)
    return result, diffs, streamed


def render_output(result: Any, fmt: str, opts: dict[str, Any], diffs: list[str]) -> str:
    if opts["diff"]:
        return "".join(diffs)
    if fmt == "text":
        from qc.report import text

        if opts["statistics"]:
            return text.statistics(result) + "\n" if result.findings else ""
        return text.render(result, show_fixes=opts["show_fixes"], colour=sys.stdout.isatty() and not opts["output_file"])
    from qc.report import render

    return render(fmt, result)


def exit_code(result: Any, opts: dict[str, Any], config_fail_on: str, ranks: dict[str, int], has_diff: bool) -> int:
    if result.errors and result.articles_scanned == 0:
        return EXIT_ERROR
    threshold = ranks[opts["fail_on"] or config_fail_on]
    failing = any(ranks[f.severity] >= threshold for f in result.findings)
    if opts["diff"]:
        failing = has_diff
    if result.errors:
        return EXIT_ERROR if not opts["exit_zero"] else EXIT_CLEAN
    if opts["exit_zero"]:
        return EXIT_CLEAN
    return EXIT_FINDINGS if failing else EXIT_CLEAN
