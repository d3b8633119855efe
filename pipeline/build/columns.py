"""Recognise indicator-table columns by what their header says, not by where they stand."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from normalizers.text import fold_width
from schema.records import Cell


class Role(Enum):
    LEVEL = "level"  # 一级/二级/三级指标: a hierarchy level
    SECTION = "section"  # 考核项目, 专案, 类别: a grouping level above the item
    NAME = "name"  # 任务要点名称, 指标名称: the item itself
    CONTENT = "content"  # 考核内容: the item when no NAME column exists, else its description
    DESCRIPTION = "description"
    POINTS = "points"
    SCORE = "score"
    TARGET = "target"
    ACTUAL = "actual"
    BASIS = "basis"
    REASON = "reason"
    MEASURES = "measures"


# Header texts (whitespace removed, width folded) → role. Order matters: first full match wins.
_HEADER_ROLES: tuple[tuple[re.Pattern[str], Role], ...] = tuple(
    (re.compile(pattern), role)
    for pattern, role in (
        (r"[一二三四1-4]级(考核|绩效)?指标(名称)?|[一二三四]级", Role.LEVEL),
        (r"指标值确定依据|确定依据|指标值设定依据", Role.BASIS),
        (r"(年度|预期|计划)?(指标值|目标值)(\(.*\))?|(当年|年度)?预期(实现|目标)?值|预期目标|计划值", Role.TARGET),
        (r"(实际)?完成值|(实际)?完成情况|进度情况|完成进度|全年实际值|实际值|执行情况", Role.ACTUAL),
        (r"未完成原因|偏差原因(分析)?|原因分析|未完成原因分析|偏差原因分析及改进措施|偏差原因及改进措施", Role.REASON),
        (r"改进措施|整改措施|改进意见", Role.MEASURES),
        (r"分值(权重)?|权重(分值)?|标准分(值)?|各项分值|满分(值)?|分数|基础分|指标(分值|权重)|权重分|赋分|总分值|"
         r"考核分值|评分分值|计分|应得分", Role.POINTS),
        (r"(自评|考核|实际|评价|考评)?得分|评分", Role.SCORE),
        (r"(考核|评价|工作|考评|评估|评比)?(项目|专案|类别|维度|板块)|指标类别|考核类型", Role.SECTION),
        (r"任务要点(名称)?|(考核|绩效|评价)?指标(名称)?|工作任务|任务(名称)?|重点工作|考核事项|工作事项", Role.NAME),
        (r"考核内容|评价内容|工作内容|考核要点", Role.CONTENT),
        (
            r"完成标准|目标内容|年度目标|(绩效)?指标(描述|内涵|说明|解释)|评分(标准|办法|细则|方法|规则)|"
            r"考核(标准|细则|要求|办法|方法)|计分(方法|办法)|工作(要求|目标)|具体(内容|要求)|目标任务|绩效目标|"
            r"绩效标准|评分细项(及标准)?|评分细则及标准|考评(标准|细则|内容)",
            Role.DESCRIPTION,
        ),
    )
)

_LEVEL_NUMBER = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_HIERARCHY = (Role.LEVEL, Role.SECTION, Role.NAME, Role.CONTENT)


def header_key(text: str) -> str:
    """Header text as compared: width folded, without whitespace (headers wrap: '分值\\n权重') and
    without a trailing unit or note in parentheses ('分值(分)', '权重(%)', '全年预算数(A)')."""
    key = re.sub(r"\s+", "", fold_width(text))
    return re.sub(r"(?<=.)\([^()]*\)$", "", key)


# Headers no table above names exactly, read by the words they contain (first match wins).
_HEADER_WORDS: tuple[tuple[re.Pattern[str], Role], ...] = tuple(
    (re.compile(pattern), role)
    for pattern, role in (
        (r"级指标", Role.LEVEL),
        (r"原因", Role.REASON),
        (r"措施", Role.MEASURES),
        (r"依据", Role.BASIS),
        (r"得分", Role.SCORE),
        (r"分值|权重|满分|标准分", Role.POINTS),
        (r"指标值|目标值|预期", Role.TARGET),
        (r"完成|实际|实现值", Role.ACTUAL),
        (r"标准|要求|说明|细则|描述|办法|方法", Role.DESCRIPTION),
        (r"(项目|类别|维度)$", Role.SECTION),
        (r"(指标|任务|事项)(名称)?$", Role.NAME),
        (r"内容$", Role.CONTENT),
    )
)


def role_of(text: str) -> Role | None:
    key = header_key(text)
    if not key or len(key) > 16:
        return None
    for pattern, role in _HEADER_ROLES:
        if pattern.fullmatch(key):
            return role
    if len(key) <= 10 and not re.search(r"\d", key):
        for pattern, role in _HEADER_WORDS:
            if pattern.search(key):
                return role
    return None


@dataclass(frozen=True, slots=True)
class Column:
    index: int
    role: Role
    header: str
    level: int | None = None  # the number of a LEVEL column (一级 → 1)


@dataclass(frozen=True, slots=True)
class HeaderMap:
    """Where each role stands in a recognised header row."""

    width: int
    columns: tuple[Column, ...]

    def first(self, role: Role) -> int | None:
        return next((c.index for c in self.columns if c.role is role), None)

    def all(self, role: Role) -> list[int]:
        return [c.index for c in self.columns if c.role is role]

    @property
    def hierarchy(self) -> tuple[Column, ...]:
        """Hierarchy columns left to right; the last one names the item (the leaf)."""
        return tuple(c for c in self.columns if c.role in _HIERARCHY)

    def role_at(self, index: int) -> Role | None:
        return next((c.role for c in self.columns if c.index == index), None)


def recognise_header(row: tuple[Cell, ...]) -> HeaderMap | None:
    """A header row names a hierarchy or item column and at least one figure or text column."""
    columns: list[Column] = []
    seen: set[Role] = set()
    for index, cell in enumerate(row):
        if cell.spanned:
            # A hierarchy header merged over two columns (考核项目 over 类别 | 单位) heads two levels.
            if columns and columns[-1].index == index - 1 and columns[-1].role in _HIERARCHY:
                columns.append(Column(index=index, role=Role.SECTION, header=cell.text))
            continue
        role = role_of(cell.text)
        if role is None:
            continue
        if role in seen and role not in (Role.LEVEL, Role.SECTION, Role.DESCRIPTION, Role.CONTENT):
            continue  # a second score column (自评得分 then 考核得分): the first is the score
        seen.add(role)
        level = _LEVEL_NUMBER.get(header_key(cell.text)[0]) if role is Role.LEVEL else None
        columns.append(Column(index=index, role=role, header=cell.text, level=level))
    has_item = any(c.role in _HIERARCHY for c in columns)
    has_detail = any(
        c.role in (Role.POINTS, Role.SCORE, Role.TARGET, Role.DESCRIPTION, Role.CONTENT, Role.ACTUAL)
        for c in columns
    )
    if not (has_item and has_detail and len(columns) >= 2):
        return None
    # With 一级/二级 columns present, an item-like header left of them labels the row block
    # (绩效指标 | 一级指标 | …), it is not a level of its own.
    first_level = next((c.index for c in columns if c.role is Role.LEVEL), None)
    if first_level is not None:
        columns = [c for c in columns if c.role is Role.LEVEL or c.role not in _HIERARCHY or c.index > first_level]
    # 考核内容 is the item itself unless another column names the item.
    if any(c.role is Role.NAME for c in columns):
        columns = [Column(c.index, Role.DESCRIPTION, c.header) if c.role is Role.CONTENT else c for c in columns]
    if sum(c.role in _HIERARCHY for c in columns) == 0:
        return None
    return HeaderMap(width=len(row), columns=tuple(columns))
