"""Clause grammar: the scoring rules an assessment item's text states.

A rules table (考核细则, 评分标准) states how an item is scored in prose: "少1次扣1分" deducts per
occurrence, "获省级表彰加5分" adds a bonus, "直接定为不达标" vetoes, and "完成任务数的70%(1分)"
offers partial credit after the full "(2分)" mark. :func:`find_rules` finds these phrases and
:func:`item_points` sums an item's inline "(N分)" marks, leaving the partial-credit alternatives out.

Both work on text that is already simplified; they fold width and undo line wraps themselves
(via :func:`normalizers.numbers.prepare_for_parsing`), so "（０.５\\n分）" reads as "(0.5分)".
Rule texts are clauses of that prepared text, so they carry half-width punctuation and digits.
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass
from typing import Literal

from normalizers.numbers import (
    CN_SMALL_NUMERAL_PATTERN,
    MEASURE_WORDS,
    NUMBER_PATTERN,
    parse_chinese_numeral,
    prepare_for_parsing,
)
from schema.records import Per

SectionKind = Literal["scored", "bonus", "deduct", "mixed"]
RuleKind = Literal["deduct", "bonus", "veto", "tier"]


@dataclass(frozen=True, slots=True)
class Rule:
    """One scoring rule stated in an item's text."""

    kind: RuleKind
    points: float | None  # positive number of points deducted/added/awarded; None for veto or unknown
    text: str  # the clause that states the rule, e.g. "少1次扣1分"
    per: Per | None = None  # per-occurrence rules: Per(1, "次") for "少1次扣1分"
    cap: float | None = None  # most points the rule can deduct/add in all


# --- Lexicon -------------------------------------------------------------------------------------

_NUM = rf"(?:{NUMBER_PATTERN}|{CN_SMALL_NUMERAL_PATTERN})"

# Units a per-occurrence count may carry. 分 is left out ("1分扣…" is never a count); % and a few
# counters for incidents (起, 宗, 案) and periods (学年, 季度) that the numbers module has no use for
# are added.
_UNITS: tuple[str, ...] = tuple(
    sorted(
        {
            *MEASURE_WORDS,
            *("%", "‰", "起", "宗", "案", "回", "遍", "封", "家次", "户次", "篇次", "条次", "班次", "批次"),
            *("学年", "季度", "个月"),
        }
        - {"分"},
        key=len,
        reverse=True,
    )
)
_UNIT = "(?:" + "|".join(map(re.escape, _UNITS)) + ")"
_SINGLE_CHAR_UNITS = "".join(re.escape(u) for u in _UNITS if len(u) == 1)
# Periods: "每年获评先进个人" says how often, not what is counted.
_PERIOD_UNITS = frozenset({"年", "学年", "季度", "月", "个月", "周", "日", "天", "小时", "分钟"})
_CN_NUMERAL_CHARS = CN_SMALL_NUMERAL_PATTERN[1:-2]
# The noun a counted unit may be followed by: "每少一次督导", "每缺一个行业". Han characters only,
# without 每 or numerals, so that it never swallows another count.
_NOUN = rf"(?:(?![每{_CN_NUMERAL_CHARS}])[\u4e00-\u9fff]){{0,8}}"
# Verbs that make "N<unit> <noun>" an occurrence without 每: "出现1例未处理扣2分".
_OCCURRENCE_VERBS = ("出现", "发现", "发生", "查出", "查实", "存在", "少", "缺", "漏", "多", "有")
# After the unit these make the count a threshold: "出现2次以上不合格", "1个月内".
_THRESHOLD_NOUNS = ("以", "及", "或", "之", "内", "左右")

# An amount of points: "1", "0.3", "两", "半", or a range "1-3" (a range is a cap, not a fixed amount).
# ～ and － fold to ~ and -; the wave dash 〜 (U+301C) and the en dash do not.
_RANGE_SEP = r"(?:-|~|〜|～|–|至|到|—|―)"
_AMOUNT = rf"(?P<amt>{_NUM}|半)(?:\s*{_RANGE_SEP}\s*(?P<hi>{_NUM}))?"
# 分钟 is minutes and 分之 a fraction, never points.
_POINTS_WORD = r"分(?![钟之])"
# "扣1分/次": the unit of a per-occurrence rule written after the amount.
_PER_SUFFIX = rf"(?:\s*/\s*(?P<snum>{_NUM})?\s*(?P<sunit>{_UNIT}))?"
# The amount follows the verb directly: "增加(2分)" is a requirement ("has increased") worth 2 points,
# not a bonus.
_EXPLICIT_TAIL = rf"\s*{_AMOUNT}\s*{_POINTS_WORD}" + _PER_SUFFIX

# 参加 ("take part in") is not 加 ("add"); 奖 alone ("分别奖10分") is 奖励.
_BONUS_VERB = r"奖励|加奖|奖分|奖|(?<!参)加"
_EXPLICIT = re.compile(rf"(?P<verb>扣除|扣减|扣|减去|减|{_BONUS_VERB}){_EXPLICIT_TAIL}")
_DEDUCT_VERBS = frozenset({"扣除", "扣减", "扣", "减去", "减"})
# Amounts sharing one unit: "分别奖20、10分", "扣5、3、1分".
_SHARED_UNIT = re.compile(
    rf"(?P<verb>扣除|扣减|扣|减去|减|{_BONUS_VERB})\s*(?P<amts>{_NUM}(?:\s*[、,]\s*{_NUM})+)\s*{_POINTS_WORD}"
)
# Credit per counted unit: "每篇计2分", "每件得1分", "政务类每篇记10分".
_PER_CREDIT = re.compile(rf"(?P<verb>计|记|得)\s*{_AMOUNT}\s*{_POINTS_WORD}")
# Amounts in a ratio: "多投稿一篇按2:1:0.5比例加分" (one amount per level, in order).
_RATIO = re.compile(rf"按\s*(?P<amts>{_NUM}(?:\s*:\s*{_NUM})+)\s*的?比例\s*(?P<verb>加|扣|减|计|奖)分")
# Further amounts of a list: "分别加10分、5分". After a comma or 和/或 only when 分别/依次 announces
# a list, so that "加5分,5分钟内…" stays one rule.
_LIST_ITEM = re.compile(rf"\s*(?P<sep>、|,|和|或)\s*(?P<amt>{_NUM})\s*{_POINTS_WORD}")
_LIST_CUE = re.compile(r"(?:分别|依次|各)\s*$")

