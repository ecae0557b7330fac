"""Scanning: articles in, located findings (and optionally fixed texts) out. No printing, no exiting."""

from __future__ import annotations

import bisect
import itertools
import json
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from qc.cache import ScanCache, file_digest
from qc.config import Config
from qc.corpus import Article, discover, display_path, load_file
from qc.errors import ConfigError, InputError, QcError
from qc.finding import Edit, Finding, Fix, ScanResult, finding_from_dict
from qc.lint import DEFAULT_RULES_DIR
from qc.suppress import apply_suppressions, line_starts, parse_suppressions

if TYPE_CHECKING:  # the linter is imported only when some article is really linted
    from qc.lint.engine import Linter
    from qc.lint.rule import Rule

# Codes qc emits itself (qc.lint.select.BUILTIN_CODES; here too so the cache path needs no linter import).
BUILTIN_CODES = ("QC001", "QC002")

class Summary(Protocol):
    """What an analyser returns: anything that says itself as a JSON-able dict."""

    def to_dict(self) -> dict[str, Any]: ...


class Analyser(Protocol):
    """A per-article measure taken after linting, from the article's body text and its
    findings (offsets into that text), e.g. qc.quality.quality_of. The scan does not know
    what it measures: it stores the result in the outcome's `analyses` under the name the
    analyser was given, and its `to_dict()` in the result's `articles[ref][name]`.
    Analysers travel to worker processes, so they are module-level functions."""

    def __call__(self, text: str, findings: list[Finding], /) -> Summary: ...


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
    trust_rules: bool = False  # run user packs' regexes on Python's backtracking engine
    # per-article measures by name (summary.articles[ref][name]), e.g. {"quality": quality_of}
    analysers: dict[str, Analyser] = field(default_factory=dict)
    keep_text: bool = False  # keep article texts in outcomes (the HTML report shows them)
    # What the scan has to tell the user besides findings (e.g. a retired rule code read as
    # its successor's); the command line prints them on standard error.
    notices: list[str] = field(default_factory=list)


@dataclass
class ArticleOutcome:
    article: Article
    findings: list[Finding]  # located, relative to the file
    fixed_text: str | None = None  # new article text when fixes changed it
    fixes_applied: int = 0
    analyses: dict[str, Summary] = field(default_factory=dict)  # by analyser name (ScanOptions.analysers)
    # With --fix: the findings of the text as it was, located in the file as it was; they
    # are reported instead of `findings` when the fixed text could not be written.
    unfixed_findings: list[Finding] | None = None


def all_rules(config: Config, options: ScanOptions) -> list[Rule]:
    """Every rule of the packs in use, before selection."""
    from qc.lint.packs import default_rules, load_rules

    extra = [config.resolve(p) for p in config.rule_paths] + list(options.rule_paths)
    return load_rules(extra, options.trust_rules) if options.no_default_rules else default_rules(extra, options.trust_rules)


def active_rules(config: Config, options: ScanOptions) -> list[Rule]:
    from qc.lint.select import select_rules

    rules = all_rules(config, options)
    redirect_retired_codes(config, options, rules)
    check_selection(config, options, [*(r.id for r in rules), *BUILTIN_CODES])
    select = options.select if options.select is not None else config.select
    return select_rules(rules, select, [*config.extend_select, *options.extend_select], [*config.ignore, *options.ignore])


def redirect_retired_codes(config: Config, options: ScanOptions, rules: list[Rule]) -> None:
    """Read codes of retired rules in the flags and the config as their successors' codes,
    with a notice (options.notices): a configuration written for an older qc keeps working
    and says what to change. Rewritten in place, so the Scanner and worker processes given
    the same config and options see the new codes (and the notice is given once)."""
    from qc.lint.select import redirect, retired_codes

    retired = retired_codes(rules)
    if not retired:
        return
    lists = [options.select or [], options.extend_select, options.ignore, config.select, config.extend_select, config.ignore]
    lists += list(config.per_file_ignores.values())
    for old, new in sorted({pair for codes in lists for pair in redirect(codes, retired)}):
        options.notices.append(f"{old} is retired; rule {new} now makes its checks (read as {new})")


