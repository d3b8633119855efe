"""Legacy Excel .xls parser (xlrd, BIFF8): every visible sheet a Table, merged cells as in DOCX.

Government sites often serve "Excel" downloads that are not BIFF files: a web page (an HTML
table, or an .mht archive of one) or an .xlsx with an .xls name. The file's first bytes decide:
a web page is read by the HTML parser and a zip by the .xlsx parser, each with a warning saying
what the file really is. Values are shown as the sheet shows them (:mod:`parsers._sheets`).
"""

from __future__ import annotations

import io
from pathlib import Path

import olefile
import xlrd
from xlrd.sheet import Sheet as XlrdSheet

from parsers._package_damage import package_damage
from parsers._sheets import ENCRYPTED, Sheet, is_encrypted_ole, sheet_blocks, value_text, workbook_kind
from schema.errors import ParseError
from schema.records import Block, ParsedDocument

_NOT_XLS = "not an Excel .xls file (no OLE2 header: corrupt, truncated, or another kind of file)"


def parse_xls(path: Path) -> ParsedDocument:
    """Parse an .xls workbook (or the web page / .xlsx it really is) into Paragraph and Table blocks."""
    return parse_xls_bytes(path.read_bytes(), str(path))


def parse_xls_bytes(data: bytes, source: str, warnings: tuple[str, ...] = ()) -> ParsedDocument:
    kind = workbook_kind(data)
    if kind == "html":
        from parsers.html import parse_html_bytes

        return parse_html_bytes(data, source, (*warnings, "a web page with an .xls name: read as HTML"))
    if kind == "zip":
        from parsers.xlsx import parse_xlsx_bytes

        return parse_xlsx_bytes(data, source, (*warnings, "an .xlsx workbook with an .xls name: read as .xlsx"))
    if kind == "xml":
        raise ParseError(source, "Excel 2003 XML spreadsheet, not a binary .xls: open it and save it as .xlsx")
    if kind != "ole":
        raise ParseError(source, _NOT_XLS)
    if is_encrypted_ole(data):
        raise ParseError(source, ENCRYPTED)
    stream = _workbook_stream(data, source)
    log = io.StringIO()
    try:
        # xlrd prints its damage notes to stdout, naming no file: kept as this file's warnings.
        book = xlrd.open_workbook(file_contents=stream, formatting_info=True, on_demand=True, logfile=log)
    except xlrd.XLRDError as exc:
        if "encrypted" in str(exc).lower():
            raise ParseError(source, ENCRYPTED) from exc
        raise ParseError(source, f"corrupt .xls or not an Excel workbook ({_one_line(exc)})") from exc
    except Exception as exc:  # truncated compound file, bad records
        raise ParseError(source, f"corrupt or truncated .xls ({_one_line(exc)})") from exc
    blocks: list[Block] = []
    try:
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            if sheet.visibility == 0:
                blocks.extend(sheet_blocks(_sheet(book, sheet)))
            book.unload_sheet(index)
    except Exception as exc:  # a damaged sheet stream
        raise ParseError(source, f"corrupt .xls ({_one_line(exc)})") from exc
    finally:
        book.release_resources()
    if not blocks:
        raise ParseError(source, "no data in the workbook (every visible sheet is empty)")
    notes = dict.fromkeys(line.strip() for line in log.getvalue().splitlines() if line.strip())
    warnings = (*warnings, *(f"xls reader: {note[:160]}" for note in list(notes)[:3]))
    return ParsedDocument(source=source, format="xls", blocks=tuple(blocks), warnings=warnings)


def _workbook_stream(data: bytes, source: str) -> bytes:
    """The BIFF records of an OLE2 workbook: its "Workbook" (BIFF8) or "Book" (BIFF5) stream.

    Read with olefile rather than xlrd's own compound-file reader, which follows a sector chain
    that loops back on itself for ever (a damaged file hung the run); xlrd reads the records.
    """
    try:
        with olefile.OleFileIO(data) as ole:
            name = next((n for n in ("Workbook", "Book") if ole.exists(n)), None)
            if name is None:
                raise ParseError(source, "not an Excel workbook (an OLE2 file without a Workbook stream)")
            return ole.openstream(name).read()
    except ParseError:
        raise
    except Exception as exc:  # olefile raises OSError and others on broken sector tables
        raise ParseError(source, f"corrupt or truncated .xls ({_one_line(exc)})") from exc


def _sheet(book: xlrd.Book, sheet: XlrdSheet) -> Sheet:
    out = Sheet()
    for r in range(sheet.nrows):
        for c, cell in enumerate(sheet.row(r)):
            text = _cell_text(book, cell)
            if text:
                out.texts[(r, c)] = text
    out.merges = [(rlo, clo, rhi - 1, chi - 1) for rlo, rhi, clo, chi in sheet.merged_cells]
    out.hidden_rows = {r for r, info in sheet.rowinfo_map.items() if info.hidden}
    out.hidden_cols = {c for c, info in sheet.colinfo_map.items() if info.hidden}
    return out


def _cell_text(book: xlrd.Book, cell: xlrd.sheet.Cell) -> str:
    kind = cell.ctype
    if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return ""
    if kind == xlrd.XL_CELL_DATE:
        try:
            return value_text(xlrd.xldate.xldate_as_datetime(cell.value, book.datemode))
        except (xlrd.xldate.XLDateError, ValueError, OverflowError):
            return value_text(cell.value)
    if kind == xlrd.XL_CELL_NUMBER:
        return value_text(cell.value, _number_format(book, cell.xf_index))
    if kind == xlrd.XL_CELL_BOOLEAN:
        return value_text(bool(cell.value))
    if kind == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(cell.value, "#ERR")
    return value_text(cell.value)


def _number_format(book: xlrd.Book, xf_index: int | None) -> str | None:
    if xf_index is None or xf_index >= len(book.xf_list):
        return None
    found = book.format_map.get(book.xf_list[xf_index].format_key)
    return found.format_str if found is not None else None


def _one_line(exc: BaseException) -> str:
    return package_damage(exc)  # words, not the library's exception
