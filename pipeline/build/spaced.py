"""Spaced rows: a table whose cells stand apart by single spaces, one row per paragraph.

"产出指标 数量指标 出差人数 正向 = 8 4" under "一级指标 二级指标 三级指标 指标性质 指标方向 目标值
计量单位 分值 备注" — what a web page's table becomes as scraped text, and a borderless PDF table
as its page text. Empty cells leave no trace (two spaces fold to one), a cell merged down over
rows is written on its first row only, a cell's own text may wrap onto lines of its own
("经济效益" / "指标" above the row it opens). So a row's tokens are placed by what they are: each
token goes to the column whose kind (words, a figure, a unit, a comparator) suits it, in order,
the alignment that costs least winning (a small dynamic programme over tokens × columns); leading
columns a row leaves empty continue the cells above, as in any grid.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from enum import Enum

from normalizers.targets import COMPARATOR_SIGN
from pipeline.build.columns import role_of
from pipeline.build.vocabulary import (
    FOOTER_START,
    HIERARCHY_ROLES,
    NUMBERING_FORMS,
    PLACEHOLDER_CELL,
    UNIT_HEADER,
    UNIT_WORD,
    Role,
)
from schema.records import Block, Cell, Paragraph, Table


class _Kind(Enum):
    WORDS = "words"
    FIGURE = "figure"
    UNIT = "unit"
    COMPARATOR = "comparator"
    MARK = "mark"  # "(30分)": what a merged level cell keeps of itself when its name was lost
    QUANTITY = "quantity"  # "≥20平方米", "475元/亩": a value with its unit, what targets hold
    NONE = "none"  # "/", "-", "无": a cell stating that there is nothing


class ColumnKind(Enum):
    NAMES = "names"  # the hierarchy: levels, sections, the item
    WORDS = "words"  # any other words: criteria, remarks, 指标性质
    VALUE = "value"  # targets and actual values: a figure, or words ("有所提升")
    FIGURE = "figure"  # points and scores
    INDEX = "index"
    UNIT = "unit"


_FIGURE = re.compile(r"^[(（]?[≥≤><=＞＜＝≧≦]*[+＋-]?\d[\d,，]*(?:\.\d+)?\s*(?:%|％|‰|分)?[)）]?(?:以上|以下)?$")
_COMPARATOR = re.compile(rf"^(?:{COMPARATOR_SIGN})$")
_QUANTITY = re.compile(
    rf"^(?:{COMPARATOR_SIGN}|不[少低高超]于)?\s*\d[\d,，]*(?:\.\d+)?\s*(?:{UNIT_WORD})(?:以上|以下|以内)?$"
)
_UNIT = re.compile(UNIT_WORD)
_NONE = re.compile(PLACEHOLDER_CELL)
_UNIT_COLUMN = re.compile(UNIT_HEADER)
_FOOTER = re.compile(f"^(?:{FOOTER_START})")
_NUMBERED = re.compile("|".join(f"(?:{form.pattern})" for form in NUMBERING_FORMS if form.rank <= 2))
# A points mark alone on a line: it closes the wrapped cell above it ("满意度指标" / "(10分)").
_MARK_LINE = re.compile(r"^[(（]\s*\d+(?:\.\d+)?\s*分\s*[)）]?$|^\d+(?:\.\d+)?\s*分\s*[)）]$")
# A wrapped cell's line: short words, no figure of their own.
_WRAPPED_LINE = re.compile(r"^[\u4e00-\u9fff（）()、]{1,12}$")

# What placing a token of a kind in a column of a kind costs: words belong in word columns,
# figures in figure columns (a target or actual value takes them too, at a little more, so that
# a row stating fewer figures than the header fills its points and score first).
_COST: dict[_Kind, dict[ColumnKind, float]] = {
    _Kind.WORDS: {
        ColumnKind.NAMES: 0.0,
        ColumnKind.WORDS: 0.0,
        ColumnKind.VALUE: 0.8,
        ColumnKind.FIGURE: 6.0,
        ColumnKind.INDEX: 6.0,
        ColumnKind.UNIT: 3.0,
    },
    _Kind.FIGURE: {
        ColumnKind.NAMES: 4.0,
        ColumnKind.WORDS: 2.5,
        ColumnKind.VALUE: 0.2,
        ColumnKind.FIGURE: 0.0,
        ColumnKind.INDEX: 1.0,
        ColumnKind.UNIT: 1.2,
    },
    _Kind.UNIT: {
        ColumnKind.NAMES: 3.0,
        ColumnKind.WORDS: 1.5,
        ColumnKind.VALUE: 1.0,
        ColumnKind.FIGURE: 5.0,
        ColumnKind.INDEX: 6.0,
        ColumnKind.UNIT: 0.0,
    },
    # a comparator is a column of its own in some forms (指标方向 "="), never a name
    _Kind.COMPARATOR: {
        ColumnKind.NAMES: 3.0,
        ColumnKind.WORDS: 0.5,
        ColumnKind.VALUE: 0.5,
        ColumnKind.FIGURE: 4.0,
        ColumnKind.INDEX: 6.0,
        ColumnKind.UNIT: 3.0,
    },
    _Kind.MARK: {
        ColumnKind.NAMES: 0.2,
        ColumnKind.WORDS: 0.5,
        ColumnKind.VALUE: 0.5,
        ColumnKind.FIGURE: 0.3,
        ColumnKind.INDEX: 6.0,
        ColumnKind.UNIT: 3.0,
    },
    _Kind.QUANTITY: {
        ColumnKind.NAMES: 3.0,
        ColumnKind.WORDS: 1.0,
        ColumnKind.VALUE: 0.0,
        ColumnKind.FIGURE: 3.0,
        ColumnKind.INDEX: 6.0,
        ColumnKind.UNIT: 3.0,
    },
    _Kind.NONE: dict.fromkeys(ColumnKind, 0.1),
}
_JOIN = 1.5  # a token continuing the cell of the token before it (a cell with a space inside)
_SKIP_LEADING = 0.25  # a leading column left empty: the cell merged down from the row above
_SKIP = 0.3  # any other empty column
_MAX_COST_PER_TOKEN = 1.2  # above this a line's tokens do not fit the header: not a row
_MIN_HEADER = 3
_MIN_ROWS = 2


def _kind(token: str) -> _Kind:
    if _NONE.fullmatch(token):
        return _Kind.NONE
    if _COMPARATOR.fullmatch(token):
        return _Kind.COMPARATOR
    if _MARK_LINE.fullmatch(token):
        return _Kind.MARK
    if _FIGURE.fullmatch(token):
        return _Kind.FIGURE
    if _UNIT.fullmatch(token):
        return _Kind.UNIT
    if _QUANTITY.fullmatch(token):
        return _Kind.QUANTITY
    return _Kind.WORDS


def _column_kind(header: str) -> ColumnKind:
    role = role_of(header)
    if role in (Role.POINTS, Role.SCORE, Role.AMOUNT):
        return ColumnKind.FIGURE
    if role in (Role.TARGET, Role.ACTUAL):
        return ColumnKind.VALUE
    if role is Role.INDEX:
        return ColumnKind.INDEX
    if role in HIERARCHY_ROLES:
        return ColumnKind.NAMES
    if role is None and _UNIT_COLUMN.fullmatch(re.sub(r"\s+", "", header)):
        return ColumnKind.UNIT
    return ColumnKind.WORDS


def column_kinds(words: Sequence[str]) -> list[ColumnKind]:
    """What each header word's column holds."""
    return [_column_kind(word) for word in words]


