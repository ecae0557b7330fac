"""Grouping: copy clusters (checked against their representative) and story clusters
(average linkage over story scores), with the choice of representative."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from qc.corpus import Article
from qc.dedup import copies, story
from qc.dedup.source import Texts

TIERS = ("copies", "stories", "all")

# (texts, threshold, containment) -> (verified copy edges, their connected components)
CopyGraph = Callable[[Sequence[str], float, float], tuple[dict[tuple[int, int], "copies.Overlap"], list[list[int]]]]


@dataclass
class Member:
    index: int  # into the article list
    ref: str
    similarity: float  # Jaccard (copies) or story score (stories) against the representative
    containment: float  # copies: share of this member's shingles in the representative;
    # stories: share of this member's sentences aligned to the representative's


@dataclass
class Cluster:
    id: int
    kind: str  # "copy" | "story"
    representative: int  # article index
    members: list[Member]  # representative first
    reason: str  # why the representative was chosen
    pairs: dict[tuple[int, int], dict[str, float]] = field(default_factory=dict)  # pairwise scores

    @property
    def representative_ref(self) -> str:
        """The representative's ref, from its member entry (no re-read of the article)."""
        return next(m.ref for m in self.members if m.index == self.representative)

    def to_json(self, articles: Sequence[Article] | None = None) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "representative": self.representative_ref,
            "reason": self.reason,
            "members": [
                {"path": m.ref, "similarity": round(m.similarity, 4), "containment": round(m.containment, 4)}
                for m in self.members
            ],
        }


# -- representative -------------------------------------------------------------------

LINT_BATCH = 256  # texts linted at once when ranking candidate representatives


def count_findings(text: str) -> int:
    """qc findings on a text (the default packs, as lint_text). A lint failure is raised:
    counting it as 0 findings would silently change which article represents a group."""
    from qc.lint.engine import lint_text

    return len(lint_text(text))


def article_date(article: Article) -> str:
    value = article.metadata.get("date")
    return str(value) if value is not None else "9999"  # undated last


RankKey = tuple[int, int, str, str]  # (findings, -characters, date, ref): lowest ranks first


class Ranking:
    """The representative's sort key of articles, each computed once from one read of the
    article: (qc findings, -length, date, ref).

    Findings are those of the default packs on the text alone (what count_findings gives),
    unless `findings` is given. The members whose key a run will need are known before the
    representatives are chosen (the central members of every group), so `prefetch` lints
    them together with Linter.lint_many (the same findings as linting one by one, several
    times faster on a batch) from articles the caller may already hold (a verification
    chunk's), instead of re-reading and linting every member alone."""

    def __init__(self, articles: Sequence[Article], findings: Callable[[int], int] | None = None) -> None:
        self.articles = articles
        self.findings = findings
        self._keys: dict[int, RankKey] = {}
        self._by_text: dict[bytes, int] = {}  # findings by text digest
        self._linter: Any = None

    def __call__(self, i: int) -> int:
        """The findings count of article i (the first part of its key)."""
        return self.key(i)[0]

    def key(self, i: int) -> RankKey:
        got = self._keys.get(i)
        if got is None:
            self.prefetch([i])
            got = self._keys[i]
        return got

    def prefetch(self, indices: Iterable[int], held: Mapping[int, Article] | None = None) -> None:
        """Compute the keys of these articles (from `held` where it has them), in batches."""
        todo = sorted({int(i) for i in indices} - self._keys.keys())
        for at in range(0, len(todo), LINT_BATCH):
            part = todo[at : at + LINT_BATCH]
            arts = [held[i] if held is not None and i in held else self.articles[i] for i in part]
            counts = self._count([a.text for a in arts], part)
            for i, a, c in zip(part, arts, counts):
                self._keys[i] = (c, -len(a.text), article_date(a), a.ref)

    def _count(self, texts: list[str], indices: list[int]) -> list[int]:
        if self.findings is not None:
            return [self.findings(i) for i in indices]
        # identical texts (wire copies) are linted once: the count depends on the text alone
        digests = [_digest(t) for t in texts]
        todo = {d: t for d, t in zip(digests, texts) if d not in self._by_text}
        if todo:
            if self._linter is None:
                from qc.lint.engine import default_linter

                self._linter = default_linter()
            found = self._linter.lint_many(list(todo.values()))
            self._by_text.update(zip(todo, (len(f) for f in found)))
        return [self._by_text[d] for d in digests]


