"""Group cells written again on every row: what a merged cell becomes in many exports.

A web page built from a database, a spreadsheet filled down, a DOCX whose merge was undone: each
writes a group's name ("事实证据与实体处理") in every row the group spans instead of once over them.
Read as written, the group would be an item of its own on every row. Where a table's leading
columns — left of the first column whose texts are mostly different from row to row — repeat a
text on consecutive rows, the repeats are marked as covered by the first, as a merged cell is,
and the table reader sees the grouping the page showed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pipeline.build.columns import profile
from schema.records import Block, Cell, Table

# A column whose texts differ on at least this share of its filled rows holds the items.
_DISTINCT = 0.7
_MIN_REPEATS = 2


def _key(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _column(rows: tuple[tuple[Cell, ...], ...], index: int) -> list[Cell | None]:
    return [row[index] if index < len(row) else None for row in rows]


def _repeats(cells: list[Cell | None]) -> list[int]:
    """Rows whose cell repeats the text of the cell right above it (neither merged, nor empty)."""
    found = []
    for row in range(1, len(cells)):
        above, cell = cells[row - 1], cells[row]
        if above is None or cell is None or cell.spanned or not cell.text.strip():
            continue
        if _key(cell.text) == _key(above.text):
            found.append(row)
    return found


def merge_repeats(table: Table) -> Table:
    """The table with each leading column's repeated group texts marked as merged down."""
    width = max((len(row) for row in table.rows), default=0)
    marked: dict[int, list[int]] = {}
    for index in range(width):
        stats = profile(table.rows, index)
        if not stats.filled or max(stats.figures, stats.enumerators) * 2 > stats.filled:
            continue  # a 序号 or a figure column: no group, and the groups may go on after it
        if stats.filled >= 2 and stats.distinct >= _DISTINCT * stats.filled:
            break  # the items: groups stand left of them
        repeats = _repeats(_column(table.rows, index))
        if len(repeats) >= _MIN_REPEATS:
            marked[index] = repeats
    if not marked:
        return table
    rows = [list(row) for row in table.rows]
    for index, repeats in marked.items():
        for row in repeats:
            cell = rows[row][index]
            rows[row][index] = Cell(text=cell.text, spanned=True, original=cell.original)
    return Table(rows=tuple(tuple(row) for row in rows), page=table.page, row_pages=table.row_pages,
                 layout=table.layout)


def _texts(row: tuple[Cell, ...]) -> tuple[str, ...]:
    return tuple(_key(cell.text) for cell in row)


def join_repeated_headers(blocks: Sequence[Block]) -> tuple[Block, ...]:
    """Tables that follow one another under the same header row are one table: a page that sets
    each section of a table apart as a table of its own, its header repeated (and a table broken
    over pages, its header printed again). The header is kept once."""
    out: list[Block] = []
    for block in blocks:
        previous = out[-1] if out else None
        if (
            isinstance(block, Table) and isinstance(previous, Table) and block.rows and previous.rows
            and block.layout == previous.layout == "grid"
            and len(block.rows[0]) == len(previous.rows[0]) and any(c.text.strip() for c in block.rows[0])
            and _texts(block.rows[0]) == _texts(previous.rows[0])
        ):
            pages = previous.row_pages + block.row_pages[1:] if previous.row_pages and block.row_pages else ()
            out[-1] = Table(rows=previous.rows + block.rows[1:], page=previous.page, row_pages=pages)
            continue
        out.append(block)
    return tuple(out)
