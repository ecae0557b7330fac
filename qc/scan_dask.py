"""`qc scan --engine dask`: lint on a Dask cluster, fold the results here in input order.

The client discovers the files and cuts the work into tasks: small files go in groups,
a large .jsonl file is cut into byte ranges on line boundaries (the client counts the
newlines before each cut, reading the file once in 16 MB blocks, so every record keeps
its line number). Workers read their files or ranges themselves — on a real cluster the
paths must be visible to the workers (a shared file system) — lint them with the same
Scanner as the local engine, and return outcomes. The client folds the outcomes through
the local engine's Sink in input order, with a bounded window of tasks in flight, so
the result (findings, order, errors, fixes) is identical to `qc.scan.scan_paths` and the
client's memory does not grow with the corpus (with keep_findings=False).

The results cache (.qc_cache/) is not used by this engine.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from qc.config import Config
from qc.corpus import Article, display_path, load_file, load_jsonl
from qc.errors import InputError, QcError
from qc.finding import Finding, ScanResult
from qc.scan import ArticleOutcome, Scanner, ScanOptions, Sink, active_rules

TASK_BYTES = 4_000_000  # input per task: large enough to amortise scheduling
WINDOW = 16  # tasks in flight per worker... times the number of workers

_scanners: dict[str, Scanner] = {}


def _scanner(config: Config, options: ScanOptions) -> Scanner:
    """One Scanner per worker process and settings (compiling the rules is the costly part)."""
    key = repr((config, options))
    got = _scanners.get(key)
    if got is None:
        _scanners.clear()
        got = _scanners[key] = Scanner(active_rules(config, options), config, options)
    return got


def load_jsonl_range(path: Path, lo: int, hi: int, first_line: int, max_mb: float) -> Iterator[Article | InputError]:
    """The records of a .jsonl file whose lines start in [lo, hi); `lo` is a line start
    and `first_line` its line number."""
    return load_jsonl(path, display_path(path), int(max_mb * 1_000_000), lo, hi, first_line)


def _outcomes(scanner: Scanner, items: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """The items with each ("article", a) replaced by its ("outcome", o); articles are
    linted in batches (Scanner.scan_articles), as a one-process scan does."""
    from qc.lint.engine import batches

    articles = [item[1] for item in items if item[0] == "article"]
    outcomes: list[ArticleOutcome] = []
    for batch in batches(articles, lambda article: len(article.text)):
        outcomes.extend(scanner.scan_articles(batch))
    found = iter(outcomes)
    out = []
    for item in items:
        if item[0] == "article":
            outcome = next(found)
            if outcome.fixed_text is None:
                outcome.article.text = ""  # not needed any more; keeps results small
            item = ("outcome", outcome)
        out.append(item)
    return out


def _run_task(task: list[tuple[Any, ...]], config: Config, options: ScanOptions) -> list[tuple[Any, ...]]:
    """Runs on a worker: ("file", path) and ("range", path, lo, hi, line, first, last) units."""
    scanner = _scanner(config, options)
    out: list[tuple[Any, ...]] = []
    for unit in task:
        path = Path(unit[1])
        if unit[0] == "file":
            out.append(("begin", path))
            loaded: Iterator[Article | QcError] = load_file(path, config.max_article_size)
        else:
            _, _, lo, hi, line, first, _last = unit
            if first:
                out.append(("begin", path))
            loaded = load_jsonl_range(path, lo, hi, line, config.max_article_size)
        for item in loaded:
            out.append(("error", item) if isinstance(item, QcError) else ("article", item))
        if unit[0] == "file" or unit[-1]:
            out.append(("end", path, None))
    return _outcomes(scanner, out)


def _line_cuts(path: Path, every: int) -> list[tuple[int, int, int]]:
    """(start, end, first line number) of ranges of about `every` bytes, cut after a newline."""
    size = path.stat().st_size
    cuts: list[tuple[int, int]] = [(0, 1)]  # (offset, line number of the line starting there)
    with path.open("rb") as handle:
        pos, line, target = 0, 1, every
        while True:
            block = handle.read(16 << 20)
            if not block:
                break
            start = 0
            while pos + len(block) > target:
                at = block.find(b"\n", max(start, target - pos))
                if at < 0:
                    break
                line_here = line + block.count(b"\n", 0, at + 1)
                if pos + at + 1 < size:
                    cuts.append((pos + at + 1, line_here))
                target = pos + at + 1 + every
                start = at + 1
            line += block.count(b"\n")
            pos += len(block)
    bounds = [c[0] for c in cuts] + [size]
    return [(bounds[k], bounds[k + 1], cuts[k][1]) for k in range(len(cuts))]


def plan_tasks(paths: list[str], config: Config, task_bytes: int = TASK_BYTES) -> Iterator[tuple[str, Any]]:
    """("error", QcError) or ("task", units) in input order."""
    from qc.corpus import discover

    group: list[tuple[Any, ...]] = []
    size = 0
    for item in discover(paths, config.exclude):
        if isinstance(item, QcError):
            if group:
                yield ("task", group)
                group, size = [], 0
            yield ("error", item)
            continue
        try:
            nbytes = item.stat().st_size
        except OSError:
            nbytes = 0
        if item.suffix.lower() == ".jsonl" and nbytes > task_bytes:
            if group:
                yield ("task", group)
                group, size = [], 0
            ranges = _line_cuts(item, task_bytes)
            for k, (lo, hi, line) in enumerate(ranges):
                yield ("task", [("range", str(item), lo, hi, line, k == 0, k == len(ranges) - 1)])
            continue
        group.append(("file", str(item)))
        size += nbytes
        if size >= task_bytes or len(group) >= 256:
            yield ("task", group)
            group, size = [], 0
    if group:
        yield ("task", group)


def scan_with_dask(
    paths: Any,
    config: Config,
    options: ScanOptions,
    scheduler: str | None = None,
    *,
    client: Any = None,
    on_outcome: Callable[[ArticleOutcome], None] | None = None,
    on_findings: Callable[[list[Finding]], None] | None = None,
    keep_findings: bool = True,
    on_file_fixed: Callable[[list[ArticleOutcome]], dict[str, bool] | None] | None = None,
    task_bytes: int = TASK_BYTES,
) -> tuple[ScanResult, list[ArticleOutcome]]:
    """`qc.scan.scan_paths` on a Dask cluster: at `scheduler` (an address or a scheduler
    file), on `client` if given, else on a new LocalCluster. Same result, same order."""
    from collections import deque

    from qc.dedup.dask_engine import dask_client

    paths = list(paths)
    rules = active_rules(config, options)  # validates the packs here, before any task runs
    result = ScanResult(rules={r.id: r.info() for r in rules})
    outcomes: list[ArticleOutcome] = []
    files: set[str] = set()
    pending: dict[str, dict[str, Any]] = {}
    sink = Sink(result, outcomes, files, pending, None, on_outcome, on_findings, keep_findings, on_file_fixed)

    def run(cl: Any) -> None:
        workers = max(1, len(cl.scheduler_info().get("workers", {})))
        window: deque[tuple[str, Any]] = deque()
        conf, opts = cl.scatter([config, options], broadcast=True)
        for kind, value in plan_tasks(paths, config, task_bytes):
            if kind == "task":
                window.append(("future", cl.submit(_run_task, value, conf, opts, pure=False)))
            else:
                window.append(("error", value))
            while len(window) > WINDOW * workers:
                drain(window.popleft())
        while window:
            drain(window.popleft())

    def drain(entry: tuple[str, Any]) -> None:
        kind, value = entry
        if kind == "error":
            sink.collect(("error", value))
            return
        for item in value.result():
            sink.collect(item)
        value.release()

    if client is not None:
        run(client)
    else:
        with dask_client(scheduler) as cl:
            run(cl)
    result.files_scanned = len(files)
    return result, outcomes


__all__ = ["scan_with_dask", "plan_tasks", "load_jsonl_range"]
