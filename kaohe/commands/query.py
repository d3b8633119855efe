"""`kaohe query "SQL"`: run one read-only SQL statement and print the result (logic in analyst.guard, .formats)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kaohe.options import db_option


class SqlCommand(click.Command):
    """A command whose SQL argument may open with a ``--`` comment line.

    Click would take ``"-- top items\nSELECT 1"`` for an (unknown) option. An argument that
    starts with ``-``, has whitespace in it (a comment line followed by SQL always has) and is
    not one of the command's options is moved behind a ``--``, so click takes it for the SQL.
    ``--fromat`` (no whitespace) is still reported as an unknown option.
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        names = {name for param in self.get_params(ctx) for name in (*param.opts, *param.secondary_opts)}
        # How many values follow each option (-p NAME VALUE: two); they are never the SQL.
        values_after = {
            name: param.nargs
            for param in self.get_params(ctx)
            if isinstance(param, click.Option) and not param.is_flag
            for name in param.opts
        }
        before: list[str] = []
        sql: list[str] = []
        after: list[str] = []
        index = 0
        while index < len(args):
            arg = args[index]
            if arg == "--":
                after = args[index + 1 :]
                break
            if arg in values_after and index + 1 < len(args):
                count = values_after[arg]
                before += args[index : index + 1 + count]
                index += 1 + count
                continue
            if arg.startswith("-") and arg.split("=", 1)[0] not in names and any(c.isspace() for c in arg):
                sql.append(arg)
            else:
                before.append(arg)
            index += 1
        if sql or after:
            args = [*before, "--", *sql, *after]
        return super().parse_args(ctx, args)


def _read_sql_file(path: Path) -> str:
    try:
        # utf-8-sig: a file saved by a Windows editor may open with a byte-order mark.
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise click.ClickException(f"cannot read the SQL file {path}: {exc}") from exc


def _sql_text(sql: str | None, sql_file: Path | None) -> str:
    """The SQL to run: the argument, ``-`` (standard input), ``@PATH`` or ``--file PATH``."""
    if sql is not None and sql_file is not None:
        raise click.UsageError("give the SQL as an argument or with --file, not both")
    if sql_file is not None:
        return _read_sql_file(sql_file)
    if sql is None:
        raise click.UsageError('give the SQL: kaohe query "SELECT ...", kaohe query @file.sql, --file file.sql or -')
    if sql == "-":
        return sys.stdin.read()
    if sql.startswith("@"):  # no SQL statement starts with @
        return _read_sql_file(Path(sql[1:]))
    return sql


@click.command(name="query", cls=SqlCommand)
@click.argument("sql", required=False)
@click.option(
    "--file",
    "sql_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Read the SQL from this file (same as SQL @PATH).",
)
@click.option(
    "-p",
    "--param",
    "params",
    nargs=2,
    multiple=True,
    metavar="NAME VALUE",
    help="Bind VALUE to :NAME in the SQL (repeatable); integers and decimals are bound as numbers.",
)
@db_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "tsv", "json", "nl"]),
    default="table",
    show_default=True,
    help="table: aligned for reading; csv: RFC 4180 with a header row; tsv: tab-separated; "
    "json: an array of objects; nl: JSON lines, one object per row.",
)
def command(sql: str | None, sql_file: Path | None, params: tuple[tuple[str, str], ...], db_url: str, fmt: str) -> None:
    """Run one read-only SQL statement (SELECT, WITH, EXPLAIN, PRAGMA ...) and print its rows.

    Statements that write or change the schema, and several statements at once, are refused
    (exit status 1); the database is opened read-only as well, so nothing can be changed. SQL
    "-" is read from standard input, "@PATH" (or --file PATH) from a file; SQL may open with a
    -- comment line. -p NAME VALUE binds a value to :NAME, so values need no quoting.

    \b
    Example:
      kaohe query "SELECT d.file_name, i.name, i.points FROM indicators i
                   JOIN documents d ON d.id = i.document_id
                   WHERE i.level = 1 AND d.year = :year" -p year 2023
    """
    from rich.console import Console

    from analyst.formats import result_to_csv, result_to_json, result_to_json_lines, result_to_table, result_to_tsv
    from analyst.guard import AccessError, run_query
    from analyst.sql_text import QueryParameter, parameter_value

    text = _sql_text(sql, sql_file)
    names = [name for name, _ in params]
    for name in names:
        if not name.isidentifier():
            raise click.BadParameter(f"{name!r} is not a parameter name (letters, digits, _)", param_hint="-p")
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise click.BadParameter(f"{repeated[0]} is given twice", param_hint="-p")
    parameters = tuple(QueryParameter(name, parameter_value(value)) for name, value in params)
    try:
        # One statement in one read transaction, fetched whole and closed before anything is
        # printed: a slow terminal never keeps the database's read snapshot open.
        result = run_query(db_url, text, parameters)
    except AccessError as exc:
        raise click.ClickException(str(exc)) from exc
    if fmt == "table":
        Console().print(result_to_table(result))
        return
    writers = {"csv": result_to_csv, "tsv": result_to_tsv, "json": result_to_json, "nl": result_to_json_lines}
    output = writers[fmt](result)
    click.echo(output, nl=fmt == "json")
