"""A table's title row as the section its items belong to.

A document split into one table per part often titles each table in its first row, one cell
across the full width, above the header: "安全部分（50分）", then 序号 | 标准要求 | 分值 | …; or
"一、组织领导". Such a row is the part's section, worth the points it states. A row naming the
whole document ("社区养老服务站星级评定标准", "XX考核评分表") states no points and no section
numbering, and stays a title; so does one over a table of 一级/二级/三级指标, whose first level is
the document's top level (the caller's to tell).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from normalizers.points import split_name_points
from pipeline.build.tree import Draft
from schema.records import Cell

_SECTION_NUMBER = re.compile(r"^(?:[一二三四五六七八九十]+|[0-9]{1,2})[、.．]")
_MAX_TITLE = 30  # characters: a section's name, not a paragraph
# Words ending a document's title: such a row names the document even where it states points.
_DOCUMENT_TITLE = re.compile(r"(?:表|细则|标准|办法|方案|制度|要点|责任书)[\s(（]*(?:\d+(?:\.\d+)?分)?[)）]?$")


def title_section(preamble: Sequence[tuple[Cell, ...]]) -> Draft | None:
    """The section the row right above a table's header titles, or None."""
    if not preamble:
        return None
    row = preamble[-1]
    texts = {cell.text.strip() for cell in row if cell.text.strip()}
    if len(texts) != 1 or len(row) < 2 or not all(cell.spanned for cell in row[1:] if cell.text.strip()):
        return None  # not one cell across the row
    (text,) = texts
    if len(text) > _MAX_TITLE or _DOCUMENT_TITLE.search(text):
        return None
    name, points = split_name_points(text)
    if points is None and not _SECTION_NUMBER.match(text):
        return None
    original = next((cell.original for cell in row if cell.original), None)
    return Draft(name=name, name_original=original, points=points)
