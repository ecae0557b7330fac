"""The score's consensus term: how much of the story's substance a version lacks or gets
wrong, judged by the other versions — not how closely it copies their wording.

Two parts, both in score points:

- content: the share of the story's majority content that the version lacks. Every
  content word of every sentence of the other versions counts when at least half the
  versions carry it in their counterpart of that sentence (weighted by rarity, and by
  how many versions carry it); the version lacks it when its counterpart sentence and
  that sentence's neighbours do not have it. Function words, word order and frequent
  words (Zipf > 5: "said", "make", "also") do not count, so a paraphrase that keeps the
  facts, names, numbers and terms loses little. The term is taken relative to the
  group's mean (it sums to zero over a group: it reorders a story's versions without
  moving the story's mean).
- issues: every disagreement the group analyser finds (qc.consensus.checks: an
  unsupported sentence, a divergent number or name, an omitted sentence) costs a fixed
  number of points, however the version is worded.

Fitted on the WMT23 zh-en dev split (least squares on a grid, within-story pairwise
accuracy; bench/quality_variants.py prints the variants and a leave-stories-out
cross-validation).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from qc.consensus.checks import MIN_VERSIONS, Group, Settings, divergent_names, divergent_numbers, omissions, unsupported

CONTENT_WEIGHT = 100.0  # points for lacking all of the majority content (relative to the group mean)
ISSUE_WEIGHT = 3.0  # points per disagreement found by the analyser
MIN_RARITY = 2.0  # content words this common or more (rarity < 2, Zipf > 5) do not count


@dataclass(frozen=True)
class Disagreement:
    """One version's disagreement with its group."""

    lacking: float  # share of the group's majority content this version lacks (0-1)
    issues: int  # unsupported sentences, divergent numbers and names, omitted sentences
    gap: float = 0.0  # lacking − the group's mean lacking


def carriers(group: Group, i: int, s: int, stem: str) -> list[int]:
    """The other versions whose counterpart of sentence s of version i (with its
    neighbours) has the content word `stem`."""
    out = []
    for j in group.others(i):
        best = group.pairs[(i, j)].best[s]
        if best < 0:
            continue
        if any(stem in y.content for y in group.sentences[j][max(0, best - 1) : best + 2]):
            out.append(j)
    return out


def lacking_shares(group: Group, min_rarity: float = MIN_RARITY) -> list[float]:
    n = len(group.texts)
    carried: dict[tuple[int, int, str], list[int]] = {}
    for j in range(n):
        for t in group.sentences[j]:
            for stem, weight in t.content.items():
                if weight >= min_rarity:
                    carried[(j, t.index, stem)] = carriers(group, j, t.index, stem)
    total = [0.0] * n
    missing = [0.0] * n
    for (j, t, stem), others in carried.items():
        if len(others) + 1 < n / 2:
            continue  # not the majority's content
        weight = group.sentences[j][t].content[stem] * (len(others) + 1) / n
        for i in range(n):
            if i == j:
                continue
            total[i] += weight
            if i not in others:
                missing[i] += weight
    return [m / t if t else 0.0 for m, t in zip(missing, total)]


def count_issues(group: Group, settings: Settings = Settings()) -> list[int]:
    counts = []
    for i in range(len(group.texts)):
        found = unsupported(group, i, settings) + divergent_numbers(group, i, settings)
        found += divergent_names(group, i, settings, frozenset()) + omissions(group, i, settings)
        counts.append(len(found))
    return counts


def disagreements(texts: Sequence[str]) -> list[Disagreement] | None:
    """Each version's disagreement with the others; None for groups too small to judge."""
    if len(texts) < MIN_VERSIONS:
        return None
    group = Group.of(texts)
    lacking = lacking_shares(group)
    mean = sum(lacking) / len(lacking)
    return [Disagreement(share, issues, share - mean) for share, issues in zip(lacking, count_issues(group))]


def penalty(d: Disagreement, content_weight: float = CONTENT_WEIGHT, issue_weight: float = ISSUE_WEIGHT) -> float:
    """The consensus term in score points (negative: a bonus for carrying more than most)."""
    return content_weight * d.gap + issue_weight * d.issues
