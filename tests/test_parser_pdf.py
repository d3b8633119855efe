"""parsers.pdf: tables joined over pages, merged cells resolved, reading order, clear errors."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from parsers._pages import Line, PageContent, Segment, assemble
from parsers._tables import Slot
from parsers.pdf import parse_pdf
from schema.errors import ParseError
from schema.records import Cell, Paragraph, ParsedDocument, Table


def _tables(doc: ParsedDocument) -> list[Table]:
    return [block for block in doc.blocks if isinstance(block, Table)]


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def zaozhuang(corpus_dir: Path) -> ParsedDocument:
    return parse_pdf(corpus_dir / "zaozhuang-laoganbu-2022.pdf")


@pytest.fixture(scope="module")
def wangcheng(corpus_dir: Path) -> ParsedDocument:
    return parse_pdf(corpus_dir / "wangcheng-ziping-2021.pdf")


@pytest.fixture(scope="module")
def nanchang(corpus_dir: Path) -> ParsedDocument:
    return parse_pdf(corpus_dir / "nanchang-kaohe-2023.pdf")


# --- zaozhuang-laoganbu-2022.pdf: one table over 3 pages ---------------------------------------


def test_zaozhuang_one_table_over_three_pages(zaozhuang: ParsedDocument) -> None:
    assert zaozhuang.format == "pdf"
    assert zaozhuang.page_count == 3
    [table] = _tables(zaozhuang)
    assert len(table.rows) == 1 + 18
    assert all(len(row) == 5 for row in table.rows)
    assert [cell.text for cell in table.rows[0]] == [
        "一级指标",
        "二级指标",
        "任务要点名称",
        "完成标准",
        "分值\n权重",
    ]
    assert table.page == 1
    assert table.row_pages == (1,) * 8 + (2,) * 11
    points = [int(row[4].text) for row in table.rows[1:]]
    assert points[:3] == [35, 30, 35]
    assert sum(points) == 400


def test_zaozhuang_row_broken_by_page_end_is_joined(zaozhuang: ParsedDocument) -> None:
    [table] = _tables(zaozhuang)
    [row] = [row for row in table.rows if row[2].text == "加强智能技术教育"]
    description = row[3].text
    assert description.startswith("加大智能技术特色课程开设力度")
    assert _flat(description).endswith("开展全市老年大学系统智慧助老先进案例评选活动。")
    assert row[4].text == "20"
    # The last row continues on page 3.
    assert _flat(table.rows[-1][3].text).endswith("评选一批镇街、社区(村)等基层老年教育示范校。")
    assert table.rows[-1][2].text.startswith("推动老年教育资源向基")


def test_zaozhuang_level1_cells_resolve_to_the_spanning_cell(zaozhuang: ParsedDocument) -> None:
    [table] = _tables(zaozhuang)
    level1 = [row[0] for row in table.rows[1:]]
    assert all(_flat(cell.text) == "围绕中心履职尽责（400分）" for cell in level1)
    assert [cell.spanned for cell in level1] == [False] + [True] * 17
    assert all(_flat(row[1].text) == "重点（职能）工作" for row in table.rows[1:])


def test_zaozhuang_paragraphs_in_reading_order(zaozhuang: ParsedDocument) -> None:
    kinds = [type(block).__name__ for block in zaozhuang.blocks]
    assert kinds == ["Paragraph"] * 4 + ["Table"] + ["Paragraph"] * 2
    paragraphs = [block for block in zaozhuang.blocks if isinstance(block, Paragraph)]
    assert paragraphs[1] == Paragraph("2022 年度服务高质量发展绩效考核工作任务要点", page=1)
    assert paragraphs[-2] == Paragraph("填报人: 孙阳", page=3)


# --- wangcheng-ziping-2021.pdf: 10-column indicator table over 4 pages ------------------------


def test_wangcheng_one_indicator_table(wangcheng: ParsedDocument) -> None:
    assert wangcheng.page_count == 4
    [table] = _tables(wangcheng)
    assert all(len(row) == 10 for row in table.rows)
    assert _flat(table.rows[0][0].text) == "一级指标"
    assert table.row_pages[0] == 1 and table.row_pages[-1] == 4
    assert sorted(set(table.row_pages)) == [1, 2, 3, 4]
    first = wangcheng.blocks[0]
    assert isinstance(first, Paragraph) and first.text == "部门整体自评表" and first.page == 1


def test_wangcheng_quality_row_continues_level1_merge_from_previous_page(wangcheng: ParsedDocument) -> None:
    [table] = _tables(wangcheng)
    [row] = [row for row in table.rows if row[1].text == "质量指标"]
    assert _flat(row[0].text) == "产出指标"
    assert row[0].spanned
    assert row[2].text == "阵地建设费"
    assert (row[6].text, row[7].text) == ("5", "5")
    # Its own row, starting page 2 (not glued onto the last row of page 1).
    assert table.row_pages[table.rows.index(row)] == 2


def test_wangcheng_total_and_satisfaction_rows(wangcheng: ParsedDocument) -> None:
    [table] = _tables(wangcheng)
    total = table.rows[-1]
    assert total[0] == Cell("总分")
    assert all(cell == Cell("总分", spanned=True) for cell in total[1:6])
    assert total[6].text == "100"
    assert _flat(total[7].text) == "98.92"
    satisfaction = table.rows[-2]
    assert _flat(satisfaction[0].text) == "满意度指标"
    assert not satisfaction[0].spanned
    assert (satisfaction[4].text, satisfaction[5].text, satisfaction[6].text) == ("90%以上", "95%", "10")


def test_wangcheng_row_split_over_pages_2_and_3(wangcheng: ParsedDocument) -> None:
    [table] = _tables(wangcheng)
    [row] = [row for row in table.rows if row[4].text.startswith("组织、凝聚、引导老")]
    assert _flat(row[4].text).endswith("成为党和人民事业增添正能量的“发动机”；")
    assert _flat(row[5].text).endswith("7.4万余名中小学生受到党史国史教育。")
    assert _flat(row[3].text).endswith("为工作大局凝心聚力；")
    assert (_flat(row[0].text), _flat(row[1].text)) == ("效益指标", "社会效益指标")
    # The rows below it on page 3 are still under 社会效益指标.
    next_row = table.rows[table.rows.index(row) + 1]
    assert _flat(next_row[1].text) == "社会效益指标" and next_row[1].spanned
    assert table.row_pages[table.rows.index(next_row)] == 3


# --- nanchang-kaohe-2023.pdf: 50 numbered items over 3 pages ----------------------------------


def test_nanchang_fifty_numbered_items(nanchang: ParsedDocument) -> None:
    [table] = _tables(nanchang)
    numbers = [int(m.group(1)) for row in table.rows if (m := re.match(r"(\d+)、", row[1].text))]
    assert numbers == list(range(1, 51))
    assert len(table.rows) == 51  # header + 50 items
    assert table.row_pages.count(1) == 17


def test_nanchang_level1_cell_broken_by_page_end(nanchang: ParsedDocument) -> None:
    [table] = _tables(nanchang)
    group = [row for row in table.rows if row[0].text == "三、生活待\n遇(20分)"]
    assert [row[1].text.split("、")[0] for row in group] == [str(n) for n in range(16, 24)]
    assert [row[0].spanned for row in group] == [False] + [True] * 7
    item16 = group[0][1].text
    assert item16.startswith("16、加入南昌地區離休幹部醫藥費單獨統籌")
    assert "\n金按規定及時足額交納" in item16
    assert group[0][2].text == "4"
    [item35] = [row for row in table.rows if row[1].text.startswith("35、")]
    assert item35[0].text == "七、信訪工\n作(3分)"
    assert _flat(item35[1].text).endswith("信訪訴求能得到妥善處臵(0.5分);")


def test_nanchang_title_precedes_table(nanchang: ParsedDocument) -> None:
    first, second = nanchang.blocks[:2]
    assert first == Paragraph("南昌市縣區 2023 年老幹部工作目標管理考核細則", page=1)
    assert isinstance(second, Table)
    assert nanchang.page_count == 3


# --- page assembly rules on synthetic pages ---------------------------------------------------


def _seg(texts: list[list[str]], top: float = 72.0) -> Segment:
    return Segment(rows=[[Slot(t) for t in row] for row in texts], top=top, ncols=len(texts[0]))


def _page(number: int, *items: Line | Segment) -> PageContent:
    return PageContent(number=number, height=792.0, has_text=True, items=list(items))


def test_repeated_header_row_is_dropped_and_page_number_ignored() -> None:
    header = ["项目", "内容", "分值"]
    pages = [
        _page(1, _seg([header, ["一、甲", "1、甲一", "5"]], top=100), Line("- 1 -", 760, 770)),
        _page(2, Line("第 2 页", 30, 40), _seg([header, ["二、乙", "2、乙一", "3"]])),
    ]
    [table] = [b for b in assemble(pages) if isinstance(b, Table)]
    assert [[c.text for c in row] for row in table.rows] == [
        header,
        ["一、甲", "1、甲一", "5"],
        ["二、乙", "2、乙一", "3"],
    ]
    assert table.row_pages == (1, 1, 2)


def test_text_before_table_on_next_page_starts_a_new_table() -> None:
    pages = [
        _page(1, _seg([["a", "1、x", "5"]], top=100)),
        _page(2, Line("二、第二部分", 72, 84), _seg([["b", "2、y", "3"]], top=100)),
    ]
    blocks = assemble(pages)
    assert [type(b).__name__ for b in blocks] == ["Table", "Paragraph", "Table"]


def test_text_after_table_on_previous_page_prevents_join() -> None:
    pages = [
        _page(1, _seg([["a", "1、x", "5"]], top=100), Line("说明：以上为第一部分。", 700, 712)),
        _page(2, _seg([["b", "2、y", "3"]])),
    ]
    assert len([b for b in assemble(pages) if isinstance(b, Table)]) == 2


def test_different_column_count_is_not_joined() -> None:
    pages = [_page(1, _seg([["a", "1、x", "5"]], top=100)), _page(2, _seg([["b", "2、y"]]))]
    assert len([b for b in assemble(pages) if isinstance(b, Table)]) == 2


def _edged(texts: list[list[str]], edges: tuple[float, ...], top: float = 72.0) -> Segment:
    return Segment(rows=[[Slot(t) for t in row] for row in texts], top=top, ncols=len(edges) - 1, edges=edges)


def test_a_continuation_that_splits_a_column_into_sub_columns_is_joined_on_the_finer_grid() -> None:
    # shicheng-hezhang-kaohe-2018.pdf (LibreOffice): 考核项目 spans two grid columns; page 1's rows
    # never fill both, so its table has 6 columns, page 2's (部门 | 单位) has 7.
    first = _edged([["序号", "考核项目", "分值"], ["1", "组织领导", "8"]], (50, 80, 200, 250), top=100)
    second = _edged([["1", "重点考核部门", "县委农工部", "60"]], (50, 80, 140, 200, 250.5))
    [table] = [b for b in assemble([_page(1, first), _page(2, second)]) if isinstance(b, Table)]
    rows = [[(c.text, c.spanned) for c in row] for row in table.rows]
    assert rows == [
        [("序号", False), ("考核项目", False), ("考核项目", True), ("分值", False)],
        [("1", False), ("组织领导", False), ("组织领导", True), ("8", False)],
        [("1", False), ("重点考核部门", False), ("县委农工部", False), ("60", False)],
    ]
    # Grids whose boundaries do not line up are two tables.
    other = _edged([["1", "甲", "乙", "60"]], (50, 100, 160, 200, 250))
    assert len([b for b in assemble([_page(1, first), _page(2, other)]) if isinstance(b, Table)]) == 2


def test_a_row_whose_every_sentence_is_cut_by_the_page_end_is_joined() -> None:
    # weisheng-xieguan-kaoping-2013.pdf (LibreOffice): a word processor cuts every cell of a row
    # that runs over the page end at the same line; the columns written as sentences ("…。")
    # show it ("开展对餐" / "饮、公共场所…"), even though the next page's row fills every column.
    rows = [["类别", f"要求{i}写完。", f"方法{i}。", f"扣分{i}。"] for i in range(3)]
    first = _seg([*rows, ["巡查", "开展对餐", "查阅台帐，", "每下降"]], top=100)
    second = _seg([["（32分）", "饮、公共场所。", "核对数据。", "2%扣1分。"], ["", "下一条。", "查阅。", "扣2分。"]])
    [table] = [b for b in assemble([_page(1, first), _page(2, second)]) if isinstance(b, Table)]
    assert [c.text for c in table.rows[3]] == ["巡查\n（32分）", "开展对餐\n饮、公共场所。", "查阅台帐，\n核对数据。",
                                              "每下降\n2%扣1分。"]
    assert len(table.rows) == 5
    # The same rows with whole sentences above the break: the next page's row is a row of its own,
    # even when its first cell is empty (the category merged down over the break).
    whole = _seg([*rows, ["培训", "对协管员开展培训。（2分）", "查阅资料。", "扣2分。"]], top=100)
    after = _seg([["", "组织督导和考核。（4分）", "查阅记录。", "每少一次扣1分。"]])
    [table] = [b for b in assemble([_page(1, whole), _page(2, after)]) if isinstance(b, Table)]
    assert len(table.rows) == 5 and table.rows[4][1].text == "组织督导和考核。（4分）"


def test_broken_row_fragments_fill_cells_including_empty_ones() -> None:
    # The level-3 name was vertically centred and fell wholly on page 2; the description continues.
    pages = [
        _page(1, _seg([["一、甲", "", "描述开头", "5"]], top=100)),
        _page(2, _seg([["", "名称", "描述结尾。", ""], ["", "次项", "另一条", "3"]])),
    ]
    [table] = [b for b in assemble(pages) if isinstance(b, Table)]
    assert [[c.text for c in row] for row in table.rows] == [
        ["一、甲", "名称", "描述开头\n描述结尾。", "5"],
        ["", "次项", "另一条", "3"],
    ]
    assert table.row_pages == (1, 2)


def test_enumerated_first_row_without_points_is_a_new_row() -> None:
    # nanchang-style bonus rows have no points but start with their own item number.
    pages = [
        _page(1, _seg([["九、加分", "42、甲", ""]], top=100)),
        _page(2, _seg([["", "43、乙", ""]])),
    ]
    [table] = [b for b in assemble(pages) if isinstance(b, Table)]
    assert [[c.text for c in row] for row in table.rows] == [
        ["九、加分", "42、甲", ""],
        ["九、加分", "43、乙", ""],
    ]
    assert [c.spanned for c in table.rows[1]] == [True, False, False]


@pytest.mark.parametrize(("above", "below"), [("产出指标(50", "分)"), ("效益指标（30", "分）")])
def test_merged_cell_text_cut_by_the_page_end_is_joined(above: str, below: str) -> None:
    # chizhou-tangxi-ziping: the merged 一级指标 cell prints "产出指标(50" above the break, "分)" below.
    merged = Slot(below)
    page_two = Segment(rows=[[merged, Slot("质量指标"), Slot("合格率"), Slot("8")],
                              [merged, Slot("时效指标"), Slot("及时性"), Slot("8")]], top=72.0, ncols=4)
    pages = [
        _page(1, _seg([["一级指标", "二级指标", "三级指标", "分值"], [above, "数量指标", "业务数量", "8"]], top=600)),
        _page(2, page_two),
    ]
    [table] = [b for b in assemble(pages) if isinstance(b, Table)]
    assert [row[0].text for row in table.rows] == ["一级指标", above + below, above + below, above + below]
    assert [row[0].spanned for row in table.rows] == [False, False, True, True]


def test_complete_new_row_at_a_page_top_is_not_a_fragment() -> None:
    # A row filling every column the row above fills is a row of its own, numbers or not.
    pages = [
        _page(1, _seg([["考核项目", "考核内容", "评分标准"], ["组织领导", "成立领导小组", "未成立扣2分"]], top=600)),
        _page(2, _seg([["宣传工作", "开展宣传活动", "未开展扣3分"]])),
    ]
    [table] = [b for b in assemble(pages) if isinstance(b, Table)]
    assert [row[0].text for row in table.rows] == ["考核项目", "组织领导", "宣传工作"]


# --- errors -----------------------------------------------------------------------------------


def _minimal_pdf(content: bytes) -> bytes:
    """A one-page PDF whose page content stream is ``content`` (no fonts, so no text layer)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _raises(path: Path) -> ParseError:
    with pytest.raises(ParseError) as info:
        parse_pdf(path)
    assert str(path) in str(info.value)
    assert "\n" not in str(info.value)
    return info.value


