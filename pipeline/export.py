"""Read-only access to a kaohe database: run one analyst query, or export the tables to CSV, XLSX or JSON.

Both ``kaohe query`` and ``kaohe export`` open the database through :func:`open_read_only`, which
never creates anything and lets the database itself refuse writes:

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

import csv
import io
import json
import math
import os
import re
import sqlite3
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from decimal import Decimal
from pathlib import Path
from typing import IO, Any
from urllib.parse import unquote, urlsplit

from rich.table import Table
from rich.text import Text
from sqlalchemy import Connection, Engine, MetaData, Select, create_engine, inspect, make_url, select
from sqlalchemy import Table as SqlTable
from sqlalchemy.engine import URL
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.pool import NullPool

# The tables exported, in this order (also the order of the XLSX sheets and JSON keys).
TABLES = ("documents", "indicators", "clauses", "facts", "checks", "warnings")

FORMATS = ("csv", "xlsx", "json")
# Relative to the current directory, like DEFAULT_DB_URL.
DEFAULT_OUT = {
    "csv": Path("data/out/export"),
    "xlsx": Path("data/out/kaohe.xlsx"),
    "json": Path("data/out/kaohe.json"),
}


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

_TOKEN = re.compile(
    r"""
      (?P<space>\s+)
    | (?P<comment>--[^\n]*|/\*.*?(?:\*/|\Z))
    | (?P<estring>[Ee]'(?:[^'\\]|\\.|'')*(?:'|\Z))
    | (?P<string>'(?:[^']|'')*(?:'|\Z))
    | (?P<dollar>\$\$.*?(?:\$\$|\Z)|\$(?P<tag>[^\W\d]\w*)\$.*?(?:\$(?P=tag)\$|\Z))
    | (?P<quoted>"(?:[^"]|"")*(?:"|\Z)|`(?:[^`]|``)*(?:`|\Z)|\[[^\]]*(?:\]|\Z))
    | (?P<number>\d[\w.]*)
    | (?P<word>[^\W\d]\w*)
    | (?P<other>.)
    """,
    re.DOTALL | re.VERBOSE,
)


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # "word" or "other"; literals, quoted names and comments are not kept
    text: str
    start: int


def _tokens(sql: str) -> list[_Token]:
    """The words and punctuation of ``sql``, skipping strings, quoted identifiers and comments."""
    tokens = []
    for match in _TOKEN.finditer(sql):
        kind = match.lastgroup
        if kind in ("word", "other"):
            tokens.append(_Token(kind, match.group(), match.start()))
    return tokens


def _write_word(statement: list[_Token]) -> str | None:
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


def _check_pragma(statement: list[_Token]) -> None:
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
    statements: list[list[_Token]] = [[]]
    ends: list[int] = []
    for token in _tokens(sql):
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


def _one_line(exc: BaseException) -> str:
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
        raise DatabaseUnavailable(f"cannot open the database: {_one_line(exc)}") from exc
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


def _execute(connection: Connection, statement: str) -> QueryResult:
    """Run ``statement`` as it is (no placeholders) and fetch everything it returns."""
    if connection.dialect.name == "postgresql" and connection.dialect.driver == "psycopg":
        # A prepared statement holds exactly one command, so the server refuses "COMMIT; DELETE ...",
        # which as a plain query would end the read-only transaction and run the DELETE outside it.
        cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(statement, prepare=True)
            if cursor.description is None:
                return QueryResult((), [])
            return QueryResult(tuple(d.name for d in cursor.description), [tuple(r) for r in cursor.fetchall()])
        finally:
            cursor.close()
    # no_parameters: hand the text to the driver as it is, so '%' and ':name' in it are not taken
    # for placeholders.
    result = connection.execution_options(no_parameters=True).exec_driver_sql(statement)
    if not result.returns_rows:
        return QueryResult((), [])
    return QueryResult(tuple(result.keys()), [tuple(row) for row in result])


def run_query(db_url: str, sql: str) -> QueryResult:
    """Run one read-only statement on ``db_url`` and return its result.

    Raises QueryRefused (a write, or several statements — whether caught here or by the database),
    DatabaseUnavailable or QueryFailed.
    """
    statement = check_read_only(sql)
    engine = open_read_only(db_url)
    driver_error: type[BaseException] = getattr(engine.dialect.dbapi, "Error", DBAPIError)
    try:
        with read_transaction(engine) as connection:
            return _execute(connection, statement)
    except (DBAPIError, driver_error) as exc:
        if _refused_by_database(exc):
            raise QueryRefused(f"kaohe query is read-only: refused by the database ({_one_line(exc)})") from exc
        raise QueryFailed(f"SQL error: {_one_line(exc)}") from exc
    except SQLAlchemyError as exc:
        raise QueryFailed(f"SQL error: {_one_line(exc)}") from exc
    finally:
        engine.dispose()


def json_value(value: object) -> object:
    """``value`` as JSON can hold it: numbers stay numbers, dates become ISO text."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        # JSON has no NaN/Infinity; json.dumps would write them anyway and break strict readers.
        return value if math.isfinite(value) else None
    if isinstance(value, Decimal):
        if not value.is_finite():
            return None
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).hex()
    return str(value)


