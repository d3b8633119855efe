"""Run-on tables without a 序号 column: rows told apart by their points.

A table run together on one line usually numbers its rows (pipeline/build/runon_rows.py); two
other forms tell a row by its points instead:

* **named rows**: each row opens with its name and points, "德20 分办事拖拉…能20 分不熟悉业务…";
* **pointed rows**: the points column stands between the requirement and its scoring rule
  (考核项目 | 考核要求 | 分值 | 评分细则): "…三落实。5每缺一项扣0.5分。实现本行政区域…更新及时。2未实现…"
  — a bare figure after a sentence end opens the rule, the rule runs to its last sentence that
  states a deduction or an award, and what follows is the next row's requirement. A title with
  its points ("基础工作(50分)") opening a requirement is the section the rows below belong to.
"""

from __future__ import annotations

import re

from pipeline.build.vocabulary import HIERARCHY_ROLES, Role
from schema.records import Cell, Table

# A row opened by its name and its points, the table having no 序号: "德20 分办事拖拉…", after the
# header or a sentence end; not a rule's amount ("扣2 分", "加5 分") nor a figure inside words.
_NAMED_ROW = re.compile(
    r"(?:^|(?<=[。;；.!！?？]))\s*(?P<name>[\u4e00-\u9fff]{1,8}?)\s*(?P<points>\d+(?:\.\d+)?)\s*分(?=\s*[\u4e00-\u9fff(（“])"
)
_RULE_VERB_END = re.compile(r"[扣加减得计记奖罚各占为共满]$|[扣加减奖罚]分$")
_MIN_NAMED_ROWS = 2


def named_rows(text: str) -> list[tuple[str, float, str]] | None:
    """(name, points, the rest) of each row opened by its name and points; None unless at least
    two rows open so, the first of them at the start of ``text``."""
    starts = [m for m in _NAMED_ROW.finditer(text) if not _RULE_VERB_END.search(m.group("name"))]
    if len(starts) < _MIN_NAMED_ROWS or text[: starts[0].start()].strip():
        return None
    rows = []
    for match, following in zip(starts, [*starts[1:], None], strict=True):
        end = following.start() if following is not None else len(text)
        rows.append((match.group("name"), float(match.group("points")), text[match.end() : end].strip()))
    return rows


_Found = tuple[str, Table, str] | None


def unnumbered_table(before: str, words: list[str], roles: list[Role | None], data: str) -> _Found:
    """The run-on table of a header without 序号 over rows told apart by their points, or None."""
    return _named_table(before, words, roles, data) or _pointed_table(before, words, roles, data)


def _named_table(before: str, words: list[str], roles: list[Role | None], data: str) -> _Found:
    """Rows opening with their names and points: the name and its points in the first column,
    the rest of the row in the first rule column."""
    rows = named_rows(data) if roles[0] in HIERARCHY_ROLES else None
    described = next((i for i, r in enumerate(roles) if r is Role.DESCRIPTION), None)
    if rows is None or described is None:
        return None
    grid = [tuple(Cell(text=w) for w in words)]
    for name, points, rest in rows:
        cells = [""] * len(words)
        cells[0], cells[described] = f"{name}({points:g}分)", rest
        grid.append(tuple(Cell(text=c) for c in cells))
    return before, Table(rows=tuple(grid)), ""


# A row's points between its requirement and its rule: a bare figure after a sentence end.
_POINTS_BETWEEN = re.compile(r"(?<=[。;；)）])\s*(?P<points>\d+(?:\.\d+)?)\s*分?\s*(?=[\u4e00-\u9fff])")
_RULE_TERM = re.compile(r"[扣减]\s*[0-9０-９.]|[加得计]\s*[0-9０-９.]+\s*分|不得分|不计分|酌情|扣完|扣分|减分")
_ITEM_NUMBER = re.compile(r"(?<=[。;；])\s*\d{1,3}[.．、](?![0-9])(?=[\u4e00-\u9fff])")
_SENTENCE = re.compile(r"[^。;；]+[。;；]?")
_SECTION_TITLE = re.compile(r"^(?P<title>[^,，。;；:：()（）]{2,12}[(（]\s*\d+(?:\.\d+)?\s*分\s*[)）])")
_NOTE = re.compile(r"(?:注|备注|说明)[:：]")
_MIN_POINTED_ROWS = 3


def _split_rule(text: str) -> tuple[str, str]:
    """(the rule, the next requirement) of the text between two rows' points: the requirement
    opens with its item number where it has one ("…酌情扣分。6.每季度…"), else it is the sentences
    after the rule's last one stating a deduction or an award."""
    numbered = list(_ITEM_NUMBER.finditer(text))
    if numbered:
        return text[: numbered[-1].start()].strip(), text[numbered[-1].start() :].strip()
    sentences = _SENTENCE.findall(text)
    last_rule = max((i for i, sentence in enumerate(sentences) if _RULE_TERM.search(sentence)), default=-1)
    return "".join(sentences[: last_rule + 1]).strip(), "".join(sentences[last_rule + 1 :]).strip()


def pointed_rows(data: str) -> list[tuple[str, str, str, str]] | None:
    """(section title, requirement, points, rule) of each row, or None unless three rows read so."""
    marks = list(_POINTS_BETWEEN.finditer(data))
    if len(marks) < _MIN_POINTED_ROWS:
        return None
    rows: list[tuple[str, str, str, str]] = []
    requirement = data[: marks[0].start()].strip()
    for mark, following in zip(marks, [*marks[1:], None], strict=True):
        end = following.start() if following is not None else len(data)
        text = data[mark.end() : end]
        note = _NOTE.search(text) if following is None else None
        if note is not None:
            text = text[: note.start()]
        rule, upcoming = _split_rule(text) if following is not None else (text.strip(), "")
        title = _SECTION_TITLE.match(requirement)
        section = title.group("title") if title else ""
        if title:
            requirement = requirement[title.end() :].strip()
        if not requirement or not rule:
            return None
        rows.append((section, requirement, mark.group("points"), rule))
        requirement = upcoming
    return rows


def _pointed_table(before: str, words: list[str], roles: list[Role | None], data: str) -> _Found:
    """Rows whose points stand between their requirement and their rule."""
    points = next((i for i, r in enumerate(roles) if r is Role.POINTS), None)
    if points is None or points == 0 or points + 1 >= len(roles):
        return None
    rows = pointed_rows(data)
    if rows is None:
        return None
    # The requirement goes to the item column left of the points (考核内容), else the one beside them.
    named = [i for i in range(1, points) if roles[i] in HIERARCHY_ROLES]
    item = named[-1] if named else points - 1
    grid = [tuple(Cell(text=w) for w in words)]
    for section, requirement, figure, rule in rows:
        cells = [""] * len(words)
        if item >= 1:
            cells[0] = section
        cells[item], cells[points], cells[points + 1] = requirement, figure, rule
        grid.append(tuple(Cell(text=c) for c in cells))
    return before, Table(rows=tuple(grid)), ""