def test_truncated_pdf(tmp_path: Path, corpus_dir: Path) -> None:
    path = tmp_path / "truncated.pdf"
    path.write_bytes((corpus_dir / "nanchang-kaohe-2023.pdf").read_bytes()[:1000])
    assert _raises(path).reason.startswith("corrupt or truncated PDF: ")


def test_pdf_header_followed_by_garbage(tmp_path: Path) -> None:
    path = tmp_path / "garbage.pdf"
    path.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 8)
    assert _raises(path).reason.startswith("corrupt or truncated PDF: ")


def test_text_file_renamed_pdf(tmp_path: Path) -> None:
    path = tmp_path / "notes.pdf"
    path.write_text("考核细则\n这不是 PDF 文件。\n", encoding="utf-8")
    reason = _raises(path).reason
    assert reason.startswith("corrupt or truncated PDF: ")
    assert "not a PDF" in reason


def test_encrypted_pdf(tmp_path: Path, corpus_dir: Path) -> None:
    from pypdf import PdfWriter

    writer = PdfWriter(clone_from=corpus_dir / "zaozhuang-laoganbu-2022.pdf")
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    path = tmp_path / "locked.pdf"
    with path.open("wb") as fh:
        writer.write(fh)
    reason = _raises(path).reason
    assert reason == "encrypted PDF: remove the password first (e.g. qpdf --decrypt in.pdf out.pdf)"


