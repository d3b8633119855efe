"""`kaohe export`: write the database's tables to CSV, XLSX or JSON files (logic in analyst.export)."""

from __future__ import annotations

from pathlib import Path

import click

from kaohe.options import db_option
from schema.models import describe_url


@click.command(name="export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "xlsx", "json"]),
    required=True,
    help="csv: one file per table in a folder; xlsx: one workbook, a sheet per table; json: one file.",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=None,
    help="Folder for csv [default: data/out/export/]; file for xlsx [data/out/kaohe.xlsx] "
    "and json [data/out/kaohe.json].",
)
@db_option
def command(fmt: str, out: Path | None, db_url: str) -> None:
    """Export documents, indicators, clauses, facts, checks and warnings, rows ordered by id.

    Rows of the other tables carry the document's source_path, and clauses and checks the
    indicator's path, so each file reads on its own. CSV files are UTF-8 with a byte-order mark,
    so Excel shows the Chinese text correctly when the file is opened by double-click.
    """
    from analyst.export import export_database
    from analyst.guard import AccessError

    try:
        written, missing = export_database(db_url, fmt, out)
    except AccessError as exc:
        raise click.ClickException(str(exc)) from exc
    except OSError as exc:
        raise click.ClickException(f"cannot write the export: {exc}") from exc
    click.echo(f"Exported {describe_url(db_url)} as {fmt}:")
    for item in written:
        click.echo(f"  {item.table:<11} {item.rows:>7} rows  {item.path}")
    for name in missing:
        click.echo(f"  {name:<11} not in this database, skipped")
