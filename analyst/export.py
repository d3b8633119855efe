"""Export of a kaohe database's tables and views to CSV, XLSX or JSON files (read-only, through the guard)."""

from __future__ import annotations

import json
import os
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from sqlalchemy import MetaData, Select, inspect, select
from sqlalchemy import Table as SqlTable
from sqlalchemy.exc import DBAPIError

from analyst.formats import json_value, text_value, write_csv
from analyst.guard import AccessError, DatabaseUnavailable, one_line, open_read_only, read_transaction

# The tables exported, then the views, in this order (also the order of the XLSX sheets and JSON keys).
TABLES = ("documents", "indicators", "clauses", "facts", "checks", "warnings")
VIEWS = ("indicator_flat", "clause_flat", "reconciliation_warnings")

FORMATS = ("csv", "xlsx", "json", "jsonl")
# Relative to the current directory, like DEFAULT_DB_URL.
DEFAULT_OUT = {
    "csv": Path("data/out/export"),
    "xlsx": Path("data/out/kaohe.xlsx"),
    "json": Path("data/out/kaohe.json"),
    "jsonl": Path("data/out/export"),
}
# Excel keeps 15 significant digits: a larger integer (documents.mtime_ns) would be rounded when the
# workbook is opened and saved again, so it goes into the sheet as text, digit for digit.
XLSX_EXACT_INTEGER = 10**15 - 1


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


def _order_columns(table: SqlTable) -> list[Any]:
    """What rows are ordered by: ``id``, else (a view) its ``…_id`` columns in order, else every column."""
    if "id" in table.c:
        return [table.c.id]
    ids = [column for column in table.c if column.name.endswith("_id")]
    return ids or list(table.c)


def _table_select(table: SqlTable, tables: dict[str, SqlTable], is_view: bool = False) -> Select[Any]:
    """SELECT every column of ``table`` by id, plus the document's ``source_path`` after
    ``document_id`` and the indicator's ``path`` (as ``indicator_path``) after ``indicator_id``,
    so that a row can be read without looking up ids in another sheet (a view is exported as it is)."""
    if is_view:
        return select(*table.c).order_by(*_order_columns(table))
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
    return select(*columns).select_from(source).order_by(*_order_columns(table))


def read_tables(db_url: str, only: str | None = None) -> tuple[list[TableData], list[str]]:
    """Read every kaohe table and view of ``db_url`` (read-only), or only the table or view ``only``.

    Returns the tables and the names of kaohe tables and views the database does not have (an
    older database may lack ``checks``). Raises DatabaseUnavailable when there is no ``documents``
    table (that is not a kaohe database) or no table or view ``only``.
    """
    engine = open_read_only(db_url)
    try:
        with read_transaction(engine) as connection:
            inspector = inspect(connection)
            present = set(inspector.get_table_names())
            views = set(inspector.get_view_names())
            if "documents" not in present:
                raise DatabaseUnavailable(
                    "the database has no documents table: not a kaohe database (run `kaohe ingest` first)"
                )
            if only is not None and only not in present | views:
                known = ", ".join(name for name in (*TABLES, *VIEWS) if name in present | views)
                raise DatabaseUnavailable(f"no table or view named {only!r} in the database (kaohe's: {known})")
            wanted = [only] if only is not None else [name for name in (*TABLES, *VIEWS) if name in present | views]
            metadata = MetaData()
            # Reflected, not schema.models: export what the database has, including columns added
            # by a migration the models do not know of. The documents and indicators tables are
            # reflected too when only another one is wanted: its rows get their source_path.
            helpers = [name for name in ("documents", "indicators") if name in present]
            tables = {
                name: SqlTable(name, metadata, autoload_with=connection) for name in dict.fromkeys([*helpers, *wanted])
            }
            data = []
            for name in wanted:
                result = connection.execute(_table_select(tables[name], tables, is_view=name in views))
                data.append(TableData(name, tuple(result.keys()), [tuple(row) for row in result]))
            missing = [] if only is not None else [name for name in (*TABLES, *VIEWS) if name not in present | views]
            return data, missing
    except DBAPIError as exc:
        raise DatabaseUnavailable(f"cannot read the database: {one_line(exc)}") from exc
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


def csv_value(value: object) -> str:
    """``value`` as exported CSV text: a boolean is 0 or 1, as SQLite stores it and as every CSV
    reader (and a ``.import`` back into SQLite) takes it; everything else as :func:`text_value`."""
    if isinstance(value, bool):
        return "1" if value else "0"
    return text_value(value)


def write_table_csv(stream: IO[str], table: TableData) -> None:
    write_csv(stream, table.columns, table.rows, value_text=csv_value)


