"""Scanning: articles in, located findings (and optionally fixed texts) out. No printing, no exiting."""

from __future__ import annotations

import bisect
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from qc.config import Config
from qc.corpus import Article, iter_articles
from qc.errors import InputError, QcError
from qc.finding import Edit, Finding, Fix, ScanResult
from qc.fix import atomic_write, fix_text, unified_diff
from qc.lint.engine import Linter
from qc.lint.packs import default_rules, load_rules, DEFAULT_RULES_DIR
from qc.lint.rule import Rule
from qc.select import ignored_for_path, matches, select_rules
from qc.suppress import apply_suppressions, line_starts, parse_suppressions


@dataclass
class ScanOptions:
    select: list[str] | None = None
    extend_select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    rule_paths: list[str] = field(default_factory=list)
    no_default_rules: bool = False
    fix: bool = False  # write fixes to files
    diff: bool = False  # compute diffs of the fixes, write nothing
    unsafe_fixes: bool = False
    report_unused_suppressions: bool = False


@dataclass
class ArticleOutcome:
    article: Article
    findings: list[Finding]  # located, relative to the file
    fixed_text: str | None = None  # new article text when fixes changed it
    fixes_applied: int = 0


def active_rules(config: Config, options: ScanOptions) -> list[Rule]:
    extra = [config.resolve(p) for p in config.rule_paths] + list(options.rule_paths)
    rules = load_rules(extra) if options.no_default_rules else default_rules(extra)
    select = options.select if options.select is not None else config.select
    return select_rules(rules, select, [*config.extend_select, *options.extend_select], [*config.ignore, *options.ignore])


class Scanner:
    def __init__(self, rules: list[Rule], config: Config, options: ScanOptions) -> None:
        self.rules = rules
        self.config = config
        self.options = options
        self.linter = Linter(rules)
        self._path_linters: dict[tuple[str, ...], Linter] = {}

    def linter_for(self, article: Article) -> Linter:
        """per-file-ignores and front-matter ignores need a linter without those rules."""
        ignored = ignored_for_path(article.path, self.config.per_file_ignores)
        if not ignored:
            return self.linter
        key = tuple(sorted(ignored))
        if key not in self._path_linters:
            self._path_linters[key] = Linter([r for r in self.rules if not matches(r.id, ignored)])
        return self._path_linters[key]

    def lint_article_text(self, article: Article, text: str) -> list[Finding]:
        findings = self.linter_for(article).lint(text, article.metadata)
        codes = article.metadata.get("qc-ignore") if isinstance(article.metadata.get("qc-ignore"), list) else None
        suppressions = parse_suppressions(text, codes)
        return apply_suppressions(text, findings, suppressions, self.options.report_unused_suppressions)

    def scan_article(self, article: Article) -> ArticleOutcome:
        findings = self.lint_article_text(article, article.text)
        outcome = ArticleOutcome(article, findings)
        if self.options.fix or self.options.diff:
            result = fix_text(article.text, lambda t: self.lint_article_text(article, t), self.options.unsafe_fixes, findings)
            if result.text != article.text:
                outcome.fixed_text = result.text
                outcome.fixes_applied = result.applied
                if self.options.fix:
                    findings = self.lint_article_text(article, result.text)
                    outcome.findings = findings
        text = outcome.fixed_text if (self.options.fix and outcome.fixed_text is not None) else article.text
        outcome.findings = [locate(f, article, text) for f in outcome.findings]
        return outcome


def locate(finding: Finding, article: Article, text: str) -> Finding:
    """Set path, line and column; shift offsets from the article body to the file (front matter)."""
    shift = article.body_offset
    located = replace(finding, path=article.ref if article.kind == "jsonl" else article.path)
    if article.kind == "jsonl":
        located.line = located.end_line = article.record_line or 1
        located.column, located.end_column = finding.start + 1, finding.end + 1
        return located
    starts = line_starts(text)
    for attr, offset in (("line", finding.start), ("end_line", finding.end)):
        idx = bisect.bisect_right(starts, offset) - 1
        setattr(located, attr, idx + article.body_line)
        setattr(located, "column" if attr == "line" else "end_column", offset - starts[idx] + 1)
    located.path = article.path
    if shift:
        located.start += shift
        located.end += shift
        if finding.fix is not None:
            edits = tuple(Edit(e.start + shift, e.end + shift, e.replacement) for e in finding.fix.edits)
            located.fix = Fix(edits, finding.fix.applicability, finding.fix.message)
    return located


