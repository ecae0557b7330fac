"""The score's consensus term: how much of the story's substance a version lacks or gets
wrong, judged by the other versions — not how closely it copies their wording.

Three parts, in score points, with weights fitted on MQM data (qc/data/consensus-term.json,
written by scripts/fit_consensus_term.py):

- anchors: the share of the story's majority anchors that the version lacks. An anchor
  is a number, or a word of a name, in a sentence of another version, carried by at least
  half the versions in their counterpart of that sentence (weighted by rarity and by how
  many carry it); the version lacks it when its counterpart sentence and that sentence's
  neighbours do not have it. A paraphrase keeps the names and the numbers, so it loses
  nothing here; a version that drops a clause, or garbles a name, does. Taken relative
  to the group's mean (it sums to zero over a group).
- issues: every disagreement the group analyser finds (qc.consensus.checks: an
  unsupported sentence, a divergent or unshared number or name, an omitted sentence),
  however the version is worded.
- shortfall: how far the version's content words fall short of the group's median
  (truncated MT, dropped passages); a longer version pays nothing.

Why names and numbers, and not all rare words (the term before this one: content words of
Zipf <= 3): on the WMT23 zh-en dev split the rare words add nothing once the names and
numbers are counted (their fitted weight is 0), and lexical variants (content words up to
Zipf 5) rank a faithful free paraphrase last. Why not surface agreement (chrF against the
peers, the term before that): it rewards copying the majority's wording, so a good free
human translation ranks last.

The fit (pairwise logistic regression over the pairs of translations of one story, on
one half of the stories) is constrained so that a faithful free paraphrase of a dev
story (fixtures/consensus/paraphrase.txt) scores no lower than the mean of the ten MT
versions it was written from: that constraint binds, and it is what holds the shortfall
weight down (the paraphrase is 11 % shorter than the median MT version; NLLB's
truncations are 8–17 % shorter). The figures are in the data file and in
docs/benchmarks.md.
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from qc.consensus.align import WORD, Sentence, stem
from qc.consensus.checks import MIN_VERSIONS, Group, Settings, divergent_names, divergent_numbers, omissions, unshared_anchors, unsupported

WEIGHTS_FILE = Path(__file__).resolve().parent.parent / "data" / "consensus-term.json"

PARTS = ("anchors", "rare", "issues", "shortfall")
MIN_RARITY = 4.0  # rare words: rarity 4 = Zipf 3 and rarer (a number weighs 3, a CJK character 2: not rare words)
# Which content of a sentence counts: (sentence, stem, weight) -> bool.
AnchorTest = Callable[[Sentence, str, float], bool]


@dataclass(frozen=True)
class Weights:
    """Points for each part of the term (fitted: qc/data/consensus-term.json)."""

    anchors: float  # for lacking all of the group's majority anchors (relative to the group mean)
    rare: float  # for lacking all of the group's majority rare words (relative to the group mean)
    issues: float  # per disagreement found by the analyser
    shortfall: float  # for a version with no content words, against the group's median


@lru_cache(maxsize=1)
def fitted_weights() -> Weights:
    """The weights scripts/fit_consensus_term.py wrote (its provenance is in the same file)."""
    data = json.loads(WEIGHTS_FILE.read_text(encoding="utf-8"))
    return Weights(**{name: float(data["weights"][name]) for name in PARTS})


@dataclass(frozen=True)
class Disagreement:
    """One version's disagreement with its group."""

    lacking: float  # share of the group's majority anchors this version lacks (0-1)
    issues: int  # unsupported sentences, divergent numbers and names, omitted sentences
    gap: float = 0.0  # lacking − the group's mean lacking
    shortfall: float = 0.0  # 1 − content words / the group's median, when below it
    rare_gap: float = 0.0  # the share of the group's majority rare words it lacks − the group's mean


def name_or_number(sentence: Sentence, key: str, weight: float) -> bool:
    """A number ("#35000000") or a word of one of the sentence's names."""
    return key.startswith("#") or key in name_stems(sentence)


def rare_word(min_rarity: float) -> AnchorTest:
    """Content of at least this weight: words of at least this rarity (4 = Zipf 3), and from
    3 down numbers, from 2 down CJK characters (bench/quality_variants.py compares these
    with names and numbers)."""
    return lambda sentence, key, weight: weight >= min_rarity


def name_stems(sentence: Sentence) -> frozenset[str]:
    return frozenset(stem(word.lower()) for name in sentence.names for word in WORD.findall(name.text))


def carriers(group: Group, i: int, s: int, key: str) -> list[int]:
    """The other versions whose counterpart of sentence s of version i (with its
    neighbours) has the content word `key`."""
    out = []
    for j in group.others(i):
        best = group.pairs[(i, j)].best[s]
        if best < 0:
            continue
        if any(key in y.content for y in group.sentences[j][max(0, best - 1) : best + 2]):
            out.append(j)
    return out


def lacking_shares(group: Group, is_anchor: AnchorTest = name_or_number) -> list[float]:
    """Each version's share (by weight) of the group's majority anchors that it lacks."""
    n = len(group.texts)
    carried: dict[tuple[int, int, str], list[int]] = {}
    for j in range(n):
        for t in group.sentences[j]:
            for key, weight in t.content.items():
                if is_anchor(t, key, weight):
                    carried[(j, t.index, key)] = carriers(group, j, t.index, key)
    total = [0.0] * n
    missing = [0.0] * n
    for (j, t, key), others in carried.items():
        if len(others) + 1 < n / 2:
            continue  # not the majority's content
        weight = group.sentences[j][t].content[key] * (len(others) + 1) / n
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


def disagreements(texts: Sequence[str], is_anchor: AnchorTest = name_or_number) -> list[Disagreement] | None:
    """Each version's disagreement with the others; None for groups too small to judge."""
    if len(texts) < MIN_VERSIONS:
        return None
    return disagreements_of(Group.of(texts), is_anchor)


def disagreements_of(
    group: Group, is_anchor: AnchorTest = name_or_number, issues: Sequence[int] | None = None
) -> list[Disagreement]:
    """`disagreements` of an aligned group (`issues`: the analyser's counts, when known)."""
    lacking = lacking_shares(group, is_anchor)
    mean = sum(lacking) / len(lacking)
    rare = lacking_shares(group, rare_word(MIN_RARITY))
    rare_mean = sum(rare) / len(rare)
    words = [sum(s.words for s in sentences) for sentences in group.sentences]
    median = statistics.median(words)
    counts = count_issues(group) if issues is None else issues
    return [
        Disagreement(share, n, share - mean, max(0.0, 1.0 - w / median) if median else 0.0, r - rare_mean)
        for share, n, w, r in zip(lacking, counts, words, rare)
    ]


def penalty(d: Disagreement, weights: Weights | None = None) -> float:
    """The consensus term in score points (negative: a bonus for carrying more than most)."""
    w = weights or fitted_weights()
    return w.anchors * d.gap + w.rare * d.rare_gap + w.issues * d.issues + w.shortfall * d.shortfall
