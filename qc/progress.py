"""A progress bar on stderr for long runs, shown only when stderr is a terminal.

Usage (the bar is silent when stderr is redirected, in CI and in tests): the loop lives in
the library and only a callback reaches the command::

    with progress_bar(desc="scan", unit="article") as tick:
        scan_paths(paths, config, options, on_outcome=lambda _o: tick())

tqdm is imported lazily, only when a bar is really shown.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any


def enabled(stream: Any = None, force: bool | None = None) -> bool:
    """True when a bar should be drawn: forced on/off, else only when the stream is a terminal."""
    if force is not None:
        return force
    stream = sys.stderr if stream is None else stream
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


@contextmanager
def progress_bar(desc: str = "", total: int | None = None, unit: str = "it", force: bool | None = None) -> Iterator[Callable[..., None]]:
    """A context manager yielding tick(n=1, postfix=None); a no-op tick when no bar is shown."""
    if not enabled(force=force):
        yield lambda n=1, postfix=None: None
        return
    from tqdm import tqdm

    bar = tqdm(desc=desc, total=total, unit=unit, file=sys.stderr, leave=False, dynamic_ncols=True)

    def tick(n: int = 1, postfix: str | None = None) -> None:
        bar.update(n)
        if postfix:
            bar.set_postfix_str(postfix, refresh=False)

    try:
        yield tick
    finally:
        bar.close()
