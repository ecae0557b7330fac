"""The command line: the click group and the registration of the commands in qc.commands.

Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage, config, rule-pack or input error.
"""

from __future__ import annotations

import importlib
import sys

import click

from qc import __version__
from qc.commands.common import EXIT_ERROR

# Command modules registered on the main group; each exports click commands by these names.
COMMAND_MODULES: dict[str, tuple[str, ...]] = {
    "qc.commands.scan": ("scan",),
    "qc.commands.rules": ("rules", "rule"),
    "qc.commands.clean": ("clean",),
    "qc.commands.dedup": ("dedup", "index"),
    "qc.commands.evaluate": ("eval",),
    "qc.commands.quality": ("score", "report"),
    "qc.commands.hook": ("hook-dedup",),
}


class LazyGroup(click.Group):
    """Imports a command module only when its command runs, so `qc scan` does not pay for
    dedup's or the report's imports (start-up matters in a pre-commit hook)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        lazy = [name for names in COMMAND_MODULES.values() for name in names]
        return sorted({*super().list_commands(ctx), *lazy})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        command = super().get_command(ctx, name)
        if command is not None:
            return command
        for module_name, names in COMMAND_MODULES.items():
            if name in names:
                module = importlib.import_module(module_name)
                found = getattr(module, name, None)
                return found if isinstance(found, click.Command) else None
        return None


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="qc")
def cli() -> None:
    """qc: find machine-translation artefacts and near-duplicates in news articles."""


def main() -> None:
    """Entry point: a bug becomes one line and exit code 2, never a traceback (QC_DEBUG=1 shows it)."""
    import os

    prepare_process()
    try:
        cli.main(standalone_mode=True)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        click.echo("qc: interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # the last line of defence; typed errors are handled in the commands
        if os.environ.get("QC_DEBUG"):
            raise
        click.echo(f"qc: internal error: {type(exc).__name__}: {exc} (set QC_DEBUG=1 for details)", err=True)
        sys.exit(EXIT_ERROR)


def prepare_process() -> None:
    """Process-wide settings of a command-line run, made before anything imports numpy.

    - OpenBLAS threads: numpy's OpenBLAS starts a thread per core at import, and they spin
      (~0.04 s of CPU in every run, a third of a one-article scan's CPU); qc does no dense
      linear algebra, and parallelises with its own -j workers. A value the user set wins.
    - Long-lived objects frozen out of the garbage collector's walks (see gc_paused)."""
    import os

    from qc.lint import document

    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    document.FREEZE_LONG_LIVED = True
