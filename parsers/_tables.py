"""Table helpers shared by the parsers (PDF, DOCX, HTML, spreadsheets).

Both parsers first build a grid of :class:`Slot` references: every grid position covered by the
same (merged) cell holds the *same* Slot object. Text added to a slot later (a row broken over a
page end) therefore shows up at every position it covers, and :func:`to_rows` turns the grid into
``Cell`` rows where the first position of each slot (reading order) is the origin and the rest are
``spanned``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from schema.records import Cell


class Slot:
    """The text of one physical cell; shared by every grid position the cell covers."""

    __slots__ = ("text",)

    def __init__(self, text: str = "") -> None:
        self.text = text

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"Slot({self.text!r})"


SlotRow = list[Slot]


def append_text(slot: Slot, fragment: str) -> None:
    """Append a fragment that continues ``slot``'s text (newline-separated, like wrapped lines)."""
    if not fragment:
        return
    slot.text = f"{slot.text}\n{fragment}" if slot.text else fragment


def replace_slots(rows: Iterable[SlotRow], mapping: dict[int, Slot]) -> None:
    """Replace, in place, every slot whose ``id`` is a key of ``mapping`` by its value."""
    if not mapping:
        return
    for row in rows:
        for i, slot in enumerate(row):
            row[i] = mapping.get(id(slot), slot)


def unique_slots(row: Sequence[Slot]) -> list[Slot]:
    """The distinct slots of a row, in column order (a horizontal merge counts once)."""
    seen: set[int] = set()
    out: list[Slot] = []
    for slot in row:
        if id(slot) not in seen:
            seen.add(id(slot))
            out.append(slot)
    return out


def row_texts(row: Sequence[Slot]) -> list[str]:
    return [slot.text for slot in row]


def to_rows(grid: Sequence[Sequence[Slot]]) -> tuple[tuple[Cell, ...], ...]:
    """Freeze a slot grid into Cell rows, padding short rows with empty cells.

    A position is ``spanned`` when its slot already occurred earlier in row-major order, i.e. the
    merged cell starts above or to the left of it.
    """
    width = max((len(row) for row in grid), default=0)
    seen: set[int] = set()
    rows: list[tuple[Cell, ...]] = []
    for row in grid:
        cells: list[Cell] = []
        for slot in row:
            cells.append(Cell(text=slot.text, spanned=id(slot) in seen))
            seen.add(id(slot))
        cells.extend(Cell(text="") for _ in range(width - len(row)))
        rows.append(tuple(cells))
    return tuple(rows)


def drop_empty_rows(grid: list[SlotRow]) -> list[SlotRow]:
    """Rows without any text that no merged cell reaches into (spacer and width rows) removed."""
    count: dict[int, int] = {}
    for row in grid:
        for slot in {id(s): s for s in row}.values():
            count[id(slot)] = count.get(id(slot), 0) + 1
    return [
        row
        for row in grid
        if any(slot.text.strip() for slot in row) or any(count[id(slot)] > 1 for slot in row)
    ]