# The whole item is lost: points = the item's points.
_NO_SCORE = re.compile(r"不得分|不计分|不给分|不能得分|[计记得][0零]分|(?<=[\u4e00-\u9fff]):\s*[0零]分")
# A deduction or bonus of unstated size.
_DISCRETIONARY = re.compile(r"(?:酌情|视情况?|适当|相应)(?P<verb>扣|减|加|奖)分")
# A condition labelled as a bonus or a deduction, of unstated size: "加：满意度高于95%",
# "减：迟到、早退", "加分项。参与助教外其他工作".
_LABELLED = re.compile(r"(?<![增参附追添叠累递缩削])(?:(?P<verb>加|减|扣|奖)\s*[:]|(?P<item>加分|扣分|减分)项(?![目]))")
# A per-unit amount without its verb, "每次2分": in a 扣分/加分 section the section's verb is meant
# ("…不擦洗每次2分" under 减分项目, real:houqinchu-qingjiegong-kaohe-hant; "每篇2分" under 加分项目).
_PER_BARE = re.compile(
    rf"(?<![扣加减得计记奖罚])每\s*(?:[一1]\s*)?(?P<unit>{_UNIT})\s*(?P<amt>{_NUM})\s*{_POINTS_WORD}"
)
# A grade band of a rating scale: "15-17分" over its descriptor, "（10-15分）" after it
# (real:eia-yuangong-yuedu-kaohe, real:whut-qingong-julebu-yuangong-yuedu-kaohe). A range after a
# verb ("扣5-10分") is a rule of its own.
_BAND = re.compile(
    r"(?<![扣加减得计记奖罚\d.])(?P<lo>\d+(?:\.\d+)?)\s*分?\s*(?:-|~|～|—|–|至|到)\s*(?P<hi>\d+(?:\.\d+)?)\s*分(?![钟之])"
)
# "得3分" as one of several alternatives: "省级推广1篇,得3分;市级推广1篇,得2分". 得0分 is _NO_SCORE.
# A rating scale's options name their points after a colon: "很满意：10分；较满意：8分；一般：6分".
# "计N分" states it too: "有档案、有组织计10分" (its per-unit form "每篇计2分" is a credit).
_EARN = re.compile(rf"(?:(?<![不每])[得计记]|(?<=[\u4e00-\u9fff]):)\s*{_AMOUNT}\s*{_POINTS_WORD}")
# The full mark as one of the alternatives: "符合要求,得满分;达到90%,得2分".
_EARN_FULL = re.compile(r"(?<!不)得满分")
_VETO = re.compile(
    r"一票否决|(?:实行|实施|予以)否决"
    r"|(?:定|评|确定|认定|判定|评定)为(?:不达标|不合格|不及格|不称职|较差)"
    r"|取消[^,;。!?:]{0,6}?(?:评先评优|评优评先|评先树优|评优|评先)"
)

# Caps. Each pattern gives the verb (None: any deduction or bonus) and the number (None: "扣完为止",
# the item's own points). Earlier patterns win where two overlap.
_CAPS: tuple[re.Pattern[str], ...] = (
    # "5分扣完为止": the number before 扣完 is the cap, unless it is an amount ("扣1分扣完为止").
    re.compile(rf"(?<![扣减加除0-9.])(?P<num>{_NUM})\s*分(?P<verb>扣|减)(?:完|光|尽)(?:为止|即止)?"),
    # "最多扣5分", "最高加3分", "最高奖励2分", "累计最多可扣5分", "最高不超过扣5分".
    re.compile(
        rf"(?:累计|合计|总计|共计)?(?:最多|最高|至多|上限)(?:可|只|能|为|不超过|不得超过)*"
        rf"(?P<verb>扣除|扣减|扣|减|奖励|加奖|奖|加)\s*(?P<num>{_NUM})\s*{_POINTS_WORD}(?:为限|封顶|为止)?"
    ),
    # "扣满5分为止", "加满3分为止", "扣完5分为止".
    re.compile(rf"(?P<verb>扣|减|加|奖)(?:满|够|足|完)\s*(?P<num>{_NUM})\s*{_POINTS_WORD}(?:为止|即止)?"),
    # "累计扣分不超过5分", "加分最高3分", "加分上限为5分", "奖分上限为5分", "扣分以5分为限".
    re.compile(
        rf"(?:累计|合计|总计|共计)?(?P<verb>扣|减|奖励|加|奖)分?(?:累计|合计|总计)?"
        rf"(?:最多|最高|至多|上限为?|不超过|不得超过|不高于|以)\s*(?P<num>{_NUM})\s*{_POINTS_WORD}(?:为限|封顶)?"
    ),
    # "加3分封顶".
    re.compile(rf"(?P<verb>扣|减|加|奖)\s*(?P<num>{_NUM})\s*分封顶"),
    # "扣完为止", "扣完本项分值为止", "扣至0分", "扣分不超过本项分值": as much as the item is worth.
    re.compile(r"(?P<verb>扣|减)(?:完|光|尽)(?:[^,;。!?:]{0,6}?为止)?"),
    re.compile(r"(?P<verb>扣|减)至[0零]分(?:为止)?"),
    re.compile(r"(?P<verb>扣|减)分?(?:累计)?(?:不超过|不得超过|以)本项(?:分值|分数|总分|满分|得分)?(?:为限)?"),
    # Verbless: "最高不超过3分", "以5分为限", "5分封顶" bound whatever the sentence deducts or adds.
    re.compile(rf"(?:最多|最高|至多)(?:不超过|不得超过)\s*(?P<num>{_NUM})\s*{_POINTS_WORD}"),
    re.compile(rf"以\s*(?P<num>{_NUM})\s*分为限|(?P<num2>{_NUM})\s*分封顶"),
)

