"""Inputs scripts/fuzz.py found that crashed, hung or were reported in Python's words, each
rebuilt small: what kaohe does with them now (a ParseError naming the problem, or an extraction).
"""

from __future__ import annotations

import io
import logging
import subprocess
import sys
import time
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest

from normalizers.rules import CLAUSE_WINDOW, find_rules
from normalizers.text import to_simplified
from parsers._pdf_damage import failure_reason
from parsers.docx import parse_docx
from parsers.html import parse_html_bytes
from parsers.pdf import parse_pdf
from parsers.xlsx import parse_xlsx_bytes
from pipeline.build.runon import expand_runon
from pipeline.build.stream import reflow
from pipeline.extract import extract_file
from schema.errors import ParseError
from schema.records import Cell, Paragraph, Table

# --- text and the build stage ---------------------------------------------------------------


def test_a_section_numeral_that_is_no_number_is_item_text(tmp_path: Path) -> None:
    """"二一、" once raised ValueError (substring not found) reading the numeral."""
    path = tmp_path / "rules.txt"
    path.write_text(
        "考核细则\n一、领导重视(20分)\n1、成立领导小组(10分)\n2、召开专题会议(10分)\n二一、政治待遇(10分)\n"
        "3、落实阅文制度(5分)\n4、组织参观学习(5分)\n二、生活待遇(10分)\n5、发放生活补贴(10分)\n",
        encoding="utf-8",
    )
    indicators = extract_file(path).indicators
    sections = [i.name for i in indicators if i.level == 1]
    assert sections == ["一、领导重视", "二、生活待遇"]
    last = indicators[-1]
    assert (last.name, last.points, last.level) == ("5、发放生活补贴(10分)", 10.0, 2)
    assert any("二一、政治待遇" in i.name for i in indicators if i.level == 2)


def test_a_runon_header_without_numbered_rows_stays_a_paragraph() -> None:
    """A run-on header (序号考核项目…) with no row 1 after it once raised ValueError from zip()."""
    text = "考核细则序号考核项目考核内容分值评分标准，此处只有表头文字而下面没有任何编号的行，全部是说明。"
    assert expand_runon((Paragraph(text=text),)) == (Paragraph(text=text),)


def test_a_long_runon_paragraph_is_read_in_seconds(tmp_path: Path) -> None:
    """A 170,000-character line of header words and marks took minutes: every position was tried
    with every window length against every header pattern."""
    path = tmp_path / "long.txt"
    path.write_text("考核指标(1分)，每少一次扣1分；" * 10_000 + "\n", encoding="utf-8")
    start = time.perf_counter()
    extraction = extract_file(path)
    assert time.perf_counter() - start < 20
    assert extraction.document.title is not None or extraction.warnings


def test_one_very_wide_row_does_not_widen_every_other_row() -> None:
    """Pipe rows where the row ends ("|" alone) were lost for 20,000 lines (a mutated
    wangcheng-ziping.txt) make one row of thousands of cells; every short row was tried at every
    offset under it: 40 s. Rows short by more than a merge can cover stay as they are."""
    from parsers._text_grid import MAX_MERGED_PLACES, fill_merged_down

    wide = [f"考核项目{i}" for i in range(3000)]
    rows = [wide, *[["1", "考核内容", "10"] for _ in range(3000)]]
    start = time.perf_counter()
    grid = fill_merged_down(rows)
    assert time.perf_counter() - start < 2
    assert [len(row) for row in grid[1:3]] == [3, 3]
    # A row short by a few places is still placed under the full rows and continues the cells above.
    rows = [["序号", "项目", "内容", "分值"], ["1", "组织领导", "成立小组", "5"], ["制定方案", "5"]]
    assert [cell for cell, _ in fill_merged_down(rows)[2]] == ["1", "组织领导", "制定方案", "5"]
    assert MAX_MERGED_PLACES < 3000


