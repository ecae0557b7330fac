"""Articles and their loaders (.txt, .md with YAML front matter, .jsonl).

Offsets everywhere in qc are Python string indices into the decoded text, with the
file's own newlines kept (bytes are decoded directly, never through text mode).
Loaders yield errors as values so that one bad file never stops a run.
"""

from __future__ import annotations

import fnmatch
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qc.errors import InputError

ARTICLE_SUFFIXES = (".txt", ".md", ".markdown", ".jsonl")
BOM = "\ufeff"
# Binary sniffing window: a NUL byte this early means the file is not text.
SNIFF_BYTES = 8192
# An article (a file, or one .jsonl record) larger than this is refused rather than read:
# real articles are kilobytes, and a runaway file must not exhaust memory.
DEFAULT_MAX_ARTICLE_MB = 20
LIMIT_HINT = "raise the limit with --max-article-size MB"


@dataclass
class Article:
    """One article: the text qc scans, plus where it came from."""

    path: str  # display path: as given, or relative to the working directory
    text: str  # the scanned body (front matter excluded for .md)
    metadata: dict[str, Any] = field(default_factory=dict)
    kind: str = "txt"  # txt | md | jsonl
    record_line: int | None = None  # 1-based line of the record in a .jsonl file
    body_offset: int = 0  # offset of `text` inside the decoded file (.md front matter)
    body_line: int = 1  # 1-based file line on which `text` starts
    has_bom: bool = False
    record_offset: int | None = None  # byte offset of the .jsonl record's line (to re-read it alone)

    @property
    def ref(self) -> str:
        """A stable reference: the path, plus the record line for .jsonl."""
        return f"{self.path}:{self.record_line}" if self.record_line is not None else self.path


