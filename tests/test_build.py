"""Indicator builder: header roles, row re-anchoring, tree building, inline lists, document fields."""

from __future__ import annotations

import pytest

from pipeline.build import build
from pipeline.build.columns import Role, recognise_header, role_of
from pipeline.build.inline import inline_indicators
from pipeline.build.roles import decide_roles
from pipeline.build.table import align_row, table_indicators
from schema.records import Cell, Paragraph, ParsedDocument, Table


def _row(*texts: str) -> tuple[Cell, ...]:
    return tuple(Cell(text=t) for t in texts)


def _table(*rows: tuple[str, ...]) -> Table:
    return Table(rows=tuple(_row(*r) for r in rows))


@pytest.mark.parametrize(
    ("header", "role"),
    [
        ("一级指标", Role.LEVEL),
        ("一级指\n标", Role.LEVEL),
        ("三级指标", Role.LEVEL),
        ("任务要点名称", Role.NAME),
        ("考核项目", Role.SECTION),
        ("專案", None),  # traditional text is converted before the builder sees it
        ("专案", Role.SECTION),
        ("考核内容", Role.CONTENT),
        ("完成标准", Role.DESCRIPTION),
        ("目标内容", Role.DESCRIPTION),
        ("年度目标", Role.DESCRIPTION),
        ("绩效指标描述", Role.DESCRIPTION),
        ("评分标准", Role.DESCRIPTION),
        ("分值", Role.POINTS),
        ("分值\n权重", Role.POINTS),
        ("标准分", Role.POINTS),
        ("各项分值", Role.POINTS),
        ("得分", Role.SCORE),
        ("自评得\n分", Role.SCORE),
        ("指标值", Role.TARGET),
        ("目标值", Role.TARGET),
        ("年度指标值", Role.TARGET),
        ("完成值", Role.ACTUAL),
        ("实际完成值", Role.ACTUAL),
        ("进度情况", Role.ACTUAL),
        ("指标值确定依据", Role.BASIS),
        ("未完成原因", Role.REASON),
        ("改进措施", Role.MEASURES),
        ("备注", None),
    ],
)
def test_header_roles_by_meaning(header: str, role: Role | None) -> None:
    assert role_of(header) is role


def test_content_is_description_when_a_name_column_exists() -> None:
    found = recognise_header(_row("任务要点名称", "考核内容", "分值"))
    assert found is not None
    header = decide_roles(found, [])
    assert [c.role for c in header.columns] == [Role.NAME, Role.DESCRIPTION, Role.POINTS]


def test_funds_header_is_not_an_indicator_header() -> None:
    assert recognise_header(_row("", "资金来源", "全年预算数 (A)", "全年执行数 (B)", "分值", "得分")) is None


WANGCHENG_HEADER = ("", "一级指标", "二级指标", "三级指标", "目标内容", "目标值", "完成值", "分值", "得分",
                    "未完成原因", "改进措施")


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        # aligned row: positional
        (["年度", "产出指标", "数量指标", "甲", "描述", "≥200人", "194", "5", "5", "", ""],
         {2: "数量指标", 3: "甲", 5: "≥200人", 6: "194", 7: "5", 8: "5"}),
        # one cell short with trailing separators kept: right-aligned
        (["", "成本指标", "乙", "描述", "约6000元", "6000元", "5", "5", "", ""],
         {2: "成本指标", 3: "乙", 7: "5", 8: "5"}),
        # a framework name anchors the row even when its length matches the header
        (["满意度指标", "服务对象满意度指标", "丙", "满意度", "90%以上", "95%", "", "10", "10", "", ""],
         {1: "满意度指标", 2: "服务对象满意度指标", 3: "丙", 5: "90%以上", 6: "95%", 7: "10", 8: "10"}),
        # short row anchored by 社会效益指标 under 二级指标
        (["效益指标", "社会效益指标", "丁", "描述", "目标", "完成", "5", "5", "", ""],
         {1: "效益指标", 2: "社会效益指标", 3: "丁", 7: "5", 8: "5"}),
    ],
)
def test_align_row_reanchors_shifted_cells(texts: list[str], expected: dict[int, str]) -> None:
    header = recognise_header(_row(*WANGCHENG_HEADER))
    assert header is not None
    placed = align_row(texts, header)
    for column, text in expected.items():
        index = placed[column]
        assert index is not None and texts[index] == text, (column, text)


