"""The copy tier's large-corpus machinery: candidate pairs from sorted keys, candidate
chunks for verification, and the streaming copy graph (same results, bounded sets)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qc.dedup import copies
from qc.dedup.minhash import Banding


def brute_pairs(keys: np.ndarray, docs: np.ndarray) -> set[tuple[int, int]]:
    """Pairs of documents sharing a key; a bucket over MAX_BUCKET as a star on its first member."""
    buckets: dict[int, list[int]] = {}
    for k, d in zip(keys.tolist(), docs.tolist()):
        buckets.setdefault(k, []).append(d)
    out = set()
    for members in buckets.values():
        if len(members) > copies.MAX_BUCKET:
            links = [(members[0], m) for m in members[1:]]
        else:
            links = list(itertools.combinations(members, 2))
        out.update((min(a, b), max(a, b)) for a, b in links if a != b)
    return out


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 40), st.integers(0, 60)), max_size=300),
       st.sampled_from([0, 1 << 63, 0x9E3779B97F4A7C15]))
def test_pairs_from_keys_equals_brute_force(rows: list[tuple[int, int]], spread: int) -> None:
    rows.sort(key=lambda r: r[1])  # docs ascending, as the callers pass them
    # keys that agree in their high bits and differ in the low ones (spread 0) are the
    # case the packed sort must still tell apart
    keys = np.array([(k * spread + k) % 2**64 for k, _ in rows], dtype=np.uint64)
    docs = np.array([d for _, d in rows], dtype=np.int64)
    got = copies.pairs_from_keys(keys, docs)
    assert {tuple(p) for p in got.tolist()} == brute_pairs(keys, docs)
    assert np.array_equal(got, np.unique(got, axis=0).reshape(-1, 2))  # sorted, no repeats


def test_big_bucket_is_a_star_around_its_lowest_document() -> None:
    n = copies.MAX_BUCKET + 5
    keys = np.full(n, 7, dtype=np.uint64)
    got = copies.pairs_from_keys(keys, np.arange(n, dtype=np.int64))
    assert got.tolist() == [[0, d] for d in range(1, n)]


def test_unique_pairs_equals_numpy_unique() -> None:
    rng = np.random.default_rng(5)
    pairs = rng.integers(0, 50, size=(2000, 2))
    assert np.array_equal(copies.unique_pairs(pairs), np.unique(pairs, axis=0))
    assert copies.unique_pairs(np.zeros((0, 2), dtype=np.int64)).shape == (0, 2)


@pytest.mark.parametrize("max_docs", [1, 3, 10, 1000])
def test_candidate_chunks_keep_components_whole(max_docs: int) -> None:
    rng = np.random.default_rng(max_docs)
    pairs = np.unique(np.sort(rng.integers(0, 400, size=(300, 2)), axis=1), axis=0)
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    chunks = copies.candidate_chunks(pairs, max_docs)
    seen_docs = np.concatenate([d for d, _ in chunks])
    assert np.array_equal(np.sort(seen_docs), np.unique(pairs))  # every document once
    assert sum(len(p) for _, p in chunks) == len(pairs)
    nodes, comp = copies.connected_components(pairs)
    comp_of = dict(zip(nodes.tolist(), comp.tolist()))
    for docs, part in chunks:
        assert np.all(np.diff(docs) > 0)
        assert np.isin(part, docs).all()  # a pair's two texts are in its chunk
        comps = {comp_of[d] for d in docs.tolist()}
        size = sum(1 for c in comp_of.values() if c in comps)
        assert size == len(docs)  # whole components only
        assert len(docs) <= max_docs or len(comps) == 1


def test_connected_components_agree_with_union_find() -> None:
    rng = np.random.default_rng(9)
    pairs = rng.integers(0, 300, size=(250, 2))
    nodes, comp = copies.connected_components(pairs)
    parent = {int(x): int(x) for x in nodes}

    def find(x: int) -> int:
        while parent[x] != x:
            x = parent[x]
        return x

    for a, b in pairs.tolist():
        parent[find(a)] = find(b)
    same_comp = {(a, b) for a in nodes.tolist() for b in nodes.tolist() if find(a) == find(b)}
    by_label = {(a, b) for a, ca in zip(nodes.tolist(), comp.tolist()) for b, cb in zip(nodes.tolist(), comp.tolist()) if ca == cb}
    assert same_comp == by_label
    first = [nodes[comp == c].min() for c in range(comp.max() + 1)]
    assert first == sorted(first)  # numbered in order of their smallest node


def test_band_keys_of_a_range_equal_those_columns() -> None:
    sigs = np.random.default_rng(2).integers(0, 2**32, size=(50, 128), dtype=np.uint32)
    band = Banding(64, 2)
    full = band.keys(sigs, salt=3)
    assert np.array_equal(band.keys(sigs, salt=3, first=8, last=12), full[:, 8:12])
    assert full.dtype == np.uint64 and sigs.dtype == np.uint32  # the signatures were not widened in place


def test_stream_copy_graph_verifies_in_chunks_with_the_same_edges(monkeypatch: pytest.MonkeyPatch) -> None:
    base = [" ".join(f"w{(i * 7919 + j * 104729) % 5003}" for j in range(120)) for i in range(30)]
    texts = base + [t + " extra words at the end" for t in base[:10]] + [" ".join(t.split()[:90]) for t in base[10:20]]
    whole = copies.copy_edges(copies.shingle_texts(texts))
    monkeypatch.setattr(copies, "VERIFY_CHUNK", 3)  # several chunks
    fetched: list[list[int]] = []

    def fetch(docs: np.ndarray) -> dict[int, str]:
        fetched.append(docs.tolist())
        return {i: texts[i] for i in docs.tolist()}

    n, edges, docs = copies.stream_copy_graph([texts[:25], texts[25:]], fetch)
    assert n == len(texts) and edges == whole and len(whole) == 20
    assert list(edges) == sorted(edges)
    # the texts were asked for one chunk at a time (never all candidates at once), each once
    assert len(fetched) > 1 and max(map(len, fetched)) <= 3
    assert sorted(i for f in fetched for i in f) == docs.tolist()


@pytest.mark.parametrize("max_docs", [1, 3, 10, 1000])
def test_code_graph_chunks_equal_candidate_chunks(max_docs: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """The streaming path's chunks (union-find over slices of disjoint code parts) are
    exactly candidate_chunks() of the decoded pairs."""
    rng = np.random.default_rng(max_docs)
    n = 500
    pairs = copies.unique_pairs(np.sort(rng.integers(0, n, size=(400, 2)), axis=1))
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    codes = pairs[:, 0] * n + pairs[:, 1]
    parts = [np.sort(codes[k::3]) for k in range(3)]  # disjoint, as candidate_codes makes them
    monkeypatch.setattr(copies, "CODE_SLICE", 7)  # components joined across many slices
    monkeypatch.setattr(copies, "VERIFY_CHUNK", max_docs)
    graph = copies.CodeGraph(parts, n)
    want = copies.candidate_chunks(pairs, max_docs)
    got = list(graph.chunks())
    assert len(got) == len(want) == graph.count > 0
    for (gd, gp), (wd, wp) in zip(got, want):
        assert np.array_equal(gd, wd) and np.array_equal(gp, wp)
    assert np.array_equal(graph.docs, np.unique(pairs)) and parts == []  # parts freed as used
    assert list(copies.CodeGraph([], n).chunks()) == []  # no candidates: no chunk


def test_candidate_codes_are_disjoint_parts_of_the_grouped_pairs() -> None:
    rng = np.random.default_rng(4)
    sigs = rng.integers(0, 30, size=(300, 128), dtype=np.uint32)  # many band collisions
    banding = copies.banding_for(copies.DEFAULT_THRESHOLD, copies.DEFAULT_CONTAINMENT)
    parts = copies.candidate_codes(sigs, banding)
    codes = np.concatenate(parts)
    assert len(parts) > 1 and all(np.all(np.diff(p) > 0) for p in parts)
    assert len(np.unique(codes)) == len(codes)  # no pair in two parts
    n = len(sigs)
    assert np.array_equal(np.stack([np.sort(codes) // n, np.sort(codes) % n], axis=1), copies.candidate_pairs(sigs, banding))


def test_filtering_each_band_group_keeps_the_same_pairs() -> None:
    """plausible_pairs applied per band group as pairs are found (what bounds memory in
    stream_copy_graph) keeps exactly the pairs of filtering all candidates at the end."""
    rng = np.random.default_rng(5)
    sigs = rng.integers(0, 50, size=(400, 128), dtype=np.uint32)  # few values: many band collisions
    sigs[200:300] = sigs[:100]
    sigs[200:300, ::5] = rng.integers(0, 2**32, size=(100, 26), dtype=np.uint32)  # near-copies
    banding = copies.banding_for(copies.DEFAULT_THRESHOLD, copies.DEFAULT_CONTAINMENT)

    def keep(found: np.ndarray) -> np.ndarray:
        return copies.plausible_pairs(found, sigs, copies.DEFAULT_THRESHOLD, copies.DEFAULT_CONTAINMENT)

    everything = copies.candidate_pairs_grouped(sigs, banding)
    filtered_late = keep(everything)
    filtered_early = copies.candidate_pairs_grouped(sigs, banding, keep=keep)
    assert len(everything) > 2 * len(filtered_late) and len(filtered_late) >= 100
    assert np.array_equal(filtered_early, filtered_late)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 60), st.integers(0, 40)), min_size=1, max_size=25), st.integers(0, 2**32 - 1))
def test_verify_chunk_equals_verify_pairs(shape: list[tuple[int, int]], seed: int) -> None:
    """Same edges, order and values as the per-pair reference, for sets drawn from one
    small vocabulary (many overlaps), including empty and short sets and long-short pairs."""
    rng = np.random.default_rng(seed)
    vocab = rng.integers(0, 2**64, size=80, dtype=np.uint64)
    sets = {3 * k: np.unique(vocab[offset : offset + size]) for k, (size, offset) in enumerate(shape)}
    docs = sorted(sets)
    pairs = np.array([(a, b) for a in docs for b in docs if a < b], dtype=np.int64).reshape(-1, 2)
    for threshold, containment in [(0.8, 0.8), (0.3, 0.5), (1.0, 1.0)]:
        want = copies.verify_pairs(pairs, sets, threshold, containment)
        got = copies.verify_chunk(pairs, sets, threshold, containment)
        assert got == want and list(got) == list(want)
    assert copies.verify_chunk(np.zeros((0, 2), dtype=np.int64), sets) == {}


def test_verify_chunk_finds_copies_and_containment() -> None:
    rng = np.random.default_rng(8)
    base = np.unique(rng.integers(0, 2**64, size=200, dtype=np.uint64))
    sets = {0: base, 1: base[:150], 2: base[:30], 4: np.unique(rng.integers(0, 2**64, size=200, dtype=np.uint64)), 5: base[:10]}
    pairs = np.array([(0, 1), (0, 2), (0, 4), (0, 5), (1, 2)], dtype=np.int64)
    edges = copies.verify_chunk(pairs, sets)
    assert list(edges) == [(0, 1), (0, 2), (1, 2)]  # 5 is contained but shorter than MIN_CONTAINED_SHINGLES
    assert edges[(0, 2)].containment == 1.0 and edges[(0, 2)].contained_b == 1.0 and edges[(0, 1)].jaccard == 0.75
