"""Evaluate rule packs against a span-annotated corpus (e.g. WMT MQM error spans).

Input: ``.jsonl`` records with ``text`` and ``errors: [{start, end, category, severity}]``
(any other record fields are kept as metadata). For every article the annotated
spans are merged first (raters mark the same problem with slightly different
spans); a zero-width span is a point.

Measures
- **precision**: share of findings that overlap a merged annotated span. A finding
  ``[s, e)`` overlaps a span ``[a, b)`` when ``s < b and a < e``; it overlaps a point
  ``p`` when ``s <= p <= e`` (it touches the point).
- **chance**: share of all characters that lie inside merged annotated spans — the
  precision a detector that flags random single characters would reach.
- **recall per category**: share of merged spans carrying that category (a merged
  span carries every category of the spans it was made from) overlapped by at
  least one finding.
- **per rule**: fires and precision of each rule.

With ``scores=True`` it also validates the per-article quality score
(:mod:`qc.quality`) against the records' human ``mqm`` score (lower is better):
system-level pairwise accuracy, within-story pairwise accuracy and Kendall tau.

Library code: no printing, no exiting.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from qc.config import Config
from qc.corpus import Article, iter_articles
from qc.errors import InputError, QcError
from qc.finding import Finding

if TYPE_CHECKING:
    from qc.quality import Quality

Span = tuple[int, int, frozenset[str]]  # start, end, categories


# --------------------------------------------------------------------------- spans


def overlaps(fs: int, fe: int, s: int, e: int) -> bool:
    """Does the finding [fs, fe) overlap the annotated span [s, e) (a point when s == e)?"""
    if s == e:
        return fs <= s <= fe
    if fs == fe:  # a zero-width finding is a point too
        return s <= fs <= e
    return fs < e and s < fe


def merge_spans(errors: Iterable[dict[str, Any]], length: int | None = None) -> list[Span]:
    """Merge overlapping annotated spans (points merge into a span that touches them)."""
    items: list[tuple[int, int, str]] = []
    for err in errors:
        try:
            start, end = int(err["start"]), int(err["end"])
        except (KeyError, TypeError, ValueError):
            continue
        if end < start:
            start, end = end, start
        if length is not None:
            start, end = max(0, min(start, length)), max(0, min(end, length))
        items.append((start, end, str(err.get("category", "unknown"))))
    items.sort(key=lambda t: (t[0], t[1]))
    merged: list[list[Any]] = []
    for start, end, category in items:
        if merged:
            cur = merged[-1]
            cs, ce = cur[0], cur[1]
            point = start == end or cs == ce
            if start < ce or (point and start <= ce):
                cur[1] = max(ce, end)
                cur[2].add(category)
                continue
        merged.append([start, end, {category}])
    return [(s, e, frozenset(c)) for s, e, c in merged]


def covered_chars(spans: Sequence[Span]) -> int:
    return sum(e - s for s, e, _ in spans)


# --------------------------------------------------------------------------- results


@dataclass
class RuleStats:
    rule: str
    name: str
    category: str
    severity: str
    fires: int = 0
    hits: int = 0
    articles: int = 0

    @property
    def precision(self) -> float | None:
        return self.hits / self.fires if self.fires else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "name": self.name,
            "category": self.category,
            "severity": self.severity,
            "fires": self.fires,
            "hits": self.hits,
            "articles": self.articles,
            "precision": rounded(self.precision),
        }


@dataclass
class CategoryRecall:
    category: str
    spans: int = 0
    found: int = 0

    @property
    def recall(self) -> float | None:
        return self.found / self.spans if self.spans else None

    def to_dict(self) -> dict[str, Any]:
        return {"category": self.category, "spans": self.spans, "found": self.found, "recall": rounded(self.recall)}


@dataclass
class ScoreValidation:
    """How well the quality score orders articles as the human `mqm` score does."""

    articles: int = 0
    systems: int = 0
    system_pairs: int = 0
    system_accuracy: float | None = None
    story_pairs: int = 0
    story_accuracy: float | None = None
    kendall_tau: float | None = None  # article level, all articles, tau-b of (quality, -mqm)
    story_kendall_tau: float | None = None  # mean tau-b within stories
    system_table: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "articles": self.articles,
            "systems": self.systems,
            "system_pairs": self.system_pairs,
            "system_accuracy": rounded(self.system_accuracy),
            "story_pairs": self.story_pairs,
            "story_accuracy": rounded(self.story_accuracy),
            "kendall_tau": rounded(self.kendall_tau),
            "story_kendall_tau": rounded(self.story_kendall_tau),
            "system_table": self.system_table,
        }


@dataclass
class EvalResult:
    articles: int = 0
    characters: int = 0
    annotated_characters: int = 0
    annotated_spans: int = 0
    findings: int = 0
    hits: int = 0
    rules: dict[str, RuleStats] = field(default_factory=dict)
    categories: dict[str, CategoryRecall] = field(default_factory=dict)
    spans_found: int = 0
    errors: list[QcError] = field(default_factory=list)
    scores: ScoreValidation | None = None
    articles_without_annotations: int = 0

    @property
    def precision(self) -> float | None:
        return self.hits / self.findings if self.findings else None

    @property
    def chance(self) -> float | None:
        return self.annotated_characters / self.characters if self.characters else None

    @property
    def recall(self) -> float | None:
        return self.spans_found / self.annotated_spans if self.annotated_spans else None

    def to_dict(self) -> dict[str, Any]:
        chance = self.chance
        precision = self.precision
        return {
            "version": 1,
            "articles": self.articles,
            "characters": self.characters,
            "annotated_characters": self.annotated_characters,
            "annotated_spans": self.annotated_spans,
            "findings": self.findings,
            "hits": self.hits,
            "precision": rounded(precision),
            "chance": rounded(chance),
            "lift": rounded(precision / chance) if precision is not None and chance else None,
            "recall": rounded(self.recall),
            "recall_by_category": [c.to_dict() for c in sorted(self.categories.values(), key=lambda c: (-c.spans, c.category))],
            "rules": [r.to_dict() for r in sorted(self.rules.values(), key=lambda r: r.rule)],
            "scores": self.scores.to_dict() if self.scores else None,
            "errors": [e.describe() for e in self.errors],
        }


def rounded(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


# --------------------------------------------------------------------------- evaluation


def evaluate_paths(
    paths: Iterable[str],
    config: Config | None = None,
    options: Any = None,
    scores: bool = False,
    on_article: Callable[[Article], None] | None = None,
    peers: str = "auto",
) -> EvalResult:
    """Scan annotated articles with the active rules and measure findings against the spans.

    With `scores`, the quality score is validated against the records' human scores;
    `peers` says how the consensus term finds other translations of a story (see
    `qc.scoring.score_paths`).
    """
    from qc.scan import ScanOptions, Scanner, active_rules

    config = config or Config()
    options = options or ScanOptions()
    rules = active_rules(config, options)
    scanner = Scanner(rules, config, options)
    result = EvalResult()
    for rule in rules:
        result.rules[rule.id] = RuleStats(rule.id, rule.name, rule.category, rule.severity)
    scored: list[tuple[Article, Quality, int]] = []
    for item in iter_articles(paths, config.exclude):
        if isinstance(item, QcError):
            result.errors.append(item)
            continue
        errors = item.metadata.get("errors")
        if errors is None:
            result.articles_without_annotations += 1
            errors = []
        if not isinstance(errors, list):
            result.errors.append(InputError(item.ref, "'errors' is not a list"))
            continue
        findings = scanner.lint_article_text(item, item.text)
        add_article(result, item.text, errors, findings)
        if scores:
            from qc.quality import quality_of

            scored.append((item, quality_of(item.text, findings), len(findings)))
        if on_article is not None:
            on_article(item)
    if scores:
        qualities = with_peer_consensus(scored, peers)
        result.scores = validate_scores([(a.metadata, q.score) for (a, _, _), q in zip(scored, qualities)])
    return result


def with_peer_consensus(scored: Sequence[tuple[Article, Quality, int]], peers: str) -> list[Quality]:
    """The articles' qualities with the consensus term among translations of one story."""
    from qc.scoring import apply_consensus, story_groups

    qualities = [q for _, q, _ in scored]
    if peers == "none":
        return qualities
    texts = [a.text for a, _, _ in scored]
    groups = story_groups(texts, [a.metadata for a, _, _ in scored], peers, [n for _, _, n in scored])
    return apply_consensus(qualities, texts, groups)[0]


