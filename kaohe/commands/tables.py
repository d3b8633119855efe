"""`kaohe tables [--counts] [--views]`: the tables (and views) of the database (logic in analyst.catalog)."""

from __future__ import annotations

import json
from dataclasses import asdict

import click

from kaohe.options import db_option, summary_format_option


@click.command(name="tables")
@click.option("--counts", is_flag=True, help="Count the rows of each table (and view).")
@click.option("--views", is_flag=True, help="List the views as well (indicator_flat, clause_flat, ...).")
@db_option
@summary_format_option
def command(counts: bool, views: bool, db_url: str, fmt: str) -> None:
    """List the tables of the database, by name; read-only."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from analyst.catalog import list_tables
    from analyst.guard import AccessError

    try:
        entries = list_tables(db_url, counts=counts, views=views)
    except AccessError as exc:
        raise click.ClickException(str(exc)) from exc
    if fmt == "json":
        click.echo(json.dumps([asdict(entry) for entry in entries], ensure_ascii=False, indent=2))
        return
    table = Table(caption=f"{len(entries)} {'tables and views' if views else 'tables'}", caption_justify="left")
    table.add_column("name")
    if views:
        table.add_column("kind")
    if counts:
        table.add_column("rows", justify="right")
    for entry in entries:
        cells = [Text(entry.name)]
        if views:
            cells.append(Text(entry.kind))
        if counts:
            cells.append(Text(str(entry.rows)))
        table.add_row(*cells)
    Console().print(table)
