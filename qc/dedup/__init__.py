"""Near-duplicate detection: copies (shingles, MinHash, LSH, exact verification) and
same-story groups (content fingerprints, sentence alignment), merging, and a SQLite index.

Heavy modules (numpy, sacrebleu, wordfreq, ftfy) load only when used: the names below
are imported on first access, so `qc index query` (qc.dedup.index) starts without numpy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from qc.dedup.cluster import TIERS, Cluster, Member, find_clusters

__all__ = ["TIERS", "Cluster", "Member", "find_clusters"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from qc.dedup import cluster

        return getattr(cluster, name)
    raise AttributeError(f"module 'qc.dedup' has no attribute {name!r}")
