"""Page assembly shared by the text-layer and the OCR PDF readers.

Each reader turns a page into a :class:`PageContent`: text lines outside tables and table
:class:`Segment` grids (every position covered by one merged cell holds the same ``Slot``), top to
bottom. :func:`assemble` then makes the document's blocks: a table continued at the top of the next
page is joined into one Table (a repeated header row dropped), a row broken by the page end is
glued back together, and empty leading cells of a continuation continue the merges above.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from parsers._tables import Slot, SlotRow, append_text, replace_slots, row_texts, to_rows, unique_slots
from schema.records import Block, Paragraph, Table

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
class Line:
    """A text line outside the tables; ``top``/``bottom`` in the page's units (height: ``PageContent``)."""

    text: str
    top: float
    bottom: float


@dataclass
class Segment:
    """The part of a table found on one page: a slot grid (merged cells share one Slot).
    ``edges`` are its column boundaries left to right (``ncols + 1`` of them, page units), when
    the reader knows them."""

    rows: list[SlotRow]
    top: float
    ncols: int
    edges: tuple[float, ...] = ()
    aligned: bool = False  # found by its words' alignment, no ruling lines (parsers/_pdf_text_tables.py)


@dataclass
class PageContent:
    """One page's content, from the text layer or from OCR, in the page's own units."""

    number: int
    height: float
    has_text: bool
    items: list[Line | Segment]  # in reading order (top to bottom)
    warnings: list[str] = field(default_factory=list)  # e.g. low-confidence OCR text


@dataclass
class _TableBuild:
    """A table being assembled over one or more pages."""

    rows: list[SlotRow]
    page: int
    ncols: int
    row_pages: list[int] = field(default_factory=list)
    edges: tuple[float, ...] = ()
    aligned: bool = False



def assemble(pages: list[PageContent]) -> tuple[Block, ...]:
    """Blocks in reading order, joining tables continued over page breaks."""
    out: list[Paragraph | _TableBuild] = []
    open_table: _TableBuild | None = None  # previous page ends with this table
    prev_margin: set[str] = set()
    for page in pages:
        marginal = [isinstance(item, Line) and _is_marginal(item, page, prev_margin) for item in page.items]
        last_table: _TableBuild | None = None
        for i, item in enumerate(page.items):
            if isinstance(item, Line):
                out.append(Paragraph(text=item.text, page=page.number))
                continue
            if open_table is not None and all(marginal[:i]) and _continues(item, page, open_table):
                _extend(open_table, item, page.number)
                last_table = open_table
            else:
                last_table = _TableBuild(rows=item.rows, page=page.number, ncols=item.ncols, edges=item.edges,
                                         aligned=item.aligned)
                last_table.row_pages = [page.number] * len(item.rows)
                out.append(last_table)
            open_table = None  # only the page's first table may continue the previous one
        open_table = last_table if last_table is not None and _ends_page(page, marginal) else None
        prev_margin = _margin_texts(page)
    return tuple(_freeze(block) for block in out)


def _freeze(block: Paragraph | _TableBuild) -> Block:
    if isinstance(block, Paragraph):
        return block
    return Table(rows=to_rows(block.rows), page=block.page, row_pages=tuple(block.row_pages),
                 layout="aligned" if block.aligned else "grid")


def _is_marginal(line: Line, page: PageContent, prev_margin: set[str]) -> bool:
    """Header/footer-like: a page number, or a running header/footer seen on the previous page."""
    text = line.text.strip()
    if _PAGE_NUMBER.fullmatch(text):
        return True
    in_band = line.top < page.height * _MARGIN_BAND or line.bottom > page.height * (1 - _MARGIN_BAND)
    return in_band and text in prev_margin


def _margin_texts(page: PageContent) -> set[str]:
    band_top, band_bottom = page.height * _MARGIN_BAND, page.height * (1 - _MARGIN_BAND)
    return {
        item.text.strip()
        for item in page.items
        if isinstance(item, Line) and (item.top < band_top or item.bottom > band_bottom)
    }


def _ends_page(page: PageContent, marginal: list[bool]) -> bool:
    """True when nothing but header/footer-like lines follows the page's last table."""
    last = max(i for i, item in enumerate(page.items) if isinstance(item, Segment))
    return all(marginal[last + 1 :])


def _continues(segment: Segment, page: PageContent, table: _TableBuild) -> bool:
    if segment.top > page.height * _NEAR_TOP:
        return False
    if segment.ncols == table.ncols:
        return True
    # A grid that splits some columns of the other into sub-columns (a header merged over two
    # columns on the first page, rows that fill both on the next): the same table, once both
    # are laid on the finer grid.
    return _subdivision(table.edges, segment.edges) is not None or _subdivision(segment.edges, table.edges) is not None


