"""`qc dedup` and `qc index`: near-duplicate groups, merging, and the persistent index.

Exit codes: 0 no groups (no matches), 1 groups found (a query matched), 2 usage or
input error (bad files are reported one line each; the run continues on the rest).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Sequence
from typing import Any

import click

from qc.commands.common import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, error, fail, unit_interval
from qc.errors import QcError
from qc.finding import escape_lone_surrogates



def render_clusters_text(clusters: Sequence[Any], articles: Any, total: int | None = None) -> str:
    lines = []
    for c in clusters:
        lines.append(f"cluster {c.id}: {c.kind}, {len(c.members)} articles")
        lines.append(f"  representative: {c.representative_ref} ({c.reason})")
        for m in c.members:
            if m.index == c.representative:
                continue
            what = "jaccard" if c.kind == "copy" else "story score"
            part = "contained" if c.kind == "copy" else "sentences aligned"
            lines.append(f"  {m.ref}  {what} {m.similarity:.3f}, {part} {m.containment:.3f}")
        lines.append("")
    n_copy = sum(c.kind == "copy" for c in clusters)
    n_story = len(clusters) - n_copy
    noun = "group" if len(clusters) == 1 else "groups"
    total = len(articles) if total is None else total
    lines.append(f"{len(clusters)} {noun} ({n_copy} copy, {n_story} story) among {total} articles")
    return "\n".join(lines) + "\n"


@click.command("dedup")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--threshold", type=float, default=0.8, show_default=True, callback=unit_interval,
              help="Jaccard similarity (word 5-gram shingles) at which two articles are copies.")
@click.option("--containment", type=float, default=0.8, show_default=True, callback=unit_interval,
              help="Share of the shorter article's shingles found in the other at which it is a (truncated) copy.")
@click.option("--tier", type=click.Choice(["copies", "stories", "all"]), default="all", show_default=True,
              help="copies: near-verbatim copies; stories: the same story in other words; all: both.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--merge", "merge_dir", type=click.Path(file_okay=False), default=None,
              help="Write one merged Markdown story per group into this folder (inputs are not changed); it must be empty or new.")
@click.option("--force", is_flag=True, help="Let --merge write into a non-empty folder (files of the same name are replaced; symbolic links are replaced, never followed).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Worker processes for signatures (default: number of cores; used only for large inputs).")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="dask: run the copy tier (signatures, banding, verification, components) on a Dask cluster.")
@click.option("--scheduler", default=None, metavar="ADDRESS",
              help="Dask scheduler address (tcp://host:8786) or scheduler file (.json); default: a local cluster.")
def dedup(paths: tuple[str, ...], threshold: float, containment: float, tier: str, fmt: str, merge_dir: str | None,
          jobs: int | None, engine: str, scheduler: str | None, force: bool) -> None:
    """Find near-copies and same-story groups among articles (.txt, .md, .jsonl, folders)."""
    from pathlib import Path

    from qc.dedup.merge import check_output_folder
    from qc.dedup.source import ArticleSource

    if scheduler is not None and engine != "dask":
        fail("--scheduler needs --engine dask")
    if merge_dir is not None:
        try:
            check_output_folder(Path(merge_dir), force)  # before the work, not after
        except QcError as exc:
            fail(exc.describe())
    source = ArticleSource()  # holds where each article is; texts are re-read when needed
    errors = 0

    def bad(exc: QcError) -> None:
        nonlocal errors
        error(exc.describe())
        errors += 1

    try:
        if engine == "dask":
            clusters = _dedup_dask(source, source.read(paths, bad), scheduler, jobs, threshold, containment, tier)
        else:
            clusters = _dedup_local(source, source.read(paths, bad), paths, jobs, threshold, containment, tier)
        _report(clusters, source, len(source), fmt, merge_dir, force)
    except QcError as exc:  # Dask unavailable, or an input changed between the passes
        fail(exc.describe())
    if errors:
        sys.exit(EXIT_ERROR)
    sys.exit(EXIT_FINDINGS if clusters else EXIT_CLEAN)


STREAM_CHUNK = 4096  # texts signed at once (the only texts held during the first pass)
PARALLEL_MIN_BYTES = 20_000_000  # below this, a process pool costs more than it saves


def _chunks(articles: Iterator[Any]) -> Iterator[list[str]]:
    buf: list[str] = []
    for article in articles:
        buf.append(article.text)
        if len(buf) >= STREAM_CHUNK:
            yield buf
            buf = []
    if buf:
        yield buf


def _dedup_local(source: Any, first_pass: Iterator[Any], paths: Sequence[str], jobs: int | None,
                 threshold: float, containment: float, tier: str) -> list[Any]:
    """Both tiers holding signatures and fingerprints, not texts.

    The copy tier signs the texts as the first pass streams them, then re-reads the
    candidates once, one verification chunk at a time, and builds that chunk's copy
    clusters (representatives ranked in batches) while it holds them
    (cluster.stream_copy_clusters); a story-only run just locates the articles. The
    story tier then works over the ArticleSource, which re-reads what it needs.
    """
    from qc.corpus import discover
    from qc.dedup import find_clusters
    from qc.dedup.cluster import Ranking, stream_copy_clusters

    size = sum(p.stat().st_size for p in discover(paths) if not isinstance(p, QcError))
    workers = dedup_workers(jobs, size)
    ranking = Ranking(source)
    copy_groups = None
    if tier in ("copies", "all"):
        copy_groups, _ = stream_copy_clusters(source, _chunks(first_pass), threshold, containment, ranking, jobs=workers)
    else:
        for _ in first_pass:  # locate every article; nothing else is needed up front
            pass
    if not len(source):
        fail("no articles were read")
    return find_clusters(source, threshold=threshold, tier=tier, containment=containment, findings=ranking,
                         copy_groups=copy_groups, jobs=workers)


def dedup_workers(jobs: int | None, size: int) -> int:
    """Processes for a run over `size` bytes: `-j` (default: the cores), but one below
    PARALLEL_MIN_BYTES, where the pool's start-up costs more than it saves."""
    import os

    return (jobs or os.cpu_count() or 1) if size >= PARALLEL_MIN_BYTES else 1