def _export_per_table(
    tables: Sequence[TableData],
    directory: Path,
    kind: str,
    suffix: str,
    encoding: str,
    newline: str,
    write: Callable[[IO[str], TableData], None],
) -> list[Written]:
    """Write one file per table into ``directory`` (each atomically): ``<table><suffix>``."""
    if directory.exists() and not directory.is_dir():
        raise AccessError(f"--out {directory} is a file; {kind} export writes one file per table into a folder")
    written = []
    for table in tables:
        path = directory / f"{table.name}{suffix}"
        with _atomic_write(path, "w", encoding=encoding, newline=newline) as stream:
            write(stream, table)
        written.append(Written(table.name, path, len(table.rows)))
    return written


def export_csv(tables: Sequence[TableData], directory: Path) -> list[Written]:
    """Write ``<table>.csv`` per table into ``directory``: UTF-8 with BOM (so Excel detects the
    encoding and shows Chinese correctly), header row, RFC 4180, booleans 0/1, NULL empty."""
    return _export_per_table(tables, directory, "CSV", ".csv", "utf-8-sig", "", write_table_csv)


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
        value = json_value(value)
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > XLSX_EXACT_INTEGER:
        return str(value)
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
                if isinstance(cell.value, str):
                    # openpyxl turns text starting with "=" into a formula; these are data (=100%).
                    cell.data_type = "s"
                    widths[col - 1] = max(widths[col - 1], _display_width(cell.value))
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


def _row_objects(table: TableData) -> list[dict[str, object]]:
    return [{k: json_value(v) for k, v in zip(table.columns, row, strict=True)} for row in table.rows]


def write_json(stream: IO[str], tables: Sequence[TableData]) -> None:
    """One JSON object ``{"documents": [...], "indicators": [...], ...}``, each table an array of row
    objects (``pandas.read_json(..., orient="records")`` reads one such array)."""
    json.dump({table.name: _row_objects(table) for table in tables}, stream, ensure_ascii=False, indent=2)
    stream.write("\n")


def write_json_lines(stream: IO[str], table: TableData) -> None:
    """One compact JSON object per row, one row per line."""
    for row in _row_objects(table):
        stream.write(json.dumps(row, ensure_ascii=False) + "\n")


def export_json(tables: Sequence[TableData], path: Path) -> list[Written]:
    """Write one JSON file: an array of row objects per table (see :func:`write_json`)."""
    with _atomic_write(path, "w", encoding="utf-8") as stream:
        write_json(stream, tables)
    return [Written(table.name, path, len(table.rows)) for table in tables]


def export_json_lines(tables: Sequence[TableData], directory: Path) -> list[Written]:
    """Write ``<table>.jsonl`` per table into ``directory``: JSON lines, UTF-8 without BOM."""
    return _export_per_table(tables, directory, "JSON lines", ".jsonl", "utf-8", "\n", write_json_lines)


def output_path(fmt: str, out: Path | None) -> Path:
    """Where an export in ``fmt`` goes: ``out``, or the default; a folder given for a one-file
    format gets the default file name inside it."""
    default = DEFAULT_OUT[fmt]
    if out is None:
        return default
    if fmt in ("xlsx", "json") and out.is_dir():
        return out / default.name
    return out


def export_database(
    db_url: str, fmt: str, out: Path | None = None, table: str | None = None
) -> tuple[list[Written], list[str]]:
    """Export every kaohe table and view of ``db_url`` (or only ``table``) as ``fmt`` to ``out``.

    Returns what was written and the kaohe tables and views the database lacks.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; expected one of {', '.join(FORMATS)}")
    target = output_path(fmt, out)
    tables, missing = read_tables(db_url, table)
    writer = {"csv": export_csv, "xlsx": export_xlsx, "json": export_json, "jsonl": export_json_lines}[fmt]
    return writer(tables, target), missing


def export_to_stream(db_url: str, fmt: str, stream: IO[str], table: str | None = None) -> list[TableData]:
    """Write the export to ``stream`` (standard output): csv and jsonl of one ``table``, json of one
    or all. No byte-order mark: the reader is a program, not Excel."""
    if fmt == "xlsx":
        raise AccessError("an XLSX workbook cannot go to standard output; give --out FILE.xlsx")
    if fmt in ("csv", "jsonl") and table is None:
        raise AccessError(f"--out - writes one table as {fmt}; name it with --table NAME (or use --format json)")
    tables, _ = read_tables(db_url, table)
    if fmt == "csv":
        write_table_csv(stream, tables[0])
    elif fmt == "jsonl":
        write_json_lines(stream, tables[0])
    else:
        write_json(stream, tables)
    return tables
