"""`kaohe query "SQL"`: run one read-only SQL statement and print the result (logic in analyst.guard, .formats)."""

from __future__ import annotations

import sys

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
        with_value = {
            name
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
            if arg in with_value and index + 1 < len(args):  # its value is never the SQL
                before += args[index : index + 2]
                index += 2
                continue
            if arg.startswith("-") and arg.split("=", 1)[0] not in names and any(c.isspace() for c in arg):
                sql.append(arg)
            else:
                before.append(arg)
            index += 1
        if sql or after:
            args = [*before, "--", *sql, *after]
        return super().parse_args(ctx, args)


@click.command(name="query", cls=SqlCommand)
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
    (exit status 1); the database is opened read-only as well, so nothing can be changed. SQL
    "-" is read from standard input; SQL may open with a -- comment line.

    \b
    Example:
      kaohe query "SELECT d.file_name, i.name, i.points FROM indicators i
                   JOIN documents d ON d.id = i.document_id WHERE i.level = 1"
    """
    from rich.console import Console

    from analyst.formats import result_to_csv, result_to_json, result_to_table
    from analyst.guard import AccessError, run_query

    if sql == "-":
        sql = sys.stdin.read()
    try:
        # One statement in one read transaction, fetched whole and closed before anything is
        # printed: a slow terminal never keeps the database's read snapshot open.
        result = run_query(db_url, sql)
    except AccessError as exc:
        raise click.ClickException(str(exc)) from exc
    if fmt == "csv":
        click.echo(result_to_csv(result), nl=False)
    elif fmt == "json":
        click.echo(result_to_json(result))
    else:
        Console().print(result_to_table(result))