def test_merged_levels_are_one_node_and_items_are_leaves() -> None:
    result = table_indicators(_table(
        ("一级指标", "二级指标", "任务要点名称", "完成标准", "分值权重"),
        ("围绕中心履职尽责（400分）", "重点（职能）工作", "任务一", "标准一", "35"),
        ("", "", "任务二", "标准二", "30分"),
        ("围绕中心履职尽责（400分）", "重点（职能）工作", "任务三", "标准三", "25"),
    ))
    (root,) = result.roots
    assert (root.name, root.points) == ("围绕中心履职尽责", 400)
    (middle,) = root.children
    assert [(c.name, c.points, c.description) for c in middle.children] == [
        ("任务一", 35, "标准一"), ("任务二", 30, "标准二"), ("任务三", 25, "标准三"),
    ]


def test_new_level1_does_not_inherit_old_level2() -> None:
    result = table_indicators(_table(
        ("一级指标", "二级指标", "三级指标", "分值"),
        ("产出指标", "数量指标", "甲", "5"),
        ("效益指标", "", "乙", "5"),
    ))
    assert [r.name for r in result.roots] == ["产出指标", "效益指标"]
    assert [c.name for c in result.roots[1].children] == ["乙"]


def test_totals_row_and_empty_slots_are_not_indicators() -> None:
    result = table_indicators(_table(
        ("一级指标", "二级指标", "三级指标", "目标值", "分值", "得分"),
        ("产出指标", "数量指标", "甲", "≥5", "5", "4"),
        ("", "生态效益指标", "", "", "0", "0"),
        ("总分", "", "", "", "100", "98.92"),
    ))
    leaves = [leaf.name for root in result.roots for leaf in root.leaves()]
    assert leaves == ["甲"]
    assert {f.name: f.value for f in result.facts} == {"total_points": 100, "total_score": 98.92}


def test_table_without_points_column_sums_inline_marks() -> None:
    result = table_indicators(_table(
        ("考核项目", "考核内容"),
        ("一、队伍建设(12分)", "1、工作制度健全(1分)、工作规范有序(1分)、活动有记录(1分);"),
    ))
    (root,) = result.roots
    assert (root.name, root.points) == ("一、队伍建设", 12)
    assert root.children[0].points == 3


def test_inline_indicator_list() -> None:
    text = ("绩效指标:1、产出指标－数量指标－开展课程次数，指标值为>＝150。2、产出指标－质量指标－开展课程的质量，"
            "指标值为>＝85%。3、产出指标-时效指标-每年开展关心下一代的活动次数，指标值为>=5.")
    roots = inline_indicators([Paragraph(text=text), Paragraph(text=text)])
    (root,) = roots
    assert root.name == "产出指标"
    leaves = [(leaf.name, leaf.target.op, leaf.target.value, leaf.target.unit) for leaf in root.leaves()
              if leaf.target]
    assert leaves == [("开展课程次数", ">=", 150, None), ("开展课程的质量", ">=", 85, "%"),
                      ("每年开展关心下一代的活动次数", ">=", 5, None)]


def test_document_without_indicator_table_gets_a_warning() -> None:
    doc = ParsedDocument(source="memo.txt", format="text", blocks=(Paragraph(text="关于召开会议的通知"),))
    extraction = build(doc, "0" * 64)
    assert extraction.indicators == ()
    assert any("zero indicators" in w for w in extraction.warnings)


def test_document_fields_from_surrounding_text() -> None:
    doc = ParsedDocument(source="a.txt", format="text", blocks=(
        Paragraph(text="枣庄市老干部活动中心"),
        Paragraph(text="2022 年度服务高质量发展绩效考核工作任务要点"),
        Paragraph(text="主管部门：市委老干部局"),
        _table(("一级指标", "任务要点名称", "分值"), ("围绕中心（400分）", "任务", "400")),
    ))
    document = build(doc, "0" * 64).document
    assert (document.title, document.organization, document.supervisor, document.year, document.total_points) == (
        "2022 年度服务高质量发展绩效考核工作任务要点", "枣庄市老干部活动中心", "市委老干部局", 2022, 400)


@pytest.mark.parametrize(
    ("header", "role"),
    [
        ("分值(分)", Role.POINTS),
        ("权重（%）", Role.POINTS),
        ("得分（分）", Role.SCORE),
        ("偏差原因分析及改进措施", Role.REASON),
        ("年度指标值(A)", Role.TARGET),
    ],
)
def test_header_units_in_parentheses(header: str, role: Role) -> None:
    assert role_of(header) is role


