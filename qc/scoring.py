"""Scores over many articles: scan and score them, rank them, group them, and the consensus
term that compares the translations of one story (the formula is in qc.quality; this module
adds its C term).

Above qc.scan: it runs scans (`score_paths`) and finds story groups with qc.dedup.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from qc.config import Config
from qc.finding import Edit, Finding, Fix, ScanResult
from qc.quality import Quality, quality_of
from qc.scan import ArticleOutcome, ScanOptions, scan_paths, story_groups

CONSENSUS_WEIGHT = 1.0  # a multiplier of qc.consensus.term's penalty (bench/ tries others)
CONSENSUS_MIN_AGREEMENT = 50.0  # mean chrF below this: not translations of one source


# --------------------------------------------------------------------------- ranking


@dataclass
class ScoredArticle:
    ref: str
    quality: Quality
    findings: int
    metadata: dict[str, Any] = field(default_factory=dict)
    text: str | None = None  # kept only when asked (the HTML report needs it)
    located: list[Finding] | None = None  # findings with offsets into `text`


def body_relative(finding: Finding, shift: int) -> Finding:
    """A located finding with offsets moved back from the file to the article body."""
    if not shift:
        return finding
    moved = replace(finding, start=finding.start - shift, end=finding.end - shift)
    if finding.fix is not None:
        edits = tuple(Edit(e.start - shift, e.end - shift, e.replacement) for e in finding.fix.edits)
        moved.fix = Fix(edits, finding.fix.applicability, finding.fix.message)
    return moved


def score_paths(
    paths: Iterable[str],
    config: Config | None = None,
    options: ScanOptions | None = None,
    on_article: Callable[[ArticleOutcome], None] | None = None,
    keep_text: bool = False,
    jobs: int = 1,
    peers: str = "none",
) -> tuple[list[ScoredArticle], ScanResult]:
    """Lint and score every article; returns (scored articles in input order, ScanResult).

    `peers` finds other translations of each article's story for the consensus term:
    "auto" (qc's story tier), a metadata field name, or "none" (single-article scores).

    Runs through `qc.scan.scan_paths` (so `jobs` > 1 uses its process pool, with results in
    input order). The ScanResult carries each article's quality under
    `articles[ref]["quality"]`, so `qc.report.json_` puts it in `summary.articles[ref].quality`.
    """
    config = config or Config()
    need_text = keep_text or peers != "none"
    options = options or ScanOptions()
    analysers = {**options.analysers, "quality": quality_of}
    options = replace(options, analysers=analysers, keep_text=need_text, fix=False, diff=False)
    scored: list[ScoredArticle] = []

    def collect(outcome: ArticleOutcome) -> None:
        article = outcome.article
        shift = article.body_offset if article.kind != "jsonl" else 0
        item = ScoredArticle(article.ref, outcome.analyses["quality"], len(outcome.findings), article.metadata)
        if need_text:
            item.text = article.text
        if keep_text:
            item.located = [body_relative(f, shift) for f in outcome.findings]
        scored.append(item)
        if on_article is not None:
            on_article(outcome)

    result, _ = scan_paths(paths, config, options, on_outcome=collect, jobs=jobs)
    if peers != "none":
        add_consensus(scored, peers, result)
        if not keep_text:
            for item in scored:
                item.text = None
    return scored, result


def add_consensus(
    scored: Sequence[ScoredArticle], peers: str, result: Any = None, groups: Sequence[Sequence[int]] | None = None
) -> int:
    """Add the consensus term to scored articles (texts kept) in place; returns the groups used.

    `groups` (indices into `scored`) skips finding the groups again when the caller has
    them. The ScanResult's per-article summary (`result.articles[ref]["quality"]`) is
    updated too, so JSON output agrees with the ranking.
    """
    texts = [s.text or "" for s in scored]
    if groups is None:
        groups = story_groups(texts, [s.metadata for s in scored], peers, [s.findings for s in scored])
    qualities, used = apply_consensus([s.quality for s in scored], texts, groups)
    for item, quality in zip(scored, qualities):
        if quality is not item.quality:
            item.quality = quality
            summary = getattr(result, "articles", None)
            entry = summary.get(item.ref) if isinstance(summary, dict) else None
            if isinstance(entry, dict) and "quality" in entry:
                # a new dict: the results cache may hold the old one (single-article scores)
                summary[item.ref] = {**entry, "quality": quality.to_dict()}
    return used


def rank(scored: Sequence[ScoredArticle]) -> list[ScoredArticle]:
    """Worst first; ties by reference."""
    return sorted(scored, key=lambda s: (s.quality.score, s.ref))


def group_by(scored: Sequence[ScoredArticle], field_name: str) -> list[dict[str, Any]]:
    """Mean score per value of a metadata field, worst first. Articles without the field go under None."""
    groups: dict[Any, list[ScoredArticle]] = {}
    for s in scored:
        value = s.metadata.get(field_name)
        key = value if isinstance(value, (str, int, float, bool)) or value is None else str(value)
        groups.setdefault(key, []).append(s)
    rows = []
    for key, items in groups.items():
        scores = [i.quality.score for i in items]
        rows.append(
            {
                field_name: key,
                "articles": len(items),
                "mean": round(sum(scores) / len(scores), 2),
                "min": min(scores),
                "max": max(scores),
                "findings": sum(i.findings for i in items),
            }
        )
    return sorted(rows, key=lambda r: (r["mean"], str(r[field_name])))


# --------------------------------------------------------------------------- consensus


def with_consensus(quality: Quality, agreement: float, term: float) -> Quality:
    """The quality with the consensus term C added (C < 0 is a bonus).

    The bonus may offset an article's text signals, but not the penalty of its findings
    when some are errors: peers that agree do not undo an error, and "100 (clean)" needs
    no errors."""
    penalties = {**quality.penalties, "consensus": term}
    score = max(0.0, min(100.0, 100.0 - sum(penalties.values())))
    if quality.errors and term < 0:
        score = min(score, 100.0 - quality.penalties.get("findings", 0.0))
    return replace(quality, score=round(score, 1), penalties=penalties, agreement=agreement)


def apply_consensus(
    qualities: Sequence[Quality],
    texts: Sequence[str],
    groups: Iterable[Sequence[int]],
    weight: float = CONSENSUS_WEIGHT,
    min_agreement: float = CONSENSUS_MIN_AGREEMENT,
) -> tuple[list[Quality], int]:
    """Qualities with the consensus term for members of translation groups; and how many groups it used.

    The term is qc.consensus.term's content disagreement (times `weight`); `agreement` is
    the share of the group's majority anchors the version carries, in per cent. Groups
    whose mean chrF is below `min_agreement` are different reports of one event, not
    translations of one source, and are left alone.
    """
    from qc.consensus import agreements
    from qc.consensus.term import disagreements, penalty

    out = list(qualities)
    used = 0
    for group in groups:
        members = sorted(group)
        member_texts = [texts[i] for i in members]
        if len(members) < 3 or sum(agreements(member_texts)) / len(members) < min_agreement:
            continue
        found = disagreements(member_texts)
        if found is None:
            continue
        used += 1
        for i, d in zip(members, found):
            out[i] = with_consensus(out[i], 100.0 * (1.0 - d.lacking), weight * penalty(d))
    return out, used
