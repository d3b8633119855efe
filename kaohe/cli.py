"""The ``kaohe`` command line: ``kaohe ingest DIR`` and ``kaohe extract FILE``."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text
from sqlalchemy import make_url
from sqlalchemy.exc import SQLAlchemyError

from kaohe import EXTRACTOR_VERSION, __version__
from kaohe.options import db_option, limit_options
from schema.limits import Limits
from schema.models import describe_url
from schema.records import Extraction

if TYPE_CHECKING:
    from pipeline.ingest import IngestReport

# The pipeline modules are imported inside the commands, so `kaohe --version` and `--help` do not
# load the PDF/Word libraries and keep working even when an extraction module is broken.


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(
    __version__,
    "--version",
    prog_name="kaohe",
    message=f"%(prog)s %(version)s (extractor {EXTRACTOR_VERSION})",
)
def main() -> None:
    """Turn Chinese government assessment documents (考核细则, 评分标准, 绩效目标表) into one
    queryable SQL database."""
    _safe_streams()


@main.command()
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@db_option
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Extraction processes [default: one per CPU; 1 = no subprocesses].",
)
@click.option("--no-progress", is_flag=True, help="Do not show a progress bar.")
@click.option("--quiet", "-q", is_flag=True, help="Print only the failures and the totals (no progress bar).")
@click.option("--verbose", "-v", is_flag=True, help="Also print each extraction warning under its file.")
@click.option("--prune", is_flag=True, help="Delete stored documents under DIRECTORY whose files are gone.")
@click.option(
    "--executor",
    type=click.Choice(["local", "dask"]),
    default="local",
    show_default=True,
    help="Where files are parsed: a local process pool, or a Dask distributed cluster (pip install 'kaohe[dask]').",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    default=None,
    help="Dask scheduler address (tcp://host:8786); without it a local cluster of --workers processes is started.",
)
@limit_options
def ingest(
    directory: Path,
    db_url: str,
    workers: int | None,
    no_progress: bool,
    quiet: bool,
    verbose: bool,
    prune: bool,
    executor: str,
    scheduler: str | None,
    limits: Limits,
) -> None:
    """Extract every file under DIRECTORY into the database.

    Files whose content and extractor version are unchanged since they were stored are skipped;
    changed files replace their stored rows. Stored documents under DIRECTORY whose files no
    longer exist are listed, and deleted with --prune. Exit status 1 if any file failed.

    Each file is bounded (size, unpacked size, time, worker memory; 0 switches a bound off): a
    file past one fails with the limit named, and the run goes on.
    """
    from pipeline.discover import discover_all
    from pipeline.ingest import ingest as run_ingest

    try:
        url = make_url(db_url)
        shown_url = url.render_as_string(hide_password=True)
    except SQLAlchemyError as exc:
        raise click.BadParameter(str(exc), param_hint="--db") from exc
    if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
        raise click.BadParameter(
            "an in-memory SQLite database would be thrown away when kaohe exits; "
            "give a file, e.g. --db sqlite:///kaohe.db",
            param_hint="--db",
        )
    if quiet and verbose:
        raise click.UsageError("--quiet and --verbose exclude each other: give one of them")
    if executor == "dask":
        try:
            import dask.distributed  # noqa: F401
        except ImportError as exc:
            raise click.ClickException("the dask executor needs dask.distributed: pip install 'kaohe[dask]'") from exc
    discovery = discover_all(directory)
    sources = discovery.files
    if not quiet:
        click.echo(f"Ingesting {len(sources)} files from {directory} into {shown_url}")
    try:
        report = run_ingest(
            directory,
            db_url,
            workers,
            not (no_progress or quiet),
            sources=sources,
            prune=prune,
            executor="dask" if executor == "dask" else "local",
            scheduler=scheduler,
            limits=limits,
            unreadable=discovery.unreadable,
        )
    except (SQLAlchemyError, ImportError) as exc:
        # The database cannot be opened or created at all (bad URL, missing driver, no access).
        first_line = str(exc).splitlines()[0] if str(exc) else ""
        raise click.ClickException(f"database {shown_url}: {type(exc).__name__}: {first_line}") from exc
    _print_report(report, db_url, quiet=quiet, verbose=verbose)
    if report.failed:
        raise SystemExit(1)


def _print_report(report: IngestReport, db_url: str, *, quiet: bool, verbose: bool) -> None:
    """The loaded files (with their warnings when verbose, else a count), the failures, the gone
    files, then the totals; quiet: only the failures and the totals."""
    if not quiet:
        for loaded in report.details:
            line = f"loaded {loaded.source_path}: {loaded.indicators} indicators, {loaded.clauses} clauses"
            if loaded.warnings and not verbose:
                line += f", {len(loaded.warnings)} warning{'s' if len(loaded.warnings) > 1 else ''}"
            click.echo(line + ("".join(f"\n  warning: {w}" for w in loaded.warnings) if verbose else ""))
    for path, reason in report.failed:
        click.echo(f"FAILED {path}: {reason}")
    if not quiet:
        for path in report.gone:
            if path in report.pruned:
                click.echo(f"pruned: {path} (file gone; its document and rows deleted)")
            else:
                click.echo(f"gone: {path} (use --prune to remove)")
    click.echo(f"loaded {len(report.loaded)}, skipped {len(report.skipped)}, failed {len(report.failed)}")
    click.echo(f"database: {describe_url(db_url)}")


def _num(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def _print_extraction(console: Console, file: Path, extraction: Extraction) -> None:
    doc = extraction.document
    title = doc.title or ""
    if doc.title_original and doc.title_original != doc.title:
        title = f"{title} ({doc.title_original})"
    fields = [
        ("file", str(file)),
        ("format", doc.format),
        ("title", title),
        ("organization", doc.organization or ""),
        ("supervisor", doc.supervisor or ""),
        ("year", "" if doc.year is None else str(doc.year)),
        ("script", doc.script),
        ("total points", _num(doc.total_points)),
        ("total score", _num(doc.total_score)),
        ("pages", "" if doc.page_count is None else str(doc.page_count)),
        ("sha256", doc.sha256),
    ]
    fields += [
        (fact.name, fact.text if fact.value is None else _num(fact.value)) for fact in extraction.facts
    ]
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column(overflow="fold")
    for name, value in fields:
        grid.add_row(name, Text(value))  # Text: document text is not rich markup
    console.print(grid)

    table = Table(title=f"{len(extraction.indicators)} indicators", title_justify="left")
    # fold: Chinese text has no spaces to wrap at, and the default would cut it off with "…".
    table.add_column("Indicator", overflow="fold")
    table.add_column("Points", justify="right", no_wrap=True)
    table.add_column("Score", justify="right", no_wrap=True)
    table.add_column("Target", overflow="fold")
    table.add_column("Actual", overflow="fold")
    for ind in extraction.indicators:
        table.add_row(
            Text("  " * max(ind.level - 1, 0) + ind.name),
            _num(ind.points),
            _num(ind.score),
            Text("" if ind.target is None else ind.target.text),
            Text(ind.actual or ""),
        )
    console.print(table)

    if extraction.clauses:
        kinds: dict[str, int] = {}
        for clause in extraction.clauses:
            kinds[clause.kind] = kinds.get(clause.kind, 0) + 1
        summary = ", ".join(f"{kind} {count}" for kind, count in sorted(kinds.items()))
        console.print(f"{len(extraction.clauses)} scoring clauses ({summary})")
    if extraction.warnings:
        console.print(f"[yellow]{len(extraction.warnings)} warnings:[/yellow]")
        for message in extraction.warnings:
            console.print(Text(f"  - {message}"))


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the export contract's JSON and nothing else.")
def extract(file: Path, as_json: bool) -> None:
    """Extract one FILE and print it (no database involved)."""
    from pipeline.extract import extract_file
    from schema.errors import KaoheError
    from schema.export import extraction_to_json

    try:
        extraction = extract_file(file)
    except KaoheError as exc:
        click.echo(str(exc), err=True)
        raise SystemExit(1) from exc
    if as_json:
        click.echo(extraction_to_json(extraction))
    else:
        _print_extraction(Console(), file, extraction)


def _safe_streams() -> None:
    # A file name that is not valid UTF-8 must not end a run with UnicodeEncodeError when printed.
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):
                reconfigure(errors="backslashreplace")


def _register_commands() -> None:
    # Each analyst command lives in its own module under kaohe/commands.
    from kaohe.commands import db, diff, export, query, schema, score, search, serve, stats, tables

    for module in (db, query, search, tables, schema, stats, export, diff, score, serve):
        main.add_command(module.command)


_register_commands()