def test_label_column_left_of_levels_is_not_a_level() -> None:
    result = table_indicators(_table(
        ("绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"),
        ("绩效指标", "产出指标", "数量指标", "培训人次", "≥100人次", "120人次", "10", "10"),
    ))
    assert [r.name for r in result.roots] == ["产出指标"]
    (leaf,) = list(result.roots[0].leaves())
    assert (leaf.name, leaf.points, leaf.score, leaf.actual) == ("培训人次", 10, 10, "120人次")
    assert leaf.target is not None and (leaf.target.op, leaf.target.value) == (">=", 100)


def test_several_description_columns_are_kept_together() -> None:
    result = table_indicators(_table(
        ("考核指标", "考核内容", "评分标准", "权重"),
        ("党建工作", "落实主体责任", "未落实扣2分", "10%"),
    ))
    (leaf,) = result.roots
    assert (leaf.description, leaf.points) == ("落实主体责任\n未落实扣2分", 10)


def test_headerless_table_of_same_width_continues_the_previous_one() -> None:
    first = table_indicators(_table(
        ("一级指标", "二级指标", "三级指标", "分值"),
        ("产出指标", "数量指标", "甲", "5"),
    ))
    second = table_indicators(_table(("", "", "乙", "5"), ("效益指标", "社会效益指标", "丙", "10")), first)
    assert second.continued
    assert [c.name for c in first.roots[0].children[0].children] == ["甲", "乙"]
    assert [r.name for r in second.roots] == ["效益指标"]
    unrelated = table_indicators(_table(("填报人", "联系电话"), ("张三", "123")), first)
    assert not unrelated.continued and unrelated.roots == []


def test_framework_level2_name_implies_its_level1() -> None:
    # A merged 效益指标 cell exported as text names itself only on a middle row of its block.
    result = table_indicators(_table(
        ("一级指标", "二级指标", "三级指标", "分值"),
        ("产出指标", "数量指标", "甲", "5"),
        ("", "社会效益指标", "乙", "5"),
        ("效益指标", "生态效益指标", "丙", "5"),
    ))
    assert [(r.name, [c.name for c in r.children]) for r in result.roots] == [
        ("产出指标", ["数量指标"]), ("效益指标", ["社会效益指标", "生态效益指标"]),
    ]


def test_total_points_falls_back_to_the_leaves() -> None:
    doc = ParsedDocument(source="a.txt", format="text", blocks=(
        _table(("考核项目", "考核内容", "分值"), ("党建", "甲", "40"), ("", "乙", "60")),
    ))
    assert build(doc, "0" * 64).document.total_points == 100


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1、产出指标－数量指标－开展课程次数，指标值为>＝150。", ("开展课程次数", ">=", 150)),
        ("1、产出指标-质量指标-培训合格率：≥95%；", ("培训合格率", ">=", 95)),
        ("2、效益指标－社会效益指标－群众满意度，年度指标值：90%以上。", ("群众满意度", ">=", 90)),
    ],
)
def test_inline_indicator_forms(text: str, expected: tuple[str, str, float]) -> None:
    (root,) = inline_indicators([Paragraph(text=text)])
    (leaf,) = list(root.leaves())
    assert leaf.target is not None
    assert (leaf.name, leaf.target.op, leaf.target.value) == expected


def test_dashed_text_without_a_target_is_not_an_indicator() -> None:
    assert inline_indicators([Paragraph(text="1、2023年-2024年-2025年规划，分三步实施。")]) == []


@pytest.mark.parametrize(
    ("lines", "year"),
    [(["2022 年度服务高质量发展绩效考核工作任务要点"], 2022), (["(2021 年)"], 2021),
     (["二〇二三年度考核细则"], 2023), (["关于考核的通知"], None)],
)
def test_find_year(lines: list[str], year: int | None) -> None:
    from pipeline.build.fields import find_year

    assert find_year(lines) == year


@pytest.mark.parametrize(
    ("lines", "organization"),
    [
        (["枣庄市老干部活动中心", "2022年度考核要点", "主管部门：市委老干部局"], "枣庄市老干部活动中心"),
        (["填报单位（盖章）：长沙市望城区老干部服务中心"], "长沙市望城区老干部服务中心"),
        (["287001中国共产党玉田县委老干部局本级"], "中国共产党玉田县委老干部局"),
        (["主管部门：枣庄市妇联"], None),
        # A form's cells one per line (langfang-shipin-nuantong-ziping.txt): the label, then its value;
        # the 主管部门 before it is the supervisor.
        (
            ["项目名称", "暖通改造经费", "主管部门", "廊坊市发改委", "实施单位", "廊坊市食品工程学校"],
            "廊坊市食品工程学校",
        ),
    ],
)
def test_find_organization(lines: list[str], organization: str | None) -> None:
    from pipeline.build.fields import find_organization

    assert find_organization(lines, []) == organization