# "(20分)" / "(0.5 分)" on prepared text (width folded, line wraps undone).
_MARK = re.compile(r"\(\s*(?P<num>[0-9]+(?:\.[0-9]+)?)\s*分\s*\)")

# The count and unit a per-occurrence rule's phrase ends with: "每少一篇", "少1次", "未上报每件",
# "1篇", maybe followed by what is counted ("每少一次督导", "每个行业"). The words between 每 and
# the count ("少", "出现", "下降") may not contain digits or units, so that "每年获评先进个人" is not
# read as "per person".
_PER_TAIL = re.compile(
    rf"(?:(?P<mei>每)[^每,;。!?:、\d{_SINGLE_CHAR_UNITS}]{{0,6}}?)?"
    rf"(?P<num>{NUMBER_PATTERN}|{CN_SMALL_NUMERAL_PATTERN})?\s*(?P<unit>{_UNIT})(?P<noun>{_NOUN})\s*$"
)
# Before a count without 每 these make it a threshold, not an occurrence: "少于3次扣1分" deducts
# once for falling short, "少1次扣1分" for each time missed.
_THRESHOLD_CHARS = frozenset("于足到满过达超第近约")
# Ranks are not counts either: "前3名加5分", "四至六名加3分".
_RANK_CHARS = frozenset("前后至~-")
# Shares are thresholds without 每: "满意率低于90%扣2分"; "每低1个百分点扣1分" is per point.
_SHARE_UNITS = frozenset({"%", "‰", "个百分点", "百分点"})
# A 每 phrase alone in the previous clause: "每少1次,扣1分".
_PER_CLAUSE_ALONE = re.compile(rf"^\s*每[^,;。!?:]{{0,8}}?{_UNIT}{_NOUN}\s*$")

# Partial completion before a tier mark: a share below 100% or words that say "partly".
_PERCENT = re.compile(r"(?P<num>[0-9]+(?:\.[0-9]+)?)\s*%")
_CN_PERCENT = re.compile(rf"百分之(?P<num>{CN_SMALL_NUMERAL_PATTERN})")
_FRACTION = re.compile(rf"(?P<den>{CN_SMALL_NUMERAL_PATTERN})分之(?P<num>{CN_SMALL_NUMERAL_PATTERN})")
_PARTIAL_WORDS = re.compile(r"一半|半数|过半|(?:基本|部分)(?:完成|达到|达标|落实|做到|符合)|未全部完成")

_CLAUSE_BOUNDARY = frozenset(",;。!?:")
_SENTENCE_BOUNDARY = frozenset(";。!?")
_TIER_BOUNDARY = _CLAUSE_BOUNDARY | {"、"}
CLAUSE_WINDOW = 300  # characters of a clause kept on either side of the rule it states
_BRACKETS = {"(": ")", "[": "]", "【": "】", "《": "》", "〔": "〕", "「": "」", "『": "』", "“": "”"}
# "42、", "3.", "(2)" numbering an item; not part of any rule's text.
_ENUMERATOR = re.compile(
    r"^\s*(?:(?:[0-9]+|[一二三四五六七八九十]+)\s*[、.](?![0-9])|\(\s*[0-9一二三四五六七八九十]+\s*\))\s*"
)
# The same numbering anywhere in an item's text starts a sub-item, which no rule's text runs into:
# "…扣完为止) 2.河长制相关信息报道…". "2.河" after a Han character is numbering too (a line wrap
# was undone), but not "第1、2名", "1.5分" or "一、二、三等奖" (Chinese numerals need a boundary).
_SUB_ITEM = re.compile(
    r"(?<![0-9.第])[0-9]{1,2}\s*[、.](?=\s*[\u4e00-\u9fff(“《「])"
    r"|(?:^|(?<=[\s,;。!?:)\]】]))(?:[一二三四五六七八九十]{1,3}、(?![一二三四五六七八九十])"
    r"|\(\s*(?:[0-9]{1,2}|[一二三四五六七八九十]{1,3})\s*\)(?=\s*[\u4e00-\u9fff]))"
)


# --- Helpers -------------------------------------------------------------------------------------


def _number(s: str | None) -> float | None:
    """Value of a matched numeral: Arabic, Chinese (两, 十五) or 半 (a half)."""
    if s is None:
        return None
    if s == "半":
        return 0.5
    if s[0].isdigit():
        return float(s.replace(",", ""))
    n = parse_chinese_numeral(s)
    return None if n is None else float(n)


def _bracket_depths(t: str) -> list[bool]:
    """For each position, whether it lies inside a matched bracket pair.

    Punctuation inside brackets ("(含组织部,老干部局)") does not end a clause. Unmatched brackets,
    common in extracted text, are ignored rather than swallowing the rest of the item. A closer
    matches the nearest open bracket of its kind and closes every bracket opened after that one.
    Linear time: each opener is pushed and popped once, and the pairs are marked by a running
    count (deep nesting such as "((((…))))" would otherwise mark the same positions again and again).
    """
    kinds: list[str] = []  # the open brackets, innermost last
    starts: list[int] = []  # where each was opened
    depth_of_kind: dict[str, list[int]] = {opener: [] for opener in _BRACKETS}  # stack depths per kind
    opener_of = {closer: opener for opener, closer in _BRACKETS.items()}
    change = [0] * (len(t) + 1)
    for i, ch in enumerate(t):
        if ch in _BRACKETS and not (ch == "“" and kinds and kinds[-1] == "“"):
            depth_of_kind[ch].append(len(kinds))
            kinds.append(ch)
            starts.append(i)
        elif ch in opener_of and depth_of_kind[opener_of[ch]]:
            depth = depth_of_kind[opener_of[ch]][-1]
            change[starts[depth] + 1] += 1
            change[i] -= 1
            while len(kinds) > depth:
                depth_of_kind[kinds.pop()].pop()
                starts.pop()
    inside: list[bool] = []
    running = 0
    for delta in change[: len(t)]:
        running += delta
        inside.append(running > 0)
    return inside