def _digest(text: str) -> bytes:
    """A 16-byte digest naming a text (a collision is as likely as 2**-128)."""
    import hashlib

    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def choose_representative(
    articles: Sequence[Article], indices: Sequence[int], findings: Callable[[int], int]
) -> tuple[int, str]:
    """Fewest qc findings, then longest text, then earliest date, then path."""
    if isinstance(findings, Ranking):
        key = findings.key
    else:

        def key(i: int) -> RankKey:
            return (findings(i), -len(articles[i].text), article_date(articles[i]), articles[i].ref)

    ranked = sorted(indices, key=key)
    best = ranked[0]
    f, neg_len, date, _ = key(best)
    reason = f"fewest qc findings ({f})"
    if len(ranked) > 1:
        f2, neg_len2, date2, _ = key(ranked[1])
        if f2 == f:
            reason += f", then longest ({-neg_len} characters)"
            if neg_len2 == neg_len:
                reason += f", then earliest date ({date})" if date != "9999" else ", then path order"
    return best, reason


# -- union-find -------------------------------------------------------------------------


def components(n: int, edges: Sequence[tuple[int, int]]) -> list[list[int]]:
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, j in edges:
        ri, rj = find(i), find(j)
        if ri != rj:
            parent[max(ri, rj)] = min(ri, rj)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(find(i), []).append(i)
    return [g for g in groups.values() if len(g) > 1]


