"""Indicator-table columns: which row is the header, and what each column means.

A column's role comes from two readings. Its header words (vocabulary.py) say what the publisher
called it; its content says what it holds: a column of 1, 2, 3 numbers the items, a column of
figures holds points or scores, a column merged down over row spans groups the rows, a column of
long criteria describes the items named in a column of short texts beside it. Where the two
disagree, the content wins — header words vary by publisher, the shape of the data does not.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import pairwise

from normalizers.rules import item_points, stated_points
from normalizers.text import fold_width
from pipeline.build.vocabulary import (
    HEADER_NAMES,
    HEADER_PARTS,
    HIERARCHY_ROLES,
    NUMBERING_FORMS,
    Role,
    compile_words,
)
from schema.records import Cell

__all__ = ["Column", "HeaderMap", "Role", "find_header", "header_key", "recognise_header", "role_of"]

_NAMES = compile_words(HEADER_NAMES)
_PARTS = compile_words(HEADER_PARTS)
_LEVEL_NUMBER = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}

# A cell that is only a figure: points, a score ("5", "1.5", "10分", "（10分）", "+5").
_FIGURE = re.compile(r"^[(（]?\s*[+＋-]?\d+(?:\.\d+)?\s*分?\s*[)）]?$")
# A cell that is only an item number: "1", "12", "1.2.3", "一、", "（一）", "(3)", "①".
_ENUMERATOR = re.compile(
    r"^(?:\d{1,3}(?:[.．]\d{1,3})*[.．、]?|[一二三四五六七八九十]{1,3}\s*[、.．]?|[(（]\s*(?:\d{1,3}|[一二三四五六七八九十]{1,3})\s*[)）]"
    r"|[①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳]|第[一二三四五六七八九十\d]{1,3}[项条])$"
)
# A cell that states a scoring rule: what a rule (评分标准) column is made of.
_RULE = re.compile(
    r"[扣减]\s*[0-9０-９一二三四五六七八九十半.．]+\s*[-~～至]?\s*[0-9０-９.．]*\s*分|[加奖计记得]\s*[0-9０-９.．]+\s*分|"
    r"不得分|不计分|扣完为止|酌情扣分|一票否决|每[^,，。；;]{0,8}?[扣加计]"
)
_DIGIT = re.compile(r"\d")
# An amount written with its sign, or a signed range: "-20", "+5分", "-5至-50".
# A grade band of a rating scale: "18-20分", "（15～17分）", "90分以上" (its descriptor beside it).
SCORE_BAND = re.compile(
    r"^[(（]?\s*(?:\d+(?:\.\d+)?\s*分?\s*(?:-|~|～|—|–|至|到)\s*\d+(?:\.\d+)?\s*分|\d+(?:\.\d+)?\s*分\s*(?:以上|以下))\s*[)）]?$"
)
_SIGNED = re.compile(r"^[+-]\d+(?:\.\d+)?分?(?:(?:至|~|-|—)[+-]?\d+(?:\.\d+)?分?)?$")


_SPACE_RUN = re.compile(r"\s+")
_TRAILING_NOTE = re.compile(r"(?<=.)\([^()]*\)$")
_INNER_WORDS = re.compile(r"\(([^()]+)\)$")
# Where a short label with its words in brackets may begin ("评(扣分标准)").
_BRACKETED_START = re.compile(r"(?=[\u4e00-\u9fff]{1,2}\()")


def header_key(text: str) -> str:
    """Header text as compared: width folded, without whitespace (headers wrap: '分值\\n权重') and
    without a trailing unit or note in parentheses ('分值(分)', '权重(%)', '全年预算数(A)')."""
    return _TRAILING_NOTE.sub("", _SPACE_RUN.sub("", fold_width(text)))


def _role_of_key(key: str) -> Role | None:
    if not key or len(key) > 16:
        return None
    for pattern, role in _NAMES:
        if pattern.fullmatch(key):
            return role
    if len(key) <= 10 and not _DIGIT.search(key):
        for pattern, role in _PARTS:
            if pattern.search(key):
                return role
    return None


_LONGEST_HEADER_WORD = 12
_ANY_NAME = re.compile("|".join(f"(?:{pattern.pattern})" for pattern, _ in _NAMES))
# Where a whole-header word may begin: any name matching there (a lookahead, so every position).
_NAME_START = re.compile(f"(?=(?:{_ANY_NAME.pattern}))")


def header_word_starts(text: str) -> frozenset[int] | None:
    """The positions of ``text`` (without whitespace) where a word that names a column may begin,
    found in one scan: a word at any other position cannot pass :func:`names_a_column`, so a
    search over every position of a long text need not try its windows one by one. None when
    width folding changes the text's length (its positions would not line up)."""
    folded = fold_width(text)
    if len(folded) != len(text):
        return None
    starts = {match.start() for match in _NAME_START.finditer(folded)}
    starts.update(match.start() for match in _BRACKETED_START.finditer(folded))
    return frozenset(starts)