def add_article(result: EvalResult, text: str, errors: list[dict[str, Any]], findings: Sequence[Finding]) -> None:
    spans = merge_spans(errors, len(text))
    result.articles += 1
    result.characters += len(text)
    result.annotated_characters += covered_chars(spans)
    result.annotated_spans += len(spans)
    fired_rules: set[str] = set()
    found = [False] * len(spans)
    for f in findings:
        stats = result.rules.get(f.rule)
        if stats is None:
            stats = result.rules[f.rule] = RuleStats(f.rule, f.name, f.category, f.severity)
        stats.fires += 1
        fired_rules.add(f.rule)
        result.findings += 1
        hit = False
        for i, (s, e, _) in enumerate(spans):
            if overlaps(f.start, f.end, s, e):
                hit = True
                found[i] = True
        if hit:
            stats.hits += 1
            result.hits += 1
    for rule in fired_rules:
        result.rules[rule].articles += 1
    for (s, e, categories), was_found in zip(spans, found):
        result.spans_found += was_found
        for category in categories:
            rec = result.categories.setdefault(category, CategoryRecall(category))
            rec.spans += 1
            rec.found += was_found


# --------------------------------------------------------------------------- score validation


def pairwise_accuracy(pairs: Iterable[tuple[float, float, float, float]]) -> tuple[float | None, int]:
    """Pairs of (qc_a, qc_b, human_a, human_b) with human lower-is-better and qc higher-is-better.

    Pairs with equal human scores are skipped; equal qc scores count half.
    """
    total = 0
    agree = 0.0
    for qa, qb, ha, hb in pairs:
        if ha == hb:
            continue
        total += 1
        if qa == qb:
            agree += 0.5
        elif (qa > qb) == (ha < hb):
            agree += 1
    return (agree / total if total else None), total