def check_selection(config: Config, options: ScanOptions, known_ids: list[str]) -> None:
    """Every code in the flags and the config must name a rule or a prefix of one (ConfigError)."""
    from qc.lint.select import describe_unknown, unknown_codes

    from_flags = [("--select", options.select or []), ("--extend-select", options.extend_select), ("--ignore", options.ignore)]
    for flag, codes in from_flags:
        for code in unknown_codes(codes, known_ids):
            raise ConfigError(flag, describe_unknown(code, known_ids))
    source = str(config.source) if config.source else "configuration"
    from_config = [("select", config.select), ("extend-select", config.extend_select), ("ignore", config.ignore)]
    from_config += [(f"per-file-ignores '{pattern}'", codes) for pattern, codes in config.per_file_ignores.items()]
    for key, codes in from_config:
        for code in unknown_codes(codes, known_ids):
            raise ConfigError(source, f"{key}: {describe_unknown(code, known_ids)}")


class Scanner:
    def __init__(self, rules: list[Rule], config: Config, options: ScanOptions) -> None:
        from qc.lint.engine import Linter

        self.rules = rules
        self.config = config
        self.options = options
        self.linter = Linter.for_rules(rules)
        self._path_linters: dict[tuple[str, ...], Linter] = {}
        self._all_ids: list[str] | None = None
        from qc.lint.select import retired_codes

        self.retired = retired_codes(rules)  # suppressions naming a retired rule silence its successor
        # qc's own findings (QC001/QC002) are always on, unless ignored like a pack's rule.
        from qc.lint.select import matches, normalise

        ignore = normalise([*config.ignore, *options.ignore])
        self.ignored_builtin = {code for code in BUILTIN_CODES if matches(code, ignore)}

    def linter_for(self, article: Article) -> Linter:
        """per-file-ignores and front-matter ignores need a linter without those rules."""
        from qc.lint.select import ignored_for_path, matches

        ignored = ignored_for_path(article.path, self.config.per_file_ignores)
        if self.config.per_file_ignores and self.config.source is not None:
            # Patterns are relative to the config file's folder too: a hook or a scan started
            # elsewhere (pre-commit runs at the repository root) sees the same ignores.
            ignored += ignored_for_path(relative_to_config(article.path, self.config), self.config.per_file_ignores)
        if not ignored:
            return self.linter
        key = tuple(sorted(ignored))
        if key not in self._path_linters:
            from qc.lint.engine import Linter

            self._path_linters[key] = Linter([r for r in self.rules if not matches(r.id, ignored)])
        return self._path_linters[key]

    def lint_article_text(self, article: Article, text: str) -> list[Finding]:
        return self.suppressed(article, text, self.linter_for(article).lint(text, article.metadata))

    def suppressed(self, article: Article, text: str, findings: list[Finding]) -> list[Finding]:
        codes = article.metadata.get("qc-ignore") if isinstance(article.metadata.get("qc-ignore"), list) else None
        from qc.lint.select import redirect

        suppressions = parse_suppressions(text, codes)
        for suppression in suppressions:
            redirect(suppression.codes, self.retired)
        kept = apply_suppressions(text, findings, suppressions, self.options.report_unused_suppressions, self.is_known_code)
        if self.ignored_builtin:
            kept = [f for f in kept if f.rule not in self.ignored_builtin]
        return kept

    def is_known_code(self, code: str) -> bool:
        """A suppression's code names some rule of the packs (selected or not) or prefixes one."""
        from qc.lint.select import is_known

        if is_known(code, (r.id for r in self.rules)) or is_known(code, BUILTIN_CODES):
            return True
        if self._all_ids is None:  # rare: a code outside the selection; load every rule's id once
            self._all_ids = [code for r in all_rules(self.config, self.options) for code in (r.id, *r.replaces)]
        return is_known(code, self._all_ids)

    def scan_articles(self, articles: list[Article]) -> list[ArticleOutcome]:
        """scan_article for each, with the first lint of all of them done together
        (`Linter.lint_many`, which computes some views for the whole batch at once)."""
        by_linter: dict[int, tuple[Linter, list[int]]] = {}
        for index, article in enumerate(articles):
            linter = self.linter_for(article)
            by_linter.setdefault(id(linter), (linter, []))[1].append(index)
        first: list[list[Finding]] = [[] for _ in articles]
        for linter, indices in by_linter.values():
            found = linter.lint_many([articles[i].text for i in indices], [articles[i].metadata for i in indices])
            for i, findings in zip(indices, found):
                first[i] = self.suppressed(articles[i], articles[i].text, findings)
        return [self.scan_article(article, findings) for article, findings in zip(articles, first)]

    def scan_article(self, article: Article, findings: list[Finding] | None = None) -> ArticleOutcome:
        """Lint (unless `findings`, the article text's suppressed findings, are given), analyse
        and fix one article, and locate its findings in the file."""
        if findings is None:
            findings = self.lint_article_text(article, article.text)
        outcome = ArticleOutcome(article, findings)
        for name, analyse in self.options.analysers.items():
            outcome.analyses[name] = analyse(article.text, findings)
        if self.options.fix or self.options.diff:
            from qc.fix import fix_text

            result = fix_text(article.text, lambda t: self.lint_article_text(article, t), self.options.unsafe_fixes, findings)
            if result.text != article.text:
                outcome.fixed_text = result.text
                outcome.fixes_applied = result.applied
                if self.options.fix:
                    original = line_starts(article.text) if article.kind != "jsonl" else []
                    outcome.unfixed_findings = [locate(f, article, article.text, original) for f in findings]
                    findings = self.lint_article_text(article, result.text)
                    outcome.findings = findings
        text = outcome.fixed_text if (self.options.fix and outcome.fixed_text is not None) else article.text
        # Line starts once per article, not per finding: per finding made many findings quadratic.
        starts = line_starts(text) if article.kind != "jsonl" and outcome.findings else []
        outcome.findings = [locate(f, article, text, starts) for f in outcome.findings]
        return outcome


