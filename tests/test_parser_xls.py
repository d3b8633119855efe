"""parsers.xls: BIFF workbooks read like .xlsx, and the web pages / .xlsx files sites name .xls."""

from __future__ import annotations

import base64
import shutil
from pathlib import Path

import pytest

from pipeline.parse import parse
from schema.errors import ParseError
from tests.test_parser_xlsx import SHEETS, _grid, _save, assert_assessment, build_assessment_workbook


def test_xls_fixture_reads_like_the_xlsx_it_was_made_from(tmp_path: Path) -> None:
    path = tmp_path / "自评表.xls"
    shutil.copyfile(SHEETS / "kaohe-sheets.xls", path)
    document = parse(path)
    assert document.format == "xls"
    assert document.warnings == ()
    assert_assessment(document)
    xlsx = parse(_save(tmp_path, build_assessment_workbook()))
    assert document.blocks == xlsx.blocks


GOV_EXPORT = """<html xmlns:o="urn:schemas-microsoft-com:office:office"
 xmlns:x="urn:schemas-microsoft-com:office:excel"><head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head><body>
<table border=1><tr><td colspan=3>2023年度考核评分表</td></tr>
<tr><td>项目</td><td>分值</td><td>得分</td></tr><tr><td>组织领导</td><td>20</td><td>18.5</td></tr></table>
</body></html>"""


@pytest.mark.parametrize(
    ("content", "warning"),
    [
        (GOV_EXPORT.encode("gb18030"), "a web page with an .xls name: read as HTML"),
        (
            b"\xef\xbb\xbf" + GOV_EXPORT.replace("gb2312", "utf-8").encode(),
            "a web page with an .xls name: read as HTML",
        ),
        (
            b'MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary="b"\r\n\r\n--b\r\n'
            b'Content-Type: text/html; charset="gb2312"\r\nContent-Transfer-Encoding: base64\r\n\r\n'
            + base64.encodebytes(GOV_EXPORT.encode("gb18030"))
            + b"\r\n--b--\r\n",
            "a web page with an .xls name: read as HTML",
        ),
    ],
    ids=["html-gb2312", "html-utf8-bom", "mht"],
)
def test_web_page_saved_as_xls_is_read_as_html(tmp_path: Path, content: bytes, warning: str) -> None:
    path = tmp_path / "download.xls"
    path.write_bytes(content)
    document = parse(path)
    assert document.format == "html"
    assert document.warnings == (warning,)
    [table] = document.blocks
    assert _grid(table) == [
        ["2023年度考核评分表", "2023年度考核评分表*", "2023年度考核评分表*"],
        ["项目", "分值", "得分"],
        ["组织领导", "20", "18.5"],
    ]


def test_xlsx_with_an_xls_name(tmp_path: Path) -> None:
    path = tmp_path / "named-wrong.xls"
    path.write_bytes(_save(tmp_path, build_assessment_workbook()).read_bytes())
    document = parse(path)
    assert document.format == "xlsx"
    assert document.warnings == ("an .xlsx workbook with an .xls name: read as .xlsx",)
    assert_assessment(document)


def _raises(path: Path) -> str:
    with pytest.raises(ParseError) as info:
        parse(path)
    assert str(info.value).startswith(f"{path}: ") and "\n" not in str(info.value)
    return info.value.reason


def test_password_protected_xls(tmp_path: Path) -> None:
    path = tmp_path / "locked.xls"
    shutil.copyfile(SHEETS / "locked.xls", path)
    assert _raises(path).startswith("password-protected workbook")


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty file (0 bytes)"),
        (bytes((i * 37 + 11) % 256 for i in range(4096)), "not an Excel .xls file (no OLE2 header"),
        (
            b'<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">'
            b"<Worksheet><Table><Row><Cell><Data>1</Data></Cell></Row></Table></Worksheet></Workbook>",
            "Excel 2003 XML spreadsheet",
        ),
        ((SHEETS / "kaohe-sheets.xls").read_bytes()[:3000], "corrupt"),
    ],
    ids=["empty", "random-bytes", "spreadsheetml", "truncated"],
)
def test_bad_xls(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "bad.xls"
    path.write_bytes(content)
    assert _raises(path).startswith(reason)
