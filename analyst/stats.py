"""``kaohe stats``: a summary of what a kaohe database holds (documents by year, format and organisation;
indicators, leaves, clauses by kind, warnings), read-only through the guard."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Column, Connection, MetaData, Table, func, inspect, select, true
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from analyst.guard import DatabaseUnavailable, one_line, open_read_only, read_transaction

TOP_ORGANIZATIONS = 20


@dataclass(frozen=True, slots=True)
class CountRow:
    """How many rows have ``label`` (None: the value is not known, e.g. a document without a year).

    Groups are ordered by count, most first, then by label with the unknown last (on every backend:
    SQLite sorts NULL first, PostgreSQL last)."""

    label: str | None
    count: int


@dataclass(frozen=True, slots=True)
class DatabaseStats:
    documents: int
    by_year: tuple[CountRow, ...]
    by_format: tuple[CountRow, ...]
    by_organization: tuple[CountRow, ...]  # the TOP_ORGANIZATIONS with most documents
    organizations: int  # distinct organisations, including those beyond the top
    indicators: int
    leaves: int
    clauses: int
    clauses_by_kind: tuple[CountRow, ...]
    warnings: int
    failed_checks: int | None  # None: the database has no checks table (older than 0002)


def _count(connection: Connection, table: Table, *where: object) -> int:
    statement = select(func.count()).select_from(table)
    for condition in where:
        statement = statement.where(condition)  # type: ignore[arg-type]
    return int(connection.execute(statement).scalar_one())


def _grouped(connection: Connection, column: Column[object], limit: int | None = None) -> tuple[CountRow, ...]:
    count = func.count().label("n")
    statement = select(column, count).group_by(column).order_by(count.desc(), column.is_(None), column)
    if limit is not None:
        statement = statement.limit(limit)
    return tuple(CountRow(None if label is None else str(label), int(n)) for label, n in connection.execute(statement))


def read_stats(db_url: str) -> DatabaseStats:
    """Count what ``db_url`` holds. Raises DatabaseUnavailable when it is not a kaohe database."""
    engine = open_read_only(db_url)
    try:
        with read_transaction(engine) as connection:
            present = set(inspect(connection).get_table_names())
            if not {"documents", "indicators", "clauses", "warnings"} <= present:
                raise DatabaseUnavailable(
                    "the database has no kaohe tables: not a kaohe database (run `kaohe ingest` first)"
                )
            metadata = MetaData()
            documents, indicators, clauses, warnings = (
                Table(name, metadata, autoload_with=connection)
                for name in ("documents", "indicators", "clauses", "warnings")
            )
            checks = Table("checks", metadata, autoload_with=connection) if "checks" in present else None
            year = documents.c.year
            by_year = tuple(
                CountRow(None if y is None else str(y), int(n))
                for y, n in connection.execute(select(year, func.count()).group_by(year).order_by(year.is_(None), year))
            )
            return DatabaseStats(
                documents=_count(connection, documents),
                by_year=by_year,
                by_format=_grouped(connection, documents.c.format),
                by_organization=_grouped(connection, documents.c.organization, TOP_ORGANIZATIONS),
                organizations=int(
                    connection.execute(select(func.count(func.distinct(documents.c.organization)))).scalar_one()
                ),
                indicators=_count(connection, indicators),
                leaves=_count(connection, indicators, indicators.c.is_leaf == true()),
                clauses=_count(connection, clauses),
                clauses_by_kind=_grouped(connection, clauses.c.kind),
                warnings=_count(connection, warnings),
                failed_checks=None if checks is None else _count(connection, checks, checks.c.ok != true()),
            )
    except (DBAPIError, SQLAlchemyError) as exc:
        raise DatabaseUnavailable(f"cannot read the database: {one_line(exc)}") from exc
    finally:
        engine.dispose()
