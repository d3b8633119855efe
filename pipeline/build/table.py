"""Indicator tables → draft indicator trees.

A table's header row says what each column means (see columns.py). Each data row is placed on
those columns (re-anchored where a lossy export shifted its cells), then its hierarchy cells open
or reuse tree nodes — merged cells show up as empty or repeated text in the levels above the item —
and the item itself becomes a leaf carrying the row's points, target, description and so on.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from normalizers.points import parse_points, split_name_points
from normalizers.rules import stated_points
from normalizers.targets import joined_target, parse_target, single_threshold
from pipeline.build.columns import HeaderMap, Role, find_header, header_key, numbering_rank, profile
from pipeline.build.framework import LEVEL1_NAMES, LEVEL2_PARENT, framework_level
from pipeline.build.roles import PROFILED_ROWS, decide_roles
from pipeline.build.table_title import title_section
from pipeline.build.tree import Draft
from pipeline.build.vocabulary import FOOTER_START, PLACEHOLDER_CELL, SUBTOTAL_LABELS, TOTAL_LABELS, UNIT_HEADER
from schema.records import Cell, Fact, Table

# The widest table read as an indicator table: far wider than any in the corpora (a budget
# table has about fifteen columns).
MAX_COLUMNS = 64
_UNIT_COLUMN = re.compile(UNIT_HEADER)
_TOTALS = re.compile(f"({TOTAL_LABELS})")
_SUBTOTALS = re.compile(f"({SUBTOTAL_LABELS})")
# A cell holding only a figure (points or a score): what re-anchoring looks for.
_FIGURE = re.compile(r"^\s*\d+(?:\.\d+)?\s*分?\s*$")
_SECTION_NUMBER = re.compile(r"^[一二三四五六七八九十]+[、.．]")
_BARE_NUMERAL = re.compile(r"[一二三四五六七八九十]{1,3}")
_FOOTER = re.compile(f"^({FOOTER_START})")
_WEIGHT = re.compile(r"(\d+(?:\.\d+)?)\s*[%％]")


@dataclass
class TableResult:
    roots: list[Draft] = field(default_factory=list)  # roots this table opened
    facts: list[Fact] = field(default_factory=list)
    preamble: list[tuple[Cell, ...]] = field(default_factory=list)  # rows above the header
    header: HeaderMap | None = None
    state: _TreeState | None = None  # open nodes after the last row, for a continuation table
    notes: list[str] = field(default_factory=list)  # footer rows: 注, 填报人, …
    continued: bool = False  # the table had no header and continued the previous one


def _framework_offset(texts: list[str], header: HeaderMap) -> int | None:
    """Shift that puts a framework level name (数量指标, 效益指标…) under its own level column."""
    level_columns = {c.level: c.index for c in header.columns if c.role is Role.LEVEL and c.level}
    if 3 not in level_columns:
        return None  # with fewer levels a document may put 数量指标 at its own level 1
    for index, text in enumerate(texts):
        level = framework_level(text)
        if level in level_columns:
            return level_columns[level] - index
    return None


def align_row(texts: list[str], header: HeaderMap) -> list[int | None]:
    """Place a row's cells under the header's columns: for each column, the index of its cell.

    Text exports lose merged cells unevenly, so a row may arrive shorter than its header or shifted.
    A framework level name anchors the row where one is present; otherwise a short row that still
    ends in empty cells (the exporter kept the trailing separators) lost cells at its start and is
    right-aligned; anything else stays left-aligned. Figures (points, score) are then re-anchored
    when the points column holds no figure but the row has a figure run elsewhere.
    """
    width = header.width
    offset = _framework_offset(texts, header)
    if offset is None:
        short_by = width - len(texts)
        offset = short_by if short_by > 0 and texts and not texts[-1].strip() else 0
    placed: list[int | None] = [None] * width
    for index in range(len(texts)):
        column = index + offset
        if 0 <= column < width:
            placed[column] = index
    points_col, score_col = header.first(Role.POINTS), header.first(Role.SCORE)
    if points_col is not None and parse_points(_text_at(texts, placed[points_col])) is None:
        run = _last_figure_run(texts)
        if run:
            placed = [None if i in run else i for i in placed]
            placed[points_col] = run[0]
            if score_col is not None and len(run) > 1:
                placed[score_col] = run[1]
    return placed


def _text_at(texts: list[str], index: int | None) -> str:
    return texts[index].strip() if index is not None and index < len(texts) else ""


def _last_figure_run(texts: list[str]) -> list[int]:
    """Indexes of the last run of adjacent figure cells (at most two: points then score)."""
    figures = [i for i, t in enumerate(texts) if _FIGURE.match(t)]
    if not figures:
        return []
    run = [figures[-1]]
    while run[0] - 1 in figures:
        run.insert(0, run[0] - 1)
    return run[-2:]


def _is_totals_row(texts: list[str]) -> bool:
    first = next((t for t in texts if t.strip()), "")
    return bool(_TOTALS.fullmatch(re.sub(r"\s+", "", first)))


@dataclass(frozen=True, slots=True)
class _PlacedRow:
    """A data row with its cells placed under the header's columns."""

    cells: tuple[Cell, ...]
    placed: tuple[int | None, ...]
    header: HeaderMap

    def at(self, column: int | None) -> str:
        """The cell's text; empty where a cell merged across columns repeats its left neighbour."""
        if column is None or column >= len(self.placed):
            return ""
        index = self.placed[column]
        if index is None:
            return ""
        cell = self.cells[index]
        if cell.spanned and index > 0 and self.cells[index - 1].text == cell.text:
            return ""
        return cell.text.strip()

    def spanned_at(self, column: int) -> bool:
        """Whether the cell continues a cell merged down from the row above."""
        index = self.placed[column] if column < len(self.placed) else None
        return index is not None and self.cells[index].spanned

    def original_at(self, column: int | None) -> str | None:
        if column is None or column >= len(self.placed) or self.placed[column] is None:
            return None
        index = self.placed[column]
        assert index is not None
        return self.cells[index].original

    def role(self, role: Role) -> str:
        return self.at(self.header.first(role))