class _Layout:
    """Clause and sentence boundaries of a prepared text.

    Boundaries are spans: a punctuation mark, or the numbering of a sub-item ("2.", "(3)"), which
    ends the clause and the sentence before it.
    """

    def __init__(self, t: str) -> None:
        self.t = t
        inside = _bracket_depths(t)
        items = [(m.start(), m.end()) for m in _SUB_ITEM.finditer(t) if not inside[m.start()]]
        self._item_starts = [s for s, _ in items]
        clause_cuts = [(i, i + 1) for i, ch in enumerate(t) if ch in _CLAUSE_BOUNDARY and not inside[i]] + items
        sentence_cuts = [(i, i + 1) for i, ch in enumerate(t) if ch in _SENTENCE_BOUNDARY and not inside[i]] + items
        # Sorted starts and ends, searched by bisection: a long text has many boundaries.
        self._clause_starts = sorted(s for s, _ in clause_cuts)
        self._clause_ends = sorted(e for _, e in clause_cuts)
        self._sentence_starts = sorted(s for s, _ in sentence_cuts)

    def clause_start(self, pos: int) -> int:
        index = bisect.bisect_right(self._clause_ends, pos)
        return self._clause_ends[index - 1] if index else 0

    def clause_end(self, pos: int) -> int:
        index = bisect.bisect_left(self._clause_starts, pos)
        return self._clause_starts[index] if index < len(self._clause_starts) else len(self.t)

    def sentence_end(self, pos: int) -> int:
        index = bisect.bisect_left(self._sentence_starts, pos)
        return self._sentence_starts[index] if index < len(self._sentence_starts) else len(self.t)

    def sentence(self, pos: int) -> int:
        """Index of the sentence holding ``pos``."""
        return bisect.bisect_left(self._sentence_starts, pos)

    def sub_item(self, pos: int) -> int:
        """Index of the numbered sub-item holding ``pos`` (0 before any numbering)."""
        return bisect.bisect_left(self._item_starts, pos)

    def clause_text(self, start: int, end: int) -> str:
        """The clause(s) spanning ``start``..``end``, without item numbering or edge whitespace."""
        a, b = self.clause_start(start), self.clause_end(max(start, end - 1))
        # A clause that never ends (a long text without punctuation) is cut to a window around
        # the rule: a thousand rules in it would otherwise each carry the whole text.
        a, b = max(a, start - CLAUSE_WINDOW), min(b, max(start, end) + CLAUSE_WINDOW)
        # Extracted text runs items together ("…(2分)。42、老干部…"), so numbering may open any clause.
        return _ENUMERATOR.sub("", self.t[a:b], count=1).strip()


@dataclass(frozen=True, slots=True)
class _Mark:
    start: int
    end: int
    value: float
    tier: bool
    phrase_start: int  # where the mark's own phrase starts (after the previous mark or punctuation)


def _states_partial(phrase: str) -> bool:
    """True when a phrase states a completion share below 100% ("70%", "一半", "基本完成")."""
    if _PARTIAL_WORDS.search(phrase):
        return True
    if any(float(m.group("num")) < 100 for m in _PERCENT.finditer(phrase)):
        return True
    for m in _CN_PERCENT.finditer(phrase):
        n = parse_chinese_numeral(m.group("num"))
        if n is not None and n < 100:
            return True
    for m in _FRACTION.finditer(phrase):
        den, num = parse_chinese_numeral(m.group("den")), parse_chinese_numeral(m.group("num"))
        if den and num is not None and num < den:
            return True
    return False


def _marks(t: str) -> list[_Mark]:
    """Every "(N分)" mark of a prepared text, each flagged when it is a partial-credit tier.

    A tier is a later mark whose own phrase (since the previous mark or punctuation, 、 included)
    states partial completion, and which is worth less than the full mark it is an alternative to
    (the latest non-tier mark); the value check keeps "建立台账(1分),满意率达95%(2分)" two requirements.
    """
    cuts = [i for i, ch in enumerate(t) if ch in _TIER_BOUNDARY]
    result: list[_Mark] = []
    full: float | None = None
    prev_end = 0
    for m in _MARK.finditer(t):
        value = float(m.group("num"))
        before = bisect.bisect_left(cuts, m.start())
        start = max(prev_end, cuts[before - 1] + 1 if before else 0)
        tier = full is not None and value < full and _states_partial(t[start : m.start()])
        result.append(_Mark(m.start(), m.end(), value, tier, start))
        if not tier:
            full = value
        prev_end = m.end()
    return result


def _sum_marks(marks: list[_Mark]) -> float | None:
    """What marks add up to; a first mark that the others add up to is their total, stated first
    ("意识形态工作(3分)清理标语(0.5分);排查表(0.5分);…(2分)" is worth 3, not 6)."""
    values = [m.value for m in marks if not m.tier]
    if len(values) > 2 and abs(values[0] - sum(values[1:])) < 1e-6:
        return values[0]
    # Rounded so that 0.1 + 0.2 sums to 0.3, as the document means.
    return round(sum(values), 6) if values else None


