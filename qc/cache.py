"""A results cache, as ruff keeps one: findings per file, keyed by the file's content hash,
the qc version and a hash of the rule packs and settings. Lives in `.qc_cache/`."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import xxhash

from qc import __version__
from qc.fix import atomic_write

CACHE_DIR_NAME = ".qc_cache"


def content_hash(data: bytes) -> str:
    return xxhash.xxh3_128_hexdigest(data)


def file_digest(path: Path) -> str:
    """Hash a file in chunks (memory stays bounded for a 1 GB .jsonl)."""
    hasher = xxhash.xxh3_128()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            hasher.update(chunk)
    return hasher.hexdigest()


def packs_digest(folders: Iterable[str | Path]) -> str:
    """Every pack and data file under the rule folders: any edit invalidates the cache."""
    hasher = xxhash.xxh3_128()
    for folder in folders:
        folder = Path(folder)
        files = sorted(folder.rglob("*")) if folder.is_dir() else [folder]
        for file in files:
            if file.is_file():
                hasher.update(str(file.relative_to(folder) if folder.is_dir() else file.name).encode())
                hasher.update(file.read_bytes())
    return hasher.hexdigest()


def code_digest() -> str:
    """qc's own code: a changed rule kind must not serve findings cached by the old one."""
    package = Path(__file__).resolve().parent
    return packs_digest([p for p in sorted(package.rglob("*.py"))])


class ScanCache:
    def __init__(self, root: Path, settings: dict[str, Any], rule_folders: Iterable[str | Path]) -> None:
        key = json.dumps(
            {"version": __version__, "settings": settings, "packs": packs_digest(rule_folders), "code": code_digest()},
            sort_keys=True,
        )
        self.folder = root / CACHE_DIR_NAME / hashlib.sha256(key.encode()).hexdigest()[:20]

    def entry_path(self, path: Path) -> Path:
        return self.folder / (hashlib.sha1(str(path.resolve()).encode()).hexdigest() + ".json")

    def get(self, path: Path, digest: str) -> dict[str, Any] | None:
        try:
            entry = json.loads(self.entry_path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return entry if isinstance(entry, dict) and entry.get("digest") == digest else None

    def put(self, path: Path, digest: str, payload: dict[str, Any]) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            gitignore = self.folder.parent / ".gitignore"
            if not gitignore.exists():
                gitignore.write_text("# Automatically created by qc.\n*\n", encoding="utf-8")
            atomic_write(self.entry_path(path), json.dumps({"digest": digest, **payload}, ensure_ascii=False).encode("utf-8"))
        except OSError:
            pass  # a cache that cannot be written only costs speed


def clean_cache(root: Path) -> bool:
    folder = root / CACHE_DIR_NAME
    if folder.is_dir():
        shutil.rmtree(folder)
        return True
    return False
