"""Group cells written again on every row (pipeline/build/repeats.py) read as merged cells."""

from __future__ import annotations

from pipeline.build.repeats import merge_repeats
from pipeline.build.table import table_indicators
from schema.records import Cell, Table


def _table(*rows: tuple[str, ...]) -> Table:
    return Table(rows=tuple(tuple(Cell(text=t) for t in row) for row in rows))


def _spans(table: Table) -> list[list[bool]]:
    return [[cell.spanned for cell in row] for row in table.rows]


# A court's case-review form (casecomment-anjian-pingcha-pingfen, a database-built page): the
# group 评审内容 written on each of its rows, the criteria under 评分标准 the items.
CASE_REVIEW = _table(
    ("序号", "评审内容", "评分标准", "分值"),
    ("1", "事实证据与实体处理", "审理查明的事实是否全面", "8"),
    ("2", "事实证据与实体处理", "使用法律是否正确", "5"),
    ("3", "事实证据与实体处理", "处理结果是否适当", "3"),
    ("4", "审理程序", "庭审是否规范严谨", "2"),
    ("5", "审理程序", "是否严格遵守规定", "2"),
)


def test_repeated_group_texts_left_of_the_items_become_merged_cells() -> None:
    assert [row[1] for row in _spans(merge_repeats(CASE_REVIEW))] == [False, False, True, True, False, True]
    roots = table_indicators(merge_repeats(CASE_REVIEW)).roots
    assert [(r.name, [leaf.name for leaf in r.leaves()]) for r in roots] == [
        ("事实证据与实体处理", ["审理查明的事实是否全面", "使用法律是否正确", "处理结果是否适当"]),
        ("审理程序", ["庭审是否规范严谨", "是否严格遵守规定"]),
    ]


def test_repeats_right_of_the_items_and_repeated_figures_stay_as_written() -> None:
    # 测评方式 "材料审核" repeats right of the distinct criteria; the 分值 "2" repeats too.
    table = _table(
        ("测评内容", "测评标准", "测评方式", "分值"),
        ("召开专题会议", "不符合的不得分", "材料审核", "2"),
        ("制定年度计划", "不符合的不得分", "材料审核", "2"),
        ("机构人员落实", "任1项不落实不得分", "实地考察", "2"),
    )
    assert merge_repeats(table) == table


def test_tables_under_the_same_header_row_are_one_table() -> None:
    # xinxi-gongcheng-xueyuan-jiaoshi-lianghua-kaohe.html: each section its own <table>, the header
    # repeated; read alone, each section's 一, 二 … would be a column of one number.
    from pipeline.build.repeats import join_repeated_headers
    from schema.records import Paragraph

    header = ("考核项", "分值", "扣分标准")
    first = _table(header, ("一", "履行岗位职责", "30分"))
    second = _table(header, ("二", "考勤情况", "20分"))
    other = _table(("序号", "项目", "金额"), ("1", "经费", "3"))
    blocks = (Paragraph(text="考核表"), first, second, other)
    joined = join_repeated_headers(blocks)
    assert len(joined) == 3
    assert [[c.text for c in row] for row in joined[1].rows] == [
        list(header), ["一", "履行岗位职责", "30分"], ["二", "考勤情况", "20分"]
    ]
    assert joined[2] is other
    # Text between them keeps them apart: two tables of the same form, each with its own title.
    apart = (first, Paragraph(text="表二"), second)
    assert join_repeated_headers(apart) == apart
