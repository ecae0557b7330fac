"""Fixes: choose non-conflicting fixes, apply them, repeat until stable, diff and write atomically."""

from __future__ import annotations

import difflib
import os
import re
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
    """Deterministic: by start, then the longer span first, then rule id; a fix overlapping an
    accepted one is skipped. Longer first: at one start, a fix of the whole phrase (a name's
    canonical form) must win over a fix of a piece of it, which would leave the rest of the
    phrase stranded ("United Nations Organization for the Food and the Agriculture")."""
    chosen: list[Fix] = []
    taken: list[tuple[int, int]] = []
    candidates = sorted((f for f in findings if applicable(f, unsafe)), key=lambda f: (f.fix.start, -f.fix.end, f.rule))  # type: ignore[union-attr]
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


DIFF_LINE = re.compile(r"[^\n]*\n|[^\n]+\Z")


def diff_lines(text: str) -> list[str]:
    """Lines as patch and git apply see them: ended by \n only (a \r, form feed, NEL or
    U+2028 is part of its line; str.splitlines would break lines there and the diff would
    not apply)."""
    return DIFF_LINE.findall(text)


def unified_diff(path: str, before: str, after: str) -> str:
    """A git-style unified diff; keeps each line's own ending so CRLF files diff faithfully."""
    lines = difflib.unified_diff(diff_lines(before), diff_lines(after), fromfile=f"a/{path}", tofile=f"b/{path}")
    out = []
    for line in lines:
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)


WORD_TOKEN = re.compile(r"\s+|\w+|[^\w\s]")


def word_diff(path: str, before: str, after: str) -> str:
    """Changes word by word, as `git diff --word-diff=plain` shows them: a news paragraph is
    one long line, and a line diff hides a one-word fix in it. `[-old-]{+new+}` inside each
    changed line, under `@@ -LINE +LINE @@` headers; unchanged lines are left out."""
    old_lines, new_lines = diff_lines(before), diff_lines(after)
    out = [f"--- a/{path}\n", f"+++ b/{path}\n"]
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        out.append(f"@@ -{i1 + 1},{i2 - i1} +{j1 + 1},{j2 - j1} @@\n")
        if tag == "replace" and i2 - i1 == j2 - j1:
            pairs = list(zip(old_lines[i1:i2], new_lines[j1:j2]))
        else:
            pairs = [("".join(old_lines[i1:i2]), "".join(new_lines[j1:j2]))]
        for old, new in pairs:
            line = words_changed(old, new)
            out.append(line if line.endswith("\n") else line + "\n")
    return "".join(out) if len(out) > 2 else ""


def words_changed(old: str, new: str) -> str:
    a, b = WORD_TOKEN.findall(old), WORD_TOKEN.findall(new)
    pieces = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            pieces.append("".join(a[i1:i2]))
            continue
        if i2 > i1:
            pieces.append("[-" + "".join(a[i1:i2]) + "-]")
        if j2 > j1:
            pieces.append("{+" + "".join(b[j1:j2]) + "+}")
    return "".join(pieces)


def current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def atomic_write(path: Path, data: bytes, like: os.stat_result | None = None) -> None:
    """Write via a temporary file in the same folder and rename: readers see old or new, never half.

    The new file gets the old one's mode, and (with `like`, the old file's stat) its owner
    and group: PermissionError when they cannot be kept (see `locked_rewrite`)."""
    folder = path.parent
    mode = path.stat().st_mode & 0o7777 if path.exists() else None
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".qc-tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if like is not None:
                keep_owner(handle.fileno(), like)
            # mkstemp makes 0600 files; a new file gets the mode a plain open() would give it.
            # (After chown, which clears set-user-ID bits.)
            os.fchmod(handle.fileno(), mode if mode is not None else 0o666 & ~current_umask())
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    fsync_folder(folder)


def keep_owner(fd: int, like: os.stat_result) -> None:
    """Give the file behind `fd` the owner and group of `like` (root can; anyone can keep
    their own uid and choose among their groups); PermissionError otherwise."""
    now = os.fstat(fd)
    if (now.st_uid, now.st_gid) != (like.st_uid, like.st_gid):
        os.fchown(fd, like.st_uid, like.st_gid)


def fsync_folder(folder: Path) -> None:
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


def write_in_place(path: Path, data: bytes) -> None:
    """Overwrite the file itself (same inode): what ruff and black do. Keeps hard links,
    owner, group, mode and ACLs, without the rename's all-or-nothing guarantee."""
    with open(path, "r+b") as handle:
        handle.write(data)
        handle.truncate()
        handle.flush()
        os.fsync(handle.fileno())


def open_locked(path: Path) -> int:
    """A descriptor of `path` holding an exclusive lock (flock), on the file that is at
    `path` now: a rename by another run while we waited means locking the new file."""
    import fcntl

    while True:
        fd = os.open(path, os.O_RDONLY)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            held, there = os.fstat(fd), os.stat(path)
            if (held.st_dev, held.st_ino) == (there.st_dev, there.st_ino):
                return fd
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)


def read_fd(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, 1 << 20):
        chunks.append(chunk)
    return b"".join(chunks)


def is_read_only(path: Path, st: os.stat_result) -> bool:
    """No write bit at all (0444), which root could write anyway, or not writable by us."""
    return not st.st_mode & 0o222 or not os.access(path, os.W_OK)


def locked_rewrite(path: Path, expected: bytes, data: bytes) -> bool:
    """Replace `expected` (the bytes that were scanned) by `data`, under an exclusive lock.

    False when the file already holds `data` (another run wrote the same fix); InputError
    when it holds anything else (changed since it was read) or is read-only; OSError when
    the write fails. Owner, group and mode are kept. A file with one link is replaced
    atomically (temporary file + rename); a file with several hard links, or whose owner
    we cannot give a new file, is overwritten in place, as ruff and black do, so every link
    sees the fix and the owner stays.
    """
    from qc.errors import InputError

    fd = open_locked(path)
    try:
        st = os.fstat(fd)
        current = read_fd(fd)
        if current == data:
            return False
        if current != expected:
            raise InputError(str(path), "file changed on disk while it was being scanned; not rewritten")
        if is_read_only(path, st):
            raise InputError(str(path), f"read-only file (mode {st.st_mode & 0o7777:04o}); not rewritten")
        if st.st_nlink > 1:
            write_in_place(path, data)
            return True
        try:
            atomic_write(path, data, like=st)
        except PermissionError:
            write_in_place(path, data)  # we may write it but not give a new file its owner
        return True
    finally:
        os.close(fd)
