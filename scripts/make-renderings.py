#!/usr/bin/env python3
"""Render DOCX table documents as the web pages and workbooks they are also published as.

The acceptance inputs of issue 9: each DOCX of the corpora, read with kaohe's own DOCX parser, is
written again as

* ``<stem>.html``: a plain UTF-8 page, the paragraphs as ``<h2>`` (the first) and ``<p>``, every
  table with real ``rowspan``/``colspan``;
* ``<stem>.site.html``: the same article inside a government site's chrome (navigation,
  breadcrumb, 发布时间/浏览次数 line, share bar, 打印本页/关闭窗口, footer with 版权所有/ICP备);
* ``<stem>.gbk.htm``: the site page in GBK bytes under ``<meta charset="gbk">`` (a character GBK
  lacks as a numeric character reference);
* ``<stem>.gb18030.html``: the plain page in GB18030 bytes with no charset declared at all;
* ``<stem>.xlsx``: a workbook, a sheet per table; the paragraphs above a table as title rows merged
  across the table's width, those after the last table as merged rows under it; merged cells as
  real merged ranges; a cell that is a plain number (or percent) stored as a number.

A merged cell is recovered from the DOCX grid: ``Cell.spanned`` positions continue a cell that
starts above or to the left, and a merged cell is the rectangle of positions sharing one origin
(found row by row: an origin takes the unclaimed spanned positions right of it with its text, then
the rows below where that whole width is spanned with its text).

usage:
  make-renderings.py                 # the fixture set: tests/fixtures/renderings (raw/, truth/,
                                     # sources/, manifest.json) from the corpora named in SET
  make-renderings.py --out DIR [--forms FORM ...] FILE.docx ...   # every form of each FILE (its
                                     # truth from ../truth/FILE.docx.json beside it, if there)
"""

from __future__ import annotations

import argparse
import hashlib
import html
import json
import re
import shutil
import string
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import openpyxl
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment
from openpyxl.worksheet.worksheet import Worksheet

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from parsers._sheets import value_text  # noqa: E402
from parsers.docx import parse_docx  # noqa: E402
from schema.records import Block, Cell, Paragraph, Table  # noqa: E402

FIXTURES = REPO / "tests" / "fixtures" / "renderings"
SHARED = REPO.parent / "shared"
STAGING = REPO.parent / "staging"

# The fixture set: (corpus directory, DOCX stem, forms). Every form of every table document was
# measured (see SOURCES.md); the set keeps each document in one or two forms and every form on
# several layouts.
SET: tuple[tuple[Path, str, tuple[str, ...]], ...] = (
    (REPO / "tests/fixtures/corpus", "yutian-mubiao-2023", ("html", "xlsx")),
    (REPO / "tests/fixtures/corpus", "zaozhuang-fulian-2022", ("gb18030.html", "xlsx")),
    (SHARED / "corpus-real", "ducha-gongzuo-xize", ("site.html", "xlsx")),
    (SHARED / "corpus-real", "shicheng-hezhang-xiangzhen-2018", ("gbk.htm",)),
    (SHARED / "corpus-real", "zhonglou-xinxi-pingfen", ("html", "xlsx")),
    (STAGING / "h1", "jiangsu-zhupei-jidi-pinggu-2016", ("site.html", "xlsx")),
    (STAGING / "h1", "wangzhuang-meiye-juejin-pingfen", ("html", "xlsx")),
    (STAGING / "h1", "dongnao-banzhuren-gongzi-kaohe", ("gbk.htm", "xlsx")),
    (STAGING / "h1", "qingdao-zhiye-weisheng-fenji-pingding", ("html", "xlsx")),
    (STAGING / "h1", "wendeng-xinyong-pingjia-biaozhun", ("site.html", "xlsx")),
    (STAGING / "h2", "xiangxi-tejiao-mubiao-2023", ("html", "xlsx")),
    (STAGING / "h2", "zhongjiang-shuili-ziping-2022", ("gb18030.html", "xlsx")),
    (STAGING / "h3", "guojia-zhuyuanyishi-waike-pinggu-2016", ("gbk.htm", "xlsx")),
    (STAGING / "h3", "shigong-jiju-jiancha-biao08", ("site.html", "xlsx")),
    (STAGING / "h4", "zhonghua-jiaoxue-pingfen", ("html", "xlsx")),
)
FORMS = ("html", "site.html", "gbk.htm", "gb18030.html", "xlsx")

