"""PDF parser (pdfplumber): ruled tables and the text lines around them, in reading order.

Each page is opened once: ``find_tables()`` once, the page's chars assigned to table cells or to
the text outside the tables, then the page is closed to free pdfplumber's caches. Pages without a
text layer are read by OCR (:mod:`parsers.ocr`, the ``ocr`` extra) into the same page content.
The pages are then assembled (:mod:`parsers._pages`): a table continued at the top of the next page
is joined into one Table, a row broken by the page end is glued back together, and merged cells
resolve to the spanning cell's text.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pdfplumber
from pdfminer.pdftypes import PDFStream, resolve1
from pdfplumber.utils import chars_to_textmap, extract_text

from parsers._pages import Line, PageContent, Segment, assemble
from parsers._pdf_damage import CORRUPT, captured_reader_logs, failure_reason, reader_warnings
from parsers._pdf_text_tables import join_wrapped_lines, text_tables
from parsers._tables import Slot, SlotRow
from schema.errors import ParseError
from schema.records import ParsedDocument

OCR_INSTALL = "pip install 'kaohe[ocr]'"
_NO_OCR = f"no text layer: scanned PDF; reading it needs the OCR extra: {OCR_INSTALL}"


def parse_pdf(path: Path) -> ParsedDocument:
    """Parse a PDF into Paragraph (one per text line) and Table blocks in reading order."""
    _check_header(path)
    with captured_reader_logs() as records:
        try:
            with pdfplumber.open(path) as pdf:
                pages, damaged = _read_pages(pdf, records)
        except Exception as exc:  # pdfminer raises many kinds on damaged files; report them all alike
            if isinstance(exc, MemoryError):
                raise
            raise ParseError(str(path), failure_reason(exc)) from exc
    if not pages:
        raise ParseError(str(path), f"{CORRUPT}: it has no pages")
    if len(damaged) == len(pages):
        raise ParseError(str(path), f"{CORRUPT}: the content of its pages cannot be read")
    warnings = reader_warnings(records)
    warnings.extend(f"page {n}: its content cannot be read (damaged); left out" for n in sorted(damaged))
    pages, ocr_warnings = _ocr_scanned(path, pages, damaged)
    return ParsedDocument(
        source=str(path),
        format="pdf",
        blocks=assemble(pages),
        page_count=len(pages),
        warnings=(*warnings, *ocr_warnings),
    )


def _read_pages(pdf: Any, records: list[str]) -> tuple[list[PageContent], set[int]]:
    """Every page's content, and the numbers of the damaged pages: those that raised while being
    read, those whose content was lost (:func:`_read_page`) and those without text or images
    whose reading made pdfminer report damage — a page that lost its content is not a scan. The first
    page error is raised when no page can be read at all."""
    pages: list[PageContent] = []
    damaged: set[int] = set()
    first_error: Exception | None = None
    for number, page in enumerate(pdf.pages, start=1):
        logged = len(records)
        try:
            content, has_images, lost = _read_page(page)
        except MemoryError:
            raise
        except Exception as exc:  # one damaged page: read the others
            first_error = first_error or exc
            pages.append(PageContent(number, 0.0, False, []))
            damaged.add(number)
            continue
        if lost or (not content.has_text and not has_images and len(records) > logged):
            damaged.add(content.number)
        pages.append(content)
    if first_error is not None and len(damaged) == len(pages):
        raise first_error
    return pages, damaged


def _ocr_scanned(path: Path, pages: list[PageContent], damaged: set[int]) -> tuple[list[PageContent], list[str]]:
    """Pages without a text layer (damaged ones aside) replaced by their OCR reading, with the
    warnings it gave.

    Without the OCR extra a wholly scanned PDF fails naming the install command; the scanned
    pages of a mixed PDF are left out with a warning saying the same.
    """
    scanned = [page.number for page in pages if not page.has_text and page.number not in damaged]
    if not scanned:
        return pages, []
    try:
        from parsers.ocr import read_scanned_pages

        recognised = read_scanned_pages(path, scanned)
    except ImportError as exc:
        if not any(page.has_text for page in pages):
            raise ParseError(str(path), _NO_OCR) from exc
        return pages, [f"page {n}: no text layer (scanned page); to read it: {OCR_INSTALL}" for n in scanned]
    except Exception as exc:  # the engine or the renderer failing on one file must not stop a run
        raise ParseError(str(path), f"OCR failed ({type(exc).__name__}: {str(exc)[:160]})") from exc
    by_number = {page.number: page for page in recognised}
    out = [by_number.get(page.number, page) for page in pages]
    warnings = [f"page {n}: no text layer, read by OCR" for n in scanned]
    warnings.extend(warning for page in recognised for warning in page.warnings)
    return out, warnings


def _check_header(path: Path) -> None:
    with path.open("rb") as fh:
        head = fh.read(1024)
    if b"%PDF-" not in head:
        raise ParseError(str(path), f"{CORRUPT}: no %PDF- header, so not a PDF file")


# --- one page --------------------------------------------------------------------------------


def _read_page(page: Any) -> tuple[PageContent, bool, bool]:
    """Tables and outside-table text lines of one page, whether it shows an image, and whether its
    content was lost: without text and images, and with content that could not be read
    (:func:`_content_lost`). Closes the page afterwards."""
    try:
        chars = page.chars
        tables = page.find_tables()
        # No ruled table: a table drawn without lines is found by its words' alignment.
        aligned = not tables and bool(chars)
        if aligned:
            tables = text_tables(page)
        bboxes = [table.bbox for table in tables]
        in_tables: list[dict[str, Any]] = []
        outside: list[dict[str, Any]] = []
        for char in chars:
            (in_tables if any(_char_in(char, bbox) for bbox in bboxes) else outside).append(char)
        in_tables.sort(key=_v_mid)
        mids = [_v_mid(char) for char in in_tables]
        items: list[Line | Segment] = [_segment(table, in_tables, mids) for table in tables]
        if aligned:
            for segment in items:
                segment.rows = join_wrapped_lines(segment.rows)  # type: ignore[union-attr]
                segment.aligned = True  # type: ignore[union-attr]
        items.extend(_text_lines(outside))
        items.sort(key=lambda item: (item.top, isinstance(item, Segment)))
        has_images = bool(page.images)
        lost = not chars and not has_images and _content_lost(page)
        return PageContent(page.page_number, float(page.height), bool(chars), items), has_images, lost
    finally:
        page.close()


_TEXT_OBJECT = re.compile(rb"(?<![A-Za-z0-9])BT(?![A-Za-z0-9])")


def _content_lost(page: Any) -> bool:
    """Whether a page without characters lost them to damage rather than never having any: a
    content stream that decoded to nothing (pdfminer drops undecodable data silently), or text
    objects (BT … ET) that gave no characters. Only a page whose content reads fine and holds no
    text object is a scan (or blank)."""
    for stream in page.page_obj.contents or []:
        stream = resolve1(stream)
        if not isinstance(stream, PDFStream):
            return True
        data = stream.get_data()
        if (not data and stream.attrs.get("Length") != 0) or _TEXT_OBJECT.search(data):
            return True
    return False


def _v_mid(char: dict[str, Any]) -> float:
    return (char["top"] + char["bottom"]) / 2


def _char_in(char: dict[str, Any], bbox: Sequence[float]) -> bool:
    """pdfplumber's own test (Table.extract): the char's midpoint lies in the half-open bbox."""
    v_mid = (char["top"] + char["bottom"]) / 2
    h_mid = (char["x0"] + char["x1"]) / 2
    return bbox[0] <= h_mid < bbox[2] and bbox[1] <= v_mid < bbox[3]


def _text_lines(chars: list[dict[str, Any]]) -> list[Line]:
    if not chars:
        return []
    lines = chars_to_textmap(chars).extract_text_lines(strip=True, return_chars=False)
    return [Line(line["text"], line["top"], line["bottom"]) for line in lines if line["text"].strip()]


def _segment(table: Any, chars: list[dict[str, Any]], mids: list[float]) -> Segment:
    """A page's table as a slot grid; chars are the page's table chars sorted by vertical midpoint."""
    rows = table.rows
    grid: list[list[Slot | None]] = []
    origin: dict[tuple[float, ...], Slot] = {}
    for row in rows:
        slots: list[Slot | None] = []
        for bbox in row.cells:
            if bbox is None:
                slots.append(None)
                continue
            slot = Slot(_cell_text(bbox, chars, mids))
            origin[tuple(bbox)] = slot
            slots.append(slot)
        grid.append(slots)
    xs = sorted({cell[0] for cell in table.cells})
    tops = [row.bbox[1] for row in rows]
    resolved = _resolve_merges(grid, xs, tops, table.cells, origin)
    return Segment(rows=resolved, top=table.bbox[1], ncols=len(xs), edges=(*xs, table.bbox[2]))


def _cell_text(bbox: Sequence[float], chars: list[dict[str, Any]], mids: list[float]) -> str:
    """Text of the chars inside one cell, as pdfplumber's Table.extract() gives it."""
    lo = bisect.bisect_left(mids, bbox[1])
    hi = bisect.bisect_left(mids, bbox[3])
    inside = [char for char in chars[lo:hi] if bbox[0] <= (char["x0"] + char["x1"]) / 2 < bbox[2]]
    return extract_text(inside) if inside else ""


