"""The query guard: read-only access to a kaohe database for the analyst's commands.

Every analyst command (``kaohe query``, ``export``, ``tables``, ``schema``, ``stats``) opens the
database through :func:`open_read_only`, which never creates anything and lets the database itself
refuse writes:

* SQLite: the file is opened with ``mode=ro`` (a missing file is an error, not a new empty
  database), ``PRAGMA query_only=ON`` is set, and an authorizer allows only reading statements.
* PostgreSQL: the connection is read-only (``postgresql_readonly``) and every transaction starts
  with ``SET TRANSACTION READ ONLY``; the transaction is always rolled back. With psycopg 3 the
  query runs as a prepared statement, which the server accepts only as a single command.

:func:`check_read_only` additionally refuses anything that is not a single reading statement before
it reaches the database, so the user gets a clear message instead of a driver error, and so that
writes the database would accept as no-ops (``PRAGMA journal_mode=DELETE`` on a file already in
that mode) are refused as well.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from sqlalchemy import Connection, Engine, create_engine, make_url
from sqlalchemy.engine import URL
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.pool import NullPool

from analyst.sql_text import ParameterError, QueryParameter, Token, bind, tokens


class AccessError(Exception):
    """The query or export cannot be done; ``str()`` is the one-line message for the user."""


class QueryRefused(AccessError):
    """The statement would write, change the schema, or is more than one statement."""


class DatabaseUnavailable(AccessError):
    """The database cannot be opened for reading (missing file, bad URL, missing driver, not kaohe's)."""


class QueryFailed(AccessError):
    """The database rejected the statement for another reason (syntax error, unknown table, ...)."""


# --------------------------------------------------------------------------------------------
# Refusing writes before they reach the database


# Statement kinds that only read. TABLE and SHOW are PostgreSQL's.
_READ_STATEMENT_ORDER = ("SELECT", "WITH", "VALUES", "EXPLAIN", "PRAGMA", "SHOW", "TABLE")
_READ_STATEMENTS = frozenset(_READ_STATEMENT_ORDER)
# Words that make a statement write wherever they appear (a data-modifying CTE in PostgreSQL, EXPLAIN
# ANALYZE DELETE, SELECT ... INTO new_table). REPLACE is also a string function, see _write_word.
_WRITE_WORDS = frozenset(
    {
        "INSERT",
        "UPDATE",
        "DELETE",
        "REPLACE",
        "MERGE",
        "UPSERT",
        "DROP",
        "CREATE",
        "ALTER",
        "TRUNCATE",
        "ATTACH",
        "DETACH",
        "VACUUM",
        "REINDEX",
        "GRANT",
        "REVOKE",
        "INTO",
    }
)
# SQLite pragmas that take an argument and still only read (PRAGMA table_info(indicators)).
_READ_PRAGMAS_WITH_ARGUMENT = frozenset(
    {
        "table_info",
        "table_xinfo",
        "table_list",
        "index_list",
        "index_info",
        "index_xinfo",
        "foreign_key_list",
        "foreign_key_check",
        "integrity_check",
        "quick_check",
    }
)


def _write_word(statement: list[Token]) -> str | None:
    """The first word of ``statement`` that makes it write, upper-cased, or None."""
    for index, token in enumerate(statement):
        word = token.text.upper()
        if token.kind != "word" or word not in _WRITE_WORDS:
            continue
        following = statement[index + 1] if index + 1 < len(statement) else None
        if word == "REPLACE" and following is not None and following.text == "(":
            continue  # replace(text, from, to), the string function
        return word
    return None


def _check_pragma(statement: list[Token]) -> None:
    """Refuse ``PRAGMA name = value`` / ``PRAGMA name(value)`` unless the pragma only reads."""
    words = [t for t in statement[1:] if t.kind == "word"]
    has_argument = any(t.text in ("=", "(") for t in statement)
    if not words or not has_argument:
        return
    # PRAGMA [schema.]name: the name is the word after the dot, if there is one.
    name = words[1].text if len(words) > 1 and any(t.text == "." for t in statement[:4]) else words[0].text
    if name.lower() not in _READ_PRAGMAS_WITH_ARGUMENT:
        raise QueryRefused(
            f"kaohe query is read-only: PRAGMA {name} with a value is not allowed "
            f"(PRAGMA {name} without a value only reads it)"
        )


def check_read_only(sql: str) -> str:
    """Return the one statement of ``sql`` (without a trailing ``;``), or raise QueryRefused.

    Accepts a single SELECT / WITH / VALUES / EXPLAIN / PRAGMA (reading form) / SHOW / TABLE
    statement containing none of the words that write. This is the first line of defence only:
    the database connection is read-only as well (see :func:`open_read_only`).
    """
    statements: list[list[Token]] = [[]]
    ends: list[int] = []
    for token in tokens(sql):
        if token.text == ";":
            ends.append(token.start)
            statements.append([])
        else:
            statements[-1].append(token)
    ends.append(len(sql))
    non_empty = [(tokens, end) for tokens, end in zip(statements, ends, strict=True) if tokens]
    if not non_empty:
        raise QueryRefused("no SQL statement given")
    if len(non_empty) > 1:
        raise QueryRefused(f"kaohe query runs one SQL statement at a time, this has {len(non_empty)}")
    statement, end = non_empty[0]
    first = next((t.text.upper() for t in statement if t.kind == "word"), "")
    if first not in _READ_STATEMENTS:
        raise QueryRefused(
            f"kaohe query is read-only: it runs only {', '.join(_READ_STATEMENT_ORDER)} statements, "
            f"not {first or statement[0].text}"
        )
    if first == "PRAGMA":
        _check_pragma(statement)  # first: PRAGMA journal_mode=DELETE is a pragma write, not a DELETE
    word = _write_word(statement)
    if word is not None:
        raise QueryRefused(f"kaohe query is read-only: {word} is not allowed")
    return sql[statement[0].start : end].strip()


# --------------------------------------------------------------------------------------------
# Opening the database read-only


_SQLITE_READ_ACTIONS = frozenset(
    {
        sqlite3.SQLITE_SELECT,
        sqlite3.SQLITE_READ,
        sqlite3.SQLITE_FUNCTION,
        sqlite3.SQLITE_RECURSIVE,
        # SQLAlchemy and the sqlite3 module may issue BEGIN/ROLLBACK around statements; harmless here.
        sqlite3.SQLITE_TRANSACTION,
    }
)


def _sqlite_authorizer(action: int, arg1: str | None, arg2: str | None, _db: str | None, _trigger: str | None) -> int:
    """Allow reading only: SELECT, reading columns, functions, and pragmas that read."""
    if action in _SQLITE_READ_ACTIONS:
        return sqlite3.SQLITE_OK
    # Opening an FTS5 table (search_index) declares its columns, which SQLite authorizes as an
    # update of sqlite_master; nothing is written (the file is read-only, and check_read_only
    # refuses UPDATE statements before they get here).
    if action == sqlite3.SQLITE_UPDATE and arg1 == "sqlite_master":
        return sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_PRAGMA and (arg2 is None or (arg1 or "").lower() in _READ_PRAGMAS_WITH_ARGUMENT):
        return sqlite3.SQLITE_OK
    return sqlite3.SQLITE_DENY


def _sqlite_file(url: URL) -> Path:
    """The database file of a SQLite URL (plain path or ``file:`` URI), which must exist."""
    database = url.database or ""
    if database in ("", ":memory:") or "mode=memory" in database:
        raise DatabaseUnavailable(f"{url.render_as_string()} is an in-memory database: there is nothing to read")
    if database.startswith("file:"):
        # sqlite:///file:path?mode=ro&uri=true — keep only the path of the URI.
        database = unquote(urlsplit(database).path)
    path = Path(database)
    if not path.exists():
        raise DatabaseUnavailable(
            f"database file not found: {os.path.abspath(path)} (run `kaohe ingest DIR --db ...` first, or pass --db)"
        )
    if not path.is_file():
        raise DatabaseUnavailable(f"database path is not a file: {os.path.abspath(path)}")
    return path


def _sqlite_read_only_connector(path: Path) -> Callable[[], sqlite3.Connection]:
    """A function opening ``path`` read-only, for SQLAlchemy's ``creator``."""
    uri = path.resolve().as_uri() + "?mode=ro"

    def connect() -> sqlite3.Connection:
        # mode=ro: SQLite never creates or writes the file; check_same_thread as SQLAlchemy sets it.
        connection = sqlite3.connect(uri, uri=True, check_same_thread=False)
        connection.execute("PRAGMA query_only=ON")
        # Also deny at statement preparation: ATTACH on a read-only connection still creates an
        # empty file, and a PRAGMA that sets the value it already has is not a write to SQLite.
        connection.set_authorizer(_sqlite_authorizer)
        return connection

    return connect


def open_read_only(db_url: str) -> Engine:
    """An engine on ``db_url`` through which nothing can be written; never creates a database.

    Raises DatabaseUnavailable for a bad URL, a missing SQLite file, a missing driver, or a
    backend other than SQLite and PostgreSQL (for which read-only access is not implemented).
    """
    try:
        url = make_url(db_url)
    except ArgumentError as exc:
        raise DatabaseUnavailable(f"not a database URL: {db_url!r} ({exc})") from exc
    backend = url.get_backend_name()
    try:
        if backend == "sqlite":
            # NullPool: each use opens the file afresh and closes it, nothing stays open.
            connect = _sqlite_read_only_connector(_sqlite_file(url))
            return create_engine("sqlite://", creator=connect, poolclass=NullPool)
        if backend == "postgresql":
            return create_engine(url, poolclass=NullPool, execution_options={"postgresql_readonly": True})
    except (NoSuchModuleError, ImportError) as exc:
        raise DatabaseUnavailable(f"no driver for {url.render_as_string()}: {exc}") from exc
    raise DatabaseUnavailable(
        f"read-only access is implemented for SQLite and PostgreSQL only, not {backend} ({url.render_as_string()})"
    )


def one_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc)
    return next((line.strip() for line in text.splitlines() if line.strip()), type(exc).__name__)