def _per_from_tail(tail: str) -> Per | None:
    """The per-occurrence count a rule's phrase ends with, or None.

    Without 每 the count must be written and sit right before the verb ("少1次扣1分"), or before
    what is counted after an occurrence verb ("出现1例未处理扣2分"); with 每 it defaults to 1
    ("每件扣10分", "每个行业扣1分"). The unit is the measure word right after the count (or after
    每): the noun that may follow it is not part of it.
    """
    m = _PER_TAIL.search(tail)
    if m is None:
        return None
    noun = m.group("noun")
    if noun.startswith(_THRESHOLD_NOUNS):
        return None
    if m.group("mei") is None:
        before = tail[: m.start("num")].rstrip() if m.group("num") is not None else ""
        if m.group("num") is None or m.group("unit") in _SHARE_UNITS or before[-1:] in _THRESHOLD_CHARS | _RANK_CHARS:
            return None
        if noun and not before.endswith(_OCCURRENCE_VERBS):
            return None  # "前3名的", "召开2次会议": a rank or a requirement, not an occurrence
    elif m.group("num") is None and noun and m.group("unit") in _PERIOD_UNITS:
        return None  # "每年获评先进个人": how often, not what is counted
    count = _number(m.group("num")) if m.group("num") is not None else 1.0
    if count is None:
        if m.group("mei") is None:
            return None
        count = 1.0
    return Per(count=count, unit=m.group("unit"))


@dataclass(slots=True)
class _Found:
    """A rule found at ``start``..``end`` of the prepared text, before caps are attached."""

    start: int
    end: int
    kind: RuleKind
    points: float | None
    per: Per | None = None
    cap: float | None = None
    text_start: int | None = None  # where the text starts when not at the clause start
    text: str | None = None  # fixed text (tiers), else the clause


def _min_cap(a: float | None, b: float | None) -> float | None:
    if a is None:
        return b
    if b is None:
        return a
    return min(a, b)


# --- Finding rules -------------------------------------------------------------------------------


def _explicit(t: str, masked: str, layout: _Layout) -> list[_Found]:
    """Rules written as verb + amount: "扣2分", "少1次扣1分", "分别加10分、5分", "扣1分/次"."""
    found: list[_Found] = []
    taken_end = 0  # where the last rule read ended: it ends a later rule's phrase
    for m in _EXPLICIT.finditer(masked):
        kind: RuleKind = "deduct" if m.group("verb") in _DEDUCT_VERBS else "bonus"
        lo = _number(m.group("amt"))
        if lo is None:
            continue
        hi = _number(m.group("hi")) if m.group("hi") is not None else None
        # A range ("扣1-3分") has no fixed size; its upper end is the most it can take.
        points, cap = (None, hi) if hi is not None else (lo, None)
        clause_start = max(layout.clause_start(m.start()), taken_end if taken_end <= m.start() else 0)
        tail = t[clause_start : m.start()]
        text_start = None
        if m.group("sunit") is not None:
            count = _number(m.group("snum")) if m.group("snum") is not None else 1.0
            per = Per(count=count if count is not None else 1.0, unit=m.group("sunit"))
        else:
            per = _per_from_tail(tail)
            if per is None and not tail.strip() and clause_start > 0 and t[clause_start - 1] in _CLAUSE_BOUNDARY:
                # "每少1次,扣1分": the per phrase is the whole previous clause.
                prev_start = layout.clause_start(clause_start - 1)
                prev = t[prev_start : clause_start - 1]
                if _PER_CLAUSE_ALONE.match(prev):
                    per = _per_from_tail(prev)
                    text_start = prev_start
        found.append(_Found(m.start(), m.end(), kind, points, per, cap, text_start))
        end = m.end()
        allowed = {"、", ",", "和", "或"} if _LIST_CUE.search(tail) else {"、"}
        while (item := _LIST_ITEM.match(masked, end)) is not None and item.group("sep") in allowed:
            value = _number(item.group("amt"))
            if value is None:
                break
            found.append(_Found(item.start("amt"), item.end(), kind, value, per, None, text_start))
            end = item.end()
        taken_end = max(taken_end, end)
    return found


def _mask(masked: str, spans: list[tuple[int, int]]) -> str:
    chars = list(masked)
    for start, end in spans:
        chars[start:end] = "\x00" * (end - start)
    return "".join(chars)


def _shared_and_ratio(t: str, masked: str, layout: _Layout) -> tuple[list[_Found], str]:
    """Amounts that share one verb and unit ("分别奖20、10分", "按2:1:0.5比例加分"), and per-unit
    credits ("每篇计2分"), with the text they were read from blanked for the other finders."""
    found: list[_Found] = []
    spans: list[tuple[int, int]] = []
    for pattern, separator in ((_SHARED_UNIT, r"[、,]"), (_RATIO, r":")):
        for m in pattern.finditer(masked):
            verb = m.group("verb")
            kind: RuleKind = "deduct" if verb in _DEDUCT_VERBS else "bonus"
            tail = t[layout.clause_start(m.start()) : m.start()]
            per = _per_from_tail(tail)
            for amount in re.split(separator, m.group("amts")):
                value = _number(amount.strip())
                if value is not None:
                    found.append(_Found(m.start(), m.end(), kind, value, per))
            spans.append((m.start(), m.end()))
    masked = _mask(masked, spans)
    for m in _PER_CREDIT.finditer(masked):
        tail = t[layout.clause_start(m.start()) : m.start()]
        per = _per_from_tail(tail)
        if per is None or "每" not in tail or m.group("hi") is not None:
            continue
        value = _number(m.group("amt"))
        if value is not None:
            found.append(_Found(m.start(), m.end(), "bonus", value, per))
            spans.append((m.start(), m.end()))
    return found, _mask(masked, spans)