def test_a_tree_thousands_of_levels_deep_is_numbered_without_recursion() -> None:
    """A mutated ducha-gongzuo-xize.txt made a header of a thousand level columns: freezing its
    tree recursed once per level (RecursionError)."""
    from pipeline.build.tree import Draft, freeze

    root = node = Draft(name="0", points=1.0)
    for depth in range(1, 5000):
        node = node.add(Draft(name=str(depth), points=1.0))
    frozen = freeze([root])
    assert len(frozen) == 5000 and frozen[-1].level == 5000 and frozen[-1].parent_id == 4999
    assert frozen[0].children_points == 1.0 and [d.name for d in root.walk()][:3] == ["0", "1", "2"]


def test_a_table_thousands_of_columns_wide_is_not_an_indicator_table() -> None:
    """A mutated zhengxie-jiguan-mubiao-fenzhi.txt gave a header row of 6,600 cells: deciding its
    columns' roles compared every column with every other (minutes)."""
    from pipeline.build.table import MAX_COLUMNS, table_indicators

    width = 3000
    header = tuple(Cell(text=("考核项目", "考核内容", "分值")[i % 3]) for i in range(width))
    rows = (header, *(tuple(Cell(text=str(r)) for _ in range(width)) for r in range(20)))
    start = time.perf_counter()
    result = table_indicators(Table(rows=rows))
    assert time.perf_counter() - start < 2
    assert result.roots == [] and len(result.preamble) == 21 and width > MAX_COLUMNS


def test_deeply_nested_brackets_are_read_in_seconds(tmp_path: Path) -> None:
    """20,000 nested brackets in an item took quadratic time marking what lies inside them."""
    path = tmp_path / "brackets.txt"
    path.write_text("序号\t考核内容\t分值\n1\t" + "(" * 20_000 + "考核" + ")" * 20_000 + "扣1分\t5\n", encoding="utf-8")
    start = time.perf_counter()
    extract_file(path)
    assert time.perf_counter() - start < 20


@pytest.mark.parametrize("section", ["bonus", "deduct"])
def test_a_long_run_of_marks_gives_rules_of_bounded_text(section: str) -> None:
    """20,000 "(3分)" in a 加分 item ran out of memory (each of its rules carried the whole
    unpunctuated text as its clause) and took quadratic time pairing each mark with its phrase."""
    start = time.perf_counter()
    rules = find_rules("(3分)" * 20_000, section)  # type: ignore[arg-type]
    assert time.perf_counter() - start < 20
    assert len(rules) == 10_000  # "(3分)(3分)": the second mark is the first one's amount
    assert {rule.points for rule in rules} == {3.0}
    assert max(len(rule.text) for rule in rules) <= 2 * CLAUSE_WINDOW + len("(3分)")


def test_long_simplified_text_is_not_run_through_opencc() -> None:
    """A DOCX cell duplicated 300 times timed out in OpenCC's pure-Python segmentation, called on
    every text the rule grammar reads; text without a character t2s could change is left alone."""
    text = "考核指标(1分)，每少一次扣1分；" * 20_000
    start = time.perf_counter()
    assert to_simplified(text) is text
    assert time.perf_counter() - start < 1
    assert to_simplified("沈默的考核機構") == "沉默的考核机构"  # a phrase, and characters, still converted


# --- DOCX and XLSX packages -----------------------------------------------------------------


def _rewritten(data: bytes, change: Callable[[dict[str, bytes]], object]) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        parts = {info.filename: package.read(info) for info in package.infolist()}
    change(parts)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        for name, body in parts.items():
            package.writestr(name, body)
    return out.getvalue()


@pytest.mark.parametrize(
    ("change", "detail"),
    [
        (lambda parts: parts.pop("[Content_Types].xml"), "part [Content_Types].xml is missing"),
        (lambda parts: parts.update({"word/document.xml": parts["word/document.xml"][:500]}),
         "an XML part is damaged or cut off"),
    ],
)
def test_damaged_docx_reasons_are_words(
    tmp_path: Path, corpus_dir: Path, change: Callable[[dict[str, bytes]], object], detail: str
) -> None:
    """These were "(KeyError: \"There is no item named '[Content_Types].xml' in the archive\")" and
    "(XMLSyntaxError: …)"."""
    path = tmp_path / "damaged.docx"
    path.write_bytes(_rewritten((corpus_dir / "yutian-mubiao-2023.docx").read_bytes(), change))
    with pytest.raises(ParseError) as info:
        parse_docx(path)
    assert info.value.reason == f"corrupt .docx or not a Word document ({detail})"


