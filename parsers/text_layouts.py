"""Web-text table layouts: what a web page's table becomes when its text is copied or scraped.

* **Pipe rows** ("| cell" per line): each cell starts a line with "| ", a line holding only "|"
  ends the row, the row's first cell stands on the lines before its first "| " line — a cell
  merged down over several rows written one character per line ("区\\n政\\n府…").
* **Markdown rows**: "| a | b | c |" per line, with "|---|---|" rules.
* **Pipe-separated rows**: "a | b | c" per line, outer pipes optional and no rule, as pages'
  tables are scraped: empty cells written "||", a row padded to the table's width with pipes
  after its last cell (so trailing empty cells say nothing), rows whose leading cells were merged
  down from above written without them (parsers/_text_grid.fill_merged_down places them).
* **Closed pipe rows**: cells ending in " |", one per line, each row opened by a lone "|" and
  closed by a line of pipes, one for each place the row's merged cells covered ("||" after a row
  whose first two places are merged down from above). A lone "|" is also an empty cell; the
  table's width, which each closed row adds up to, tells the two apart.
* **Separated streams**: a cell's lines, then a lone "|" — each cell closed by one, so that
  "|" lines in a row are empty cells; no row ends, the header says which cells make a row.
* **Cell streams**: one cell per line and no row ends at all — cells ending in " |" (a lone "|"
  is an empty cell), or cells separated by blank lines (a line holding a single space is an
  empty cell). Which cells make a row only the header can say, so a stream is handed on as a
  one-column table for the build stage to re-flow (pipeline/build/stream.py).

Each function takes the file's lines and returns (start, end, rows) for the region it reads, so
that the text parser keeps everything outside it as paragraphs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_LEAD = re.compile(r"^\s*\|\s?(?=[^\s|])")
_LONE = re.compile(r"^\s*\|\s*$")
_TRAIL = re.compile(r"\s\|\s*$")
_CLOSER = re.compile(r"^\s*\|{2,}\s*$")
_MARKDOWN = re.compile(r"^\s*\|.*\|.*\|\s*$")
_MARKDOWN_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")
# Enough lines of a layout for it to be the document's table layout, not a stray pipe.
_MIN_LINES = 6
# Rows of a table whose lines are rows (a header and two items at least).
_MIN_ROWS = 3
_OPEN_ROW = re.compile(r"[^|\s]\s*\|\s*$")


@dataclass(frozen=True, slots=True)
class Region:
    """Lines start..end (exclusive) of the file hold a table: its rows of cell texts."""

    start: int
    end: int
    rows: list[list[str]]
    stream: bool = False  # rows are single cells of a stream, to be re-flowed by the header


def _join_cell(lines: list[str]) -> str:
    """A cell's lines: characters of a narrow merged cell join without breaks ("区政府…")."""
    parts = [line.strip() for line in lines if line.strip()]
    if parts and all(len(part) == 1 for part in parts):
        return "".join(parts)
    return "\n".join(parts)


def pipe_rows(lines: list[str]) -> Region | None:
    """The "| cell" layout, rows ended by a lone "|"."""
    leads = [i for i, line in enumerate(lines) if _LEAD.match(line)]
    ends = [i for i, line in enumerate(lines) if _LONE.match(line)]
    if len(leads) < _MIN_LINES or len(ends) < 2:
        return None
    # More lone "|" than "| " lines: empty cells are written as lone "|" too, and only the one
    # before a row's first cell (a line of its own text) ends the row.
    empties = len(leads) < len(ends)
    row_ends = {i for i in ends if _row_ends_at(lines, i)} if empties else set(ends)
    if empties and (
        not row_ends - {ends[-1]}
        or sum(1 for line in lines if _TRAIL.search(line) or _CLOSER.match(line)) * 2 >= len(leads)
    ):
        return None  # cells ending in " |" are another layout's (closed rows, trailing streams)
    start = leads[0] - 1 if leads[0] > 0 and lines[leads[0] - 1].strip() else leads[0]
    end = ends[-1] + 1
    rows: list[list[str]] = []
    row: list[str] | None = None
    pending: list[str] = []  # lines of the next row's first cell, or of the open cell
    for number, line in enumerate(lines[start:end], start=start):
        if _LONE.match(line) and number not in row_ends:
            if row is None:
                row = []
            row.append(_join_cell(pending))
            pending = [""]  # the empty cell this "|" opens
        elif _LONE.match(line):
            if row is not None:
                row.append(_join_cell(pending))
                rows.append(row)
            row, pending = None, []
        elif _LEAD.match(line):
            if row is None:
                # Lines of only spaces between rows (an indented page's blank lines) are no cell.
                row = [_join_cell(pending)] if any(part.strip() for part in pending) else []
            else:
                row.append(_join_cell(pending))
            pending = [_LEAD.sub("", line, count=1)]
        else:
            pending.append(line)
    return Region(start, end, rows)