def display_path(path: Path) -> str:
    """Relative to the working directory when below it, else as given."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError, RuntimeError):  # RuntimeError: a symlink loop (Python < 3.13)
        return str(path)


def not_regular(path: Path) -> str | None:
    """Why a file found in a folder walk cannot be read as an article, or None when it can."""
    try:
        if path.is_file():
            return None
    except OSError:
        pass
    if path.is_symlink():
        return "broken or looping symbolic link"
    return "not a regular file (a pipe, socket or device); skipped"


def is_excluded(path: Path, exclude: Iterable[str]) -> bool:
    posix = path.as_posix()
    return any(
        fnmatch.fnmatch(posix, pat) or fnmatch.fnmatch(path.name, pat) or fnmatch.fnmatch(posix, f"*/{pat}")
        for pat in exclude
    )


def excluded_with_parents(path: Path, exclude: Iterable[str]) -> bool:
    """`path` or one of the folders above it (as written) matches an exclude pattern."""
    exclude = tuple(exclude)
    return any(is_excluded(p, exclude) for p in (path, *path.parents) if p.name)


def discover(paths: Iterable[str | Path], exclude: Iterable[str] = (), force_exclude: bool = False) -> Iterator[Path | InputError]:
    """Article files under the given paths, in a stable order; errors for paths that yield nothing.

    `exclude` applies to what a folder walk finds; with `force_exclude` (ruff's flag of that
    name) also to files and folders named explicitly, which is how pre-commit passes them."""
    exclude = tuple(exclude)
    for raw in paths:
        path = Path(raw)
        if force_exclude and exclude and excluded_with_parents(path, exclude):
            continue
        if not path.exists():
            yield InputError(str(raw), "no such file or directory")
            continue
        if path.is_file():
            # A file named explicitly is scanned whatever its suffix, as ruff does.
            yield path
            continue
        if not path.is_dir():
            yield InputError(str(raw), "not a regular file or a folder (devices, pipes and sockets are not read)")
            continue
        found = False
        for root, dirs, files in os.walk(path):
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not is_excluded(Path(root, d), exclude))
            for name in sorted(files):
                candidate = Path(root, name)
                if name.startswith(".") or not name.lower().endswith(ARTICLE_SUFFIXES):
                    continue
                if is_excluded(candidate, exclude):
                    continue
                found = True
                problem = not_regular(candidate)
                # Opening a FIFO would block forever: never read anything but regular files.
                yield InputError(display_path(candidate), problem) if problem else candidate
        if not found:
            yield InputError(str(raw), f"no articles found (looked for {', '.join(ARTICLE_SUFFIXES)})")


def decode(data: bytes, path: str) -> tuple[str, bool]:
    """Decode UTF-8, strip a BOM; raise InputError for binary or invalid data."""
    if b"\x00" in data[:SNIFF_BYTES]:
        raise InputError(path, "binary file (NUL byte found); not an article")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(path, f"invalid UTF-8 at byte {exc.start} ({exc.reason})") from None
    if text.startswith(BOM):
        return text[1:], True
    return text, False


def split_front_matter(text: str, path: str) -> tuple[dict[str, Any], int, int]:
    """Return (metadata, body_offset, body_line) for a Markdown text with optional front matter."""
    first_nl = text.find("\n")
    if first_nl < 0 or text[:first_nl].rstrip("\r") != "---":
        return {}, 0, 1
    pos = first_nl + 1
    line = 2
    while pos < len(text):
        nl = text.find("\n", pos)
        end = len(text) if nl < 0 else nl + 1
        if text[pos:end].rstrip("\r\n") in ("---", "..."):
            import yaml  # here, not at the top: a cached re-scan never parses front matter

            block = text[first_nl + 1 : pos]
            try:
                meta = yaml.safe_load(block) if block.strip() else {}
            except yaml.YAMLError as exc:
                mark = getattr(exc, "problem_mark", None)
                err_line = mark.line + 2 if mark is not None else None
                raise InputError(path, f"malformed front matter: {getattr(exc, 'problem', exc)}", err_line) from None
            if meta is None:
                meta = {}
            if not isinstance(meta, dict):
                raise InputError(path, "front matter is not a mapping", 2)
            normalise_ignore(meta, path, 2)
            return meta, end, line + 1
        pos = end
        line += 1
    raise InputError(path, "front matter opened with '---' is never closed", 1)


IGNORE_KEY = "qc-ignore"


def normalise_ignore(meta: dict[str, Any], path: str, line: int | None) -> None:
    """`qc-ignore` may be one code (`MT501`, or `MT501, MT502`) or a list of codes; it becomes
    a list. Any other type is an error: a silently dropped suppression would surprise."""
    if IGNORE_KEY not in meta:
        return
    value = meta[IGNORE_KEY]
    if isinstance(value, str):
        value = [code for code in value.replace(",", " ").split() if code]
    if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
        raise InputError(path, f"'{IGNORE_KEY}' must be a rule code or a list of rule codes, not {type(value).__name__}", line)
    meta[IGNORE_KEY] = [code.strip().upper() for code in value if code.strip()]


def megabytes(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB"


def load_file(path: Path, max_mb: float = DEFAULT_MAX_ARTICLE_MB) -> Iterator[Article | InputError]:
    """Load one file; a .jsonl file yields one article (or error) per record."""
    shown = display_path(path)
    suffix = path.suffix.lower()
    max_bytes = int(max_mb * 1_000_000)
    if suffix == ".jsonl":
        yield from load_jsonl(path, shown, max_bytes)
        return
    try:
        size = path.stat().st_size
        if size > max_bytes:
            yield InputError(shown, f"article is {megabytes(size)}, over the {megabytes(max_bytes)} limit; {LIMIT_HINT}")
            return
        data = path.read_bytes()
    except OSError as exc:
        yield InputError(shown, f"cannot read: {exc.strerror or exc}")
        return
    yield from articles_from_bytes(data, shown, suffix)


def articles_from_bytes(data: bytes, shown: str, suffix: str, max_bytes: int | None = None) -> Iterator[Article | InputError]:
    """The articles of a file's bytes, read already (a file, or standard input named `shown`)."""
    if suffix == ".jsonl":
        import io

        yield from jsonl_records(io.BytesIO(data), shown, max_bytes or len(data) + 1)
        return
    try:
        text, has_bom = decode(data, shown)
        if suffix in (".md", ".markdown"):
            meta, offset, body_line = split_front_matter(text, shown)
            yield Article(shown, text[offset:], meta, "md", None, offset, body_line, has_bom)
        else:
            yield Article(shown, text, {}, "txt", None, 0, 1, has_bom)
    except InputError as exc:
        yield exc


