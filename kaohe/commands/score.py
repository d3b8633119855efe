"""`kaohe score template|apply|rank`: score units against a stored document's rules (logic in
analyst.scoring, storage in analyst.score_io)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from sqlalchemy.orm import Session

from kaohe.options import db_option


@click.group(name="score")
def command() -> None:
    """Score units against a stored document: write a template, apply a filled one, rank units.

    \b
    Example:
      kaohe score template 1 --out unit.csv      # one row per rule; fill the value column
      kaohe score template 1 --out unit.xlsx     # the same as a workbook
      kaohe score apply 1 unit.csv --unit 东湖区
      kaohe score rank 1
    """


@contextmanager
def _session(db_url: str, write: bool = False) -> Iterator[Session]:
    from analyst.diff_load import DiffLookupError
    from schema.engine import create_engine_for, describe_url
    from schema.migrate import needs_upgrade, upgrade

    if db_url.startswith("sqlite") and ":memory:" not in db_url:
        from sqlalchemy import make_url

        database = make_url(db_url).database
        if database and not database.startswith("file:") and not Path(database).is_file():
            raise click.ClickException(f"no database at {describe_url(db_url)} (run kaohe ingest first)")
    engine = create_engine_for(db_url)
    try:
        if write and needs_upgrade(engine):  # the scores table came with 0008_scores
            upgrade(engine)
        with Session(engine) as session:
            try:
                yield session
            except DiffLookupError as exc:
                raise click.ClickException(str(exc)) from exc
    finally:
        engine.dispose()


def _document(session: Session, ref: str) -> int:
    from analyst.diff_load import find_document

    return find_document(session, ref)


@command.command(name="template")
@click.argument("document")
@db_option
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the template here: a workbook when the name ends in .xlsx, else CSV (default: CSV on stdout).",
)
def template_command(document: str, db_url: str, out: Path | None) -> None:
    """Write the template a unit fills in: one row per rule of DOCUMENT (an id or source path).

    Fill the value column: a count for a per-occurrence rule (篇 short, 次 found), yes/no for a
    rule that applies or not, the % achieved or the rank for a tier. An empty value: the rule did
    not apply (a tier left empty: achieved in full). `kaohe score apply` reads it back as CSV or
    as XLSX.
    """
    from analyst.score_io import read_scheme, template_csv, write_template_xlsx
    from analyst.scoring import questions

    with _session(db_url) as session:
        scheme = read_scheme(session, _document(session, document))
    rules = questions(scheme)
    if out is None:
        click.echo(template_csv(rules), nl=False)
        return
    if out.suffix.lower() == ".xlsx":
        write_template_xlsx(rules, out, title=f"kaohe score template: {scheme.file_name}")
    else:
        out.write_text(template_csv(rules), encoding="utf-8-sig")  # with a BOM, so that Excel reads it as UTF-8
    click.echo(f"wrote {len(rules)} rules of {scheme.file_name} to {out}", err=True)


@command.command(name="apply")
@click.argument("document")
@click.argument("filled", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--unit", required=True, help="The unit scored (its scores replace earlier ones).")
@db_option
def apply_command(document: str, filled: Path, unit: str, db_url: str) -> None:
    """Score UNIT against DOCUMENT from FILLED (a template with values, CSV or XLSX) and store the scores.

    Prints each rule applied with its amount, and the total. A bad line (an unknown rule, a count
    that is not a number, a percentage over 100) is an error naming it; nothing is stored then.
    """
    from analyst.score_io import ScoreInputError, read_fills, read_scheme, store_scores
    from analyst.scoring import questions, score

    with _session(db_url, write=True) as session:
        scheme = read_scheme(session, _document(session, document))
        try:
            answers = read_fills(filled, questions(scheme))
        except ScoreInputError as exc:
            lines = [f"{exc.source}: nothing stored for {unit}", *exc.problems]
            raise click.ClickException("\n  ".join(lines)) from exc
        sheet = score(scheme, answers)
        session.rollback()  # end the read transaction: the store is one transaction of its own
        store_scores(session, unit, scheme, sheet)
    for applied in sheet.applied:
        click.echo(f"  {applied.explanation}")
    vetoed = " (vetoed)" if sheet.vetoed else ""
    click.echo(f"{unit}: {sheet.total:g} of {sheet.full_points:g}{vetoed} — {scheme.file_name}")


@command.command(name="rank")
@click.argument("document")
@db_option
def rank_command(document: str, db_url: str) -> None:
    """List the units scored against DOCUMENT, best first (vetoed units last)."""
    from analyst.score_io import ranking

    with _session(db_url) as session:
        units = ranking(session, _document(session, document))
    if not units:
        raise click.ClickException(f"no unit has been scored against {document} (kaohe score apply)")
    for place, unit in enumerate(units, start=1):
        full = "" if unit.full_points is None else f" of {unit.full_points:g}"
        click.echo(f"{place}. {unit.unit}: {unit.total:g}{full}{' (vetoed)' if unit.vetoed else ''}")
