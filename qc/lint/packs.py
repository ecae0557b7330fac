"""Rule packs: YAML files of rules. Loading validates everything and names file:line on error."""

from __future__ import annotations

import os
import pickle
import sys
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

import xxhash

from qc import __version__
from qc.errors import RulePackError
from qc.lint import DEFAULT_RULES_DIR
from qc.lint.document import gc_paused
from qc.lint.kinds import load_kinds
from qc.lint.rule import CATEGORIES, SEVERITIES, STATUSES, BadExample, FixSpec, GoodExample, Rule
from qc.lint.yamlsource import LocatedYaml, load_located

# Folders inside a rules tree that hold data for kinds (gazetteers), not packs.
DATA_DIR_NAME = "data"
# A pack larger than this is refused: packs are hand-written data, not corpora.
MAX_PACK_BYTES = 2_000_000

COMMON_KEYS = {"id", "name", "kind", "category", "severity", "status", "message", "fix", "docs", "examples", "replaces"}

RULE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["id", "name", "kind", "category", "severity", "message"],
    "properties": {
        "id": {"type": "string", "pattern": "^[A-Z]{1,4}[0-9]{2,4}$"},
        "name": {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"},
        "kind": {"type": "string"},
        "category": {"enum": list(CATEGORIES)},
        "severity": {"enum": list(SEVERITIES)},
        "message": {"type": "string", "minLength": 1},
        # Optional for a user's pack; the built-in packs carry both (tests/test_rule_docs.py).
        "status": {"enum": list(STATUSES)},
        "docs": {"type": "string"},
        "replaces": {"type": "array", "uniqueItems": True, "items": {"type": "string", "pattern": "^[A-Z]{1,4}[0-9]{2,4}$"}},
        "fix": {
            "type": "object",
            "required": ["applicability"],
            "additionalProperties": False,
            "properties": {
                "applicability": {"enum": ["safe", "unsafe"]},
                "replacement": {"type": "string"},
                "message": {"type": "string"},
            },
        },
        "examples": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "bad": {
                    "type": "array",
                    "items": {
                        "oneOf": [
                            {"type": "string", "minLength": 1},
                            {
                                "type": "object",
                                "required": ["text"],
                                "additionalProperties": False,
                                "properties": {"text": {"type": "string", "minLength": 1}, "fix": {"type": ["string", "null"]}},
                            },
                        ]
                    },
                },
                "good": {"type": "array", "items": {"type": "string", "minLength": 1}},
            },
        },
    },
}

PACK_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["rules"],
    "additionalProperties": False,
    "properties": {
        "pack": {"type": "string"},
        "description": {"type": "string"},
        "language": {"type": "string"},
        "rules": {"type": "array", "items": {"type": "object"}},
    },
}


def validate(doc: LocatedYaml, instance: Any, schema: dict[str, Any], pointer: tuple[Any, ...], what: str) -> None:
    import jsonschema  # only on a compiled-rules cache miss: it costs ~60 ms to import

    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(instance), key=lambda e: (len(e.absolute_path), list(map(str, e.absolute_path))))
    if not errors:
        return
    err = jsonschema.exceptions.best_match(errors)
    location = pointer + tuple(err.absolute_path)
    field = ".".join(str(p) for p in err.absolute_path)
    reason = f"{what}: {field + ': ' if field else ''}{short_message(err)}"
    raise RulePackError(str(doc.path), reason, doc.line_of(location))


def short_message(err: Any) -> str:
    message = err.message
    return message if len(message) < 200 else message[:197] + "..."


def pack_files(paths: Iterable[str | Path]) -> list[Path]:
    """Pack files named directly, or found below folders (skipping gazetteer data folders)."""
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for root, dirs, names in os.walk(path):
                dirs[:] = sorted(d for d in dirs if d != DATA_DIR_NAME and not d.startswith("."))
                files.extend(Path(root, n) for n in sorted(names) if n.endswith((".yaml", ".yml")))
        elif path.exists():
            files.append(path)
        else:
            raise RulePackError(str(raw), "rule pack not found")
    return files


def shown_pack_path(path: Path) -> Path:
    """Built-in packs are shown as rules/..., user packs relative to the working directory."""
    try:
        return Path("rules") / path.relative_to(DEFAULT_RULES_DIR)
    except ValueError:
        pass
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return path