def _resolve_merges(
    grid: list[list[Slot | None]],
    xs: list[float],
    tops: list[float],
    cells: list[tuple[float, float, float, float]],
    origin: dict[tuple[float, ...], Slot],
) -> list[SlotRow]:
    """Give each None position (covered by a merged cell) the slot of the cell covering it."""
    out: list[SlotRow] = []
    for r, row in enumerate(grid):
        resolved: SlotRow = []
        for c, slot in enumerate(row):
            if slot is None:
                cover = _covering_cell(cells, xs[c], tops[r])
                slot = origin.get(tuple(cover)) if cover is not None else None
                if slot is None:
                    slot = _neighbour(out, resolved, c)
            resolved.append(slot)
        out.append(resolved)
    return out


def _covering_cell(
    cells: list[tuple[float, float, float, float]], x: float, y: float
) -> tuple[float, float, float, float] | None:
    """The cell whose bbox contains the top-left corner (x, y) of a grid position."""
    # Nudge into the position so a cell merely touching the corner does not count.
    px, py = x + 0.5, y + 0.5
    for cell in cells:
        if cell[0] <= px < cell[2] and cell[1] <= py < cell[3]:
            return cell
    return None


def _neighbour(done: list[SlotRow], current: SlotRow, c: int) -> Slot:
    """Fallback when no bbox covers a position: the cell above if it has text, else the left one."""
    above = done[-1][c] if done and c < len(done[-1]) else None
    if above is not None and above.text.strip():
        return above
    if current:
        return current[-1]
    return above if above is not None else Slot()


