"""Points (分值) parsing: points cells, totals carried by name cells, inline "(N分)" marks."""

from __future__ import annotations

import re

from normalizers.numbers import (
    CN_NUMERAL_PATTERN,
    NUMBER_PATTERN,
    parse_chinese_numeral,
    prepare_for_parsing,
)
from normalizers.text import fold_width

_POINTS_ARABIC = re.compile(rf"(?P<num>[+-]?{NUMBER_PATTERN})\s*分?")
_POINTS_CN = re.compile(rf"(?P<num>{CN_NUMERAL_PATTERN})\s*分?")
_BRACKETS = "()[]【】〔〕 "

# "(20分)" / "（0.5 分）", matched on the original text so that names keep their punctuation.
_MARK = re.compile(r"[(（]\s*(?P<num>[0-9０-９]+(?:[.．][0-9０-９]+)?)\s*分\s*[)）]")
_MARK_AT_END = re.compile(_MARK.pattern + r"\s*$")
# A total with extra (bonus) points: "信息报告（23分+10分）" is worth 23, plus up to 10 as a bonus.
_BASE_PLUS_BONUS_AT_END = re.compile(
    r"[(（]\s*(?P<num>[0-9０-９]+(?:[.．][0-9０-９]+)?)\s*分\s*[+＋]\s*[0-9０-９.．]+\s*分[^)）]*[)）]\s*$"
)


def _mark_value(num: str) -> float:
    return float(fold_width(num))


def parse_points(s: str) -> float | None:
    """Parse a points cell: "35", "30分", "（400分）", "5 分", "十分"; headers and prose give None."""
    t = prepare_for_parsing(s).strip(_BRACKETS)
    if not t:
        return None
    m = _POINTS_ARABIC.fullmatch(t)
    if m:
        return float(m.group("num").replace(",", ""))
    m = _POINTS_CN.fullmatch(t)
    if m:
        n = parse_chinese_numeral(m.group("num"))
        return None if n is None else float(n)
    return None


def split_name_points(s: str) -> tuple[str, float | None]:
    """Split a trailing "(N分)" total off a name cell: "一、领导重视(20分)" → ("一、领导重视", 20.0).

    Only a mark at the very end counts, and only when it is the text's only mark: a cell such as
    "工作制度健全(1分)、活动有记录(1分)" lists item points, it does not carry a total.
    """
    m = _MARK_AT_END.search(s) or _BASE_PLUS_BONUS_AT_END.search(s)
    if m is None or _MARK.search(s, 0, m.start()) is not None:
        return s.strip(), None
    return s[: m.start()].strip(), _mark_value(m.group("num"))


def inline_points(s: str) -> list[float]:
    """Every parenthesised "(N分)" mark in a text, in order; bare "扣1分"/"加5分" are ignored."""
    return [_mark_value(m.group("num")) for m in _MARK.finditer(s)]


# A line's points set apart at its end: "…相关工作制度上墙; 5分", "…查看会议记录。 10分" — after a
# space or a sentence end, not after a rule's verb ("扣 5分", "每次加 2分").
_TRAILING = re.compile(r"(?:(?<=[\s;；。,，:：])|^)(?P<num>[0-9０-９]+(?:[.．][0-9０-９]+)?)\s*分\s*[。;；.]?\s*$")
_RULE_VERBS = "扣加减得计记奖罚各占为"


def trailing_points(s: str) -> float | None:
    """The points written bare at the end of an item's text, set apart from its words."""
    m = _TRAILING.search(s)
    before = s[: m.start()].rstrip() if m is not None else ""
    if m is None or not before or before[-1] in _RULE_VERBS:
        return None
    return _mark_value(m.group("num"))
