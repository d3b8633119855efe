"""parsers.docx: body order, grid built from gridSpan/vMerge, nested tables, clear errors."""

from __future__ import annotations

import copy
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from docx.oxml.parser import OxmlElement

from parsers.docx import parse_docx
from schema.errors import ParseError
from schema.records import Cell, Paragraph, ParsedDocument, Table


def _texts(table: Table) -> list[list[str]]:
    return [[cell.text for cell in row] for row in table.rows]


@pytest.fixture(scope="module")
def fulian(corpus_dir: Path) -> ParsedDocument:
    return parse_docx(corpus_dir / "zaozhuang-fulian-2022.docx")


@pytest.fixture(scope="module")
def yutian(corpus_dir: Path) -> ParsedDocument:
    return parse_docx(corpus_dir / "yutian-mubiao-2023.docx")


def test_fulian_blocks_in_order(fulian: ParsedDocument) -> None:
    assert fulian.format == "docx"
    assert fulian.page_count is None
    title, dept, table = fulian.blocks
    assert title == Paragraph("2022年度服务高质量发展绩效考核工作任务要点完成进度情况")
    assert dept == Paragraph("主管部门：枣庄市妇联")
    assert isinstance(table, Table)
    assert table.page is None and table.row_pages == ()


def test_fulian_table_grid(fulian: ParsedDocument) -> None:
    table = fulian.blocks[2]
    assert isinstance(table, Table)
    assert len(table.rows) == 16
    assert all(len(row) == 6 for row in table.rows)
    assert _texts(table)[0] == ["一级指标", "二级指标", "任务要点名称", "年度目标", "进度情况", "分值权重"]
    assert table.rows[1][2] == Cell("思想作风能力建设工作")
    assert [row[5].text for row in table.rows[1:4]] == ["30分", "30分", "30分"]
    assert table.rows[15][2].text == "贯彻落实男女平等基本国策工作"


def test_fulian_level1_column_read_once(fulian: ParsedDocument) -> None:
    table = fulian.blocks[2]
    assert isinstance(table, Table)
    level1 = [row[0] for row in table.rows[1:]]
    assert {cell.text for cell in level1} == {"围绕中心履职尽责（400分）"}
    assert [cell.spanned for cell in level1] == [False] + [True] * 14
    level2 = [row[1] for row in table.rows[1:]]
    assert {cell.text for cell in level2} == {"重点（职能）工作"}
    assert [cell.spanned for cell in level2] == [False] + [True] * 14
    # Non-merged columns are never marked spanned.
    assert not any(cell.spanned for row in table.rows for cell in row[2:])


def test_yutian_paragraphs_then_table(yutian: ParsedDocument) -> None:
    *paragraphs, table = yutian.blocks
    assert all(isinstance(p, Paragraph) for p in paragraphs)
    texts = [p.text for p in paragraphs if isinstance(p, Paragraph)]
    assert texts[:3] == ["2023年部门整体绩效目标", "中国共产党玉田县委老干部局", "一、总体绩效目标"]
    assert texts[4].startswith("总体目标：根据县委、县政府2023年度计划目标")
    assert texts[-1].startswith("绩效指标：1、满意度指标－服务对象满意指标")
    assert len(texts) == 12
    assert isinstance(table, Table)
    assert len(table.rows) == 10
    assert all(len(row) == 6 for row in table.rows)


def test_yutian_output_indicators_merged_over_four_rows(yutian: ParsedDocument) -> None:
    table = yutian.blocks[-1]
    assert isinstance(table, Table)
    assert [row[0] for row in table.rows[1:5]] == [Cell("产出指标")] + [Cell("产出指标", spanned=True)] * 3
    assert [row[1].text for row in table.rows[1:5]] == ["数量指标", "质量指标", "时效指标", "成本指标"]
    assert table.rows[5][0] == Cell("效益指标")
    assert table.rows[9][0] == Cell("满意度指标")
    assert table.rows[1][4].text == "≥100老年大学全年开展课程次数"


# --- grid construction on documents built here ----------------------------------------------


def _grid_before(row: object, count: int, tag: str = "w:gridBefore") -> None:
    tr = row._tr  # type: ignore[attr-defined]
    tr_pr = tr.get_or_add_trPr()
    el = OxmlElement(tag)
    el.set(qn("w:val"), str(count))
    tr_pr.append(el)


