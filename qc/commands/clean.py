"""`qc clean`: remove the results cache."""

from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.argument("folder", required=False, type=click.Path(file_okay=False))
def clean(folder: str | None) -> None:
    """Remove the results cache (.qc_cache/) from FOLDER (default: the working directory)."""
    from qc.cache import clean_cache

    root = Path(folder) if folder else Path.cwd()
    removed = clean_cache(root)
    click.echo(f"Removed {root / '.qc_cache'}" if removed else "No cache to remove.")