def kendall_tau_b(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Kendall's tau-b (ties corrected); O(n²), fine for a few thousand articles."""
    n = len(xs)
    concordant = discordant = ties_x = ties_y = 0
    for i in range(n):
        for j in range(i + 1, n):
            dx = xs[i] - xs[j]
            dy = ys[i] - ys[j]
            if dx == 0 and dy == 0:
                continue
            if dx == 0:
                ties_x += 1
            elif dy == 0:
                ties_y += 1
            elif (dx > 0) == (dy > 0):
                concordant += 1
            else:
                discordant += 1
    denom = math.sqrt((concordant + discordant + ties_x) * (concordant + discordant + ties_y))
    return (concordant - discordant) / denom if denom else None


def validate_scores(items: Sequence[tuple[dict[str, Any], float]], human: str = "mqm", system_field: str = "system", story_field: str = "story") -> ScoreValidation:
    """Compare quality scores (higher is better) with a human score (lower is better)."""
    rows = [(meta, q, float(meta[human])) for meta, q in items if isinstance(meta.get(human), (int, float))]
    out = ScoreValidation(articles=len(rows))
    if not rows:
        return out
    # System level: mean qc score vs mean human score per system.
    by_system: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for meta, q, h in rows:
        if meta.get(system_field) is not None:
            by_system[str(meta[system_field])].append((q, h))
    means = {s: (sum(q for q, _ in v) / len(v), sum(h for _, h in v) / len(v), len(v)) for s, v in by_system.items()}
    out.systems = len(means)
    out.system_accuracy, out.system_pairs = pairwise_accuracy(
        (means[a][0], means[b][0], means[a][1], means[b][1]) for a, b in itertools.combinations(sorted(means), 2)
    )
    out.system_table = [
        {"system": s, "articles": n, "quality": round(q, 2), human: round(h, 4)}
        for s, (q, h, n) in sorted(means.items(), key=lambda kv: kv[1][1])
    ]
    # Within story: every pair of translations of the same story.
    by_story: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for meta, q, h in rows:
        if meta.get(story_field) is not None:
            by_story[str(meta[story_field])].append((q, h))
    out.story_accuracy, out.story_pairs = pairwise_accuracy(
        (a[0], b[0], a[1], b[1]) for group in by_story.values() for a, b in itertools.combinations(group, 2)
    )
    taus = [kendall_tau_b([q for q, _ in g], [-h for _, h in g]) for g in by_story.values() if len(g) > 1]
    taus = [t for t in taus if t is not None]
    out.story_kendall_tau = sum(taus) / len(taus) if taus else None
    out.kendall_tau = kendall_tau_b([q for _, q, _ in rows], [-h for _, _, h in rows])
    return out


# --------------------------------------------------------------------------- text rendering


def render_text(result: EvalResult, min_fires: int = 1) -> str:
    """A human-readable report (the CLI prints it)."""
    pct = lambda v: "   -  " if v is None else f"{100 * v:5.1f}%"  # noqa: E731
    lines = [
        f"articles: {result.articles}   characters: {result.characters:,}   annotated spans (merged): {result.annotated_spans:,}",
        f"findings: {result.findings:,}   overlapping an annotated span: {result.hits:,}",
        f"precision: {pct(result.precision).strip()}   chance level: {pct(result.chance).strip()}"
        + (f"   lift: {result.precision / result.chance:.2f}x" if result.precision is not None and result.chance else ""),
        f"recall (any category): {pct(result.recall).strip()}",
    ]
    if result.articles_without_annotations:
        lines.append(f"note: {result.articles_without_annotations} article(s) have no 'errors' field (counted as no annotated spans)")
    lines.append("")
    lines.append("recall by annotated category:")
    lines.append(f"  {'category':<44} {'spans':>6} {'found':>6} {'recall':>7}")
    for c in sorted(result.categories.values(), key=lambda c: (-c.spans, c.category)):
        lines.append(f"  {c.category[:44]:<44} {c.spans:>6} {c.found:>6} {pct(c.recall):>7}")
    lines.append("")
    lines.append("per rule:")
    lines.append(f"  {'rule':<7} {'severity':<8} {'fires':>6} {'hits':>6} {'precision':>9}  name")
    fired = [r for r in result.rules.values() if r.fires >= min_fires]
    for r in sorted(fired, key=lambda r: (-r.fires, r.rule)):
        lines.append(f"  {r.rule:<7} {r.severity:<8} {r.fires:>6} {r.hits:>6} {pct(r.precision):>9}  {r.name}")
    silent = sorted(r.rule for r in result.rules.values() if r.fires == 0)
    if silent:
        lines.append(f"  silent: {', '.join(silent)}")
    if result.scores is not None:
        lines.append("")
        lines.extend(render_scores(result.scores))
    return "\n".join(lines) + "\n"


def render_scores(v: ScoreValidation) -> list[str]:
    fmt = lambda x: "-" if x is None else f"{x:.3f}"  # noqa: E731
    lines = [
        f"quality score vs human mqm ({v.articles} articles; mqm lower is better):",
        f"  system-level pairwise accuracy: {fmt(v.system_accuracy)} ({v.system_pairs} pairs of {v.systems} systems; chance 0.5)",
        f"  within-story pairwise accuracy: {fmt(v.story_accuracy)} ({v.story_pairs} pairs; chance 0.5)",
        f"  Kendall tau-b, article level:   {fmt(v.kendall_tau)}",
        f"  Kendall tau-b, mean per story:  {fmt(v.story_kendall_tau)}",
    ]
    if v.system_table:
        lines.append(f"  {'system':<20} {'articles':>8} {'quality':>8} {'mqm':>8}")
        for row in v.system_table:
            lines.append(f"  {row['system'][:20]:<20} {row['articles']:>8} {row['quality']:>8.2f} {row['mqm']:>8.3f}")
    return lines