def test_damaged_xlsx_reason_is_words() -> None:
    workbook = (Path(__file__).parent / "fixtures/renderings/raw/ducha-gongzuo-xize.xlsx").read_bytes()
    with pytest.raises(ParseError) as info:
        parse_xlsx_bytes(_rewritten(workbook, lambda parts: parts.pop("xl/workbook.xml")), "book.xlsx")
    assert info.value.reason == "corrupt .xlsx or not an Excel workbook (part xl/workbook.xml is missing)"


def test_a_cell_style_naming_an_undefined_number_format_is_read_as_general() -> None:
    """A mutated yutian-mubiao.xlsx whose styles name a custom number format (id 200) the workbook
    does not define raised openpyxl's IndexError on the cell's number_format."""
    import re

    from schema.records import Table

    workbook = (Path(__file__).parent / "fixtures/renderings/raw/ducha-gongzuo-xize.xlsx").read_bytes()

    def undefined_format(parts: dict[str, bytes]) -> None:
        styles = parts["xl/styles.xml"].decode("utf-8")
        parts["xl/styles.xml"] = re.sub(r'numFmtId="\d+"', 'numFmtId="200"', styles).encode("utf-8")

    parsed = parse_xlsx_bytes(_rewritten(workbook, undefined_format), "book.xlsx")
    intact = parse_xlsx_bytes(workbook, "book.xlsx")
    texts = [[c.text for c in row] for b in parsed.blocks if isinstance(b, Table) for row in b.rows]
    assert texts == [[c.text for c in row] for b in intact.blocks if isinstance(b, Table) for row in b.rows]


# --- HTML -----------------------------------------------------------------------------------


def test_a_page_declaring_an_unknown_charset_reads_as_undeclared() -> None:
    """An unknown charset label ('utf-8" x="') once raised LookupError when the bytes decoded as
    nothing else either; now the label is ignored, as if there were none."""
    undecodable = b'<meta charset="x-unknown"><p>\xe8\x80\x83\xe6\xa0\xb8\xff\xff</p>'
    with pytest.raises(ParseError) as info:
        parse_html_bytes(undecodable, "page.html")
    assert info.value.reason == "cannot determine the text encoding (tried UTF-8, UTF-16, GB18030, Big5)"
    doc = parse_html_bytes(b'<meta charset="x-unknown"><p>\xe8\x80\x83\xe6\xa0\xb8</p>', "page.html")
    assert (doc.encoding, doc.blocks) == ("utf-8", (Paragraph(text="考核"),))


# --- PDF ------------------------------------------------------------------------------------

_TEXT = b"BT /F1 12 Tf 72 700 Td (Hello) Tj ET"
_CORRUPT = "corrupt or truncated PDF"
_PAGE = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
         b" /Resources << /Font << /F1 5 0 R >> >> >>")
_FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def _stream(content: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d " % len(content) + extra + b">>\nstream\n" + content + b"\nendstream"


def _pdf(
    catalog: bytes = b"<< /Type /Catalog /Pages 2 0 R >>",
    content: bytes = _stream(_TEXT),
    trailer: bytes = b"/Root 1 0 R",
    page: bytes = _PAGE,
    resource: bytes = _FONT,
) -> bytes:
    """A one-page PDF with one line of Helvetica text (object 5 the font), its parts replaceable by
    damaged ones."""
    objects = [catalog, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>", page, content, resource]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d " % (len(objects) + 1) + trailer + b" >>\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def _reason(tmp_path: Path, data: bytes) -> str:
    path = tmp_path / "damaged.pdf"
    path.write_bytes(data)
    with pytest.raises(ParseError) as info:
        parse_pdf(path)
    return info.value.reason


def test_intact_builder_pdf_gives_its_text(tmp_path: Path) -> None:
    path = tmp_path / "ok.pdf"
    path.write_bytes(_pdf())
    assert [block.text for block in parse_pdf(path).blocks] == ["Hello"]  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        ({"catalog": b"<< /Type /Catalog /Pages 2 0 R /Lang >>"}, f"{_CORRUPT}: its structure cannot be read"),
        ({"trailer": b""}, f"{_CORRUPT}: it has no document catalog (/Root): is it really a PDF?"),
        ({"content": _stream(zlib.compress(_TEXT), b"/Filter /FlnteDecode ")},
         f"{_CORRUPT}: a stream is compressed by an unknown filter (FlnteDecode)"),
    ],
)
def test_damaged_pdf_reasons_are_words(tmp_path: Path, damage: dict[str, bytes], reason: str) -> None:
    """These were "corrupt or truncated PDF (PSSyntaxError: Invalid dictionary construct: [/'Type', …"."""
    assert _reason(tmp_path, _pdf(**damage)) == reason


