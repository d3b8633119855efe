"""Target (指标值/目标值) parsing into :class:`schema.records.Target`.

A target is a comparator plus a quantity: "≥200人", "不少于6篇", "90%以上", "不超过10万元".
The comparator may follow descriptive text ("资助贫困学生≥220人"). Without a comparator only a
cell that is nothing but a quantity ("100%", "6000元") is a target (op "="), so that phrases
such as "2021年人均约6000元" are not mistaken for one.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from normalizers.numbers import (
    CN_SMALL_NUMERAL_PATTERN,
    MULTIPLIERS,
    NUMBER_PATTERN,
    parse_chinese_numeral,
    prepare_for_parsing,
)
from normalizers.text import is_cjk
from schema.records import Target, TargetOp

# Prefix comparators, matched on width-folded text (so ＞＝ has become >=). "达到" has no
# direction of its own beyond "at least"; a trailing 以上/以下 decides when present.
# fmt: off
_PREFIX_OPS: dict[str, TargetOp] = {
    "大于或等于": ">=", "大于等于": ">=", "小于或等于": "<=", "小于等于": "<=",
    "不少于": ">=", "不低于": ">=", "不小于": ">=", "至少": ">=", "最少": ">=", "达到": ">=",
    "不超过": "<=", "不高于": "<=", "不大于": "<=", "不多于": "<=", "至多": "<=", "最多": "<=",
    "高于": ">", "大于": ">", "超过": ">", "多于": ">",
    "低于": "<", "小于": "<", "少于": "<",
    "等于": "=",
    ">=": ">=", "≥": ">=", "≧": ">=", "⩾": ">=",
    "<=": "<=", "≤": "<=", "≦": "<=", "⩽": "<=",
    ">": ">", "<": "<", "=": "=",
}
# fmt: on
# fmt: off
_SUFFIX_OPS: dict[str, TargetOp] = {
    "及以上": ">=", "或以上": ">=", "以上": ">=",
    "及以下": "<=", "或以下": "<=", "以下": "<=", "以内": "<=", "之内": "<=",
}
# fmt: on
_GENERIC_PREFIXES = frozenset({"达到"})

# Units a target may carry. Single Han characters must end the quantity (see _unit_at) so that
# "≥11个学年度" or "≥100老年大学…" do not borrow the first character of the following words.
# fmt: off
_UNITS: tuple[str, ...] = tuple(
    sorted(
        [
            "%", "‰", "百分比", "个百分点", "百分点", "人次", "万元", "亿元", "千元", "小时", "分钟", "课时",
            "人", "篇", "次", "个", "场", "期", "户", "项", "件", "天", "日", "月", "年", "元",
            "支", "所", "家", "条", "份", "本", "班", "门", "名", "分",
            # quantities of works and goods (绩效目标表 of projects: 岳阳县, 南岳区)
            "平方米", "平方公里", "立方米", "公里", "千米", "米", "亩", "公顷", "吨", "公斤", "千克", "万人",
            "座", "台", "套", "辆", "株", "棵", "头", "只", "处", "张", "册", "册次", "批", "块", "栋", "间",
        ],
        key=len,
        reverse=True,
    )
)
# fmt: on
# Units written out in words that mean a symbol: "≥100百分比" is "≥100%".
_UNIT_ALIASES: dict[str, str] = {"百分比": "%"}
# These read as dates or as points when no comparator says the cell is a target ("2021年").
_COMPARATOR_ONLY_UNITS = frozenset({"年", "月", "日", "分"})

_PREFIX_RE = re.compile("|".join(map(re.escape, sorted(_PREFIX_OPS, key=len, reverse=True))))
_SUFFIX_RE = re.compile(
    r"\s*(?P<op>" + "|".join(map(re.escape, sorted(_SUFFIX_OPS, key=len, reverse=True))) + ")"
)
_NUMBER_RE = re.compile(
    rf"\s*(?:(?P<ar>{NUMBER_PATTERN})|(?P<cn>{CN_SMALL_NUMERAL_PATTERN}))\s*(?P<mult>[千万亿])?"
)
_NUMBER_START_RE = re.compile(
    rf"(?<![0-9.,])[0-9]|(?<!{CN_SMALL_NUMERAL_PATTERN[:-1]}){CN_SMALL_NUMERAL_PATTERN}"
)
_TRAILING = re.compile(r"[\s。.;；,，、!！]*")
_SPACED_OP = re.compile(r"([<>])\s+=")


class _Quantity(NamedTuple):
    value: float
    unit: str | None
    suffix_op: TargetOp | None
    end: int


def _unit_at(t: str, pos: int) -> tuple[str, int] | None:
    for unit in _UNITS:
        if not t.startswith(unit, pos):
            continue
        end = pos + len(unit)
        if len(unit) == 1 and is_cjk(unit) and end < len(t):
            nxt = t[end]
            if is_cjk(nxt) and nxt.isalpha() and not _SUFFIX_RE.match(t, end):
                continue
        per = _unit_at(t, end + 1) if t.startswith("/", end) and "/" not in t[pos:end] else None
        if per is not None and "/" not in per[0]:
            # A rate: "元/亩", "人/年", "万元/公里".
            return f"{_UNIT_ALIASES.get(unit, unit)}/{per[0]}", per[1]
        return _UNIT_ALIASES.get(unit, unit), end
    return None


def _quantity_at(t: str, pos: int, after_comparator: bool) -> _Quantity | None:
    m = _NUMBER_RE.match(t, pos)
    if m is None:
        return None
    if m.group("ar") is not None:
        value = float(m.group("ar").replace(",", ""))
    else:
        n = parse_chinese_numeral(m.group("cn"))
        if n is None:
            return None
        value = float(n)
    end = m.end()
    unit: str | None = None
    mult = m.group("mult")
    found = _unit_at(t, end)
    if mult is not None and found is not None:
        # 万元, 万人, 万人次: the multiplier belongs to the unit and the value stays as written,
        # as the document states it ("≥5万人" is 5 of 万人, "≤90万元" 90 of 万元).
        unit, end = mult + found[0], found[1]
    elif mult is not None and t.startswith("元", end):
        unit, end = mult + "元", end + 1
    else:
        if mult is not None:
            value *= MULTIPLIERS[mult]
        if found is not None:
            unit, end = found
    if m.group("cn") is not None and unit is None:
        return None  # a bare Chinese numeral is too often part of a word (一定, 统一)
    suffix_op: TargetOp | None = None
    suffix = _SUFFIX_RE.match(t, end)
    if suffix is not None:
        suffix_op, end = _SUFFIX_OPS[suffix.group("op")], suffix.end()
    if unit in _COMPARATOR_ONLY_UNITS and not after_comparator and suffix_op is None:
        return None
    return _Quantity(value, unit, suffix_op, end)


def parse_target(s: str) -> Target | None:
    """Parse a target cell into ``Target(op, value, unit, text)``, or None when it states none."""
    text = s.strip()
    if not text:
        return None
    t = _SPACED_OP.sub(r"\1=", prepare_for_parsing(text))

    whole = _quantity_at(t, 0, after_comparator=False)
    if whole is not None and _TRAILING.fullmatch(t, whole.end):
        return Target(whole.suffix_op or "=", whole.value, whole.unit, text)

    candidates: list[tuple[int, TargetOp, _Quantity]] = []
    for m in _PREFIX_RE.finditer(t):
        q = _quantity_at(t, m.end(), after_comparator=True)
        if q is not None:
            op = _PREFIX_OPS[m.group()]
            if m.group() in _GENERIC_PREFIXES and q.suffix_op is not None:
                op = q.suffix_op
            candidates.append((m.start(), op, q))
            break
    for m in _NUMBER_START_RE.finditer(t):
        if candidates and m.start() >= candidates[0][0]:
            break
        q = _quantity_at(t, m.start(), after_comparator=False)
        if q is not None and q.suffix_op is not None:
            candidates.append((m.start(), q.suffix_op, q))
            break
    if not candidates:
        return None
    _, op, q = min(candidates, key=lambda c: c[0])
    return Target(op, q.value, q.unit, text)


def single_threshold(s: str) -> Target | None:
    """The target of a requirement that states exactly one threshold ("辖区人口数≥5万人",
    "每名带教医师同时带教培训对象不超过2名"): for criteria cells of tables without a target column.

    A cell with several thresholds ("床位数≥200张，年收治≥3400人次") or none states no single target.
    """
    t = prepare_for_parsing(s.strip())
    full_marks = _full_marks_threshold(t)
    if full_marks is not None:
        return Target(full_marks.op, full_marks.value, full_marks.unit, s.strip())
    if not t or len(t) > 80:
        return None
    # A comparator before a quantity and one after it state one threshold: "达到15万元以上".
    comparators = len(_PREFIX_RE.findall(t)) + len(_SUFFIX_RE.findall(t)) - len(_BOTH_SIDES.findall(t))
    if comparators != 1:
        return None
    target = parse_target(s)
    return target if target is not None and target.op != "=" else None


_BOTH_SIDES = re.compile(rf"(?:{_PREFIX_RE.pattern})\s*\d+(?:\.\d+)?\s*[^\d\s,，。;；]{{0,3}}?{_SUFFIX_RE.pattern}")
# The threshold that earns full marks: "…之比，80%以上得满分，每少5%减1分" — whatever else the
# criteria go on to say, the full mark's condition is the target.
_FULL_MARKS = re.compile(r"(?:^|(?<=[,，。;；:：]))(?P<clause>[^,，。;；:：]{1,40}?)(?:的|者)?(?:得|为|计|给|记)满分")


def _full_marks_threshold(t: str) -> Target | None:
    for match in _FULL_MARKS.finditer(t):
        target = parse_target(match.group("clause"))
        if target is not None and target.op != "=":
            return target
    return None


# A comparator written as signs, alone in a cell or before a figure (also read by pipeline/build/spaced.py).
COMPARATOR_SIGN = r"[≥≤><=＞＜＝≧≦]|>=|<=|＞＝|＜＝"
_COMPARATOR_CELL = re.compile(rf"{COMPARATOR_SIGN}|大于等于|小于等于|大于|小于|等于")
_VALUE_CELL = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_UNIT_CELL = re.compile(r"[^\d\s,，。;；]{1,6}")


def joined_target(comparator: str, value: str, unit: str) -> str:
    """A target written over three columns (指标性质 "≥" | 指标值 "95" | 度量单位 "%") as one text:
    "≥95%". A neighbour that is no comparator, or a value that is more than a figure, is left out."""
    value = value.strip()
    if not _VALUE_CELL.fullmatch(value):
        return value
    comparator, unit = comparator.strip(), unit.strip()
    if _COMPARATOR_CELL.fullmatch(comparator):
        value = f"{comparator}{value}"
    if _UNIT_CELL.fullmatch(unit):
        value = f"{value}{unit}"
    return value
