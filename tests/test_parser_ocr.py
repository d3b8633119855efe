"""parsers.ocr: scanned PDFs read into the same tables the text layer gives (the ``ocr`` extra).

The scans in tests/fixtures/scans were made from the corpus PDFs by scripts/make-scans.py
(200 dpi, skewed by under 1°, blurred and speckled, JPEG): the text-layer original of each page is
the expected reading. Skipped when the extra is not installed, except under CI, which installs it.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from schema.errors import ParseError
from schema.records import Paragraph, ParsedDocument, Table

FIXTURES = Path(__file__).parent / "fixtures"
SCANS = FIXTURES / "scans"
_MISSING = [name for name in ("rapidocr", "onnxruntime", "cv2", "numpy") if importlib.util.find_spec(name) is None]
if _MISSING and os.environ.get("CI") != "true":
    pytest.skip(
        f"the OCR extra is not installed (missing {', '.join(_MISSING)}): pip install -e '.[test,ocr]'",
        allow_module_level=True,
    )

import cv2  # noqa: E402
import numpy as np  # noqa: E402
import pypdfium2 as pdfium  # noqa: E402

from parsers.ocr import read_image  # noqa: E402
from parsers.ocr.engine import Char  # noqa: E402
from parsers.ocr.grid import deskew, find_grids  # noqa: E402
from parsers.pdf import parse_pdf  # noqa: E402


def _tables(doc: ParsedDocument) -> list[Table]:
    return [block for block in doc.blocks if isinstance(block, Table)]


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _t2s(text: str) -> str:
    import opencc

    return opencc.OpenCC("t2s").convert(text)


def _page_image(path: Path, index: int = 0) -> np.ndarray:
    pdf = pdfium.PdfDocument(str(path))
    try:
        return np.asarray(pdf[index].render(scale=200 / 72, grayscale=True).to_pil().convert("L"))
    finally:
        pdf.close()


@pytest.fixture(scope="module")
def nanchang_scan() -> ParsedDocument:
    return parse_pdf(SCANS / "nanchang-kaohe-2023.pdf")  # page 1 of the corpus PDF, traditional script


@pytest.fixture(scope="module")
def zaozhuang_scan() -> ParsedDocument:
    return parse_pdf(SCANS / "zaozhuang-laoganbu-2022.pdf")  # pages 1-2 of the corpus PDF


@pytest.fixture(scope="module")
def nanchang_text(corpus_dir: Path) -> Table:
    return _tables(parse_pdf(corpus_dir / "nanchang-kaohe-2023.pdf"))[0]


@pytest.fixture(scope="module")
def zaozhuang_text(corpus_dir: Path) -> Table:
    return _tables(parse_pdf(corpus_dir / "zaozhuang-laoganbu-2022.pdf"))[0]


def test_scanned_table_cells_in_traditional_script(nanchang_scan: ParsedDocument) -> None:
    [table] = _tables(nanchang_scan)
    assert len(table.rows) == 17 and all(len(row) == 5 for row in table.rows)
    # (内 and 內 are variants of one character: the normalize stage makes both 内)
    assert [_t2s(cell.text) for cell in table.rows[0]] == ["专案", "考核内容", "分值", "自评得\n分", "考核得\n分"]
    first = table.rows[1]
    assert first[1].text.startswith("1、縣(區)委把老幹部工作擺上議事日程,把離退休幹部工作納入當\n")
    assert _t2s(first[1].text).endswith("部长(2分);")
    assert [row[2].text for row in table.rows[1:8]] == ["7", "2", "1", "2", "5", "1", "2"]
    assert _flat(nanchang_scan.blocks[0].text) == "南昌市縣區2023年老幹部工作目標管理考核細則"
    assert nanchang_scan.warnings == ("page 1: no text layer, read by OCR",)


def test_merged_cells_are_the_text_layers(nanchang_scan: ParsedDocument, nanchang_text: Table) -> None:
    [table] = _tables(nanchang_scan)
    # The section column is merged over rows 1-7: one cell, the rest spanned, as in the text layer.
    section = [row[0] for row in table.rows[1:8]]
    assert [cell.spanned for cell in section] == [False] + [True] * 6
    assert {_flat(cell.text) for cell in section} in ({"一、領導重視(20分)"}, {"一、領導重视(20分)"})
    spans = [[cell.spanned for cell in row] for row in table.rows]
    assert spans == [[cell.spanned for cell in row] for row in nanchang_text.rows[:17]]
    # Cell texts agree with the text layer's but for a few characters (variant forms, punctuation).
    same = sum(
        _flat(got.text) == _flat(want.text)
        for got_row, want_row in zip(table.rows[:16], nanchang_text.rows[:16], strict=True)
        for got, want in zip(got_row, want_row, strict=True)
    )
    assert same >= 0.75 * 16 * 5


def test_table_over_two_scanned_pages_is_joined(zaozhuang_scan: ParsedDocument, zaozhuang_text: Table) -> None:
    [table] = _tables(zaozhuang_scan)
    assert len(table.rows) == 19
    assert table.row_pages == (1,) * 8 + (2,) * 11
    assert [cell.text for cell in table.rows[0]] == ["一级指标", "二级指标", "任务要点名称", "完成标准", "分值\n权重"]
    points = [row[4].text for row in table.rows[1:]]
    assert points == [row[4].text for row in zaozhuang_text.rows[1:19]]
    assert points[:3] == ["35", "30", "35"]
    assert [cell.spanned for cell in (row[0] for row in table.rows[1:])] == [False] + [True] * 17
    assert _flat(table.rows[1][0].text) == "围绕中心履职尽责(400分)"


def test_mixed_pdf_reads_only_the_scanned_page(tmp_path: Path, corpus_dir: Path, zaozhuang_text: Table) -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    writer.add_page(PdfReader(corpus_dir / "zaozhuang-laoganbu-2022.pdf").pages[0])  # text layer
    writer.add_page(PdfReader(SCANS / "zaozhuang-laoganbu-2022.pdf").pages[1])  # scanned
    path = tmp_path / "mixed.pdf"
    with path.open("wb") as fh:
        writer.write(fh)
    doc = parse_pdf(path)
    assert doc.warnings == ("page 2: no text layer, read by OCR",)
    [table] = _tables(doc)
    assert table.row_pages == (1,) * 8 + (2,) * 11
    # Page 1 is the text layer's own reading, character for character.
    want = [[c.text for c in row] for row in zaozhuang_text.rows[:8]]
    assert [[c.text for c in row] for row in table.rows[:8]] == want
    assert [row[4].text for row in table.rows[8:]] == [row[4].text for row in zaozhuang_text.rows[8:19]]


def test_low_confidence_number_is_a_warning() -> None:
    gray = deskew(_page_image(SCANS / "nanchang-kaohe-2023.pdf"))
    [grid] = find_grids(gray)
    # Cut a white strip through the "1" of the third row's points cell.
    x0, x1, y0, y1 = (int(v) for v in (grid.xs[2], grid.xs[3], grid.ys[3], grid.ys[4]))
    cell = gray[y0 + 4 : y1 - 4, x0 + 4 : x1 - 4].copy()
    column = int(np.median(np.nonzero(cell < 150)[1]))
    cell[:, column : column + 5] = 255
    damaged = gray.copy()
    damaged[y0 + 4 : y1 - 4, x0 + 4 : x1 - 4] = cell
    page = read_image(3, damaged)
    [warning] = page.warnings
    match = re.fullmatch(r"page 3: low-confidence text '(.)' \((0\.\d\d)\)", warning)
    assert match is not None, warning
    assert float(match.group(2)) < 0.9


def _ruled_page() -> np.ndarray:
    """A white page with a 3×3 ruled table whose first column's rows 2-3 are one merged cell."""
    page = np.full((1100, 850), 255, np.uint8)
    xs, ys = (100, 300, 550, 750), (300, 380, 460, 540)
    for y in ys:
        cv2.line(page, (xs[0], y), (xs[-1], y), 0, 2)
    for x in xs:
        cv2.line(page, (x, ys[0]), (x, ys[-1]), 0, 2)
    cv2.line(page, (xs[0] + 2, ys[2]), (xs[1] - 2, ys[2]), 255, 4)  # erase: merge rows 2-3, column 1
    return page


