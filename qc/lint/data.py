"""Knowledge files of the rule packs (`rules/<lang>/data/`), as a kind reaches them
through its rule's `data:` parameter.

A data file is named relative to the folder of the rule's pack file. `.yaml` files are
read with YAML's safe loader, `.txt` files as one entry per line (`#` starts a comment).
Each file is read once per version (path and modification time).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from qc.errors import RulePackError

if TYPE_CHECKING:
    from qc.lint.kinds import RuleKind

# libyaml's safe loader when available: the gazetteers are large and load at startup.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def resolve_data_path(kind: RuleKind, relative: str) -> Path:
    """A data file named relative to the folder of the rule's pack file.

    Built-in packs are shown as rules/...; those resolve inside the installed package
    (DEFAULT_RULES_DIR) unless the working directory has a pack file at that very path.
    """
    from qc.lint.packs import DEFAULT_RULES_DIR

    rel = Path(relative)
    if rel.is_absolute():
        return rel
    pack = kind.rule.pack
    if pack is None:
        return DEFAULT_RULES_DIR / "en" / rel
    pack = Path(pack)
    if pack.is_absolute():
        return pack.parent / rel
    if not pack.exists() and pack.parts and pack.parts[0] == "rules":
        return DEFAULT_RULES_DIR.joinpath(*pack.parts[1:]).parent / rel
    return (pack.parent / rel).absolute()  # compiled rules are reused from other folders


def data_stamp(kind: RuleKind, relative: str) -> tuple[str, tuple[int, int]]:
    """The file's resolved path and version (modification time and size); a clear error
    when it is missing."""
    path = resolve_data_path(kind, relative).absolute()  # (valid from any folder: see _names.stamped)
    try:
        stat = path.stat()
        return str(path), (stat.st_mtime_ns, stat.st_size)
    except OSError:
        raise kind.error(f"data file not found: {relative} (looked at {path})") from None


def load_yaml(kind: RuleKind, relative: str, expect: type = dict) -> Any:
    """The parsed content of a YAML data file, which must be a mapping (or `expect`)."""
    path, stamp = data_stamp(kind, relative)
    data = _load_yaml(path, stamp)
    if not isinstance(data, expect):
        raise RulePackError(path, f"data file must hold a {'mapping' if expect is dict else expect.__name__}")
    return data


@lru_cache(maxsize=32)
def _load_yaml(path: str, stamp: tuple[int, int]) -> Any:
    try:
        with open(path, encoding="utf-8") as handle:
            return yaml.load(handle, Loader=SAFE_LOADER)  # noqa: S506 - a safe loader
    except (OSError, yaml.YAMLError) as exc:
        raise RulePackError(path, f"cannot read data file: {exc}") from None


def load_lines(kind: RuleKind, relative: str) -> frozenset[str]:
    """The entries of a `.txt` list: one per line, lowercased, `#` comments and blanks left out."""
    path, stamp = data_stamp(kind, relative)
    return _load_lines(path, stamp)


@lru_cache(maxsize=32)
def _load_lines(path: str, stamp: tuple[int, int]) -> frozenset[str]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RulePackError(path, f"cannot read data file: {exc}") from None
    words = set()
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip().lower()
        if line:
            words.add(line)
    return frozenset(words)


def strings(kind: RuleKind, data: dict[str, Any], key: str, source: str) -> list[str]:
    """data[key] as a list of non-empty strings, or a clear error naming the file."""
    value = data.get(key)
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise kind.error(f"data file {source}: '{key}' must be a list of non-empty strings")
    return value


def mapping(kind: RuleKind, data: dict[str, Any], key: str, source: str) -> dict[str, Any]:
    value = data.get(key)
    if not isinstance(value, dict):
        raise kind.error(f"data file {source}: '{key}' must be a mapping")
    return value
