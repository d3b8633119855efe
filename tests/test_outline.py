"""Rules documents written as an outline (pipeline/build/outline.py), written from the outlines of
tests/fixtures/real (dingyuan-shipin-anquan-kaohe-2011, shirong-huanjing-weisheng-jiancha-pingfen,
xuexiao-anquan-kaohe-zhibiao) and of the general forms 一、/（一）/1./（1） nest in."""

from __future__ import annotations

import pytest

from pipeline.build import build
from pipeline.build.outline import outline_items
from schema.records import Paragraph, ParsedDocument


def _paragraphs(text: str) -> list[Paragraph]:
    return [Paragraph(text=line.strip()) for line in text.strip().splitlines() if line.strip()]


def _tree(text: str) -> list[tuple[int, str, float | None]]:
    doc = ParsedDocument(source="outline.txt", format="text", blocks=tuple(_paragraphs(text)))
    return [(i.level, i.name, i.points) for i in build(doc, "0" * 64).indicators]


THREE_LEVELS = """
某县安全生产目标责任考核细则
一、组织领导（30分）
1.责任落实（20分）
（1）成立安全生产领导小组，明确职责。（10分）未成立扣10分。
（2）召开专题会议研究安全生产工作不少于4次。（10分）每少一次扣2.5分。
2.制度建设（10分）
（1）建立安全生产责任制度。（10分）未建立不得分。
二、隐患排查（20分）
1.日常检查（20分）
（1）每月开展隐患排查。（20分）每少一次扣2分。
"""


def test_three_numbering_styles_nest_in_the_order_they_open() -> None:
    assert _tree(THREE_LEVELS) == [
        (1, "组织领导", 30.0),
        (2, "责任落实", 20.0),
        (3, "成立安全生产领导小组，明确职责。", 10.0),
        (3, "召开专题会议研究安全生产工作不少于4次。", 10.0),
        (2, "制度建设", 10.0),
        (3, "建立安全生产责任制度。", 10.0),
        (1, "隐患排查", 20.0),
        (2, "日常检查", 20.0),
        (3, "每月开展隐患排查。", 20.0),
    ]


def test_items_numbered_across_sections_continue_their_level() -> None:
    # 一、 then 1. 2. 3., 二、 then 4. 5.: the items keep counting over the section break.
    text = """
    一、组织领导（20分）
    （一）责任落实（20分）
    1.成立领导小组。（10分）未成立扣10分。
    2.召开专题会议。（10分）每少一次扣2分。
    二、隐患排查（20分）
    （一）日常检查（20分）
    3.每月开展隐患排查。（10分）每少一次扣2分。
    4.建立隐患台账。（10分）未建立扣10分。
    """
    assert [(level, points) for level, _, points in _tree(text)] == [
        (1, 20.0), (2, 20.0), (3, 10.0), (3, 10.0), (1, 20.0), (2, 20.0), (3, 10.0), (3, 10.0)
    ]


def test_dotted_outline_run_together_on_one_line() -> None:
    # dingyuan-shipin-anquan-kaohe-2011.txt: the 分值 20 glued before item 1.1.1, the outline on one line.
    text = (
        "考核项目考核要点分值评分标准1.政府组织工作与保障(40分)1.1食品安全工作纳入政府目标考核20"
        "1.1.1食品安全工作纳入政府目标考核。(10分)有纳入考核的文件得10分,否则不得分;1.1.2有考核,有考核结果。"
        "(10分)没有考核扣10分。1.2研究解决食品安全实际问题情况201.2.1县政府常务会研究部署食品安全工作。(10分)"
        "有会议记要得10分;1.2.2成立食品安全委员会。(10分)没有成立扣5分。"
    )
    assert _tree(text) == [
        (1, "政府组织工作与保障", 40.0),
        (2, "食品安全工作纳入政府目标考核", 20.0),
        (3, "食品安全工作纳入政府目标考核。", 10.0),
        (3, "有考核,有考核结果。", 10.0),
        (2, "研究解决食品安全实际问题情况", 20.0),
        (3, "县政府常务会研究部署食品安全工作。", 10.0),
        (3, "成立食品安全委员会。", 10.0),
    ]


def test_a_dotted_outline_may_start_at_any_number() -> None:
    # shirong-huanjing-weisheng-jiancha-pingfen.txt: the standard's own numbering 3.1.1, 3.2.1, 3.3.1 …
    text = """
    3.1.1管理机构健全，职责明确。（4分）一项不合格扣2分。
    3.2.1编制专业规划。（4分）缺一项扣2分。
    3.3.1路面平整，下水道无垃圾堵塞。（4分）发现一处扣0.2分。
    3.3.2建筑物整洁美观。（5分）发现一处扣0.2分。
    """
    assert [(name, points) for _, name, points in _tree(text)] == [
        ("管理机构健全，职责明确。", 4.0),
        ("编制专业规划。", 4.0),
        ("路面平整，下水道无垃圾堵塞。", 4.0),
        ("建筑物整洁美观。", 5.0),
    ]