@dataclass
class _TreeState:
    """Nodes currently open at each hierarchy column, to reuse merged/repeated parents."""

    depth: int
    roots: list[Draft]
    open_nodes: list[Draft | None] = field(default_factory=list)
    last_leaf: Draft | None = None
    section: Draft | None = None  # a spanning section row ("一、通用考核项目 40") the rows nest under
    section_numbering: int | None = None  # the numbering rank of the section row's 序号 cell
    # The points column is merged over each group of items like the group's cell: it holds the
    # group's points, and the items state their own inline (安全生产信用评分: 基本条件 20 | …（2分）).
    group_points: bool = False

    def add_root(self, node: Draft) -> None:
        if self.section is not None:
            self.section.add(node)
        else:
            self.roots.append(node)

    def __post_init__(self) -> None:
        self.open_nodes = [None] * self.depth


def _framework_parent(state: _TreeState, row: _PlacedRow, columns: list[int]) -> str | None:
    """The level-1 name a row's level-2 framework name implies when its level-1 cell is empty.

    A merged level-1 cell exported as text keeps its name on one (middle) row only, so rows above
    that one would inherit the previous group: 数量指标 always belongs to 产出指标, 社会效益指标
    to 效益指标.
    """
    levels = {c.level: c.index for c in row.header.columns if c.role is Role.LEVEL}
    if len(columns) < 2 or columns[0] != levels.get(1) or columns[1] != levels.get(2):
        return None
    first = row.at(columns[0])
    # A merged level-1 cell whose name was lost in the export, its points left ("(50分)").
    nameless = bool(first) and not split_name_points(first)[0].strip()
    if first and not nameless:
        return None
    parent = LEVEL2_PARENT.get(re.sub(r"\s+", "", row.at(columns[1])))
    if parent is not None and nameless:
        return parent
    current = state.open_nodes[0]
    if parent is None or current is None or same_name(current.name, parent):
        return None
    return parent if re.sub(r"\s+", "", current.name) in LEVEL1_NAMES else None