def relative_to_config(path: str, config: Config) -> str:
    import os

    assert config.source is not None
    try:
        return Path(os.path.relpath(os.path.abspath(path), config.source.parent.resolve())).as_posix()
    except ValueError:
        return path


def locate(finding: Finding, article: Article, text: str, starts: list[int] | None = None) -> Finding:
    """Set path, line and column; shift offsets from the article body to the file (front matter).
    `starts` is `line_starts(text)`, computed by the caller once for all of an article's findings."""
    shift = article.body_offset
    located = replace(finding, path=article.ref if article.kind == "jsonl" else article.path)
    if article.kind == "jsonl":
        located.line = located.end_line = article.record_line or 1
        located.column, located.end_column = finding.start + 1, finding.end + 1
        return located
    if starts is None:
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
    original: bytes = b""  # the file's bytes as scanned: written over only if still there

    def diff(self, words: bool = False) -> str:
        from qc.fix import unified_diff, word_diff

        return (word_diff if words else unified_diff)(self.path, self.before, self.after)


def file_changes(outcomes: Iterable[ArticleOutcome], sources: dict[str, bytes] | None = None) -> Iterator[FileChange | QcError]:
    """Group fixed articles by file and build the new file contents (keeping BOM and newlines).
    `sources` holds the bytes of files that are not on disk (standard input), by name."""
    by_file: dict[str, list[ArticleOutcome]] = {}
    for outcome in outcomes:
        if outcome.fixed_text is not None:
            by_file.setdefault(outcome.article.path, []).append(outcome)
    for path, group in by_file.items():
        try:
            yield rebuild_file(Path(path), group, (sources or {}).get(path))
        except OSError as exc:
            yield InputError(path, f"cannot rewrite: {exc.strerror or exc}")
        except QcError as exc:
            yield exc