def _row_ends_at(lines: list[str], index: int) -> bool:
    """Whether the lone "|" at ``index`` ends its row: the next line that says anything is a
    cell's own text (the next row's first cell), or there is none."""
    following = next((line for line in lines[index + 1 :] if line.strip()), None)
    return following is None or not (_LONE.match(following) or _LEAD.match(following))


def markdown_rows(lines: list[str]) -> Region | None:
    """Markdown pipe tables: "| a | b |" rows, the "|---|" rule under the header dropped."""
    marked = [i for i, line in enumerate(lines) if _MARKDOWN.match(line)]
    if len(marked) < 3 or not any(_MARKDOWN_RULE.match(lines[i]) for i in marked):
        return None
    start, end = marked[0], marked[-1] + 1
    rows = []
    for line in lines[start:end]:
        if _MARKDOWN_RULE.match(line) or not line.strip():
            continue
        cells = line.strip().strip("|").split("|")
        rows.append([cell.strip() for cell in cells])
    return Region(start, end, rows)


def _separated_cells(line: str) -> list[str] | None:
    """A line's cells when pipes stand between texts ("a | b", "| a | b |"), else None."""
    text = line.strip()
    if _MARKDOWN_RULE.match(text) or not re.search(r"[^|\s]\s*\|+\s*[^|\s]", text):
        return None
    cells = _cells_of(text)
    return cells if sum(1 for cell in cells if cell) >= 2 else None


def _cells_of(text: str) -> list[str]:
    cells = [cell.strip() for cell in (text[1:] if text.startswith("|") else text).split("|")]
    while cells and not cells[-1]:
        cells.pop()
    return cells


def separated_rows(lines: list[str]) -> Region | None:
    """Rows of cells separated by pipes, one row per line, the first run of enough of them.

    A line ending in a single pipe after its text ("产出指标(50分) |") has not ended its row (a
    row ends in the run of pipes that pads it): the next line, a row's cells, goes on with it.
    """
    start = end = None
    rows: list[list[str]] = []
    carried: list[str] = []  # cells of a row whose line did not end it
    for number, line in enumerate(lines):
        cells = _separated_cells(line)
        following = next((other for other in lines[number + 1 :] if other.strip()), "")
        if _OPEN_ROW.search(line) and _separated_cells(following) is not None and (cells or line.strip() != "|"):
            carried.extend(_cells_of(line.strip()))
            start = number if start is None else start
            continue
        if cells is None and start is not None and "|" in line and line.strip(" |"):
            cells = _cells_of(line.strip())  # a row of one cell: the rest of its row was merged
        if cells is not None:
            start = number if start is None else start
            rows.append(carried + cells)
            carried = []
            end = number + 1
        elif line.strip() and start is not None:
            if len(rows) >= _MIN_ROWS:
                break
            start, end, rows, carried = None, None, [], []
    if start is None or end is None or len(rows) < _MIN_ROWS:
        return None
    if sum(1 for row in rows if sum(1 for cell in row if cell) >= 2) * 2 < len(rows):
        return None  # mostly lines of one cell: a "| cell" layout's, not rows separated by pipes
    return Region(start, end, rows)


def trailing_pipe_stream(lines: list[str]) -> Region | None:
    """Cells ending in " |", one per line (a lone "|" an empty cell), with no row ends."""
    cells = [i for i, line in enumerate(lines) if _TRAIL.search(line) or _LONE.match(line)]
    if sum(1 for i in cells if _TRAIL.search(lines[i])) < _MIN_LINES:
        return None
    start, end = cells[0], cells[-1] + 1
    stream: list[list[str]] = []
    pending: list[str] = []
    for line in lines[start:end]:
        if _LONE.match(line):
            stream.append([_join_cell(pending)])
            pending = []
        elif _TRAIL.search(line):
            pending.append(_TRAIL.sub("", line))
            stream.append([_join_cell(pending)])
            pending = []
        elif line.strip():
            pending.append(line)
    return Region(start, end, stream, stream=True)


