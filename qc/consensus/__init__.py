"""What the other versions of a story reveal that one article cannot.

- `agreement`: surface agreement (chrF) of each version with its peers (kept for
  comparison and for the dedup story tier's sentence scores).
- `align`: each version's sentences with their content words, numbers and names, and
  the alignment of one version's sentences with another's.
- `checks`: the group analyser: unsupported sentences, divergent names and numbers,
  omissions, as `Finding`s for the consensus rules (kind `consensus`, rules/en/consensus.yaml).
- `term`: the score's consensus term, from those content disagreements.
"""

from __future__ import annotations

from qc.consensus.agreement import (
    CHAR_ORDER,
    MAX_PEERS,
    MIN_GROUP,
    NgramProfile,
    agreements,
    char_ngrams,
    chrf,
    peers_of,
    relative_disagreement,
)

__all__ = [
    "CHAR_ORDER",
    "MAX_PEERS",
    "MIN_GROUP",
    "NgramProfile",
    "agreements",
    "char_ngrams",
    "chrf",
    "peers_of",
    "relative_disagreement",
]