def _earned(t: str, masked: str, section: SectionKind, layout: _Layout, item_pts: float | None) -> list[_Found]:
    """Alternatives written as "得N分": "省级推广1篇,得3分;市级推广1篇,得2分", "完全达到得5分,基本达到得3分".

    Only two or more of them in one item (or numbered sub-item) are alternatives; a single "得N分"
    restates what the item is worth, and so does the best of a group — "得满分", else the largest
    ("良好得10分,一般得8分" offers one tier; "推广1篇,得3分;…得2分;…得1分" two). They are tiers, or
    bonuses in a bonus section. The text of each runs from the end of the one before, taking in the
    previous clause when "得N分" stands alone in its own ("…1篇,得3分").
    """
    by_item: dict[int, list[re.Match[str]]] = {}
    for m in _EARN.finditer(masked):
        if _number(m.group("amt")) and not _is_requirement(t, m.end()):
            by_item.setdefault(layout.sub_item(m.start()), []).append(m)
    full_marks: dict[int, int] = {}
    for m in _EARN_FULL.finditer(masked):
        full_marks[layout.sub_item(m.start())] = full_marks.get(layout.sub_item(m.start()), 0) + 1
    # The best alternative of a group is the full mark ("得满分", else the largest 得N分): not a tier.
    full_value: dict[int, float] = {}
    matches: list[re.Match[str]] = []
    for item, group in by_item.items():
        if len(group) + full_marks.get(item, 0) < 2:
            continue
        values = [_number(m.group("amt")) or 0.0 for m in group if m.group("hi") is None]
        full_value[item] = item_pts if full_marks.get(item) and item_pts is not None else max(values, default=0.0)
        if full_marks.get(item) and item_pts is None:
            full_value[item] = float("inf")
        matches.extend(group)
    matches.sort(key=lambda m: m.start())
    if not matches:
        return []
    kind: RuleKind = "bonus" if section == "bonus" else "tier"
    found: list[_Found] = []
    prev_end = 0
    for m, nxt in zip(matches, [*matches[1:], None], strict=True):
        lo = _number(m.group("amt"))
        hi = _number(m.group("hi")) if m.group("hi") is not None else None
        full = full_value[layout.sub_item(m.start())]
        if item_pts is not None:
            full = min(full, item_pts)
        if section != "bonus" and hi is None and lo is not None and lo >= full:
            prev_end = m.end()
            continue
        points, cap = (None, hi) if hi is not None else (lo, None)
        start = max(layout.clause_start(m.start()), prev_end)
        if not t[start : m.start()].strip() and start > prev_end and t[start - 1] in _CLAUSE_BOUNDARY:
            start = max(layout.clause_start(start - 1), prev_end)
        end = layout.clause_end(m.end() - 1)
        if nxt is not None and nxt.start() < end:
            end = m.end()  # the next alternative follows in the same clause
        text = _ENUMERATOR.sub("", t[start:end], count=1).strip()
        found.append(_Found(m.start(), m.end(), kind, points, None, cap, text=text))
        prev_end = m.end()
    return found


def _bands(t: str, masked: str, layout: _Layout, found: list[_Found], item_pts: float | None) -> list[_Found]:
    """The grade bands of a rating scale below its top one ("18-20分 … 15-17分 … 0-12分"): tiers of
    unstated points, capped at the band's top. Two bands at least make a scale."""
    taken = [(f.start, f.end) for f in found]
    bands = [
        m for m in _BAND.finditer(masked)
        if not any(start < m.end() and m.start() < end for start, end in taken)
    ]
    if len(bands) < 2:
        return []
    tops = [_number(m.group("hi")) or 0.0 for m in bands]
    best = max(tops) if item_pts is None else min(max(tops), item_pts)
    out = []
    for index, (m, top) in enumerate(zip(bands, tops, strict=True)):
        if top >= best:
            continue
        # The band with its descriptor: "良好(10-15分)" after a boundary, else "15-17分执行能力良好"
        # up to the next band (no boundary since the band before: the band opens its text).
        start = layout.clause_start(m.start())
        if index and start < bands[index - 1].end():
            start = m.start()
        end = layout.clause_end(m.end() - 1)
        if index + 1 < len(bands) and bands[index + 1].start() < end:
            end = bands[index + 1].start()
        text = t[start:end].strip(" ,;。、") or m.group(0)
        out.append(_Found(m.start(), m.end(), "tier", None, None, top, text=text))
    return out


def _no_score_points(m: re.Match[str], marks: list[_Mark], layout: _Layout, item_pts: float | None) -> float | None:
    """What "不得分" costs: the marks of its own clause, else the whole item.

    The mark right after it ("否则不得分(10分)") says what is lost; marks before it in the clause
    ("年度总结(2分)、半年总结(1分)未报送不得分") are what it takes away. A larger total of the
    enclosing item is not what the clause is worth.
    """
    start, end = layout.clause_start(m.start()), layout.clause_end(m.end())
    otherwise = _EARNED_OTHERWISE.search(layout.t, max(0, m.start() - 16), m.start())
    if otherwise is not None and otherwise.end() == m.start():
        return _number(otherwise.group("amt"))  # "…,得3分;否则不得分": the 3 points it would have earned
    after = [k for k in marks if m.end() <= k.start and k.end <= end]
    if after:
        return after[0].value
    before = _sum_marks([k for k in marks if start <= k.start and k.end <= m.start()])
    if before is not None:
        return before
    # "1.…得1分。2.…年内无案例不得分,得3分": a numbered sub-item worth its own 得N分 loses that.
    sub_item = layout.sub_item(m.start())
    if sub_item > 0:
        worth = [
            value
            for e in _EARN.finditer(layout.t)
            if layout.sub_item(e.start()) == sub_item and (value := _number(e.group("amt"))) is not None
        ]
        if len(worth) == 1:
            return worth[0]
    return item_pts


def _caps(t: str, item_pts: float | None) -> tuple[list[tuple[int, int, RuleKind | None, float | None]], str]:
    """Cap phrases as (start, end, kind, value), and the text with them blanked out.

    Blanking keeps "最多扣5分" from also being read as a deduction of 5.
    """
    caps: list[tuple[int, int, RuleKind | None, float | None]] = []
    spans: list[tuple[int, int]] = []
    taken = bytearray(len(t))  # positions inside a cap already read (earlier patterns win)
    for pattern in _CAPS:
        for m in pattern.finditer(t):
            if any(taken[m.start() : m.end()]):
                continue
            groups = m.groupdict()
            verb = groups.get("verb")
            kind: RuleKind | None = None if verb is None else ("deduct" if verb in _DEDUCT_VERBS else "bonus")
            if "num" not in groups and "num2" not in groups:
                value = item_pts  # "扣完为止": as much as the item is worth
            else:
                value = _number(groups.get("num") or groups.get("num2"))
                if value is None:
                    continue
            caps.append((m.start(), m.end(), kind, value))
            spans.append((m.start(), m.end()))
            taken[m.start() : m.end()] = b"\x01" * (m.end() - m.start())
    masked = list(t)
    for s, e in spans:
        masked[s:e] = "\x00" * (e - s)
    return sorted(caps), "".join(masked)


