"""Tables drawn without ruling lines: found by the alignment of their words.

A table printed without borders (or with only a rule under its header) gives pdfplumber's line
strategy no edges, and its text would be read as lines of words. pdfplumber's text strategy
finds such a table from the words' alignment: columns where words line up, a row per printed
line. That grid is read here the way a ruled table is, once two things a ruling would have said
are restored:

* **wrapped lines**: a cell's text wrapped over several printed lines gives one grid row per
  line. A row that fills fewer cells than the row before it, states no figure and opens no
  numbered item continues the cells above it (each of its texts joins the nearest text above in
  its column: "區政府重點" / "工作", "市、區兩級" / "政府列督事" / "項");
* **spacer rows**: the empty rows between printed lines are dropped.

A page's words line up in columns for other reasons too (a form's label and value, justified
prose), so a grid is kept only where it looks like a table: at least three columns and three
rows filling two cells or more. Whether its words make an indicator table the build stage
decides, as for any table.
"""

from __future__ import annotations

import re
from typing import Any

from parsers._tables import Slot, SlotRow, append_text, drop_empty_rows

TEXT_SETTINGS = {"vertical_strategy": "text", "horizontal_strategy": "text"}
_MIN_COLUMNS = 3
_MIN_FULL_ROWS = 3
# A cell that is a bare figure (points, a score, an item number): a row holding one is a row of
# its own. A bracketed mark is not: "(2分)" wraps under the name it closes.
_FIGURE = re.compile(r"[-+]?\d+(?:\.\d+)?\s*(?:%|分)?")
# An item or section number opening a cell: "1、", "3.", "三、", "（二）", "第三条".
_NUMBERED = re.compile(
    r"\s*(?:\d{1,3}\s*(?:[、)）]|[.．](?!\d))|[一二三四五六七八九十百]+\s*[、.．]|[（(]\s*[一二三四五六七八九十\d]{1,3}\s*[)）]"
    r"|第[一二三四五六七八九十百\d]+[条章节项部分])"
)


# A name closed by its points mark: "产出指标(70分)".
_CLOSED = re.compile(r"[(（]\s*\d+(?:\.\d+)?\s*分\s*[)）]\s*$")


def text_tables(page: Any) -> list[Any]:
    """The page's tables by word alignment (pdfplumber Table objects), those that look like tables."""
    found = page.find_tables(TEXT_SETTINGS)
    return [table for table in found if _tabular(table.extract())]


def _tabular(rows: list[list[str | None]]) -> bool:
    width = max((len(row) for row in rows), default=0)
    full = sum(sum(bool(cell and cell.strip()) for cell in row) >= 2 for row in rows)
    return width >= _MIN_COLUMNS and full >= _MIN_FULL_ROWS


def _filled(row: SlotRow) -> list[int]:
    return [i for i, slot in enumerate(row) if slot.text.strip() and (i == 0 or row[i - 1] is not slot)]


def _continues(row: SlotRow, previous: SlotRow) -> bool:
    filled = _filled(row)
    if not filled or len(filled) >= len(_filled(previous)):
        return False
    texts = [row[i].text.strip() for i in filled]
    if any(_FIGURE.fullmatch(re.sub(r"\s+", "", text)) for text in texts):
        return False
    return not _NUMBERED.match(texts[0])


def join_wrapped_lines(rows: list[SlotRow]) -> list[SlotRow]:
    """Rows of a text-aligned grid with its spacer rows dropped and its wrapped lines joined."""
    kept: list[SlotRow] = []
    for row in drop_empty_rows(rows):
        if not kept or not _continues(row, kept[-1]):
            kept.append(row)
            continue
        aboves = [_above(kept, index) for index in _filled(row)]
        if any(above is not None and _CLOSED.search(above.text) for above in aboves):
            kept.append(row)  # "效益指标(30分)" under "产出指标(70分)": a name closed by its points is complete
            continue
        for index, above in zip(_filled(row), aboves, strict=True):
            if above is None:
                kept[-1][index].text = row[index].text
            else:
                append_text(above, row[index].text.strip())
    return kept


def _above(kept: list[SlotRow], index: int) -> Slot | None:
    """The nearest slot above with text in column ``index``."""
    return next((r[index] for r in reversed(kept) if index < len(r) and r[index].text.strip()), None)
