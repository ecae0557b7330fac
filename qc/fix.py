"""Fixes: choose non-conflicting fixes, apply them, repeat until stable, diff and write atomically."""

from __future__ import annotations

import difflib
import os
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from qc.finding import Edit, Finding, Fix

# As ruff: re-lint after applying, at most this many rounds, so fixes that reveal
# other fixable problems converge without looping forever.
MAX_FIX_ROUNDS = 10


def applicable(finding: Finding, unsafe: bool) -> bool:
    fix = finding.fix
    return fix is not None and (fix.applicability == "safe" or unsafe)


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Half-open spans overlap; two insertions at one point also conflict (order would matter)."""
    if a[0] == a[1] == b[0] == b[1]:
        return True
    return a[0] < b[1] and b[0] < a[1] or (a[0] == a[1] and b[0] < a[0] < b[1]) or (b[0] == b[1] and a[0] < b[0] < a[1])


def select_fixes(findings: Iterable[Finding], unsafe: bool) -> list[Fix]:
    """Deterministic: by start, then end, then rule id; a fix overlapping an accepted one is skipped."""
    chosen: list[Fix] = []
    taken: list[tuple[int, int]] = []
    candidates = sorted((f for f in findings if applicable(f, unsafe)), key=lambda f: (f.fix.start, f.fix.end, f.rule))  # type: ignore[union-attr]
    for finding in candidates:
        fix = finding.fix
        assert fix is not None
        spans = [(e.start, e.end) for e in fix.edits]
        if any(overlaps(s, t) for s in spans for t in taken):
            continue
        chosen.append(fix)
        taken.extend(spans)
    return chosen


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """Apply non-overlapping edits (offsets into `text`) from the end backwards."""
    pieces: list[str] = []
    cursor = len(text)
    for edit in sorted(edits, key=lambda e: (e.start, e.end), reverse=True):
        pieces.append(text[edit.end : cursor])
        pieces.append(edit.replacement)
        cursor = edit.start
    pieces.append(text[:cursor])
    return "".join(reversed(pieces))


@dataclass
class FixOutcome:
    text: str
    applied: int  # number of fixes applied over all rounds
    rounds: int


def fix_text(text: str, lint: Callable[[str], list[Finding]], unsafe: bool = False, findings: list[Finding] | None = None) -> FixOutcome:
    """Apply fixes, re-lint, repeat until nothing changes (or MAX_FIX_ROUNDS)."""
    applied = 0
    rounds = 0
    current = findings if findings is not None else lint(text)
    while rounds < MAX_FIX_ROUNDS:
        fixes = select_fixes(current, unsafe)
        if not fixes:
            break
        new_text = apply_edits(text, [e for fix in fixes for e in fix.edits])
        rounds += 1
        if new_text == text:
            break
        applied += len(fixes)
        text = new_text
        current = lint(text)
    return FixOutcome(text, applied, rounds)


def unified_diff(path: str, before: str, after: str) -> str:
    """A git-style unified diff; keeps each line's own ending so CRLF files diff faithfully."""
    lines = difflib.unified_diff(
        before.splitlines(keepends=True),
        after.splitlines(keepends=True),
        fromfile=f"a/{path}",
        tofile=f"b/{path}",
    )
    out = []
    for line in lines:
        out.append(line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n")
    return "".join(out)


def current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def atomic_write(path: Path, data: bytes) -> None:
    """Write via a temporary file in the same folder and rename: readers see old or new, never half."""
    folder = path.parent
    mode = path.stat().st_mode & 0o7777 if path.exists() else None
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".qc-tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        # mkstemp makes 0600 files; a new file gets the mode a plain open() would give it.
        os.chmod(tmp, mode if mode is not None else 0o666 & ~current_umask())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    try:
        dir_fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)
