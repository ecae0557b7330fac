"""Output formatters: one module per format, each exposing `render(result) -> str`.

Every renderer returns the complete document, ending with a newline (an empty string
when a line-based format has nothing to say), so the caller writes it as is
(`click.echo(text, nl=False)`). Formatters never print and never exit.

To add a format: write qc/report/<name>.py with `render` and add one entry to
FORMATTERS (or call `register` at run time). A format's module is imported only when
that format is rendered: a cached re-scan's start-up is most of its run time.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from qc.finding import ScanResult

Formatter = Callable[[ScanResult], str]


def lazy(module: str) -> Formatter:
    """`qc.report.<module>.render`, imported on the first call."""

    def render(result: ScanResult) -> str:
        formatter: Formatter = importlib.import_module(f"qc.report.{module}").render
        return formatter(result)

    return render


FORMATTERS: dict[str, Formatter] = {
    "json": lazy("json_"),
    "sarif": lazy("sarif"),
    "github": lazy("github"),
    "junit": lazy("junit"),
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
