"""What a rule asks for: a tier's threshold ("完成任务数的70%(1分)" → at least 70 %; "排名前5位",
"前三名" → rank 5, 3 or better), a range's bounds ("扣5-10分" → 5 to 10) and what a veto vetoes
(the item, its section, the whole assessment, or only the unit's eligibility for awards).

A tier (``clauses.kind = 'tier'``) awards its points when the unit reaches its threshold. The
forms, each with the documents it came from, are in :data:`THRESHOLD_FORMS` and
:data:`VETO_EFFECTS`; the first that matches wins. Pure functions, linear in the text.
"""

from __future__ import annotations

from typing import Literal

import regex

from normalizers.numbers import CN_SMALL_NUMERAL_PATTERN, parse_chinese_numeral, prepare_for_parsing
from schema.records import Threshold, VetoEffect

ThresholdUnit = Literal["%", "rank"]


# A number in digits ("5", "90.5") or in Chinese numerals ("三", "十五", "九十"): ranks and shares
# are written both ways ("前5名" and "前三名", "90%以上" and "百分之九十以上").
_NUMBER = rf"(?P<n>\d+(?:\.\d+)?|{CN_SMALL_NUMERAL_PATTERN})"
# (pattern, op, unit, scale of the number to the unit, where it was seen)
THRESHOLD_FORMS: tuple[tuple[str, Literal[">=", "<="], ThresholdUnit, float, str], ...] = (
    (rf"(?:排名|名列|位列|位居)?前\s*{_NUMBER}\s*(?:位|名)", "<=", "rank", 1.0, "考核细则 排名前5位, 前3名, 前三名"),
    (rf"第\s*{_NUMBER}\s*名(?:以内|及以上|以上)", "<=", "rank", 1.0, "评比 第3名以内, 第三名以内"),
    (rf"百分之\s*{_NUMBER}(?:以上|及以上)?", ">=", "%", 1.0, "满意度达到百分之九十以上"),
    (rf"{_NUMBER}\s*[%％](?:以上|及以上)?", ">=", "%", 1.0, "nanchang 完成任务数的70%(1分); 满意度90%以上"),
    (rf"{_NUMBER}\s*成(?:以上)?", ">=", "%", 10.0, "完成7成以上, 七成以上: 7成 is 70 %"),
)
_COMPILED = tuple((regex.compile(pattern), op, unit, scale) for pattern, op, unit, scale, _ in THRESHOLD_FORMS)


def _number(text: str) -> float | None:
    if text[0].isdigit():
        return float(text)
    value = parse_chinese_numeral(text)
    return None if value is None else float(value)


def tier_threshold(text: str) -> Threshold | None:
    """The threshold a tier's text states, or None (a tier of words alone: "基本完成")."""
    t = prepare_for_parsing(text)
    for pattern, op, unit, scale in _COMPILED:
        for match in pattern.finditer(t):
            value = _number(match.group("n"))
            if value is not None and (unit != "rank" or value >= 1):
                return Threshold(op, value * scale, unit)
    return None


# What a veto vetoes, widest first: a rule that says both ("实行一票否决,取消评优资格") vetoes the
# whole. (pattern, effect, where it was seen.) A veto matching none vetoes the assessment: that is
# what 一票否决 means where nothing narrows it.
_THIS = r"(?:该|本|此)"
VETO_EFFECTS: tuple[tuple[str, VetoEffect, str], ...] = (
    (
        rf"{_THIS}(?:部分|大项|类|板块|模块|一级指标|方面)(?:指标)?[^,;。]{{0,6}}?(?:一票)?否决",
        "section",
        "目标责任书 本部分实行一票否决; 考核细则 该大项一票否决",
    ),
    (
        rf"{_THIS}(?:项|项目|指标|条)(?:指标|工作)?[^,;。]{{0,6}}?(?:一票)?否决",
        "item",
        "安全检查标准 该项一票否决; 考核细则 本项指标实行否决",
    ),
    (
        r"(?:一票否决|否决)|定为(?:不达标|不合格|不及格|不称职|较差)"
        r"|(?:评|确定|认定|判定|评定)为(?:不达标|不合格|不及格|不称职|较差)",
        "assessment",
        "nanchang 直接定为不达标; 考核办法 实行一票否决, 年度考核评定为不合格",
    ),
    (r"取消[^,;。!?:]{0,6}?(?:评先评优|评优评先|评先树优|评优|评先)", "eligibility", "考核办法 取消评先评优资格"),
)
_VETO_COMPILED = tuple((regex.compile(pattern), effect) for pattern, effect, _ in VETO_EFFECTS)
_WIDTH: dict[VetoEffect, int] = {"assessment": 3, "section": 2, "item": 1, "eligibility": 0}


def veto_effect(text: str) -> VetoEffect:
    """What a veto's text vetoes: ``item`` (该项一票否决: the item scores 0), ``section`` (本部分
    一票否决: its top-level section scores 0), ``assessment`` (一票否决, 直接定为不达标: the total is
    0) or ``eligibility`` (取消评先评优资格 alone: the score stands, the unit is not eligible)."""
    t = prepare_for_parsing(text)
    found: set[VetoEffect] = set()
    # "该项一票否决" holds the bare form: it is not a second veto. The places narrowed forms cover
    # (each a dozen characters or so), so that looking one up is one step.
    narrowed: set[int] = set()
    for pattern, effect in _VETO_COMPILED:
        for match in pattern.finditer(t):
            if effect == "assessment" and match.start() in narrowed:
                continue
            if effect in ("item", "section"):
                narrowed.update(range(*match.span()))
            found.add(effect)
    return max(found, key=_WIDTH.__getitem__) if found else "assessment"


# A range of points: "扣5-10分", "扣3～5分", "加2至5分".
_RANGE = regex.compile(r"(?P<lo>\d+(?:\.\d+)?)\s*(?:-|—|–|~|～|至|到)\s*(?P<hi>\d+(?:\.\d+)?)\s*分")


def point_range(text: str) -> tuple[float, float] | None:
    """The bounds of a range of points a rule states ("扣5-10分" → (5, 10)), or None."""
    match = _RANGE.search(prepare_for_parsing(text))
    if match is None:
        return None
    low, high = float(match.group("lo")), float(match.group("hi"))
    return (low, high) if low <= high else None
