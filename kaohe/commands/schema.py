"""`kaohe schema [TABLE]`: the columns and CREATE statement of a table or view, or of all (logic in analyst.catalog)."""

from __future__ import annotations

import json
from dataclasses import asdict

import click

from kaohe.options import db_option, summary_format_option


@click.command(name="schema")
@click.argument("table_name", metavar="[TABLE]", required=False)
@db_option
@summary_format_option
def command(table_name: str | None, db_url: str, fmt: str) -> None:
    """Print the columns and the CREATE statement of TABLE (a table or view), or of every one; read-only."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from analyst.catalog import describe_schema
    from analyst.guard import AccessError

    try:
        schemas = describe_schema(db_url, table_name)
    except AccessError as exc:
        raise click.ClickException(str(exc)) from exc
    if fmt == "json":
        click.echo(json.dumps([asdict(schema) for schema in schemas], ensure_ascii=False, indent=2))
        return
    console = Console()
    for schema in schemas:
        table = Table(title=f"{schema.kind} {schema.name}", title_justify="left")
        for heading in ("column", "type", "null", "key", "default"):
            table.add_column(heading, overflow="fold")
        for column in schema.columns:
            table.add_row(
                Text(column.name),
                Text(column.type),
                "yes" if column.nullable else "no",
                "PK" if column.primary_key else "",
                Text(column.default or ""),
            )
        console.print(table)
        console.print(Text(schema.create_sql + "\n"))