def header_word_at(compact: str, position: int, starts: frozenset[int] | None) -> str | None:
    """The longest word of up to 12 characters at ``position`` of a text without whitespace that
    names a column and states no figure ("指标(70分)" is a level cell of a first row, not a
    header); ``starts`` from :func:`header_word_starts`."""
    if starts is not None and position not in starts:
        return None
    return _longest_header_word(compact[position : position + _LONGEST_HEADER_WORD])


@functools.lru_cache(maxsize=16384)  # a long text repeats its windows: cells, marks, phrases
def _longest_header_word(window: str) -> str | None:
    words = (window[:n] for n in range(len(window), 1, -1))
    return next((word for word in words if names_a_column(word) and not _DIGIT.search(word)), None)


@functools.lru_cache(maxsize=16384)
def names_a_column(text: str) -> bool:
    """Whether the whole text is a header by the whole-header vocabulary (not a text containing one)."""
    # Cached: the run-on header search asks about the same short windows of a long text many times.
    key = header_key(text)
    if _ANY_NAME.fullmatch(key) is not None:
        return True
    # The words in a trailing bracket after a one- or two-character label: "评(扣分标准)" (as role_of).
    inner = _INNER_WORDS.search(_SPACE_RUN.sub("", fold_width(text))) if len(key) <= 2 else None
    return inner is not None and _ANY_NAME.fullmatch(inner.group(1)) is not None


@functools.lru_cache(maxsize=16384)
def role_of(text: str) -> Role | None:
    """The role a header text names, by the vocabulary tables; None for anything else.

    A trailing "(…)" is a unit or a note ("分值(分)") — unless the words are in it: "评(扣分标准)".
    """
    key = header_key(text)
    role = _role_of_key(key)
    if role is None:
        inner = re.search(r"\(([^()]+)\)$", re.sub(r"\s+", "", fold_width(text)))
        if inner and len(key) <= 2:
            role = _role_of_key(inner.group(1))
    if role is None and "/" in key:
        # Alternatives written together ("指导/评估时的关注内容"): the words after the slash name it.
        role = _role_of_key(key.rsplit("/", 1)[1]) or _role_of_key(key.split("/", 1)[0])
    return role


@dataclass(frozen=True, slots=True)
class Column:
    index: int
    role: Role
    header: str
    level: int | None = None  # the number of a LEVEL column (一级 → 1)
    numbered: bool = False  # an item column numbering its items one per row ("1.…", "2.…")


@dataclass(frozen=True, slots=True)
class HeaderMap:
    """Where each role stands in a recognised header."""

    width: int
    columns: tuple[Column, ...]
    texts: tuple[str, ...] = ()  # the header row's texts, also of columns without a role

    def first(self, role: Role) -> int | None:
        return next((c.index for c in self.columns if c.role is role), None)

    def all(self, role: Role) -> list[int]:
        return [c.index for c in self.columns if c.role is role]

    @property
    def hierarchy(self) -> tuple[Column, ...]:
        """Hierarchy columns left to right; the last one names the item (the leaf)."""
        return tuple(c for c in self.columns if c.role in HIERARCHY_ROLES)

    def points_of(self, column: int) -> int | None:
        """The points column of hierarchy column ``column``. Where a table gives its levels points
        columns of their own (一级指标 | 权重 | 二级指标 | 分值 | 三级指标 | … | 分值), each is the
        level's left of it: the first right of the level, before the next level. The item takes
        one right of it, else the last that no level above took (分值 over a section's points and
        the item's, both left of the item). With one points column, it is the item's."""
        points = self.all(Role.POINTS)
        levels = [c.index for c in self.hierarchy]
        if len(points) < 2 or not levels:
            return points[0] if points and levels and column == levels[-1] else None
        own = {level: self._own_points(level, levels, points) for level in levels}
        if column != levels[-1] or own[column] is not None:
            return own.get(column)
        taken = {p for level, p in own.items() if level != column}
        free = [p for p in points if p not in taken]
        return free[-1] if free else points[0]

    def _own_points(self, column: int, levels: list[int], points: list[int]) -> int | None:
        following = next((level for level in levels if level > column), self.width)
        return next((p for p in points if column < p < following), None)

    def role_at(self, index: int) -> Role | None:
        return next((c.role for c in self.columns if c.index == index), None)

    def with_role(self, index: int, role: Role) -> HeaderMap:
        """The same header with column ``index`` given ``role`` (added when it had none)."""
        if self.role_at(index) is None:
            columns = sorted([*self.columns, Column(index, role, "")], key=lambda c: c.index)
        else:
            columns = [replace(c, role=role) if c.index == index else c for c in self.columns]
        return HeaderMap(self.width, tuple(columns), self.texts)


