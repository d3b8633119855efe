"""`kaohe export` (being written)."""

from __future__ import annotations

import click


@click.command(name="export")
def command() -> None:
    """Not available yet."""
    raise click.ClickException("kaohe export is not available yet")
