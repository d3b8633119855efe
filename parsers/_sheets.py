"""Spreadsheets shared by the .xlsx and .xls parsers: cell values as the sheet shows them, a sheet
as a slot grid, and what a workbook file really is.

A sheet becomes one :class:`Table`: merged ranges share one :class:`Slot` (as DOCX merged cells
do; an empty one inside the data too, one outside it is only formatting), hidden rows and columns
are left out, empty rows and columns around the data trimmed and empty rows inside it dropped.
Rows at the top that hold a single text — a title merged across the sheet's width, or typed into
one cell of an otherwise empty row — become paragraphs before it.

Values: numbers written naturally (30, not "30.0"; 0.5 stays "0.5"), percentages as the cell
shows them when its number format is a percent ("95%", "95.5%"), dates as YYYY-MM-DD (a time of
day added when there is one), booleans TRUE/FALSE.
"""

from __future__ import annotations

import codecs
import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from parsers._tables import Slot, SlotRow, drop_empty_rows, to_rows
from schema.records import Block, Paragraph, Table

Value = str | int | float | bool | dt.datetime | dt.date | dt.time | dt.timedelta | None

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Stream names of an encrypted OOXML package inside its OLE container (UTF-16LE directory entries).
_ENCRYPTED_STREAMS = ("EncryptedPackage".encode("utf-16-le"), "EncryptionInfo".encode("utf-16-le"))
ENCRYPTED = "password-protected workbook: remove the password first (open it and save it without one)"
# Number-format parts that are not placeholders: "literal text", \x escapes, [colour]/[condition].
_FORMAT_LITERALS = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.')
_DECIMALS = re.compile(r"\.([0#?]+)")
_ESCAPED_CR = re.compile(r"_x000[dD]_")


@dataclass
class Sheet:
    """The visible content of one worksheet, 0-based positions."""

    texts: dict[tuple[int, int], str] = field(default_factory=dict)  # non-empty cells only
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # first row/col, last row/col
    hidden_rows: set[int] = field(default_factory=set)
    hidden_cols: set[int] = field(default_factory=set)


# --- cell values --------------------------------------------------------------------------------


def value_text(value: Value, number_format: str | None = None) -> str:
    """A cell's value as the sheet shows it (see the module docstring)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return number_text(value, number_format)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.strftime("%Y-%m-%d")
        return value.strftime("%Y-%m-%d %H:%M:%S" if value.second else "%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S" if value.second else "%H:%M")
    if isinstance(value, dt.timedelta):
        return str(value)
    text = _ESCAPED_CR.sub("", str(value)).replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.rstrip() for line in text.strip().split("\n"))


def number_text(value: float, number_format: str | None = None) -> str:
    """30.0 → "30", 0.5 → "0.5", 0.1 + 0.2 → "0.3"; with a percent format 0.955 → "96%" / "95.5%"."""
    if value != value or value in (float("inf"), float("-inf")):
        return str(value)
    section = _FORMAT_LITERALS.sub("", (number_format or "").split(";")[0])
    if "%" in section:
        match = _DECIMALS.search(section)
        places = len(match.group(1)) if match else 0
        percent = (Decimal(repr(value)) * 100).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        return f"{percent}%"
    return natural_number(value)


def natural_number(value: float) -> str:
    if isinstance(value, int):
        return str(value)
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    text = f"{value:.15g}"  # 15 significant digits: binary noise (0.30000000000000004) goes
    return f"{Decimal(text):f}" if "e" in text else text  # 1e-07 → 0.0000001


# --- a sheet as blocks --------------------------------------------------------------------------


def sheet_blocks(sheet: Sheet) -> list[Block]:
    """The sheet's title paragraphs and its table (nothing for an empty sheet)."""
    grid = _grid(sheet)
    blocks: list[Block] = []
    while len(grid) > 1 and len(grid[0]) > 1:
        title = _title_rows(grid)
        if title is None:
            break
        text, count = title
        blocks.append(Paragraph(text=text))
        grid = grid[count:]
    if grid:
        blocks.append(Table(rows=to_rows(grid)))
    return blocks


