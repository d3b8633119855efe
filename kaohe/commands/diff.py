"""`kaohe diff` (being written)."""

from __future__ import annotations

import click


@click.command(name="diff")
def command() -> None:
    """Not available yet."""
    raise click.ClickException("kaohe diff is not available yet")
