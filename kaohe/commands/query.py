"""`kaohe query` (being written)."""

from __future__ import annotations

import click


@click.command(name="query")
def command() -> None:
    """Not available yet."""
    raise click.ClickException("kaohe query is not available yet")