def _subdivision(coarse: tuple[float, ...], fine: tuple[float, ...]) -> list[int] | None:
    """For each column of the ``fine`` grid, the column of the ``coarse`` grid it lies in — when
    every coarse boundary is a fine one (within a small tolerance) and the grids span the same
    width; else None."""
    if len(coarse) < 2 or len(fine) <= len(coarse):
        return None
    tolerance = max(2.0, (coarse[-1] - coarse[0]) * 0.01)
    positions: list[int] = []
    for edge in coarse:
        nearest = min(range(len(fine)), key=lambda i: abs(fine[i] - edge))
        if abs(fine[nearest] - edge) > tolerance:
            return None
        positions.append(nearest)
    if positions[0] != 0 or positions[-1] != len(fine) - 1 or positions != sorted(set(positions)):
        return None
    owner: list[int] = []
    for column in range(len(coarse) - 1):
        owner.extend([column] * (positions[column + 1] - positions[column]))
    return owner


def _refine(rows: list[SlotRow], owner: list[int]) -> list[SlotRow]:
    """Rows laid on a finer grid: a cell covers every sub-column of its column (the same Slot,
    so it reads as merged across them)."""
    return [[row[column] for column in owner] if len(row) == max(owner) + 1 else row for row in rows]


def _align_grids(table: _TableBuild, segment: Segment) -> Segment:
    """Lay the table and its continuation on the same grid (the finer of the two)."""
    if segment.ncols == table.ncols:
        return segment
    owner = _subdivision(table.edges, segment.edges)
    if owner is not None:
        table.rows = _refine(table.rows, owner)
        table.ncols, table.edges = segment.ncols, segment.edges
        return segment
    owner = _subdivision(segment.edges, table.edges)
    assert owner is not None  # _continues checked it
    return Segment(rows=_refine(segment.rows, owner), top=segment.top, ncols=table.ncols, edges=table.edges)


def _extend(table: _TableBuild, segment: Segment, page_number: int) -> None:
    """Append a continuation segment to a table started on an earlier page."""
    segment = _align_grids(table, segment)
    rows = segment.rows
    if rows and len(table.rows) > 1 and row_texts(rows[0]) == row_texts(table.rows[0]):
        rows = rows[1:]  # repeated header row
    if rows and table.rows:
        previous = table.rows[-1]
        before = table.rows[-2] if len(table.rows) > 1 else None
        if _is_broken_row(rows[0], previous, before, _sentence_columns(table.rows[:-1])):
            _join_row(rows[0], previous, rows)
            rows = rows[1:]
        else:
            _join_split_cells(rows[0], previous, rows)
            _continue_leading_merge(rows[0], previous, rows)
    table.rows.extend(rows)
    table.row_pages.extend([page_number] * len(rows))


# A cell's text ends as a sentence does, or with its points mark: "…和规范。（2分）".
_SENTENCE_END = re.compile(r"(?:[。；;！!？?]|分\s*[)）])\s*$")


def _sentence_columns(rows: list[SlotRow]) -> set[int]:
    """Columns whose cells are written as sentences: most of their own texts end in "。" (or ；！？).
    A cell of such a column that does not is cut off — by a page end, when it is a page's last row."""
    ended: dict[int, list[bool]] = {}
    seen: set[int] = set()
    for row in rows:
        for c, slot in enumerate(row):
            text = slot.text.strip()
            if id(slot) in seen or len(text) < 4:
                continue
            seen.add(id(slot))
            ended.setdefault(c, []).append(bool(_SENTENCE_END.search(text)))
    return {c for c, flags in ended.items() if len(flags) >= 3 and sum(flags) >= 0.7 * len(flags)}


def _is_broken_row(
    row: SlotRow,
    previous: SlotRow,
    before: SlotRow | None = None,
    sentence_columns: set[int] | frozenset[int] = frozenset(),
) -> bool:
    """Is this first row of a continuation the rest of ``previous``, cut by the page end?

    Yes when it carries text, has no number of its own (no points cell, no item number) and at
    least one fragment sits under a cell of ``previous`` that has text, which it continues. (Not
    every fragment: a short vertically centred cell may fall wholly on the second page.) A row
    that fills every column ``previous`` fills with a cell of its own (not one merged down from
    ``before``) is a complete new row: a page end cuts the long cells of a row, not all of them —
    unless the cells of two or more columns written as sentences (``sentence_columns``) stop
    short of their sentence end in ``previous``: Word and LibreOffice cut every cell of a row
    that runs over the page end at the same line.
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
    written = own & sentence_columns
    cut = {c for c in written if not _SENTENCE_END.search(previous[c].text.strip())}
    if written and not cut and len(written & filled) >= 2:
        return False  # every sentence of the row above is whole: this row is a row of its own
    if len(own) >= 2 and own <= filled and len(cut) < 2:
        return False
    return any(slot.text.strip() and c < len(previous) and previous[c].text.strip() for c, slot in enumerate(row))


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


def _continue_leading_merge(row: SlotRow, previous: SlotRow, segment_rows: list[SlotRow]) -> None:
    """Empty leading cells of a continuation's first row continue the vertical merges above."""
    mapping: dict[int, Slot] = {}
    for c, slot in enumerate(row):
        if slot.text.strip() or c >= len(previous):
            break
        if previous[c].text.strip():
            mapping[id(slot)] = previous[c]
    replace_slots(segment_rows, mapping)
