"""Cell streams whose rows open with their numbers: rows as long as it takes to reach the next.

A table copied one cell per line, its empty cells not written and a cell listing its rules one
per line ("序号 | 目标责任制内容 | 标准分 | 考核细则 | 得分": "1" / "安全生产法律法规宣传" / "20" /
"未进行宣传贯彻扣10分" / "未能把…贯彻到各个环节中扣10分" / "2" / …), has rows of every length, but
each opens with its number, 1, 2, 3 … in order, standing alone before the row's words. A row
runs to the next number; its words before its first figure are its names, the figure is its
points, and the lines after it fill the column after the points, a rule per line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pipeline.build.columns import role_of
from pipeline.build.stream_levels import FIGURE
from pipeline.build.vocabulary import FIGURE_ROLES, FOOTER_START, TOTAL_LABELS, Role
from schema.records import Cell

_NUMBER = re.compile(r"^\d{1,3}[.、．]?$")
_END = re.compile(f"^(?:{TOTAL_LABELS}|{FOOTER_START})")
_MIN_ROWS = 2


def _number(cell: Cell) -> int | None:
    text = cell.text.strip()
    return int(text.rstrip(".、．")) if _NUMBER.match(text) else None


def _starts(stream: Sequence[Cell], start: int) -> list[int]:
    """Where each row opens: its number, the one after the last, before words."""
    first = _number(stream[start]) if start < len(stream) else None
    if first is None:
        return []
    starts, expected = [start], first + 1
    for index in range(start + 1, len(stream)):
        if _END.match(re.sub(r"\s+", "", stream[index].text)):
            break
        following = stream[index + 1].text.strip() if index + 1 < len(stream) else ""
        if _number(stream[index]) == expected and following and not FIGURE.match(following):
            starts.append(index)
            expected += 1
    return starts


def numbered_rows(stream: Sequence[Cell], start: int, header: Sequence[str]) -> tuple[list[list[Cell]], int] | None:
    """Rows from ``start`` under ``header`` (序号 first, a points column after the names), each
    opened by its number, and where they end; None when fewer than two rows read so."""
    roles = [role_of(text) for text in header]
    if not roles or roles[0] is not Role.INDEX:
        return None
    points = next((i for i, role in enumerate(roles) if role in FIGURE_ROLES), None)
    if points is None or points < 2:
        return None
    starts = _starts(stream, start)
    if len(starts) < _MIN_ROWS:
        return None
    width = len(header)
    rows: list[list[Cell]] = []
    for number, row_start in enumerate(starts):
        row_end = starts[number + 1] if number + 1 < len(starts) else _last_row_end(stream, row_start, width)
        row = _placed(stream[row_start:row_end], points, width)
        if row is None:
            break
        rows.append(row)
        end = row_end
    return (rows, end) if len(rows) >= _MIN_ROWS else None


def _last_row_end(stream: Sequence[Cell], row_start: int, width: int) -> int:
    end = row_start + 1
    while end < min(len(stream), row_start + 2 * width) and not _END.match(re.sub(r"\s+", "", stream[end].text)):
        end += 1
    return end


def _placed(cells: Sequence[Cell], points: int, width: int) -> list[Cell] | None:
    figure = next((i for i in range(1, len(cells)) if FIGURE.match(cells[i].text.strip())), None)
    if figure is None or figure == 1:
        return None
    names = list(cells[1:figure])
    if len(names) > points - 1:  # a name written over several lines
        names = [*names[: points - 2], Cell(text="".join(c.text.strip() for c in names[points - 2 :]))]
    row = [Cell(text="")] * width
    row[0] = cells[0]
    for offset, name in enumerate(names):
        row[points - len(names) + offset] = name
    row[points] = cells[figure]
    rest = [c for c in cells[figure + 1 :] if c.text.strip()]
    if rest and points + 1 < width:
        row[points + 1] = Cell(text="\n".join(c.text.strip() for c in rest))
    return row