def forest(edges: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Connected components of an edge list as (nodes, root of each node), the root being
    the component's smallest node."""
    if len(edges) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    nodes, label = copies.min_labels(edges)
    return nodes, nodes[label]


def components_of(edges: np.ndarray) -> list[list[int]]:
    """components() of an (m, 2) edge array, vectorised: sorted groups of two or more."""
    nodes, roots = forest(edges)
    if len(nodes) == 0:
        return []
    order = np.lexsort((nodes, roots))
    nodes, roots = nodes[order], roots[order]
    cut = np.flatnonzero(np.diff(roots)) + 1
    return [g.tolist() for g in np.split(nodes, cut) if len(g) > 1]


# -- tiers ----------------------------------------------------------------------------


def copy_clusters(
    articles: Sequence[Article],
    batch: copies.ShingledBatch,
    threshold: float,
    containment: float,
    findings: Callable[[int], int],
) -> list[Cluster]:
    """Connected components of verified copy pairs; every member is then checked against
    the component's representative, so a chain A~B~C does not glue A to an unrelated C.
    Members that fail are regrouped among themselves."""
    edges = copies.copy_edges(batch, threshold, containment)
    return clusters_from_edges(articles, batch.sets, edges, threshold, containment, findings)


def clusters_from_edges(
    articles: Sequence[Article],
    sets: Sequence[Any],
    edges: dict[tuple[int, int], copies.Overlap],
    threshold: float,
    containment: float,
    findings: Callable[[int], int],
    groups: Sequence[Sequence[int]] | None = None,
) -> list[Cluster]:
    """Copy clusters from verified copy edges (see copy_clusters); `sets` gives the exact
    shingle set of an article, for a member-representative pair that is not an edge.
    `groups` are the connected components of the edges, when already computed."""
    out: list[Cluster] = []
    neighbours: dict[int, list[int]] = {}
    for i, j in edges:
        neighbours.setdefault(i, []).append(j)
        neighbours.setdefault(j, []).append(i)
    pending = [list(g) for g in groups] if groups is not None else components(len(articles), list(edges))
    while pending:  # in rounds: the groups, then the groups regrouped from their rejected members
        centrals = [_central(g, neighbours) for g in pending]
        if isinstance(findings, Ranking):  # the candidates of every group of the round, ranked in batches
            findings.prefetch((i for _, central in centrals for i in central), _held_articles(articles))
        regrouped: list[list[int]] = []
        for group, (top, central) in zip(pending, centrals):
            cluster, rejected = _check_members(articles, sets, edges, group, top, central, threshold, containment, findings)
            if cluster is not None:
                out.append(cluster)
            if len(rejected) > 1:
                regrouped.extend(components_within(set(rejected), edges, neighbours))
        pending = regrouped
    out.sort(key=lambda c: min(m.index for m in c.members))
    return out


def _check_members(
    articles: Sequence[Article],
    sets: Sequence[Any],
    edges: dict[tuple[int, int], copies.Overlap],
    group: Sequence[int],
    top: int,
    central: list[int],
    threshold: float,
    containment: float,
    findings: Callable[[int], int],
) -> tuple[Cluster | None, list[int]]:
    """One group's copy cluster (None if no member is a copy of the representative) and
    the members that are not copies of it."""
    rep, reason = choose_representative(articles, central, findings)
    if len(central) < len(group):
        reason = f"copy of the most others ({top}), then {reason}"
    members = [Member(rep, articles[rep].ref, 1.0, 1.0)]
    rejected = []
    pairs: dict[tuple[int, int], dict[str, float]] = {}
    held = _group_sets(sets, rep, group, edges)
    for i in group:
        if i == rep:
            continue
        key = (min(i, rep), max(i, rep))
        ov = edges.get(key)
        # an edge was verified with these very thresholds: a copy, no set needed
        if ov is not None or (ov := copies.overlap(held[key[0]], held[key[1]])).is_copy(
            threshold, containment, min(len(held[i]), len(held[rep]))
        ):
            inside = ov.contained_a if key[0] == i else ov.contained_b
            members.append(Member(i, articles[i].ref, ov.jaccard, inside))
            pairs[key] = {"jaccard": round(ov.jaccard, 4), "containment": round(ov.containment, 4)}
        else:
            rejected.append(i)
    if len(members) == 1:
        return None, rejected
    members[1:] = sorted(members[1:], key=lambda m: (-m.similarity, m.ref))
    return Cluster(0, "copy", rep, members, reason, pairs), rejected


def _central(group: Sequence[int], neighbours: Mapping[int, Sequence[int]]) -> tuple[int, list[int]]:
    """(top degree, the members with it) of a group: the representative comes from the
    best-connected members (a truncated copy and a copy with other edits may each match
    the original but not each other)."""
    inside = set(group)
    degree = {i: sum(j in inside for j in neighbours.get(i, ())) for i in group}
    top = max(degree.values())
    return top, [i for i in group if degree[i] == top]


def _held_articles(articles: Any) -> Mapping[int, Article] | None:
    """The articles when they are a mapping held in memory (a verification chunk's)."""
    return articles if isinstance(articles, Mapping) else None


def stream_copy_clusters(
    source: Any,
    chunks: Iterable[Sequence[str]],
    threshold: float,
    containment: float,
    ranking: Ranking,
    jobs: int = 1,
) -> tuple[list[Cluster], list[list[int]]]:
    """The copy tier over a corpus streamed once (copies.stream_copy_graph), its clusters
    built chunk by chunk while each verification chunk's articles are held: the
    candidates are read a second time once, for verification, representatives (ranked
    in batches) and member checks together. `source` re-reads articles by index
    (an ArticleSource: `read_many`). Returns (clusters, connected components of the
    verified edges); the clusters equal find_clusters' copy tier on the whole corpus."""
    out: list[Cluster] = []
    comps: list[list[int]] = []
    held: dict[int, Article] = {}

    def fetch(docs: np.ndarray) -> Mapping[int, str]:
        held.clear()
        held.update(source.read_many(docs.tolist()))
        return {i: a.text for i, a in held.items()}

    def on_chunk(docs: np.ndarray, sets: copies.TextSets, edges: dict[tuple[int, int], copies.Overlap]) -> None:
        groups = components_of(np.array(list(edges), dtype=np.int64).reshape(-1, 2))
        comps.extend(groups)
        out.extend(clusters_from_edges(held, sets.computed(), edges, threshold, containment, ranking, groups))
        held.clear()

    copies.stream_copy_graph(chunks, fetch, threshold, containment, jobs=jobs, on_chunk=on_chunk)
    return out, comps


def _group_sets(sets: Sequence[Any], rep: int, group: Sequence[int], edges: dict[tuple[int, int], Any]) -> Sequence[Any]:
    """The shingle sets one group's member-representative checks need. Sets computed from
    texts (TextSets: the streaming and Dask paths) are made for this group only, in one
    batch, and dropped with it, so a large corpus's sets are never all held at once."""
    if not isinstance(sets, copies.TextSets):
        return sets
    held = copies.TextSets(sets.texts)
    need = [i for i in group if i != rep and (min(i, rep), max(i, rep)) not in edges]
    held.fill([rep, *need] if need else [])
    return held


def components_within(
    nodes: set[int], edges: dict[tuple[int, int], Any], neighbours: Mapping[int, Sequence[int]] | None = None
) -> list[list[int]]:
    """Connected components (of two or more) of the edges among `nodes`. With the edges'
    adjacency (`neighbours`), only the nodes' own edges are visited, not every edge: a
    corpus of many copy groups regroups rejected members in each of them."""
    back = sorted(nodes)
    index = {n: k for k, n in enumerate(back)}
    if neighbours is None:
        local = [(index[i], index[j]) for i, j in edges if i in index and j in index]
    else:
        local = [(index[i], index[j]) for i in back for j in neighbours.get(i, ()) if i < j and j in index]
    return [[back[k] for k in comp] for comp in components(len(back), local)]


def story_clusters(
    articles: Sequence[Article],
    units: Sequence[list[int]],
    findings: Callable[[int], int],
    threshold: float = story.STORY_THRESHOLD,
    jobs: int = 1,
) -> list[Cluster]:
    """Average-linkage grouping of units (a copy cluster or a lone article, represented by
    its first index): two groups merge only if the mean story score over all their cross
    pairs reaches the threshold, so one topical link cannot join two stories. `jobs` > 1
    fingerprints and scores a large corpus's candidates in a process pool (same result)."""
    heads = [u[0] for u in units]
    feats = _Features(articles, heads)
    # Scores kept: candidates at the threshold (the only possible merge edges; lede-path
    # pairs are lifted to it) and pairs scored later for the linkage check.
    cache = _candidates_at_threshold(articles, heads, feats, threshold, jobs)
    lone = story.lone_lede_pairs(cache)

    def score(a: int, b: int) -> story.StoryScore:
        key = (min(a, b), max(a, b))
        if key not in cache:
            cache[key] = story.score_pair(feats[key[0]], feats[key[1]])
        s = cache[key]
        return s if s.why != "lede" or key in lone else story.demoted(s)

    edges = sorted(((score(a, b).score, a, b) for a, b in list(cache)), key=lambda e: (-e[0], e[1], e[2]))
    group_of = list(range(len(units)))
    groups: dict[int, list[int]] = {k: [k] for k in range(len(units))}
    for value, a, b in edges:
        if value < threshold:
            break
        ga, gb = group_of[a], group_of[b]
        if ga == gb:
            continue
        cross = [score(x, y).score for x in groups[ga] for y in groups[gb]]
        if sum(cross) / len(cross) < threshold:
            continue
        keep, drop = min(ga, gb), max(ga, gb)
        for x in groups[drop]:
            group_of[x] = keep
        groups[keep].extend(groups.pop(drop))
    out = []
    joined = [members_u for members_u in groups.values() if len(members_u) >= 2]
    if isinstance(findings, Ranking):  # every candidate representative, ranked in batches
        findings.prefetch(i for members_u in joined for u in members_u for i in units[u])
    for members_u in joined:
        all_idx = [i for u in members_u for i in units[u]]
        rep, reason = choose_representative(articles, all_idx, findings)
        rep_u = next(u for u in members_u if rep in units[u])
        members = []
        pairs: dict[tuple[int, int], dict[str, float]] = {}
        for u in members_u:
            for i in units[u]:
                if u == rep_u:
                    sim, cont = (1.0, 1.0)
                else:
                    s = score(u, rep_u)
                    sim, cont = s.score, s.aligned
                members.append(Member(i, articles[i].ref, sim, cont))
        for x in members_u:
            for y in members_u:
                if x < y:
                    s = score(x, y)
                    pairs[(heads[x], heads[y])] = {
                        "story": round(s.score, 4),
                        "terms": round(s.terms, 4),
                        "numbers": round(s.numbers, 4),
                        "chrf": round(s.alignment, 4),
                        "aligned": round(s.aligned, 4),
                        "lede": round(s.lede, 4),
                        "via": s.why,
                    }
        members.sort(key=lambda m: (m.index != rep, -m.similarity, m.ref))
        out.append(Cluster(0, "story", rep, members, reason, pairs))
    return out


def _candidates_at_threshold(
    articles: Sequence[Article], heads: list[int], feats: _Features, threshold: float, jobs: int
) -> dict[tuple[int, int], story.StoryScore]:
    """The candidate pairs of units scoring at least `threshold`, with their scores.

    Candidates come from compact fingerprints of every unit, streamed; the full features
    (the text's sentences) are derived again, from the re-read text, for candidates only.
    A candidate below the threshold is dropped once scored: a large corpus has millions.
    """
    chunk = story.PARALLEL_CHUNK
    texts = (_texts_of(articles, heads[start : start + chunk]) for start in range(0, len(heads), chunk))
    cands = story.candidate_pairs_from(story.fingerprint_chunks(texts, jobs if len(heads) >= story.PARALLEL_MIN_TEXTS else 1))
    if jobs > 1 and len(cands) >= story.PARALLEL_MIN_PAIRS:
        found = story.scored_pairs(cands, lambda u: articles[heads[u]].text, threshold, jobs)
        return {(a, b): s for a, b, s in found}
    scored = ((a, b, story.score_pair(feats[a], feats[b])) for a, b in cands.tolist())
    return {(a, b): s for a, b, s in scored if s.score >= threshold}


def _texts_of(articles: Sequence[Article], indices: list[int]) -> list[str]:
    """The texts of some articles, in the given order; an ArticleSource re-reads them
    file by file (read_many), not one open and seek per article."""
    read_many = getattr(articles, "read_many", None)
    if read_many is None:
        return [articles[i].text for i in indices]
    got = {i: a.text for i, a in read_many(indices)}
    return [got[i] for i in indices]


FEATURE_CACHE = 1024  # units whose full story features are kept (LRU)


class _Features:
    """Story features of the units' heads, computed on first use, the last FEATURE_CACHE
    kept: scoring a pair needs both texts' sentences, holding all of them would hold the
    corpus. Candidate pairs come sorted, so one unit's pairs are mostly scored together."""

    def __init__(self, articles: Sequence[Article], heads: Sequence[int], size: int = FEATURE_CACHE) -> None:
        self.articles, self.heads, self.size = articles, heads, size
        self._done: OrderedDict[int, story.StoryFeatures] = OrderedDict()

    def __getitem__(self, unit: int) -> story.StoryFeatures:
        got = self._done.get(unit)
        if got is None:
            got = self._done[unit] = story.features(self.articles[self.heads[unit]].text)
            if len(self._done) > self.size:
                self._done.popitem(last=False)
        else:
            self._done.move_to_end(unit)
        return got


def find_clusters(
    articles: Sequence[Article],
    threshold: float = copies.DEFAULT_THRESHOLD,
    tier: str = "all",
    containment: float = copies.DEFAULT_CONTAINMENT,
    findings: Callable[[int], int] | None = None,
    jobs: int = 1,
    copy_graph: CopyGraph | None = None,
    copy_groups: list[Cluster] | None = None,
) -> list[Cluster]:
    """Copy clusters and/or story clusters of the articles, numbered from 1.

    With tier "all", the story tier sees each copy cluster as one unit (its
    representative); a story cluster then lists every member of the units it joins.
    `jobs` > 1 signs a large corpus in a process pool (same result). `copy_graph`
    computes the verified copy edges and their components elsewhere (the Dask engine:
    qc.dedup.dask_engine); the clusters are then built here exactly as locally.
    `copy_groups`: the copy clusters, already built (stream_copy_clusters; pass the
    Ranking it used as `findings`, so no article is ranked twice).
    """
    if tier not in TIERS:
        raise ValueError(f"unknown tier {tier!r}; choose from {', '.join(TIERS)}")
    ranking = findings if isinstance(findings, Ranking) else Ranking(articles, findings)
    out: list[Cluster] = []
    units: list[list[int]] = [[i] for i in range(len(articles))]
    if tier in ("copies", "all"):
        texts = Texts(articles)  # a view: an ArticleSource re-reads texts on access
        if copy_groups is not None:
            pass  # found while the first pass's candidates were verified (stream_copy_clusters)
        elif copy_graph is None:
            batch = copies.shingle_texts(texts, jobs=jobs)
            copy_groups = copy_clusters(articles, batch, threshold, containment, ranking)
        else:
            edges, comps = copy_graph(texts, threshold, containment)
            sets = copies.TextSets(texts)
            copy_groups = clusters_from_edges(articles, sets, edges, threshold, containment, ranking, comps)
        out.extend(copy_groups)
        grouped = {m.index for c in copy_groups for m in c.members}
        units = [[c.representative] + [m.index for m in c.members if m.index != c.representative] for c in copy_groups]
        units += [[i] for i in range(len(articles)) if i not in grouped]
    if tier in ("stories", "all"):
        out.extend(story_clusters(articles, units, ranking, jobs=jobs))
    out.sort(key=lambda c: (min(m.index for m in c.members), c.kind))
    for k, c in enumerate(out, start=1):
        c.id = k
    return out