def _chars(text: str, x: float, y: float, line: int, scores: dict[int, float] | None = None) -> list[Char]:
    """Stub engine output: one character every 20 px from (x, y), scoring 0.99 unless given."""
    scores = scores or {}
    return [Char(ch, x + 20 * i, y, x + 20 * i + 18, y + 30, scores.get(i, 0.99), line) for i, ch in enumerate(text)]


def test_grid_merges_and_confidence_with_a_stub_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    chars = [
        *_chars("指标", 120, 320, line=0),
        *_chars("分值", 570, 320, line=1),
        *_chars("一、产出", 120, 440, line=2),
        *_chars("3O分", 570, 400, line=3, scores={1: 0.61}),
        *_chars("20分", 570, 480, line=4),
        *_chars("说明:以上为评分", 100, 600, line=5),
    ]
    monkeypatch.setattr("parsers.ocr.page.recognise", lambda image: chars)
    page = read_image(2, _ruled_page())
    segment, line = page.items
    texts = [[slot.text for slot in row] for row in segment.rows]
    assert texts == [["指标", "", "分值"], ["一、产出", "", "3O分"], ["一、产出", "", "20分"]]
    assert segment.rows[1][0] is segment.rows[2][0]  # one merged cell: one shared slot
    assert line.text == "说明:以上为评分"
    assert page.warnings == ["page 2: low-confidence text '3O分' (0.61)"]


