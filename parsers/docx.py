"""DOCX parser: body paragraphs and tables, in document order, with merged cells resolved.

Tables are read from the XML grid (``w:tr``/``w:tc`` with ``w:gridSpan``, ``w:vMerge``,
``w:gridBefore``/``w:gridAfter``) rather than python-docx's ``row.cells``, so every grid position
is known to be an origin or a merged continuation.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path

import docx
from lxml import etree

from parsers._package_damage import package_damage
from parsers._tables import Slot, SlotRow, append_text, to_rows
from schema.errors import ParseError
from schema.records import Block, Paragraph, ParsedDocument, Table

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_P, _TBL, _TR, _TC = f"{_W}p", f"{_W}tbl", f"{_W}tr", f"{_W}tc"
# Containers whose children are read as if they stood in the parent (content controls, custom XML).
_WRAPPERS = {f"{_W}sdt", f"{_W}sdtContent", f"{_W}customXml", f"{_W}smartTag"}
# Run content that is not the paragraph's own text: deleted revisions, drawings/text boxes (whose
# mc:AlternateContent would otherwise give the same text twice), embedded objects.
_SKIP_IN_PARAGRAPH = {
    f"{_W}del",
    f"{_W}moveFrom",
    f"{_W}drawing",
    f"{_W}pict",
    f"{_W}object",
    f"{_W}pPr",
    f"{_W}rPr",
    "{http://schemas.openxmlformats.org/markup-compatibility/2006}AlternateContent",
}
_RUN_CHARS = {f"{_W}tab": "\t", f"{_W}ptab": "\t", f"{_W}cr": "\n", f"{_W}noBreakHyphen": "-"}
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_NOT_ZIP = (
    "not a valid .docx (zip) file — if it is a legacy .doc, convert it: "
    "libreoffice --headless --convert-to docx FILE"
)


def parse_docx(path: Path) -> ParsedDocument:
    """Parse a .docx into Paragraph and Table blocks in document order (pages unknown: None)."""
    body = _open(path).element.body
    try:
        blocks = tuple(_blocks(body))
    except (ValueError, TypeError, etree.LxmlError) as exc:  # malformed XML values
        raise ParseError(str(path), f"corrupt .docx ({_one_line(exc)})") from exc
    return ParsedDocument(source=str(path), format="docx", blocks=blocks)


def _open(path: Path) -> docx.document.Document:
    """Open with python-docx, turning every failure into a ParseError with a useful reason."""
    if not zipfile.is_zipfile(path):
        with path.open("rb") as fh:
            legacy = fh.read(len(_OLE_MAGIC)) == _OLE_MAGIC
        reason = f"{_NOT_ZIP} (it is a legacy Word .doc)" if legacy else _NOT_ZIP
        raise ParseError(str(path), reason)
    try:
        return docx.Document(str(path))
    except Exception as exc:  # zip members missing/corrupt, wrong content type, bad XML
        raise ParseError(str(path), f"corrupt .docx or not a Word document ({_one_line(exc)})") from exc


def _one_line(exc: BaseException) -> str:
    return package_damage(exc)  # words, not the library's exception


def _children(el: etree._Element) -> Iterator[etree._Element]:
    """Block-level children of ``el``, looking through content-control and custom-XML wrappers."""
    for child in el:
        if child.tag in _WRAPPERS:
            yield from _children(child)
        else:
            yield child


def _blocks(body: etree._Element) -> Iterator[Block]:
    for el in _children(body):
        if el.tag == _P:
            text = paragraph_text(el)
            if text.strip():
                yield Paragraph(text=text)
        elif el.tag == _TBL:
            grid = table_grid(el)
            if grid:
                yield Table(rows=to_rows(grid))


def paragraph_text(p: etree._Element) -> str:
    """Visible text of a ``w:p``: runs, hyperlinks, inserted revisions; tabs and breaks kept."""
    parts: list[str] = []
    _collect_text(p, parts)
    return "".join(parts)


def _collect_text(el: etree._Element, parts: list[str]) -> None:
    for child in el:
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIP_IN_PARAGRAPH:
            continue
        if tag == f"{_W}t":
            parts.append(child.text or "")
        elif tag == f"{_W}br":
            # Like python-docx: only a text-wrapping break is a line break; page/column breaks are not.
            if child.get(f"{_W}type", "textWrapping") == "textWrapping":
                parts.append("\n")
        elif tag in _RUN_CHARS:
            parts.append(_RUN_CHARS[tag])
        else:
            _collect_text(child, parts)


def cell_text(tc: etree._Element) -> str:
    """A cell's paragraphs joined with newlines; nested tables contribute one line per cell."""
    lines: list[str] = []
    for el in _children(tc):
        if el.tag == _P:
            lines.append(paragraph_text(el))
        elif el.tag == _TBL:
            lines.extend(_flatten(table_grid(el)))
    return "\n".join(lines)


