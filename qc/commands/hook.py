"""`qc hook-dedup`: the near-duplicate check behind the `qc-dedup` pre-commit hook.

Checks the given (staged) articles against the index named in `[tool.qc]` (`index = ...`,
or `--index DB`) and against each other, and names what each one copies or retells:

    wire/new.txt: copies archive/2024/old.txt (jaccard 0.93)
    wire/b.md: retells wire/a.md (story score 0.71)

An index entry from the same file is an earlier version of that article, not a copy, so
it is never reported (re-staging an edited, already indexed article passes). Exit codes:
0 nothing found, 1 a copy or retelling, 2 a bad input, a missing or unusable index, or a
configuration error (one line each on stderr; the other articles are still checked).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import Any

import click

from qc.commands.common import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, error, unit_interval
from qc.errors import QcError

VERBS = {"duplicate": "duplicates", "copy": "copies", "story": "retells"}


def same_file(ref: str, path: str) -> bool:
    """An indexed ref ("path" or "path:LINE" for a .jsonl record) that comes from `path`."""
    if ref == path:
        return True
    head, sep, tail = ref.rpartition(":")
    return bool(sep) and head == path and tail.isdigit()


def describe_index_match(match: Any, threshold: float) -> str:
    if match.kind == "duplicate":
        return f"{VERBS['duplicate']} {match.ref} (identical text)"
    if match.kind == "copy":
        detail = f"jaccard {match.similarity:.2f}"
        if match.similarity < threshold:  # a copy by containment: a truncated or extended copy
            detail += f", contained {match.containment:.2f}"
        return f"copies {match.ref} ({detail})"
    return f"retells {match.ref} (story overlap {match.similarity:.2f})"


def index_findings(articles: Sequence[Any], db: str, threshold: float, containment: float) -> list[list[str]]:
    """Per article, what it duplicates, copies or retells in the index (raises IndexDbError)."""
    from qc.dedup.index import Index

    with Index(db) as ix:
        results = ix.query(list(articles), threshold, containment)
    out: list[list[str]] = []
    for article, matches in zip(articles, results):
        out.append([describe_index_match(m, threshold) for m in matches if not same_file(m.ref, article.path)])
    return out


def staged_findings(articles: Sequence[Any], threshold: float, containment: float, tier: str) -> list[list[str]]:
    """Per article, which other staged article it copies or retells (its group's representative:
    the longest, then the earliest dated, then the first by path)."""
    out: list[list[str]] = [[] for _ in articles]
    if len(articles) < 2:
        return out
    from qc.dedup import find_clusters

    # No lint pass to pick representatives: a hook must stay fast.
    clusters = find_clusters(list(articles), threshold=threshold, tier=tier, containment=containment, findings=lambda _i: 0)
    for cluster in clusters:
        rep = articles[cluster.representative].ref
        for member in cluster.members:
            if member.index == cluster.representative:
                continue
            if cluster.kind == "copy":
                text = f"copies {rep} (jaccard {member.similarity:.2f}"
                text += f", contained {member.containment:.2f})" if member.similarity < threshold else ")"
            else:
                text = f"retells {rep} (story score {member.similarity:.2f})"
            out[member.index].append(text)
    return out


@click.command("hook-dedup")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--index", "index_path", type=click.Path(dir_okay=False), default=None,
              help="Index DB to check against (default: `index` in [tool.qc]).")
@click.option("--no-index", is_flag=True, help="Only check the given articles against each other.")
@click.option("--config", "config_path", type=click.Path(), help="Use this qc.toml or pyproject.toml.")
@click.option("--force-exclude", is_flag=True, help="Skip staged files that `exclude` in the config matches.")
@click.option("--threshold", type=float, default=0.8, show_default=True, callback=unit_interval,
              help="Jaccard similarity (word 5-gram shingles) at which two articles are copies.")
@click.option("--containment", type=float, default=0.8, show_default=True, callback=unit_interval,
              help="Share of the shorter article found in the other at which it is a copy.")
@click.option("--tier", type=click.Choice(["copies", "all"]), default="all", show_default=True,
              help="Among the given articles: copies only, or copies and same-story retellings.")
def hook_dedup(paths: tuple[str, ...], index_path: str | None, no_index: bool, config_path: str | None,
               force_exclude: bool, threshold: float, containment: float, tier: str) -> None:
    """Check staged articles against the near-duplicate index and each other (pre-commit hook)."""
    if not paths:
        sys.exit(EXIT_CLEAN)  # pre-commit passes no files when none of its type is staged
    from qc.config import config_for
    from qc.corpus import iter_articles

    try:
        config = config_for(list(paths), config_path)
    except QcError as exc:
        error(exc.describe())
        sys.exit(EXIT_ERROR)
    db = None
    if not no_index:
        db = index_path or (config.resolve(config.index) if config.index else None)
        if db is None:
            where = str(config.source) if config.source else "pyproject.toml or qc.toml"
            error(f"{where}: no near-duplicate index configured; set `index = \"...\"` in [tool.qc], "
                   "pass --index DB, or --no-index")
            sys.exit(EXIT_ERROR)

    if db is not None and not os.path.lexists(db) and os.path.isdir(os.path.dirname(db) or "."):
        # The first run in a fresh repository: an empty index, so the hook works from the
        # first commit (staged articles are still checked against each other); say so.
        from qc.dedup.index import Index

        try:
            Index(db, create=True).close()
            click.echo(f"qc: note: {db}: no index yet, created an empty one; add the articles you "
                       f"already have with `qc index add {db} FOLDER`", err=True)
        except QcError as exc:
            error(exc.describe())
            sys.exit(EXIT_ERROR)

    articles = []
    errors = 0
    exclude = config.exclude if (force_exclude or config.force_exclude) else ()
    for item in iter_articles(paths, exclude, max_mb=config.max_article_size, force_exclude=True):
        if isinstance(item, QcError):
            error(item.describe())
            errors += 1
        else:
            articles.append(item)

    found: list[list[str]] = [[] for _ in articles]
    if db is not None and articles:
        try:
            found = index_findings(articles, db, threshold, containment)
        except QcError as exc:
            error(exc.describe())
            errors += 1
    for k, extra in enumerate(staged_findings(articles, threshold, containment, tier)):
        found[k].extend(extra)

    flagged = 0
    for article, lines in zip(articles, found):
        if lines:
            flagged += 1
        for line in lines:
            click.echo(f"{article.ref}: {line}")
    if flagged:
        click.echo(f"{flagged} of {len(articles)} articles flagged as copies or retellings; "
                   "if that is intended, commit with SKIP=qc-dedup")
    if errors:
        sys.exit(EXIT_ERROR)
    sys.exit(EXIT_FINDINGS if flagged else EXIT_CLEAN)


# The CLI's lazy group looks commands up by their command name.
globals()["hook-dedup"] = hook_dedup