def _dedup_dask(source: Any, first_pass: Iterator[Any], scheduler: str | None, jobs: int | None,
                threshold: float, containment: float, tier: str) -> list[Any]:
    """The copy tier on Dask. The texts are shipped to the workers, partition by
    partition, from the ArticleSource (the client builds each partition's list)."""
    from qc.engines.dask import dask_client, find_clusters_dask

    for _ in first_pass:
        pass
    if not len(source):
        fail("no articles were read")
    import os

    with dask_client(scheduler, jobs) as client:
        # the story tier runs here, in a local pool of -j processes (the workers are idle by then)
        local_jobs = jobs or os.cpu_count() or 1
        return find_clusters_dask(source, client, threshold=threshold, tier=tier, containment=containment, jobs=local_jobs)


def _report(clusters: Sequence[Any], articles: Any, total: int, fmt: str, merge_dir: str | None, force: bool = False) -> None:
    if fmt == "json":
        doc = {"version": 1, "clusters": [c.to_json(articles) for c in clusters]}
        click.echo(escape_lone_surrogates(json.dumps(doc, indent=2, ensure_ascii=False)))
    else:
        click.echo(render_clusters_text(clusters, articles, total), nl=False)
    if merge_dir is not None:
        from qc.dedup.merge import write_merged

        try:
            written = write_merged(clusters, articles, merge_dir, force)
        except OSError as exc:
            fail(f"{merge_dir}: cannot write merged stories: {exc.strerror or exc}")
        click.echo(f"wrote {len(written)} merged stories to {merge_dir}", err=True)


@click.group("index")
def index() -> None:
    """A persistent near-duplicate index (SQLite) for incoming articles."""


def _open(db: str, create: bool = False) -> Any:
    from qc.dedup.index import Index

    try:
        return Index(db, create=create)
    except QcError as exc:
        fail(exc.describe())


_MAX_SIZE = click.option(
    "--max-article-size", type=click.FloatRange(min=0.001), default=20.0, show_default=True, metavar="MB",
    help="Refuse articles (files or .jsonl records) larger than this.",
)


class _Stream:
    """Articles under the paths, read lazily (bounded memory); bad inputs are reported as they come."""

    def __init__(self, paths: Sequence[str], max_mb: float) -> None:
        self.paths, self.max_mb, self.errors = paths, max_mb, 0

    def __iter__(self) -> Any:
        from qc.corpus import iter_articles

        for item in iter_articles(self.paths, max_mb=self.max_mb):
            if isinstance(item, QcError):
                error(item.describe())
                self.errors += 1
            else:
                yield item


