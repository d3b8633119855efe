"""PDF parser (pdfplumber): ruled tables and the text lines around them, in reading order.

Each page is opened once: ``find_tables()`` once, the page's chars assigned to table cells or to
the text outside the tables, then the page is closed to free pdfplumber's caches. Pages are then
assembled: a table continued at the top of the next page is joined into one Table, a row broken by
the page end is glued back together, and merged cells resolve to the spanning cell's text.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pdfplumber
from pdfplumber.utils import chars_to_textmap, extract_text

from parsers._tables import Slot, SlotRow, append_text, replace_slots, row_texts, to_rows, unique_slots
from schema.errors import ParseError
from schema.records import Block, Paragraph, ParsedDocument, Table

_ENCRYPTED = "encrypted PDF: remove the password first (e.g. qpdf --decrypt in.pdf out.pdf)"
_NO_TEXT = "no text layer: scanned PDF, needs OCR first (e.g. ocrmypdf)"
# A continuation table must start in the top part of the page (fraction of page height).
_NEAR_TOP = 0.25
# Header/footer band (fraction of page height) for running headers repeated from the previous page.
_MARGIN_BAND = 0.1
_PAGE_NUMBER = re.compile(
    r"[-—–_\s]*(?:第\s*)?\d{1,4}\s*页?(?:\s*[/／]\s*\d{1,4}|\s*[,，]?\s*共\s*\d{1,4}\s*页)?[-—–_\s]*"
    r"|共\s*\d{1,4}\s*页\s*[,，]?\s*第\s*\d{1,4}\s*页"
    r"|(?i:page)\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?"
)
# A points/number cell: "5", "1.5", "30分", "95%", "98.9\n2" (whitespace removed first).
_NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?(?:%|分)?")
# An item number opening a cell: "16、", "3.", "三、", "（二）", "(2)", "第三条".
_ENUMERATION = re.compile(
    r"\s*(?:\d{1,3}\s*(?:[、)）]|[.．](?!\d))"
    r"|[一二三四五六七八九十百]+\s*[、.．]"
    r"|[（(]\s*[一二三四五六七八九十\d]{1,3}\s*[)）]"
    r"|第[一二三四五六七八九十百\d]+[条章节项部分])"
)


@dataclass
class _Line:
    text: str
    top: float
    bottom: float


@dataclass
class _Segment:
    """The part of a table found on one page."""

    rows: list[SlotRow]
    top: float
    ncols: int


@dataclass
class _PageContent:
    number: int
    height: float
    has_text: bool
    items: list[_Line | _Segment]  # in reading order (top to bottom)


@dataclass
class _TableBuild:
    """A table being assembled over one or more pages."""

    rows: list[SlotRow]
    page: int
    ncols: int
    row_pages: list[int] = field(default_factory=list)


def parse_pdf(path: Path) -> ParsedDocument:
    """Parse a PDF into Paragraph (one per text line) and Table blocks in reading order."""
    _check_header(path)
    try:
        with pdfplumber.open(path) as pdf:
            pages = [_read_page(page) for page in pdf.pages]
    except Exception as exc:  # pdfminer raises many kinds on damaged files; report them all alike
        raise ParseError(str(path), _failure_reason(exc)) from exc
    if not pages:
        raise ParseError(str(path), "corrupt or truncated PDF (no pages)")
    if not any(page.has_text for page in pages):
        raise ParseError(str(path), _NO_TEXT)
    warnings = tuple(f"page {page.number}: no text layer (scanned page?)" for page in pages if not page.has_text)
    return ParsedDocument(
        source=str(path),
        format="pdf",
        blocks=_assemble(pages),
        page_count=len(pages),
        warnings=warnings,
    )


def _check_header(path: Path) -> None:
    with path.open("rb") as fh:
        head = fh.read(1024)
    if b"%PDF-" not in head:
        raise ParseError(str(path), "corrupt or truncated PDF (no %PDF- header: not a PDF file)")


def _failure_reason(exc: BaseException) -> str:
    """One line saying why pdfplumber/pdfminer could not read the file."""
    # pdfplumber wraps pdfminer's exception (PdfminerException(original)); look at the whole chain.
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and len(chain) < 10:
        chain.append(current)
        inner = current.args[0] if current.args and isinstance(current.args[0], BaseException) else None
        current = inner or current.__cause__
    if any("Password" in type(e).__name__ or "Encrypt" in type(e).__name__ for e in chain):
        return _ENCRYPTED
    root = chain[-1]
    detail = re.sub(r"\s+", " ", str(root)).strip()[:160]
    name = type(root).__name__
    return f"corrupt or truncated PDF ({name}: {detail})" if detail else f"corrupt or truncated PDF ({name})"


# --- one page --------------------------------------------------------------------------------


def _read_page(page: Any) -> _PageContent:
    """Tables and outside-table text lines of one page; closes the page afterwards."""
    try:
        chars = page.chars
        tables = page.find_tables()
        bboxes = [table.bbox for table in tables]
        in_tables: list[dict[str, Any]] = []
        outside: list[dict[str, Any]] = []
        for char in chars:
            (in_tables if any(_char_in(char, bbox) for bbox in bboxes) else outside).append(char)
        in_tables.sort(key=_v_mid)
        mids = [_v_mid(char) for char in in_tables]
        items: list[_Line | _Segment] = [_segment(table, in_tables, mids) for table in tables]
        items.extend(_text_lines(outside))
        items.sort(key=lambda item: (item.top, isinstance(item, _Segment)))
        return _PageContent(page.page_number, float(page.height), bool(chars), items)
    finally:
        page.close()


def _v_mid(char: dict[str, Any]) -> float:
    return (char["top"] + char["bottom"]) / 2


def _char_in(char: dict[str, Any], bbox: Sequence[float]) -> bool:
    """pdfplumber's own test (Table.extract): the char's midpoint lies in the half-open bbox."""
    v_mid = (char["top"] + char["bottom"]) / 2
    h_mid = (char["x0"] + char["x1"]) / 2
    return bbox[0] <= h_mid < bbox[2] and bbox[1] <= v_mid < bbox[3]


def _text_lines(chars: list[dict[str, Any]]) -> list[_Line]:
    if not chars:
        return []
    lines = chars_to_textmap(chars).extract_text_lines(strip=True, return_chars=False)
    return [_Line(line["text"], line["top"], line["bottom"]) for line in lines if line["text"].strip()]


def _segment(table: Any, chars: list[dict[str, Any]], mids: list[float]) -> _Segment:
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
    return _Segment(rows=resolved, top=table.bbox[1], ncols=len(xs))


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


# --- assembling pages --------------------------------------------------------------------------


def _assemble(pages: list[_PageContent]) -> tuple[Block, ...]:
    """Blocks in reading order, joining tables continued over page breaks."""
    out: list[Paragraph | _TableBuild] = []
    open_table: _TableBuild | None = None  # previous page ends with this table
    prev_margin: set[str] = set()
    for page in pages:
        marginal = [isinstance(item, _Line) and _is_marginal(item, page, prev_margin) for item in page.items]
        last_table: _TableBuild | None = None
        for i, item in enumerate(page.items):
            if isinstance(item, _Line):
                out.append(Paragraph(text=item.text, page=page.number))
                continue
            if open_table is not None and all(marginal[:i]) and _continues(item, page, open_table):
                _extend(open_table, item, page.number)
                last_table = open_table
            else:
                last_table = _TableBuild(rows=item.rows, page=page.number, ncols=item.ncols)
                last_table.row_pages = [page.number] * len(item.rows)
                out.append(last_table)
            open_table = None  # only the page's first table may continue the previous one
        open_table = last_table if last_table is not None and _ends_page(page, marginal) else None
        prev_margin = _margin_texts(page)
    return tuple(_freeze(block) for block in out)


def _freeze(block: Paragraph | _TableBuild) -> Block:
    if isinstance(block, Paragraph):
        return block
    return Table(rows=to_rows(block.rows), page=block.page, row_pages=tuple(block.row_pages))


def _is_marginal(line: _Line, page: _PageContent, prev_margin: set[str]) -> bool:
    """Header/footer-like: a page number, or a running header/footer seen on the previous page."""
    text = line.text.strip()
    if _PAGE_NUMBER.fullmatch(text):
        return True
    in_band = line.top < page.height * _MARGIN_BAND or line.bottom > page.height * (1 - _MARGIN_BAND)
    return in_band and text in prev_margin


def _margin_texts(page: _PageContent) -> set[str]:
    band_top, band_bottom = page.height * _MARGIN_BAND, page.height * (1 - _MARGIN_BAND)
    return {
        item.text.strip()
        for item in page.items
        if isinstance(item, _Line) and (item.top < band_top or item.bottom > band_bottom)
    }


def _ends_page(page: _PageContent, marginal: list[bool]) -> bool:
    """True when nothing but header/footer-like lines follows the page's last table."""
    last = max(i for i, item in enumerate(page.items) if isinstance(item, _Segment))
    return all(marginal[last + 1 :])


