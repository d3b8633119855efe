"""Cell streams re-flowed into rows by their header.

A web page's table copied as text often loses its row ends: one cell per line, nothing to say
where a row stops (parsers/text_layouts.py hands such a stream on as a one-column table). The
header says: it is the run of cells whose words name columns (一级指标, 二级指标, …, 分值, 得分),
and every row after it has as many cells, empty ones included. Of the runs that could be the
header (a group title such as "绩效指标(90分)" may stand before it), the one whose rows agree
best, column by column, on what their cells hold is taken.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from pipeline.build.columns import recognise_header, role_of
from pipeline.build.stream_figures import figure_ended_rows
from pipeline.build.stream_levels import FIGURE as _FIGURE
from pipeline.build.stream_levels import join_fragments, level_rows
from pipeline.build.stream_numbered import numbered_rows
from pipeline.build.vocabulary import FIGURE_ROLES, FOOTER_START, HIERARCHY_ROLES, TOTAL_LABELS, Role
from schema.records import Block, Cell, Paragraph, Table

_TOTAL = re.compile(f"^({TOTAL_LABELS})$")
_FOOTER = re.compile(f"^(?:{FOOTER_START})")
_MIN_WIDTH = 3
# The widest header tried. Indicator tables have a dozen columns at most; a longer run of header
# words (a list of column names repeated) is tried at every width up to this, not at all of its own.
_MAX_WIDTH = 24
# A header cell whose words no vocabulary names (指标性质, 度量单位): a short label of words.
_LABEL = re.compile(r"[\u4e00-\u9fff()（）]{2,8}")
# Rows agreeing this well on their columns' content make a header's width credible.
_AGREEMENT = 0.75
# Empty places closing each row (a lone "|" after a row's last cell, two for a row and its page's border).
_MAX_ROW_END = 2
# A header run names a column of figures or of targets (a 绩效目标表 has no points column).
_VALUE_ROLES = (*FIGURE_ROLES, Role.TARGET)
# What a target cell starts with or holds: a comparator, or a figure (and its unit).
_VALUE = re.compile(r"^\s*(?:[≥≤><=＞＜＝]|不[少低高超]于)|\d")


def _kind(text: str) -> str:
    text = text.strip()
    if not text:
        return "empty"
    return "figure" if _FIGURE.match(text) else "text"


def _valued(text: str) -> bool:
    """A cell stating a value: a figure, or a comparison or quantity ("≥100公里", "1600元/亩")."""
    return bool(_VALUE.search(text))


def _header_candidates(cells: Sequence[str]) -> list[tuple[int, int]]:
    """(start, width) of runs of header words that read as an indicator-table header."""
    candidates: list[tuple[int, int]] = []
    index = 0
    while index < len(cells):
        if role_of(cells[index]) is None:
            index += 1
            continue
        end = index
        while end < len(cells) and (role_of(cells[end]) is not None or _LABEL.fullmatch(cells[end].strip())):
            end += 1
        # Empty cells right after the header words may be a place every row has (a lone "|"
        # closing each row of a page's table is one more empty cell): they widen the header.
        padded = end
        while padded < min(len(cells), end + _MAX_ROW_END) and not cells[padded].strip():
            padded += 1
        # A run of header words may start with a group title and run on into the first row's
        # level names (产出指标, 数量指标): every start and width in it is a candidate.
        for start in (index, index + 1):
            widths = [*range(_MIN_WIDTH, min(end - start, _MAX_WIDTH) + 1), *range(end - start + 1, padded - start + 1)]
            for width in widths:
                row = tuple(Cell(text=c) for c in cells[start : start + width])
                if recognise_header(row) is not None:
                    candidates.append((start, width))
        index = end
    return candidates


def totals_row(cells: Sequence[str], position: int, width: int) -> int:
    """How many cells from ``position`` make a totals row ("合计 | 100 | |"): its label and the
    figures (or empty cells) after it, written in fewer cells than a row when merged; 0 if none."""
    if position >= len(cells) or not _TOTAL.match(re.sub(r"\s+", "", cells[position])):
        return 0
    end = position + 1
    while end < min(len(cells), position + width) and _kind(cells[end]) != "text":
        end += 1
    return end - position


def _rows(cells: Sequence[str], start: int, width: int) -> list[list[str]]:
    """Rows of ``width`` cells from ``start`` while they agree with the first rows' columns."""
    rows: list[list[str]] = []
    position = start
    while position + width <= len(cells):
        if totals_row(cells, position, width):
            break
        rows.append(list(cells[position : position + width]))
        position += width
    if len(rows) < 2:
        return rows
    kinds = [Counter(_kind(row[c]) for row in rows[:3]).most_common(1)[0][0] for c in range(width)]
    for count, row in enumerate(rows):
        agree = sum(_kind(cell) == kinds[c] or not cell.strip() for c, cell in enumerate(row))
        if count >= 1 and agree * 2 < width:
            return rows[:count]
    return rows


