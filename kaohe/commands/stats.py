"""`kaohe stats`: a summary of what the database holds (logic in analyst.stats)."""

from __future__ import annotations

import json
from dataclasses import asdict

import click

from kaohe.options import db_option, summary_format_option


@click.command(name="stats")
@db_option
@summary_format_option
def command(db_url: str, fmt: str) -> None:
    """Summarise the database: documents by year, format and organisation (top 20), indicators,
    leaves, scoring clauses by kind, warnings and failed checks; read-only."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from analyst.guard import AccessError
    from analyst.stats import TOP_ORGANIZATIONS, CountRow, read_stats

    try:
        stats = read_stats(db_url)
    except AccessError as exc:
        raise click.ClickException(str(exc)) from exc
    if fmt == "json":
        click.echo(json.dumps(asdict(stats), ensure_ascii=False, indent=2))
        return
    console = Console()
    totals = Table()
    totals.add_column("stored")
    totals.add_column("count", justify="right")
    for label, count in (
        ("documents", stats.documents),
        ("organizations", stats.organizations),
        ("indicators", stats.indicators),
        ("leaf indicators", stats.leaves),
        ("scoring clauses", stats.clauses),
        ("warnings", stats.warnings),
        ("failed checks", stats.failed_checks),
    ):
        totals.add_row(label, "n/a (no checks table)" if count is None else str(count))
    console.print(totals)

    def grouped(title: str, heading: str, rows: tuple[CountRow, ...]) -> None:
        console.print(Text(title, style="bold"))
        table = Table()
        table.add_column(heading, overflow="fold")
        table.add_column("count", justify="right")
        for row in rows:
            table.add_row(Text("(none)" if row.label is None else row.label), str(row.count))
        console.print(table)

    grouped("documents by year", "year", stats.by_year)
    grouped("documents by format", "format", stats.by_format)
    grouped(f"documents by organization (top {TOP_ORGANIZATIONS})", "organization", stats.by_organization)
    grouped("scoring clauses by kind", "kind", stats.clauses_by_kind)