def _row_node(state: _TreeState, row: _PlacedRow, columns: list[int]) -> Draft | None:
    """Open or reuse the nodes a row names; return the deepest node this row introduced.

    An empty hierarchy cell above the item continues the merged cell above it, but only while
    every level above it continues too: a new level-1 name never inherits the old level-2 name.
    """
    inherited = True
    parent: Draft | None = None
    newest: Draft | None = None
    implied_level1 = _framework_parent(state, row, columns)
    for depth, column in enumerate(columns):
        is_item_column = depth == len(columns) - 1
        text = f"{implied_level1}{row.at(column)}" if depth == 0 and implied_level1 else row.at(column)
        if is_item_column and text and row.spanned_at(column) and _own_points(row) is None:
            text = ""  # an item merged down over rows of its own details: one item, not several
        current = state.open_nodes[depth]
        if not text:
            if inherited and not is_item_column and current is not None:
                parent = current
                continue
            inherited = False
            state.open_nodes[depth] = None
            continue
        name, points = split_name_points(text)
        if not is_item_column and inherited and current is not None and same_name(current.name, name):
            if current.points is None:
                current.points = points
            parent = current
            continue
        inherited = False
        original = row.original_at(column)
        if points is None and not is_item_column and len(row.header.all(Role.POINTS)) > 1:
            points = _points(row.at(row.header.points_of(column)))  # the level's own points column
        elif points is None and state.group_points and depth == len(columns) - 2:
            points = _points(row.role(Role.POINTS))  # merged like this group: the group's points
        node = Draft(name=name, points=points, name_original=split_name_points(original)[0] if original else None)
        if parent is None:
            state.add_root(node)
        else:
            parent.add(node)
        state.open_nodes[depth] = node
        for deeper in range(depth + 1, len(columns)):
            state.open_nodes[deeper] = None
        parent = node
        newest = node
    return newest


def _points_of_groups(rows: Sequence[tuple[Cell, ...]], header: HeaderMap) -> bool:
    """Whether the one points column is merged over the items the way the level above them is,
    while the items carry inline marks of their own: the column then holds the groups' points."""
    hierarchy = [c.index for c in header.hierarchy]
    points = header.all(Role.POINTS)
    if len(points) != 1 or len(hierarchy) < 2:
        return False
    data = _data_rows(rows)[:PROFILED_ROWS]
    column, item, group = (profile(data, i) for i in (points[0], hierarchy[-1], hierarchy[-2]))
    return column.grouping and group.grouping and not item.grouping and item.share(item.marked) >= 0.5


def _repeats_header(texts: list[str], header: HeaderMap) -> bool:
    """A row whose hierarchy cells hold the header's own words (一级指标 | … | 二级指标 under
    一级指标 | … | 二级指标): the header again, maybe with other sub-header words in other columns."""
    pairs = [
        (re.sub(r"\s+", "", texts[c.index]), re.sub(r"\s+", "", header.texts[c.index]))
        for c in header.hierarchy
        if c.index < len(texts) and c.index < len(header.texts)
    ]
    filled = [(cell, word) for cell, word in pairs if cell]
    return len(filled) >= 2 and all(cell == word for cell, word in filled)


def _own_points(row: _PlacedRow) -> float | None:
    """The row's points, unless its points cell is merged down from the row above."""
    column = _item_points_column(row.header)
    if column is None or row.spanned_at(column):
        return None
    return _points(row.at(column))


def _item_points_column(header: HeaderMap) -> int | None:
    """The item's points column: its own where levels have theirs (HeaderMap.points_of)."""
    hierarchy = header.hierarchy
    return header.points_of(hierarchy[-1].index) if hierarchy else header.first(Role.POINTS)


def same_name(a: str, b: str) -> bool:
    """Names compared without whitespace: exports break a repeated name at different places."""
    return re.sub(r"\s+", "", a) == re.sub(r"\s+", "", b)


def _is_empty_slot(row: _PlacedRow, item_text: str) -> bool:
    """A form row left blank (e.g. 生态效益指标 with 0 points and nothing else, or "……" where more
    rows may be added) is not an indicator."""
    if _PLACEHOLDER.fullmatch(item_text):
        if not any(_PLACEHOLDER.fullmatch(row.role(r)) is None for r in (Role.DESCRIPTION, Role.TARGET)):
            return True
        item_text = ""
    if item_text or any(row.role(r) for r in (Role.DESCRIPTION, Role.TARGET, Role.ACTUAL)):
        return False
    return not _points(row.role(Role.POINTS))


# What a form puts where no value is: "……", "--", "/", "无"; and its numbered blank slots for
# more items ("指标2", "指标3：" in the 自评表 template).
_PLACEHOLDER = re.compile(PLACEHOLDER_CELL)


def _continues(table: Table, previous: TableResult | None) -> bool:
    """A headerless table as wide as the previous indicator table continues it (Word documents
    often break one table into one per page)."""
    if previous is None or previous.header is None or previous.state is None or not table.rows:
        return False
    return all(len(row) == previous.header.width for row in table.rows)


