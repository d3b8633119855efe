"""`kaohe search TEXT`: indicator names, descriptions and rule texts containing TEXT (logic in analyst.search)."""

from __future__ import annotations

import json

import click

from kaohe.options import db_option


def _points(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:g}"


@click.command(name="search")
@click.argument("text")
@db_option
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True, help="Show at most this many hits.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="table: aligned for reading; json: an array of objects.",
)
def command(text: str, db_url: str, limit: int, fmt: str) -> None:
    """Find TEXT in indicator names, descriptions and scoring-rule texts.

    A hit is a text containing TEXT (ASCII letters in any case). On SQLite the full-text index
    answers queries of three or more characters; shorter ones, and PostgreSQL, use LIKE.

    \b
    Example:
      kaohe search 满意度 --limit 20
    """
    from rich.console import Console
    from rich.table import Table

    from analyst.guard import AccessError
    from analyst.search import search

    try:
        result = search(db_url, text, limit)
    except (AccessError, ValueError) as exc:
        raise click.ClickException(str(exc)) from exc
    if fmt == "json":
        rows = [
            {
                "file_name": hit.file_name,
                "title": hit.title,
                "indicator_path": hit.indicator_path,
                "points": hit.points,
                "kind": hit.kind,
                "text": hit.text,
            }
            for hit in result.hits
        ]
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table("document", "indicator", "points", "kind", "text", show_lines=False)
    for hit in result.hits:
        document = hit.file_name if not hit.title else f"{hit.file_name}\n{hit.title}"
        table.add_row(document, hit.indicator_path or "(document-wide)", _points(hit.points), hit.kind, hit.text)
    console = Console()
    console.print(table)
    more = f" (more than {limit}: raise --limit to see them)" if result.more else ""
    console.print(f"{len(result.hits)} hit(s){more}", highlight=False)