def rebuild_file(path: Path, group: list[ArticleOutcome], raw: bytes | None = None) -> FileChange:
    if raw is None:
        raw = path.read_bytes()
    first = group[0].article
    if first.kind != "jsonl":
        had_bom = raw.startswith(b"\xef\xbb\xbf")
        before = raw.decode("utf-8")[1 if had_bom else 0 :]
        if before[first.body_offset :] != first.text:
            raise InputError(str(path), "file changed on disk while it was being scanned; not rewritten")
        after = before[: first.body_offset] + (group[0].fixed_text or "")
        encoded = (b"\xef\xbb\xbf" if had_bom else b"") + after.encode("utf-8")
        return FileChange(str(path), before, after, encoded, raw)
    lines = raw.splitlines(keepends=True)
    before = raw.decode("utf-8", errors="replace")
    from qc.record_edit import replace_text

    for outcome in group:
        idx = (outcome.article.record_line or 1) - 1
        line = lines[idx]
        bom = b"\xef\xbb\xbf" if idx == 0 and line.startswith(b"\xef\xbb\xbf") else b""
        body = line[len(bom) : len(line.rstrip(b"\r\n"))]
        ending = line[len(bom) + len(body) :]
        record = json.loads(body)
        if record.get("text") != outcome.article.text:
            raise InputError(str(path), "file changed on disk while it was being scanned; not rewritten", idx + 1)
        # Only the text value's bytes change: numbers, key order, duplicates and escapes stay.
        lines[idx] = bom + replace_text(body, outcome.article.text, outcome.fixed_text or "", str(path), idx + 1) + ending
    encoded = b"".join(lines)
    return FileChange(str(path), before, encoded.decode("utf-8", errors="replace"), encoded, raw)


def write_change(change: FileChange) -> bool:
    """Write the fixed file; True when written, False when the file already holds exactly
    these bytes (another run fixed it). Under an exclusive lock on the file, so two runs
    fixing it at once do not both count the fix; a file that changed since it was read is
    not overwritten (InputError). OSError when the write fails (nothing is then changed)."""
    from qc.fix import locked_rewrite

    return locked_rewrite(Path(change.path), change.original, change.encoded)


# Below this much input a process pool costs more (start-up, pickling) than it saves
# (bench/parallel_jobs.py, docs/benchmarks.md: -j 2 took
# 1.2-1.6x the wall time of -j 1 on 3.5 MB, and won on 28 MB, on the shared 2-core machine).
PARALLEL_MIN_BYTES = 16_000_000


def default_jobs() -> int:
    """Worker processes when -j is not given: the cores the 1-minute load average leaves
    idle, at least 1. On a busy machine a worker gets no core of its own and the pool only
    adds its start-up and pickling (clean-news x10, 17 MB, load ~10 on 2 cores: -j 2 took
    1.09-1.26x the wall time of -j 1 and more CPU; docs/benchmarks.md), so the default is
    then serial, like `make -l`. Inputs under PARALLEL_MIN_BYTES are serial anyway."""
    import os

    cores = os.cpu_count() or 1
    try:
        idle = cores - os.getloadavg()[0]
    except OSError:  # (no load average on this platform)
        return cores
    return max(1, min(cores, round(idle)))
PARALLEL_BATCH_CHARS = 250_000
# Findings (and per-article extras) one file may hold in the cache; keeps memory flat on 1 GB inputs.
MAX_CACHED_ITEMS = 50_000

_worker_scanner: Scanner | None = None


def _init_worker(config: Config, options: ScanOptions) -> None:
    global _worker_scanner
    _worker_scanner = Scanner(active_rules(config, options), config, options)


