"""Spaced rows (pipeline/build/spaced.py): tables whose cells stand apart by single spaces, one row
per paragraph, written from the web texts of two budget-performance tables
(real:wuhai-gongxiao-zaisheng-mubiao-2021, real:tianchang-shuili-ziping-2022) and the general cases."""

from __future__ import annotations

import pytest

from pipeline.build.spaced import align, cell_tokens, column_kinds, expand_spaced, header_tokens
from schema.records import Paragraph, Table

WUHAI_HEADER = "一级指标 二级指标 三级指标 指标性质 指标方向 目标值 计量单位 分值 备注"
TIANCHANG_HEADER = "一级指标 二级指标 三级指标 年度指标值 实际完成值 分值 得分 偏差原因分析及改进措施"


@pytest.mark.parametrize(
    ("header", "row", "cells"),
    [
        # every cell written: each token in its column, an empty unit cell skipped
        (
            WUHAI_HEADER,
            "产出指标 数量指标 出差人数 正向 = 8 4",
            ["产出指标", "数量指标", "出差人数", "正向", "=", "8", "", "4", ""],
        ),
        # a unit between two figures goes to the unit column
        (
            WUHAI_HEADER,
            "产出指标 数量指标 出差人次 正向 = 24 人/次 4",
            ["产出指标", "数量指标", "出差人次", "正向", "=", "24", "人/次", "4", ""],
        ),
        # a figure where a unit should be is still a cell of its own, never glued to the points
        (
            WUHAI_HEADER,
            "产出指标 时效指标 项目财政资金到位时间 正向 = 44,561 44,561 10",
            ["产出指标", "时效指标", "项目财政资金到位时间", "正向", "=", "44,561", "44,561", "10", ""],
        ),
        # leading cells merged down from the row above: the row's words fill the deepest levels
        (
            TIANCHANG_HEADER,
            "指标2:完成农业综合水价改革项目 1 1 10 10",
            ["", "", "指标2:完成农业综合水价改革项目", "1", "1", "10", "10", ""],
        ),
        # fewer figures than figure columns: the points and the score take them, not the targets
        (
            TIANCHANG_HEADER,
            "质量指标 指标1:工程质量合格 10 10",
            ["", "质量指标", "指标1:工程质量合格", "", "", "10", "10", ""],
        ),
        # targets written with their comparator and unit as one value each
        (
            TIANCHANG_HEADER,
            "服务对象满意度指标 满意度 ≥ 90 % 95% 10 9 群众反映良好",
            ["", "服务对象满意度指标", "满意度", "≥ 90 %", "95%", "10", "9", "群众反映良好"],
        ),
        # a quantity with its unit is a target value, not words (nanyue-fupin-jidi 绩效目标申报表)
        (
            "一级指标 二级指标 三级指标 指标值 备注",
            "产出指标 成本指标 流转土地补助标准 <=475元/亩",
            ["产出指标", "成本指标", "流转土地补助标准", "<=475元/亩", ""],
        ),
    ],
)
def test_tokens_go_to_the_columns_their_kind_suits(header: str, row: str, cells: list[str]) -> None:
    placed, cost = align(row.split(), column_kinds(header.split()))
    assert placed == cells
    assert cost < 1.2


def test_a_sentence_does_not_fit_a_header_of_figures() -> None:
    _, cost = align(
        ["注", "本表", "由", "单位", "填报", "并", "于", "年底", "报送"], column_kinds(["序号", "分值", "得分"])
    )
    assert cost > 1.2


@pytest.mark.parametrize(
    ("text", "before", "words"),
    [
        (
            "绩效指标(权重分值90分,其中产出指标权重分值50分) " + WUHAI_HEADER,
            "绩效指标(权重分值90分,其中产出指标权重分值50分)",
            WUHAI_HEADER.split(),
        ),
        ("序号 考核项目 考核内容 分值 得分", "", ["序号", "考核项目", "考核内容", "分值", "得分"]),
        ("一级指标 二级指标 三级指标", None, None),  # no figure column: not a table's header
        ("产出指标 数量指标 出差人数 正向 = 8 4", None, None),
    ],
)
def test_header_at_a_paragraphs_end(text: str, before: str | None, words: list[str] | None) -> None:
    found = header_tokens(text)
    assert (found is None) == (words is None)
    if found is not None:
        assert found == (before, words)