def test_qualitative_target_is_kept_as_text() -> None:
    result = table_indicators(_table(
        ("一级指标", "二级指标", "三级指标", "指标值", "分值"),
        ("产出指标", "质量指标", "经费支出合规性", "达成预期指标", "8"),
        ("产出指标", "数量指标", "培训人次", "≥100人次", "8"),
    ))
    first, second = list(result.roots[0].leaves())
    assert (first.target, first.target_text) == (None, "达成预期指标")
    assert second.target is not None and second.target_text == "≥100人次"


def test_section_rows_nest_the_rows_below_them() -> None:
    result = table_indicators(_table(
        ("序号", "考核项目", "各项分值", "考核内容", "评分标准"),
        ("一、", "通用考核项目", "40", "", ""),
        ("1", "组织领导", "8", "积极配合开展工作", "未配合扣2分"),
        ("二、", "部门履职考核项目", "60", "", "按部门分值考核"),
        ("1", "县农粮局", "60", "畜禽养殖污染控制", "未完成不得分"),
    ))
    assert [(r.name, r.points) for r in result.roots] == [("一、通用考核项目", 40), ("二、部门履职考核项目", 60)]
    assert [leaf.name for leaf in result.roots[1].leaves()] == ["畜禽养殖污染控制"]


def test_footer_rows_are_notes_not_indicators() -> None:
    result = table_indicators(_table(
        ("考核项目", "考核内容", "分值"),
        ("党建", "落实主体责任", "10"),
        ("注：本表满分为100分", "", ""),
        ("填报人：张三", "", ""),
    ))
    assert [leaf.name for root in result.roots for leaf in root.leaves()] == ["落实主体责任"]
    assert result.notes == ["注：本表满分为100分", "填报人：张三"]


def test_grouping_column_gives_way_to_the_first_unmerged_one() -> None:
    # 工作内容 is merged down over its requirements; each 工作要求 cell states its own points.
    result = table_indicators(_table(
        ("工作内容", "工作要求", "评分标准", "得分"),
        ("组织领导（5分）", "有领导小组。（2分）", "无领导小组扣2分。", ""),
        ("", "有年度工作计划。（3分）", "无计划扣3分。", ""),
        ("培训督导（6分）", "开展培训。（4分）", "未培训扣4分。", ""),
        ("", "定期督导。（2分）", "每少一次督导扣1分。", ""),
    ))
    assert [(r.name, r.points, [(c.name, c.points) for c in r.children]) for r in result.roots] == [
        ("组织领导", 5, [("有领导小组。", 2), ("有年度工作计划。", 3)]),
        ("培训督导", 6, [("开展培训。", 4), ("定期督导。", 2)]),
    ]


def test_item_merged_down_over_rows_is_one_item() -> None:
    table = Table(rows=(
        _row("一级指标", "二级指标", "任务要点名称", "完成标准", "分值"),
        _row("履职", "重点工作", "部门特性指标", "标准甲", "10"),
        (Cell("履职", spanned=True), Cell("重点工作", spanned=True), Cell("部门特性指标", spanned=True),
         Cell("标准乙"), Cell("")),
    ))
    result = table_indicators(table)
    (leaf,) = list(result.roots[0].leaves())
    assert (leaf.name, leaf.points, leaf.description) == ("部门特性指标", 10, "标准甲\n标准乙")


def test_parts_number_the_tables_and_a_continued_table_stays_in_its_part() -> None:
    header = ("一级指标", "二级指标", "三级指标", "分值")
    doc = ParsedDocument(source="x.txt", format="text", blocks=(
        Paragraph(text="部门整体绩效自评表"),
        _table(header, ("产出指标", "数量指标", "甲", "5"), ("", "", "乙", "5")),
        _table(("", "", "丙", "10"), ("效益指标", "社会效益指标", "丁", "20")),  # page 2 of the same table
        Paragraph(text="项目一绩效自评表（本表为第二张表，列出项目一的全部指标及其分值说明）"),
        _table(header, ("产出指标", "质量指标", "戊", "30")),
    ))
    indicators = build(doc, "0" * 64).indicators
    assert [(i.name, i.part) for i in indicators if i.level == 1] == [("产出指标", 1), ("效益指标", 1), ("产出指标", 2)]
    assert {i.part for i in indicators} == {1, 2}