def _agreement(rows: list[list[str]]) -> float:
    """How well the rows agree on each column's kind of content (0..1)."""
    if not rows:
        return 0.0
    width = len(rows[0])
    total = 0
    for column in range(width):
        kinds = Counter(_kind(row[column]) for row in rows)
        total += kinds.most_common(1)[0][1]
    return total / (width * len(rows))


def _filled_agreement(rows: list[list[str]]) -> float:
    """How well the rows' filled cells agree on each column's kind of content (0..1)."""
    agree = total = 0
    for column in range(len(rows[0]) if rows else 0):
        kinds = Counter(_kind(row[column]) for row in rows if row[column].strip())
        if kinds:
            agree += kinds.most_common(1)[0][1]
            total += sum(kinds.values())
    return agree / total if total else 0.0


def _fit(header: Sequence[str], rows: list[list[str]]) -> float:
    """The share of cells whose kind fits their header's role: figures (or nothing) under points
    and scores, words (or nothing) under hierarchy columns."""
    roles = [role_of(text) for text in header]
    checks = hits = 0
    for row in rows:
        for role, cell in zip(roles, row, strict=False):
            kind = _kind(cell)
            if role in FIGURE_ROLES:
                checks += 1
                hits += kind != "text"
            elif role is Role.TARGET:
                checks += 1
                hits += kind == "empty" or _valued(cell)
            elif role in HIERARCHY_ROLES:
                checks += 1
                hits += kind != "figure" and not (role is Role.LEVEL and _VALUE.match(cell.strip()))
    return round(hits / checks, 2) if checks else 0.0


def reflow(table: Table) -> tuple[list[Cell], Table, list[Cell]] | None:
    """The stream's cells before the header, its table (header and rows), the cells after it."""
    stream = join_fragments([row[0] if row else Cell(text="") for row in table.rows])
    cells = [cell.text for cell in stream]
    # The header under whose words the cells fit (figures under 分值, names under 指标), then
    # the widest whose rows agree on their columns. Rows are read at the header's width, or, where
    # that reads less of the stream, as long as the levels they name (stream_levels.py) or as
    # long as it takes to reach the figure that ends each row (stream_figures.py).
    best: tuple[tuple[float, bool, bool, int, int], int, int, list[list[Cell]], int] | None = None
    for start, width in _header_candidates(cells):
        fixed = _rows(cells, start + width, width)
        header = cells[start : start + width]
        placed = [(0, start + width * (i + 1), width) for i in range(len(fixed))]
        levelled = level_rows(cells, start + width, header)
        if levelled and _level_reading_wins(cells, start, width, len(fixed), levelled):
            placed = levelled
        rows = [[Cell(text="")] * column + list(stream[position : position + n]) for column, position, n in placed]
        end = placed[-1][1] + placed[-1][2] if placed else start + width
        # Rows placed by their levels leave merged positions and blank slots empty: their filled
        # cells are what must agree.
        filled = placed is levelled
        for figured in (figure_ended_rows(stream, start + width, header), numbered_rows(stream, start + width, header)):
            if figured is None:
                continue
            # Rows ended by their figures (or opened by their numbers) win where their figures fit
            # better, or as well and further.
            fits = (_fit(header, _texts(figured[0])), figured[1]), (_fit(header, _texts(rows)), end)
            if fits[0] > fits[1]:
                (rows, end), filled = figured, True
        texts = _texts(rows)
        agreement = _filled_agreement(texts) if filled else _agreement(texts)
        # A header cell holding figures ("绩效指标(90分)") is a group title above the header.
        titled = sum(bool(re.search(r"\d", text)) for text in header)
        # A header of one row is a weaker reading than one of several that fit as well.
        score = (_fit(header, texts), len(rows) >= 2, agreement >= _AGREEMENT, -titled, width)
        if rows and (best is None or score > best[0]):
            best = (score, start, width, rows, end)
    if best is None:
        return None
    _, start, width, rows, end = best
    grid = (tuple(stream[start : start + width]), *(tuple(row) for row in rows))
    total = totals_row(cells, end, width)
    if total:
        grid += ((*stream[end : end + total], *(Cell(text="") for _ in range(width - total))),)
        end += total
    return (
        [c for c in stream[:start] if c.text.strip()],
        Table(rows=grid, page=table.page),
        [c for c in stream[end:] if c.text.strip()],
    )