def text_value(value: object) -> str:
    """``value`` as CSV / table text: NULL is empty, floats keep every digit (``repr``)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).hex()
    return str(value)


def _unique_keys(columns: Sequence[str]) -> list[str]:
    """Column names made unique for JSON objects: a repeated ``id`` becomes ``id_2``, ``id_3``..."""
    seen: set[str] = set()
    keys = []
    for name in columns:
        key, n = name, 1
        while key in seen:
            n += 1
            key = f"{name}_{n}"
        seen.add(key)
        keys.append(key)
    return keys


def write_csv(stream: IO[str], columns: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """Write a header row and ``rows`` as RFC 4180 CSV (CRLF line ends, quoting where needed)."""
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows([text_value(v) for v in row] for row in rows)


def result_to_csv(result: QueryResult) -> str:
    """The query result as CSV text with a header row."""
    buffer = io.StringIO(newline="")
    write_csv(buffer, result.columns, result.rows)
    return buffer.getvalue()


def result_to_json(result: QueryResult) -> str:
    """The query result as a JSON array of objects keyed by column name."""
    keys = _unique_keys(result.columns)
    objects = [{k: json_value(v) for k, v in zip(keys, row, strict=True)} for row in result.rows]
    return json.dumps(objects, ensure_ascii=False, indent=2)


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def result_to_table(result: QueryResult) -> Table:
    """The query result as a rich table: numeric columns right-aligned, long text folded, not cut."""
    table = Table(caption=f"{len(result.rows)} row{'' if len(result.rows) == 1 else 's'}", caption_justify="left")
    for index, name in enumerate(result.columns):
        values = [row[index] for row in result.rows if row[index] is not None]
        numeric = bool(values) and all(_is_number(v) for v in values)
        # fold: Chinese text has no spaces to wrap at, and the default would cut it off with "…".
        table.add_column(Text(name), justify="right" if numeric else "left", overflow="fold")
    for row in result.rows:
        # Text, not str: values are data, not rich markup ("[b]" in a name must print as it is).
        table.add_row(*(Text(text_value(v)) for v in row))
    return table


# --------------------------------------------------------------------------------------------
# kaohe export


@dataclass(frozen=True, slots=True)
class TableData:
    """One exported table: column names and rows in id order."""

    name: str
    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]]


@dataclass(frozen=True, slots=True)
class Written:
    """One table written by an export: where to and how many rows."""

    table: str
    path: Path
    rows: int


def _table_select(table: SqlTable, tables: dict[str, SqlTable]) -> Select[Any]:
    """SELECT every column of ``table`` by id, plus the document's ``source_path`` after
    ``document_id`` and the indicator's ``path`` (as ``indicator_path``) after ``indicator_id``,
    so that a row can be read without looking up ids in another sheet."""
    documents = tables.get("documents")
    indicators = tables.get("indicators")
    columns: list[Any] = []
    joins: list[tuple[Any, Any]] = []
    for column in table.c:
        columns.append(column)
        if column.name == "document_id" and documents is not None and "source_path" not in table.c:
            joined = documents.alias("doc")
            columns.append(joined.c.source_path.label("source_path"))
            joins.append((joined, joined.c.id == column))
        if (
            column.name == "indicator_id"
            and indicators is not None
            and table.name != "indicators"
            and "indicator_path" not in table.c
        ):
            joined = indicators.alias("ind")
            columns.append(joined.c.path.label("indicator_path"))
            joins.append((joined, joined.c.id == column))
    source: Any = table
    for joined, on in joins:
        source = source.outerjoin(joined, on)
    return select(*columns).select_from(source).order_by(table.c.id)


def read_tables(db_url: str) -> tuple[list[TableData], list[str]]:
    """Read every kaohe table of ``db_url`` (read-only), rows ordered by id.

    Returns the tables and the names of kaohe tables the database does not have (an older
    database may lack ``checks``). Raises DatabaseUnavailable when there is no ``documents``
    table: that is not a kaohe database.
    """
    engine = open_read_only(db_url)
    try:
        with read_transaction(engine) as connection:
            present = set(inspect(connection).get_table_names())
            if "documents" not in present:
                raise DatabaseUnavailable(
                    "the database has no documents table: not a kaohe database (run `kaohe ingest` first)"
                )
            metadata = MetaData()
            # Reflected, not schema.models: export what the database has, including columns added
            # by a migration the models do not know of.
            tables = {name: SqlTable(name, metadata, autoload_with=connection) for name in TABLES if name in present}
            data = []
            for name, table in tables.items():
                result = connection.execute(_table_select(table, tables))
                data.append(TableData(name, tuple(result.keys()), [tuple(row) for row in result]))
            return data, [name for name in TABLES if name not in present]
    except DBAPIError as exc:
        raise DatabaseUnavailable(f"cannot read the database: {_one_line(exc)}") from exc
    finally:
        engine.dispose()


@contextmanager
def _atomic_write(path: Path, mode: str = "w", **kwargs: Any) -> Iterator[IO[Any]]:
    """Open a temporary file beside ``path`` and move it over ``path`` only once fully written,
    so an interrupted export never leaves a truncated file that looks complete."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # Not tempfile.mkstemp: its files are private (0600); the export gets the usual permissions.
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(temp, mode, **kwargs) as stream:
            yield stream
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def export_csv(tables: Sequence[TableData], directory: Path) -> list[Written]:
    """Write ``<table>.csv`` per table into ``directory``: UTF-8 with BOM (so Excel detects the
    encoding and shows Chinese correctly), header row, RFC 4180."""
    if directory.exists() and not directory.is_dir():
        raise AccessError(f"--out {directory} is a file; CSV export writes one file per table into a folder")
    written = []
    for table in tables:
        path = directory / f"{table.name}.csv"
        with _atomic_write(path, "w", encoding="utf-8-sig", newline="") as stream:
            write_csv(stream, table.columns, table.rows)
        written.append(Written(table.name, path, len(table.rows)))
    return written


