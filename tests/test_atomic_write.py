from __future__ import annotations

import os
from pathlib import Path

import pytest

from qc import fix as fixmod
from qc.fix import atomic_write


def test_failure_mid_write_leaves_original_intact(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "article.txt"
    target.write_bytes(b"original text\n")
    os.chmod(target, 0o640)
    real_fsync = os.fsync

    def exploding_fsync(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(fixmod.os, "fsync", exploding_fsync)
    with pytest.raises(OSError):
        atomic_write(target, b"new text that never lands\n")
    monkeypatch.setattr(fixmod.os, "fsync", real_fsync)
    assert target.read_bytes() == b"original text\n"
    assert [p.name for p in tmp_path.iterdir()] == ["article.txt"]  # no temporary file left behind


def test_success_replaces_and_keeps_mode(tmp_path: Path) -> None:
    target = tmp_path / "article.txt"
    target.write_bytes(b"old\n")
    os.chmod(target, 0o640)
    atomic_write(target, b"new\n")
    assert target.read_bytes() == b"new\n"
    assert target.stat().st_mode & 0o777 == 0o640


def test_new_file_gets_the_umask_mode(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        atomic_write(tmp_path / "report.html", b"<html></html>")
    finally:
        os.umask(old)
    assert (tmp_path / "report.html").stat().st_mode & 0o777 == 0o644
