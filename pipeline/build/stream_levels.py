"""Cell streams whose merged cells were left out: rows as long as the levels they name.

A 绩效自评表 copied from a web page as one cell per line keeps a merged 一级/二级指标 cell once, on
the first row it spans; the rows below it start further right ("质量指标 | 指标1工程完工率 | 100 |
…", "指标2 | | | …"). Such a stream has no fixed row length, but each row says where it starts:
a level-1 name (产出指标) opens a full row, a level-2 name (数量指标) a row from the level-2
column, an empty first cell a full row whose merged cells were written empty, and anything else
a row from the item column. A cell's text wrapped over two lines arrives as two cells ("年度" /
"指标值", "经济效益" / "指标"); those are joined first.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pipeline.build.columns import role_of
from pipeline.build.framework import framework_level, is_framework_name
from pipeline.build.vocabulary import FIGURE_ROLES, Role
from schema.records import Cell

# A cell holding one figure (points, a score, a share): also what pipeline.build.stream reads.
FIGURE = re.compile(r"^[-+]?\d+(?:\.\d+)?\s*(?:分|%)?$")
_LEVEL_NAME = re.compile(r"^[\u4e00-\u9fff（）()]{2,16}指标$")
_HEADER_NOTE = re.compile(r"^[(（][^()（）\d]{1,6}[)）]$")
_NUMERAL_NOTE = re.compile(r"^[(（][一二三四五六七八九十]+[)）]$")  # "(七)" opens a section, it is no note
_MAX_QUALIFIER = 2  # characters of a header word's first line ("年度", "实际")
_MAX_FRAGMENT = 6  # characters of its second line ("指标值", "完成值")


def _is_header_fragment(first: str, second: str) -> bool:
    """Two cells that are one header word wrapped over two lines: 年度 / 指标值, 实际 / 完成值,
    完成情况 / (扣 分)."""
    # The first part is a qualifier of two characters (年度, 实际, 全年): a longer one (指标性质,
    # 度量单位) is a column of its own beside the next word.
    if _HEADER_NOTE.match(second) and not _NUMERAL_NOTE.match(second) and role_of(first) is not None:
        return True  # a header word's note on a line of its own: 完成情况 / (扣 分)
    if len(first) > _MAX_QUALIFIER or len(second) > _MAX_FRAGMENT:
        return False
    joined = role_of(first + second)
    if joined is None or role_of(second) is None:
        return False
    return role_of(first) is None or role_of(first) == role_of(second) == joined


def join_fragments(cells: Sequence[Cell]) -> list[Cell]:
    """The stream with wrapped cells joined: header words (年度 / 指标值) and level names
    (经济效益 / 指标) written over two lines."""
    out: list[Cell] = []
    index = 0
    while index < len(cells):
        first = cells[index].text.strip()
        second = cells[index + 1].text.strip() if index + 1 < len(cells) else ""
        level = second == "指标" and is_framework_name(first + second)
        if first and second and (level or _is_header_fragment(first, second)):
            out.append(Cell(text=first + second))
            index += 2
            continue
        out.append(cells[index])
        index += 1
    return out


def _level(text: str, following: str) -> int | None:
    """The level a row's first cell names: the framework's own (数量指标 2, 产出指标 1), or for
    another name ending in 指标, 1 when a level name follows it and 2 when an item does."""
    level = framework_level(text)
    if level is not None:
        return level
    if _LEVEL_NAME.match(re.sub(r"\s+", "", text)):
        return 1 if _LEVEL_NAME.match(re.sub(r"\s+", "", following)) else 2
    return None


def level_rows(cells: Sequence[str], start: int, header: Sequence[str]) -> list[tuple[int, int, int]]:
    """Rows from ``start`` under ``header`` (whose first columns are levels), each as (the column
    it starts in, its first cell's position, its cell count). Stops at a row whose figures do not
    fit (the table has ended) or where the stream runs out."""
    if any(is_framework_name(text) for text in header):
        return []  # a header run on into the first row's level names (产出指标) is no header
    roles = [role_of(text) for text in header]
    levels = 0
    while levels < len(roles) and roles[levels] is Role.LEVEL:
        levels += 1
    if levels < 2:
        return []
    width, item = len(header), levels - 1
    figure_columns = [i for i, role in enumerate(roles) if role in FIGURE_ROLES]
    rows: list[tuple[int, int, int]] = []
    position = start
    while position < len(cells):
        first = cells[position].strip()
        following = cells[position + 1] if position + 1 < len(cells) else ""
        if not first and _level(following, cells[position + 2] if position + 2 < len(cells) else "") == 1:
            position += 1  # a stray empty cell before a level-1 name (the name printed again on a new page)
            continue
        level = _level(first, following) if first else 1
        column = min(level - 1, item) if level is not None else item
        count = width - column
        if position + count > len(cells):
            break
        row = [""] * column + [cell.strip() for cell in cells[position : position + count]]
        if any(row[i] and not FIGURE.match(row[i]) for i in figure_columns) or _LEVEL_NAME.match(row[item]):
            break
        rows.append((column, position, count))
        position += count
    return rows
