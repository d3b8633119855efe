"""Document fields read from the text around the tables: title, organization, supervisor, year,
and the funds block of 自评表 (预算数, 执行数, 执行率, 分值, 得分)."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from normalizers.numbers import parse_number
from normalizers.text import fold_width
from schema.records import Cell, Fact

_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年")
_CHINESE_YEAR = re.compile(r"(二[〇○零Ｏ][一二三四五六七八九〇○零Ｏ]{2})\s*年")
_CHINESE_DIGITS = str.maketrans("〇○零Ｏ一二三四五六七八九", "0000123456789")
_SUPERVISOR = re.compile(r"^主管(部门|单位)\s*[:：]\s*(?P<value>.+)$")
_ORG_LABEL = re.compile(
    r"(?:部门\s*\(单位\)|部门|单位|填报单位|预算单位|项目单位|实施单位|被考核单位|考核对象)\s*(?:名称)?\s*[:：]?\s*$"
)
_ORG_INLINE = re.compile(
    r"(?<!主管)(?:部门\s*\(单位\)|部门|单位|填报单位|预算单位|项目单位|实施单位|被考核单位)\s*(?:名称)?\s*"
    r"(?:\((?:盖章|签章|公章)\))?\s*[:：]?\s*"
    r"(?P<value>[^\s:：,，。;；]{4,30})"
)
_ORG_SUFFIX = re.compile(
    r"(局|中心|委员会|委|办公室|办|厅|院|所|站|馆|队|联合会|妇联|总工会|团委|学校|大学|政府|集团|公司|处|科|署|社|会)$"
)
_TITLE_WORDS = re.compile(
    r"考核|考评|细则|要点|自评表|评价表|目标表|得分表|绩效|评分|标准|方案|办法|任务|清单|情况|评估|指标|检查|责任书|打分表"
)
# Titles set in spaced-out characters: "中 华 技 术 学 院 服 务 评 分 标 准".
_SPACED = re.compile(r"^(?:\S\s+){3,}\S$")
_TITLE_ORG = re.compile(
    r"^(?P<org>\D{2,24}?(?:局|中心|委员会|学院|大学|学校|医院|政府|办公室|妇联|总工会|公司|研究院))(?=\S)"
)
# 起评分: a score counted down from ("起评分100分", then deductions): the document's total.
_DECLARED_TOTAL = re.compile(r"(?:满分|总分|应得分|最高分数?|满分值|起评分)\s*(?:为|是|[:：])?\s*(\d+(?:\.\d+)?)\s*分")
# A title ends in the kind of document, maybe followed by a short note in brackets:
# "督查工作考核细则(试行)", "部门整体支出绩效自评表（2021年度）".
_TITLE_END = re.compile(r"(表|细则|要点|办法|方案|标准|情况|清单|目标)(?:[(（][^()（）]{1,12}[)）])?$")
# A line that is all one bracketed note ("(起评分100分)", "（2021年度）") stands under a title.
_BRACKETED = re.compile(r"^[(（][^()（）]*[)）]$")
_ENUMERATOR = re.compile(r"^\s*(?:\d+[.、．]|[一二三四五六七八九十]+、|[(（][一二三四五六七八九十\d]+[)）])\s*")
# Unit codes and the 本级 (the unit itself, not its subordinates) suffix of budget-system exports.
_ORG_NOISE = re.compile(r"^\[\d{3,}\]\s*|^\d{3,}[-－—_:：\s]*|本级$")
_FUNDS = (
    ("budget", re.compile(r"(全年)?预算数|年初预算数")),
    ("executed", re.compile(r"(全年)?执行数")),
    ("execution_rate", re.compile(r"执行率")),
    ("funds_points", re.compile(r"分值")),
    ("funds_score", re.compile(r"得分")),
)


@dataclass(frozen=True, slots=True)
class DocumentFields:
    title: str | None
    title_original: str | None
    organization: str | None
    supervisor: str | None
    year: int | None


def _clean_org(text: str) -> str:
    return _ORG_NOISE.sub("", text.strip()).strip()


def _looks_like_org(text: str) -> bool:
    text = _clean_org(text)
    return (
        4 <= len(text) <= 30
        and not _ENUMERATOR.match(text)
        and not re.search(r"[，。；：:,;、？！\s]", text)
        and not _TITLE_WORDS.search(text)
        and bool(_ORG_SUFFIX.search(text))
    )


def find_supervisor(lines: list[str]) -> str | None:
    for line in lines:
        match = _SUPERVISOR.match(fold_width(line).strip())
        if match:
            return match["value"].strip()
    return None


def find_organization(lines: list[str], cell_rows: list[tuple[Cell, ...]]) -> str | None:
    """A labelled unit name first (部门名称: …, in text or a label cell), then an org-like line."""
    for row in cell_rows:
        texts = [c.text.strip() for c in row if not c.spanned]
        for index, text in enumerate(texts):
            if _ORG_LABEL.fullmatch(fold_width(text)):
                value = next((t for t in texts[index + 1 :] if t), "")
                if value and _looks_like_org(value):
                    return _clean_org(value)
    # A label and its value on lines of their own (a form's cells copied as one per line).
    for line, following in itertools.pairwise(lines):
        if _ORG_LABEL.fullmatch(fold_width(line).strip()) and _looks_like_org(following.strip()):
            return _clean_org(following.strip())
    for line in lines:
        match = _ORG_INLINE.search(fold_width(line))
        if match and _looks_like_org(match["value"]):
            return _clean_org(match["value"])
    candidates = lines + [c.text for row in cell_rows for c in row if not c.spanned]
    for text in candidates:
        if _looks_like_org(text):
            return _clean_org(text)
    return None


def find_title(lines: list[str], originals: list[str]) -> tuple[str | None, str | None]:
    """The most title-like of the lines above the first table (ties: the earliest)."""
    lines = [re.sub(r"\s+", "", line) if _SPACED.match(line.strip()) else line for line in lines]
    originals = [re.sub(r"\s+", "", line) if _SPACED.match(line.strip()) else line for line in originals]
    best: tuple[int, int] | None = None
    for index, line in enumerate(lines):
        text = line.strip()
        if not (4 <= len(text) <= 80) or not _TITLE_WORDS.search(text) or _SUPERVISOR.match(fold_width(text)):
            continue
        if re.search(r"[，。；;]", text) or _BRACKETED.match(text):
            continue
        score = 2 * bool(_TITLE_END.search(text)) + bool(_YEAR.search(text)) + (index == len(lines) - 1)
        if best is None or score > best[0]:
            best = (score, index)
    if best is None:
        return None, None
    index = best[1]
    title = _ENUMERATOR.sub("", lines[index]).strip()
    original = _ENUMERATOR.sub("", originals[index]).strip()
    return title, (original if original != title else None)


def find_year(texts: list[str]) -> int | None:
    """The first year written as "2023年", "2023 年" or "二〇二三年"."""
    for text in texts:
        match = _YEAR.search(fold_width(text))
        if match:
            return int(match.group(1))
        chinese = _CHINESE_YEAR.search(text)
        if chinese:
            return int(chinese.group(1).translate(_CHINESE_DIGITS))
    return None


def document_fields(lines: list[str], originals: list[str], cell_rows: list[tuple[Cell, ...]],
                    all_text: list[str]) -> DocumentFields:
    """Fields from the lines above the first indicator table and the table's preamble rows."""
    title, title_original = find_title(lines, originals)
    supervisor = find_supervisor(lines + [c.text for row in cell_rows for c in row])
    title_org = _TITLE_ORG.match(title) if title else None
    organization = find_organization(lines, cell_rows) or (title_org["org"] if title_org else None) or supervisor
    year = find_year(([title] if title else []) + lines) or find_year(all_text)
    return DocumentFields(title, title_original, organization, supervisor, year)