_NUMBER = re.compile(r"-?(?:0|[1-9]\d{0,11})(?:\.\d{1,6})?")
_PERCENT = re.compile(r"(-?(?:0|[1-9]\d{0,5})(?:\.(\d{1,4}))?)%")


# --- merged cells -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Span:
    """One cell of a table as written: its top-left position, text and extent."""

    row: int
    col: int
    text: str
    rowspan: int = 1
    colspan: int = 1


def spans(table: Table) -> list[Span]:
    """The table's cells with their rowspan/colspan, in reading order (see the module docstring)."""
    rows = table.rows
    width = max((len(row) for row in rows), default=0)
    owned = [[False] * width for _ in rows]
    out: list[Span] = []
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            if owned[r][c]:
                continue
            if cell.spanned:
                raise ValueError(f"spanned position ({r}, {c}) continues no rectangle: {cell.text!r}")
            colspan = 1
            while c + colspan < len(row) and _continues(rows, owned, r, c + colspan, cell.text):
                colspan += 1
            rowspan = 1
            while r + rowspan < len(rows) and all(
                _continues(rows, owned, r + rowspan, col, cell.text) for col in range(c, c + colspan)
            ):
                rowspan += 1
            for covered in range(r, r + rowspan):
                for col in range(c, c + colspan):
                    owned[covered][col] = True
            out.append(Span(r, c, cell.text, rowspan, colspan))
    return out


def _continues(rows: Sequence[Sequence[Cell]], owned: list[list[bool]], r: int, c: int, text: str) -> bool:
    """Whether position (r, c) is an unclaimed continuation of a merged cell holding ``text``."""
    cell = rows[r][c] if c < len(rows[r]) else None
    return cell is not None and not owned[r][c] and cell.spanned and cell.text == text


# --- HTML ---------------------------------------------------------------------------------------


def _lines_html(text: str) -> str:
    return "<br>".join(html.escape(line, quote=False) for line in text.split("\n"))


def _paragraphs_html(text: str) -> str:
    """A cell as a CMS or Word export writes it: a ``<p>`` per line, ``&nbsp;`` when empty."""
    lines = [f"<p>{html.escape(line, quote=False)}</p>" for line in text.split("\n") if line.strip()]
    return "".join(lines) or "&nbsp;"


def table_html(table: Table, *, cms: bool = False) -> str:
    """The table with real rowspan/colspan; ``cms``: cells as ``<p>`` lines, widths and styles."""
    by_row: dict[int, list[Span]] = {}
    for cell in spans(table):
        by_row.setdefault(cell.row, []).append(cell)
    content = _paragraphs_html if cms else _lines_html
    opening = (
        '<table class="MsoNormalTable" width="100%" border="1" cellspacing="0" cellpadding="0" '
        'style="border-collapse:collapse;border:none">'
        if cms
        else '<table border="1" cellspacing="0" cellpadding="4">'
    )
    head = 0 if cms else _header_rows(table, by_row)
    out = [opening, "<thead>" if head else "<tbody>"]
    for r in range(len(table.rows)):
        if head and r == head:
            out += ["</thead>", "<tbody>"]
        tag = "th" if r < head else "td"
        cells = []
        for cell in by_row.get(r, []):
            attributes = (f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else "") + (
                f' colspan="{cell.colspan}"' if cell.colspan > 1 else ""
            )
            if cms:
                attributes += ' valign="center" style="border:solid windowtext 1.0pt;padding:0 5.4pt"'
            cells.append(f"<{tag}{attributes}>{content(cell.text)}</{tag}>")
        out.append(f"<tr>{''.join(cells)}</tr>")
    out += ["</tbody>", "</table>"]
    return "\n".join(out)


def _header_rows(table: Table, by_row: dict[int, list[Span]]) -> int:
    """How many rows a ``<thead>`` takes: the first row and the rows its cells reach down into,
    when that is a header's height (1–3 rows) and leaves rows for the body; else 0."""
    head, row = 1, 0
    while row < head:
        head = max([head, *(cell.row + cell.rowspan for cell in by_row.get(row, []))])
        row += 1
    return head if head <= 3 and head < len(table.rows) - 1 else 0