def test_page_without_ruling_lines_is_text_lines() -> None:
    gray = _page_image(SCANS / "zaozhuang-laoganbu-2022.pdf")
    [grid] = find_grids(deskew(gray))
    page = read_image(1, gray[: int(grid.top) - 10])  # the heading above the table: no rulings
    assert all(not hasattr(item, "rows") for item in page.items)
    assert [_flat(item.text) for item in page.items] == [
        "枣庄市老干部活动中心",
        "2022年度服务高质量发展绩效考核工作任务要点",
        "主管部门:市委老干部局",
        "主管部门负责人:公丕彦",
    ]


def test_without_the_extra_a_scanned_pdf_fails_naming_the_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "rapidocr", None)  # importing it now fails, as without the extra
    path = SCANS / "nanchang-kaohe-2023.pdf"
    with pytest.raises(ParseError) as info:
        parse_pdf(path)
    assert str(info.value) == (
        f"{path}: no text layer: scanned PDF; reading it needs the OCR extra: pip install 'kaohe[ocr]'"
    )


def test_without_the_extra_a_mixed_pdf_warns(tmp_path: Path, corpus_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    writer.add_page(PdfReader(corpus_dir / "zaozhuang-laoganbu-2022.pdf").pages[0])
    writer.add_page(PdfReader(SCANS / "zaozhuang-laoganbu-2022.pdf").pages[1])
    path = tmp_path / "mixed.pdf"
    with path.open("wb") as fh:
        writer.write(fh)
    monkeypatch.setitem(sys.modules, "rapidocr", None)
    doc = parse_pdf(path)
    assert doc.warnings == ("page 2: no text layer (scanned page); to read it: pip install 'kaohe[ocr]'",)
    assert [row_page for row_page in _tables(doc)[0].row_pages] == [1] * 8


def test_cli_names_the_file_and_the_install_command() -> None:
    code = "import sys; sys.modules['rapidocr'] = None; from kaohe.cli import main; main()"
    path = SCANS / "nanchang-kaohe-2023.pdf"
    proc = subprocess.run(
        [sys.executable, "-c", code, "extract", str(path)], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode != 0
    assert f"{path}: no text layer: scanned PDF; reading it needs the OCR extra: pip install 'kaohe[ocr]'" in (
        proc.stdout + proc.stderr
    )


def test_paragraphs_come_before_the_table(zaozhuang_scan: ParsedDocument) -> None:
    kinds = [type(block) for block in zaozhuang_scan.blocks]
    assert kinds[:4] == [Paragraph] * 4 and Table in kinds