def closed_pipe_rows(lines: list[str]) -> Region | None:
    """Cells ending in " |" in rows opened by a lone "|" and closed by a line of pipes."""
    closers = [i for i, line in enumerate(lines) if _CLOSER.match(line)]
    if len(closers) < 2 or sum(1 for line in lines if _TRAIL.search(line)) < _MIN_LINES:
        return None
    marked = [i for i, line in enumerate(lines) if _TRAIL.search(line) or _LONE.match(line) or _CLOSER.match(line)]
    start, end = marked[0], marked[-1] + 1
    cells = _pipe_cells(lines[start:end])
    width = _closed_width(cells)
    if width is None:
        return None
    rows: list[list[str]] = []
    row: list[str] | None = None
    for text, pipes in cells:
        if row is None:
            # A row opens with a lone "|"; a cell before any opener starts the row itself.
            row = []
            if pipes == 1 and text is None:
                continue
        if text is None and (pipes > 1 or len(row) + pipes >= width):
            rows.append(row)
            row = None
            continue
        row.append(text or "")
        if len(row) >= width:
            rows.append(row)
            row = None
    if row:
        rows.append(row)
    return Region(start, end, [row for row in rows if any(cell.strip() for cell in row)])


def _pipe_cells(lines: list[str]) -> list[tuple[str | None, int]]:
    """The lines as (cell text, 0) for a cell ended by " |" and (None, pipes) for a line of pipes."""
    out: list[tuple[str | None, int]] = []
    pending: list[str] = []
    for line in lines:
        if _LONE.match(line) or _CLOSER.match(line):
            if pending:
                out.append((_join_cell(pending), 0))
                pending = []
            out.append((None, line.count("|")))
        elif _TRAIL.search(line):
            pending.append(_TRAIL.sub("", line))
            out.append((_join_cell(pending), 0))
            pending = []
        elif line.strip():
            pending.append(line)
    return out


def _closed_width(cells: list[tuple[str | None, int]]) -> int | None:
    """The table's width: the places from a closer of two or more pipes back to the one before it
    — the opener, the cells and the covered places the closer counts. Rows closed by a single
    pipe may lie between two such closers, so the fewest places any stretch holds is the width."""
    widths: list[int] = []
    since = 0  # places since the last closer, its row's opener among them
    for text, pipes in cells:
        if text is None and pipes > 1:
            widths.append(since - 1 + pipes)
            since = 0
        else:
            since += 1
    width = min(widths, default=0)
    return width if width > 1 else None


def separated_stream(lines: list[str]) -> Region | None:
    """Cells of one or more lines, each closed by a lone "|", no "| " or " |" on any line."""
    seps = [i for i, line in enumerate(lines) if _LONE.match(line)]
    if len(seps) < _MIN_LINES or any(_LEAD.match(line) or _TRAIL.search(line) for line in lines):
        return None
    start = seps[0]
    while start > 0 and lines[start - 1].strip():
        start -= 1  # the first cell's lines before the first separator
    end = seps[-1] + 1
    stream: list[list[str]] = []
    pending: list[str] = []
    for line in lines[start:end]:
        if _LONE.match(line):
            stream.append(["\n".join(pending)])
            pending = []
        elif line.strip():
            pending.append(line.strip())
    return Region(start, end, stream, stream=True)


def blank_separated_stream(lines: list[str]) -> Region | None:
    """One cell per line between blank lines, a line of spaces holding an empty cell.

    Only a page whose copied text marks empty cells so (several lines of nothing but spaces
    between blank lines) is read as a stream; ordinary paragraphs separated by blank lines are not.
    """
    if sum("\t" in line for line in lines) >= _MIN_LINES:
        return None  # tab-separated layouts mark their empty cells with tabs (parsers/text.py)
    empty_cells = [
        i for i in range(1, len(lines) - 1)
        if lines[i] and not lines[i].strip(" \u3000\xa0") and not lines[i - 1].strip() and not lines[i + 1].strip()
    ]
    if len(empty_cells) < 3:
        return None
    start = _stream_start(lines, empty_cells[0])
    end = len(lines)
    stream = []
    for line in lines[start:end]:
        if line == "":
            continue
        stream.append([line.strip()])
    return Region(start, end, stream, stream=True)


def _stream_start(lines: list[str], first_empty: int) -> int:
    """The stream starts at the first line of the run of single-line paragraphs that reaches the
    first empty cell: back over lines separated by blank lines."""
    start = first_empty
    while start >= 2 and lines[start - 1] == "" and lines[start - 2].strip():
        start -= 2
    return start
