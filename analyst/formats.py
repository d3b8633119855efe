"""The output formats of a query result: a rich table, CSV, TSV, JSON (an array) and JSON lines."""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Callable, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from typing import IO

from rich.table import Table
from rich.text import Text

from analyst.guard import QueryResult


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


def write_csv(
    stream: IO[str],
    columns: Sequence[str],
    rows: Sequence[Sequence[object]],
    value_text: Callable[[object], str] = text_value,
) -> None:
    """Write a header row and ``rows`` as RFC 4180 CSV (CRLF line ends, quoting where needed)."""
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows([value_text(v) for v in row] for row in rows)


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


def _tsv_field(value: object) -> str:
    # TSV has no quoting: a tab or line break inside a value is written as \t, \n, \r (and a
    # backslash as \\), as PostgreSQL's COPY and most TSV readers expect, so each row stays one line.
    return (
        text_value(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    )


def result_to_tsv(result: QueryResult) -> str:
    """The query result as tab-separated text with a header row, one line per row."""
    lines = ["\t".join(_tsv_field(name) for name in result.columns)]
    lines += ["\t".join(_tsv_field(v) for v in row) for row in result.rows]
    return "".join(line + "\n" for line in lines)


def result_to_json_lines(result: QueryResult) -> str:
    """The query result as JSON lines: one compact object per row, keyed by column name."""
    keys = _unique_keys(result.columns)
    return "".join(
        json.dumps({k: json_value(v) for k, v in zip(keys, row, strict=True)}, ensure_ascii=False) + "\n"
        for row in result.rows
    )


QUERY_FORMATS = ("table", "csv", "tsv", "json", "nl")


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