def article_html(blocks: Sequence[Block], *, title_heading: bool = True, cms: bool = False) -> str:
    """The document's blocks: the first paragraph an ``<h2>`` (unless the page has its own title)."""
    out: list[str] = []
    for index, block in enumerate(blocks):
        if isinstance(block, Table):
            table = table_html(block, cms=cms)
            out.append(f'<div style="overflow-x:auto">\n{table}\n</div>' if cms else table)
        elif index == 0 and title_heading:
            out.append(f"<h2>{_lines_html(block.text)}</h2>")
        elif cms:
            out.append(f'<p style="text-indent:2em;line-height:1.75">{_lines_html(block.text)}</p>')
        else:
            out.append(f"<p>{_lines_html(block.text)}</p>")
    return "\n".join(out)


def title_of(blocks: Sequence[Block]) -> str:
    first = blocks[0] if blocks else None
    return first.text.replace("\n", " ").strip() if isinstance(first, Paragraph) else ""


def plain_page(blocks: Sequence[Block], charset: str | None = "utf-8") -> str:
    meta = f'<meta charset="{charset}">\n' if charset else ""
    title = html.escape(title_of(blocks), quote=False)
    head = f"<!DOCTYPE html>\n<html>\n<head>\n{meta}<title>{title}</title>\n</head>\n"
    return f"{head}<body>\n{article_html(blocks)}\n</body>\n</html>\n"


_SITE = "县人民政府门户网站"
_MENU = (("index", "首页"), ("zwgk", "政务公开"), ("zwfw", "政务服务"), ("hdjl", "互动交流"), ("zjbx", "走进本县"))
# The chrome around the article: nav bar, breadcrumb, 发布时间/浏览次数, share bar, 打印本页/关闭窗口,
# footer with 版权所有 and ICP备, as a county government site has them.
SITE_TEMPLATE = Path(__file__).with_name("renderings-site.html")


def site_page(blocks: Sequence[Block], charset: str = "utf-8") -> str:
    """The article inside the chrome of a county government site (the title as the page's h1)."""
    has_title = bool(blocks) and isinstance(blocks[0], Paragraph)
    body = article_html(blocks[1:] if has_title else blocks, title_heading=False, cms=True)
    menu = "".join(f'<li><a href="/{slug}/">{name}</a></li>' for slug, name in _MENU)
    template = string.Template(SITE_TEMPLATE.read_text(encoding="utf-8"))
    title = html.escape(title_of(blocks), quote=False)
    return template.substitute(charset=charset, title=title, site=_SITE, menu=menu, body=body)


# --- XLSX ---------------------------------------------------------------------------------------


def cell_value(text: str) -> tuple[str | int | float, str | None]:
    """(value, number format): a plain number or percent as a number, shown as the text was."""
    if _NUMBER.fullmatch(text):
        number = float(text) if "." in text else int(text)
        if value_text(number) == text:
            return number, None
    match = _PERCENT.fullmatch(text)
    if match:
        places = len(match.group(2) or "")
        number_format = "0%" if not places else f"0.{'0' * places}%"
        number = float(match.group(1)) / 100
        if value_text(number, number_format) == text:
            return number, number_format
    return text, None


def workbook(blocks: Sequence[Block]) -> openpyxl.Workbook:
    """A sheet per table, the paragraphs above it as merged title rows, trailing ones under it."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    pending: list[str] = []
    sheet, row, width = None, 1, 1
    for block in blocks:
        if isinstance(block, Paragraph):
            pending.append(block.text)
            continue
        sheet, row, width = book.create_sheet(f"Sheet{len(book.worksheets) + 1}"), 1, len(block.rows[0])
        for text in pending:
            row = _merged_row(sheet, row, text, width)
        pending = []
        row = _write_table(sheet, row, block)
    if sheet is None:
        raise ValueError("no table to put in a workbook")
    for text in pending:
        row = _merged_row(sheet, row, text, width)
    return book


def _merged_row(sheet: Worksheet, row: int, text: str, width: int) -> int:
    """One text merged across the table's width at ``row``; the next row."""
    _put(sheet, row, 1, text)
    if width > 1:
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    return row + 1


def _write_table(sheet: Worksheet, top: int, table: Table) -> int:
    """The table from row ``top`` on, merged cells as merged ranges; the row after it."""
    for cell in spans(table):
        row, col = top + cell.row, 1 + cell.col
        _put(sheet, row, col, cell.text)
        if cell.rowspan > 1 or cell.colspan > 1:
            last_row, last_col = row + cell.rowspan - 1, col + cell.colspan - 1
            sheet.merge_cells(start_row=row, start_column=col, end_row=last_row, end_column=last_col)
    return top + len(table.rows)