def _continues(segment: _Segment, page: _PageContent, table: _TableBuild) -> bool:
    return segment.top <= page.height * _NEAR_TOP and segment.ncols == table.ncols


def _extend(table: _TableBuild, segment: _Segment, page_number: int) -> None:
    """Append a continuation segment to a table started on an earlier page."""
    rows = segment.rows
    if rows and len(table.rows) > 1 and row_texts(rows[0]) == row_texts(table.rows[0]):
        rows = rows[1:]  # repeated header row
    if rows and table.rows:
        previous = table.rows[-1]
        before = table.rows[-2] if len(table.rows) > 1 else None
        if _is_broken_row(rows[0], previous, before):
            _join_row(rows[0], previous, rows)
            rows = rows[1:]
        else:
            _join_split_cells(rows[0], previous, rows)
            _continue_leading_merge(rows[0], previous, rows)
    table.rows.extend(rows)
    table.row_pages.extend([page_number] * len(rows))


def _is_broken_row(row: SlotRow, previous: SlotRow, before: SlotRow | None = None) -> bool:
    """Is this first row of a continuation the rest of ``previous``, cut by the page end?

    Yes when it carries text, has no number of its own (no points cell, no item number) and at
    least one fragment sits under a cell of ``previous`` that has text, which it continues. (Not
    every fragment: a short vertically centred cell may fall wholly on the second page.) A row
    that fills every column ``previous`` fills with a cell of its own (not one merged down from
    ``before``) is a complete new row: a page end cuts the long cells of a row, never all of them.
    """
    texts = [slot.text.strip() for slot in unique_slots(row)]
    if not any(texts):
        return False
    for text in filter(None, texts):
        if _NUMBER.fullmatch(re.sub(r"\s+", "", text)) or _ENUMERATION.match(text):
            return False
    own = {
        c for c, slot in enumerate(previous)
        if slot.text.strip() and (before is None or c >= len(before) or before[c] is not slot)
    }
    filled = {c for c, slot in enumerate(row) if slot.text.strip()}
    if len(own) >= 2 and own <= filled:
        return False
    return any(slot.text.strip() and c < len(previous) and previous[c].text.strip() for c, slot in enumerate(row))