def test_children_points_sum_what_the_children_are_worth_and_points_stay_as_stated() -> None:
    result = build(ParsedDocument(source="x.txt", format="text", blocks=(_table(
        ("一级指标", "二级指标", "三级指标", "分值"),
        ("产出指标", "数量指标", "甲", "5"),
        ("", "", "乙", "7.5"),
        ("", "质量指标", "丙", "10"),
    ),)), "0" * 64)
    by_name = {i.name: i for i in result.indicators}
    assert (by_name["产出指标"].points, by_name["产出指标"].children_points) == (None, 22.5)
    assert (by_name["数量指标"].points, by_name["数量指标"].children_points) == (None, 12.5)
    assert (by_name["甲"].points, by_name["甲"].children_points) == (5.0, None)


@pytest.mark.parametrize(
    ("lines", "title"),
    [
        # 督查 细则: the bracketed note under the title is no title, the note after one is part of it.
        (["附件2", "督查工作考核细则(试行)", "(起评分100分)"], "督查工作考核细则(试行)"),
        (["部门整体支出绩效自评表（2021年度）", "单位：某中心"], "部门整体支出绩效自评表（2021年度）"),
        (["（2021年度）", "项目支出绩效自评表"], "项目支出绩效自评表"),
        (["南昌市县区 2023 年老干部工作目标管理考核细则"], "南昌市县区 2023 年老干部工作目标管理考核细则"),
    ],
)
def test_find_title(lines: list[str], title: str) -> None:
    from pipeline.build.fields import find_title

    assert find_title(lines, lines)[0] == title


def test_a_sheet_of_text_lines_is_read_as_paragraphs() -> None:
    # nongcun-mubiao-zerenshu and xx-xiang-dui-cun-kaohe laid out as spreadsheets: one paragraph
    # per row, merged across the sheet (a covered place repeats the text, marked spanned).
    def line(text: str) -> tuple[Cell, ...]:
        return (Cell(text=text), Cell(text=text, spanned=True), Cell(text=text, spanned=True))

    sheet = Table(rows=(
        line("农村工作年度目标责任书"),
        (Cell(text=""), Cell(text=""), Cell(text="")),
        line("一、党的建设工作(21分)"),
        line("1.民主集中制(1分)坚持集体领导。"),
        line("2.学习培训(20分)坚持常态化学习。"),
        line("二、文明创建工作(5分)"),
        line("1.意识形态工作(5分)及时清理破损标语。"),
    ))
    result = build(ParsedDocument(source="sheet.xlsx", format="xlsx", blocks=(sheet,)), sha256="0")
    assert [(i.level, i.points) for i in result.indicators] == [(1, 21.0), (2, 1.0), (2, 20.0), (1, 5.0), (2, 5.0)]
    assert result.document.title == "农村工作年度目标责任书"


def test_a_table_with_one_row_of_columns_stays_a_table() -> None:
    from pipeline.build.text_rows import text_lines

    assert text_lines(_table(("一级指标", "分值"), ("产出指标", "产出指标"))) is None
    assert [p.text for p in text_lines(_table(("说明",), ("",), ("第二行",)))] == ["说明", "第二行"]


def _aligned(*rows: tuple[str, ...]) -> Table:
    return Table(rows=tuple(tuple(Cell(text=t) for t in row) for row in rows), layout="aligned")


def test_an_aligned_grid_that_names_no_columns_is_read_as_lines_of_text() -> None:
    # A PDF page of numbered rules whose words happen to line up (parsers/_pdf_text_tables.py):
    # without a header it is the text it was, and its numbered items are read as such.
    lines = _aligned(
        ("一、组织领导(20分)", "", ""),
        ("1.", "成立领导小组,明确专人负责。", "(10分)"),
        ("2.", "制定年度工作方案。", "(10分)"),
        ("二、制度建设(10分)", "", ""),
        ("3.", "建立工作制度。", "(10分)"),
    )
    doc = ParsedDocument(source="rules.pdf", format="pdf", blocks=(Paragraph(text="考核细则"), lines))
    extraction = build(doc, "0" * 64)
    names = [(i.name, i.points) for i in extraction.indicators]
    assert [names[0], names[3]] == [("一、组织领导", 20.0), ("二、制度建设", 10.0)]
    assert [points for _, points in names] == [20.0, 10.0, 10.0, 10.0, 10.0]


def test_an_aligned_grid_with_a_header_is_a_table() -> None:
    table = _aligned(
        ("考核内容", "评分标准", "分值"), ("领导重视", "未成立扣2分", "5"), ("制度建设", "不健全扣1分", "3")
    )
    extraction = build(ParsedDocument(source="t.pdf", format="pdf", blocks=(table,)), "0" * 64)
    assert [(i.name, i.points) for i in extraction.indicators] == [("领导重视", 5.0), ("制度建设", 3.0)]