def _flatten(grid: list[SlotRow]) -> list[str]:
    """Each distinct non-empty cell of a nested table, in reading order."""
    seen: set[int] = set()
    out: list[str] = []
    for row in grid:
        for slot in row:
            if id(slot) not in seen and slot.text.strip():
                out.append(slot.text)
            seen.add(id(slot))
    return out


def _grid_width(tbl: etree._Element, rows: list[etree._Element]) -> int:
    """The widest a row of ``tbl`` may be: its declared grid (``w:tblGrid``), or its most cells
    in one row where a table declares fewer (Word opens those too). Spans and skipped positions
    are clamped to it, so that one ``w:gridSpan w:val="999999"`` cannot make a million columns."""
    grid = tbl.find(f"{_W}tblGrid")
    declared = len(grid.findall(f"{_W}gridCol")) if grid is not None else 0
    most_cells = max((sum(1 for tc in _children(tr) if tc.tag == _TC) for tr in rows), default=0)
    return max(declared, most_cells, 1)


def table_grid(tbl: etree._Element) -> list[SlotRow]:
    """The slot grid of a ``w:tbl``: merged positions share the origin cell's Slot."""
    grid: list[SlotRow] = []
    rows = [tr for tr in _children(tbl) if tr.tag == _TR]
    width = _grid_width(tbl, rows)
    for tr in rows:
        above = grid[-1] if grid else []
        cells = [tc for tc in _children(tr) if tc.tag == _TC]
        # Positions skipped before the first cell leave room for every cell of the row.
        before = min(_tr_count(tr, "gridBefore"), max(0, width - len(cells)))
        row: SlotRow = [Slot() for _ in range(before)]
        for index, tc in enumerate(cells):
            _place_cell(tc, row, above, room=width - len(row) - (len(cells) - index - 1))
        row.extend(Slot() for _ in range(min(_tr_count(tr, "gridAfter"), max(0, width - len(row)))))
        grid.append(row)
    return grid


def _place_cell(tc: etree._Element, row: SlotRow, above: SlotRow, room: int) -> None:
    """Append the grid positions of one ``w:tc`` to ``row``: at most ``room`` of them (the grid's
    width less the positions the row's later cells need), and at least one."""
    col = len(row)
    props = _tc_props(tc)
    span = min(max(1, _int(props.get("gridSpan", ""), 1)), max(1, room))
    text = cell_text(tc)
    slot: Slot | None = None
    if _is_continue(props.get("vMerge")) and col < len(above):
        slot = above[col]
    elif _is_continue(props.get("hMerge")) and row:
        slot = row[-1]  # legacy horizontal merge: continues the cell to the left
    if slot is None:
        slot = Slot(text)
    elif text.strip():
        # Word keeps only the origin's content visible; text left in a continuation cell is
        # still part of the merged cell, so keep it rather than drop it.
        append_text(slot, text)
    row.extend([slot] * span)


_MERGE_PROPS = {f"{_W}{name}": name for name in ("gridSpan", "vMerge", "hMerge")}


def _tc_props(tc: etree._Element) -> dict[str, str]:
    """``w:val`` of the cell's ``w:tcPr/w:gridSpan``, ``vMerge`` and ``hMerge`` that are present
    ("continue" where a merge has no val), read in one pass over ``w:tcPr``."""
    tc_pr = _child(tc, _TC_PR)
    if tc_pr is None:
        return {}
    props: dict[str, str] = {}
    for child in tc_pr:
        if child.tag in _MERGE_PROPS:
            props.setdefault(_MERGE_PROPS[child.tag], child.get(f"{_W}val", "continue"))  # the first, as Word
    return props


_TC_PR, _TR_PR = f"{_W}tcPr", f"{_W}trPr"


def _child(el: etree._Element, tag: str) -> etree._Element | None:
    """The first child of ``el`` with ``tag``. A loop over the children rather than ``find``,
    whose path machinery costs microseconds a call; properties come first, so this stops early."""
    for child in el:
        if child.tag == tag:
            return child
    return None


def _is_continue(val: str | None) -> bool:
    return val is not None and val != "restart"


def _tr_count(tr: etree._Element, name: str) -> int:
    tr_pr = _child(tr, _TR_PR)
    prop = _child(tr_pr, f"{_W}{name}") if tr_pr is not None else None
    return max(0, _int(prop.get(f"{_W}val") if prop is not None else None, 0))


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default
