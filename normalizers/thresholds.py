"""What a rule asks for: a tier's threshold ("完成任务数的70%(1分)" → at least 70 %; "排名前5位" →
rank 5 or better) and a range's bounds ("扣5-10分" → 5 to 10).

A tier (``clauses.kind = 'tier'``) awards its points when the unit reaches its threshold. The
forms, each with the documents it came from, are in :data:`THRESHOLD_FORMS`; the first that
matches wins. Pure functions, linear in the text.
"""

from __future__ import annotations

from typing import Literal

import regex

from normalizers.numbers import prepare_for_parsing
from schema.records import Threshold

ThresholdUnit = Literal["%", "rank"]


_NUMBER = r"(?P<n>\d+(?:\.\d+)?)"
# (pattern, op, unit, scale of the number to the unit, where it was seen)
THRESHOLD_FORMS: tuple[tuple[str, Literal[">=", "<="], ThresholdUnit, float, str], ...] = (
    (rf"(?:排名|名列|位列|位居)?前\s*{_NUMBER}\s*(?:位|名)", "<=", "rank", 1.0, "考核细则 排名前5位, 前3名"),
    (rf"第\s*{_NUMBER}\s*名(?:以内|及以上|以上)", "<=", "rank", 1.0, "评比 第3名以内"),
    (rf"{_NUMBER}\s*[%％](?:以上|及以上)?", ">=", "%", 1.0, "nanchang 完成任务数的70%(1分); 满意度90%以上"),
    (rf"{_NUMBER}\s*成(?:以上)?", ">=", "%", 10.0, "完成7成以上: 7成 is 70 %"),
)
_COMPILED = tuple((regex.compile(pattern), op, unit, scale) for pattern, op, unit, scale, _ in THRESHOLD_FORMS)


def tier_threshold(text: str) -> Threshold | None:
    """The threshold a tier's text states, or None (a tier of words alone: "基本完成")."""
    t = prepare_for_parsing(text)
    for pattern, op, unit, scale in _COMPILED:
        match = pattern.search(t)
        if match:
            return Threshold(op, float(match.group("n")) * scale, unit)
    return None


# A range of points: "扣5-10分", "扣3～5分", "加2至5分".
_RANGE = regex.compile(r"(?P<lo>\d+(?:\.\d+)?)\s*(?:-|—|–|~|～|至|到)\s*(?P<hi>\d+(?:\.\d+)?)\s*分")


def point_range(text: str) -> tuple[float, float] | None:
    """The bounds of a range of points a rule states ("扣5-10分" → (5, 10)), or None."""
    match = _RANGE.search(prepare_for_parsing(text))
    if match is None:
        return None
    low, high = float(match.group("lo")), float(match.group("hi"))
    return (low, high) if low <= high else None