def load_jsonl(
    path: Path,
    shown: str,
    max_bytes: int = DEFAULT_MAX_ARTICLE_MB * 1_000_000,
    start: int = 0,
    stop: int | None = None,
    first_line: int = 1,
) -> Iterator[Article | InputError]:
    """Stream records: memory stays bounded by the line limit, not the file size.

    With `start`/`stop` (byte offsets; `start` must be a line start numbered `first_line`)
    only the lines that start in [start, stop) are read: a worker's share of a big file.
    """
    try:
        handle = path.open("rb")
    except OSError as exc:
        yield InputError(shown, f"cannot read: {exc.strerror or exc}")
        return
    with handle:
        yield from jsonl_records(handle, shown, max_bytes, start, stop, first_line)


def jsonl_records(
    handle: Any, shown: str, max_bytes: int, start: int = 0, stop: int | None = None, first_line: int = 1
) -> Iterator[Article | InputError]:
    """load_jsonl's reading of an open binary handle."""
    handle.seek(start)
    line_no = first_line - 1
    pos = start
    while stop is None or pos < stop:
        at = pos
        raw = handle.readline(max_bytes + 1)
        if not raw:
            break
        line_no += 1
        pos += len(raw)
        if len(raw) > max_bytes and not raw.endswith(b"\n"):
            skipped = skip_rest_of_line(handle)
            pos += skipped
            size = len(raw) + skipped
            yield InputError(shown, f"record is {megabytes(size)}, over the {megabytes(max_bytes)} limit; {LIMIT_HINT}", line_no)
            continue
        if line_no == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        if not raw.strip():
            continue
        item = parse_record(raw, shown, line_no)
        if isinstance(item, Article):
            item.record_offset = at
        yield item


def skip_rest_of_line(handle: Any) -> int:
    """Read past the end of an over-long line in chunks; return how many bytes were skipped."""
    skipped = 0
    while True:
        chunk = handle.readline(1 << 20)
        skipped += len(chunk)
        if not chunk or chunk.endswith(b"\n"):
            return skipped


def parse_record(raw: bytes, shown: str, line_no: int) -> Article | InputError:
    try:
        record = json.loads(raw)
    except UnicodeDecodeError as exc:
        return InputError(shown, f"invalid UTF-8 at byte {exc.start} of the record", line_no)
    except json.JSONDecodeError as exc:
        return InputError(shown, f"malformed JSON record: {exc.msg} at column {exc.colno}", line_no)
    if not isinstance(record, dict):
        return InputError(shown, "record is not a JSON object", line_no)
    text = record.pop("text", None)
    if not isinstance(text, str):
        return InputError(shown, "record has no string 'text' field", line_no)
    try:
        normalise_ignore(record, shown, line_no)
    except InputError as exc:
        return exc
    return Article(shown, text, record, "jsonl", line_no, 0, line_no, False)


def iter_articles(
    paths: Iterable[str | Path], exclude: Iterable[str] = (), max_mb: float = DEFAULT_MAX_ARTICLE_MB, force_exclude: bool = False
) -> Iterator[Article | InputError]:
    """Every article (or load error) under the given paths, in a stable order."""
    for item in discover(paths, exclude, force_exclude):
        if isinstance(item, InputError):
            yield item
        else:
            yield from load_file(item, max_mb)


def load_articles(paths: Iterable[str | Path], exclude: Iterable[str] = ()) -> tuple[list[Article], list[InputError]]:
    articles: list[Article] = []
    errors: list[InputError] = []
    for item in iter_articles(paths, exclude):
        (errors if isinstance(item, InputError) else articles).append(item)  # type: ignore[arg-type]
    return articles, errors
