"""Cell grids of text tables: putting back the spans a text export wrote once.

A text export writes a merged cell once. Where it was merged across columns the row comes out
short by the cells it covered; where it was merged down, the rows below it come out short by
their first cells. These functions give such rows their width back, writing the covered places
as continuations of the merged cell (``spanned``), as the DOCX and PDF grids do.
"""

from __future__ import annotations

import re
from collections import Counter

from schema.records import Cell, Table

# A cell that is a figure of its own (points, scores, counts).
FIGURE = re.compile(r"^\s*[-+]?\d+(?:\.\d+)?\s*(?:分|%|％)?\s*$")
# Labels of rows under a table that span its first columns (备注 | text): never merged down into.
_LABEL_ROW = re.compile(r"^\s*(?:备\s*注|说\s*明|注)\s*[:：]?\s*$")
# The most places one merged cell is taken to have covered. A real merge spans a few columns; a
# row far wider than the rest (a line of thousands of tabs) must not widen every other row to it.
MAX_MERGED_PLACES = 12

GridRow = list[tuple[str, bool]]


def cell_table(rows: list[GridRow]) -> Table:
    return Table(rows=tuple(tuple(Cell(text=text.strip(), spanned=spanned) for text, spanned in row) for row in rows))


def plain(rows: list[list[str]]) -> list[GridRow]:
    return [[(cell, False) for cell in row] for row in rows]


def _first_figure(row: list[str]) -> int | None:
    """The first figure cell after the first column (which may number the rows: 1, 2, 3)."""
    return next((i for i, cell in enumerate(row) if i and FIGURE.match(cell) and cell.strip()), None)


def restore_spans(rows: list[list[str]]) -> list[list[tuple[str, bool]]]:
    """Give rows that lost cells to a horizontal merge their width back.

    A text export writes a cell merged across two columns once, so rows where it was merged are
    one cell short (a header "考核项目" over a category and a unit column, and the rows where one
    text fills both) — the header among them. The figure column shows where: it stands one place further left in the
    short rows, so the cell just before it spans the missing place — written as a continuation of
    it, as the DOCX and PDF grids write a merged cell.
    """
    widths = Counter(len(row) for row in rows if len(row) > 2)
    header = next((row for row in rows if len(row) > 2), None)
    # Only where the header itself is short: rows that lost leading cells to a merge down (a
    # lossy export) are re-anchored by the builder, not widened here.
    if len(widths) < 2 or header is None or len(header) == max(widths) or _first_figure(header) is not None:
        return [[(cell, False) for cell in row] for row in rows]
    widest = max(widths)
    figure_at = Counter(f for row in rows if len(row) == widest and (f := _first_figure(row)) is not None)
    out: list[list[tuple[str, bool]]] = []
    shifts: dict[int, int | None] = {}
    for width in widths:
        if width == widest or not figure_at:
            continue
        short = Counter(f for row in rows if len(row) == width and (f := _first_figure(row)) is not None)
        wide_column, short_column = figure_at.most_common(1)[0][0], (short.most_common(1) or [(None, 0)])[0][0]
        missing = widest - width
        if missing > MAX_MERGED_PLACES:
            continue
        shifts[width] = short_column if short_column is not None and wide_column - short_column == missing else None
    for row in rows:
        at = shifts.get(len(row))
        if at is None or at < 1:
            out.append([(cell, False) for cell in row])
            continue
        merged = row[at - 1]
        out.append([(cell, False) for cell in row[:at]] + [(merged, True)] * (widest - len(row))
                   + [(cell, False) for cell in row[at:]])
    return out


def _kind(text: str) -> str:
    text = text.strip()
    if not text:
        return "empty"
    if FIGURE.match(text) or re.fullmatch(r"[一二三四五六七八九十]{1,3}[、.．]?|\d{1,3}[.、．]?", text):
        return "number"
    return "text"


def _padding(missing: int) -> int:
    """Empty places to add to a short row: none where more are missing than any table merges
    (a line of stray separators made the widest row; see fill_merged_down)."""
    return missing if missing <= MAX_MERGED_PLACES else 0


def fill_merged_down(rows: list[list[str]]) -> list[GridRow]:
    """Rows of a layout that drops cells merged down from above (HTML rowspans written once).

    A row shorter than the table is placed where its cells' kinds (number, text, empty) agree
    best with the full rows' columns — on a tie to the right, rowspans being leading columns —
    and the places left of it continue the cells above. A header shorter than the table by a
    whole factor has each of its cells span that many columns ("考核条目 | 考核细则" over four).
    """
    widths = Counter(len(row) for row in rows)
    if len(widths) < 2:
        return plain(rows)
    widest = max(widths)
    full = [row for row in rows if len(row) == widest]
    if len(full) == 1 and full[0] is rows[0]:
        # Only the header is full: rows shorter than it left their last places empty; a header
        # says nothing of which data cells are merged down.
        return [[(cell, False) for cell in row] + [("", False)] * _padding(widest - len(row)) for row in rows]
    kinds = [Counter(_kind(row[c]) for row in full).most_common(1)[0][0] for c in range(widest)]
    out: list[GridRow] = []
    for index, row in enumerate(rows):
        if len(row) == widest:
            out.append([(cell, False) for cell in row])
            continue
        missing = widest - len(row)
        if index == 0 and row and widest % len(row) == 0 and not any(FIGURE.match(c) for c in row):
            factor = widest // len(row)
            out.append([(cell, k > 0) for cell in row for k in range(factor)])
            continue
        if not out or (row and _LABEL_ROW.match(row[0])):
            out.append([(cell, False) for cell in row] + [("", False)] * missing)
            continue
        if missing > MAX_MERGED_PLACES:
            # No table merges down a dozen columns: a line of stray separators made the widest
            # row. Placing every short row under it would cost rows × width; the row stays as is.
            out.append([(cell, False) for cell in row])
            continue
        scores = [sum(_kind(cell) == kinds[i + o] for i, cell in enumerate(row)) for o in range(missing + 1)]
        offset = max(range(missing + 1), key=lambda o: (scores[o], o))
        above = out[-1]
        out.append([(above[c][0], True) for c in range(offset)] + [(cell, False) for cell in row]
                   + [("", False)] * (missing - offset))
    return out
