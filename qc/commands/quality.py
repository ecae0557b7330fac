"""`qc score` (rank articles by quality score) and `qc report` (self-contained HTML report)."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from typing import Any

import click

from qc.errors import QcError


def rule_options(f: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed(
        [
            click.option("--select", multiple=True, help="Rule codes or prefixes to enable (comma-separated; ALL for every rule)."),
            click.option("--extend-select", multiple=True, help="Codes to enable on top of the selection."),
            click.option("--ignore", multiple=True, help="Rule codes or prefixes to disable."),
            click.option("--rules", "rule_paths", multiple=True, type=click.Path(), help="Extra rule pack file or folder."),
            click.option("--no-default-rules", is_flag=True, help="Use only the packs given with --rules."),
            click.option("--config", "config_path", type=click.Path(), help="Use this qc.toml or pyproject.toml."),
            click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, help="Worker processes (default: number of cores; used only for large inputs)."),
        ]
    ):
        f = option(f)
    return f


def peers_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--peers", default="auto", show_default=True, metavar="auto|none|FIELD",
        help="Other translations of the same story, for the consensus term: found by qc's story tier (auto), "
        "grouped by a metadata field (e.g. story), or none (each article scored alone).",
    )(f)


def run_scoring(paths: tuple[str, ...], opts: dict[str, Any], keep_text: bool, desc: str) -> tuple[list[Any], Any]:
    from qc.commands.common import fail, report_error, rule_selection
    from qc.config import config_for
    from qc.progress import progress_bar
    from qc.scoring import score_paths

    paths = paths or (".",)
    try:
        config = config_for(list(paths), opts["config_path"])
        options = rule_selection(opts)
        with progress_bar(desc=desc, unit="article") as tick:
            jobs = opts.get("jobs") or os.cpu_count() or 1
            scored, result = score_paths(
                paths, config, options, on_article=lambda _o: tick(), keep_text=keep_text, jobs=jobs, peers=opts.get("peers", "none")
            )
    except QcError as exc:
        fail(exc.describe())
    for error in result.errors:
        report_error(error)
    if not scored:
        fail("no articles were scored")
    return scored, result


@click.command("score")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--by", "by_field", help="Average the score per value of this metadata field (e.g. system, story).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("-n", "--limit", type=int, help="Show only the N worst articles (or groups).")
@click.option("-o", "--output-file", type=click.Path(dir_okay=False), help="Write here instead of stdout.")
@peers_option
@rule_options
def score(paths: tuple[str, ...], by_field: str | None, fmt: str, limit: int | None, output_file: str | None, **opts: Any) -> None:
    """Rank articles by translation-quality score (0 unusable – 100 clean), worst first.

    The score combines severity-weighted finding density, untranslated share,
    garbled-token rate, lexical plainness, run-on sentences and, when the input
    holds several translations of one story, agreement with them (--peers); see
    `qc.quality` for the formula.
    """
    from qc.commands.common import emit
    from qc.scoring import group_by, rank

    scored, result = run_scoring(paths, opts, keep_text=False, desc="score")
    if by_field:
        rows = group_by(scored, by_field)[: limit or None]
        if fmt == "json":
            output = json.dumps({"version": 1, "by": by_field, "groups": rows}, indent=2, ensure_ascii=False, default=str) + "\n"
        else:
            width = max([len(by_field)] + [len(str(r[by_field])) for r in rows])
            lines = [f"{by_field:<{width}}  {'mean':>6} {'min':>6} {'max':>6} {'articles':>8} {'findings':>8}"]
            for r in rows:
                lines.append(f"{str(r[by_field]):<{width}}  {r['mean']:>6.2f} {r['min']:>6.1f} {r['max']:>6.1f} {r['articles']:>8} {r['findings']:>8}")
            output = "\n".join(lines) + "\n"
    else:
        ranked = rank(scored)[: limit or None]
        if fmt == "json":
            doc = {"version": 1, "articles": [{"path": s.ref, "findings": s.findings, **s.quality.to_dict()} for s in ranked]}
            output = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
        else:
            lines = [f"{'score':>6} {'findings':>8} {'words':>6}  article"]
            for s in ranked:
                lines.append(f"{s.quality.score:>6.1f} {s.findings:>8} {s.quality.words:>6}  {s.ref}")
            output = "\n".join(lines) + "\n"
    emit(output, output_file)
    sys.exit(2 if result.errors else 0)


def report_groups(scored: list[Any], paths: tuple[str, ...], exclude: list[str], tick: Callable[..., None]) -> tuple[list[dict[str, Any]], str]:
    """Near-duplicate clusters from qc.dedup, plus groups by a `story` metadata field."""
    groups: list[dict[str, Any]] = []
    note = ""
    refs = {s.ref: s for s in scored}
    try:
        from qc.corpus import Article
        from qc.dedup import find_clusters
    except ImportError as exc:  # the dedup package is optional for the report
        note = f"near-duplicate detection unavailable ({exc})"
    else:
        articles = [Article(s.ref, s.text or "", s.metadata) for s in scored]
        counts = [s.findings for s in scored]
        try:
            clusters = find_clusters(articles, findings=lambda i: counts[i])
        except Exception as exc:  # noqa: BLE001 - the report must still be written
            note = f"near-duplicate detection failed: {exc}"
        else:
            for c in clusters:
                groups.append(
                    {
                        "kind": "copy" if c.kind == "copy" else "story",
                        "label": f"cluster {c.id} ({c.reason})" if c.reason else f"cluster {c.id}",
                        "members": [m.ref for m in c.members],
                        "representative": articles[c.representative].ref,
                    }
                )
        tick()
    by_story: dict[str, list[str]] = {}
    for s in scored:
        story = s.metadata.get("story")
        if isinstance(story, (str, int)):
            by_story.setdefault(str(story), []).append(s.ref)
    for story, members in sorted(by_story.items()):
        if len(members) > 1:
            members.sort(key=lambda r: (refs[r].quality.score, r))
            groups.append({"kind": "metadata story", "label": story, "members": members})
    return groups, note


def consensus_from_groups(scored: list[Any], result: Any, groups: list[dict[str, Any]]) -> None:
    """The consensus term over the report's own story clusters (what `--peers auto` would
    find), then metadata-story members re-sorted by the new scores."""
    from qc.scoring import add_consensus

    position = {s.ref: i for i, s in enumerate(scored)}
    stories = [[position[r] for r in g["members"]] for g in groups if g["kind"] == "story"]
    add_consensus(scored, "auto", result, groups=stories)
    for g in groups:
        if g["kind"] == "metadata story":
            g["members"].sort(key=lambda r: (scored[position[r]].quality.score, r))


@click.command("report")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("-o", "--output-file", type=click.Path(dir_okay=False), default="qc-report.html", show_default=True, help="The HTML file to write.")
@click.option("--title", default="qc report", show_default=True, help="Page title.")
@click.option("--no-groups", is_flag=True, help="Skip near-duplicate and story grouping.")
@peers_option
@rule_options
def report(paths: tuple[str, ...], output_file: str, title: str, no_groups: bool, **opts: Any) -> None:
    """Write a self-contained HTML report: scores, sortable table, highlighted texts, groups, chart."""
    from pathlib import Path

    from qc.commands.common import fail
    from qc.finding import escape_lone_surrogates
    from qc.fix import atomic_write
    from qc.progress import progress_bar
    from qc.report.html import render

    # with groups, the report's own story clusters serve the consensus term (one story tier run)
    reuse_groups = opts.get("peers") == "auto" and not no_groups
    scored, result = run_scoring(paths, {**opts, "peers": "none"} if reuse_groups else opts, keep_text=True, desc="report: scan")
    groups: list[dict[str, Any]] = []
    note = "grouping skipped (--no-groups)" if no_groups else ""
    if not no_groups:
        with progress_bar(desc="report: dedup", total=1, unit="step") as tick:
            groups, note = report_groups(scored, paths, [], tick)
        if reuse_groups:
            consensus_from_groups(scored, result, groups)
    page = render(scored, groups, note, title=title, rules=result.rules)
    try:
        atomic_write(Path(output_file), escape_lone_surrogates(page).encode("utf-8"))
    except OSError as exc:
        fail(f"{output_file}: cannot write report: {exc.strerror or exc}")
    click.echo(f"wrote {output_file}: {len(scored)} articles, {sum(s.findings for s in scored)} findings, {len(groups)} groups", err=True)
    sys.exit(2 if result.errors else 0)
