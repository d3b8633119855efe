"""Text parser: encodings, the two table layouts, wrapped cells and page-break fragments."""

from __future__ import annotations

from pathlib import Path

import pytest

from parsers.text import decode_text, parse_text, parse_text_string
from schema.errors import ParseError
from schema.records import Paragraph, Table

CORPUS = Path(__file__).parent / "fixtures" / "corpus" / "raw"
SAMPLE = "一级指标\t分值\n围绕中心履职尽责（400分）\t35\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (SAMPLE.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + SAMPLE.encode("utf-8"), "utf-8-sig"),
        (SAMPLE.encode("gb18030"), "gb18030"),
        (SAMPLE.encode("gbk"), "gb18030"),
        (SAMPLE.encode("utf-16"), "utf-16"),
        (SAMPLE.encode("utf-16-le"), "utf-16-le"),
        (SAMPLE.encode("utf-16-be"), "utf-16-be"),
        ("南昌市縣區老幹部工作目標管理考核細則\t分值\n領導重視\t20\n".encode("big5"), "big5"),
    ],
)
def test_decode_text_detects_encoding(data: bytes, encoding: str) -> None:
    text, detected = decode_text(data, "f.txt")
    assert detected == encoding
    assert "指标" in text or "考核" in text


def test_decode_rejects_binary_and_names_the_file() -> None:
    with pytest.raises(ParseError) as info:
        decode_text(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "pic.txt")
    assert str(info.value).startswith("pic.txt: ")


def test_undecodable_bytes_are_an_error_not_a_guess() -> None:
    with pytest.raises(ParseError, match="encoding"):
        decode_text(b"abc\x80def\xff", "bad.txt")


def test_blank_file_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "blank.txt"
    path.write_text("\n\n   \n", encoding="utf-8")
    with pytest.raises(ParseError, match="blank"):
        parse_text(path)


def test_row_layout_joins_page_break_fragment() -> None:
    text = "一级\t名称\t完成标准\t分值\n甲\t乙\t前半句\t35\n\n\t\t后半句。\t\n甲\t丙\t描述\t30\n"
    (table,) = parse_text_string(text)
    assert isinstance(table, Table)
    assert [[c.text for c in row] for row in table.rows] == [
        ["一级", "名称", "完成标准", "分值"],
        ["甲", "乙", "前半句\n后半句。", "35"],
        ["甲", "丙", "描述", "30"],
    ]


def test_row_with_its_own_points_after_blank_line_is_not_a_fragment() -> None:
    text = "一级\t二级\t名称\t分值\n甲\t乙\t丙\t5\n\n\t\t丁\t5\n"
    (table,) = parse_text_string(text)
    assert isinstance(table, Table)
    assert len(table.rows) == 3


def test_block_layout_cells_rows_and_wrapped_cells() -> None:
    text = (
        "标题\n\n\t一级指标\n\t任务要点名称\n\t分值权重\n\n"
        "\t围绕中心\n\t妇女技能\n培训工作\n\t30分\n\n"
        "\t\n\t家庭文明建设\n\t25分\n"
    )
    blocks = parse_text_string(text)
    assert isinstance(blocks[0], Paragraph) and blocks[0].text == "标题"
    table = blocks[1]
    assert isinstance(table, Table)
    assert [[c.text for c in row] for row in table.rows] == [
        ["一级指标", "任务要点名称", "分值权重"],
        ["围绕中心", "妇女技能\n培训工作", "30分"],
        ["", "家庭文明建设", "25分"],
    ]


def test_paragraphs_and_tables_keep_reading_order() -> None:
    blocks = parse_text_string("前言\n\n名称\t分值\n甲\t1\n\n填报人: 孙阳\n")
    assert [type(b).__name__ for b in blocks] == ["Paragraph", "Table", "Paragraph"]


def test_corpus_wangcheng_fragments_joined() -> None:
    doc = parse_text(CORPUS / "wangcheng-ziping-2021.txt")
    tables = [b for b in doc.blocks if isinstance(b, Table)]
    rows = [[c.text for c in row] for row in tables[0].rows]
    cost_row = next(r for r in rows if "成本指标" in r)
    assert "老干部慰问、避暑及离休干部特需经费健\n康休养费" in cost_row
    assert not any(r[:3] == ["", "", "康休养费"] for r in rows)
    assert doc.encoding == "utf-8"


def test_row_layout_cell_with_line_break_is_rejoined() -> None:
    text = "一级指标\t三级指标\t指标值\t分值\n产出指标\t开展课程\n次数\t≥150\t10\n效益指标\t满意度\t≥90%\t10\n"
    (table,) = parse_text_string(text)
    assert isinstance(table, Table)
    assert [[c.text for c in row] for row in table.rows] == [
        ["一级指标", "三级指标", "指标值", "分值"],
        ["产出指标", "开展课程\n次数", "≥150", "10"],
        ["效益指标", "满意度", "≥90%", "10"],
    ]


def test_row_layout_untabbed_line_continues_the_last_cell() -> None:
    (table,) = parse_text_string("名称\t完成标准\n甲\t前半句\n后半句。\n乙\t标准\n")
    assert isinstance(table, Table)
    assert [[c.text for c in row] for row in table.rows] == [
        ["名称", "完成标准"], ["甲", "前半句\n后半句。"], ["乙", "标准"],
    ]