def _one_line(ref: str) -> str:
    return "".join(c if c.isprintable() or c == " " else repr(c)[1:-1] for c in ref)


@index.command("add")
@click.argument("db", type=click.Path(dir_okay=False))
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--batch-size", type=click.IntRange(min=1), default=500, show_default=True,
              help="Articles per transaction: a crash loses at most the batch in flight.")
@click.option("-v", "--verbose", is_flag=True,
              help="After each committed batch, print `added REF` or `exists REF` per article (flushed).")
@_MAX_SIZE
def index_add(db: str, paths: tuple[str, ...], batch_size: int, verbose: bool, max_article_size: float) -> None:
    """Add articles to the index DB (created if missing); an article already there is skipped.

    Articles are committed in batches; with -v every article is listed once its batch is
    committed, so a line printed means the article is safely in the index.
    """
    stream = _Stream(paths, max_article_size)

    def committed(batch: list[tuple[Any, bool]]) -> None:
        if verbose:  # one line per article, whatever its name holds (control characters escaped)
            click.echo("".join(f"{'added' if new else 'exists'} {_one_line(a.ref)}\n" for a, new in batch), nl=False)

    with _open(db, create=True) as ix:
        try:
            added, skipped = ix.add(stream, batch_size=batch_size, on_commit=committed)
        except QcError as exc:
            fail(exc.describe())
    click.echo(f"added {added} articles, {skipped} already indexed")
    sys.exit(EXIT_ERROR if stream.errors else EXIT_CLEAN)


@index.command("query")
@click.argument("db", type=click.Path(dir_okay=False))
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--threshold", type=float, default=0.8, show_default=True, callback=unit_interval)
@click.option("--containment", type=float, default=0.8, show_default=True, callback=unit_interval)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@_MAX_SIZE
def index_query(db: str, paths: tuple[str, ...], threshold: float, containment: float, fmt: str, max_article_size: float) -> None:
    """Which indexed articles each new article duplicates, copies or retells (exit 1 if any)."""
    ix = _open(db)
    stream = _Stream(paths, max_article_size)
    articles = list(stream)
    with ix:
        try:
            results = ix.query(articles, threshold, containment)
        except QcError as exc:
            fail(exc.describe())
    if fmt == "json":
        doc = {
            "version": 1,
            "results": [
                {
                    "path": a.ref,
                    "matches": [
                        {"path": m.ref, "kind": m.kind, "similarity": round(m.similarity, 4), "containment": round(m.containment, 4)}
                        for m in ms
                    ],
                }
                for a, ms in zip(articles, results)
            ],
        }
        click.echo(escape_lone_surrogates(json.dumps(doc, indent=2, ensure_ascii=False)))
    else:
        verbs = {"duplicate": "duplicates", "copy": "copies", "story": "retells"}
        for a, ms in zip(articles, results):
            for m in ms:
                click.echo(f"{a.ref}: {verbs[m.kind]} {m.ref} (similarity {m.similarity:.3f}, containment {m.containment:.3f})")
        n = sum(bool(ms) for ms in results)
        click.echo(f"{n} of {len(articles)} articles match indexed ones")
    if stream.errors:
        sys.exit(EXIT_ERROR)
    sys.exit(EXIT_FINDINGS if any(results) else EXIT_CLEAN)


@index.command("stats")
@click.argument("db", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def index_stats(db: str, fmt: str) -> None:
    """Articles, band keys and size of the index."""
    with _open(db) as ix:
        try:
            stats = ix.stats()
        except QcError as exc:
            fail(exc.describe())
    if fmt == "json":
        click.echo(json.dumps(stats, indent=2))
    else:
        for key, value in stats.items():
            click.echo(f"{key}: {value}")


@index.command("check")
@click.argument("db", type=click.Path(dir_okay=False))
def index_check(db: str) -> None:
    """Check the index: SQLite's integrity check and qc's own consistency checks (exit 2 on a problem)."""
    with _open(db) as ix:
        try:
            problems = ix.check()
            articles = ix.stats()["articles"]
        except QcError as exc:
            fail(exc.describe())
    for problem in problems:
        error(f"{db}: {problem}")
    if problems:
        sys.exit(EXIT_ERROR)
    click.echo(f"{db}: ok ({articles} articles)")