def table_indicators(table: Table, previous: TableResult | None = None) -> TableResult:
    """Build the indicator trees of one table; rows above its header are returned as preamble.

    ``previous`` is the result of the indicator table just before, which a headerless table of
    the same width continues: its rows join the same tree.
    """
    result = TableResult()
    found = find_header(table.rows)
    if found is None and not _continues(table, previous):
        result.preamble = list(table.rows)
        return result
    if found is None:
        assert previous is not None and previous.header is not None and previous.state is not None
        header, header_index = previous.header, -1
        header_texts: list[str] = []
        result.continued = True
    elif found[1].width > MAX_COLUMNS:
        # No indicator table is this wide: a damaged file's row of thousands of cells, whose roles
        # would cost columns × columns to decide. Its rows stay text (the document's preamble).
        result.preamble = list(table.rows)
        return result
    else:
        header_index, header = found
        result.preamble = list(table.rows[:header_index])
        header_texts = [c.text for c in table.rows[header_index]]
        header = decide_roles(header, _data_rows(table.rows[header_index + 1 :]))
        if not header.hierarchy:
            # No column holds items after all (two criteria columns, no names): not an indicator table.
            return TableResult(preamble=list(table.rows))
    result.header = header
    hierarchy = [c.index for c in header.hierarchy]
    state = _TreeState(depth=len(hierarchy), roots=result.roots)
    if result.continued and previous is not None and previous.state is not None:
        state.open_nodes = list(previous.state.open_nodes)
        state.last_leaf = previous.state.last_leaf
        state.section = previous.state.section
    result.state = state
    rows = table.rows[header_index + 1 :]
    section_rank = _section_rank(rows, header)
    state.group_points = _points_of_groups(rows, header)
    # A table of 一级/二级/三级指标 says its own top level: a title over it ("绩效指标(90分)") only
    # groups the levels.
    titled = None if header.first(Role.LEVEL) is not None else title_section(result.preamble)
    if titled is not None:  # "安全部分（50分）" across the table above its header
        result.preamble.pop()
        titled.page = table.page
        result.roots.append(titled)
        state.section = titled

    for row_number, cells in enumerate(rows, start=header_index + 1):
        texts = [c.text for c in cells]
        if texts == header_texts or _repeats_header(texts, header):
            continue  # header repeated on a continuation page, or over each part of the table
        row = _PlacedRow(cells=cells, placed=tuple(align_row(texts, header)), header=header)
        kind = _row_kind(texts)
        if kind == "total":
            result.facts.extend(_totals_facts(row))
            continue
        if kind == "subtotal":
            continue
        if kind == "footer":
            # Notes, signatures and contact lines under the table: not indicators.
            result.notes.append(" ".join(dict.fromkeys(t.strip() for t in texts if t.strip())))
            continue
        section = _section_row(row, hierarchy, section_rank)
        if section is not None:
            _fill(section, row, keep_points=True)
            section.page = _row_page(table, row_number)
            result.roots.append(section)
            state.section = section
            state.section_numbering = _index_form(_numbering_cell(cells, header))
            state.open_nodes = [None] * state.depth
            state.last_leaf = None
            continue
        if _is_empty_slot(row, row.at(hierarchy[-1])):
            continue
        if state.section is not None and _numbers_next_section(cells, header, state.section_numbering):
            # "二" in a 序号 cell of its own after section "一"'s rows: the section has ended,
            # though this row titles none (its group and items start on it).
            state.section, state.section_numbering = None, None
            state.open_nodes = [None] * state.depth
        node = _row_node(state, row, hierarchy)
        if node is None:
            # Nothing new named: the row continues the item above (a wrapped or split row).
            if state.last_leaf is not None:
                for text in _own_descriptions(row):
                    _append_description(state.last_leaf, text)
            continue
        _fill(node, row, column_points=not state.group_points)
        node.page = _row_page(table, row_number)
        state.last_leaf = _split_numbered(node, state, header) or node
    return result


_NUMBER_OPENING = re.compile(r"^\s*(\d{1,2})\s*[.、．]")
# The next item number inside a cell, after a sentence end or a "…分": "…扣1分。 2.未事先报备…".
_NEXT_NUMBER = r"(?:(?<=[。；;！!？?\s])|(?<=\d分))\s*{}\s*[.、．](?!\d)"


