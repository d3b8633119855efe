"""`kaohe db` (being written)."""

from __future__ import annotations

import click


@click.command(name="db")
def command() -> None:
    """Not available yet."""
    raise click.ClickException("kaohe db is not available yet")
