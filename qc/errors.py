"""Typed errors. The library raises these; only the CLI turns them into messages and exit codes."""

from __future__ import annotations


class QcError(Exception):
    """An error that names where it happened: a file, optionally a line, and the reason."""

    def __init__(self, path: str | None, reason: str, line: int | None = None) -> None:
        self.path = path
        self.reason = reason
        self.line = line
        super().__init__(self.describe())

    def __reduce__(self) -> tuple[type, tuple[str | None, str, int | None]]:
        # Exceptions pickle their args by default; ours need (path, reason, line) to rebuild.
        return (type(self), (self.path, self.reason, self.line))

    def describe(self) -> str:
        where = self.path or "<input>"
        if self.line is not None:
            where = f"{where}:{self.line}"
        return f"{where}: {self.reason}"


class InputError(QcError):
    """An article file that cannot be read or decoded."""


class RulePackError(QcError):
    """A rule pack that is malformed or fails validation."""


class ConfigError(QcError):
    """A configuration file that is malformed."""
