"""A results cache, as ruff keeps one: findings per file, keyed by the file's content hash,
the qc version and a hash of the rule packs and settings. Lives in `.qc_cache/`.

Each key folder also keeps `rules.json`, the metadata of the active rules (what the
formatters need: name, severity, docs, fixable). With it, a re-scan whose files all hit
the cache never loads or compiles a rule: the linter is loaded on the first miss only.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import xxhash

from qc import __version__
from qc.finding import RuleInfo

CACHE_DIR_NAME = ".qc_cache"
RULES_FILE_NAME = "rules.json"
# As in qc.lint.packs: a pack file's sibling folder of gazetteers and word lists.
DATA_DIR_NAME = "data"


def file_digest(path: Path) -> str:
    """Hash a file in chunks (memory stays bounded for a 1 GB .jsonl)."""
    hasher = xxhash.xxh3_128()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            hasher.update(chunk)
    return hasher.hexdigest()


def files_below(folder: Path) -> Iterator[Path]:
    """Every regular file under `folder`, in a stable order."""
    for root, dirs, names in os.walk(folder):
        dirs.sort()
        for name in sorted(names):
            path = Path(root, name)
            if path.is_file():
                yield path


def rule_sources(folders: Iterable[str | Path]) -> Iterator[tuple[str, Path | None]]:
    """(name, file) for everything the rules are built from: packs, their data folders.

    A path that does not exist yields (name, None), so that `--rules missing.yaml` gets a
    key of its own (and so a load that reports the missing pack) instead of sharing the
    key of the run without it.
    """
    for raw in folders:
        folder = Path(raw)
        if folder.is_dir():
            yield from ((str(f.relative_to(folder)), f) for f in files_below(folder))
        elif folder.is_file():
            yield folder.name, folder
            data = folder.parent / DATA_DIR_NAME
            if data.is_dir():  # the pack's gazetteers: editing one changes findings
                yield from ((f"{DATA_DIR_NAME}/{f.relative_to(data)}", f) for f in files_below(data))
        else:
            yield str(raw), None


def packs_digest(folders: Iterable[str | Path]) -> str:
    """Every pack and data file under the rule folders: any edit invalidates the cache."""
    hasher = xxhash.xxh3_128()
    for name, file in rule_sources(folders):
        hasher.update(name.encode() + b"\0")
        hasher.update(read_or_marker(file))
        hasher.update(b"\0")
    return hasher.hexdigest()


def read_or_marker(file: Path | None) -> bytes:
    """A file's bytes; a marker for a missing or unreadable one (the rule loader then names it)."""
    if file is None:
        return b"<missing>"
    try:
        return file.read_bytes()
    except OSError:
        return b"<unreadable>"


def code_digest(package: str | None = None) -> str:
    """qc's own code (or `package`'s): a changed rule kind must not serve findings cached by the old one.

    Each module counts by name, size and modification time, the test Python itself uses
    to trust a module's cached bytecode: reading all of qc's sources would cost a cached
    re-scan more than the rest of its work.
    """
    hasher = xxhash.xxh3_128()
    for name, info in python_modules(package or os.path.dirname(os.path.realpath(__file__))):
        hasher.update(f"{name}|{info.st_size}|{info.st_mtime_ns}\n".encode())
    return hasher.hexdigest()


def python_modules(folder: str, prefix: str = "") -> Iterator[tuple[str, os.stat_result]]:
    """(relative name, stat) of every .py file below `folder`, sorted; bytecode folders skipped."""
    with os.scandir(folder) as listing:
        entries = sorted(listing, key=lambda e: e.name)
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            if entry.name != "__pycache__":
                yield from python_modules(entry.path, f"{prefix}{entry.name}/")
        elif entry.name.endswith(".py"):
            yield prefix + entry.name, entry.stat()


class ScanCache:
    def __init__(self, root: Path, settings: dict[str, Any], rule_folders: Iterable[str | Path]) -> None:
        key = json.dumps(
            {"version": __version__, "settings": settings, "packs": packs_digest(rule_folders), "code": code_digest()},
            sort_keys=True,
        )
        self.folder = root / CACHE_DIR_NAME / xxhash.xxh3_128_hexdigest(key.encode())[:20]

    def entry_path(self, path: Path) -> Path:
        return self.folder / (xxhash.xxh3_128_hexdigest(str(path.resolve()).encode()) + ".json")

    def get(self, path: Path, digest: str) -> dict[str, Any] | None:
        try:
            entry = json.loads(self.entry_path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return entry if isinstance(entry, dict) and entry.get("digest") == digest else None

    def put(self, path: Path, digest: str, payload: dict[str, Any]) -> None:
        self.write(self.entry_path(path), {"digest": digest, **payload})

    def rule_infos(self) -> list[RuleInfo] | None:
        """The active rules' metadata stored by an earlier run with this key, or None.

        The key covers the packs, the selection and qc's code, so the metadata cannot be
        stale; anything unreadable counts as absent (the caller then loads the rules).
        """
        try:
            rows = json.loads((self.folder / RULES_FILE_NAME).read_text(encoding="utf-8"))
            return [RuleInfo(**row) for row in rows]
        except (OSError, ValueError, TypeError):
            return None

    def put_rule_infos(self, infos: Iterable[RuleInfo]) -> None:
        self.write(self.folder / RULES_FILE_NAME, [dataclasses.asdict(info) for info in infos])

    def write(self, path: Path, data: Any) -> None:
        # Imported here: difflib and tempfile are not needed by a run that only reads.
        from qc.fix import atomic_write

        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            gitignore = self.folder.parent / ".gitignore"
            if not gitignore.exists():
                gitignore.write_text("# Automatically created by qc.\n*\n", encoding="utf-8")
            atomic_write(path, json.dumps(data, ensure_ascii=False).encode("utf-8"))
        except OSError:
            pass  # a cache that cannot be written only costs speed


def clean_cache(root: Path) -> bool:
    import shutil  # only `qc clean` needs it

    folder = root / CACHE_DIR_NAME
    if folder.is_dir():
        shutil.rmtree(folder)
        return True
    return False
