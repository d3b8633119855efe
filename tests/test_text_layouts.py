"""Web-text table layouts (parsers/text_layouts.py) and cell streams re-flowed by their header
(pipeline/build/stream.py), written from the published web texts in tests/fixtures/real."""

from __future__ import annotations

from pathlib import Path

import pytest

from parsers.text import parse_text_string
from parsers.text_layouts import closed_pipe_rows, separated_rows, separated_stream
from pipeline.build import build
from pipeline.build.stream import expand_streams
from pipeline.extract import extract_file
from schema.records import ParsedDocument, Table

REAL = Path(__file__).parent / "fixtures" / "real" / "raw"


def _grid(table: Table) -> list[list[str]]:
    return [[("~" if c.spanned else "") + c.text for c in row] for row in table.rows]


def _tables(text: str) -> list[Table]:
    return [b for b in expand_streams(parse_text_string(text)) if isinstance(b, Table)]


def test_pipe_rows_with_merged_cells_one_character_per_line() -> None:
    # ducha-gongzuo-xize.txt: "| cell", a lone "|" ends the row, 区政府重点工作 merged down.
    text = (
        "考核条目\n| 考核细则\n|\n区\n政\n府\n工\n作\n| 1\n| 上报实施方案。\n| 未报扣10分\n|\n"
        "2\n| 无具体措施。\n| 扣5分\n|\n"
    )
    (table,) = _tables(text)
    assert _grid(table) == [
        ["考核条目", "~考核条目", "考核细则", "~考核细则"],
        ["区政府工作", "1", "上报实施方案。", "未报扣10分"],
        ["~区政府工作", "2", "无具体措施。", "扣5分"],
    ]


def test_pipe_rows_of_the_real_page_score_as_its_docx() -> None:
    txt, docx = extract_file(REAL / "ducha-gongzuo-xize.txt"), extract_file(REAL / "ducha-gongzuo-xize.docx")
    assert [i.name for i in txt.indicators] == [i.name for i in docx.indicators]
    assert [(c.kind, c.points) for c in txt.clauses] == [(c.kind, c.points) for c in docx.clauses]


def test_markdown_table() -> None:
    text = "考核表\n| 序号 | 考核内容 | 分值 |\n|---|---|---|\n| 1 | 制度健全 | 5 |\n| 2 | 台账规范 | 3 |\n"
    (table,) = _tables(text)
    assert _grid(table) == [["序号", "考核内容", "分值"], ["1", "制度健全", "5"], ["2", "台账规范", "3"]]


