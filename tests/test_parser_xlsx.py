"""parsers.xlsx / parsers._sheets: values as the sheet shows them, merged cells, titles, sheets, errors."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import openpyxl
import pytest

from parsers._sheets import OLE_MAGIC, Sheet, sheet_blocks, value_text
from parsers.xlsx import parse_xlsx
from pipeline.parse import parse
from schema.errors import ParseError
from schema.records import Block, Cell, Paragraph, ParsedDocument, Table

SHEETS = Path(__file__).parent / "fixtures" / "sheets"


def _grid(block: Block) -> list[list[str]]:
    assert isinstance(block, Table)
    return [[f"{cell.text}*" if cell.spanned else cell.text for cell in row] for row in block.rows]


def _save(tmp_path: Path, workbook: openpyxl.Workbook, name: str = "book.xlsx") -> Path:
    path = tmp_path / name
    workbook.save(path)
    return path


def build_assessment_workbook() -> openpyxl.Workbook:
    """The workbook tests/fixtures/sheets/kaohe-sheets.xls was converted from (see SOURCES.md)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "自评表"
    sheet["B2"] = "2023年度部门整体支出绩效自评表"
    sheet.merge_cells("B2:G2")
    for column, header in zip("BCDEFG", ["一级指标", "二级指标", "三级指标", "指标值", "分值", "完成率"], strict=True):
        sheet[f"{column}3"] = header
    rows = [
        ["产出指标", "数量指标", "开展课程次数", 150, 30.0, 0.95],
        [None, "时效指标", "完成时间", dt.date(2023, 12, 31), 0.5, 0.955],
        ["隐藏行", "x", "x", 1, 1, 1],
        ["效益指标", "社会效益", "满意度", "≥95%", 10, 1],
    ]
    for number, values in enumerate(rows, start=4):
        for column, value in zip("BCDEFG", values, strict=True):
            if value is not None:
                sheet[f"{column}{number}"] = value
        sheet[f"G{number}"].number_format = "0.0%" if number == 5 else "0%"
        sheet[f"H{number}"] = "隐藏列"
    sheet.merge_cells("B4:B5")
    sheet.row_dimensions[6].hidden = True
    sheet.column_dimensions["H"].hidden = True
    sheet["F9"].number_format = "0.00"  # a formatted but empty cell below the data
    hidden = workbook.create_sheet("隐藏")
    hidden["A1"] = "不应出现"
    hidden.sheet_state = "hidden"
    second = workbook.create_sheet("第二表")
    second.append(["项目", "得分", "日期"])
    second.append(["组织领导", 19.5, dt.datetime(2023, 1, 2)])
    second.append(["合计", 1e-7, True])
    return workbook


ASSESSMENT_BLOCKS = [
    Paragraph("2023年度部门整体支出绩效自评表"),
    [
        ["一级指标", "二级指标", "三级指标", "指标值", "分值", "完成率"],
        ["产出指标", "数量指标", "开展课程次数", "150", "30", "95%"],
        ["产出指标*", "时效指标", "完成时间", "2023-12-31", "0.5", "95.5%"],
        ["效益指标", "社会效益", "满意度", "≥95%", "10", "100%"],
    ],
    [["项目", "得分", "日期"], ["组织领导", "19.5", "2023-01-02"], ["合计", "0.0000001", "TRUE"]],
]


def assert_assessment(document: ParsedDocument) -> None:
    assert len(document.blocks) == len(ASSESSMENT_BLOCKS)
    for block, expected in zip(document.blocks, ASSESSMENT_BLOCKS, strict=True):
        if isinstance(expected, Paragraph):
            assert block == expected
        else:
            assert _grid(block) == expected


def test_assessment_workbook(tmp_path: Path) -> None:
    document = parse(_save(tmp_path, build_assessment_workbook()))
    assert document.format == "xlsx"
    assert document.warnings == ()
    assert_assessment(document)
    texts = [cell.text for block in document.blocks if isinstance(block, Table) for row in block.rows for cell in row]
    assert not {"自评表", "第二表", "隐藏", "不应出现", "隐藏行", "隐藏列"} & set(texts)