def _refused_by_database(exc: BaseException) -> bool:
    """Whether the database refused the statement because the connection is read-only."""
    orig = getattr(exc, "orig", None) or exc  # SQLAlchemy's wrapper, or the driver's own error
    # 25006 = read_only_sql_transaction (psycopg: .sqlstate, psycopg2: .pgcode).
    if (getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)) == "25006":
        return True
    message = str(orig).lower()
    return any(
        m in message
        for m in ("not authorized", "authorization denied", "readonly database", "read-only", "multiple commands")
    )


@contextmanager
def read_transaction(engine: Engine) -> Iterator[Connection]:
    """A connection in a transaction that is read-only and always rolled back."""
    try:
        connection = engine.connect()
    except DBAPIError as exc:
        raise DatabaseUnavailable(f"cannot open the database: {one_line(exc)}") from exc
    with connection:
        transaction = connection.begin()
        try:
            if engine.dialect.name == "postgresql":
                connection.exec_driver_sql("SET TRANSACTION READ ONLY")
            yield connection
        finally:
            transaction.rollback()


# --------------------------------------------------------------------------------------------
# kaohe query


@dataclass(frozen=True, slots=True)
class QueryResult:
    """What a statement returned: its column names and all its rows (as the driver gave them)."""

    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]]


def _execute(connection: Connection, statement: str, parameters: Sequence[QueryParameter] = ()) -> QueryResult:
    """Run ``statement`` with ``parameters`` bound to its ``:name`` placeholders (none: the text as it
    is) and fetch everything it returns."""
    postgresql = connection.dialect.name == "postgresql"
    # SQLite takes every :name outside a string for a placeholder; PostgreSQL has no such syntax
    # (a ':n' there may be an array slice), so only there is SQL without parameters left alone.
    if parameters or not postgresql:
        driver_sql, values = bind(statement, parameters, pyformat=postgresql)
    else:
        driver_sql, values = statement, {}
    if postgresql and connection.dialect.driver == "psycopg":
        # A prepared statement holds exactly one command, so the server refuses "COMMIT; DELETE ...",
        # which as a plain query would end the read-only transaction and run the DELETE outside it.
        cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            if values:
                cursor.execute(driver_sql, values, prepare=True)
            else:
                cursor.execute(statement, prepare=True)
            if cursor.description is None:
                return QueryResult((), [])
            return QueryResult(tuple(d.name for d in cursor.description), [tuple(r) for r in cursor.fetchall()])
        finally:
            cursor.close()
    if values:
        result = connection.exec_driver_sql(driver_sql, values)
    else:
        # no_parameters: hand the text to the driver as it is, so '%' and ':name' in it are not taken
        # for placeholders.
        result = connection.execution_options(no_parameters=True).exec_driver_sql(statement)
    if not result.returns_rows:
        return QueryResult((), [])
    return QueryResult(tuple(result.keys()), [tuple(row) for row in result])


def run_query(db_url: str, sql: str, parameters: Sequence[QueryParameter] = ()) -> QueryResult:
    """Run one read-only statement on ``db_url``, ``parameters`` bound to its ``:name`` placeholders.

    Raises QueryRefused (a write, or several statements — whether caught here or by the database),
    DatabaseUnavailable or QueryFailed.
    """
    statement = check_read_only(sql)
    engine = open_read_only(db_url)
    driver_error: type[BaseException] = getattr(engine.dialect.dbapi, "Error", DBAPIError)
    try:
        with read_transaction(engine) as connection:
            return _execute(connection, statement, parameters)
    except ParameterError as exc:
        raise QueryFailed(str(exc)) from exc
    except (DBAPIError, driver_error) as exc:
        if _refused_by_database(exc):
            raise QueryRefused(f"kaohe query is read-only: refused by the database ({one_line(exc)})") from exc
        raise QueryFailed(f"SQL error: {one_line(exc)}") from exc
    except SQLAlchemyError as exc:
        raise QueryFailed(f"SQL error: {one_line(exc)}") from exc
    finally:
        engine.dispose()