def test_owner_password_only_pdf_still_parses(tmp_path: Path, corpus_dir: Path) -> None:
    from pypdf import PdfWriter

    writer = PdfWriter(clone_from=corpus_dir / "zaozhuang-laoganbu-2022.pdf")
    writer.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")
    path = tmp_path / "restricted.pdf"
    with path.open("wb") as fh:
        writer.write(fh)
    [table] = _tables(parse_pdf(path))
    assert len(table.rows) == 19


def test_image_only_pdf_without_the_ocr_extra(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "rapidocr", None)  # as if the extra were not installed
    path = tmp_path / "scan.pdf"
    path.write_bytes(_minimal_pdf(b"0 0 0 rg 100 100 200 300 re f"))
    reason = _raises(path).reason
    assert reason == "no text layer: scanned PDF; reading it needs the OCR extra: pip install 'kaohe[ocr]'"


REAL_PDFS = Path(__file__).parent / "fixtures" / "real" / "raw"


def test_a_table_drawn_without_lines_is_found_by_its_words_alignment() -> None:
    # ducha-gongzuo-xize printed with its borders removed: pdfplumber's text strategy gives a row
    # per printed line; the wrapped 考核条目 lines join the cell above ("区政府重点" / "工作").
    doc = parse_pdf(REAL_PDFS / "ducha-gongzuo-xize-noborder.pdf")
    (table,) = [b for b in doc.blocks if isinstance(b, Table)][:1]
    assert table.layout == "aligned"
    rows = [[re.sub(r"\s+", "", c.text) for c in row] for row in table.rows]
    assert rows[0][0] == "考覈條目"
    first = next(row for row in rows if "1" in row)
    assert first[0] == "區政府重點工作" and first[-1] == "未報扣10分"
    assert any(row[0] == "市、區兩級政府列督事項" for row in rows)


def _slots(*texts: str) -> list[Slot]:
    return [Slot(t) for t in texts]


def test_wrapped_lines_of_an_aligned_grid_join_the_text_above_them() -> None:
    from parsers._pdf_text_tables import join_wrapped_lines

    rows = [
        _slots("考核项目", "序号", "考核内容", "分值"),
        _slots("", "", "", ""),
        _slots("组织领导", "1", "成立领导小组,", "5"),
        _slots("", "", "明确专人负责。", ""),  # the item's text wrapped
        _slots("", "2", "制定工作方案。", "3"),
        _slots("一、加分项目", "", "", ""),  # a numbered title is a row of its own
        _slots("产出指标(50分)", "", "", ""),
        _slots("效益指标(30分)", "", "", ""),  # after a name closed by its points: a new row
    ]
    assert [[s.text for s in row] for row in join_wrapped_lines(rows)] == [
        ["考核项目", "序号", "考核内容", "分值"],
        ["组织领导", "1", "成立领导小组,\n明确专人负责。", "5"],
        ["", "2", "制定工作方案。", "3"],
        ["一、加分项目", "", "", ""],
        ["产出指标(50分)", "", "", ""],
        ["效益指标(30分)", "", "", ""],
    ]