# --- values ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "number_format", "expected"),
    [
        (30.0, "General", "30"),
        (30, "General", "30"),
        (0.5, None, "0.5"),
        (0.1 + 0.2, "General", "0.3"),
        (19.75, "0.0", "19.75"),  # fixed decimals are not applied: the number as written
        (1234567.0, "#,##0", "1234567"),
        (1e-7, "General", "0.0000001"),
        (123456789012.0, "0", "123456789012"),
        (-3.5, "General", "-3.5"),
        (0.95, "0%", "95%"),
        (0.955, "0%", "96%"),  # rounded half up, as the cell shows it
        (0.955, "0.0%", "95.5%"),
        (1, "0.00%", "100.00%"),
        (-0.05, "0%;[Red]-0%", "-5%"),
        (0.95, '0.00"%"', "0.95"),  # a quoted % is text, not a percent format
        (0.95, "0\\%", "0.95"),
        (True, None, "TRUE"),
        (False, None, "FALSE"),
        (dt.datetime(2023, 5, 1), "yyyy/m/d", "2023-05-01"),
        (dt.datetime(2023, 5, 1, 8, 30), "yyyy-mm-dd hh:mm", "2023-05-01 08:30"),
        (dt.datetime(2023, 5, 1, 8, 30, 15), None, "2023-05-01 08:30:15"),
        (dt.date(2023, 12, 31), None, "2023-12-31"),
        (dt.time(8, 30), "h:mm", "08:30"),
        ("  满意度≥95%\r\n（10分）  ", None, "满意度≥95%\n（10分）"),
        ("第一行_x000D_\n第二行", None, "第一行\n第二行"),
        (None, None, ""),
        ("", None, ""),
    ],
)
def test_value_text(value: object, number_format: str | None, expected: str) -> None:
    assert value_text(value, number_format) == expected  # type: ignore[arg-type]


# --- grids ----------------------------------------------------------------------------------------


def _sheet_grids(tmp_path: Path, fill: object) -> list[Block]:
    workbook = openpyxl.Workbook()
    fill(workbook.active)  # type: ignore[operator]
    return list(parse_xlsx(_save(tmp_path, workbook)).blocks)


def _merged(sheet: openpyxl.worksheet.worksheet.Worksheet) -> None:
    for row in [["一级", "二级", "分值"], ["产出指标", "数量", 10], [None, "质量", 5], ["合计", None, 15]]:
        sheet.append(row)
    sheet.merge_cells("A2:A3")
    sheet.merge_cells("A4:B4")


def test_merged_cells_share_one_slot(tmp_path: Path) -> None:
    [table] = _sheet_grids(tmp_path, _merged)
    assert isinstance(table, Table)
    assert table.rows[1][0] == Cell("产出指标") and table.rows[2][0] == Cell("产出指标", spanned=True)
    assert table.rows[3] == (Cell("合计"), Cell("合计", spanned=True), Cell("15"))


@pytest.mark.parametrize(
    ("cells", "merges", "expected"),
    [
        pytest.param(
            {"A1": "考核细则", "A2": "项目", "B2": "分值", "A3": "组织", "B3": 5},
            ["A1:B1"],
            ["考核细则", [["项目", "分值"], ["组织", "5"]]],
            id="title-merged-across-the-width",
        ),
        pytest.param(
            {"A1": "考核细则", "A2": "填报单位：某局", "A3": "项目", "B3": "分值", "A4": "组织", "B4": 5},
            ["A1:B1"],
            ["考核细则", "填报单位：某局", [["项目", "分值"], ["组织", "5"]]],
            id="title-and-subtitle-lines",
        ),
        pytest.param(
            {"A1": "考核细则", "A3": "项目", "B3": "分值", "A4": "组织", "B4": 5},
            ["A1:B2"],
            ["考核细则", [["项目", "分值"], ["组织", "5"]]],
            id="title-merged-over-two-rows",
        ),
        pytest.param(
            {"A1": "评估项目", "C1": "分值", "A2": "一级", "B2": "二级", "A3": "组织", "B3": "领导", "C3": 5},
            ["A1:B1", "C1:C2"],
            [[["评估项目", "评估项目*", "分值"], ["一级", "二级", "分值*"], ["组织", "领导", "5"]]],
            id="merged-header-is-not-a-title",
        ),
        pytest.param(
            {"A1": "项目", "B1": "分值", "A2": "组织", "B2": 5, "A5": "备注：按季度考核"},
            ["A5:B5"],
            [[["项目", "分值"], ["组织", "5"], ["备注：按季度考核", "备注：按季度考核*"]]],
            id="inner-empty-rows-dropped-a-merged-note-stays-in-the-table",
        ),
        pytest.param(
            {"C4": "项目", "D4": "分值", "C5": "组织", "D5": 5},
            [],
            [[["项目", "分值"], ["组织", "5"]]],
            id="leading-empty-rows-and-columns-trimmed",
        ),
        pytest.param(
            {"A1": "项目", "C1": "分值", "A2": "组织", "C2": 5},
            [],
            [[["项目", "分值"], ["组织", "5"]]],
            id="empty-spacer-column-dropped",
        ),
        pytest.param(
            {"A1": "项目", "B1": "分值", "A2": "组织", "B2": 5},
            ["D8:F9"],
            [[["项目", "分值"], ["组织", "5"]]],
            id="empty-merged-range-ignored",
        ),
        pytest.param(
            {"A1": "项目", "B1": "分值", "C1": "备注", "A2": "组织", "B2": 5, "A3": "宣传", "B3": 3, "A4": "合计"},
            ["C2:C3", "B4:C4"],
            [[["项目", "分值", "备注"], ["组织", "5", ""], ["宣传", "3", "*"], ["合计", "", "*"]]],
            id="empty-merged-range-inside-the-data-is-one-blank-cell",
        ),
        pytest.param(
            {"A1": "项目", "B1": "分值", "A2": "组织", "B2": 5, "A3": "宣传"},
            ["B3:C6"],
            [[["项目", "分值"], ["组织", "5"], ["宣传", ""]]],
            id="empty-merged-range-never-widens-the-data",
        ),
    ],
)
def test_sheet_layout(tmp_path: Path, cells: dict[str, object], merges: list[str], expected: list[object]) -> None:
    def fill(sheet: openpyxl.worksheet.worksheet.Worksheet) -> None:
        for ref, value in cells.items():
            sheet[ref] = value
        for ref in merges:
            sheet.merge_cells(ref)
        sheet["Z200"].number_format = "0.00"  # formatting far away: not part of the data

    blocks = _sheet_grids(tmp_path, fill)
    assert [block.text if isinstance(block, Paragraph) else _grid(block) for block in blocks] == expected


