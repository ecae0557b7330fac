"""Dask, the distributed engine for scan and dedup alike: one client helper, the scan
engine (`qc scan --engine dask`) and the copy tier of dedup (`qc dedup --engine dask`).
Dask is an optional extra (`pip install 'qc[dask]'`); it is imported only when used.

Scan
----
`qc scan --engine dask`: lint on a Dask cluster, fold the results here in input order.

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

Dedup
-----
The copy tier on a Dask cluster: signatures, LSH banding, candidate verification and
connected components run as tasks over partitions of the corpus; the client receives
only the verified copy edges and their components (not signatures, keys or sets).

Task graph, for P text partitions and B key buckets (B = P):

    sign[p]        texts of partition p -> signatures + shingle values   (kept on a worker)
    keys[p][b]     band keys of sign[p] whose hash falls in bucket b
    pairs[b]       candidate pairs of the keys of bucket b, from every keys[.][b]
                   (a band key's whole run is in one bucket: same pairs as one sort)
    route[b][p]    the pairs of bucket b whose first article lives in partition p
    need[p][q]     the shingle sets partition p needs from partition q
    edges[p]       exact verification of partition p's pairs
    forest[p]      connected components of edges[p] (node -> root)
    merge(...)     tree reduction of the forests into the components of all edges

Everything is deterministic, and the edges and components equal the local engine's
(`copies.copy_edges` and `cluster.components`); cluster building, representatives and
the story tier then run on the client exactly as locally.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from qc.config import Config
from qc.corpus import Article, display_path, load_file, load_jsonl
from qc.dedup import copies
from qc.dedup.cluster import forest
from qc.dedup.minhash import NUM_PERM, Banding
from qc.errors import InputError, QcError
from qc.finding import Finding, ScanResult
from qc.scan import ArticleOutcome, Scanner, ScanOptions, Sink, active_rules


class DaskEngineError(QcError):
    """Dask is missing, or the scheduler cannot be reached."""


@contextmanager
def dask_client(scheduler: str | None = None, workers: int | None = None) -> Iterator[Any]:
    """A distributed Client: on `scheduler` (an address such as tcp://host:8786, or a
    scheduler file path ending in .json), else on a new LocalCluster of `workers`
    one-thread worker processes (default: the number of cores)."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise DaskEngineError("--engine dask", "Dask is not installed (pip install 'qc[dask]')") from None
    if scheduler:
        try:
            if scheduler.endswith(".json"):
                client = Client(scheduler_file=scheduler, timeout="20s")
            else:
                client = Client(scheduler, timeout="20s")
        except (OSError, TimeoutError, ValueError) as exc:
            raise DaskEngineError(scheduler, f"cannot connect to the Dask scheduler ({exc})") from None
        try:
            yield client
        finally:
            client.close()
        return
    import os

    n = workers or os.cpu_count() or 1
    with LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        with Client(cluster) as client:
            yield client


# -- scan -----------------------------------------------------------------------------------

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
    for item in discover(paths, config.exclude, config.force_exclude):
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
        conf, opts = cl.scatter([config, options], broadcast=True, hash=False)  # see below: dask/distributed#8576
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


# -- dedup ---------------------------------------------------------------------------------

TEXTS_PER_PARTITION = 2000


# -- tasks (module level: picklable by reference) ---------------------------------------


def _sign(texts: Sequence[str], start: int, num_perm: int) -> dict[str, Any]:
    batch = copies.shingle_texts(texts, num_perm)
    assert isinstance(batch.sets, copies.LazySets)
    return {"start": start, "sigs": batch.sigs, "values": batch.sets.values, "bounds": batch.sets.bounds}


def _bucket_keys(part: dict[str, Any], banding: Banding, buckets: int) -> list[tuple[np.ndarray, np.ndarray]]:
    sigs = part["sigs"]
    keys = banding.keys(sigs).ravel()
    docs = np.repeat(np.arange(part["start"], part["start"] + len(sigs), dtype=np.int64), banding.bands)
    which = keys % np.uint64(buckets)
    return [(keys[which == b], docs[which == b]) for b in range(buckets)]


