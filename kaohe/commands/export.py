"""`kaohe export`: write the database's tables and views to CSV, XLSX, JSON or JSON lines (logic in analyst.export)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kaohe.options import db_option
from schema.models import describe_url


@click.command(name="export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "xlsx", "json", "jsonl"]),
    required=True,
    help="csv: one file per table in a folder; xlsx: one workbook, a sheet per table; json: one file; "
    "jsonl: one JSON-lines file per table in a folder.",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path, allow_dash=True),
    default=None,
    help="Folder for csv and jsonl [default: data/out/export/]; file for xlsx [data/out/kaohe.xlsx] "
    "and json [data/out/kaohe.json]; - for standard output (csv/jsonl of one --table, json).",
)
@click.option("--table", "table_name", metavar="NAME", default=None, help="Export only this table or view.")
@db_option
def command(fmt: str, out: Path | None, table_name: str | None, db_url: str) -> None:
    """Export documents, indicators, clauses, facts, checks and warnings, and the views
    indicator_flat, clause_flat and reconciliation_warnings; table rows ordered by id.

    Rows of the other tables carry the document's source_path, and clauses and checks the
    indicator's path, so each file reads on its own. CSV files are UTF-8 with a byte-order mark,
    so Excel shows the Chinese text correctly when the file is opened by double-click; booleans
    are 0/1 and NULL is empty. Integers stay exact (in XLSX, those past Excel's 15 digits are text).
    """
    from analyst.export import export_database, export_to_stream
    from analyst.guard import AccessError

    try:
        if out is not None and str(out) == "-":
            tables = export_to_stream(db_url, fmt, sys.stdout, table_name)
            # The data is on standard output; what was written goes to standard error.
            for table in tables:
                click.echo(f"exported {table.name}: {len(table.rows)} rows", err=True)
            return
        written, missing = export_database(db_url, fmt, out, table_name)
    except AccessError as exc:
        raise click.ClickException(str(exc)) from exc
    except OSError as exc:
        raise click.ClickException(f"cannot write the export: {exc}") from exc
    click.echo(f"Exported {describe_url(db_url)} as {fmt}:")
    width = max((len(item.table) for item in written), default=11)
    for item in written:
        click.echo(f"  {item.table:<{width}} {item.rows:>7} rows  {item.path}")
    for name in missing:
        click.echo(f"  {name:<{width}} not in this database, skipped")
