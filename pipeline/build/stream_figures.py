"""Cell streams whose rows end in their figures: rows as long as it takes to reach them.

A table copied from a web page one cell per line, its merged cells written once and its empty
cells not at all, has rows of every length; but where the header ends in its figure columns
(分值, 得分), each row ends in its figures. So a row runs from where the last one ended up to and
including its figures, and stands right-aligned under the header: the columns it leaves empty on
the left are cells merged down from the rows above. A narrow merged cell written one word per
line ("(七)" / "创建" / "活动" / … / "90分)") leaves a row more cells than the header has
columns; those leading words are one cell. So are the lines of a cell listing its rules one per
line ("厂区道路不畅通…扣3分" / "道路交叉处没有明显警示标志…扣5分" / …).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pipeline.build.columns import header_key, role_of
from pipeline.build.stream_levels import FIGURE
from pipeline.build.vocabulary import FIGURE_ROLES, Role
from schema.records import Cell

_FIGURE_WORD = re.compile(r"分(?:数|值)$")
_MAX_WORD_LINE = 6  # characters of one line of a narrow cell written one word per line
_MIN_ROWS = 2


def _trailing_figures(header: Sequence[str]) -> int:
    """How many figure columns end the header: points, scores, and the columns of figures
    between them that no role names (应得分数 | 扣减分数 | 实得分数)."""
    count = 0
    while count < len(header) and _figure_header(header[len(header) - 1 - count]):
        count += 1
    return count


def _figure_header(text: str) -> bool:
    return role_of(text) in (*FIGURE_ROLES, Role.AMOUNT) or bool(_FIGURE_WORD.search(header_key(text)))


def _row(cells: Sequence[Cell], width: int, numbered: bool = False) -> list[Cell] | None:
    """A row's cells right-aligned to ``width``; a surplus of short leading cells (after the
    row's number, where it has one) joined into one, else a surplus of lines of one long cell."""
    surplus = len(cells) - width
    if surplus > 0:
        skip = 1 if numbered else 0
        leading = cells[skip : skip + surplus + 1]
        if all(len(cell.text.strip()) <= _MAX_WORD_LINE for cell in leading):
            joined = Cell(text="".join(cell.text.strip() for cell in leading))
            return [*cells[:skip], joined, *cells[skip + surplus + 1 :]]
        # A cell written over several lines (a list of rules, one per line): its first long line
        # and the lines after it, up to the row's length.
        first = next((i for i, cell in enumerate(cells) if len(cell.text.strip()) > _MAX_WORD_LINE), None)
        if first is None or first + surplus >= len(cells) - 1:
            return None
        joined = Cell(text="\n".join(cell.text.strip() for cell in cells[first : first + surplus + 1]))
        return [*cells[:first], joined, *cells[first + surplus + 1 :]]
    return [Cell(text="")] * (width - len(cells)) + list(cells)


def figure_ended_rows(stream: Sequence[Cell], start: int, header: Sequence[str]) -> tuple[list[list[Cell]], int] | None:
    """Rows from ``start`` under ``header``, each ended by its figures, and where they end; None
    when the header does not end in figure columns, the stream writes its empty cells, or fewer
    than two rows read so."""
    figures = _trailing_figures(header)
    width = len(header)
    if not figures or figures == width:
        return None
    if any(not cell.text.strip() for cell in stream[start:]):
        return None  # a stream that writes its empty cells has rows of the header's width
    # A row opening with its number (序号 1, 2, 3) has its figures after it.
    numbered = role_of(header[0]) is Role.INDEX
    rows: list[list[Cell]] = []
    position = start
    while position < len(stream):
        first = position + 1 if numbered else position
        end = next(
            (i for i in range(first, min(len(stream), position + 2 * width)) if FIGURE.match(stream[i].text.strip())),
            None,
        )
        if end is None or end == position:
            break
        while (
            end + 1 < len(stream)
            and end + 1 - position < width
            and FIGURE.match(stream[end + 1].text.strip())
            and _figures_at_end(stream, position, end + 1) <= figures
            and not (numbered and _opens_next_row(stream, position, end + 1))
        ):
            end += 1
        # Figure columns left blank (a score on a form not yet filled in) are the last ones.
        blanks = figures - _figures_at_end(stream, position, end)
        row = _row([*stream[position : end + 1], *[Cell(text="")] * blanks], width, numbered)
        if row is None:
            break
        rows.append(row)
        position = end + 1
    return (rows, position) if len(rows) >= _MIN_ROWS else None


def _figures_at_end(stream: Sequence[Cell], start: int, end: int) -> int:
    count = 0
    while end - count >= start and FIGURE.match(stream[end - count].text.strip()):
        count += 1
    return count


def _opens_next_row(stream: Sequence[Cell], position: int, index: int) -> bool:
    """Whether the figure at ``index`` is the next row's number: one more than this row's, with
    words after it."""
    this, that = stream[position].text.strip(), stream[index].text.strip()
    following = stream[index + 1].text.strip() if index + 1 < len(stream) else ""
    return this.isdigit() and that == str(int(this) + 1) and not FIGURE.match(following)
