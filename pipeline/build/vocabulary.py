"""The words documents use, as data: header words per column role, numbering forms, section kinds.

Each entry names documents it was seen in (file stems of tests/fixtures/corpus; "real:" marks
those of tests/fixtures/real), so that a word can be traced to where it came from and no word is here
for one document alone without a test of its own general case. Code reads these tables; it does
not spell words of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum


class Role(Enum):
    LEVEL = "level"  # 一级/二级/三级指标: a hierarchy level
    SECTION = "section"  # 考核项目, 专案, 类别: a grouping level above the item
    NAME = "name"  # 任务要点名称, 指标名称: the item itself
    CONTENT = "content"  # 考核内容: the item when no NAME column exists, else its description
    DESCRIPTION = "description"  # 评分标准, 考核细则, 扣分标准: what the item requires and how it is scored
    INDEX = "index"  # 序号, 项次: the item's number, not its name
    AMOUNT = "amount"  # 加减分 "-20", "+5": the bonus or deduction the item's condition carries
    POINTS = "points"
    SCORE = "score"
    TARGET = "target"
    ACTUAL = "actual"
    BASIS = "basis"
    REASON = "reason"
    MEASURES = "measures"


@dataclass(frozen=True, slots=True)
class HeaderWords:
    """Header texts that mean ``role``: ``pattern`` is matched against the whole header key
    (whitespace removed, width folded, a trailing "(unit)" dropped)."""

    role: Role
    pattern: str
    seen_in: tuple[str, ...]


# Whole-header patterns, first full match wins (so the specific ones come first).
HEADER_NAMES: tuple[HeaderWords, ...] = (
    HeaderWords(Role.LEVEL, r"[一二三四1-4]级(考核|绩效|评价|评估)?指标(名称)?|[一二三四]级",
                ("wangcheng-ziping-2021", "yutian-mubiao-2023", "real:dazhou-zhengti-defenbiao")),
    HeaderWords(Role.INDEX, r"序号?|编号|项次|序列|No\.?|NO\.?|条目编号|指标编号",
                ("real:yunnan-laoganbu-lianghua", "real:shicheng-hezhang-xiangzhen-2018",
                 "real:zhonglou-xinxi-pingfen")),
    HeaderWords(Role.BASIS, r"指标值确定依据|确定依据|指标值设定依据", ("yutian-mubiao-2023",)),
    HeaderWords(Role.TARGET,
                r"(年度|预期|计划)?(指标值|目标值)(\(.*\))?|(当年|年度)?预期(实现|目标)?值|预期目标|计划值",
                ("wangcheng-ziping-2021", "yutian-mubiao-2023", "real:chizhou-tangxi-ziping-2022")),
    HeaderWords(Role.ACTUAL, r"(实际)?完成值|(实际)?完成情况|进度情况|完成进度|全年实际值|实际值|执行情况",
                ("wangcheng-ziping-2021", "zaozhuang-fulian-2022", "real:chizhou-tangxi-ziping-2022")),
    HeaderWords(Role.REASON,
                r"未完成原因|偏差原因(分析)?|原因分析|未完成原因分析|偏差原因分析及改进措施|偏差原因及改进措施",
                ("wangcheng-ziping-2021", "real:chizhou-tangxi-ziping-2022")),
    HeaderWords(Role.MEASURES, r"改进措施|整改措施|改进意见", ("wangcheng-ziping-2021",)),
    HeaderWords(Role.POINTS,
                r"分值(权重)?|权重(分值)?|标准分(值|数)?|各项分值|满分(值)?|分数|基础分|基准分|配分|指标(分值|权重)|"
                r"权重分|赋分|总分值|考核分值|评分分值|计分|应得分(数|值)?|标准分值|规定分|分值分配",
                ("zaozhuang-laoganbu-2022", "nanchang-kaohe-2023", "real:yunnan-laoganbu-lianghua",
                 "real:shicheng-hezhang-danwei-2018", "real:weisheng-xieguan-kaoping-2013")),
    HeaderWords(Role.AMOUNT, r"加减分(值|标准)?|加分值?|扣分值?|减分值?|加\(减\)分|奖扣分值?|加扣分值?",
                ("real:wendeng-xinyong-pingjia-biaozhun", "real:dongnao-banzhuren-gongzi-kaohe")),
    HeaderWords(Role.SCORE, r"(自评|考核|实际|评价|考评|评估|检查)?得分|评分|实得分(数)?|得分情况|考核评分",
                ("wangcheng-ziping-2021", "nanchang-kaohe-2023", "real:yunnan-laoganbu-lianghua")),
    HeaderWords(Role.SECTION,
                r"(考核|评价|工作|考评|评估|评比|检查|评审)?(项目|专案|类别|维度|板块|条目|大项)|指标类别|考核类型|"
                r"项目内容|考核(事项)?类别",
                ("nanchang-kaohe-2023", "real:shicheng-hezhang-danwei-2018", "real:ducha-gongzuo-xize",
                 "real:zhonglou-xinxi-pingfen")),
    HeaderWords(Role.NAME,
                r"任务要点(名称)?|(考核|绩效|评价|评估|检查)?指标(名称)?|工作任务|任务(名称)?|重点工作|考核事项|"
                r"工作事项|考核要素|评估要素|子项目|(考核|评分|检查|考评|评价|评估)项",
                ("zaozhuang-laoganbu-2022", "real:zhonglou-xinxi-pingfen", "real:shicheng-hezhang-xiangzhen-2018")),
    HeaderWords(Role.CONTENT,
                r"(责任制|工作)?(考核|检查|考评|评价|评估)?内容(及|和|与)(考核|评分|评价|检查)?(标准|要求)|考核内容|评价内容|工作内容|考核要点|评估内容|检查内容|考评内容|检查考评内容|评审内容|考核指标内容",
                ("nanchang-kaohe-2023", "real:yunnan-laoganbu-lianghua", "real:weisheng-xieguan-kaoping-2013",
                 "real:shicheng-hezhang-danwei-2018", "safehoo-zerenzhi-kaohe-zhibiao")),
    HeaderWords(Role.DESCRIPTION,
                r"完成标准|目标内容|年度目标|(绩效)?指标(描述|内涵|说明|解释)|评分(标准|办法|细则|方法|规则|要点)|"
                r"考核(标准|细则|要求|办法|方法)|计分(方法|办法|标准)|工作(要求|目标)|具体(内容|要求)|目标任务|绩效目标|"
                r"绩效标准|评分细项(及标准)?|评分细则及标准|考评(标准|细则)|扣分(标准|办法|细则|说明)|"
                r"(量化)?评分标准|评价(标准|要点)|评估(标准|细则|方法)|检查(标准|方法|要求)|评定标准|"
                r"加分标准|奖扣分标准|(加减|加扣|奖扣|奖惩)分?(条件|标准|办法)|(扣分|加分|减分|扣减)(因素|情形|事由|条件)",
                ("zaozhuang-fulian-2022", "nanchang-kaohe-2023", "real:ducha-gongzuo-xize",
                 "real:zhonglou-xinxi-pingfen", "real:yunnan-laoganbu-lianghua",
                 "real:weisheng-xieguan-kaoping-2013", "real:duan-jiguan-jixiao-pingfen")),
)

# Headers no pattern above names exactly, read by the words they contain (first match wins);
# only for short headers without digits, so that a data cell is never read as a header.
HEADER_PARTS: tuple[HeaderWords, ...] = (
    HeaderWords(Role.LEVEL, r"级指标", ("wangcheng-ziping-2021",)),
    HeaderWords(Role.REASON, r"原因", ("wangcheng-ziping-2021",)),
    HeaderWords(Role.MEASURES, r"措施", ("wangcheng-ziping-2021",)),
    HeaderWords(Role.BASIS, r"依据", ("yutian-mubiao-2023",)),
    HeaderWords(Role.SCORE, r"得分", ("wangcheng-ziping-2021", "real:yunnan-laoganbu-lianghua")),
    HeaderWords(Role.POINTS, r"分值|权重|满分|标准分|配分|基准分", ("real:yunnan-laoganbu-lianghua",
                                                          "real:shicheng-hezhang-danwei-2018")),
    HeaderWords(Role.TARGET, r"指标值|目标值|预期", ("wangcheng-ziping-2021", "yutian-mubiao-2023")),
    HeaderWords(Role.ACTUAL, r"完成|实际|实现值", ("zaozhuang-fulian-2022",)),
    HeaderWords(Role.DESCRIPTION, r"标准|要求|说明|细则|描述|办法|方法|要点",
                ("real:ducha-gongzuo-xize", "real:weisheng-xieguan-kaoping-2013")),
    HeaderWords(Role.SECTION, r"(项目|类别|维度|条目)$", ("real:ducha-gongzuo-xize", "nanchang-kaohe-2023")),
    HeaderWords(Role.NAME, r"(指标|任务|事项|要素)(名称)?$", ("zaozhuang-laoganbu-2022",)),
    HeaderWords(Role.CONTENT, r"内容$", ("real:yunnan-laoganbu-lianghua", "nanchang-kaohe-2023")),
)

HIERARCHY_ROLES = (Role.LEVEL, Role.SECTION, Role.NAME, Role.CONTENT)
FIGURE_ROLES = (Role.POINTS, Role.SCORE)

# --- numbering forms ------------------------------------------------------------------------

_CN = "一二三四五六七八九十"


@dataclass(frozen=True, slots=True)
class NumberingForm:
    """One way documents number their items; a lower ``rank`` is a higher level (一、 above 1.)."""

    name: str
    rank: int
    pattern: str  # matched at the start of a cell, the whole cell being the number or number + text
    seen_in: tuple[str, ...]


NUMBERING_FORMS: tuple[NumberingForm, ...] = (
    NumberingForm("part", 0, rf"第[{_CN}\d]+(?:部分|章|篇)", ("real:weisheng-xieguan-kaoping-2013",)),
    NumberingForm("cn", 1, rf"[{_CN}]{{1,3}}\s*[、.．]", ("nanchang-kaohe-2023", "real:shicheng-hezhang-xiangzhen-2018",
                                                         "real:shicheng-hezhang-danwei-2018")),
    NumberingForm("cn_paren", 2, rf"[(（]\s*[{_CN}]{{1,3}}\s*[)）]", ("nanchang-kaohe-2023",)),
    NumberingForm("arabic", 3, r"[0-9]{1,3}(?:\s*[、.．](?![0-9])|(?=\s*$)|\s+(?=[^0-9]))",
                  ("nanchang-kaohe-2023", "real:yunnan-laoganbu-lianghua", "real:ducha-gongzuo-xize")),
    NumberingForm("dotted", 4, r"[0-9]{1,3}(?:[.．][0-9]{1,3})+(?:[.．、]|\s|$)",
                  ("real:shicheng-hezhang-danwei-2018",)),
    NumberingForm("arabic_paren", 5, r"[(（]\s*[0-9]{1,3}\s*[)）]", ("real:weisheng-xieguan-kaoping-2013",)),
    NumberingForm("circled", 6, r"[①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳]", ("real:zhonghua-fuwu-pingfen-hant",)),
)

# Enumerators of an outline written as text, where they may also stand mid-line (a table run
# together on one line): each family is one numbering style, told apart by its separator, since a
# document keeps one style per level ("1." items, "1、" lists inside their rules). ``n`` is the
# number; "dot" numbers are outline paths (1.1.2). Read by pipeline/build/outline.py.
@dataclass(frozen=True, slots=True)
class OutlineEnumerator:
    family: str
    pattern: str
    seen_in: tuple[str, ...]


OUTLINE_ENUMERATORS: tuple[OutlineEnumerator, ...] = (
    OutlineEnumerator("cn", rf"(?P<n>[{_CN}]{{1,3}})\s*、",
                      ("nanchang-kaohe-2023", "real:xuexiao-anquan-kaohe-zhibiao")),
    OutlineEnumerator("cn_paren", rf"[(（]\s*(?P<n>[{_CN}]{{1,3}})\s*[)）]", ("nanchang-kaohe-2023",)),
    OutlineEnumerator("dot", r"(?P<n>[0-9]{1,2}(?:\s?[.．]\s?[0-9]{1,2}){0,3})\s*[.．]?(?![0-9.．%％])",
                      ("real:dingyuan-shipin-anquan-kaohe-2011", "real:shirong-huanjing-weisheng-jiancha-pingfen")),
    OutlineEnumerator("dun", r"(?P<n>[0-9]{1,2})\s*、", ("real:zherong-huliyuan-kaohe-pingfen", "nanchang-kaohe-2023")),
    OutlineEnumerator("paren", r"[(（]\s*(?P<n>[0-9]{1,2})\s*[)）]", ("real:weisheng-xieguan-kaoping-2013",)),
    OutlineEnumerator("close", r"(?<![(（])(?P<n>[0-9]{1,2})\s*[)）]", ("real:zhonghua-fuwu-pingfen-hant",)),
    OutlineEnumerator("circled", r"(?P<n>[①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳])", ("real:zhonghua-fuwu-pingfen-hant",)),
)

# --- rows that are not indicators -----------------------------------------------------------

# The label of a totals row: its figures are the document's (or the section's) total.
TOTAL_LABELS = r"总分|合计|总计|得分合计|分值合计|总分值|合\s*计|总\s*分|总\s*计|总得分"
# A subtotal row sums the rows above it: it is neither an indicator nor the document's total.
SUBTOTAL_LABELS = r"小\s*计|分项合计|本项合计"
# Notes, signatures and contact lines under a table.
FOOTER_START = (
    r"注[:：\s1-9一]|注$|备注|说明[:：]|说明$|综合得分|填报人|填表人|审核人|审核意见|单位(公章|盖章)|负责人[:：]|"
    r"联系人|联系电话|制表|主管部门审核意见|签字|日期[:：]"
)

# --- cells of a table written as spaced text (pipeline/build/spaced.py) --------------------

# A column of units: 计量单位, 度量单位 (real:wuhai-gongxiao-zaisheng-mubiao-2021, real:xiangxi-tejiao-mubiao-2023).
UNIT_HEADER = r"(计量|度量)?单位"
# A unit cell: "%", "万元", "人/次", "万元/人", "个" (real:wuhai-gongxiao-zaisheng-mubiao-2021,
# wangcheng-ziping-2021).
_UNIT_CHARS = "个人次件元万千百亿台套项天日月年户家所篇份条场期批株亩平方米公里克吨小时分钟座辆间处张本册门类"
UNIT_WORD = rf"%|％|‰|[{_UNIT_CHARS}]{{1,4}}(?:/[{_UNIT_CHARS}]{{1,3}})?"
# A cell that says there is nothing: "/", "-", "—", "无", "……", and a form's numbered blank slot
# "指标2:" or "指标1:/" (real:tianchang-shuili-ziping-2022, real:chizhou-tangxi-ziping-2022,
# wangcheng-ziping-2021).
PLACEHOLDER_CELL = r"(?:指标\s*\d{1,2}\s*[:：]?)?[.…。·\-—－–_/／\\\s]*|无"

# --- sections whose items are rules of the whole document -----------------------------------

# 加分项目, 奖励加分: bare marks in such a section are bonuses.
BONUS_SECTION = r"(加分|奖励|奖分)(内容|项目|项|事项|标准|指标)?$"
# 扣分项目, 一票否决: bare marks are deductions.
DEDUCT_SECTION = r"(扣分|减分|倒扣分)(内容|项目|项|事项|标准|指标)?$|一票否决(项目|事项|指标)?"
# 奖扣分项目, 加减分: both; each rule's own verb says which.
MIXED_SECTION = (
    r"(奖扣分|加扣分|加减分|奖惩|奖罚|扣加分)(内容|项目|项|事项|标准|指标)?$|(附加|综合)(奖扣|加减|加扣)分(项目|项)?$"
)


def compile_words(entries: tuple[HeaderWords, ...]) -> tuple[tuple[re.Pattern[str], Role], ...]:
    return tuple((re.compile(entry.pattern), entry.role) for entry in entries)