# The score a unit starts from before deductions and bonuses: "(起评分100分)" (督查 细则),
# "各科室基础得分为6分，扣完为止，加分无上限" (钟楼 信息工作 细则). A fact of its own: a base is not
# the full marks (钟楼's bonuses have no ceiling), and scoring counts from it (analyst.scoring).
_BASE_SCORE = re.compile(r"(?:起评分|基础得分|基础分|基本分)\s*(?:为|是|[:：])?\s*(\d+(?:\.\d+)?)\s*分")


def base_score(texts: list[str]) -> Fact | None:
    """The base score stated in words ("基础得分为6分"), or None."""
    for text in texts:
        match = _BASE_SCORE.search(fold_width(text))
        if match:
            return Fact(name="base_score", value=float(match.group(1)), text=match.group(0))
    return None


def declared_total(texts: list[str]) -> Fact | None:
    """A total stated in words, usually in a note under the table: "本表满分为100分"."""
    for text in texts:
        match = _DECLARED_TOTAL.search(fold_width(text))
        if match:
            return Fact(name="total_points", value=float(match.group(1)), text=match.group(0))
    return None


def funds_facts(lines: list[str], cell_rows: list[tuple[Cell, ...]]) -> list[Fact]:
    """The funds block of a 自评表: a header row (预算数, 执行数, …) over a row of figures, or
    the same labels followed by their figures in running text."""
    for index, row in enumerate(cell_rows[:-1]):
        texts = [re.sub(r"\s+", "", fold_width(c.text)) for c in row]
        if not any("预算数" in t for t in texts) or not any("执行数" in t for t in texts):
            continue
        values = [c.text for c in cell_rows[index + 1]]
        facts = []
        for name, label in _FUNDS:
            column = next((i for i, t in enumerate(texts) if label.search(t)), None)
            if column is not None and column < len(values):
                value = parse_number(values[column])
                if value is not None:
                    facts.append(Fact(name=name, value=value, text=values[column].strip()))
        if facts:
            return facts
    for line in lines:
        text = fold_width(line)
        if "预算数" not in text:
            continue
        facts = []
        for name, label in _FUNDS:
            match = re.search(rf"(?:{label.pattern})\s*(?:\([A-Z]\))?\s*[:：]?\s*(?P<v>\d+(?:\.\d+)?%?)", text)
            if match:
                facts.append(Fact(name=name, value=parse_number(match["v"]), text=match["v"]))
        if facts:
            return facts
    for row in cell_rows:
        texts = [c.text.strip() for c in row]
        for index, text in enumerate(texts[:-1]):
            if re.fullmatch(r"(全年|年初)?预算数", re.sub(r"\s+", "", text)):
                value = parse_number(texts[index + 1])
                if value is not None:
                    return [Fact(name="budget", value=value, text=texts[index + 1])]
    return []
