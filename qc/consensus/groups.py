"""Which articles tell one story: qc's story tier ("auto"), a metadata field, or none."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

PEER_CHOICES = ("auto", "none")  # or the name of a metadata field


def story_groups(
    texts: Sequence[str],
    metadata: Sequence[dict[str, Any]],
    peers: str,
    findings: Sequence[int] | None = None,
) -> list[list[int]]:
    """Indices of articles that tell one story, by qc's story tier ("auto"), by a metadata
    field (its name), or none ("none")."""
    if peers == "none":
        return []
    if peers == "auto":
        from qc.corpus import Article
        from qc.dedup import find_clusters

        articles = [Article(str(i), text, dict(meta)) for i, (text, meta) in enumerate(zip(texts, metadata))]
        counts = findings
        clusters = find_clusters(articles, tier="stories", findings=(lambda i: counts[i]) if counts is not None else None)
        return [sorted(m.index for m in c.members) for c in clusters]
    by_value: dict[str, list[int]] = {}
    for i, meta in enumerate(metadata):
        value = meta.get(peers)
        if isinstance(value, (str, int)) and not isinstance(value, bool):
            by_value.setdefault(str(value), []).append(i)
    return list(by_value.values())