def test_empty_merged_range_over_typed_cells_shows_them() -> None:
    # openpyxl drops what lies under a merged range; an .xls (xlrd) keeps it, and so does the grid.
    sheet = Sheet(texts={(0, 0): "项目", (0, 1): "分值", (1, 1): "5"}, merges=[(1, 0, 1, 1)])
    [table] = sheet_blocks(sheet)
    assert _grid(table) == [["项目", "分值"], ["", "5"]]


def test_sheets_in_order_hidden_ones_skipped(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    for index, state in enumerate(["visible", "hidden", "visible", "veryHidden", "visible"]):
        sheet = workbook.active if index == 0 else workbook.create_sheet()
        sheet.title = f"表{index}"
        sheet.append([f"第{index}表", index])
        sheet.sheet_state = state
    workbook.create_sheet("空表")
    blocks = parse_xlsx(_save(tmp_path, workbook)).blocks
    assert [_grid(block) for block in blocks] == [[["第0表", "0"]], [["第2表", "2"]], [["第4表", "4"]]]


def test_formula_reads_its_saved_value(tmp_path: Path) -> None:
    # openpyxl saves formulas without a computed value; Excel/WPS/LibreOffice save both.
    workbook = openpyxl.Workbook()
    workbook.active.append(["项目", "分值"])
    workbook.active.append(["合计", "=SUM(1,2)"])
    [table] = parse_xlsx(_save(tmp_path, workbook)).blocks
    assert _grid(table) == [["项目", "分值"], ["合计", ""]]


# --- errors and files that are something else -------------------------------------------------------


def _raises(path: Path) -> str:
    with pytest.raises(ParseError) as info:
        parse(path)
    message = str(info.value)
    assert message.startswith(f"{path}: ") and "\n" not in message
    return info.value.reason


def test_random_bytes(tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(bytes((i * 37 + 11) % 256 for i in range(4096)))
    assert _raises(path) == "corrupt or truncated .xlsx (not a zip file)"


def test_truncated(tmp_path: Path) -> None:
    whole = _save(tmp_path, build_assessment_workbook()).read_bytes()
    path = tmp_path / "cut.xlsx"
    path.write_bytes(whole[: len(whole) // 2])
    assert _raises(path).startswith("corrupt or truncated .xlsx (not a zip file)")


def test_zip_that_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "archive.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert _raises(path).startswith("corrupt .xlsx or not an Excel workbook (")


def test_password_protected_xlsx(tmp_path: Path) -> None:
    # An encrypted .xlsx is an OLE2 container holding EncryptionInfo and EncryptedPackage streams.
    path = tmp_path / "locked.xlsx"
    directory = "EncryptionInfo".encode("utf-16-le") + bytes(40) + "EncryptedPackage".encode("utf-16-le")
    path.write_bytes(OLE_MAGIC + bytes(504) + directory + bytes(1024))
    assert _raises(path).startswith("password-protected workbook")


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")
    assert _raises(path) == "empty file (0 bytes)"


def test_workbook_without_data(tmp_path: Path) -> None:
    assert _raises(_save(tmp_path, openpyxl.Workbook())) == "no data in the workbook (every visible sheet is empty)"


def test_xls_with_an_xlsx_name(tmp_path: Path) -> None:
    path = tmp_path / "renamed.xlsx"
    path.write_bytes((SHEETS / "kaohe-sheets.xls").read_bytes())
    document = parse(path)
    assert document.format == "xls"
    assert document.warnings == ("an .xls workbook with an .xlsx name: read as .xls",)
    assert_assessment(document)


def test_web_page_with_an_xlsx_name(tmp_path: Path) -> None:
    path = tmp_path / "export.xlsx"
    path.write_bytes("<html><body><table><tr><td>项目</td><td>分值</td></tr></table></body></html>".encode())
    document = parse(path)
    assert document.format == "html"
    assert document.warnings == ("a web page with an .xlsx name: read as HTML",)
    assert _grid(document.blocks[0]) == [["项目", "分值"]]
