"""The score's consensus term: how much of the story's substance a version lacks or gets
wrong, judged by the other versions — not how closely it copies their wording.

Two parts, both in score points:

- content (50 points for all of it): the share of the story's majority anchors that the
  version lacks. An anchor is a name, a number or a rare word (Zipf <= 3) of a sentence
  of another version, carried by at least half the versions in their counterpart of
  that sentence (weighted by rarity and by how many carry it); the version lacks it
  when its counterpart sentence and that sentence's neighbours do not have it. Common
  words, function words and word order do not count, so a paraphrase that keeps the
  facts loses nothing. Taken relative to the group's mean (it sums to zero over a group).
- issues (3 points each): every disagreement the group analyser finds
  (qc.consensus.checks: an unsupported sentence, a divergent number or name, an
  omitted sentence), however the version is worded.
- shortfall (25 points for an empty version): how far the version's content words fall
  short of the group's median (truncated MT, dropped passages); a longer version pays
  nothing.

Why not surface agreement (chrF against the peers, the term before this one): it
rewards copying the majority's wording, so a good free human translation ranks last.
On the WMT23 zh-en dev split the content term orders translations of one story less
well than chrF did (within-story pairwise accuracy 0.692 against 0.744: MT systems of
one source differ mostly in wording, and the raters penalise wording), but orders the
systems better (0.911 against 0.778), and a faithful free paraphrase of a dev story
(fixtures/consensus/paraphrase.txt) ranks 4th of 11 instead of last. Lexical variants
(content words of Zipf <= 5, weight 100) reach 0.736 on dev and rank the paraphrase
last again; bench/quality_variants.py prints the variants with a leave-stories-out
cross-validation.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from qc.consensus.checks import MIN_VERSIONS, Group, Settings, divergent_names, divergent_numbers, omissions, unshared_anchors, unsupported

CONTENT_WEIGHT = 50.0  # points for lacking all of the majority's rare content (relative to the group mean)
ISSUE_WEIGHT = 3.0  # points per disagreement found by the analyser
SHORTFALL_WEIGHT = 25.0  # points for a version with no content words, against the group's median
MIN_RARITY = 4.0  # only names, numbers and rare words (Zipf <= 3) count as content here


@dataclass(frozen=True)
class Disagreement:
    """One version's disagreement with its group."""

    lacking: float  # share of the group's majority anchors this version lacks (0-1)
    issues: int  # unsupported sentences, divergent numbers and names, omitted sentences
    gap: float = 0.0  # lacking − the group's mean lacking
    shortfall: float = 0.0  # 1 − content words / the group's median, when below it


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
        found += divergent_names(group, i, settings, frozenset()) + unshared_anchors(group, i, settings)
        found += omissions(group, i, settings)
        counts.append(len(found))
    return counts


def disagreements(texts: Sequence[str], min_rarity: float = MIN_RARITY) -> list[Disagreement] | None:
    """Each version's disagreement with the others; None for groups too small to judge."""
    if len(texts) < MIN_VERSIONS:
        return None
    return disagreements_of(Group.of(texts), min_rarity)


def disagreements_of(group: Group, min_rarity: float = MIN_RARITY, issues: Sequence[int] | None = None) -> list[Disagreement]:
    """`disagreements` of an aligned group (`issues`: the analyser's counts, when known)."""
    lacking = lacking_shares(group, min_rarity)
    mean = sum(lacking) / len(lacking)
    words = [sum(s.words for s in sentences) for sentences in group.sentences]
    median = statistics.median(words)
    counts = count_issues(group) if issues is None else issues
    return [
        Disagreement(share, n, share - mean, max(0.0, 1.0 - w / median) if median else 0.0)
        for share, n, w in zip(lacking, counts, words)
    ]


def penalty(
    d: Disagreement,
    content_weight: float = CONTENT_WEIGHT,
    issue_weight: float = ISSUE_WEIGHT,
    shortfall_weight: float = SHORTFALL_WEIGHT,
) -> float:
    """The consensus term in score points (negative: a bonus for carrying more than most)."""
    return content_weight * d.gap + issue_weight * d.issues + shortfall_weight * d.shortfall