def test_unscored_lists_under_a_scored_item_describe_it() -> None:
    text = """
    一、宣传学习（10分）
    1.做好法律法规宣传。（5分）1、未张贴宣传标语扣2分；2、未开展宣传工作不得分。
    2.参加岗前培训。（5分）无故不参加每次扣3分。
    二、巡查出勤（10分）
    1.全年出勤率100%。（10分）不出勤一天扣5分。
    """
    result = outline_items(_paragraphs(text))
    assert result is not None
    first = result.roots[0].children[0]
    assert (first.name, first.points, first.children) == ("做好法律法规宣传。", 5.0, [])
    assert first.description is not None and "未开展宣传工作不得分" in first.description


@pytest.mark.parametrize(
    ("line", "name", "points"),
    [
        ("1.区长不定期督导占百分之二十。", "区长不定期督导", 20.0),  # taipei-wenshan (traditional, converted)
        ("2.交办业务执行情形占20%。", "交办业务执行情形", 20.0),
        ("3.视导每月考核占15分。", "视导每月考核", 15.0),
    ],
)
def test_weights_stated_as_shares(line: str, name: str, points: float) -> None:
    text = f"{line}\n2.其他工作占百分之十。\n3.自行评鉴占10%。\n4.年度测验占百分之十。"
    if not line.startswith("1."):
        text = f"1.{line[2:]}\n" + "\n".join(text.splitlines()[1:])
    result = outline_items(_paragraphs(text))
    assert result is not None
    assert (result.roots[0].name, result.roots[0].points) == (name, points)


def test_a_lead_in_over_the_outline_is_no_section_and_unscored_headings_are_left_out() -> None:
    text = """
    一、本所年度工作考核，考核内容及成绩计算标准如下:
    （一）工作执行绩效占百分之九十，评量项目如下:
    1.不定期督导占百分之五十。
    2.交办业务执行情形占百分之四十。
    （二）实务讲习、测验占百分之十。
    二、考核评分等级如下:
    （一）优等：总分九十分以上者。
    （二）甲等：总分八十分以上，未满九十分者。
    """
    assert _tree(text) == [
        (1, "工作执行绩效", 90.0),
        (2, "不定期督导", 50.0),
        (2, "交办业务执行情形", 40.0),
        (1, "实务讲习、测验", 10.0),
    ]


def test_stray_numbers_do_not_open_items() -> None:
    # Amounts ("扣1.5分", "2、3个") and numbers glued to figures are no enumerators.
    text = """
    一、工作任务（10分）
    1.完成任务1.5倍以上。（5分）少1.5个百分点扣1.5分，2、3个月未报扣2分。
    2.按时报送。（5分）迟报12.5天扣1分。
    3.资料归档。（2分）缺1份扣0.5分。
    """
    result = outline_items(_paragraphs(text))
    assert result is not None
    (section,) = result.roots
    assert [(c.name, c.points) for c in section.children] == [
        ("完成任务1.5倍以上。", 5.0), ("按时报送。", 5.0), ("资料归档。", 2.0)
    ]


def test_text_without_a_scored_outline_is_none() -> None:
    text = """
    一、指导思想
    1.坚持以人民为中心。
    2.坚持问题导向。
    二、工作目标
    1.全面完成年度任务。
    """
    assert outline_items(_paragraphs(text)) is None


def test_prose_reading_wins_where_more_of_its_points_add_up() -> None:
    # nongcun-mubiao-zerenshu: "其中" parts are items; the outline alone sees four scored items.
    text = """
    1、招商引资项目建设及全民创业25分,其中招商引资项目建设20分,全民创业5分。由镇工办负责考核。
    2、党建工作20分。其中:组织8分、纪检8分、宣传4分,具体考核细则由镇组织办负责。
    3、农村合作医疗5分。凡按时完成镇下达任务的得满分。
    """
    names = [name for _, name, _ in _tree(text)]
    assert "招商引资项目建设" in names and "纪检" in names


def test_a_dotted_number_glued_to_its_names_figures_is_the_shorter_path() -> None:
    # xian-jindu-gongzuo-kaohe-2014: "2.6.26国际禁毒日…" is item 2, its name opening with a date.
    text = """
    (一)禁毒组织领导(10分)
    1.召开禁毒工作专题会议;(10分)
    (二)禁毒宣传工作(20分)
    2.6.26国际禁毒日是否组织宣传活动;(10分)
    3.主要领导是否亲自参与;(10分)
    """
    result = outline_items(_paragraphs(text))
    assert result is not None
    assert [c.name for c in result.roots[1].children] == ["6.26国际禁毒日是否组织宣传活动;", "主要领导是否亲自参与;"]