def _join_cost(previous: _Kind, kind: _Kind, column: ColumnKind, place: float) -> float:
    """What a token costs joined to the cell of the token before it: a comparator and its figure
    ("≥ 90"), a figure and its unit ("90 %") are one value, at no cost of their own."""
    if column is ColumnKind.VALUE and (
        (previous is _Kind.COMPARATOR and kind is _Kind.FIGURE) or (previous is _Kind.FIGURE and kind is _Kind.UNIT)
    ):
        return 0.0
    if previous is _Kind.FIGURE and kind is _Kind.FIGURE:
        return 2 * _JOIN + place  # two figures are two cells, whatever columns are left for them
    return _JOIN + place


def align(tokens: Sequence[str], columns: Sequence[ColumnKind]) -> tuple[list[str], float]:
    """The row's cells (one per column, "" where empty) and the alignment's cost per token.

    Tokens keep their order; each goes to a column after the previous token's or joins that
    token's cell. dp[i][j]: least cost of placing tokens[:i + 1] with token i in column j.
    """
    n, m = len(tokens), len(columns)
    kinds = [_kind(t) for t in tokens]
    inf = float("inf")
    cost = [[inf] * m for _ in range(n)]
    back: list[list[int]] = [[-1] * m for _ in range(n)]
    for j in range(m):
        cost[0][j] = j * _SKIP_LEADING + _COST[kinds[0]][columns[j]]
    for i in range(1, n):
        for j in range(m):
            place = _COST[kinds[i]][columns[j]]
            best, arg = cost[i - 1][j] + _join_cost(kinds[i - 1], kinds[i], columns[j], place), j
            for k in range(j):
                candidate = cost[i - 1][k] + (j - k - 1) * _SKIP + place
                if candidate < best:
                    best, arg = candidate, k
            cost[i][j], back[i][j] = best, arg
    last = min(range(m), key=lambda j: cost[n - 1][j] + (m - 1 - j) * _SKIP)
    total = cost[n - 1][last] + (m - 1 - last) * _SKIP
    placed = [0] * n
    placed[-1] = last
    for i in range(n - 1, 0, -1):
        placed[i - 1] = back[i][placed[i]]
    cells = [""] * m
    for token, column in zip(tokens, placed, strict=True):
        cells[column] = f"{cells[column]} {token}" if cells[column] else token
    return cells, total / n


