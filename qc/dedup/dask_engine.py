"""The copy tier on a Dask cluster: signatures, LSH banding, candidate verification and
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
the story tier then run on the client exactly as locally. Dask is an optional extra
(`pip install 'qc[dask]'`); it is imported only here, and only when used.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np

from qc.dedup import copies
from qc.dedup.cluster import forest
from qc.dedup.minhash import NUM_PERM, Banding
from qc.errors import QcError

TEXTS_PER_PARTITION = 2000


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
    text_parts = [client.scatter([list(texts[lo:hi])])[0] for lo, hi in zip(bounds, ends)]
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


__all__ = ["DaskEngineError", "copy_graph_dask", "dask_client", "find_clusters_dask", "forest"]
