"""Fit the weights of the score's consensus term (qc.consensus.term) on MQM data.

    python scripts/fit_consensus_term.py [MQM.jsonl] [--seed 0] [--splits 50] [--write]

MQM.jsonl: translations with `text`, `mqm` (lower is better), `story` and `system`
(default: ../shared/data/mqm-wmt23-zhen/dev/articles.jsonl). The stories are split in
two halves (a seeded shuffle); the weights are fitted on the first half and measured on
the second, and the same procedure is repeated over `--splits` random halves (leave
stories out) to show how much the held-out figures move. `--write` stores the weights
fitted on the first half, with these figures, in qc/data/consensus-term.json.

The model: a version's score is its single-article score minus
`anchors × (l − l̄) + rare × (r − r̄) + issues × k + shortfall × h` (qc.consensus.term:
l the share of the group's majority names and numbers it lacks, r the same for rare
words, k the consensus issues, h its shortfall of content words against the median).
The weights come from a pairwise logistic regression over every pair of translations of
one story whose MQM differ (is the first one better?), on the differences of the
single-article score, l, r, k and h. Two constraints: every part is a penalty (weight
>= 0), and paraphrase costs nothing: on the fixture group (the ten MT versions of a dev
story and fixtures/consensus/paraphrase.txt, a faithful free translation written from
them) the paraphrase's term is no higher than the MT versions' mean term. That
constraint binds: a length term would buy within-story accuracy (`--constraint score`,
the paraphrase's score only no lower than the MT mean) by charging concision (the paraphrase is 11 % shorter than the median MT version, about as short as
NLLB's truncations), so the fit sets the shortfall weight to 0.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import statistics
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy.optimize import minimize

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qc import quality as Q  # noqa: E402
from qc import scoring as S  # noqa: E402
from qc.consensus import term as T  # noqa: E402
from qc.consensus.checks import Group  # noqa: E402
from qc.evaluate import validate_scores  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "mqm-wmt23-zhen" / "dev" / "articles.jsonl"
FIXTURES = ROOT / "fixtures" / "consensus"
PARTS = T.PARTS
L2 = 1e-3  # a little ridge on the standardised weights: the fit must not chase single pairs


@dataclass
class Member:
    """One translation: what the fit needs of it."""

    meta: dict[str, Any]
    quality: Q.Quality  # single-article
    parts: tuple[float, float, float, float]  # l − l̄ (names and numbers), the same for rare words, k, h


def members_of(texts: list[str], qualities: list[Q.Quality], metas: list[dict[str, Any]]) -> list[Member]:
    found = T.disagreements_of(Group.of(texts))
    return [Member(m, q, (d.gap, d.rare_gap, float(d.issues), d.shortfall)) for m, q, d in zip(metas, qualities, found)]


def load(path: Path) -> dict[str, list[Member]]:
    """The translations of each story (groups of three or more), scanned once."""
    scored, _ = S.score_paths([str(path)], keep_text=True)
    by_story: dict[str, list[int]] = defaultdict(list)
    for k, item in enumerate(scored):
        if isinstance(item.metadata.get("mqm"), (int, float)) and item.metadata.get("story") is not None:
            by_story[str(item.metadata["story"])].append(k)
    return {
        story: members_of([scored[k].text or "" for k in idx], [scored[k].quality for k in idx], [scored[k].metadata for k in idx])
        for story, idx in sorted(by_story.items())
        if len(idx) >= T.MIN_VERSIONS
    }


def paraphrase_group() -> list[Member]:
    """The ten MT versions of the fixture story and the free paraphrase (last), scored as
    tests/test_consensus_term.py scores them (no lint findings)."""
    records = [json.loads(line) for line in (FIXTURES / "earthquake-10-systems.jsonl").read_text(encoding="utf-8").splitlines()]
    texts = [r["text"] for r in records] + [(FIXTURES / "paraphrase.txt").read_text(encoding="utf-8")]
    return members_of(texts, [Q.quality_of(t, []) for t in texts], [{} for _ in texts])


def features(m: Member) -> np.ndarray:
    return np.array([m.quality.score, *m.parts])


def pairs(stories: dict[str, list[Member]], names: list[str]) -> tuple[np.ndarray, np.ndarray]:
    xs, ys = [], []
    for story in names:
        for a, b in itertools.combinations(stories[story], 2):
            if a.meta["mqm"] != b.meta["mqm"]:
                xs.append(features(a) - features(b))
                ys.append(1.0 if a.meta["mqm"] < b.meta["mqm"] else 0.0)
    return np.array(xs), np.array(ys)


def fit(stories: dict[str, list[Member]], names: list[str], paraphrase: list[Member], on: str = "term") -> T.Weights:
    """Points per part, relative to one point of single-article score. `on`: what of the
    paraphrase may be no worse than the MT versions' mean: its "term" (paraphrase costs
    nothing) or its "score" (a weaker constraint, shown for comparison)."""
    x, y = pairs(stories, names)
    scale = x.std(axis=0) + 1e-9
    xs = x / scale
    group = np.array([features(m) for m in paraphrase]) / scale
    if on == "term":
        group[:, 0] = 0.0  # the paraphrase pays no more than the MT versions, whatever its own score

    def loss(w: np.ndarray) -> float:
        p = 1.0 / (1.0 + np.exp(-(xs @ w)))
        return float(-np.mean(y * np.log(p + 1e-12) + (1 - y) * np.log(1 - p + 1e-12)) + L2 * w @ w)

    # higher is better: the score keeps a positive weight, each penalty part a negative one
    bounds = [(0.0, None)] + [(None, 0.0)] * len(PARTS)
    free_paraphrase = {"type": "ineq", "fun": lambda w: float(group[-1] @ w - (group[:-1] @ w).mean())}
    start = np.array([1.0] + [0.0] * len(PARTS))
    w = minimize(loss, start, method="SLSQP", bounds=bounds, constraints=[free_paraphrase]).x / scale
    return T.Weights(*(round(float(-v / w[0]), 1) for v in w[1:]))


def scores(stories: dict[str, list[Member]], names: list[str], weights: T.Weights) -> list[tuple[dict[str, Any], float]]:
    out = []
    for story in names:
        for m in stories[story]:
            d = T.Disagreement(0.0, int(m.parts[2]), m.parts[0], m.parts[3], m.parts[1])
            out.append((m.meta, S.with_consensus(m.quality, 0.0, T.penalty(d, weights)).score))
    return out


def measure(stories: dict[str, list[Member]], names: list[str], weights: T.Weights) -> dict[str, float]:
    v = validate_scores(scores(stories, names, weights))
    return {"within_story": round(v.story_accuracy or 0.0, 4), "system": round(v.system_accuracy or 0.0, 4)}


def halves(stories: list[str], rng: random.Random) -> tuple[list[str], list[str]]:
    order = stories[:]
    rng.shuffle(order)
    return sorted(order[: len(order) // 2]), sorted(order[len(order) // 2 :])


def spread(rows: list[dict[str, float]], key: str) -> str:
    values = [r[key] for r in rows]
    return f"{statistics.mean(values):.3f} ± {statistics.pstdev(values):.3f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mqm", nargs="?", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--seed", type=int, default=0, help="the split whose first half gives the written weights")
    parser.add_argument("--splits", type=int, default=50, help="random halves for the cross-validation")
    parser.add_argument("--constraint", choices=("term", "score"), default="term",
                        help="the paraphrase's term (default), or only its score, no worse than the MT versions' mean")
    parser.add_argument("--write", action="store_true", help=f"store the weights in {T.WEIGHTS_FILE.relative_to(ROOT)}")
    args = parser.parse_args(argv)
    if not args.mqm.is_file():
        parser.error(f"{args.mqm}: no such file")
    stories = load(args.mqm)
    paraphrase = paraphrase_group()
    names = sorted(stories)
    fit_half, test_half = halves(names, random.Random(args.seed))
    weights = fit(stories, fit_half, paraphrase, args.constraint)
    held_out = measure(stories, test_half, weights)
    every = measure(stories, names, weights)
    rng = random.Random(args.seed + 1)
    folds = []
    for _ in range(args.splits):
        a, b = halves(names, rng)
        folds.append(measure(stories, b, fit(stories, a, paraphrase, args.constraint)))
    print(f"weights fitted on {len(fit_half)} of {len(names)} stories (seed {args.seed}): {weights}")
    print(f"  held-out half ({len(test_half)} stories): within-story {held_out['within_story']:.3f}, system {held_out['system']:.3f}")
    print(f"  all stories: within-story {every['within_story']:.3f}, system {every['system']:.3f}")
    print(f"  {args.splits} random halves, fitted on one, measured on the other: within-story {spread(folds, 'within_story')}, system {spread(folds, 'system')}")
    if args.write and args.constraint != "term":
        parser.error("--write stores only weights fitted with the paraphrase's term constrained")
    if args.write:
        record = {
            "about": "Weights of the score's consensus term (qc.consensus.term), in score points; written by scripts/fit_consensus_term.py.",
            "weights": {name: getattr(weights, name) for name in PARTS},
            "fitted_on": {"data": args.mqm.name if args.mqm != DEFAULT_DATA else "mqm-wmt23-zhen/dev/articles.jsonl", "seed": args.seed, "stories": fit_half},
            "held_out": {"stories": len(test_half), **held_out},
            "all_stories": every,
            "cross_validation": {
                "splits": args.splits,
                "within_story": spread(folds, "within_story"),
                "system": spread(folds, "system"),
            },
        }
        T.WEIGHTS_FILE.write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"wrote {T.WEIGHTS_FILE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
