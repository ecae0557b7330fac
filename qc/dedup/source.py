"""Articles read once, then re-read on demand: what lets `qc dedup` hold signatures and
fingerprints instead of texts.

The first pass (`ArticleSource.read`) yields every article once and keeps only where it
came from: its file, and for a .jsonl record its byte offset and line (16 bytes an
article). `source[i]` later re-reads article i from disk (one seek for a record), so the
copy tier can verify its candidates and the story tier score its candidate pairs without
the corpus in memory. A small LRU cache serves the repeated look-ups of one group.
"""

from __future__ import annotations

from array import array
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import overload

from qc.corpus import (
    DEFAULT_MAX_ARTICLE_MB,
    Article,
    discover,
    display_path,
    load_file,
    load_jsonl,
    parse_record,
)
from qc.errors import InputError, QcError

CACHE_ARTICLES = 256  # re-read articles kept (a group's members are looked up several times)


class SourceChangedError(QcError):
    """An input changed between the passes of one run."""


class ArticleSource(Sequence[Article]):
    """The articles under some paths as a sequence that holds locations, not texts."""

    def __init__(self, max_mb: float = DEFAULT_MAX_ARTICLE_MB, cache: int | None = None) -> None:
        self.max_mb = max_mb
        self._files: list[Path] = []
        self._shown: list[str] = []  # display path of each file
        self._file = array("i")  # per article: index into _files
        self._offset = array("q")  # per article: byte offset of its .jsonl line, or -1 (whole file)
        self._line = array("i")  # per article: its .jsonl line number, or 0
        self._cache: OrderedDict[int, Article] = OrderedDict()
        self._cache_size = CACHE_ARTICLES if cache is None else cache

    def read(self, paths: Iterable[str | Path], on_error: Callable[[QcError], None]) -> Iterator[Article]:
        """First pass: yield each article once and remember where it is; report bad inputs."""
        for item in discover(paths):
            if isinstance(item, InputError):
                on_error(item)
                continue
            file_no = len(self._files)
            self._files.append(item)
            self._shown.append(display_path(item))
            for got in load_file(item, self.max_mb):
                if isinstance(got, QcError):
                    on_error(got)
                    continue
                self._file.append(file_no)
                self._offset.append(-1 if got.record_offset is None else got.record_offset)
                self._line.append(got.record_line or 0)
                yield got

    def __len__(self) -> int:
        return len(self._file)

    @overload
    def __getitem__(self, i: int) -> Article: ...

    @overload
    def __getitem__(self, i: slice) -> list[Article]: ...

    def __getitem__(self, i: int | slice) -> Article | list[Article]:
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        got = self._cache.get(i)
        if got is not None:
            self._cache.move_to_end(i)
            return got
        got = self._reread(i)
        self._cache[i] = got
        if len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        return got

    def ref(self, i: int) -> str:
        """Article i's ref (Article.ref) without reading it."""
        shown = self._shown[self._file[i]]
        return f"{shown}:{self._line[i]}" if self._offset[i] >= 0 else shown

    def read_many(self, indices: Iterable[int]) -> Iterator[tuple[int, Article]]:
        """(i, article i) for many articles, re-read file by file in index order: a file is
        opened once for all its records (ascending offsets), not once per article."""
        todo = sorted(set(indices))
        at = 0
        while at < len(todo):
            file_no = self._file[todo[at]]
            end = at
            while end < len(todo) and self._file[todo[end]] == file_no:
                end += 1
            yield from self._reread_file(todo[at:end])
            at = end

    def _reread_file(self, run: list[int]) -> Iterator[tuple[int, Article]]:
        """Articles of one file (ascending indices); a whole-file article alone as before."""
        if self._offset[run[0]] < 0:
            yield from ((i, self._reread(i)) for i in run)
            return
        path, shown = self._files[self._file[run[0]]], self._shown[self._file[run[0]]]
        max_bytes = int(self.max_mb * 1_000_000)
        try:
            handle = path.open("rb")
        except OSError as exc:
            raise SourceChangedError(shown, f"cannot be read again: {exc.strerror or exc}; run again") from exc
        with handle:
            for i in run:
                handle.seek(self._offset[i])
                raw = handle.readline(max_bytes + 1)
                if self._line[i] == 1 and raw.startswith(b"\xef\xbb\xbf"):
                    raw = raw[3:]
                whole = len(raw) <= max_bytes or raw.endswith(b"\n")  # as load_jsonl's limit
                got = parse_record(raw, shown, self._line[i]) if whole else None
                if not isinstance(got, Article):
                    raise SourceChangedError(f"{shown}:{self._line[i]}", "changed while qc dedup was reading it (read twice); run again")
                got.record_offset = self._offset[i]
                yield i, got

    def _reread(self, i: int) -> Article:
        path, shown = self._files[self._file[i]], self._shown[self._file[i]]
        offset = self._offset[i]
        if offset < 0:
            items = load_file(path, self.max_mb)
        else:
            items = load_jsonl(path, shown, int(self.max_mb * 1_000_000), offset, offset + 1, self._line[i])
        got = next(iter(items), None)
        if not isinstance(got, Article):
            where = f"{shown}:{self._line[i]}" if offset >= 0 else shown
            raise SourceChangedError(where, "changed while qc dedup was reading it (read twice); run again")
        return got


class Texts(Sequence[str]):
    """The texts of a sequence of articles, read on access (a view: nothing is copied)."""

    def __init__(self, articles: Sequence[Article]) -> None:
        self.articles = articles

    def __len__(self) -> int:
        return len(self.articles)

    @overload
    def __getitem__(self, i: int) -> str: ...

    @overload
    def __getitem__(self, i: slice) -> list[str]: ...

    def __getitem__(self, i: int | slice) -> str | list[str]:
        if isinstance(i, slice):
            return [self.articles[k].text for k in range(*i.indices(len(self)))]
        return self.articles[i].text


__all__ = ["ArticleSource", "SourceChangedError", "Texts"]