def _continues_left(row: Sequence[Cell], index: int) -> bool:
    """A position covered by a cell merged across from the left (a header over sub-columns)."""
    return row[index].spanned and index > 0 and row[index - 1].text == row[index].text


def recognise_header(row: tuple[Cell, ...], textual: bool = False) -> HeaderMap | None:
    """A header row names a hierarchy or item column and at least one figure or text column.

    A cell merged down from the row above is read as a header of its own (two-row headers put
    the grouped sub-columns' words on the second row); a cell merged across from the left is a
    sub-column of the header to its left and shares its role, one level lower for hierarchy
    headers (考核条目 over a category and a number column).
    """
    columns: list[Column] = []
    for index, cell in enumerate(row):
        if _continues_left(row, index):
            if columns and columns[-1].index == index - 1:
                # A figure header over two sub-columns (分值 over a section's and an item's
                # points) gives both its role: points_of tells which level each serves.
                role = Role.SECTION if columns[-1].role in HIERARCHY_ROLES else columns[-1].role
                columns.append(Column(index=index, role=role, header=cell.text))
            continue
        role = role_of(cell.text)
        if role is None:
            continue
        # A second column of one role (自评得分 then 考核得分) is kept: the first with content serves.
        level = _LEVEL_NUMBER.get(header_key(cell.text)[0]) if role is Role.LEVEL else None
        columns.append(Column(index=index, role=role, header=cell.text, level=level))
    has_item = any(c.role in HIERARCHY_ROLES for c in columns)
    has_detail = any(
        c.role in (Role.POINTS, Role.SCORE, Role.TARGET, Role.DESCRIPTION, Role.CONTENT, Role.ACTUAL)
        for c in columns
    )
    # Without a column named as the item, two text columns (评价要点 | 评分标准) make an indicator
    # header when ``textual`` (no row of the table names an item): the content decides (roles.py).
    texts = sum(c.role is Role.DESCRIPTION for c in columns)
    if not ((has_item or (textual and texts >= 2)) and has_detail and len(columns) >= 2):
        return None
    # With 一级/二级 columns present, an item-like header left of them labels the row block
    # (绩效指标 | 一级指标 | …), it is not a level of its own.
    first_level = next((c.index for c in columns if c.role is Role.LEVEL), None)
    if first_level is not None:
        columns = [
            c for c in columns if c.role is Role.LEVEL or c.role not in HIERARCHY_ROLES or c.index > first_level
        ]
    return HeaderMap(width=len(row), columns=tuple(columns), texts=tuple(c.text for c in row))


def _is_header_like(row: Sequence[Cell]) -> bool:
    """A row of short labels only: what a second header row under merged group headers is."""
    own = [c.text.strip() for c in row if not c.spanned and c.text.strip()]
    if not own:
        return False
    return all(len(header_key(t)) <= 12 and not _FIGURE.match(t) and not _ENUMERATOR.match(t) for t in own) and any(
        role_of(t) is not None for t in own
    )


def find_header(rows: Sequence[tuple[Cell, ...]]) -> tuple[int, HeaderMap] | None:
    """The header of an indicator table: (index of its last row, its columns), or None.

    The first row whose words name an item column and a detail column starts the header; rows
    of labels right under it (一级指标 | 二级指标 under a merged 评估项目) belong to it, and the
    last of them, where cells merged down carry the upper row's words, is read.
    """
    found = _find_header(rows, textual=False)
    return found if found is not None else _find_header(rows, textual=True)


def _find_header(rows: Sequence[tuple[Cell, ...]], textual: bool) -> tuple[int, HeaderMap] | None:
    for start in range(len(rows)):
        header = recognise_header(rows[start], textual)
        if header is None:
            continue
        end = start
        while end + 1 < len(rows) and end - start < 2 and _is_header_like(rows[end + 1]):
            deeper = recognise_header(rows[end + 1])
            if deeper is None:
                break
            end, header = end + 1, deeper
        return end, header
    return None