def test_trailing_pipe_stream_is_reflowed_by_its_header() -> None:
    # qingshen-fagai-ziping.txt: cells end in " |", a lone "|" is an empty cell, rows have no end;
    # a group title (绩效指标(90分)) stands before the header and 指标性质 is a word no table names.
    cells = ["绩效指标(90分)", "一级指标", "二级指标", "三级指标", "指标性质", "指标值", "权重", "得分",
             "产出指标", "数量指标", "发放覆盖率", "=", "100", "60", "",
             "效益指标", "社会效益指标", "足额保障率", "=", "100", "30", "",
             "合计", "100", "", "评价结论", "说明项目自评总分。"]
    text = "项目支出绩效自评表 |\n" + "\n".join(f"{c} |" if c else "|" for c in cells)
    (table,) = _tables(text)
    assert _grid(table) == [
        ["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "权重", "得分"],
        ["产出指标", "数量指标", "发放覆盖率", "=", "100", "60", ""],
        ["效益指标", "社会效益指标", "足额保障率", "=", "100", "30", ""],
        ["合计", "100", "", "", "", "", ""],
    ]


def test_closed_pipe_rows_leave_covered_places_to_the_rows_above() -> None:
    # xiangtan-huanwei-wupaoche-mubiao.txt: each row opened by a lone "|" and closed by a line of
    # pipes, one per place its merged cells covered; a lone "|" inside a row is an empty cell.
    rows = [
        (["一级指标", "二级指标", "三级指标", "指标值"], 1),
        (["产出指标", "数量指标", "车辆数", "≥10辆"], 1),
        (["射程", "≥80米"], 3),
        (["质量指标", "空气质量", "≥85%"], 2),
        (["效益指标", "经济效益指标", "", ""], 1),
    ]
    lines = ["项目支出绩效目标表"]
    for cells, pipes in rows:
        lines += ["|", *(f"{cell} |" if cell else "|" for cell in cells), "|" * pipes]
    (table,) = _tables("\n".join(lines))
    assert _grid(table) == [
        ["一级指标", "二级指标", "三级指标", "指标值"],
        ["产出指标", "数量指标", "车辆数", "≥10辆"],
        ["~产出指标", "~数量指标", "射程", "≥80米"],
        ["~产出指标", "质量指标", "空气质量", "≥85%"],
        ["效益指标", "经济效益指标", "", ""],
    ]


def test_a_lone_pipe_in_a_stream_without_closers_stays_an_empty_cell() -> None:
    # One line of pipes is no row structure: the stream reading (qingshen) keeps it.
    assert closed_pipe_rows(["a |", "|", "b |", "c |", "||", "d |", "e |", "f |"]) is None


def test_separated_stream_of_cells_each_closed_by_a_lone_pipe() -> None:
    # sanbao-sikou-fanghu-jiancha.txt: each cell's lines closed by a lone "|", a rule cell of
    # several lines, empty score cells as "|" lines of their own, no row ends.
    cells = ["序号", "检查项目", "扣分标准", "应得分数", "实得分数",
             "1", "安全帽", "有一人不戴安全帽,扣5分\n不按规定佩戴的有一人,扣1分", "20", "",
             "2", "安全网", "未用密目安全网封闭的,扣25分", "25", ""]
    text = "\n".join(f"{cell}\n|" if cell else "|" for cell in cells)
    (table,) = _tables(text)
    result = build(ParsedDocument(source="s.txt", format="text", blocks=(table,)), sha256="0")
    assert [(i.name, i.points) for i in result.indicators] == [("安全帽", 20.0), ("安全网", 25.0)]
    assert [(c.kind, c.points) for c in result.clauses] == [("deduct", 5.0), ("deduct", 1.0), ("deduct", 25.0)]


def test_a_few_lone_pipes_in_prose_are_no_stream() -> None:
    assert separated_stream(["甲", "|", "乙", "|", "丙"]) is None


def test_pipe_rows_with_empty_cells_written_as_lone_pipes() -> None:
    # zaocan-shifandian-pingfen.txt: "| cell" per line, an empty cell a lone "|" too; only the
    # lone "|" before a line of a cell's own text (the next row's first cell) ends the row.
    lines = ["检查项目", "| 具体内容", "| 分值", "| 评分标准", "| 实得分", "| 扣分原因", "|",
             "基本要求", "| 1.依法办理营业执照", "| 2", "| 无证照不得分。", "|", "|", "|",
             "2.依法经营。", "| 3", "| 违反的不得分。", "|", "|", "|",
             "小计", "|", "| 5", "|", "|", "|", "|"]
    (table,) = _tables("\n".join(lines))
    assert _grid(table) == [
        ["检查项目", "具体内容", "分值", "评分标准", "实得分", "扣分原因"],
        ["基本要求", "1.依法办理营业执照", "2", "无证照不得分。", "", ""],
        ["~基本要求", "2.依法经营。", "3", "违反的不得分。", "", ""],
        ["小计", "", "5", "", "", ""],
    ]


def test_blank_separated_stream_with_space_only_empty_cells() -> None:
    # qingshan-jiaoyu-mubiao.txt: one cell per paragraph, " " an empty cell.
    cells = ["绩效项目指标表", " ", "一级指标", "二级指标", "三级指标", "指标值",
             "产出指标", "数量指标", "重点建设工程安排数量", "2",
             "产出指标", "质量指标", " ", "100%",
             "满意度指标", "服务对象满意度指标", "学生满意度", "≥90%", " ", "附件:"]
    (table,) = _tables("\n\n".join(cells))
    assert _grid(table)[0] == ["一级指标", "二级指标", "三级指标", "指标值"]
    assert _grid(table)[2] == ["产出指标", "质量指标", "", "100%"]
    assert len(table.rows) == 4


def test_blank_separated_paragraphs_are_not_a_stream() -> None:
    text = "第一段文字，说明考核的目的。\n\n第二段文字，说明考核的范围。\n\n第三段。"
    assert _tables(text) == []


@pytest.mark.parametrize(
    "name", ["qingshan-jiaoyu-mubiao-2020", "qingshen-fagai-ziping-2023", "ducha-gongzuo-xize"],
)
def test_web_text_extracts_the_leaves_of_its_docx(name: str) -> None:
    txt, docx = extract_file(REAL / f"{name}.txt"), extract_file(REAL / f"{name}.docx")

    def leaves(extraction):  # type: ignore[no-untyped-def]
        parents = {i.parent_id for i in extraction.indicators}
        return [(i.name, i.points) for i in extraction.indicators if i.id not in parents]

    assert leaves(txt) == leaves(docx)


def test_header_cell_merged_across_two_columns_in_a_tab_export() -> None:
    # shicheng-hezhang-kaohe-2018.txt: 考核项目 spans a category and a unit column.
    text = (
        "序号\t考核项目\t各项分值\t考核内容\n"
        "1\t组织领导\t8\t积极配合工作\n"
        "1\t重点考核部门\t县委农工部\t60\t农村生活垃圾专项治理\n"
        "2\t\t县农粮局\t30\t畜禽养殖污染控制\n"
    )
    (table,) = [b for b in parse_text_string(text) if isinstance(b, Table)]
    assert _grid(table)[0] == ["序号", "考核项目", "~考核项目", "各项分值", "考核内容"]
    assert _grid(table)[1] == ["1", "组织领导", "~组织领导", "8", "积极配合工作"]
    doc = ParsedDocument(source="x.txt", format="text", blocks=(table,))
    leaves = [i for i in build(doc, "0").indicators if i.name in ("积极配合工作", "畜禽养殖污染控制")]
    assert [(i.name, i.points) for i in leaves] == [("积极配合工作", 8), ("畜禽养殖污染控制", 30)]


# --- run-on tables: cells run together without separators (pipeline/build/runon.py) -----------


def _runon(*paragraphs: str) -> list[list[str]]:
    from pipeline.build.runon import expand_runon
    from schema.records import Paragraph

    tables = [b for b in expand_runon([Paragraph(text=p) for p in paragraphs]) if isinstance(b, Table)]
    assert len(tables) == 1
    return [[c.text for c in row] for row in tables[0].rows]


def test_runon_rows_numbered_after_a_run_of_header_words() -> None:
    # zhonglou-xinxi-pingfen.txt: the whole table on one line, after the title.
    grid = _runon(
        "钟楼区信息工作考核评分细则序号考核项目考核指标计分标准1报送情况报送及时信息报送不及时的,扣1分。"
        "2报送数量每季度报送数量不达标的,每少1篇,扣1分。3约稿任务按要求完成约稿任务的,每篇计2分。注:基础得分为6分。"
    )
    assert [row[0] for row in grid] == ["序号", "1", "2", "3"]
    # The item's words and its rule run together: both are the item column's (考核指标) text.
    assert grid[2][2].startswith("报送数量每季度") and grid[3][2].endswith("每篇计2分。")


def test_runon_header_with_spaces_and_an_unnamed_label() -> None:
    # shigong-jiju-jiancha-biao08.txt: "扣 分 标 准", 检点记录 no vocabulary names, points last.
    grid = _runon(
        "施工机具检查评分表 序号 检查 项目 扣 分 标 准 检点记录 应得分数 扣减分数 实得分数 1 木工 刨床 "
        "无漏电保护装置或不符合要求,扣2分; 无保护接零扣3分; 5 2 电锯 无漏电保护装置扣2分; 无防雨措施扣2分; 10"
    )
    assert grid[0][:3] == ["序号", "检查项目", "扣分标准"]
    # The cells stand apart by spaces: the names open each row, the rules go to 扣分标准.
    assert [(row[1], row[2][:7], row[4]) for row in grid[1:]] == [
        ("木工刨床", "无漏电保护装置", "5"), ("电锯", "无漏电保护装置", "10")]


@pytest.mark.parametrize(("row", "names", "rest"), [
    # quanguo-anquan-guanli-jiancha-jgj59.txt: a narrow group cell one character per line, then a
    # wrapped item ("安全生产责" / "任 制").
    ("保 证 项 目 安全生产责 任 制 未建立安全生产责任制的,扣10分 10",
     ["保证项目", "安全生产责任制"], "未建立安全生产责任制的,扣10分 10"),
    # the same: an item wrapped over three equal lines.
    ("分部分项 工程安全 技术交底 无书面安全技术交底,扣10分", ["分部分项工程安全技术交底"], "无书面安全技术交底,扣10分"),
    # shigong-jiju-jiancha-biao08.txt: "木工 刨床" wrapped, then the rules.
    ("木工 刨床 无漏电保护装置或不符合要求,扣2分; 5", ["木工刨床"], "无漏电保护装置或不符合要求,扣2分; 5"),
    # Nothing spaced: no names read.
    ("报送情况报送及时信息报送不及时的,扣1分。", [], "报送情况报送及时信息报送不及时的,扣1分。"),
    # Only names: nothing left to be the rule, so none are read.
    ("目标管理 安全检查", ["目标管理"], "安全检查"),
])
def test_spaced_names(row: str, names: list[str], rest: str) -> None:
    from pipeline.build.runon import spaced_names

    assert spaced_names(row) == (names, rest)


def test_runon_spaced_rows_with_a_group_cell_get_a_group_column() -> None:
    # quanguo-anquan-guanli-jiancha-jgj59.txt: 检查项目 stood over 保证项目 and the item.
    grid = _runon(
        "安全管理检查评分表 序号 检查项目 扣 分 标 准 应得分数 扣减分数 实得分数 1 保 证 项 目 安全生产责 任 制 "
        "未建立安全生产责任制的,扣10分 管理人员责任制考核不合格的,扣5分 10 2 目标管理 未制定安全管理目标"
        "(伤亡控制指标和安全达标、 文明施工目标)的,扣10分 10"
    )
    assert grid[0][:4] == ["序号", "类别", "检查项目", "扣分标准"]
    assert [row[1:3] + row[4:5] for row in grid[1:]] == [
        ["保证项目", "安全生产责任制", "10"], ["", "目标管理", "10"]]
    assert grid[2][3].startswith("未制定安全管理目标(伤亡控制指标")


def test_runon_rows_one_per_paragraph_with_levels_and_glued_figures() -> None:
    # ningjin-zhuxuejin-pingjia.txt: rows per line; "达到预计值210010" is a target of 2100 and 10 points.
    grid = _runon(
        "评价指标评价内容指标名称指标说明目标值分值备注",
        "项目年度绩效目标(定量指标)制度指标规章制度建立与否20",
        "产出数量指标享受资助人数达到预计值210010",
        "资金支出率达到目标值95%10",
    )
    assert grid[1][:3] == ["项目年度绩效目标(定量指标)", "制度指标", "规章制度建立与否"]
    assert grid[1][5] == "20" and grid[1][4] == ""
    assert grid[2][1:3] == ["产出数量指标", "享受资助人数达到预计值"] and grid[2][4:6] == ["2100", "10"]
    assert grid[3][2] == "资金支出率达到目标值" and grid[3][4:6] == ["95%", "10"]


def test_runon_level_table_on_one_line() -> None:
    # zhongjiang-shuili-ziping.txt: a 自评表 run together on one line, rows told apart by their
    # figures; "20100%" is 20 points and a 100% target, "1020万元" 10 points and a 20万元 target,
    # "显著提升显著提升" the target and the actual value alike, 经济效益指标 a level without items.
    grid = _runon(
        "绩效指标一级指标二级指标三级指标分值年度指标值全年实际值得分未完成原因产出指标(70分)数量指标"
        "安装坡面水标尺10≥266米≥266米10水标尺宽度10≥50厘米≥50厘米10质量指标验收合格率20100%100%20"
        "成本指标项目计划总投资1020万元20万元10效益指标(20分)经济效益指标社会效益指标群众生产生活条件改善状况"
        "10显著提升显著提升10……总分100100"
    )
    assert grid[0][:4] == ["一级指标", "二级指标", "三级指标", "分值"]
    rows = [row[:7] for row in grid[1:]]
    assert rows == [
        ["产出指标(70分)", "数量指标", "安装坡面水标尺", "10", "≥266米", "≥266米", "10"],
        ["", "", "水标尺宽度", "10", "≥50厘米", "≥50厘米", "10"],
        ["", "质量指标", "验收合格率", "20", "100%", "100%", "20"],
        ["", "成本指标", "项目计划总投资", "10", "20万元", "20万元", "10"],
        ["", "经济效益指标", "", "", "", "", ""],
        ["效益指标(20分)", "社会效益指标", "群众生产生活条件改善状况", "10", "显著提升", "显著提升", "10"],
    ]


def test_runon_row_of_a_group_and_its_marked_items_is_one_row_per_item() -> None:
    # xuexiao-xiaofang-biaozhunhua-pingfen.txt: the 考评项目 cell was merged over its items; the
    # run-on row is the group's name with its total, then each item with its mark, the marks adding
    # up to the total; the last group runs into the 总分 row. Page 2 of the site's text goes on
    # mid-sentence behind its page number ("2、").
    grid = _runon(
        "1、消防评分表序号考评项目考评内容存在问题及扣分考评得分1消防安全责任落实(20分)学校成立领导机构。(8分)"
        "逐级签订责任状。(8分)消防器材配齐完好,如有应按要求预",
        "2、留逃生窗口。(4分)2消防安全培训落实(20分)每学期开展培训,不少于4个课时。(10分)教职工懂消防常识。(10分)总分40分",
    )
    assert [row[:3] for row in grid[1:]] == [
        ["1", "消防安全责任落实(20分)", "学校成立领导机构。(8分)"],
        ["1", "消防安全责任落实(20分)", "逐级签订责任状。(8分)"],
        ["1", "消防安全责任落实(20分)", "消防器材配齐完好,如有应按要求预留逃生窗口。(4分)"],
        ["2", "消防安全培训落实(20分)", "每学期开展培训,不少于4个课时。(10分)"],  # 4个课时 is no row 4
        ["2", "消防安全培训落实(20分)", "教职工懂消防常识。(10分)"],
        ["", "总分40分", ""],
    ]


def test_runon_group_items_with_a_points_column_put_each_mark_there() -> None:
    # The same layout under a header with a points column (as 考核细则 tables of 项目/内容/分值 have).
    grid = _runon(
        "序号考核项目考核内容分值1组织领导(10分)成立领导小组。(4分)制定工作方案。(6分)"
        "2宣传教育(5分)开展宣传活动。(2分)发放宣传资料。(3分)"
    )
    assert [row[:4] for row in grid[1:]] == [
        ["1", "组织领导(10分)", "成立领导小组。", "4"],
        ["1", "组织领导(10分)", "制定工作方案。", "6"],
        ["2", "宣传教育(5分)", "开展宣传活动。", "2"],
        ["2", "宣传教育(5分)", "发放宣传资料。", "3"],
    ]


@pytest.mark.parametrize(
    ("row", "grouped"),
    [
        (
            "安全管理(10分)建立制度。(4分)落实责任。(6分)",
            ("安全管理(10分)", ["建立制度。(4分)", "落实责任。(6分)"], ""),
        ),
        ("安全管理(10分)建立制度。(4分)落实责任。(5分)", None),  # the marks do not add up to the group's
        ("安全管理(10分)建立制度。(4分)落实责任。(6分)另有说明", None),  # text after the last mark
        ("建立健全安全生产责任制,明确各级职责。(10分)建立制度。(4分)落实责任。(6分)", None),  # a sentence, no name
        ("安全管理(10分)建立制度。(10分)", None),  # one item: nothing to split
        (
            "安全管理（10分）建立制度。（4分）落实责任。（6分）合计10分",  # the totals row it runs into
            ("安全管理（10分）", ["建立制度。（4分）", "落实责任。（6分）"], "合计10分"),
        ),
    ],
)
def test_group_items(row: str, grouped: tuple[str, list[str], str] | None) -> None:
    from pipeline.build.runon_rows import group_items

    assert group_items(row) == grouped


@pytest.mark.parametrize(
    ("text", "following", "joined"),
    [
        ("…如有应按要求预", "2、留逃生窗口。(5分)", "留逃生窗口。(5分)"),  # cut mid-sentence, the page's number dropped
        ("…如有应按要求预", "留逃生窗口。", "留逃生窗口。"),
        ("…扣完为止。", "2、下一段", None),  # the text ended: a paragraph of its own
        ("…得分(10分)", "下一段", None),
        ("…按要求预", "(三)附则", None),  # not words going on
    ],
)
def test_runon_continuation(text: str, following: str, joined: str | None) -> None:
    from pipeline.build.runon_rows import continuation

    assert continuation(text, following) == joined


# --- streams whose merged cells were left out (pipeline/build/stream_levels.py) -----------------


def test_stream_rows_as_long_as_the_levels_they_name() -> None:
    # langfang-shipin-nuantong-ziping.txt: one cell per paragraph, " " an empty cell; a merged
    # 一级/二级 cell written once, on its first row; "年度"/"指标值" and "经济效益"/"指标" wrapped.
    cells = ["项目支出绩效自评表", " ", "一级指标", "二级指标", "三级指标", "年度", "指标值", "实际", "完成值",
             "分值", "得分",
             "产出指标", "数量指标", "指标1工程资金金额", "43.2", "37.24", "10", "9",
             "指标2", " ", " ", " ", " ",
             "质量指标", "指标1工程完工率", "100", "100", "10", "10",
             "效益指标", "经济效益", "指标", "指标1安全率", "100", "100", "10", "10",
             " ", "效益指标", "社会效益指标", "指标1学校发展能力", "100", "100", "10", "10"]
    (table,) = _tables("\n\n".join(cells))
    assert _grid(table) == [
        ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
        ["产出指标", "数量指标", "指标1工程资金金额", "43.2", "37.24", "10", "9"],
        ["", "", "指标2", "", "", "", ""],
        ["", "质量指标", "指标1工程完工率", "100", "100", "10", "10"],
        ["效益指标", "经济效益指标", "指标1安全率", "100", "100", "10", "10"],
        ["效益指标", "社会效益指标", "指标1学校发展能力", "100", "100", "10", "10"],  # a stray " " skipped
    ]
    doc = ParsedDocument(source="x.txt", format="text", blocks=(table,))
    leaves = [i for i in build(doc, "0").indicators if i.points is not None]
    assert [(i.name, i.points) for i in leaves] == [  # 指标2, a blank slot, is no item
        ("指标1工程资金金额", 10), ("指标1工程完工率", 10), ("指标1安全率", 10), ("指标1学校发展能力", 10),
    ]


@pytest.mark.parametrize(
    ("cells", "joined"),
    [
        (["年度", "指标值"], ["年度指标值"]),  # a header word wrapped: 年度 alone names nothing
        (["实际", "完成值"], ["实际完成值"]),  # 实际 reads as the same role as its word
        (["经济效益", "指标"], ["经济效益指标"]),  # a framework level name wrapped
        (["满意度", "指标"], ["满意度指标"]),
        (["一级指标", "二级指标"], ["一级指标", "二级指标"]),  # two header words of their own
        (["指标性质", "指标值"], ["指标性质", "指标值"]),  # a column of its own beside the next
        (["分值", "得分"], ["分值", "得分"]),
        (["学生满意度", "指标"], ["学生满意度", "指标"]),  # no framework name
    ],
)
def test_join_fragments(cells: list[str], joined: list[str]) -> None:
    from pipeline.build.stream_levels import join_fragments
    from schema.records import Cell

    assert [c.text for c in join_fragments([Cell(text=t) for t in cells])] == joined


def test_indented_pipe_rows_with_blank_lines_of_spaces() -> None:
    # zhengxie-jiguan-mubiao-fenzhi.txt: "| cell" lines indented, "| " an empty last cell, a line of
    # spaces between rows, a section cell's points on its second line.
    text = (
        "| 项 目\n         | 目    标    内    容\n         | 分值\n        | \n   \n"
        "    | 职能目标\n        (340分)\n        | 抓好各项专题会议的筹备工作。\n        | 100\n        | \n   \n"
        "    | 加强与相关部门的工作联系。\n        | 100\n        | \n   \n"
        "    | 重点目标\n        (480分)\n        | 统筹抓好扶贫攻坚联系村工作。\n        | 40\n        | \n   \n"
    )
    (table,) = _tables(text)
    # The lone "| " ends each row; a row under a merged section cell, one cell short, gets it (~).
    assert _grid(table)[:3] == [
        ["项 目", "目    标    内    容", "分值"],
        ["职能目标\n(340分)", "抓好各项专题会议的筹备工作。", "100"],
        ["~职能目标\n(340分)", "加强与相关部门的工作联系。", "100"],
    ]
    doc = ParsedDocument(source="x.txt", format="text", blocks=(table,))
    indicators = build(doc, "0").indicators
    by_id = {i.id: i for i in indicators}
    leaves = [(by_id[i.parent_id].name, i.name, i.points) for i in indicators if i.parent_id is not None]
    assert leaves == [
        ("职能目标", "抓好各项专题会议的筹备工作。", 100),
        ("职能目标", "加强与相关部门的工作联系。", 100),
        ("重点目标", "统筹抓好扶贫攻坚联系村工作。", 40),
    ]


def test_numbered_rules_run_together_with_sections_glued_to_the_words_before() -> None:
    # xuexiao-anquan-kaohe-zhibiao.txt: "…考核办法一、落实…(22分)1.…", "…记录二、开展…(18分)7.…".
    text = (
        "学校安全工作考核指标与评分标准考核项目工作要求计分标准考核办法一、落实校园安全责任制(7分)"
        "1.成立安全工作领导机构。(4分)未成立的,扣4分。查阅文件材料2.签订安全工作责任状。(3分)未签订的,扣3分。"
        "查阅文件材料二、开展隐患排查治理(8分)3.推进隐患排查治理体系建设。(4分)未推进的,扣4分。查阅文件材料"
        "4.定期开展安全隐患排查。(4分)未开展的,扣4分。统一、规范地建立台账"
    )
    doc = ParsedDocument(source="x.txt", format="text", blocks=parse_text_string(text))
    indicators = build(doc, "0").indicators
    roots = [i for i in indicators if i.parent_id is None]
    assert [(r.name, r.points) for r in roots] == [("一、落实校园安全责任制", 7), ("二、开展隐患排查治理", 8)]
    assert len(indicators) == 6  # 统一、 inside words opens no section


def test_runon_group_column_before_the_numbers() -> None:
    # huozai-gaowei-xiaofang-pinggu.txt: 评估项目 | 序号 | 评估内容 …; each group's title with its
    # points stands before its first row's number ("…得分建筑物…情况(3分)1建筑和…", "…扣2分。制定…(4分)2…").
    grid = _runon(
        "消防安全评估表评估项目序号评估内容评估标准评估情况得分消防手续合法性情况(3分)1建筑消防手续合法。(3分)"
        "未依法办理的,此项不得分。消防安全制度情况(4分)2建立逐级岗位消防安全职责。(2分)未建立的,扣2分。"
        "3制定消防安全操作规程。(2分)未建立的,每项扣1分。"
    )
    assert [(row[0], row[1]) for row in grid] == [
        ("评估项目", "序号"),
        ("消防手续合法性情况(3分)", "1"),
        ("消防安全制度情况(4分)", "2"),
        ("消防安全制度情况(4分)", "3"),
    ]
    assert grid[2][2].startswith("建立逐级岗位") and "消防安全制度情况" not in grid[1][2]


def test_paragraphs_under_a_header_one_word_per_line_are_a_stream_ended_by_figures() -> None:
    # zhejiang-wenmingxian-ceping-2013.txt: one cell per line, no mark for an empty or a merged
    # cell; the 测评项目 cell written one word per line; each row ends in its 分值.
    lines = [
        "浙江省文明县测评体系",
        "测评项目",
        "测评内容",
        "测评标准",
        "评分标准",
        "测评方式",
        "分值",
        "(七)",
        "创建",
        "活动",
        "扎实",
        "有效",
        "90分)",
        "Ⅶ-1组织领导",
        "Ⅶ-1-1 每年召开专题会议。",
        "不符合标准的,本项即不得分。",
        "材料审核",
        "8",
        "Ⅶ-1-2 制定长期规划和年度计划。",
        "不符合标准的,本项即不得分。",
        "材料审核",
        "12",
        "Ⅶ-2基层创建",
        "Ⅶ-2-1 文明社区比例不低于80%。",
        "每低1个百分点扣1分。",
        "材料审核",
        "8",
        "注:本表由文明办填报。",
    ]
    (table,) = _tables("\n\n".join(lines))
    assert _grid(table)[1:] == [
        [
            "(七)创建活动扎实有效90分)",
            "Ⅶ-1组织领导",
            "Ⅶ-1-1 每年召开专题会议。",
            "不符合标准的,本项即不得分。",
            "材料审核",
            "8",
        ],
        ["", "", "Ⅶ-1-2 制定长期规划和年度计划。", "不符合标准的,本项即不得分。", "材料审核", "12"],
        ["", "Ⅶ-2基层创建", "Ⅶ-2-1 文明社区比例不低于80%。", "每低1个百分点扣1分。", "材料审核", "8"],
    ]


def test_figure_ended_rows_leave_a_blank_score_column_blank() -> None:
    # A form's 得分 column not filled in: the row's one figure is its 分值, not its 得分.
    lines = [
        "序号",
        "考核内容",
        "评分标准",
        "分值",
        "得分",
        "1",
        "组织领导",
        "未建立机构扣2分",
        "5",
        "2",
        "制度建设",
        "制度不全扣1分",
        "3",
    ]
    (table,) = _tables("\n".join(lines))
    assert _grid(table)[1:] == [
        ["1", "组织领导", "未建立机构扣2分", "5", ""],
        ["2", "制度建设", "制度不全扣1分", "3", ""],
    ]


def test_a_header_of_words_one_per_line_over_prose_is_no_stream() -> None:
    lines = ["序号", "考核内容", "评分标准", "分值", "本办法由考核办负责解释。", "自印发之日起施行。"]
    assert _tables("\n".join(lines)) == []


def test_runon_rows_under_levels_cut_the_target_off_the_indicator_name() -> None:
    # xiangxi-tejiao-mubiao-2023.txt: a 绩效目标表 run together row by row, the header's 评(扣分标准)
    # naming its column inside the brackets; each row's target follows its 三级指标 name, the
    # 指标值内容 and the rule after it. A figure after a rule verb ("得10分") is no target.
    grid = _runon(
        "一级指标二级指标三级指标指标值指标值内容评(扣分标准) 度量单位指标值类型备注",
        "满意度指标服务对象满意度指标学生对学校伙食得满意度95%以上学生满意程度95%以上得10分,每降低1%扣1分-定性",
        "产出指标数量指标补助学生数量168反映补助学生人数发放到位得10分,每减少1%,扣1分-定量",
        "残疾学生家庭负担率有所减轻对家庭负担减轻情况较大得10分,一般得6分-定性",
    )
    assert grid[0][6] == "评(扣分标准)"
    assert grid[1][:4] == ["满意度指标", "服务对象满意度指标", "学生对学校伙食得满意度", "95%以上"]
    assert grid[1][5].startswith("学生满意程度") and grid[1][5].endswith("每降低1%扣1分-定性")
    assert grid[2][:4] == ["产出指标", "数量指标", "补助学生数量", "168"]
    assert grid[3][2].startswith("残疾学生家庭负担率有所减轻") and grid[3][3] == ""


@pytest.mark.parametrize(
    ("text", "names"),
    [("评(扣分标准)", True), ("分值(分)", True), ("得分(%)", True), ("评(备注)", False), ("项(评分标准)", True)],
)
def test_a_label_with_its_words_in_brackets_names_a_column(text: str, names: bool) -> None:
    from pipeline.build.columns import names_a_column

    assert names_a_column(text) is names


@pytest.mark.parametrize(
    ("text", "rows"),
    [
        # duan-jiguan-jixiao-pingfen.txt: 德/能/勤/绩/廉, each with its points, no 序号
        ("德20 分办事拖拉扣2 分;服务态度差每次扣3 分。获市级先进加5 分。能20 分不熟悉业务扣2 分。",
         [("德", 20.0), ("能", 20.0)]),
        # the general case: a short name and "N分" after a sentence end, rule amounts left alone
        ("工作纪律10分迟到一次扣1分;早退一次扣1分。工作质量15分报表出错每次扣2分。",
         [("工作纪律", 10.0), ("工作质量", 15.0)]),
        ("迟到一次扣1分;早退一次扣1分。", None),  # no row opens at the start
    ],
)
def test_runon_rows_opened_by_a_name_and_its_points(text: str, rows: list[tuple[str, float]] | None) -> None:
    from pipeline.build.runon_unnumbered import named_rows

    found = named_rows(text)
    assert (None if found is None else [(name, points) for name, points, _ in found]) == rows


def test_runon_table_without_numbers_whose_rows_open_with_name_and_points() -> None:
    grid = _runon("附件1 考核 内容扣分因素加分因素德20 分办事拖拉扣2 分;获市级先进加5 分。能20 分不熟悉业务扣2 分。")
    assert grid[0] == ["考核内容", "扣分因素", "加分因素"]
    assert [row[0] for row in grid[1:]] == ["德(20分)", "能(20分)"]
    assert grid[1][1].startswith("办事拖拉") and grid[1][1].endswith("加5 分。")


def test_runon_rows_whose_points_stand_between_requirement_and_rule() -> None:
    # xianyang-hezhang-kaohe-pingfen-hant.txt (考核项目 | 考核要求 | 分值 | 评分细则) and a 信访 考核细则
    # (考核项目 | 考核内容 | 标准分 | 扣分标准): no 序号, a bare figure after the requirement's end
    # opens the rule; a title with its points opens a section.
    grid = _runon(
        "河长制工作考核评分细则考核项目考核要求分值评分细则基础工作(50分)实施方案按时出台;落实机构人员经费。5每缺一项扣0.5分。"
        "实现河长全覆盖,更新及时。2未实现河长全覆盖,缺一条扣0.5分;未及时更新,发现一条扣0.5分。"
        "河长公示牌设立规范。3公示牌设立不规范,每个扣0.5分。"
    )
    assert grid[0] == ["考核项目", "考核要求", "分值", "评分细则"]
    assert [row[0] for row in grid[1:]] == ["基础工作(50分)", "", ""]
    assert [row[2] for row in grid[1:]] == ["5", "2", "3"]
    assert grid[2][1] == "实现河长全覆盖,更新及时。"
    assert grid[2][3] == "未实现河长全覆盖,缺一条扣0.5分;未及时更新,发现一条扣0.5分。"


def test_pointed_rows_split_at_the_next_item_number() -> None:
    from pipeline.build.runon_unnumbered import pointed_rows

    rows = pointed_rows("领导重视(20分)1.成立领导小组。8分未成立的扣2分。2.每年召开4次会议。4分每少1次扣1分。"
                        "3.落实岗位津贴。3分未落实的不计分。")
    assert rows is not None
    assert [(section, requirement[:2], points) for section, requirement, points, _ in rows] == [
        ("领导重视(20分)", "1.", "8"), ("", "2.", "4"), ("", "3.", "3")
    ]


def test_runon_row_number_glued_to_the_points_of_the_row_before() -> None:
    # jiangsu-wenming-shifan-gongdi-biaozhun.txt: "…不低于1.8m。52物料堆放…" is 5 points, then row 2.
    from pipeline.build.runon_rows import numbered_rows

    rows = numbered_rows("1围档设置工地四周设置围墙,高度不低于1.8m。52物料堆放料具按图放置。53车辆冲洗设置冲洗池。5")
    assert [number for number, _ in rows] == ["1", "2", "3"]
    assert rows[0][1].endswith("1.8m。5")


def test_figure_ended_rows_join_a_cell_listing_its_rules_one_per_line() -> None:
    # A 文明生产检查评分表 copied one cell per line (the JGJ59 form of sanbao-sikou and shigong-jiju):
    # 扣分标准 lists its rules a line each; 应得分数 is written, 扣减分数 and 实得分数 are left blank.
    lines = ["序号", "检查项目", "扣分标准", "应得分数", "扣减分数", "实得分数",
             "1", "厂区", "厂区道路不畅通,夜间照明度不足扣3分", "道路交叉处没有明显警示标志的扣5分", "10",
             "2", "封闭管理", "生产现场进出口没有大门的扣2分", "门头没有门卫值勤的扣2分", "没有企业标志的扣2分", "5"]
    (table,) = _tables("\n".join(lines))
    assert _grid(table)[1:] == [
        ["1", "厂区", "厂区道路不畅通,夜间照明度不足扣3分\n道路交叉处没有明显警示标志的扣5分", "10", "", ""],
        ["2", "封闭管理", "生产现场进出口没有大门的扣2分\n门头没有门卫值勤的扣2分\n没有企业标志的扣2分", "5", "", ""],
    ]


def test_pipe_separated_rows_without_a_rule_pad_their_short_rows() -> None:
    # safehoo-zerenzhi-kaohe-zhibiao: "a | b | c | ||||", rows padded with pipes; a header only is full.
    text = (
        "序号 | 考核内容及标准 | 考核满分 | 扣减分数 | 实得分数 | |\n"
        "1 | 建立健全安全生产规章制度。 | 10分 | ||||\n"
        "2 | 组织落实各级安全生产责任制。 | 10分 | ||||\n"
        "3 | 定期召开安全生产工作会议。 | 10分 | ||||\n"
    )
    (table,) = _tables(text)
    assert _grid(table)[1] == ["1", "建立健全安全生产规章制度。", "10分", "", ""]


def test_pipe_separated_rows_written_without_their_merged_cells() -> None:
    # jingyan-mata-cunzu-mubiao-2023: "| a | b |" rows; rows under a merged 单位名称/项目名称 leave them out.
    text = (
        "| 项目名称 | 一级指标 | 二级指标 | 三级指标 | 指标性质 | 指标值 | 度量单位 | 权重 | |\n"
        "| 村组干部报酬 | 效益指标 | 社会效益指标 | 维护社会稳定 | ≥ | 95 | % | 10 | |\n"
        "| 产出指标 | 时效指标 | 维持时效 | ≥ | 1 | 年 | 20 | |||\n"
        "| 产出指标 | 数量指标 | 村组干部230人 | ≥ | 230 | 个 | 10 | |||\n"
    )
    doc = ParsedDocument(source="t.txt", format="text", blocks=parse_text_string(text))
    extraction = build(doc, "0" * 64)
    leaves = [i for i in extraction.indicators if i.level == 3]
    assert [(i.name, i.points, i.target and (i.target.op, i.target.value, i.target.unit)) for i in leaves] == [
        ("维护社会稳定", 10.0, (">=", 95.0, "%")),
        ("维持时效", 20.0, (">=", 1.0, "年")),
        ("村组干部230人", 10.0, (">=", 230.0, "个")),
    ]


def test_a_row_whose_line_ends_in_one_pipe_goes_on_in_the_next_line() -> None:
    # xiaoxian-hexicun-zhongyang-ziping-2023: "绩效指标 | 一级 指标 |" then the header's other cells.
    text = (
        "一级指标 |\n二级指标 | 三级指标 | 分值 | 得分 | ||||\n"
        "产出指标 | 数量指标 | 补助种植面积 | 20 | 20 | ||||\n"
        "产出指标 | 质量指标 | 种植作物成活率 | 5 | 5 | ||||\n"
    )
    (table,) = _tables(text)
    assert _grid(table)[0] == ["一级指标", "二级指标", "三级指标", "分值", "得分"]


def test_a_line_of_pipes_is_no_cell_of_its_own() -> None:
    # safehoo-gonghui-anquan-kaohe: a cell per line, a lone "|" after each, "||" under the last row.
    text = "\n|\n".join(
        ["序号", "考核内容", "扣分标准", "应得分数", "实得分数", "", "1", "安全技术管理", "未提出预防措施的扣10分。",
         "20", "",
         "", "2", "目标管理", "未制定目标管理计划的扣20分。", "20", "", ""]
    ) + "\n||\n被考核人:\n|\n|||||\n"
    doc = ParsedDocument(source="t.txt", format="text", blocks=parse_text_string(text))
    extraction = build(doc, "0" * 64)
    assert [(i.name, i.points) for i in extraction.indicators] == [("安全技术管理", 20.0), ("目标管理", 20.0)]


def test_a_target_table_written_one_cell_per_paragraph() -> None:
    # yueyang-gaobiao-nongtian-mubiao-2022: no points column; merged 一级/二级 cells written once.
    text = "\n\n".join(
        ["绩效指标", "一级指标", "二级指标", "三级指标", "指标值", "产出指标", "数量指标", "道路硬化里程", "≥100公里",
         "供水设施数量", "≥20座", "质量指标", "验收合格率", "100%", "效益指标", "社会效益指标", "受益人口数", "≥500人"]
    )
    doc = ParsedDocument(source="t.txt", format="text", blocks=parse_text_string(text))
    extraction = build(doc, "0" * 64)
    leaves = [(i.name, i.target_text) for i in extraction.indicators if i.level == 3]
    assert leaves == [("道路硬化里程", "≥100公里"), ("供水设施数量", "≥20座"), ("验收合格率", "100%"),
                      ("受益人口数", "≥500人")]


def test_rows_opened_by_their_numbers_with_rules_one_per_line() -> None:
    # book118-jianzhu-anquan-mubiao-zeren-kaohe: a cell per line, empty cells not written, each
    # row's rules one per line after its points, a header word's note on a line of its own.
    text = "\n".join(
        ["序号", "目标责任制内容", "标准分", "考核细则", "完成情况", "(扣 分)", "得分",
         "1", "安全生产法律法规宣传", "20", "未进行宣传贯彻扣10分", "未贯彻到生产各个环节中扣10分",
         "2", "实施全员培训", "10", "人员培训率每下降1%扣1分", "隐患未排查扣5分", "未整改扣5分",
         "3", "应急救援预案", "20", "未组织应急预案演练扣3分"]
    )
    doc = ParsedDocument(source="t.txt", format="text", blocks=parse_text_string(text))
    extraction = build(doc, "0" * 64)
    assert [(i.name, i.points) for i in extraction.indicators] == [
        ("安全生产法律法规宣传", 20.0), ("实施全员培训", 10.0), ("应急救援预案", 20.0)
    ]
    assert extraction.indicators[1].description == "人员培训率每下降1%扣1分\n隐患未排查扣5分\n未整改扣5分"


def test_lines_of_one_cell_are_no_pipe_separated_rows() -> None:
    # Found by the fuzzer: one line with a pipe between texts over thousands of "| cell" lines was
    # read as a table of one-cell rows (then costly to read); it is left to the "| cell" layouts.
    lines = ["再生资| 考核项目", *["| 考核项目"] * 2000]
    assert separated_rows(lines) is None