def cell_tokens(text: str) -> list[str]:
    """The paragraph's space-separated tokens, a bracket's spaced contents kept with it: "数量(
    ≥**个 )" is one cell's words, not three cells."""
    tokens: list[str] = []
    depth = 0
    for token in text.split():
        if depth > 0 and tokens:
            tokens[-1] = f"{tokens[-1]} {token}"
        else:
            tokens.append(token)
        depth = max(0, depth + token.count("(") + token.count("（") - token.count(")") - token.count("）"))
    return tokens


def header_tokens(text: str) -> tuple[str, list[str]] | None:
    """The header a paragraph ends with — (the text before it, the column words) — when its last
    tokens name at least three columns, the first of them the numbering or a hierarchy column;
    a short label no vocabulary names (指标性质, 备注) may stand among them."""
    tokens = text.split()
    start = len(tokens)
    while start > 0 and _column_word(tokens[start - 1]):
        start -= 1
    while start < len(tokens) and role_of(tokens[start]) not in (Role.INDEX, *HIERARCHY_ROLES):
        start += 1
    words = tokens[start:]
    if sum(role_of(w) is not None for w in words) < _MIN_HEADER:
        return None
    if not any(role_of(w) in (Role.POINTS, Role.SCORE, Role.TARGET, Role.AMOUNT) for w in words):
        return None
    before = text[: text.index(words[0])].strip() if words else text
    return before, words


def _column_word(token: str) -> bool:
    """A header cell: words that name a column, or a short label no vocabulary names (备注); never
    a figure ("绩效指标(权重分值90分…)" is a caption, "指标(70分)" a data cell)."""
    if re.search(r"\d", token):
        return False
    return role_of(token) is not None or bool(re.fullmatch(r"[\u4e00-\u9fff]{2,6}", token))


def _wrapped_header(blocks: Sequence[Block], index: int, words: list[str]) -> tuple[list[str], int]:
    """A first header cell wrapped over the two lines above ("…情况 一级" / "指标"): joined in front."""
    if index < 2 or not all(isinstance(b, Paragraph) for b in blocks[index - 2 : index]):
        return words, 0
    above, line = blocks[index - 2].text.split(), blocks[index - 1].text.strip()  # type: ignore[union-attr]
    if not above or " " in line or len(line) > 4:
        return words, 0
    joined = above[-1] + line
    if role_of(joined) is None:
        return words, 0
    return [joined, *words], 2


