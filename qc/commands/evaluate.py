"""`qc eval`: measure the active rules against a span-annotated corpus."""

from __future__ import annotations

import json
import sys

import click

from qc.errors import QcError


@click.command("eval")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, help="Output format.")
@click.option("--select", multiple=True, help="Rule codes or prefixes to enable (comma-separated; ALL for every rule).")
@click.option("--extend-select", multiple=True, help="Codes to enable on top of the selection.")
@click.option("--ignore", multiple=True, help="Rule codes or prefixes to disable.")
@click.option("--rules", "rule_paths", multiple=True, type=click.Path(), help="Extra rule pack file or folder.")
@click.option("--no-default-rules", is_flag=True, help="Use only the packs given with --rules.")
@click.option("--config", "config_path", type=click.Path(), help="Use this qc.toml or pyproject.toml.")
@click.option("--scores", is_flag=True, help="Also validate the quality score against the records' human `mqm` (system-level and within-story pairwise accuracy, Kendall tau).")
@click.option("--peers", default="auto", show_default=True, metavar="auto|none|FIELD",
              help="With --scores: how the consensus term finds other translations of a story: qc's story tier (auto), a metadata field, or none.")
@click.option("--min-fires", type=int, default=1, show_default=True, help="Text format: list rules that fired at least this often.")
@click.option("-o", "--output-file", type=click.Path(dir_okay=False), help="Write the report here instead of stdout.")
def eval(paths: tuple[str, ...], fmt: str, scores: bool, peers: str, min_fires: int, output_file: str | None, **opts: object) -> None:  # noqa: A001
    """Measure rules against span-annotated articles (.jsonl with `text` and `errors`).

    Prints finding-level precision (a finding counts when it overlaps a merged
    annotated span), the chance level, recall per annotated category and a
    per-rule table. Example:

        qc eval ../shared/data/mqm-wmt23-zhen/dev/articles.jsonl --select MT4
    """
    from qc.commands.common import emit, fail, report_error, rule_selection
    from qc.config import config_for
    from qc.evaluate import evaluate_paths, render_text
    from qc.progress import progress_bar

    try:
        config = config_for(list(paths), opts["config_path"])  # type: ignore[arg-type]
        options = rule_selection(opts)  # type: ignore[arg-type]
        with progress_bar(desc="eval", unit="article") as tick:
            result = evaluate_paths(paths, config, options, scores=scores, on_article=lambda _a: tick(), peers=peers)
    except QcError as exc:
        fail(exc.describe())
    for error in result.errors:
        report_error(error)
    if result.articles == 0:
        fail("no annotated articles were read")
    if fmt == "json":
        output = json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n"
    else:
        output = render_text(result, min_fires)
    emit(output, output_file)
    sys.exit(2 if result.errors else 0)
