"""Configuration: [tool.qc] in pyproject.toml, or qc.toml, found by walking up from the scanned path."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from qc.errors import ConfigError
from qc.finding import SEVERITY_RANK

CONFIG_FILES = ("qc.toml", "pyproject.toml")


@dataclass
class Config:
    select: list[str] = field(default_factory=lambda: ["ALL"])
    ignore: list[str] = field(default_factory=list)
    extend_select: list[str] = field(default_factory=list)
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict)
    exclude: list[str] = field(default_factory=list)
    force_exclude: bool = False  # apply `exclude` to paths named on the command line too (as ruff)
    rule_paths: list[str] = field(default_factory=list)
    fail_on: str = "warning"
    index: str | None = None  # near-duplicate index used by the dedup pre-commit hook
    baseline: str | None = None  # findings file whose findings are not reported (qc.baseline)
    max_article_size: float = 20  # MB; larger articles (files or .jsonl records) are refused
    source: Path | None = None  # the file this came from

    def resolve(self, value: str) -> str:
        """Paths in a config file are relative to that file's folder."""
        if self.source is None:
            return value
        return str((self.source.parent / value)) if not Path(value).is_absolute() else value


TYPES: dict[str, type | tuple[type, ...]] = {
    "select": list,
    "ignore": list,
    "extend-select": list,
    "per-file-ignores": dict,
    "exclude": list,
    "force-exclude": bool,
    "rule-paths": list,
    "fail-on": str,
    "index": str,
    "baseline": str,
    "max-article-size": (int, float),
}


CODE_LISTS = ("select", "ignore", "extend-select")


def code_list(value: Any, key: str, path: Path | None) -> list[str]:
    """Rule codes: a list of strings (or one string), upper-cased since codes are case-insensitive."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
        raise ConfigError(str(path), f"setting '{key}' must be a list of rule codes (strings)")
    return [code.strip().upper() for code in value if code.strip()]


def find_config(start: Path) -> Path | None:
    """The nearest qc.toml, or pyproject.toml with a [tool.qc] table, at or above `start`."""
    start = start.resolve()
    folder = start if start.is_dir() else start.parent
    for candidate_dir in (folder, *folder.parents):
        for name in CONFIG_FILES:
            candidate = candidate_dir / name
            if candidate.is_file() and (name == "qc.toml" or has_qc_table(candidate)):
                return candidate
    return None


def has_qc_table(path: Path) -> bool:
    try:
        return "[tool.qc" in path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False


def load_config(path: Path) -> Config:
    import tomllib  # only when there is a config file: start-up is most of a cached re-scan

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(path), f"invalid TOML: {exc}", line_of_toml_error(exc)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(str(path), f"cannot read: {exc}") from None
    table = data.get("tool", {}).get("qc", {}) if path.name == "pyproject.toml" else data.get("tool", {}).get("qc", data)
    return config_from_table(table, path)


def line_of_toml_error(exc: ValueError) -> int | None:
    # tomllib messages end with "(at line N, column M)".
    text = str(exc)
    marker = "(at line "
    if marker in text:
        try:
            return int(text.split(marker, 1)[1].split(",", 1)[0])
        except ValueError:
            return None
    return None


def config_from_table(table: dict[str, Any], path: Path | None) -> Config:
    config = Config(source=path)
    known = {f.name for f in fields(Config)}
    for key, value in table.items():
        if key not in TYPES:
            raise ConfigError(str(path), f"unknown setting '{key}' in [tool.qc] (known: {', '.join(sorted(TYPES))})")
        if not isinstance(value, TYPES[key]):
            expected = TYPES[key]
            names = " or ".join(t.__name__ for t in expected) if isinstance(expected, tuple) else expected.__name__
            raise ConfigError(str(path), f"setting '{key}' must be a {names}")
        attr = key.replace("-", "_")
        assert attr in known
        if key in CODE_LISTS:
            value = code_list(value, key, path)
        elif key == "per-file-ignores":
            value = {str(pattern): code_list(codes, f"per-file-ignores '{pattern}'", path) for pattern, codes in value.items()}
        setattr(config, attr, value)
    if config.fail_on not in SEVERITY_RANK:
        raise ConfigError(str(path), f"fail-on must be one of {', '.join(SEVERITY_RANK)}")
    return config


def config_for(paths: list[str], explicit: str | None = None) -> Config:
    """The explicit config file, else the one found from the first path (or the working directory)."""
    if explicit:
        return load_config(Path(explicit))
    start = Path(paths[0]) if paths else Path.cwd()
    found = find_config(start if start.exists() else Path.cwd())
    return load_config(found) if found else Config()