def _attach_caps(
    found: list[_Found],
    caps: list[tuple[int, int, RuleKind | None, float | None]],
    layout: _Layout,
) -> list[_Found]:
    """Attach each cap to the deductions (or bonuses) of its sentence.

    A cap in a sentence of its own ("每少1次扣1分;扣完为止") binds the nearest earlier sentence that
    has such rules. A numeric cap with nothing to bind states a rule of unknown size ("最高加3分").
    """
    extra: list[_Found] = []
    # The rules of each sentence, by kind, and the sentences that have any (sorted, for bisection).
    by_sentence: dict[tuple[int, str], list[_Found]] = {}
    for f in found:
        by_sentence.setdefault((layout.sentence(f.start), f.kind), []).append(f)
    sentences = {k: sorted({s for s, kind in by_sentence if kind == k}) for k in ("deduct", "bonus")}
    for start, end, kind, value in caps:
        kinds = [kind] if kind is not None else ["deduct", "bonus"]
        sentence = layout.sentence(start)
        # Only a cap that names its verb reaches back: a bare "最高不超过3分" may bound something else.
        reach = [s for k in kinds for s in _nearest_at_or_before(sentences.get(k, []), sentence)]
        if kind is None:
            reach = [s for s in reach if s == sentence]
        nearest = max(reach, default=None)
        targets = [] if nearest is None else [f for k in kinds for f in by_sentence.get((nearest, k), [])]
        for f in targets:
            f.cap = _min_cap(f.cap, value)
        if not targets and kind is not None and value is not None:
            extra.append(_Found(start, end, kind, None, None, value))
    return found + extra


def _nearest_at_or_before(sorted_values: list[int], value: int) -> list[int]:
    index = bisect.bisect_right(sorted_values, value)
    return [sorted_values[index - 1]] if index else []


def _resolve_item_points(t: str, section: SectionKind, given: float | None) -> float | None:
    # In a scored item the marks are what the item is worth; in a bonus or deduct section they are
    # the bonus or penalty itself, so only the caller can say what the item is worth there.
    if given is not None or section != "scored":
        return None if given is None else float(given)
    return _sum_marks(_marks(t))


def find_rules(text: str, section: SectionKind = "scored", item_points: float | None = None) -> list[Rule]:
    """The scoring rules an item's text states, in text order (see :func:`_find_rules`)."""
    return list(_find_rules(text, section, item_points))


# A document's builder asks for the same text's rules more than once (its row, its clauses), and
# grids repeat texts: each (text, section, points) is read once.
@functools.lru_cache(maxsize=16384)
def _find_rules(text: str, section: SectionKind, item_points: float | None) -> tuple[Rule, ...]:
    """The scoring rules an item's text states, in text order.

    ``section`` is the kind of section the item sits in: in a 加分内容 ("bonus") or 扣分内容
    ("deduct") section a bare "(N分)" mark is itself a bonus or deduction; in an ordinary
    ("scored") section marks are the item's points and only partial-credit alternatives after the
    full mark are rules (kind "tier"). ``item_points`` is what the item is worth, used by "不得分"
    and "扣完为止"; when not given, a scored item's own marks are summed (:func:`item_points`).
    """
    t = prepare_for_parsing(text)
    if not t:
        return ()
    layout = _Layout(t)
    item_pts = _resolve_item_points(t, section, item_points)
    caps, masked = _caps(t, item_pts)

    marks = _marks(t)
    found, masked = _shared_and_ratio(t, masked, layout)
    found.extend(_explicit(t, masked, layout))
    found.extend(_earned(t, masked, section, layout, item_pts))
    for m in _NO_SCORE.finditer(masked):
        found.append(_Found(m.start(), m.end(), "deduct", _no_score_points(m, marks, layout, item_pts)))
    for m in _DISCRETIONARY.finditer(masked):
        found.append(_Found(m.start(), m.end(), "deduct" if m.group("verb") in _DEDUCT_VERBS else "bonus", None))
    labels = list(_LABELLED.finditer(masked))
    stated = {k: sorted(f.start for f in found if f.kind == k) for k in ("deduct", "bonus")}
    for m, nxt in zip(labels, [*labels[1:], None], strict=False):
        verb = m.group("verb") or m.group("item")[0]
        kind: RuleKind = "deduct" if verb in _DEDUCT_VERBS else "bonus"
        end = min(layout.sentence_end(m.end()), nxt.start() if nxt is not None else len(t))
        starts = stated[kind]
        first = bisect.bisect_left(starts, m.start())
        if not (first < len(starts) and starts[first] < end):
            found.append(_Found(m.start(), m.end(), kind, None, text=t[m.start() : end].strip()))

    veto_sentences: set[int] = set()
    for m in _VETO.finditer(masked):
        if "被" in t[max(0, m.start() - 2) : m.start()] or t.startswith("的", m.end()):
            continue  # a condition ("被评为不合格的单位扣5分"), not an outcome
        # "实行一票否决,直接定为不达标" is one veto said twice.
        sentence = layout.sentence(m.start())
        if sentence not in veto_sentences:
            veto_sentences.add(sentence)
            found.append(_Found(m.start(), m.end(), "veto", None))

    # The phrases found so far by where they end, with their order: a mark's owner is looked up
    # where it may end (the whitespace before the mark), not searched for among all of them.
    by_end: dict[int, list[tuple[int, _Found]]] = {}
    for order, phrase in enumerate(found):
        by_end.setdefault(phrase.end, []).append((order, phrase))
    for mark in marks:
        if section == "mixed":
            continue  # 奖扣分项目: each rule's own verb says bonus or deduction, a bare mark neither
        if section == "scored":
            if mark.tier:
                phrase = t[mark.phrase_start : mark.end].strip()
                found.append(_Found(mark.start, mark.end, "tier", mark.value, text=phrase))
            continue
        kind: RuleKind = "deduct" if section == "deduct" else "bonus"
        # A mark right after an explicit phrase of the section's kind belongs to it: "加5分(5分)" is
        # one bonus, and "该项不得分(20分)" says how much "不得分" costs.
        gap = mark.start
        while gap > 0 and t[gap - 1].isspace():
            gap -= 1
        owners = [entry for end in range(gap, mark.start + 1) for entry in by_end.get(end, ()) if entry[1].kind == kind]
        if owners:
            owner = min(owners, key=lambda entry: entry[0])[1]  # the first found, as found
            if owner.points is None:
                owner.points = mark.value
            continue
        tail = t[max(layout.clause_start(mark.start), mark.start - CLAUSE_WINDOW) : mark.start]
        rule = _Found(mark.start, mark.end, kind, mark.value, _per_from_tail(tail))
        by_end.setdefault(rule.end, []).append((len(found), rule))
        found.append(rule)

    if section == "scored":
        found.extend(_bands(t, masked, layout, found, item_pts))
    if section in ("deduct", "bonus"):
        taken = [(f.start, f.end) for f in found]
        for m in _PER_BARE.finditer(masked):
            if not any(start < m.end() and m.start() < end for start, end in taken):
                kind = "deduct" if section == "deduct" else "bonus"
                found.append(_Found(m.start(), m.end(), kind, _number(m.group("amt")), Per(1.0, m.group("unit"))))

    found = _attach_caps(found, caps, layout)
    found.sort(key=lambda f: f.start)
    rules: list[Rule] = []
    for f in found:
        if f.text is not None:
            rule_text = f.text
        else:
            rule_text = layout.clause_text(f.text_start if f.text_start is not None else f.start, f.end)
        rules.append(Rule(kind=f.kind, points=f.points, text=rule_text, per=f.per, cap=f.cap))
    return tuple(rules)