def _grid(blocks: tuple[object, ...]) -> list[list[str]]:
    tables = [b for b in blocks if isinstance(b, Table)]
    assert len(tables) == 1
    return [[c.text for c in row] for row in tables[0].rows]


def test_wrapped_cells_placeholders_and_a_wrapped_header_are_joined() -> None:
    lines = [
        "年度绩效指标完成情况 一级",
        "指标",
        "二级指标 三级指标 年度指标值 实际完成值 分值 得分 偏差原因分析及改进措施",
        "(50分)",
        "数量指标 指标1:完成项目数量 1 1 10 10",
        "指标2:",
        "……",
        "经济效益",
        "指标",
        "指标1:全市安全度汛 10 10",
        "满意度指标",
        "(10分)",
        "服务对象",
        "满意度指标",
        "指标1:服务对象满意度 90% 100% 10 10",
        "注:1.一级指标分值统一设置。",
    ]
    blocks = expand_spaced(tuple(Paragraph(text=line) for line in lines))
    assert isinstance(blocks[0], Paragraph) and blocks[0].text == "年度绩效指标完成情况"
    assert _grid(blocks) == [
        ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"],
        ["(50分)", "数量指标", "指标1:完成项目数量", "1", "1", "10", "10", ""],
        ["", "经济效益指标", "指标1:全市安全度汛", "", "", "10", "10", ""],
        ["满意度指标(10分)", "服务对象满意度指标", "指标1:服务对象满意度", "90%", "100%", "10", "10", ""],
    ]
    assert isinstance(blocks[-1], Paragraph) and blocks[-1].text.startswith("注:")


def test_numbered_section_line_is_a_row_of_its_own() -> None:
    lines = [
        "序号 考核内容 评分标准 分值",
        "一、组织领导",
        "1 建立工作机制 未建立扣2分 5",
        "2 落实专人负责 未落实扣1分 3",
    ]
    assert _grid(expand_spaced(tuple(Paragraph(text=line) for line in lines)))[1:] == [
        ["一、组织领导", "", "", ""],
        ["1", "建立工作机制", "未建立扣2分", "5"],
        ["2", "落实专人负责", "未落实扣1分", "3"],
    ]


def test_paragraphs_without_spaced_rows_stay_paragraphs() -> None:
    lines = ["序号 考核内容 评分标准 分值", "本细则自发布之日起施行。", "由考核办负责解释。"]
    blocks = tuple(Paragraph(text=line) for line in lines)
    assert expand_spaced(blocks) == blocks


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("wuhai-gongxiao-zaisheng-mubiao-2021", ["产出指标", "数量指标", "出差人数"]),
        ("tianchang-shuili-ziping-2022", ["产出指标", "数量指标", "指标1:完成中型灌区节水改造项目数量"]),
    ],
)
def test_real_spaced_tables_read_into_levels(name: str, expected: list[str]) -> None:
    from pathlib import Path

    from pipeline.build import build
    from pipeline.normalize import normalize
    from pipeline.parse import parse

    path = Path(__file__).parent / "fixtures" / "real" / "raw" / f"{name}.txt"
    extraction = build(normalize(parse(path)), "0" * 64)
    by_id = {i.id: i for i in extraction.indicators}
    leaf = next(i for i in extraction.indicators if i.parent_id is not None and by_id[i.parent_id].parent_id)
    path_names = [by_id[by_id[leaf.parent_id].parent_id].name, by_id[leaf.parent_id].name, leaf.name]
    assert path_names == expected
    assert leaf.points == 4.0 if name.startswith("wuhai") else leaf.points == 10.0


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("景点开发数量( ≥**个 ) >=4个", ["景点开发数量( ≥**个 )", ">=4个"]),  # nanyue-fupin-jidi
        ("满意度（ 含 回访 ） ≥90%", ["满意度（ 含 回访 ）", "≥90%"]),
        ("产出指标 数量指标 8", ["产出指标", "数量指标", "8"]),
        ("未闭合( 括号 到 结尾", ["未闭合( 括号 到 结尾"]),
    ],
)
def test_a_brackets_spaced_contents_stay_in_its_cell(text: str, tokens: list[str]) -> None:
    assert cell_tokens(text) == tokens
