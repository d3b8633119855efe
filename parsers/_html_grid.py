"""The HTML table model: rows of cells with rowspan/colspan → a grid of shared :class:`Slot` s.

Every grid position a cell covers holds the cell's one Slot, exactly as the DOCX parser builds its
grid, so :func:`parsers._tables.to_rows` marks all but the first position ``spanned``.

Spans are bounded the way browsers bound them and then to the table's real size, so a page with
``colspan="999999"`` costs what its real table costs:

* ``colspan``: not a number or 0 → 1, at most 1000 (the HTML limit); then at most the table's
  real width: the widest row when no cell spans columns, or the width most rows reach when every
  colspan is capped at the most cells any row has — a row "spanning nine columns in an
  eight-column table" spans eight, a ``colspan="999999"`` title spans the table;
* ``rowspan``: 0 → to the end of its row group (thead/tbody/tfoot), never past it.

A rowspan that overlaps a later cell keeps the position (the later cell moves right, as in a
browser); rows a rowspan does not reach are shifted left, as the page shows them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from parsers._tables import Slot, SlotRow

MAX_COLSPAN = 1000  # HTML: colspan is clamped to 1000
MAX_ROWSPAN = 65534  # HTML: rowspan is clamped to 65534
_LEADING_DIGITS = re.compile(r"\s*\+?(\d{1,9})")


@dataclass(frozen=True, slots=True)
class CellSpec:
    """One ``<td>``/``<th>`` as written: its text and its spans (already parsed, see :func:`span`)."""

    text: str
    colspan: int = 1
    rowspan: int = 1  # 0: to the end of the row group


RowGroup = Sequence[Sequence[CellSpec]]  # the rows of one thead/tbody/tfoot
_Cap = Callable[[int, int], int]  # (start column, colspan as written) → columns the cell takes


def span(value: str | None, *, zero_allowed: bool, limit: int) -> int:
    """An HTML span attribute: leading digits ("2", "3px"), 1 when missing or invalid."""
    match = _LEADING_DIGITS.match(value or "")
    if match is None:
        return 1
    number = int(match.group(1))
    if number == 0:
        return 0 if zero_allowed else 1
    return min(number, limit)


def colspan(value: str | None) -> int:
    return span(value, zero_allowed=False, limit=MAX_COLSPAN)


def rowspan(value: str | None) -> int:
    return span(value, zero_allowed=True, limit=MAX_ROWSPAN)


def build_grid(groups: Sequence[RowGroup]) -> list[SlotRow]:
    """The slot grid of a table given as row groups; every row padded to the table's width."""
    most_cells = max((len(row) for group in groups for row in group), default=0)
    if most_cells == 0:
        return [[] for group in groups for _ in group]
    # The real width: the widest row when no cell spans columns (rowspans as written), or wider
    # where most rows are, with every colspan capped at the most cells any row has.
    narrow = _place(groups, lambda col, wanted: 1)
    if all(cell.colspan == 1 for group in groups for row in group for cell in row):
        return _padded(narrow)
    loose = _place(groups, lambda col, wanted: min(wanted, most_cells))
    extents = Counter(len(row) for row in loose)
    common = max(extents.items(), key=lambda item: (item[1], item[0]))[0]
    width = max(_width(narrow), common)
    fitted = _place(groups, lambda col, wanted: max(1, min(wanted, width - col)))
    # A huge colspan under a rowspan can still push cells further right when capped to the width
    # (they start after it): then the loosely capped grid is the narrower reading.
    return _padded(fitted if _width(fitted) <= _width(loose) else loose)


def _padded(grid: list[SlotRow]) -> list[SlotRow]:
    """Every row as wide as the widest, positions no cell covers filled with empty slots."""
    width = _width(grid)
    for row in grid:
        row.extend(None for _ in range(width - len(row)))  # type: ignore[misc]
        for index, slot in enumerate(row):
            if slot is None:
                row[index] = Slot()
    return grid


def _width(grid: list[SlotRow]) -> int:
    return max((len(row) for row in grid), default=0)


def _place(groups: Sequence[RowGroup], cap: _Cap) -> list[SlotRow]:
    """Place every cell (HTML table model), each taking ``cap(column, colspan)`` columns."""
    grid: list[list[Slot | None]] = []
    for group in groups:
        start = len(grid)
        grid.extend([] for _ in group)
        for offset, cells in enumerate(group):
            row_index = start + offset
            row = grid[row_index]
            col = 0
            left = len(group) - offset  # rows left in this group, this one included
            for cell in cells:
                while col < len(row) and row[col] is not None:
                    col += 1
                width = cap(col, cell.colspan)
                height = left if cell.rowspan == 0 else min(cell.rowspan, left)
                slot = Slot(cell.text)
                for covered in grid[row_index : row_index + height]:
                    if len(covered) < col + width:
                        covered.extend(None for _ in range(col + width - len(covered)))
                    for position in range(col, col + width):
                        if covered[position] is None:
                            covered[position] = slot
                col += width
    return grid  # type: ignore[return-value]