def test_grid_span_vmerge_and_nested_table(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("表一")
    document.add_paragraph("   ")  # blank paragraphs are not blocks
    table = document.add_table(rows=3, cols=3)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "横跨两列"
    table.cell(0, 2).text = "分值"
    table.cell(1, 0).merge(table.cell(2, 0)).text = "纵跨两行"
    table.cell(1, 1).text = "第一段"
    table.cell(1, 1).add_paragraph("第二段")
    table.cell(1, 2).text = "5"
    inner = table.cell(2, 1).add_table(rows=1, cols=2)
    inner.cell(0, 0).text = "内甲"
    inner.cell(0, 1).text = "内乙"
    table.cell(2, 2).text = "3"
    document.add_paragraph("表后说明")
    path = tmp_path / "merged.docx"
    document.save(str(path))

    before, parsed, after = parse_docx(path).blocks
    assert before == Paragraph("表一") and after == Paragraph("表后说明")
    assert isinstance(parsed, Table)
    assert parsed.rows[0] == (Cell("横跨两列"), Cell("横跨两列", spanned=True), Cell("分值"))
    assert parsed.rows[1] == (Cell("纵跨两行"), Cell("第一段\n第二段"), Cell("5"))
    assert parsed.rows[2][0] == Cell("纵跨两行", spanned=True)
    # The cell keeps its (empty) paragraph before the nested table and the empty one Word requires
    # after it; the nested table's cells become lines in between.
    assert parsed.rows[2][1] == Cell("\n内甲\n内乙\n")
    assert parsed.rows[2][2] == Cell("3")


def test_grid_before_and_after_are_empty_cells(tmp_path: Path) -> None:
    document = docx.Document()
    table = document.add_table(rows=2, cols=3)
    for c, text in enumerate(["甲", "乙", "丙"]):
        table.cell(0, c).text = text
    # Second row: one grid column skipped before, one after, a single real cell in the middle.
    tr = table.rows[1]._tr
    for tc in list(tr.tc_lst)[1:]:
        tr.remove(tc)
    tr.tc_lst[0].clear_content()
    tr.tc_lst[0].add_p().add_r().text = "中"
    _grid_before(table.rows[1], 1)
    _grid_before(table.rows[1], 1, "w:gridAfter")
    path = tmp_path / "ragged.docx"
    document.save(str(path))

    [parsed] = parse_docx(path).blocks
    assert isinstance(parsed, Table)
    assert parsed.rows[1] == (Cell(""), Cell("中"), Cell(""))


def test_vmerge_continuation_in_later_rows_of_a_copied_row(tmp_path: Path) -> None:
    # A three-row vertical merge where the middle row is a deep copy of the last one
    # (continuation cells without w:val), as Word writes them.
    document = docx.Document()
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).merge(table.cell(1, 0)).text = "合并"
    table.cell(0, 1).text = "一"
    table.cell(1, 1).text = "二"
    table._tbl.append(copy.deepcopy(table.rows[1]._tr))
    table.rows[2].cells[1].text = "三"
    path = tmp_path / "three.docx"
    document.save(str(path))

    [parsed] = parse_docx(path).blocks
    assert isinstance(parsed, Table)
    assert [row[0] for row in parsed.rows] == [
        Cell("合并"),
        Cell("合并", spanned=True),
        Cell("合并", spanned=True),
    ]
    assert [row[1].text for row in parsed.rows] == ["一", "二", "三"]


# --- errors -----------------------------------------------------------------------------------


def _raises(path: Path) -> ParseError:
    with pytest.raises(ParseError) as info:
        parse_docx(path)
    assert str(path) in str(info.value)
    return info.value


def test_random_bytes_docx(tmp_path: Path) -> None:
    path = tmp_path / "broken.docx"
    path.write_bytes(bytes((i * 37 + 11) % 256 for i in range(4096)))
    reason = _raises(path).reason
    assert reason.startswith("not a valid .docx (zip) file")
    assert "libreoffice --headless --convert-to docx" in reason


def test_legacy_doc_renamed_docx(tmp_path: Path) -> None:
    path = tmp_path / "old.docx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1024))
    reason = _raises(path).reason
    assert reason.startswith("not a valid .docx (zip) file")
    assert "legacy Word .doc" in reason


def test_truncated_docx(tmp_path: Path, corpus_dir: Path) -> None:
    path = tmp_path / "cut.docx"
    path.write_bytes((corpus_dir / "yutian-mubiao-2023.docx").read_bytes()[:3000])
    assert _raises(path).reason.startswith("not a valid .docx (zip) file")


def test_zip_that_is_not_a_word_document(tmp_path: Path) -> None:
    path = tmp_path / "archive.docx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.txt", "hello")
    assert _raises(path).reason.startswith("corrupt .docx or not a Word document (")