def load_pack(path: Path, trusted: bool | None = None) -> list[Rule]:
    """Load one pack. Packs shipped with qc are trusted; others only when the user says so."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise RulePackError(str(path), f"cannot read rule pack: {exc.strerror}") from None
    if size > MAX_PACK_BYTES:
        raise RulePackError(str(path), f"rule pack is {size} bytes; the limit is {MAX_PACK_BYTES}")
    shown = shown_pack_path(path)
    try:
        doc = load_located(path)
    except RulePackError as exc:
        raise RulePackError(str(shown), exc.reason, exc.line) from None
    doc.path = shown
    if doc.data is None:
        return []
    validate(doc, doc.data, PACK_SCHEMA, (), "pack")
    if trusted is None:
        trusted = is_builtin(path)
    return [build_rule(doc, raw, ("rules", i), trusted, path) for i, raw in enumerate(doc.data["rules"])]


@lru_cache(maxsize=256)
def is_builtin(path: Path) -> bool:
    """The pack file lies in qc's own rules folder. (Cached: every rule's `info()` asks, and
    resolving paths was ~130 system calls of each scan's start-up.)"""
    try:
        path.resolve().relative_to(builtin_rules_dir())
    except ValueError:
        return False
    return True


@lru_cache(maxsize=1)
def builtin_rules_dir() -> Path:
    return DEFAULT_RULES_DIR.resolve()


def build_rule(doc: LocatedYaml, raw: dict[str, Any], pointer: tuple[Any, ...], trusted: bool = False, source: Path | None = None) -> Rule:
    validate(doc, raw, RULE_SCHEMA, pointer, "rule")
    kinds = load_kinds()
    line = doc.line_of(pointer)
    kind_cls = kinds.get(raw["kind"])
    if kind_cls is None:
        reason = f"rule {raw['id']}: unknown kind '{raw['kind']}' (known: {', '.join(sorted(kinds))})"
        raise RulePackError(str(doc.path), reason, doc.line_of(pointer + ("kind",)))
    params = {k: v for k, v in raw.items() if k not in COMMON_KEYS}
    validate(doc, params, kind_cls.params_schema, pointer, f"rule {raw['id']} ({raw['kind']})")
    fix = raw.get("fix")
    examples = raw.get("examples", {})
    rule = Rule(
        id=raw["id"],
        name=raw["name"],
        kind=raw["kind"],
        category=raw["category"],
        severity=raw["severity"],
        message=raw["message"],
        params=params,
        fix=FixSpec(fix["applicability"], fix.get("replacement"), fix.get("message", "")) if fix else None,
        docs=raw.get("docs", "").strip(),
        status=raw.get("status", ""),
        replaces=tuple(raw.get("replaces", ())),
        bad=[parse_bad(doc, item, pointer + ("examples", "bad", i)) for i, item in enumerate(examples.get("bad", []))],
        good=[GoodExample(t, doc.line_of(pointer + ("examples", "good", i))) for i, t in enumerate(examples.get("good", []))],
        pack=doc.path,
        line=line,
        trusted=trusted,
        source=source,
    )
    # Compile now so that a bad regex or a missing data file is reported at load time.
    rule.matcher = kind_cls(rule)
    return rule


def parse_bad(doc: LocatedYaml, item: str | dict[str, Any], pointer: tuple[Any, ...]) -> BadExample:
    if isinstance(item, str):
        return BadExample(item, None, doc.line_of(pointer))
    return BadExample(item["text"], item.get("fix"), doc.line_of(pointer))


def load_rules(paths: Iterable[str | Path], trust: bool = False) -> list[Rule]:
    """Load packs, from the compiled-rules cache when nothing they depend on has changed."""
    paths = list(paths)
    cache_file = compiled_cache_file(paths, trust)
    if cache_file is not None and owned_and_private(cache_file):
        try:
            with cache_file.open("rb") as handle, gc_paused():
                cached = pickle.load(handle)
            if isinstance(cached, tuple) and len(cached) == 3 and cached[0] == CACHE_FORMAT and isinstance(cached[1], list):
                from qc.lint.engine import remember_prebuilt

                remember_prebuilt(cached[2])  # (Linter.for_rules hands it out for exactly these rules)
                return cached[1]
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
            pass
    rules = load_rules_uncached(paths, trust)
    if cache_file is not None:
        store_compiled(cache_file, rules)
    return rules


# What a compiled-rules cache file holds: (CACHE_FORMAT, the rules, a Linter of them all with
# its literal pass built).
CACHE_FORMAT = "qc-rules-2"


def lint_code_digest() -> bytes | None:
    """Digest of the lint code (qc/lint/**.py); None when a file cannot be read."""
    hasher = xxhash.xxh3_128()
    try:
        for source in sorted(Path(__file__).resolve().parent.rglob("*.py")):
            hasher.update(str(source).encode())
            hasher.update(source.read_bytes())
    except OSError:
        return None
    return hasher.digest()