def _texts(rows: list[list[Cell]]) -> list[list[str]]:
    return [[cell.text for cell in row] for row in rows]


def _level_reading_wins(
    cells: Sequence[str], start: int, width: int, count: int, placed: list[tuple[int, int, int]]
) -> bool:
    """Whether rows placed by their levels read the stream better than rows of the header's
    width: their cells fit their columns better, or as well and they reach further."""
    header = cells[start : start + width]
    fixed = [list(cells[i : i + width]) for i in range(start + width, start + width * (count + 1), width)]
    levelled = [[""] * column + list(cells[position : position + n]) for column, position, n in placed]
    reach = placed[-1][1] + placed[-1][2]
    fits = _fit(header, levelled), _fit(header, fixed)
    return fits[0] > fits[1] or (reach > start + width * (count + 1) and fits[0] == fits[1])


def _paragraph(cell: Cell, page: int | None) -> Paragraph:
    return Paragraph(text=cell.text, page=page, original=cell.original)


def expand_streams(blocks: Sequence[Block]) -> tuple[Block, ...]:
    """Blocks with every cell stream re-flowed: its table, and its other cells as paragraphs. A
    run of paragraphs that opens with a header written one word per paragraph is a stream too."""
    out: list[Block] = []
    for block in _paragraph_streams(blocks):
        if not isinstance(block, Table) or block.layout != "stream":
            out.append(block)
            continue
        found = reflow(block)
        if found is None:
            out.extend(_paragraph(row[0], block.page) for row in block.rows if row and row[0].text)
            continue
        before, grid, after = found
        out.extend(_paragraph(cell, block.page) for cell in before)
        out.append(grid)
        out.extend(_paragraph(cell, block.page) for cell in after)
    return tuple(out)


_MIN_HEADER_PARAGRAPHS = 4
# The most paragraphs read as one stream: far more cells than any indicator table has, so that a
# damaged file of endless header words costs no more than a table does.
_MAX_STREAM = 20000


def _header_run(blocks: Sequence[Block], index: int) -> tuple[bool, int]:
    """Whether the paragraphs from ``index`` that are header words, one per paragraph, make a
    header (four or more, three named, a hierarchy and a figure column among them), and where
    that run of words ends. No run starting inside it makes a header when it does not."""
    end = index
    while (
        end < len(blocks)
        and isinstance(block := blocks[end], Paragraph)
        and (role_of(block.text) is not None or (end > index and _LABEL.fullmatch(block.text.strip())))
    ):
        end += 1
    roles = [role_of(block.text) for block in blocks[index:end]]  # type: ignore[union-attr]
    if end - index < _MIN_HEADER_PARAGRAPHS or sum(r is not None for r in roles) < _MIN_WIDTH:
        return False, end
    return any(r in HIERARCHY_ROLES for r in roles) and any(r in _VALUE_ROLES for r in roles), end


def _paragraph_streams(blocks: Sequence[Block]) -> list[Block]:
    """Blocks with each run of paragraphs under a one-word-per-paragraph header made a stream."""
    out: list[Block] = []
    index = 0
    while index < len(blocks):
        header, run_end = _header_run(blocks, index)
        if not header:
            # No header here, nor at any start inside the run of header words (each run scanned once).
            out.extend(blocks[index : max(run_end, index + 1)])
            index = max(run_end, index + 1)
            continue
        end, limit = index, min(len(blocks), index + _MAX_STREAM)
        while end < limit and isinstance(block := blocks[end], Paragraph) and not _FOOTER.match(block.text):
            end += 1
        paragraphs = blocks[index:end]
        stream = Table(
            rows=tuple((Cell(text=b.text, original=b.original),) for b in paragraphs),  # type: ignore[union-attr]
            page=paragraphs[0].page,
            layout="stream",
        )  # type: ignore[union-attr]
        found = reflow(stream)
        if found is None or len(found[1].rows) < 3:  # a header over prose, not over rows
            out.extend(blocks[index:run_end])
            index = run_end
            continue
        out.append(stream)
        index = end
    return out
