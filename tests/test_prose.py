"""Points written in prose (pipeline/build/prose.py): 目标责任书-style numbered paragraphs."""

from __future__ import annotations

from pipeline.build.prose import prose_items, reflow
from pipeline.build.tree import Draft
from schema.records import Paragraph


def _shape(node: Draft) -> tuple:
    return (node.name, node.points, [_shape(c) for c in node.children])


def _items(*texts: str, page: int | None = None) -> list[tuple]:
    return [_shape(node) for node in prose_items([Paragraph(text=t, page=page) for t in texts])]


def test_parts_listed_after_qizhong() -> None:
    # nongcun-mubiao-zerenshu: "其中招商引资项目建设20分,全民创业5分" and "其中:组织8分、纪检8分、宣传4分".
    assert _items(
        "1、招商引资项目建设及全民创业25分,其中招商引资项目建设20分,全民创业5分。由镇工办负责考核。",
        "2、党建工作20分。其中:组织8分、纪检8分、宣传4分,具体考核细则由镇组织办负责。",
    ) == [
        ("招商引资项目建设及全民创业", 25, [("招商引资项目建设", 20, []), ("全民创业", 5, [])]),
        ("党建工作", 20, [("组织", 8, []), ("纪检", 8, []), ("宣传", 4, [])]),
    ]


def test_parts_with_descriptions_and_a_part_with_parts_of_its_own() -> None:
    items = prose_items([
        Paragraph(text="3、农业农村工作20分。其中水利工程5分。每推迟一天扣0.5分。农业保险5分。按比例加减分。"
                       "合作组织建设10分,其中,资金互助合作社5分,完成股金任务的得满分;专业合作社5分。增减一个加2分。"),
        Paragraph(text="4、农村合作医疗5分。凡按时完成镇下达任务的得满分。由市二医院负责考核。"),
    ])
    assert [_shape(i) for i in items] == [
        ("农业农村工作", 20, [
            ("水利工程", 5, []), ("农业保险", 5, []),
            ("合作组织建设", 10, [("资金互助合作社", 5, []), ("专业合作社", 5, [])]),
        ]),
        ("农村合作医疗", 5, []),
    ]
    assert items[0].children[0].description == "每推迟一天扣0.5分"
    assert items[1].description == "凡按时完成镇下达任务的得满分"


def test_figures_that_are_not_parts_leave_the_item_whole() -> None:
    # Rule amounts and counts do not add up to the item's points: no parts.
    assert _items("1、信息报送10分,每少报1篇扣1分,最多扣5分。", "2、会议组织5分,全年召开3次会议。") == [
        ("信息报送", 10, []), ("会议组织", 5, []),
    ]


def test_a_single_paragraph_is_not_a_list() -> None:
    assert _items("1、党建工作20分。") == []


def test_printed_lines_are_reflowed_into_paragraphs() -> None:
    printed = ("1、党建工作20分。其中:组织8分、纪", "检8分、宣传4分。", "2、农村合作医疗5分。")
    lines = [Paragraph(text=t, page=1) for t in printed]
    assert [p.text for p in reflow(lines)] == [
        "1、党建工作20分。其中:组织8分、纪检8分、宣传4分。", "2、农村合作医疗5分。",
    ]
    # Paragraphs of formats without printed lines (DOCX, text: no page) are kept as they are.
    unpaged = [Paragraph(text="甲乙"), Paragraph(text="丙丁")]
    assert reflow(unpaged) == unpaged


def test_points_in_brackets_are_the_marks_not_part_of_the_name() -> None:
    # "1. 成立领导小组（5分）": the brackets are the mark's (as in nanchang-kaohe-2023's "(3分)");
    # the name ends before them and the text after the mark describes the item.
    items = prose_items([
        Paragraph(text="1. 成立领导小组（5分）"),
        Paragraph(text="2、制定实施方案(5分),按时报送"),
    ])
    assert [(i.name, i.points, i.description) for i in items] == [
        ("成立领导小组", 5, None), ("制定实施方案", 5, "按时报送")]
