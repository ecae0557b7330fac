"""The Dask engines give the local engines' results, on a real 2-worker LocalCluster."""

from __future__ import annotations

import dataclasses
import json
import random
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from qc.commands.dedup import dedup
from qc.config import config_for
from qc.corpus import Article, load_articles
from qc.dedup import copies, find_clusters
from qc.dedup.cluster import components
from qc.dedup.minhash import Banding

distributed = pytest.importorskip("distributed")

from qc.engines.dask import copy_graph_dask, find_clusters_dask, forest, load_jsonl_range, plan_tasks, scan_with_dask  # noqa: E402
from qc.scan import ScanOptions, scan_paths  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
FIX = ROOT / "fixtures" / "dedup"


@pytest.fixture(scope="module")
def client():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        with distributed.Client(cluster) as cl:
            yield cl


def edited(text: str, rng: random.Random) -> str:
    """A near copy: truncated, or with boilerplate, or with a few typos."""
    words = text.split(" ")
    what = rng.choice(["truncate", "boilerplate", "typos"])
    if what == "truncate":
        return " ".join(words[: int(len(words) * rng.uniform(0.6, 0.9))])
    if what == "boilerplate":
        return text + "\n\nSign up for our newsletter. All rights reserved."
    return " ".join(w[::-1] if rng.random() < 0.02 else w for w in words)


@pytest.fixture(scope="module")
def corpus() -> list[Article]:
    clean, _ = load_articles([FIX / "cleannews_a.jsonl"])
    mqm, _ = load_articles([FIX / "mqm_3stories.jsonl"])
    rng = random.Random(11)
    out = list(clean) + list(mqm)
    for k, a in enumerate(clean + mqm[:10]):
        for c in range(rng.randint(0, 3)):
            out.append(Article(f"copy-{k}-{c}.txt", edited(a.text, rng)))
    rng.shuffle(out)
    return out


def test_forest_equals_union_find() -> None:
    rng = np.random.default_rng(4)
    for n, m in [(50, 30), (300, 400), (1000, 200)]:
        edges = rng.integers(0, n, size=(m, 2))
        edges = edges[edges[:, 0] != edges[:, 1]]
        nodes, roots = forest(edges)
        groups: dict[int, list[int]] = {}
        for node, root in zip(nodes.tolist(), roots.tolist()):
            groups.setdefault(root, []).append(node)
        assert all(root == min(g) for root, g in groups.items())
        assert sorted(sorted(g) for g in groups.values() if len(g) > 1) == sorted(map(sorted, components(n, edges.tolist())))


def test_bucketed_keys_give_the_same_pairs(corpus: list[Article]) -> None:
    batch = copies.shingle_texts([a.text for a in corpus])
    banding = Banding(16, 2)  # permissive: many candidates, some runs longer than one
    whole = copies.candidate_pairs(batch.sigs, banding)
    keys = banding.keys(batch.sigs).ravel()
    docs = np.repeat(np.arange(len(corpus)), banding.bands)
    parts = [copies.pairs_from_keys(keys[keys % np.uint64(3) == b], docs[keys % np.uint64(3) == b]) for b in range(3)]
    assert len(whole) > len(corpus)
    assert np.array_equal(np.unique(np.concatenate(parts), axis=0), whole)


def test_dedup_on_dask_equals_local(client, corpus: list[Article]) -> None:
    texts = [a.text for a in corpus]
    local_batch = copies.shingle_texts(texts)
    local_edges = copies.copy_edges(local_batch)
    edges, comps = copy_graph_dask(texts, copies.DEFAULT_THRESHOLD, copies.DEFAULT_CONTAINMENT, client, partition_size=7)
    assert local_edges and edges == dict(sorted(local_edges.items()))
    assert sorted(comps) == sorted(map(sorted, components(len(texts), list(local_edges))))
    local = find_clusters(corpus, tier="copies", findings=lambda i: 0)
    remote = find_clusters_dask(corpus, client, tier="copies", findings=lambda i: 0, partition_size=7)
    assert len(local) >= 5
    assert [dataclasses.asdict(c) for c in remote] == [dataclasses.asdict(c) for c in local]


