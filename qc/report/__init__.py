"""Output formatters: one module per format, each exposing `render(result) -> str`.

Every renderer returns the complete document, ending with a newline (an empty string
when a line-based format has nothing to say), so the caller writes it as is
(`click.echo(text, nl=False)`). Formatters never print and never exit.

To add a format: write qc/report/<name>.py with `render`, import it below and add
one entry to FORMATTERS (or call `register` at run time).
"""

from __future__ import annotations

from collections.abc import Callable

from qc.finding import ScanResult
from qc.report import github, json_, junit, sarif

Formatter = Callable[[ScanResult], str]

FORMATTERS: dict[str, Formatter] = {
    "json": json_.render,
    "sarif": sarif.render,
    "github": github.render,
    "junit": junit.render,
}


def register(name: str, formatter: Formatter) -> None:
    FORMATTERS[name] = formatter


def names() -> list[str]:
    return sorted(FORMATTERS)


def render(fmt: str, result: ScanResult) -> str:
    try:
        formatter = FORMATTERS[fmt]
    except KeyError:
        raise ValueError(f"unknown output format {fmt!r} (choose from {', '.join(names())})") from None
    return formatter(result)