def _grid(sheet: Sheet) -> list[SlotRow]:
    # The data is where the texts are (a merged cell with text reaching further widens it); an
    # empty merged range inside the data is one blank cell over its positions, as in DOCX and HTML,
    # while one outside it is formatting and shows nothing.
    filled = [m for m in sheet.merges if (m[0], m[1]) in sheet.texts]
    cells = set(sheet.texts)
    cells.update((m[2], m[3]) for m in filled)
    rows = [r for r, _ in cells if r not in sheet.hidden_rows]
    cols = [c for _, c in cells if c not in sheet.hidden_cols]
    if not rows or not cols:
        return []
    row_range = [r for r in range(min(rows), max(rows) + 1) if r not in sheet.hidden_rows]
    col_range = [c for c in range(min(cols), max(cols) + 1) if c not in sheet.hidden_cols]
    row_set, col_set = set(row_range), set(col_range)
    shared: dict[tuple[int, int], Slot] = {}
    for first_row, first_col, last_row, last_col in sheet.merges:
        top, bottom = max(first_row, row_range[0]), min(last_row, row_range[-1])
        left, right = max(first_col, col_range[0]), min(last_col, col_range[-1])
        if top > bottom or left > right:
            continue  # wholly outside the data
        text = sheet.texts.get((first_row, first_col))
        if text is None and _holds_text(sheet, (top, left, bottom, right)):
            continue  # an empty range over typed cells: they show as they are
        slot = Slot(text or "")
        for r in range(top, bottom + 1):
            if r in row_set:
                for c in range(left, right + 1):
                    if c in col_set:
                        shared.setdefault((r, c), slot)
    grid = [
        [shared.get((r, c)) or Slot(sheet.texts.get((r, c), "")) for c in col_range] for r in row_range
    ]
    return _drop_empty_columns(drop_empty_rows(grid))


def _holds_text(sheet: Sheet, box: tuple[int, int, int, int]) -> bool:
    """Whether any cell inside ``box`` (first row, first column, last row, last column) has text."""
    top, left, bottom, right = box
    if (bottom - top + 1) * (right - left + 1) > len(sheet.texts):
        return any(top <= r <= bottom and left <= c <= right for r, c in sheet.texts)
    return any((r, c) in sheet.texts for r in range(top, bottom + 1) for c in range(left, right + 1))


def _drop_empty_columns(grid: list[SlotRow]) -> list[SlotRow]:
    """Columns without any text removed (spacer columns, also under an empty merged range)."""
    if not grid:
        return grid
    keep = [c for c in range(len(grid[0])) if any(row[c].text.strip() for row in grid)]
    return [[row[c] for c in keep] for row in grid] if len(keep) < len(grid[0]) else grid


def _title_rows(grid: list[SlotRow]) -> tuple[str, int] | None:
    """(text, rows it takes) when the top row holds one text alone: a title above the table."""
    filled = {id(slot): slot for slot in grid[0] if slot.text.strip()}
    if len(filled) != 1:
        return None
    [slot] = filled.values()
    count = 1
    while count < len(grid) and any(s is slot for s in grid[count]):
        if not all(s is slot or not s.text.strip() for s in grid[count]):
            return None  # the cell reaches into a row that holds other cells: a header, not a title
        count += 1
    if count >= len(grid):
        return None
    return slot.text, count


# --- what the bytes are -------------------------------------------------------------------------

Kind = Literal["ole", "zip", "html", "xml", "unknown"]


def workbook_kind(data: bytes) -> Kind:
    """What a file named .xls/.xlsx really holds: OLE2 (BIFF .xls, or an encrypted .xlsx), a zip
    (.xlsx), a web page (HTML or an .mht archive, as many sites serve "Excel" exports), XML."""
    if data.startswith(OLE_MAGIC):
        return "ole"
    if data.startswith(b"PK\x03\x04"):
        return "zip"
    head = data[:4096]
    for bom in (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        if head.startswith(bom):
            head = head[len(bom) :]
    head = head.replace(b"\x00", b"").lstrip().lower()
    if head.startswith(b"mime-version:") or re.search(rb"<(?:html|table|!doctype html|body|meta)\b", head):
        return "html" if b"urn:schemas-microsoft-com:office:spreadsheet" not in head else "xml"
    if head.startswith(b"<?xml"):
        return "xml"
    return "unknown"


def is_encrypted_ole(data: bytes) -> bool:
    """An OLE2 container holding an encrypted OOXML package (a password-protected .xlsx)."""
    return any(name in data for name in _ENCRYPTED_STREAMS)