def _join_row(row: SlotRow, previous: SlotRow, segment_rows: list[SlotRow]) -> None:
    """Append each fragment of ``row`` to the cell above; later rows that were merged with a cell
    of ``row`` now refer to the cell it was joined to."""
    mapping: dict[int, Slot] = {}
    for c, slot in enumerate(row):
        if id(slot) in mapping or c >= len(previous):
            continue
        append_text(previous[c], slot.text.strip())
        mapping[id(slot)] = previous[c]
    replace_slots(segment_rows, mapping)


_OPENERS, _CLOSERS = "(（[【", ")）]】"


def _bracket_balance(text: str) -> int:
    """Open brackets minus closed ones (a cell cut by the page end leaves one open: "产出指标(50")."""
    return sum(text.count(c) for c in _OPENERS) - sum(text.count(c) for c in _CLOSERS)


def _join_split_cells(row: SlotRow, previous: SlotRow, segment_rows: list[SlotRow]) -> None:
    """Join the cells of a continuation's first row that finish a text the page end cut off.

    A merged cell running over the page break prints part of its text on each page: "产出指标(50"
    above the break, "分)" below. A cell whose text closes a bracket the cell above left open is
    that text's end, and the rows merged with it on the new page belong to the cell above.
    """
    mapping: dict[int, Slot] = {}
    for c, slot in enumerate(row):
        if id(slot) in mapping or c >= len(previous) or not slot.text.strip():
            continue
        above = previous[c]
        if _bracket_balance(above.text) > 0 and _bracket_balance(slot.text) < 0:
            above.text = f"{above.text}{slot.text.strip()}"
            mapping[id(slot)] = above
    replace_slots(segment_rows, mapping)


def _continue_leading_merge(row: SlotRow, previous: SlotRow, segment_rows: list[SlotRow]) -> None:
    """Empty leading cells of a continuation's first row continue the vertical merges above."""
    mapping: dict[int, Slot] = {}
    for c, slot in enumerate(row):
        if slot.text.strip() or c >= len(previous):
            break
        if previous[c].text.strip():
            mapping[id(slot)] = previous[c]
    replace_slots(segment_rows, mapping)
