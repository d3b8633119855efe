"""What a kaohe database holds: its tables and views (with row counts), and their columns and CREATE
statements — read-only through the guard, by SQLAlchemy's inspector so SQLite and PostgreSQL agree."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, MetaData, Table, func, inspect, select
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.schema import CreateTable

from analyst.guard import DatabaseUnavailable, one_line, open_read_only, read_transaction
from schema.search import is_search_table


@dataclass(frozen=True, slots=True)
class TableEntry:
    """One table or view; ``rows`` is None when the count was not asked for."""

    name: str
    kind: str  # "table" or "view"
    rows: int | None = None


@dataclass(frozen=True, slots=True)
class ColumnInfo:
    name: str
    type: str
    nullable: bool
    primary_key: bool
    default: str | None


@dataclass(frozen=True, slots=True)
class TableSchema:
    """A table's or view's columns and the statement that creates it."""

    name: str
    kind: str
    columns: tuple[ColumnInfo, ...]
    create_sql: str


class UnknownTable(DatabaseUnavailable):
    """The table or view asked for is not in the database."""


def _count_rows(connection: Connection, name: str) -> int:
    # Reflected, so the name is quoted the way the database wants it (a view counts like a table).
    table = Table(name, MetaData(), autoload_with=connection)
    return int(connection.execute(select(func.count()).select_from(table)).scalar_one())


def list_tables(db_url: str, counts: bool = False, views: bool = False) -> list[TableEntry]:
    """The tables of ``db_url`` (and with ``views`` its views) by name, with row counts if ``counts``."""
    engine = open_read_only(db_url)
    try:
        with read_transaction(engine) as connection:
            inspector = inspect(connection)
            # The full-text index and its shadow tables are SQLite's machinery, not data tables.
            names = [(name, "table") for name in sorted(inspector.get_table_names()) if not is_search_table(name)]
            if views:
                names += [(name, "view") for name in sorted(inspector.get_view_names())]
            return [
                TableEntry(name, kind, _count_rows(connection, name) if counts else None) for name, kind in names
            ]
    except (DBAPIError, SQLAlchemyError) as exc:
        raise DatabaseUnavailable(f"cannot read the database: {one_line(exc)}") from exc
    finally:
        engine.dispose()


def _schema_of(connection: Connection, name: str, kind: str) -> TableSchema:
    inspector = inspect(connection)
    primary = set(inspector.get_pk_constraint(name).get("constrained_columns") or ())
    columns = tuple(
        ColumnInfo(
            name=column["name"],
            type=str(column["type"]),
            nullable=bool(column.get("nullable", True)),
            primary_key=column["name"] in primary,
            default=None if column.get("default") is None else str(column.get("default")),
        )
        for column in inspector.get_columns(name)
    )
    if kind == "view":
        definition = (inspector.get_view_definition(name) or "").strip()
        # SQLite keeps the whole statement, PostgreSQL only the query after AS.
        create_sql = definition if definition.upper().startswith("CREATE") else f"CREATE VIEW {name} AS\n{definition}"
    else:
        table = Table(name, MetaData(), autoload_with=connection)
        create_sql = str(CreateTable(table).compile(dialect=connection.dialect)).strip()
    return TableSchema(name, kind, columns, create_sql)


def describe_schema(db_url: str, name: str | None = None) -> list[TableSchema]:
    """The schema of table or view ``name``, or of every table and view of ``db_url``.

    Raises UnknownTable when ``name`` is neither a table nor a view there.
    """
    engine = open_read_only(db_url)
    try:
        with read_transaction(engine) as connection:
            inspector = inspect(connection)
            kinds = {table: "table" for table in inspector.get_table_names() if not is_search_table(table)}
            kinds.update({view: "view" for view in inspector.get_view_names()})
            if name is not None and name not in kinds:
                known = ", ".join(sorted(kinds)) or "none"
                raise UnknownTable(f"no table or view named {name!r} in the database (it has: {known})")
            names = [name] if name is not None else sorted(kinds, key=lambda n: (kinds[n] == "view", n))
            return [_schema_of(connection, table, kinds[table]) for table in names]
    except (DBAPIError, SQLAlchemyError) as exc:
        raise DatabaseUnavailable(f"cannot read the database: {one_line(exc)}") from exc
    finally:
        engine.dispose()
