"""Quality-score variants against human MQM, with a leave-stories-out cross-validation.

    .venv/bin/python bench/quality_variants.py MQM.jsonl [--clean CLEAN.jsonl] [--splits 50]

MQM.jsonl: records with `text`, `mqm` (lower is better), `system` and `story`
(e.g. /work/shared/data/mqm-wmt23-zhen/dev/articles.jsonl). CLEAN.jsonl: edited
news without annotations; its mean score is shown next to the MT mean.

Prints one row per variant of the formula in qc/quality.py (system-level and
within-story pairwise accuracy, Kendall tau, mean scores), a "the"-density
baseline, and two cross-validation figures over random halves of the stories:
the default formula measured on each held-out half, and "choose the best variant
on one half (by system + within-story accuracy), measure it on the other".
The articles are scanned once; each variant only re-scores.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from qc import quality as Q  # noqa: E402
from qc import scoring as S  # noqa: E402
from qc.consensus import relative_disagreement  # noqa: E402
from qc.consensus import term as T  # noqa: E402
from qc.consensus.checks import Group  # noqa: E402
from qc.evaluate import validate_scores  # noqa: E402

D = Q.DEFAULT_WEIGHTS
# A consensus term: qc.consensus.term's weights and what counts as an anchor (None: names
# and numbers; a number: content words of at least that rarity, 4 = Zipf 3), "chrf" for
# the previous surface term (1.9 × chrF below the group mean), or None for no term.
Term = tuple[T.Weights, float | None] | str | None
W = T.fitted_weights()
C: Term = (W, None)
PREVIOUS_CHRF_WEIGHT = 1.9
# name -> (weights, consensus term); the consensus groups come from the records' `story`
# field (qc's story tier finds the same 23 groups on dev, so `--peers auto` scores alike)
SINGLE: dict[str, Q.Weights] = {
    "previous formula (F 5, P 80 above z 5.45, no floor, no R)": Q.Weights(
        findings=5.0, plainness=80.0, plainness_knee=5.45, zipf_floor=0.0, run_on=0.0, repeats_count_once=False
    ),
    "default": D,
    "findings only (F 1.7, U, G)": replace(D, plainness=0.0, run_on=0.0),
    "plainness only": replace(D, findings=0.0, untranslated=0.0, garble=0.0, run_on=0.0),
    "run-on only": replace(D, findings=0.0, untranslated=0.0, garble=0.0, plainness=0.0),
    "default, F 5": replace(D, findings=5.0),
    "default, repeats counted": replace(D, repeats_count_once=False),
    "default, no run-on": replace(D, run_on=0.0),
    "default, run-on 20": replace(D, run_on=20.0),
    "default, knee 5.45": replace(D, plainness_knee=5.45),
    "default, knee 5.61": replace(D, plainness_knee=5.61),
    "default, knee 5.61, no run-on": replace(D, plainness_knee=5.61, run_on=0.0),
}
VARIANTS: dict[str, tuple[Q.Weights, Term]] = {
    "default": (D, C),
    "single-article score (no consensus)": (D, None),
    "consensus only": (replace(D, findings=0.0, untranslated=0.0, garble=0.0, plainness=0.0, run_on=0.0), C),
    "previous term: chrF against the peers, 1.9 per point": (D, "chrf"),
    "previous content term: rare words (Zipf <= 3) 50, issues 3, shortfall 25": (D, (T.Weights(50.0, 0.0, 3.0, 25.0), 4.0)),
    "content words down to Zipf 5 (lexical) 100 instead of names and numbers": (D, (replace(W, anchors=100.0), 2.0)),
    "no rare words": (D, (replace(W, rare=0.0), None)),
    "anchors 80": (D, (replace(W, anchors=80.0), None)),
    "no issues": (D, (replace(W, issues=0.0), None)),
    "issues 3": (D, (replace(W, issues=3.0), None)),
    "shortfall 25 (the previous term's)": (D, (replace(W, shortfall=25.0), None)),
    "shortfall 100": (D, (replace(W, shortfall=100.0), None)),
    **{f"{name} (no consensus)": (w, None) for name, w in SINGLE.items() if name != "default"},
}
THE = re.compile(r"\bthe\b", re.IGNORECASE)


def load(path: str) -> list[tuple[dict, str, list]]:
    scored, _ = S.score_paths([path], keep_text=True)
    return [(s.metadata, s.text or "", s.located or []) for s in scored]


_ALIGNED: dict[tuple[str, ...], tuple[Group, list[int]]] = {}


def aligned(texts: tuple[str, ...]) -> tuple[Group, list[int]]:
    """A story's aligned group and analyser counts, computed once for all variants."""
    if texts not in _ALIGNED:
        group = Group.of(texts)
        _ALIGNED[texts] = (group, T.count_issues(group))
    return _ALIGNED[texts]


