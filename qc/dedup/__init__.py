"""Near-duplicate detection: copies (shingles, MinHash, LSH, exact verification) and
same-story groups (content fingerprints, sentence alignment), merging, and a SQLite index.

Heavy modules (sacrebleu, wordfreq, ftfy, sqlite3) load only when used.
"""

from qc.dedup.cluster import TIERS, Cluster, Member, find_clusters

__all__ = ["TIERS", "Cluster", "Member", "find_clusters"]