def _put(sheet: Worksheet, row: int, col: int, text: str) -> None:
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    if not text:
        return
    value, number_format = cell_value(text)
    cell = sheet.cell(row, col, value)
    if isinstance(value, str):
        cell.data_type = "s"  # a text starting with "=" stays text, not a formula
        cell.alignment = Alignment(wrap_text="\n" in value, vertical="center")
    elif number_format:
        cell.number_format = number_format


# --- writing ------------------------------------------------------------------------------------


def _write_text(path: Path, text: str, encoding: str) -> None:
    path.write_bytes(text.encode(encoding, errors="xmlcharrefreplace"))


def _write_xlsx(path: Path, blocks: Sequence[Block]) -> None:
    book = workbook(blocks)
    book.properties.creator = "kaohe make-renderings"
    book.save(path)


WRITERS: dict[str, Callable[[Path, Sequence[Block]], None]] = {
    "html": lambda path, blocks: _write_text(path, plain_page(blocks), "utf-8"),
    "site.html": lambda path, blocks: _write_text(path, site_page(blocks), "utf-8"),
    "gbk.htm": lambda path, blocks: _write_text(path, site_page(blocks, "gbk"), "gbk"),
    "gb18030.html": lambda path, blocks: _write_text(path, plain_page(blocks, None), "gb18030"),
    "xlsx": _write_xlsx,
}


def render(docx: Path, out: Path, forms: Sequence[str] = FORMS) -> Iterator[Path]:
    """Write each form of ``docx`` into ``out``; yields the paths written."""
    blocks = parse_docx(docx).blocks
    out.mkdir(parents=True, exist_ok=True)
    for form in forms:
        path = out / f"{docx.stem}.{form}"
        WRITERS[form](path, blocks)
        yield path


def write_truth(truth: Path, rendering: Path, out: Path) -> None:
    data = json.loads(truth.read_text(encoding="utf-8"))
    data["file"] = f"raw/{rendering.name}"
    out.mkdir(parents=True, exist_ok=True)
    text = json.dumps(data, ensure_ascii=False, indent=1)
    (out / f"{rendering.name}.json").write_text(text + "\n", encoding="utf-8")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _in_repo(docx: Path, sources: Path) -> str:
    """The DOCX's path inside the repository: an identical copy already there, else one made."""
    if docx.resolve().is_relative_to(REPO):
        return docx.resolve().relative_to(REPO).as_posix()
    digest = _sha256(docx)
    for candidate in sorted((REPO / "tests" / "fixtures").rglob("*.docx")):
        if candidate.parent != sources and _sha256(candidate) == digest:
            return candidate.relative_to(REPO).as_posix()
    sources.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(docx, sources / docx.name)
    return (sources / docx.name).relative_to(REPO).as_posix()


def _origin(docx: Path) -> str:
    """Where the DOCX came from: its path in the repository, or beside it (../shared/…)."""
    path = docx.resolve()
    return path.relative_to(REPO).as_posix() if path.is_relative_to(REPO) else f"../{path.relative_to(REPO.parent)}"


def make_fixtures(root: Path = FIXTURES) -> None:
    """Write the fixture set (raw/, truth/, sources/, manifest.json) afresh."""
    for sub in ("raw", "truth", "sources"):
        shutil.rmtree(root / sub, ignore_errors=True)
    manifest: dict[str, dict[str, str]] = {}
    for corpus, stem, forms in SET:
        docx, truth = corpus / "raw" / f"{stem}.docx", corpus / "truth" / f"{stem}.docx.json"
        origin = _origin(docx)
        in_repo = _in_repo(docx, root / "sources")
        for path in render(docx, root / "raw", forms):
            write_truth(truth, path, root / "truth")
            manifest[path.name] = {"docx": in_repo, "origin": origin}
    text = json.dumps(dict(sorted(manifest.items())), ensure_ascii=False, indent=1)
    (root / "manifest.json").write_text(text + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("docx", nargs="*", type=Path, help="DOCX files to render in every form")
    parser.add_argument("--out", type=Path, help="output corpus directory (raw/ and truth/ under it)")
    parser.add_argument("--forms", nargs="+", choices=FORMS, default=list(FORMS))
    args = parser.parse_args()
    if not args.docx:
        make_fixtures()
        return
    if args.out is None:
        parser.error("--out is needed with DOCX files")
    for docx in args.docx:
        truth = docx.parent.parent / "truth" / f"{docx.name}.json"
        for path in render(docx, args.out / "raw", args.forms):
            if truth.exists():
                write_truth(truth, path, args.out / "truth")
            print(path)


if __name__ == "__main__":
    main()