# Taken when this module is imported, i.e. from the code this process runs: a process that
# outlives an edit of the lint code must not store its old-code rules under the new
# code's key (seen with a long test run while the code was being edited).
LINT_CODE_DIGEST = lint_code_digest()


def compiled_cache_file(paths: list[str | Path], trust: bool) -> Path | None:
    """Where compiled rules for exactly these pack files, data files and qc code are kept.

    Validating packs and building gazetteer indexes takes most of a second; start-up
    (a pre-commit hook on one article) must not pay that every time. The key hashes
    every file the rules come from and the lint code itself, so any edit recompiles.
    """
    folder = rules_cache_dir()
    if folder is None or LINT_CODE_DIGEST is None:
        return None
    hasher = xxhash.xxh3_128()
    hasher.update(f"{__version__}|{sys.version}|{trust}".encode())
    hasher.update(LINT_CODE_DIGEST)
    sources: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            return None  # let the uncached loader report it
        sources.extend(sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path])
        sibling_data = path.parent / DATA_DIR_NAME
        if path.is_file() and sibling_data.is_dir():
            sources.extend(sorted(p for p in sibling_data.rglob("*") if p.is_file()))
    try:
        for source in sources:
            hasher.update(str(source.resolve()).encode())
            hasher.update(source.read_bytes())
    except OSError:
        return None
    return folder / f"rules-{hasher.hexdigest()}.pickle"


def owned_and_private(path: Path) -> bool:
    """Unpickling runs code: only read a cache file this user owns and nobody else can write."""
    try:
        info = path.stat()
    except OSError:
        return False
    owner_ok = not hasattr(os, "getuid") or info.st_uid == os.getuid()
    return owner_ok and not info.st_mode & 0o022


def rules_cache_dir() -> Path | None:
    if os.environ.get("QC_NO_RULE_CACHE"):
        return None
    base = os.environ.get("QC_CACHE_DIR") or os.environ.get("XDG_CACHE_HOME")
    root = Path(base) if base else Path.home() / ".cache"
    return root / "qc" if not os.environ.get("QC_CACHE_DIR") else root


def store_compiled(cache_file: Path, rules: list[Rule]) -> None:
    """Best effort: a read-only home or an unpicklable user kind only costs speed."""
    try:
        from qc.lint.compiled_regex import dumps  # regexes as their programs: no compiling at load
        from qc.lint.engine import prebuilt_linter

        store_private_cache(cache_file, dumps((CACHE_FORMAT, rules, prebuilt_linter(rules))), "rules-*.pickle")
    except Exception:  # noqa: BLE001 - any failure here is harmless by design
        return


def store_private_cache(path: Path, data: bytes, stale_pattern: str) -> None:
    """Write a cache file only this user can read or write (`owned_and_private` checks that
    before unpickling), whole or not at all, and drop the older files of its kind
    (`stale_pattern`) beside it: a cache keyed by content would otherwise grow with every
    edit. OSError when the folder cannot be written."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    for stale in path.parent.glob(stale_pattern):
        if stale != path:
            stale.unlink(missing_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(tmp, path)


def load_rules_uncached(paths: Iterable[str | Path], trust: bool = False) -> list[Rule]:
    """Load packs; rule ids must be unique across all of them. `trust` trusts user packs too."""
    rules: list[Rule] = []
    seen: dict[str, Rule] = {}
    for path in pack_files(paths):
        for rule in load_pack(path, True if trust else None):
            if rule.id in seen:
                raise RulePackError(str(path), f"rule id {rule.id} is already defined at {seen[rule.id].where}", rule.line)
            seen[rule.id] = rule
            rules.append(rule)
    check_replaced_codes(rules)
    return rules


def check_replaced_codes(rules: list[Rule]) -> None:
    """A retired code names one live rule, and never a rule that still exists."""
    live = {rule.id: rule for rule in rules}
    claimed: dict[str, Rule] = {}
    for rule in rules:
        for code in rule.replaces:
            if code in live:
                raise RulePackError(str(rule.pack), f"rule {rule.id} replaces {code}, which is still a rule ({live[code].where})", rule.line)
            if code in claimed:
                raise RulePackError(str(rule.pack), f"rule {rule.id} replaces {code}, which {claimed[code].id} already replaces", rule.line)
            claimed[code] = rule


def default_rules(extra: Iterable[str | Path] = (), trust: bool = False) -> list[Rule]:
    return load_rules([DEFAULT_RULES_DIR, *extra], trust)