# --- what the columns hold -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ColumnProfile:
    """What one column's data cells look like (cells merged down or across counted once)."""

    rows: int  # data rows wide enough to have this column
    filled: int  # cells of its own with text
    figures: int  # of them, figures only
    enumerators: int  # of them, item numbers only
    sequential: bool  # the numbers run 1, 2, 3 … (restarts allowed)
    rules: int  # of them, stating a scoring rule
    marked: int  # of them, carrying inline "(N分)" points
    merged: int  # rows covered by a cell merged down from above
    across: int  # rows covered by a cell merged across from the left
    mean_length: float  # of the filled cells
    distinct: int = 0  # different texts among the filled cells
    numbered: int = 0  # of the filled cells, texts opened by an item number ("1.带领…", "（二）…")
    signed: int = 0  # of the filled cells, amounts written with their sign ("-20", "+5", "-5至-50")
    stated: int = 0  # of the filled cells, texts stating what they are worth ("…,得2分", "占20分")
    bands: int = 0  # of the filled cells, grade bands of a rating scale ("18-20分", "90分以上")

    def share(self, count: int) -> float:
        return count / self.filled if self.filled else 0.0

    @property
    def grouping(self) -> bool:
        """Merged down over row spans (or left empty under a group's first row): a group level."""
        return self.rows >= 3 and (self.merged + (self.rows - self.filled - self.across)) * 5 >= self.rows * 2

    @property
    def numbering(self) -> bool:
        return self.filled >= 2 and self.share(self.enumerators) >= 0.8 and self.sequential

    @property
    def numeric(self) -> bool:
        return self.filled >= 2 and self.share(self.figures) >= 0.8 and not self.sequential


def _is_sequence(numbers: list[int]) -> bool:
    if len(numbers) < 2:
        return False
    steps = sum(1 for a, b in pairwise(numbers) if b == a + 1 or (b == 1 and a >= 1))
    return steps * 5 >= (len(numbers) - 1) * 3


def _leading_number(text: str) -> int | None:
    match = re.match(r"\d+", text)
    if match:
        return int(match.group())
    cn = re.match(r"[(（]?\s*([一二三四五六七八九十]{1,3})", text)
    if cn:
        from normalizers.numbers import parse_chinese_numeral

        return parse_chinese_numeral(cn.group(1))
    return None


def profile(rows: Sequence[tuple[Cell, ...]], index: int) -> ColumnProfile:
    """The profile of column ``index`` over data rows."""
    count = filled = figures = enumerators = rules = marked = merged = across = numbered = signed = stated = bands = 0
    length = 0
    numbers: list[int] = []
    texts: set[str] = set()
    previous: tuple[Cell, ...] | None = None
    for row in rows:
        if index >= len(row):
            previous = row
            continue
        count += 1
        cell = row[index]
        text = cell.text.strip()
        if cell.spanned:
            if _continues_left(row, index):
                across += 1
            elif previous is not None and index < len(previous) and previous[index].text == cell.text:
                merged += 1
            previous = row
            continue
        previous = row
        if not text:
            continue
        filled += 1
        length += len(text)
        texts.add(text)
        folded = fold_width(text).replace(" ", "")
        if _FIGURE.match(folded):
            figures += 1
        if _ENUMERATOR.match(folded):
            enumerators += 1
            number = _leading_number(folded)
            if number is not None:
                numbers.append(number)
        if _RULE.search(folded):
            rules += 1
        if numbering_rank(folded) is not None and not _ENUMERATOR.match(folded):
            numbered += 1
        if _SIGNED.match(folded):
            signed += 1
        if SCORE_BAND.match(folded):
            bands += 1
        if item_points(text) is not None:
            marked += 1
            stated += 1
        elif stated_points(text) is not None:
            stated += 1
    return ColumnProfile(
        rows=count, filled=filled, figures=figures, enumerators=enumerators, sequential=_is_sequence(numbers),
        rules=rules, marked=marked, merged=merged, across=across, mean_length=length / filled if filled else 0.0,
        distinct=len(texts), numbered=numbered, signed=signed, stated=stated, bands=bands,
    )


@functools.lru_cache(maxsize=16384)  # asked of each cell by the column profile and the row builder
def numbering_rank(text: str) -> int | None:
    """The rank of the numbering a cell starts with (一、 ranks above 1.), or None."""
    raw = text.strip()
    # Width folding turns "②" into "2": the forms are tried on the text as written first.
    for candidate in (raw, fold_width(raw)):
        for form in NUMBERING_FORMS:
            if re.match(form.pattern, candidate):
                return form.rank
    return None
