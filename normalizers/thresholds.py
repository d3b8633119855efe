"""What a tier asks for: "完成任务数的70%(1分)" → at least 70 %; "排名前5位" → rank 5 or better.

A tier (``clauses.kind = 'tier'``) awards its points when the unit reaches its threshold. The
forms, each with the documents it came from, are in :data:`THRESHOLD_FORMS`; the first that
matches wins. Pure functions, linear in the text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import regex

from normalizers.numbers import prepare_for_parsing

ThresholdUnit = Literal["%", "rank"]


@dataclass(frozen=True, slots=True)
class Threshold:
    """Reached when the unit's value compares with ``value`` by ``op`` (``>=`` for a share,
    ``<=`` for a rank: 3rd place reaches "前5位")."""

    op: Literal[">=", "<="]
    value: float
    unit: ThresholdUnit

    def reached(self, achieved: float) -> bool:
        return achieved >= self.value if self.op == ">=" else achieved <= self.value


_NUMBER = r"(?P<n>\d+(?:\.\d+)?)"
# (pattern, op, unit, where it was seen)
THRESHOLD_FORMS: tuple[tuple[str, Literal[">=", "<="], ThresholdUnit, str], ...] = (
    (rf"(?:排名|名列|位列|位居)?前\s*{_NUMBER}\s*(?:位|名)", "<=", "rank", "考核细则 排名前5位, 前三名"),
    (rf"第\s*{_NUMBER}\s*名(?:以内|及以上|以上)", "<=", "rank", "评比 第3名以内"),
    (rf"{_NUMBER}\s*[%％](?:以上|及以上)?", ">=", "%", "nanchang 完成任务数的70%(1分); 满意度90%以上"),
    (rf"{_NUMBER}\s*成(?:以上)?", ">=", "%", "完成7成以上 (×10)"),
)
_COMPILED = tuple((regex.compile(pattern), op, unit) for pattern, op, unit, _ in THRESHOLD_FORMS)


def tier_threshold(text: str) -> Threshold | None:
    """The threshold a tier's text states, or None (a tier of words alone: "基本完成")."""
    t = prepare_for_parsing(text)
    for pattern, op, unit in _COMPILED:
        match = pattern.search(t)
        if match:
            value = float(match.group("n"))
            if pattern.pattern.endswith("成(?:以上)?"):
                value *= 10  # 7成 is 70 %
            return Threshold(op, value, unit)
    return None
