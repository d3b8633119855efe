"""Cell streams whose rows end in their figures: rows as long as it takes to reach them.

A table copied from a web page one cell per line, its merged cells written once and its empty
cells not at all, has rows of every length; but where the header ends in its figure columns
(分值, 得分), each row ends in its figures. So a row runs from where the last one ended up to and
including its figures, and stands right-aligned under the header: the columns it leaves empty on
the left are cells merged down from the rows above. A narrow merged cell written one word per
line ("(七)" / "创建" / "活动" / … / "90分)") leaves a row more cells than the header has
columns; those leading words are one cell.
"""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.build.columns import role_of
from pipeline.build.stream_levels import FIGURE
from pipeline.build.vocabulary import FIGURE_ROLES, Role
from schema.records import Cell

_MAX_WORD_LINE = 6  # characters of one line of a narrow cell written one word per line
_MIN_ROWS = 2


def _trailing_figures(header: Sequence[str]) -> int:
    count = 0
    while count < len(header) and role_of(header[len(header) - 1 - count]) in FIGURE_ROLES:
        count += 1
    return count


def _row(cells: Sequence[Cell], width: int) -> list[Cell] | None:
    """A row's cells right-aligned to ``width``; a surplus of short leading cells joined into one."""
    surplus = len(cells) - width
    if surplus > 0:
        leading = cells[: surplus + 1]
        if any(len(cell.text.strip()) > _MAX_WORD_LINE for cell in leading):
            return None
        joined = Cell(text="".join(cell.text.strip() for cell in leading))
        return [joined, *cells[surplus + 1 :]]
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
        row = _row([*stream[position : end + 1], *[Cell(text="")] * blanks], width)
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