def _display_width(text: str) -> int:
    """Columns ``text`` takes on screen: CJK characters are two wide; the longest line counts."""
    return max(
        (sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line) for line in text.split("\n")),
        default=0,
    )


def _xlsx_value(value: object) -> object:
    """``value`` as openpyxl can store it."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, datetime) and value.tzinfo is not None:
        # Excel has no time zones (openpyxl refuses aware datetimes): store the UTC wall time.
        return value.astimezone(timezone.utc).replace(tzinfo=None)
    if isinstance(value, Decimal):
        return json_value(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).hex()
    if isinstance(value, str):
        # Control characters (other than tab and newlines) are not allowed in the XML of a sheet.
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def export_xlsx(tables: Sequence[TableData], path: Path) -> list[Written]:
    """Write one workbook with a sheet per table: bold frozen header row, filter, fitted widths."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    for table in tables:
        sheet = workbook.create_sheet(table.name)
        widths = [_display_width(name) for name in table.columns]
        for col, name in enumerate(table.columns, start=1):
            sheet.cell(row=1, column=col, value=name).font = bold
        for row_number, row in enumerate(table.rows, start=2):
            for col, value in enumerate(row, start=1):
                cell = sheet.cell(row=row_number, column=col, value=_xlsx_value(value))
                if isinstance(value, str):
                    # openpyxl turns text starting with "=" into a formula; these are data (=100%).
                    cell.data_type = "s"
                    widths[col - 1] = max(widths[col - 1], _display_width(value))
                elif value is not None:
                    widths[col - 1] = max(widths[col - 1], len(text_value(value)))
        for col, width in enumerate(widths, start=1):
            # Wide enough for the header and most values; long texts are capped, not shown whole.
            sheet.column_dimensions[get_column_letter(col)].width = min(max(width, 6), 60) + 2
        sheet.freeze_panes = "A2"
        if table.columns:
            sheet.auto_filter.ref = f"A1:{get_column_letter(len(table.columns))}{len(table.rows) + 1}"
    with _atomic_write(path, "wb") as stream:
        workbook.save(stream)
    return [Written(table.name, path, len(table.rows)) for table in tables]


def export_json(tables: Sequence[TableData], path: Path) -> list[Written]:
    """Write one JSON object ``{"documents": [...], "indicators": [...], ...}``, rows as objects."""
    document = {
        table.name: [{k: json_value(v) for k, v in zip(table.columns, row, strict=True)} for row in table.rows]
        for table in tables
    }
    with _atomic_write(path, "w", encoding="utf-8") as stream:
        json.dump(document, stream, ensure_ascii=False, indent=2)
        stream.write("\n")
    return [Written(table.name, path, len(table.rows)) for table in tables]


def output_path(fmt: str, out: Path | None) -> Path:
    """Where an export in ``fmt`` goes: ``out``, or the default; a folder given for a one-file
    format gets the default file name inside it."""
    default = DEFAULT_OUT[fmt]
    if out is None:
        return default
    if fmt != "csv" and out.is_dir():
        return out / default.name
    return out


def export_database(db_url: str, fmt: str, out: Path | None = None) -> tuple[list[Written], list[str]]:
    """Export every kaohe table of ``db_url`` as ``fmt`` (csv, xlsx or json) to ``out``.

    Returns what was written and the kaohe tables the database lacks.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; expected one of {', '.join(FORMATS)}")
    target = output_path(fmt, out)
    tables, missing = read_tables(db_url)
    writer = {"csv": export_csv, "xlsx": export_xlsx, "json": export_json}[fmt]
    return writer(tables, target), missing