@dataclass
class FileChange:
    path: str
    before: str
    after: str
    encoded: bytes

    def diff(self) -> str:
        return unified_diff(self.path, self.before, self.after)


def file_changes(outcomes: Iterable[ArticleOutcome]) -> Iterator[FileChange | QcError]:
    """Group fixed articles by file and build the new file contents (keeping BOM and newlines)."""
    by_file: dict[str, list[ArticleOutcome]] = {}
    for outcome in outcomes:
        if outcome.fixed_text is not None:
            by_file.setdefault(outcome.article.path, []).append(outcome)
    for path, group in by_file.items():
        try:
            yield rebuild_file(Path(path), group)
        except OSError as exc:
            yield InputError(path, f"cannot rewrite: {exc.strerror or exc}")
        except QcError as exc:
            yield exc


def rebuild_file(path: Path, group: list[ArticleOutcome]) -> FileChange:
    raw = path.read_bytes()
    first = group[0].article
    if first.kind != "jsonl":
        had_bom = raw.startswith(b"\xef\xbb\xbf")
        before = raw.decode("utf-8")[1 if had_bom else 0 :]
        if before[first.body_offset :] != first.text:
            raise InputError(str(path), "file changed on disk while it was being scanned; not rewritten")
        after = before[: first.body_offset] + (group[0].fixed_text or "")
        encoded = (b"\xef\xbb\xbf" if had_bom else b"") + after.encode("utf-8")
        return FileChange(str(path), before, after, encoded)
    lines = raw.splitlines(keepends=True)
    before = raw.decode("utf-8", errors="replace")
    for outcome in group:
        idx = (outcome.article.record_line or 1) - 1
        line = lines[idx]
        ending = line[len(line.rstrip(b"\r\n")) :]
        record = json.loads(line)
        if record.get("text") != outcome.article.text:
            raise InputError(str(path), "file changed on disk while it was being scanned; not rewritten", idx + 1)
        record["text"] = outcome.fixed_text
        lines[idx] = json.dumps(record, ensure_ascii=False).encode("utf-8") + ending
    encoded = b"".join(lines)
    return FileChange(str(path), before, encoded.decode("utf-8", errors="replace"), encoded)


def write_change(change: FileChange) -> None:
    atomic_write(Path(change.path), change.encoded)


def scan_paths(
    paths: Iterable[str],
    config: Config,
    options: ScanOptions,
    on_outcome: Callable[[ArticleOutcome], None] | None = None,
) -> tuple[ScanResult, list[ArticleOutcome]]:
    """Scan everything under `paths`. Returns the result and per-article outcomes (for fixing)."""
    rules = active_rules(config, options)
    scanner = Scanner(rules, config, options)
    result = ScanResult(rules={r.id: r.info() for r in rules})
    outcomes: list[ArticleOutcome] = []
    files: set[str] = set()
    for item in iter_articles(paths, config.exclude):
        if isinstance(item, QcError):
            result.errors.append(item)
            continue
        files.add(item.path)
        outcome = scanner.scan_article(item)
        result.articles_scanned += 1
        result.findings.extend(outcome.findings)
        result.fixes_applied += outcome.fixes_applied
        if outcome.fixed_text is not None:
            outcomes.append(outcome)
        if on_outcome is not None:
            on_outcome(outcome)
    result.files_scanned = len(files)
    return result, outcomes


__all__ = ["ScanOptions", "Scanner", "scan_paths", "file_changes", "write_change", "active_rules", "DEFAULT_RULES_DIR"]