def _process(items: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Runs in a worker (or inline) on a run of stream items: lints their articles together
    (Scanner.scan_articles), passes everything else through, keeps the order."""
    assert _worker_scanner is not None
    outcomes = iter(_worker_scanner.scan_articles([item[1] for item in items if item[0] == "article"]))
    processed = []
    for item in items:
        if item[0] != "article":
            processed.append(item)
            continue
        outcome = next(outcomes)
        if outcome.fixed_text is None and not _worker_scanner.options.keep_text:
            outcome.article.text = ""  # not needed any more; keeps results small across processes
        processed.append(("outcome", outcome))
    return processed


def item_chars(item: tuple[Any, ...]) -> int:
    """What a stream item weighs in a batch: an article its characters, anything else nothing."""
    return len(item[1].text) if item[0] == "article" else 0


def stdin_items(stdin: tuple[str, bytes], config: Config) -> Iterator[tuple[Any, ...]]:
    """Standard input (`qc scan -`) as one file named `stdin[0]` (--stdin-filename): its
    suffix says how to read it, and the config's per-file-ignores and (with
    --force-exclude) exclude apply to that name."""
    from qc.corpus import articles_from_bytes, excluded_with_parents

    name, data = stdin
    if config.force_exclude and config.exclude and excluded_with_parents(Path(name), config.exclude):
        return
    max_bytes = int(config.max_article_size * 1_000_000)
    suffix = Path(name).suffix.lower()
    if suffix != ".jsonl" and len(data) > max_bytes:
        yield ("error", InputError(name, f"article is {len(data) / 1e6:.1f} MB, over the {max_bytes / 1e6:.1f} MB limit; raise the limit with --max-article-size MB"))
        return
    yield ("begin", Path(name))
    for loaded in articles_from_bytes(data, name, suffix, max_bytes):
        yield ("error", loaded) if isinstance(loaded, QcError) else ("article", loaded)
    yield ("end", Path(name), None)


def work_items(paths: Iterable[str], config: Config, cache: ScanCache | None, stdin: tuple[str, bytes] | None = None) -> Iterator[tuple[Any, ...]]:
    """The run as a stream: errors, cached file results, and articles between begin/end markers."""
    if stdin is not None:
        yield from stdin_items(stdin, config)
        return
    for item in discover(paths, config.exclude, config.force_exclude):
        if isinstance(item, QcError):
            yield ("error", item)
            continue
        digest = None
        if cache is not None:
            try:
                digest = file_digest(item)
            except OSError:
                digest = None
            hit = cache.get(item, digest) if digest else None
            if hit is not None:
                yield ("cached", item, hit)
                continue
        yield ("begin", item)
        for loaded in load_file(item, config.max_article_size):
            yield ("error", loaded) if isinstance(loaded, QcError) else ("article", loaded)
        yield ("end", item, digest)


def input_bytes(paths: Iterable[str], exclude: Iterable[str], force_exclude: bool = False) -> int:
    total = 0
    for item in discover(paths, exclude, force_exclude):
        if isinstance(item, Path):
            try:
                total += item.stat().st_size
            except OSError:
                pass
    return total


def scan_paths(
    paths: Iterable[str],
    config: Config,
    options: ScanOptions,
    on_outcome: Callable[[ArticleOutcome], None] | None = None,
    jobs: int = 1,
    cache_root: Path | None = None,
    on_findings: Callable[[list[Finding]], None] | None = None,
    keep_findings: bool = True,
    on_file_fixed: Callable[[list[ArticleOutcome]], dict[str, bool] | None] | None = None,
    stdin: tuple[str, bytes] | None = None,
) -> tuple[ScanResult, list[ArticleOutcome]]:
    """Scan everything under `paths`; returns the result and the outcomes whose text a fix changed.

    With `jobs` > 1 and enough input, articles are linted in a process pool; results come
    back in input order, so the output is identical to a one-process run. With `cache_root`
    (and no fixing), files whose content, rules and settings are unchanged are not re-linted,
    and the rules themselves are loaded only when some file is not in the cache.
    `on_findings` sees each article's findings as they are produced (streaming output);
    with `keep_findings=False` the result does not hold them, so memory stays flat.
    `stdin` is (name, bytes) of standard input, scanned instead of `paths` (never cached).
    `on_file_fixed` receives a file's fixed articles as soon as the file is done (so fixes
    are written as the run goes, not all at the end); they are then not returned.
    """
    paths = list(paths)
    fixing = options.fix or options.diff
    cache = None
    if cache_root is not None and not fixing and stdin is None:
        cache = ScanCache(cache_root, cache_settings(config, options), rule_folders(config, options))
    lint = LazyLint(paths, config, options, jobs)
    infos = cache.rule_infos() if cache is not None else None
    if infos is None:
        # Nothing vouches for these packs yet: load them now, so a bad pack is reported
        # before any output, and remember their metadata for the next run.
        infos = [r.info() for r in lint.rules()]
        if cache is not None:
            cache.put_rule_infos(infos)
    result = ScanResult(rules={info.id: info for info in infos})
    global _worker_scanner
    outcomes: list[ArticleOutcome] = []
    files: set[str] = set()
    pending: dict[str, dict[str, Any]] = {}
    try:
        sink = Sink(result, outcomes, files, pending, cache, on_outcome, on_findings, keep_findings, on_file_fixed)
        for item in lint.process(work_items(paths, config, cache, stdin)):
            sink.collect(item)
    finally:
        lint.close()
        _worker_scanner = None
    result.files_scanned = len(files)
    return result, outcomes


class LazyLint:
    """Lints the article items of a work stream, loading rules (and starting workers) on the
    first article: a re-scan served wholly from the cache never compiles a rule."""

    def __init__(self, paths: list[str], config: Config, options: ScanOptions, jobs: int) -> None:
        self.paths = paths
        self.config = config
        self.options = options
        self.jobs = jobs
        self._rules: list[Rule] | None = None
        self.pool: Any = None

    def rules(self) -> list[Rule]:
        if self._rules is None:
            self._rules = active_rules(self.config, self.options)
        return self._rules

    def process(self, items: Iterable[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
        """The items in order, articles replaced by their outcomes."""
        stream = iter(items)
        for item in stream:
            if item[0] == "article":
                yield from self.start(itertools.chain([item], stream))
                return
            yield item  # errors, cache hits and file markers need no linter

    def start(self, items: Iterator[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
        global _worker_scanner
        rules = self.rules()  # here first: a pack that fails must fail here, not in a worker's initializer
        use_pool = self.jobs > 1 and input_bytes(self.paths, self.config.exclude, self.config.force_exclude) >= PARALLEL_MIN_BYTES
        from qc.lint.engine import batches

        if not use_pool:
            _worker_scanner = Scanner(rules, self.config, self.options)
            return itertools.chain.from_iterable(map(_process, batches(items, item_chars)))
        import multiprocessing

        context = multiprocessing.get_context("spawn" if sys.platform == "darwin" else "fork")
        # Smaller batches than one process would take, so that the workers share the work evenly.
        chunks = batches(items, item_chars, max_chars=PARALLEL_BATCH_CHARS)
        if context.get_start_method() != "fork":
            self.pool = context.Pool(self.jobs, _init_worker, (self.config, self.options))
            return itertools.chain.from_iterable(self.pool.imap(_process, chunks))
        # The first batch is linted here, before the fork: it loads what linting needs
        # lazily (word lists, language profiles, automata), and the forked workers share
        # those pages instead of each loading its own (measured: the pool's start-up was
        # ~1 s of CPU per worker, the loss of -j 2 on a loaded 2-core machine).
        _worker_scanner = Scanner(rules, self.config, self.options)
        first = next(chunks, None)
        if first is None:
            return iter(())
        done = _process(first)
        self.pool = context.Pool(self.jobs)
        return itertools.chain(done, itertools.chain.from_iterable(self.pool.imap(_process, chunks)))

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()
            self.pool.join()
            self.pool = None


@dataclass
class Sink:
    """Folds stream items into the result, the cache entries of open files and the callbacks."""

    result: ScanResult
    outcomes: list[ArticleOutcome]
    files: set[str]
    pending: dict[str, dict[str, Any]]
    cache: ScanCache | None
    on_outcome: Callable[[ArticleOutcome], None] | None
    on_findings: Callable[[list[Finding]], None] | None
    keep_findings: bool
    # Receives a file's fixed articles once the file is done; returns the paths it did not
    # write (their fixes do not count), each mapped to whether the file on disk holds the
    # fixed text anyway (another run wrote it); if not, the findings are those of the text as it was.
    on_file_fixed: Callable[[list[ArticleOutcome]], dict[str, bool] | None] | None = None
    file_outcomes: list[ArticleOutcome] = field(default_factory=list)
    file_findings_at: int = 0

    def add_findings(self, findings: list[Finding]) -> None:
        if self.keep_findings:
            self.result.findings.extend(findings)
        if self.on_findings is not None and findings:
            self.on_findings(findings)

    def collect(self, item: tuple[Any, ...]) -> None:
        kind = item[0]
        result = self.result
        if kind == "error":
            result.errors.append(item[1])
            for entry in self.pending.values():
                entry["errors"].append(error_dict(item[1]))
        elif kind == "begin":
            self.pending[str(item[1])] = {"findings": [], "errors": [], "articles": 0, "extras": {}}
            self.file_fixed: list[ArticleOutcome] = []
            self.file_outcomes = []
            self.file_findings_at = len(result.findings)
        elif kind == "end":
            entry = self.pending.pop(str(item[1]), None)
            if self.cache is not None and entry is not None and item[2] and not entry.get("uncacheable"):
                self.cache.put(item[1], item[2], entry)
            if self.on_file_fixed is not None and self.file_fixed:
                self.not_written(self.on_file_fixed(self.file_fixed) or {})
            self.file_fixed = []
            self.file_outcomes = []
        elif kind == "cached":
            hit = item[2]
            self.files.add(display_path(item[1]))
            result.articles_scanned += hit["articles"]
            result.articles.update(hit.get("extras", {}))
            self.add_findings([finding_from_dict(f) for f in hit["findings"]])
            result.errors.extend(InputError(e["path"], e["reason"], e["line"]) for e in hit["errors"])
        elif kind == "outcome":
            self.collect_outcome(item[1])

    def not_written(self, paths: dict[str, bool]) -> None:
        """Fixes the run did not write do not count (a failed write must not read "Fixed N");
        where the file still holds the old text, its findings are those of the old text."""
        if not paths:
            return
        for outcome in self.file_outcomes:
            if outcome.article.path in paths and outcome.fixed_text is not None:
                self.result.fixes_applied -= outcome.fixes_applied
                outcome.fixes_applied = 0
        stale = {path for path, fixed_on_disk in paths.items() if not fixed_on_disk}
        if self.keep_findings and stale:
            self.result.findings[self.file_findings_at :] = [
                f
                for outcome in self.file_outcomes
                for f in (outcome.unfixed_findings if outcome.article.path in stale and outcome.unfixed_findings is not None else outcome.findings)
            ]

    def collect_outcome(self, outcome: ArticleOutcome) -> None:
        if self.on_file_fixed is not None:
            self.file_outcomes.append(outcome)
        self.files.add(outcome.article.path)
        self.result.articles_scanned += 1
        self.result.fixes_applied += outcome.fixes_applied
        self.add_findings(outcome.findings)
        extras = {name: value.to_dict() for name, value in outcome.analyses.items()} or None
        if extras:
            self.result.articles[outcome.article.ref] = extras
        for entry in self.pending.values():
            entry["articles"] += 1
            if entry.get("uncacheable"):
                continue
            entry["findings"].extend(f.to_dict() for f in outcome.findings)
            if extras:
                entry["extras"][outcome.article.ref] = extras
            if len(entry["findings"]) + len(entry["extras"]) > MAX_CACHED_ITEMS:
                # A huge file would make the cache entry grow without bound; scan it uncached.
                entry.update(uncacheable=True, findings=[], extras={})
        if outcome.fixed_text is not None:
            (self.file_fixed if self.on_file_fixed is not None else self.outcomes).append(outcome)
        if self.on_outcome is not None:
            self.on_outcome(outcome)


def error_dict(error: QcError) -> dict[str, Any]:
    return {"path": error.path, "reason": error.reason, "line": error.line}


def cache_settings(config: Config, options: ScanOptions) -> dict[str, Any]:
    """Everything besides file content and packs that changes which findings a file gets."""
    return {
        "select": options.select if options.select is not None else config.select,
        "extend_select": [*config.extend_select, *options.extend_select],
        "ignore": [*config.ignore, *options.ignore],
        "per_file_ignores": config.per_file_ignores,
        "no_default_rules": options.no_default_rules,
        "unused": options.report_unused_suppressions,
        "trust": options.trust_rules,
        "analysers": {name: f"{fn.__module__}.{getattr(fn, '__qualname__', type(fn).__qualname__)}" for name, fn in sorted(options.analysers.items())},
        "keep_text": options.keep_text,
        "cwd": str(Path.cwd()),  # paths in findings are relative to it
    }


def rule_folders(config: Config, options: ScanOptions) -> list[str]:
    extra = [config.resolve(p) for p in config.rule_paths] + list(options.rule_paths)
    return extra if options.no_default_rules else [str(DEFAULT_RULES_DIR), *extra]


# --------------------------------------------------------------------------- story groups

CONSENSUS_CATEGORY = "consensus"  # the rules whose findings come from story groups (qc.lint.rule)


def group_findings(
    paths: Iterable[str], config: Config, options: ScanOptions, peers: str, result: ScanResult | None = None
) -> list[Finding]:
    """Located findings of the selected consensus rules (qc.consensus) over the story groups
    of three or more versions among the articles under `paths` (`peers`: "auto" for qc's
    story tier, a metadata field, or "none"). Per-file ignores and `qc: ignore` comments
    apply as to any finding. Nothing when fewer than three articles are read.

    With the scan's `result`, its rule list says whether any consensus rule is selected, and
    the rules are loaded only when a group of three is found: a scan served from the cache
    still imports no linter when there is nothing to compare."""
    if peers == "none":
        return []
    if result is not None and not any(info.category == CONSENSUS_CATEGORY for info in result.rules.values()):
        return []
    from qc.corpus import iter_articles

    articles = [a for a in iter_articles(paths, config.exclude, config.max_article_size) if isinstance(a, Article)]
    if len(articles) < 3:
        return []
    groups = [g for g in story_groups([a.text for a in articles], [a.metadata for a in articles], peers) if len(g) >= 3]
    if not groups:
        return []
    from qc.consensus.findings import consensus_rules
    from qc.consensus.findings import group_findings as findings_of

    chosen = consensus_rules(active_rules(config, options))
    if not chosen:
        return []
    scanner = Scanner(chosen, config, options)
    out: list[Finding] = []
    for group in groups:
        members = [articles[k] for k in group]
        by_ref = {a.ref: a for a in members}
        per_member = findings_of([a.text for a in members], [a.ref for a in members], chosen)
        for article, found in zip(members, per_member):
            allowed = {r.id for r in scanner.linter_for(article).rules}
            kept = scanner.suppressed(article, article.text, [f for f in found if f.rule in allowed])
            out += [located_with_related(f, article, by_ref) for f in kept]
    return out


def story_groups(
    texts: Sequence[str],
    metadata: Sequence[dict[str, Any]],
    peers: str,
    findings: Sequence[int] | None = None,
) -> list[list[int]]:
    """Indices of articles that tell one story, by qc's story tier ("auto"), by a metadata
    field (its name), or none ("none")."""
    if peers == "none":
        return []
    if peers == "auto":
        from qc.dedup import find_clusters

        articles = [Article(str(i), text, dict(meta)) for i, (text, meta) in enumerate(zip(texts, metadata))]
        counts = findings
        clusters = find_clusters(articles, tier="stories", findings=(lambda i: counts[i]) if counts is not None else None)
        return [sorted(m.index for m in c.members) for c in clusters]
    by_value: dict[str, list[int]] = {}
    for i, meta in enumerate(metadata):
        value = meta.get(peers)
        if isinstance(value, (str, int)) and not isinstance(value, bool):
            by_value.setdefault(str(value), []).append(i)
    return list(by_value.values())


def located_with_related(finding: Finding, article: Article, by_ref: dict[str, Article]) -> Finding:
    """`locate` for a finding and the supporting places in other articles it names."""
    located = locate(finding, article, article.text)
    related = []
    for place in finding.related:
        other = by_ref.get(place["path"])
        if other is None:
            related.append(place)
            continue
        where = locate(Finding("", "", "", "info", "", place["start"], place["end"], ""), other, other.text)
        related.append({"path": where.path, "start": where.start, "end": where.end, "line": where.line, "column": where.column})
    located.related = related
    return located


__all__ = ["ScanOptions", "Scanner", "active_rules", "file_changes", "group_findings", "scan_paths", "story_groups", "write_change"]
