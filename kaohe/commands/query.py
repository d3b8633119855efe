"""`kaohe query "SQL"`: run one read-only SQL statement and print the result (logic in pipeline.export)."""

from __future__ import annotations

import click

from kaohe.options import db_option


@click.command(name="query")
@click.argument("sql")
@db_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
    help="table: aligned for reading; csv: RFC 4180 with a header row; json: an array of objects.",
)
def command(sql: str, db_url: str, fmt: str) -> None:
    """Run one read-only SQL statement (SELECT, WITH, EXPLAIN, PRAGMA ...) and print its rows.

    Statements that write or change the schema, and several statements at once, are refused
    (exit status 1); the database is opened read-only as well, so nothing can be changed.

    \b
    Example:
      kaohe query "SELECT d.file_name, i.name, i.points FROM indicators i
                   JOIN documents d ON d.id = i.document_id WHERE i.level = 1"
    """
    from rich.console import Console

    from pipeline.export import AccessError, result_to_csv, result_to_json, result_to_table, run_query

    try:
        result = run_query(db_url, sql)
    except AccessError as exc:
        raise click.ClickException(str(exc)) from exc
    if fmt == "csv":
        click.echo(result_to_csv(result), nl=False)
    elif fmt == "json":
        click.echo(result_to_json(result))
    else:
        Console().print(result_to_table(result))
