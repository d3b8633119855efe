"""Rules documents (考核细则): numbered items, sections, 加分/扣分 clauses, reconciliation."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.build import build
from pipeline.build.numbered import numbered_items
from pipeline.extract import extract_file
from schema.records import Paragraph, ParsedDocument

CORPUS = Path(__file__).parent / "fixtures" / "corpus" / "raw"


def _paragraphs(text: str) -> list[Paragraph]:
    return [Paragraph(text=line) for line in text.strip().splitlines() if line.strip()]


def _sections(text: str) -> list[tuple[str, float | None, list[tuple[str, float | None]]]]:
    result = numbered_items(_paragraphs(text))
    assert result is not None
    return [(s.name, s.total, [(d.name.split("、")[0], d.points) for d in s.items]) for s in result.sections]


def test_clean_layout_titles_start_their_sections() -> None:
    text = """
    一、领导重视(5分)
    1、成立领导小组(2分);
    2、召开会议(3分),少1次扣1分;
    二、队伍建设(4分)
    3、制度健全(1分)、规范有序(1分);
    4、按时报送总结(2分)。
    """
    assert _sections(text) == [
        ("一、领导重视", 5, [("1", 2), ("2", 3)]),
        ("二、队伍建设", 4, [("3", 2), ("4", 2)]),
    ]


def test_clean_layout_keeps_a_real_mismatch() -> None:
    text = """
    一、领导重视(6分)
    1、成立领导小组(2分);
    2、召开会议(3分);
    二、队伍建设(4分)
    3、制度健全(4分);
    """
    # The document's own inconsistency stays: items are not moved to make the sums agree.
    assert _sections(text) == [
        ("一、领导重视", 6, [("1", 2), ("2", 3)]),
        ("二、队伍建设", 4, [("3", 4)]),
    ]


def test_interleaved_layout_uses_totals_and_centred_titles() -> None:
    # The section column was flattened into the item column: titles sit among their items,
    # the total of 一 arrives on a line of its own, a title is broken into fragments.
    text = """
    1、甲(1分);
    一、领导重视2、乙(2分);
    (5分)
    3、丙(2分);
    4、丁(1分);
    二、队伍建
    5、戊(1分);
    设(3分)
    6、己(1分);
    """
    assert _sections(text) == [
        ("一、领导重视", 5, [("1", 1), ("2", 2), ("3", 2)]),
        ("二、队伍建设", 3, [("4", 1), ("5", 1), ("6", 1)]),
    ]


def test_item_printed_out_of_place_and_digit_runs_are_handled() -> None:
    text = """
    1、甲(1分);
    3、丙(1分);
    2、乙(2分);
    4、丁(1分)。
    72125
    2023年老干部工作自我总结
    半年来,我校紧紧围绕落实政策开展工作,一 基本情况 截止4月30日共有离退休人员69人。
    """
    (section,) = _sections(text)
    assert section[2] == [("1", 1), ("2", 2), ("3", 1), ("4", 1)]


def test_numbered_prose_without_points_is_not_a_rules_list() -> None:
    text = """
    1.加强两项建设，充分发挥老干部作用
    2.认真落实好老干部两个待遇
    3.着重做好县级老干部活动中心的建设工作
    """
    assert numbered_items(_paragraphs(text)) is None


def test_bonus_and_deduction_sections_become_document_clauses() -> None:
    text = """
    一、工作任务(3分)
    1、按时完成任务(3分),少1次扣1分;
    二、加分内容
    2、获省级表彰加5分,获市级表彰加2分;
    三、扣分内容
    3、引发集体上访(10分);
    4、发生安全事故(直接定为不达标);
    """
    doc = ParsedDocument(source="rules.txt", format="text", blocks=tuple(_paragraphs(text)))
    extraction = build(doc, "0" * 64)
    assert [i.name for i in extraction.indicators] == ["一、工作任务", "1、按时完成任务(3分),少1次扣1分;"]
    item_id = extraction.indicators[1].id
    assert [(c.indicator_id, c.kind, c.points) for c in extraction.clauses] == [
        (item_id, "deduct", 1),
        (None, "bonus", 5),
        (None, "bonus", 2),
        (None, "deduct", 10),
        (None, "veto", None),
    ]
    assert extraction.clauses[1].context is not None and "省级表彰" in extraction.clauses[1].context
    assert extraction.document.total_points == 3


def test_nanchang_pdf_reconciles_every_scored_section() -> None:
    extraction = extract_file(CORPUS / "nanchang-kaohe-2023.pdf")
    checks = [c for c in extraction.checks if c.indicator_id is not None]
    assert len(checks) == 8
    assert all(c.ok for c in checks)
    assert sum(c.declared for c in checks) == 100
    assert extraction.document.total_points == 100
    assert extraction.warnings == ()


def test_nanchang_txt_reports_exactly_the_sections_it_cannot_reconcile() -> None:
    extraction = extract_file(CORPUS / "nanchang-kaohe-2023.txt")
    failing = [(c.name, c.declared, c.computed, c.unscored) for c in extraction.checks if not c.ok]
    # Item 8 states its points only in the (lost) points column, so 二、政治待遇 cannot add up.
    assert failing == [("二、政治待遇", 20, 19, 1)]
    assert len(extraction.warnings) == 1 and "二、政治待遇" in extraction.warnings[0]
    sections = [i for i in extraction.indicators if i.level == 1]
    assert [s.name for s in sections] == [
        "一、领导重视", "二、政治待遇", "三、生活待遇", "四、阵地建设和学习活动开展情况",
        "五、引导老干部发挥作用", "六、宣传调研", "七、信访工作", "八、队伍建设",
    ]
    assert [s.points for s in sections] == [20, 20, 20, 10, 5, 10, 3, 12]


def test_nanchang_txt_loads_nothing_from_trailing_articles() -> None:
    extraction = extract_file(CORPUS / "nanchang-kaohe-2023.txt")
    text = " ".join(i.name for i in extraction.indicators) + " ".join(c.text for c in extraction.clauses)
    assert "自我总结" not in text and "实验小学" not in text
    last = max((i for i in extraction.indicators if i.level == 2), key=lambda i: i.id)
    assert last.name.startswith("41、")


@pytest.mark.parametrize("name", ["nanchang-kaohe-2023.pdf", "nanchang-kaohe-2023.txt"])
def test_traditional_input_is_simplified_with_original_kept(name: str) -> None:
    extraction = extract_file(CORPUS / name)
    assert extraction.document.script == "hant"
    assert extraction.document.title is not None and "老干部" in extraction.document.title
    assert extraction.document.title_original is not None and "老幹部" in extraction.document.title_original
    first_item = next(i for i in extraction.indicators if i.level == 2)
    assert "县(区)委" in first_item.name
    assert first_item.name_original is not None and "縣(區)委" in first_item.name_original


def test_items_numbered_per_section() -> None:
    text = """
    一、党建工作(30分)
    1.落实主体责任(10分);
    2.开展主题教育(20分),少1次扣2分;
    二、业务工作(70分)
    1.完成年度任务(40分);
    2.服务对象满意(20分);
    3.信息报送及时(10分)。
    """
    assert _sections(text) == [
        ("一、党建工作", 30, [("1", 10), ("2", 20)]),
        ("二、业务工作", 70, [("1", 40), ("2", 20), ("3", 10)]),
    ]