class _Rows:
    """Reads the paragraphs under a header into rows of tokens, joining a wrapped cell's lines."""

    def __init__(self, columns: list[ColumnKind]) -> None:
        self.columns = columns
        self.rows: list[list[str]] = []
        self.pending: list[str] = []  # cells read off lines of their own, for the next row
        self.wrapped: list[str] = []  # the lines of the cell being read

    def close_cell(self) -> None:
        if self.wrapped:
            self.pending.append("".join(self.wrapped))
            self.wrapped = []

    def take(self, text: str) -> bool:
        """Add one paragraph; False when it is no part of the table."""
        tokens = cell_tokens(text)
        if not tokens or _FOOTER.match(text):
            return False
        if len(tokens) == 1:
            return self._take_line(tokens[0])
        if len(tokens) > 2 * len(self.columns):
            return False  # far more cells than the header has columns: not one of its rows
        self.close_cell()
        cells, cost = align([*self.pending, *tokens], self.columns)
        if cost > _MAX_COST_PER_TOKEN:
            return False
        self.rows.append(cells)
        self.pending = []
        return True

    def _take_line(self, line: str) -> bool:
        if _NONE.fullmatch(line) or re.fullmatch(r".{0,12}[:：]", line):
            self.close_cell()  # a placeholder row ("指标2:", "……"): nothing to keep
            self.pending = []
            return True
        if _MARK_LINE.fullmatch(line):
            self.wrapped.append(line)
            self.close_cell()
            return True
        if _NUMBERED.match(line) and not self.wrapped:
            self.rows.append([line, *[""] * (len(self.columns) - 1)])  # a section row of its own
            return True
        if _WRAPPED_LINE.fullmatch(line):
            self.wrapped.append(line)
            return True
        return False


def _table(blocks: Sequence[Block], index: int, out: Sequence[Block]) -> tuple[list[Block], int, int] | None:
    """(the blocks that replace blocks[index - above:end], above, end) when blocks[index] ends in
    a header over spaced rows; ``above`` counts the paragraphs a wrapped header cell took."""
    block = blocks[index]
    assert isinstance(block, Paragraph)
    found = header_tokens(block.text)
    if found is None:
        return None
    before, words = found
    above = 0
    if not before and len(out) >= 2 and out[-2] is blocks[index - 2] and out[-1] is blocks[index - 1]:
        words, above = _wrapped_header(blocks, index, words)
    reader = _Rows(column_kinds(words))
    end = index + 1
    # Rows run to the first paragraph that is no row of this header — or is a header itself.
    while (
        end < len(blocks) and isinstance(following := blocks[end], Paragraph)
        and header_tokens(following.text) is None and reader.take(following.text)
    ):
        end += 1
    figured = sum(any(_kind(c) in (_Kind.FIGURE, _Kind.QUANTITY) for c in row) for row in reader.rows)
    if figured < _MIN_ROWS:
        return None
    grid = [tuple(Cell(text=w) for w in words), *(tuple(Cell(text=c) for c in row) for row in reader.rows)]
    replacement: list[Block] = []
    if above:
        first = blocks[index - 2]
        assert isinstance(first, Paragraph)
        before = first.text[: first.text.rindex(first.text.split()[-1])].strip()
    if before:
        replacement.append(Paragraph(text=before, page=block.page))
    replacement.append(Table(rows=tuple(grid), page=block.page))
    return replacement, above, end


def expand_spaced(blocks: Sequence[Block]) -> tuple[Block, ...]:
    """Blocks with every header paragraph over spaced row paragraphs read as one table."""
    out: list[Block] = []
    index = 0
    while index < len(blocks):
        block = blocks[index]
        found = _table(blocks, index, out) if isinstance(block, Paragraph) else None
        if found is None:
            out.append(block)
            index += 1
            continue
        replacement, above, end = found
        del out[len(out) - above :]
        out.extend(replacement)
        index = end
    return tuple(out)