def consensus_terms(texts: list[str], term: Term) -> list[float]:
    """The term's points for each member of one translation group (as qc.scoring applies it)."""
    if term == "chrf":
        return [PREVIOUS_CHRF_WEIGHT * gap for _, gap in relative_disagreement(texts) or []]
    assert isinstance(term, tuple)
    weights, rarity = term
    group, issues = aligned(tuple(texts))
    is_anchor = T.name_or_number if rarity is None else T.rare_word(rarity)
    return [T.penalty(d, weights) for d in T.disagreements_of(group, is_anchor, issues)]


def variant_scores(items: list[tuple[dict, str, list]], weights: Q.Weights, consensus: Term) -> list[float]:
    qualities = [Q.quality_of(t, f, weights) for _, t, f in items]
    if consensus is not None:
        texts = [t for _, t, _ in items]
        for group in S.story_groups(texts, [m for m, _, _ in items], "story"):
            if len(group) < 3:
                continue
            for i, points in zip(group, consensus_terms([texts[i] for i in group], consensus)):
                qualities[i] = S.with_consensus(qualities[i], 0.0, points)
    return [q.score for q in qualities]


def measure(items: list[tuple[dict, float]]) -> tuple[float, float, float, float]:
    v = validate_scores(items)
    return v.system_accuracy or 0.0, v.story_accuracy or 0.0, v.kendall_tau or 0.0, v.story_kendall_tau or 0.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mqm")
    parser.add_argument("--clean")
    parser.add_argument("--splits", type=int, default=50)
    args = parser.parse_args(argv)
    dev = load(args.mqm)
    clean = load(args.clean) if args.clean else []
    scores: dict[str, list[float]] = {}
    print(f"{'variant':<60} {'system':>6} {'story':>6} {'tau':>6} {'s-tau':>6} {'MT':>6} {'clean':>6}")
    for name, (w, cw) in VARIANTS.items():
        s = scores[name] = variant_scores(dev, w, cw)
        c = variant_scores(clean, w, cw)
        sy, st, tau, stau = measure([(m, q) for (m, _, _), q in zip(dev, s)])
        cm = f"{sum(c) / len(c):6.1f}" if c else "     -"
        print(f"{name[:60]:<60} {sy:6.3f} {st:6.3f} {tau:6.3f} {stau:6.3f} {sum(s) / len(s):6.1f} {cm}")
    the = [-len(THE.findall(t)) / max(1, len(Q.WORD.findall(t))) for _, t, _ in dev]
    sy, st, tau, stau = measure([(m, q) for (m, _, _), q in zip(dev, the)])
    label = 'baseline: density of "the" (lower is better)'
    print(f"{label:<60} {sy:6.3f} {st:6.3f} {tau:6.3f} {stau:6.3f}")

    stories = sorted({str(m.get("story")) for m, _, _ in dev})
    rng = random.Random(1)
    fixed: list[tuple[float, float]] = []
    chosen: list[tuple[float, float]] = []
    picks: dict[str, int] = {}
    for _ in range(args.splits):
        order = stories[:]
        rng.shuffle(order)
        half = set(order[: len(order) // 2])

        def on(name: str, inside: bool) -> tuple[float, float, float, float]:
            return measure([(m, q) for (m, _, _), q in zip(dev, scores[name]) if (str(m.get("story")) in half) == inside])

        fixed.append(on("default", False)[:2])
        best = max(VARIANTS, key=lambda n: sum(on(n, True)[:2]))
        picks[best] = picks.get(best, 0) + 1
        chosen.append(on(best, False)[:2])

    def summary(rows: list[tuple[float, float]]) -> str:
        n = len(rows)
        means = [sum(r[i] for r in rows) / n for i in (0, 1)]
        sds = [(sum((r[i] - means[i]) ** 2 for r in rows) / n) ** 0.5 for i in (0, 1)]
        return f"system {means[0]:.3f} ± {sds[0]:.3f}   within-story {means[1]:.3f} ± {sds[1]:.3f}"

    print()
    print(f"cross-validation over {args.splits} random halves of {len(stories)} stories (mean ± sd on the held-out half):")
    print(f"  default formula:                    {summary(fixed)}")
    print(f"  variant chosen on the other half:   {summary(chosen)}")
    print("  chosen: " + ", ".join(f"{k} ×{v}" for k, v in sorted(picks.items(), key=lambda kv: -kv[1])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