# What an item is worth, stated in words: "占20分", "满分10分", "本项5分", "分值为10分".
_STATED = re.compile(
    rf"(?:(?:占|满分为?|本项(?:满分|分值)?为?|分值为?|总分为?|基准分为?|基础分为?|标准分为?)\s*(?P<amt>{_NUM})\s*{_POINTS_WORD}"
    rf"|占\s*(?P<bare>{NUMBER_PATTERN})(?=\s*(?:[,;。!?]|$)))"
)


@functools.lru_cache(maxsize=16384)  # asked of each cell by the column profile and the row builder
def stated_points(text: str) -> float | None:
    """What an item without a points column is worth, by its own words.

    Its "(N分)" marks (:func:`item_points`) first; else a stated share ("占20分", "满分10分");
    else its full marks "得N分" — the best alternative of each numbered sub-item, summed
    ("1.…得2分。2.…得3分" → 5; "按标准发放得10分,每少1元扣1分" → 10). A per-occurrence credit
    ("每篇得2分") states no worth. None when the text states no worth at all ("未报扣10分").
    """
    t = prepare_for_parsing(text)
    marked = _sum_marks(_marks(t))
    if marked is not None:
        return marked
    stated = _STATED.search(t)
    if stated:
        return _number(stated.group("amt") or stated.group("bare"))
    layout = _Layout(t)
    best: dict[int, float] = {}
    required = 0.0
    for m in _EARN.finditer(t):
        if m.group("hi") is not None or "每" in t[layout.clause_start(m.start()) : m.start()]:
            continue
        value = _number(m.group("amt"))
        if not value:
            continue
        if _is_requirement(t, m.end()):
            required += value  # "…,得2分;否则相应扣分": a requirement of its own, worth its points
            continue
        item = layout.sub_item(m.start())
        best[item] = max(best.get(item, 0.0), value)
    if not best and not required:
        return None
    return round(sum(best.values()) + required, 6)


# "得2分;否则不得分": the points of a requirement met or not, not one of several alternatives.
_EARNED_OTHERWISE = re.compile(rf"得\s*(?P<amt>{NUMBER_PATTERN})\s*分\s*[,;。]?\s*否则")
_OTHERWISE = re.compile(r"\s*[,;。]?\s*否则")


def _is_requirement(t: str, end: int) -> bool:
    return _OTHERWISE.match(t, end) is not None


@functools.lru_cache(maxsize=16384)
def item_points(text: str) -> float | None:
    """What an item is worth by its inline marks: the sum of its "(N分)" marks, tiers excepted.

    "工作制度健全(1分)、工作规范有序(1分)、活动有记录(1分)" → 3.0; "完成任务(2分),完成任务数的70%(1分)"
    → 2.0 (the 70% mark is a partial-credit alternative, not more points); no marks → None.
    """
    return _sum_marks(_marks(prepare_for_parsing(text)))


_SIGNED_AMOUNT = re.compile(
    rf"^(?P<sign>[+-])?\s*(?P<amt>{NUMBER_PATTERN})\s*分?(?:\s*{_RANGE_SEP}\s*(?P<sign2>[+-])?\s*(?P<hi>{NUMBER_PATTERN})\s*分?)?$"
)


def amount_rules(text: str) -> list[Rule]:
    """The rule a 加减分 cell states by its sign: "-20" deducts 20, "+5" adds 5, "-5至-50" deducts
    an amount up to 50. A cell with more than an amount is read as rule text (find_rules)."""
    t = prepare_for_parsing(text)
    m = _SIGNED_AMOUNT.match(t)
    if m is None:
        return find_rules(t, "mixed")
    kind: RuleKind = "deduct" if "-" in (m.group("sign") or "", m.group("sign2") or "") else "bonus"
    low = float(m.group("amt"))
    if m.group("hi") is None:
        return [Rule(kind=kind, points=low, text=text.strip())]
    return [Rule(kind=kind, points=None, text=text.strip(), cap=max(low, float(m.group("hi"))))]