@pytest.mark.parametrize(
    ("heading", "name", "points"),
    [
        ("一、考核内容(总分100分)", "考核内容", 100.0),
        ("一、辖区内安全生产事故(共60分,扣完为止)", "辖区内安全生产事故", 60.0),
    ],
)
def test_a_sections_total_mark(heading: str, name: str, points: float) -> None:
    text = f"{heading}\n1.第一项工作。(40分)\n2.第二项工作。(30分)\n3.第三项工作。(30分)"
    result = outline_items(_paragraphs(text))
    assert result is not None
    assert (result.roots[0].name, result.roots[0].points) == (name, points)


def test_points_stated_by_ji_and_grade_bands_are_no_items() -> None:
    # lizhen-jindu-kaoping: "有档案、有组织计10分"; taipei-wenshan: "优等:总分九十分以上者".
    text = """
    一、组织领导(25分)
    1、成立禁毒工作领导小组,有档案、有组织计10分。
    2、专题研究禁毒工作计5分,未研究不计分。
    3、落实责任制计10分,每缺一个单位扣1分。
    二、考核等级
    (一)优等:总分九十分以上者。
    (二)甲等:总分八十分以上,未满九十分者。
    """
    result = outline_items(_paragraphs(text))
    assert result is not None
    assert [(c.points) for c in result.roots[0].children] == [10.0, 5.0, 10.0]
    assert len(result.roots) == 1


def test_a_text_cut_off_mid_outline_opens_where_its_lines_start() -> None:
    # shijiazhuang-bangongshi-gongzuo-kaohe: the stored page starts at item 4 of section (一); the
    # next section "(二)" outranks "4、" and closes it; a section of credits only keeps its items.
    text = """
    4、文电处理(20分)。不及时取件一次扣5分。
    (二)信息工作
    1、采用信息类每条计5分,调研类每篇计15分。
    2、重要信息迟报、漏报的每次扣20分。
    (三)提案工作
    1、办结时限(20分)。未按时办结的每件扣1分。
    2、办理程序(20分)。未按程序要求走访的,每项扣5分。
    """
    assert [(level, name, points) for level, name, points in _tree(text)] == [
        (1, "文电处理", 20.0),
        (1, "信息工作", None),
        (2, "采用信息类每条计5分,调研类每篇计15分。", None),
        (2, "重要信息迟报、漏报的每次扣20分。", None),
        (1, "提案工作", None),
        (2, "办结时限", 20.0),
        (2, "办理程序", 20.0),
    ]


def test_unnumbered_scored_lines_under_an_unscored_heading_are_its_items() -> None:
    # houqinchu-qingjiegong-kaohe-hant: "一、加分项目:" over lines "…得10分。", "二、减分项目:" over
    # lines "…每次扣2分。"; a document of such sections only keeps them as its indicators.
    text = """
    一、加分项目:
    遵守作息时间,无迟到早退,工作认真负责得10分。
    按各项卫生标准清扫卫生,不留死角得15分。
    能保持自己工作范围整洁干净得5分。
    二、减分项目:
    不能按时上下班,随便脱岗每次扣2分。
    门等不擦洗每次2分。
    """
    doc = ParsedDocument(source="outline.txt", format="text", blocks=tuple(_paragraphs(text)))
    extraction = build(doc, "0" * 64)
    assert [(i.level, i.name[:6], i.points) for i in extraction.indicators] == [
        (1, "加分项目", None), (2, "遵守作息时间", 10.0), (2, "按各项卫生标", 15.0), (2, "能保持自己工", 5.0),
        (1, "减分项目", None), (2, "不能按时上下", None), (2, "门等不擦洗每", None),
    ]
    deducts = [(c.kind, c.points, c.per.unit if c.per else None) for c in extraction.clauses if c.kind == "deduct"]
    assert deducts == [("deduct", 2.0, "次"), ("deduct", 2.0, "次")]


def test_a_name_on_its_own_line_and_a_mark_closing_a_list() -> None:
    # bangongshi-weisheng-jiancha-pingfen: "一、地面" over "地面扫清拖净…(10 分)"; item 十's points
    # close its list "1、…2、…3、…(10 分)"; the 说明 under the last item is no part of it.
    text = """
    一、地面
    地面扫清拖净,无纸屑、果壳等废弃物。(10 分)
    二、门、窗台、墙面
    门、窗台、墙等表面擦试干净,洁净明亮。(10 分)
    三、节约用电
    1、午休时间关灯。
    2、下班后必须关闭电脑。
    3、不得在办公区域内擅自使用私人小家电。(10 分)
    说明:1、以上条目每条为10 分;2、检查小组以此标准打分。
    """
    assert _tree(text) == [(1, "地面", 10.0), (1, "门、窗台、墙面", 10.0), (1, "节约用电", 10.0)]