def _split_numbered(node: Draft, state: _TreeState, header: HeaderMap) -> Draft | None:
    """Items numbered one per row, of which one cell packs several ("3.…；4.…"): one leaf each.

    Returns the last leaf made, or None when the cell holds one item.
    """
    if not header.hierarchy[-1].numbered or node.children:
        return None
    opening = _NUMBER_OPENING.match(node.name)
    if opening is None:
        return None
    number, pieces, start = int(opening.group(1)) + 1, [], 0
    while (following := re.search(_NEXT_NUMBER.format(number), node.name[start + 1 :])) is not None:
        cut = start + 1 + following.start()
        pieces.append(node.name[start:cut].strip())
        start, number = cut, number + 1
    if not pieces:
        return None
    pieces.append(node.name[start:].strip())
    node.name = pieces[0]
    parent = state.open_nodes[-2] if len(state.open_nodes) > 1 else None
    last = node
    for piece in pieces[1:]:
        last = Draft(name=piece, page=node.page)
        if parent is not None:
            parent.add(last)
        else:
            state.add_root(last)
    state.open_nodes[-1] = last
    return last


def _row_page(table: Table, row_number: int) -> int | None:
    return table.row_pages[row_number] if row_number < len(table.row_pages) else table.page


def _row_kind(texts: list[str]) -> str | None:
    """'total', 'subtotal' or 'footer' for rows that are not indicators, by their first label."""
    first = next((t.strip() for t in texts if t.strip()), "")
    key = re.sub(r"\s+", "", first)
    if _TOTALS.fullmatch(key):
        return "total"
    if _SUBTOTALS.fullmatch(key):
        return "subtotal"
    if _FOOTER.match(first):
        return "footer"
    return None


def _data_rows(rows: tuple[tuple[Cell, ...], ...]) -> list[tuple[Cell, ...]]:
    """The rows that hold indicators: totals, subtotals and notes left out."""
    return [row for row in rows if _row_kind([c.text for c in row]) is None]


def _numbering_cell(row: tuple[Cell, ...], header: HeaderMap) -> str:
    """Where a row's numbering is written: its index cell, else its item cell — a cell of its own,
    not one merged down or across (a merged level cell "一、领导重视" beside item "1、…" is a level,
    not a section row)."""
    index = header.first(Role.INDEX)
    column = index if index is not None else (header.hierarchy[-1].index if header.hierarchy else None)
    if column is None or column >= len(row) or row[column].spanned:
        return ""
    return row[column].text


def _numbers_next_section(cells: tuple[Cell, ...], header: HeaderMap, section_numbering: int | None) -> bool:
    """A row numbered, in a 序号 cell of its own, in the form its open section was numbered in."""
    if section_numbering is None or header.first(Role.INDEX) is None:
        return False
    return _index_form(_numbering_cell(cells, header)) == section_numbering


def _index_form(text: str) -> int | None:
    """A 序号 cell's numbering form: its rank, or -1 for a bare Chinese numeral ("一", "二")."""
    rank = numbering_rank(text)
    return -1 if rank is None and _BARE_NUMERAL.fullmatch(text.strip()) else rank


def _section_rank(rows: tuple[tuple[Cell, ...], ...], header: HeaderMap) -> int | None:
    """The numbering rank that marks section rows, when the table numbers on two levels.

    Items carry the most common numbering (1, 2, 3); rows numbered in a higher form (一、, 二、)
    title sections, whatever else they carry — their total, even a description of their own.
    """
    ranks = [numbering_rank(_numbering_cell(row, header)) for row in _data_rows(rows)]
    counted = Counter(rank for rank in ranks if rank is not None)
    if len(counted) < 2:
        return None
    item_rank = max(counted, key=lambda rank: (counted[rank], rank))
    higher = [rank for rank in counted if rank < item_rank]
    return max(higher) if higher else None