def test_dedup_cli_dask_engine_on_a_scheduler(client, corpus: list[Article], tmp_path: Path) -> None:
    data = tmp_path / "corpus.jsonl"
    data.write_text("".join(json.dumps({"text": a.text}) + "\n" for a in corpus), encoding="utf-8")
    address = client.scheduler.address
    args = [str(data), "--tier", "copies", "--format", "json"]
    local = CliRunner().invoke(dedup, args)
    remote = CliRunner().invoke(dedup, [*args, "--engine", "dask", "--scheduler", address])
    assert remote.exit_code == local.exit_code == 1, remote.output
    assert json.loads(remote.stdout) == json.loads(local.stdout)
    bad = CliRunner().invoke(dedup, [str(data), "--scheduler", address])
    assert bad.exit_code == 2 and "--scheduler needs --engine dask" in bad.stderr


def test_parallel_signatures_are_identical(corpus: list[Article], monkeypatch: pytest.MonkeyPatch) -> None:
    texts = [a.text for a in corpus]
    one = copies.shingle_texts(texts)
    monkeypatch.setattr(copies, "PARALLEL_MIN_TEXTS", 10)
    monkeypatch.setattr(copies, "PARALLEL_CHUNK", 9)
    two = copies.shingle_texts(texts, jobs=2)
    assert np.array_equal(one.sigs, two.sigs)
    assert all(np.array_equal(one.sets[i], two.sets[i]) for i in range(len(texts)))


# -- scan ------------------------------------------------------------------------------


@pytest.fixture()
def scan_dir(tmp_path: Path) -> Path:
    clean = [json.loads(line) for line in (FIX / "cleannews_a.jsonl").read_text().splitlines()]
    lines = []
    for k, rec in enumerate(clean * 3):
        lines.append(json.dumps({"id": k, "text": rec["text"] + " The the report said said so.. Cup Press Agency"}))
        if k == 4:
            lines.append("{broken")
        if k == 7:
            lines.append("")
    (tmp_path / "big.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (tmp_path / "a.txt").write_text("He said said it.  It was was fine.\n", encoding="utf-8")
    (tmp_path / "b.md").write_text("---\ntitle: x\n---\nAn error error here..\n", encoding="utf-8")
    (tmp_path / "bin.txt").write_bytes(b"\x00\x01")
    return tmp_path


def summary(result) -> tuple:
    return ([f.to_dict() for f in result.findings], [e.describe() for e in result.errors],
            result.articles_scanned, result.files_scanned)


def test_jsonl_ranges_cover_every_record_once(scan_dir: Path) -> None:
    config = config_for([str(scan_dir)], None)
    tasks = [v for kind, v in plan_tasks([str(scan_dir)], config, task_bytes=5000) if kind == "task"]
    ranges = [u for t in tasks for u in t if u[0] == "range"]
    assert len(ranges) > 3
    got = [(a.record_line, a.metadata.get("id")) if isinstance(a, Article) else ("error", a.line)
           for _, p, lo, hi, line, _, _ in ranges for a in load_jsonl_range(Path(p), lo, hi, line, 20)]
    whole, errors = load_articles([scan_dir / "big.jsonl"])
    assert [x for x in got if x[0] != "error"] == [(a.record_line, a.metadata.get("id")) for a in whole]
    assert [x[1] for x in got if x[0] == "error"] == [e.line for e in errors] == [6]


def test_scan_on_dask_equals_local(client, scan_dir: Path) -> None:
    paths = [str(scan_dir), str(ROOT / "seeds")]
    config = config_for(paths, None)
    options = ScanOptions(diff=True)
    local, local_fixed = scan_paths(paths, config, options)
    remote, remote_fixed = scan_with_dask(paths, config, options, client=client, task_bytes=5000)
    assert local.findings and local.errors and local_fixed
    assert summary(remote) == summary(local)
    assert [(o.article.ref, o.fixed_text) for o in remote_fixed] == [(o.article.ref, o.fixed_text) for o in local_fixed]
