"""`kaohe db upgrade` and `kaohe db current`: the schema version of a database (Alembic migrations)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from sqlalchemy import Engine, make_url
from sqlalchemy.exc import SQLAlchemyError

from kaohe.options import db_option


def _shown(db_url: str) -> str:
    try:
        return make_url(db_url).render_as_string(hide_password=True)
    except SQLAlchemyError as exc:
        raise click.BadParameter(str(exc), param_hint="--db") from exc


def _missing_sqlite_file(db_url: str) -> Path | None:
    """The file of a SQLite URL when it does not exist (connecting would create it)."""
    url = make_url(db_url)
    database = url.database
    if url.get_backend_name() != "sqlite" or not database or database == ":memory:" or database.startswith("file:"):
        return None
    path = Path(database)
    return None if path.exists() else path


@contextmanager
def _engine(db_url: str, shown: str) -> Iterator[Engine]:
    """An engine for ``db_url``; database errors become one-line click errors naming the database."""
    from schema.models import create_engine_for

    engine: Engine | None = None
    try:
        engine = create_engine_for(db_url)
        yield engine
    except (SQLAlchemyError, ImportError) as exc:
        first_line = str(exc).splitlines()[0] if str(exc) else ""
        raise click.ClickException(f"database {shown}: {type(exc).__name__}: {first_line}") from exc
    finally:
        if engine is not None:
            engine.dispose()


@click.group(name="db")
def command() -> None:
    """Show or upgrade the schema version of a database (Alembic migrations).

    `kaohe ingest` upgrades the database by itself; these commands do it without ingesting.
    """


@command.command(name="upgrade")
@db_option
def upgrade_command(db_url: str) -> None:
    """Upgrade the database to the newest schema (creating the tables if it has none).

    A database an interrupted run of an older kaohe left half-created (kaohe tables, no migration
    history) is repaired: rebuilt when it holds no data, else refused with what to do.
    """
    from schema.migrate import upgrade

    shown = _shown(db_url)
    with _engine(db_url, shown) as engine:
        outcome = upgrade(engine, repair=True)
    before, after = outcome.before, outcome.after
    if outcome.repaired is not None:
        click.echo(f"{shown}: {outcome.repaired}")
    if outcome.stamped is not None:
        added = {
            "0002_checks_views": " and created its views",
            "0005_format_comment": " and created its views",
            "0008_scores": " and created its views and full-text index",
        }.get(outcome.stamped, "")
        click.echo(f"{shown}: tables made before migrations match {outcome.stamped}; stamped it{added}")
        before = outcome.stamped
    if before == after:
        click.echo(f"{shown} already at {after}")
    elif before is None:
        click.echo(f"upgraded {shown} from an empty database to {after}")
    else:
        click.echo(f"upgraded {shown} from {before} to {after}")


@command.command(name="current")
@db_option
def current_command(db_url: str) -> None:
    """Print the schema revision of the database and whether it is the newest."""
    from schema.migrate import current_revision, head_revision, known_revisions, legacy_revision

    shown = _shown(db_url)
    missing = _missing_sqlite_file(db_url)
    if missing is not None:
        raise click.ClickException(f"no database file at {missing}")
    head = head_revision()
    with _engine(db_url, shown) as engine:
        current = current_revision(engine)
        legacy = legacy_revision(engine) if current is None else None
    if current == head:
        click.echo(f"{shown}: {current} (head)")
    elif current is not None and current not in known_revisions():
        click.echo(f"{shown}: {current} (unknown to this kaohe, whose newest is {head}: written by a newer kaohe?)")
    elif current is not None:
        click.echo(f"{shown}: {current} (head is {head}; run kaohe db upgrade)")
    elif legacy is not None:
        click.echo(f"{shown}: no migration history; its tables match {legacy} (head is {head}; run kaohe db upgrade)")
    else:
        click.echo(f"{shown}: empty (no kaohe tables; head is {head}; run kaohe db upgrade)")
