"""Export of a kaohe database's tables and views to CSV, XLSX or JSON files (read-only, through the guard)."""

from __future__ import annotations

import json
import os
import unicodedata
from collections.abc import Iterator, Sequence
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

# The tables exported, in this order (also the order of the XLSX sheets and JSON keys).
TABLES = ("documents", "indicators", "clauses", "facts", "checks", "warnings")

FORMATS = ("csv", "xlsx", "json")
# Relative to the current directory, like DEFAULT_DB_URL.
DEFAULT_OUT = {
    "csv": Path("data/out/export"),
    "xlsx": Path("data/out/kaohe.xlsx"),
    "json": Path("data/out/kaohe.json"),
}


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