def _bucket_pairs(*pieces: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    # pieces come in partition order, docs ascending inside each: a stable sort keeps
    # equal keys in document order, as the local engine's single sort does
    keys = np.concatenate([k for k, _ in pieces]) if pieces else np.zeros(0, dtype=np.uint64)
    docs = np.concatenate([d for _, d in pieces]) if pieces else np.zeros(0, dtype=np.int64)
    return copies.pairs_from_keys(keys, docs)


def _route(pairs: np.ndarray, starts: np.ndarray) -> list[np.ndarray]:
    owner = np.searchsorted(starts, pairs[:, 0], side="right") - 1
    return [pairs[owner == p] for p in range(len(starts))]


def _concat_pairs(*parts: np.ndarray) -> np.ndarray:
    pairs = np.concatenate(parts) if parts else np.zeros((0, 2), dtype=np.int64)
    return np.unique(pairs, axis=0) if len(pairs) else pairs.reshape(0, 2)


def _sets_of(part: dict[str, Any], docs: np.ndarray) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    lazy = copies.LazySets(part["values"], part["bounds"])
    start = part["start"]
    return {int(d): (lazy[int(d) - start], part["sigs"][int(d) - start]) for d in docs}


def _needed(pairs: np.ndarray, lo: int, hi: int) -> np.ndarray:
    docs = np.unique(pairs.ravel())
    return docs[(docs >= lo) & (docs < hi)]


def _verify(pairs: np.ndarray, threshold: float, containment: float,
            *found: dict[int, tuple[np.ndarray, np.ndarray]]) -> list[tuple[int, int, float, float, float, float]]:
    sets: dict[int, np.ndarray] = {}
    row: dict[int, int] = {}
    sig_rows = []
    for d in found:
        for doc, (shingles, sig) in d.items():
            sets[doc] = shingles
            row[doc] = len(sig_rows)
            sig_rows.append(sig)
    if len(pairs):
        sigs = np.stack(sig_rows)
        local = np.array([[row[i], row[j]] for i, j in pairs.tolist()], dtype=np.int64)
        # the same test as copies.plausible_pairs, on this partition's rows
        agree = np.count_nonzero(sigs[local[:, 0]] == sigs[local[:, 1]], axis=1)
        pairs = pairs[agree >= copies.min_estimate(threshold, containment, sigs.shape[1]) * sigs.shape[1]]
    edges = copies.verify_pairs(pairs, sets, threshold, containment)
    return [(i, j, o.jaccard, o.containment, o.contained_a, o.contained_b) for (i, j), o in edges.items()]


def _forest_of(edge_rows: list[tuple[int, int, float, float, float, float]]) -> tuple[np.ndarray, np.ndarray]:
    edges = np.array([(i, j) for i, j, *_ in edge_rows], dtype=np.int64).reshape(-1, 2)
    return forest(edges)


def _merge_forests(*forests: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    links = [np.stack([n, r], axis=1) for n, r in forests if len(n)]
    return forest(np.concatenate(links)) if links else forest(np.zeros((0, 2), dtype=np.int64))


def _tree_reduce(items: list[Any], combine: Callable[..., Any], fan_in: int = 8) -> Any:
    from dask import delayed

    while len(items) > 1:
        items = [delayed(combine)(*items[k : k + fan_in]) for k in range(0, len(items), fan_in)]
    return items[0] if items else delayed(combine)()


# -- the engine -----------------------------------------------------------------------------


def copy_graph_dask(
    texts: Sequence[str],
    threshold: float,
    containment: float,
    client: Any,
    partition_size: int = TEXTS_PER_PARTITION,
    num_perm: int = NUM_PERM,
) -> tuple[dict[tuple[int, int], copies.Overlap], list[list[int]]]:
    """Verified copy edges (i < j) and the connected components (each sorted, with two
    or more articles) of `texts`, computed on the Dask cluster behind `client`."""
    from dask import delayed

    n = len(texts)
    banding = copies.banding_for(threshold, containment, num_perm)
    bounds = list(range(0, n, max(1, partition_size))) or [0]
    P = len(bounds)
    starts = np.array(bounds, dtype=np.int64)
    ends = bounds[1:] + [n]
    # scatter the texts a partition at a time: each is read (an ArticleSource re-reads it from
    # disk), sent to a worker once and dropped, so the client never holds the corpus
    # hash=False: a content-addressed key can name data a previous run is releasing, and the
    # scheduler then drops the new copy ("lost dependencies"; dask/distributed#8576)
    text_parts = [client.scatter([list(texts[lo:hi])], hash=False)[0] for lo, hi in zip(bounds, ends)]
    signed = [delayed(_sign)(tp, lo, num_perm) for tp, lo in zip(text_parts, bounds)]
    keyed = [delayed(_bucket_keys, nout=P)(s, banding, P) for s in signed]
    pairs = [delayed(_bucket_pairs)(*[k[b] for k in keyed]) for b in range(P)]
    routed = [delayed(_route, nout=P)(pb, starts) for pb in pairs]
    mine = [delayed(_concat_pairs)(*[r[p] for r in routed]) for p in range(P)]
    edge_parts = []
    for p in range(P):
        set_dicts = [
            delayed(_sets_of)(signed[q], delayed(_needed)(mine[p], bounds[q], ends[q])) for q in range(P)
        ]
        edge_parts.append(delayed(_verify)(mine[p], threshold, containment, *set_dicts))
    forests = [delayed(_forest_of)(e) for e in edge_parts]
    merged = _tree_reduce(forests, _merge_forests)
    edge_lists, (nodes, roots) = client.compute([edge_parts, merged], sync=True)
    edges: dict[tuple[int, int], copies.Overlap] = {}
    for part in edge_lists:
        for i, j, jac, cont, ca, cb in part:
            edges[(i, j)] = copies.Overlap(jac, cont, ca, cb)
    edges = dict(sorted(edges.items()))
    groups: dict[int, list[int]] = {}
    for node, root in zip(nodes.tolist(), roots.tolist()):
        groups.setdefault(root, []).append(node)
    comps = [sorted(g) for _, g in sorted(groups.items()) if len(g) > 1]
    return edges, comps


def find_clusters_dask(articles: Sequence[Any], client: Any, **kwargs: Any) -> list[Any]:
    """`qc.dedup.find_clusters` with the copy tier on Dask; same clusters, same order."""
    from qc.dedup.cluster import find_clusters

    partition_size = kwargs.pop("partition_size", TEXTS_PER_PARTITION)

    def graph(texts: Sequence[str], threshold: float, containment: float) -> Any:
        return copy_graph_dask(texts, threshold, containment, client, partition_size)

    return find_clusters(articles, copy_graph=graph, **kwargs)


__all__ = [
    "DaskEngineError",
    "copy_graph_dask",
    "dask_client",
    "find_clusters_dask",
    "forest",
    "load_jsonl_range",
    "plan_tasks",
    "scan_with_dask",
]