def _section_row(row: _PlacedRow, hierarchy: list[int], section_rank: int | None) -> Draft | None:
    """A row that titles a section ("一、" | "通用考核项目" | 40) and spans the rows below.

    Numbered in a higher form than the items, it is a section whatever else it carries; without
    such numbering it must only title (the item column empty, no target, no description).
    """
    texts = [c.text.strip() for c in row.cells]
    filled = [t for t in texts if t]
    if not filled:
        return None
    rank = numbering_rank(_numbering_cell(row.cells, row.header))
    by_numbering = section_rank is not None and rank is not None and rank <= section_rank
    if not by_numbering:
        index = row.header.first(Role.INDEX)
        # A section numeral in a 序号 cell of its own needs no "、" ("一" | 必备条件 | … ).
        bare = index is not None and row.at(index) == filled[0] and _BARE_NUMERAL.fullmatch(filled[0])
        if not _SECTION_NUMBER.match(filled[0]) and not bare:
            return None
        if len(hierarchy) > 1 and row.at(hierarchy[-1]):
            return None  # the row names its own item: "一、领导重视(20分)" beside "1、…" is a merged level
        if row.role(Role.TARGET) or (
            len(hierarchy) == 1 and any(row.at(c) for c in row.header.all(Role.DESCRIPTION))
        ):
            return None
    title_cells = [row.header.first(Role.INDEX), *hierarchy]
    words = [row.at(c) for c in title_cells if c is not None and row.at(c)] or filled
    words = [w for w in dict.fromkeys(words) if not _FIGURE.match(w)] or words
    if len(words) > 1 and _BARE_NUMERAL.fullmatch(words[0]):
        words = words[1:]  # the 序号 cell numbers the section as it numbers items: not its name
    title = words[0] if not _SECTION_NUMBER.fullmatch(words[0]) or len(words) == 1 else words[0] + words[1]
    name, points = split_name_points(title)
    if points is None:
        points = _points(row.role(Role.POINTS))
    return Draft(name=name, points=points)


def _own_descriptions(row: _PlacedRow) -> list[str]:
    """The description texts a continuation row adds: its own cells, not those merged down."""
    return [row.at(c) for c in row.header.all(Role.DESCRIPTION) if row.at(c) and not row.spanned_at(c)]


def _append_description(node: Draft, text: str) -> None:
    if text:
        node.description = f"{node.description}\n{text}" if node.description else text


def _points(text: str) -> float | None:
    """A points cell; a weight written as a percentage (权重 "10%") counts as its number."""
    points = parse_points(text)
    if points is None and (weight := _WEIGHT.fullmatch(text.strip())):
        points = float(weight.group(1))
    return points


def _fill(node: Draft, row: _PlacedRow, keep_points: bool = False, column_points: bool = True) -> None:
    # Several description columns (考核内容 and 评分标准) are kept together, in column order.
    descriptions = [row.at(c) for c in row.header.all(Role.DESCRIPTION)]
    node.description = "\n".join(d for d in descriptions if d) or None
    if keep_points and node.points is not None:
        pass
    elif row.header.first(Role.POINTS) is not None and column_points:
        points_column = _item_points_column(row.header)
        points = _points(row.at(points_column))
        if points is not None:
            node.points, node.column_points = points, True
            node.points_merged = points_column is not None and row.spanned_at(points_column)
    elif node.points is None:
        # No points column: a rules table states points inline, "(1分)" per requirement.
        node.points = stated_points(f"{node.name} {node.description or ''}")
    node.score = parse_points(row.role(Role.SCORE))
    node.amount = row.role(Role.AMOUNT) or None
    target_column = row.header.first(Role.TARGET)
    target_text = row.role(Role.TARGET)
    if target_column is not None and target_text:
        # The comparator and the unit may stand in columns of their own either side of the value.
        unit_column = target_column + 1 < len(row.header.texts) and _UNIT_COLUMN.fullmatch(
            header_key(row.header.texts[target_column + 1]))
        comparator = row.at(target_column - 1) if target_column > 0 else ""
        target_text = joined_target(comparator, target_text, row.at(target_column + 1) if unit_column else "")
    node.target_text = target_text or None
    node.target = parse_target(target_text) if target_text else None
    if row.header.first(Role.TARGET) is None and descriptions and descriptions[0]:
        # No target column: a requirement stating one threshold is the item's target.
        node.target = single_threshold(descriptions[0])
    node.actual = row.role(Role.ACTUAL) or None
    node.basis = row.role(Role.BASIS) or None
    node.reason = row.role(Role.REASON) or None
    node.measures = row.role(Role.MEASURES) or None


def _totals_facts(row: _PlacedRow) -> list[Fact]:
    """A totals row holds a label and its figures in header order (points before score), but
    exports misplace its figures more than any other row's, so they are read in order, not by column."""
    figures = [c.text.strip() for c in row.cells if _FIGURE.match(c.text)]
    names = [name for role, name in ((Role.POINTS, "total_points"), (Role.SCORE, "total_score"))
             if row.header.first(role) is not None]
    points_col, score_col = row.header.first(Role.POINTS), row.header.first(Role.SCORE)
    if points_col is not None and score_col is not None and score_col < points_col:
        names.reverse()
    return [Fact(name=name, value=parse_points(text), text=text) for name, text in zip(names, figures, strict=False)]
