"""What the commands share: one-line errors, the exit codes, the rule-selection flags, output."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, NoReturn

import click

from qc.errors import QcError

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def error(message: str) -> None:
    """One line on stderr; the command goes on."""
    click.echo(f"qc: error: {message}", err=True)


def fail(message: str, code: int = EXIT_ERROR) -> NoReturn:
    error(message)
    sys.exit(code)


def report_error(problem: QcError) -> None:
    error(problem.describe())


def unit_interval(ctx: click.Context, param: click.Parameter, value: float) -> float:
    """A click callback: the option's value must be in (0, 1]."""
    if not 0.0 < value <= 1.0:
        raise click.BadParameter("must be in (0, 1]")
    return value


def split_codes(values: tuple[str, ...]) -> list[str]:
    """Comma-separated codes, upper-cased: rule codes are case-insensitive."""
    return [c.strip().upper() for v in values for c in v.split(",") if c.strip()]


def rule_selection(opts: dict[str, Any], **extra: Any) -> Any:
    """ScanOptions from the rule-selection flags every linting command shares."""
    from qc.scan import ScanOptions

    return ScanOptions(
        select=split_codes(opts["select"]) or None,
        extend_select=split_codes(opts["extend_select"]),
        ignore=split_codes(opts["ignore"]),
        rule_paths=list(opts["rule_paths"]),
        no_default_rules=bool(opts["no_default_rules"]),
        **extra,
    )


def emit(output: str, output_file: str | None) -> None:
    from qc.finding import escape_lone_surrogates

    output = escape_lone_surrogates(output)  # (from .jsonl escapes): no UTF-8 for them
    if output_file:
        from qc.fix import atomic_write

        try:
            atomic_write(Path(output_file), output.encode("utf-8"))
        except OSError as exc:
            fail(f"{output_file}: cannot write report: {exc.strerror or exc}")
    elif output:
        click.echo(output, nl=False)