@pytest.mark.parametrize(
    "content",
    [
        _stream(b"x\x9c" + bytes(range(7, 200)), b"/Filter /FlateDecode "),  # not zlib data at all
        _stream(zlib.compress(_TEXT)[:20], b"/Filter /FlateDecode "),  # cut short: "BT /F1 12 Tf 72 7"
        b"<< /Lenxth 10 >>\nstream\n" + _TEXT + b"\nendstream",  # no /Length
    ],
)
def test_a_pdf_whose_page_content_is_lost_is_corrupt_not_scanned(tmp_path: Path, content: bytes) -> None:
    """pdfminer drops undecodable content silently; the page then had no characters and the file
    was reported as a scanned PDF needing OCR."""
    assert _reason(tmp_path, _pdf(content=content)) == f"{_CORRUPT}: the content of its pages cannot be read"


def test_a_scanned_page_whose_reading_logs_a_warning_is_still_a_scan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only a page without text and images that lost its content is damaged; an image page is a scan."""
    monkeypatch.setitem(sys.modules, "rapidocr", None)  # as if the OCR extra were not installed
    content = _stream(b"/P0 g q 612 0 0 792 0 0 cm /Im1 Do Q")
    page = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
            b" /Resources << /XObject << /Im1 5 0 R >> >> >>")
    image = (b"<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray"
             b" /BitsPerComponent 8 /Length 1 >>\nstream\n\x80\nendstream")
    assert _reason(tmp_path, _pdf(content=content, page=page, resource=image)) == (
        "no text layer: scanned PDF; reading it needs the OCR extra: pip install 'kaohe[ocr]'"
    )


def test_pdfminer_warnings_go_to_the_files_warnings_not_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "odd-colour.pdf"
    path.write_bytes(_pdf(content=_stream(b"/P0 g /P0 g /P0 g " + _TEXT)))
    with caplog.at_level(logging.WARNING):
        doc = parse_pdf(path)
    assert [block.text for block in doc.blocks] == ["Hello"]  # type: ignore[union-attr]
    assert doc.warnings == ("PDF reader: Cannot set gray level because /'P0' is an invalid float value (3 times)",)
    assert capsys.readouterr().err == ""
    assert not [record for record in caplog.records if record.name.startswith("pdfminer")]


def test_python_exceptions_inside_pdfminer_are_named_as_damage() -> None:
    """"corrupt or truncated PDF (TypeError: 'int' object is not iterable)" told the user nothing."""
    malformed = f"{_CORRUPT}: an object it needs is missing or malformed"
    assert failure_reason(TypeError("'int' object is not iterable")) == malformed
    assert failure_reason(KeyError("Length3")) == malformed
    assert failure_reason(RecursionError()) == f"{_CORRUPT}: its objects refer to each other in an endless loop"


# --- found in the fuzz run of 2026-12-01 ----------------------------------------------------

FUZZ_FIXTURES = Path(__file__).parent / "fixtures" / "fuzz"


def test_an_xls_whose_sector_chain_loops_is_refused_not_hung() -> None:
    """xlrd's compound-file reader followed this damaged file's short-sector chain for ever (the
    Workbook stream is under 4 KB, so it lives in the short-sector area)."""
    source = FUZZ_FIXTURES / "looping-short-sector-chain.xls"
    started = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, "-m", "kaohe", "extract", str(source), "--json"],
        capture_output=True, text=True, timeout=60, cwd=Path(__file__).parent.parent,
    )
    assert time.perf_counter() - started < 30
    assert completed.returncode == 1
    assert "looping-short-sector-chain.xls: corrupt .xls" in completed.stderr


def test_a_line_of_thousands_of_tabs_does_not_widen_every_row(tmp_path: Path) -> None:
    """One line of 20,000 tab-separated cells among 500 short rows made the text parser pad every
    row to its width (10 million cells, a minute): a merge is not taken to cover thousands of places."""
    # The header is a cell short (a merged header), so rows are widened to the widest row's layout.
    rows = ["考核内容\t评分标准\t分值"] + [f"{n}\t工作{n}\t未完成扣1分\t2" for n in range(1, 500)]
    rows.insert(250, "\t".join(["x"] * 19_999 + ["3"]))
    path = tmp_path / "wide.txt"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    started = time.perf_counter()
    extraction = extract_file(path)
    assert time.perf_counter() - started < 10
    assert [i.points for i in extraction.indicators[:3]] == [2.0, 2.0, 2.0]


def test_a_cell_stream_of_header_words_repeated_is_read_in_seconds() -> None:
    """A web-text stream (one cell per line) whose header words repeat for hundreds of cells was
    tried as a header at every width up to the whole run (1,500 cells: 20 s)."""
    header = ["一级指标", "二级指标", "三级指标", "指标值", "分值", "得分"]
    cells = ["项目支出绩效目标表", *header * 200, *["产出指标", "数量指标", "培训人次", "≥100", "10", "10"] * 50]
    stream = Table(rows=tuple((Cell(text=text),) for text in cells), layout="stream")
    started = time.perf_counter()
    reflowed = reflow(stream)
    assert time.perf_counter() - started < 3
    assert reflowed is not None
    assert {cell.text for cell in reflowed[1].rows[0]} <= set(header)  # a header of its words


def test_a_workbook_listing_one_sheet_hundreds_of_times_reads_it_once() -> None:
    """A damaged xl/workbook.xml listing the same sheet part 300 times was read 300 times (15 s)."""
    source = Path(__file__).parent / "fixtures" / "renderings" / "raw" / "wangzhuang-meiye-juejin-pingfen.xlsx"
    original = source.read_bytes()
    damaged = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(original)) as package, zipfile.ZipFile(damaged, "w") as copy:
        for member in package.infolist():
            content = package.read(member)
            if member.filename == "xl/workbook.xml":
                start = content.index(b"<sheet ")
                end = content.index(b"/>", start) + 2
                content = content[:start] + content[start:end] * 300 + content[end:]
            copy.writestr(member, content)
    started = time.perf_counter()
    parsed = parse_xlsx_bytes(damaged.getvalue(), "damaged.xlsx")
    assert time.perf_counter() - started < 5
    assert parsed.blocks == parse_xlsx_bytes(original, "original.xlsx").blocks
    assert any("lists a sheet more than once (299 repeats)" in warning for warning in parsed.warnings)


@pytest.mark.parametrize(
    "fixture", ["corpus/raw/yutian-mubiao-2023.docx", "renderings/raw/wangzhuang-meiye-juejin-pingfen.xlsx"]
)
def test_a_package_naming_a_zip_version_zipfile_lacks_is_refused_in_words(fixture: str, tmp_path: Path) -> None:
    """A damaged central directory asking for zip version 21.4 raised NotImplementedError from the
    size check before any parser saw the file."""
    source = Path(__file__).parent / "fixtures" / fixture
    data = bytearray(source.read_bytes())
    entry = data.index(b"PK\x01\x02")  # the first central-directory entry
    data[entry + 6 : entry + 8] = (214).to_bytes(2, "little")  # version needed to extract: 21.4
    damaged = tmp_path / source.name
    damaged.write_bytes(bytes(data))
    with pytest.raises(ParseError) as raised:
        extract_file(damaged)
    assert "zip container is damaged" in raised.value.reason
