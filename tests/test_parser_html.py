"""parsers.html: the HTML table model as a slot grid, encodings, page chrome, templates, MHT."""

from __future__ import annotations

import base64
import quopri
import re
import time
import tracemalloc
from pathlib import Path

import pytest

from parsers.docx import parse_docx
from parsers.html import html_blocks, parse_html, parse_html_bytes, strip_templates
from pipeline.parse import parse
from schema.errors import ParseError
from schema.records import Block, Cell, Paragraph, Table

FIXTURES = Path(__file__).parent / "fixtures" / "html"
S = "SPANNED"  # marks a spanned position in the expected grids below


def _grid(table: Block) -> list[list[str]]:
    """A table as texts, spanned positions written ``text*``."""
    assert isinstance(table, Table)
    return [[f"{cell.text}*" if cell.spanned else cell.text for cell in row] for row in table.rows]


def _tables(blocks: tuple[Block, ...]) -> list[Table]:
    return [block for block in blocks if isinstance(block, Table)]


def _paragraphs(blocks: tuple[Block, ...]) -> list[str]:
    return [block.text for block in blocks if isinstance(block, Paragraph)]


def _only_table(html: str) -> list[list[str]]:
    [table] = _tables(html_blocks(html))
    return _grid(table)


# --- the table model ----------------------------------------------------------------------------

GRIDS = [
    pytest.param(
        "<table><thead><tr><th colspan=3>评估项目</th><th rowspan=2>分值</th></tr>"
        "<tr><th>一级</th><th>二级</th><th>三级</th></tr></thead>"
        "<tbody><tr><th rowspan=2>1.基本条件</th><td>1.1</td><td>1.1.1</td><td>5</td></tr>"
        "<tr><td>1.2</td><td>1.2.1</td><td>3</td></tr></tbody></table>",
        [
            ["评估项目", "评估项目*", "评估项目*", "分值"],
            ["一级", "二级", "三级", "分值*"],
            ["1.基本条件", "1.1", "1.1.1", "5"],
            ["1.基本条件*", "1.2", "1.2.1", "3"],
        ],
        id="two-row-header-colspan-over-rowspan",
    ),
    pytest.param(
        "<table><td>甲<td>乙<tr><td>丙<td>丁</table>",
        [["甲", "乙"], ["丙", "丁"]],
        id="no-tr-no-tbody-no-end-tags",
    ),
    pytest.param(
        "<table><tr><th>项目</th><th>分值</th></tr><tr><td>组织</td><td>10</td></tr></table>",
        [["项目", "分值"], ["组织", "10"]],
        id="th-cells",
    ),
    pytest.param(
        '<table><tr><td colspan="0">零</td><td>乙</td></tr><tr><td>丙</td><td>丁</td></tr></table>',
        [["零", "乙"], ["丙", "丁"]],
        id="colspan-zero-is-one",
    ),
    pytest.param(
        '<table><tr><td colspan="999999">标题</td></tr><tr><td>甲</td><td>乙</td><td>丙</td></tr></table>',
        [["标题", "标题*", "标题*"], ["甲", "乙", "丙"]],
        id="huge-colspan-capped-to-width",
    ),
    pytest.param(
        '<table><tr><td rowspan="999999">组</td><td>一</td></tr><tr><td>二</td></tr></table>',
        [["组", "一"], ["组*", "二"]],
        id="huge-rowspan-capped-to-height",
    ),
    pytest.param(
        '<table><tbody><tr><td rowspan="0">组</td><td>一</td></tr><tr><td>二</td></tr></tbody>'
        "<tbody><tr><td>三</td><td>四</td></tr></tbody></table>",
        [["组", "一"], ["组*", "二"], ["三", "四"]],
        id="rowspan-zero-to-end-of-row-group",
    ),
    pytest.param(
        '<table><tr><td colspan="2px">宽</td></tr><tr><td colspan="x">甲</td><td>乙</td></tr></table>',
        [["宽", "宽*"], ["甲", "乙"]],
        id="span-leading-digits-or-invalid",
    ),
    pytest.param(
        "<table><tr><td>a</td><td>b</td><td>c</td><td>d</td></tr><tr><td>e</td><td>f</td><td>g</td><td>h</td></tr>"
        '<tr><td colspan="2">存在问题</td><td colspan="3"></td></tr></table>',
        [["a", "b", "c", "d"], ["e", "f", "g", "h"], ["存在问题", "存在问题*", "", "*"]],
        id="row-wider-than-the-table-clamped",
    ),
    pytest.param(
        '<table><tr><td rowspan="2">类别</td><td>甲</td><td>-20</td></tr>'
        "<tr><td>乙</td><td>-30</td></tr><tr><td>丙</td><td>-10</td></tr></table>",
        [["类别", "甲", "-20"], ["类别*", "乙", "-30"], ["丙", "-10", ""]],
        id="short-rowspan-shifts-later-rows-as-shown",
    ),
    pytest.param(
        '<table><tr><td rowspan="2">左</td><td>右上</td></tr><tr><td colspan="2">下</td></tr></table>',
        [["左", "右上", ""], ["左*", "下", "下*"]],
        id="rowspan-keeps-position-colspan-moves-right",
    ),
    pytest.param(
        "<table><tr><td>第一行<br>第二行</td><td><p>段一</p><p>段二</p></td>"
        "<td><div>块一</div>尾<div>块二</div></td></tr></table>",
        [["第一行\n第二行", "段一\n段二", "块一\n尾\n块二"]],
        id="br-p-div-are-lines",
    ),
    pytest.param(
        "<table><tr><td>外</td><td><table><tr><td>内甲</td><td>内乙</td></tr>"
        "<tr><td colspan=2>内丙</td></tr></table></td></tr></table>",
        [["外", "内甲\n内乙\n内丙"]],
        id="nested-data-table-stays-in-its-cell",
    ),
    pytest.param(
        "<table><tr><td></td><td></td></tr><tr><td>甲</td><td>乙</td></tr>"
        "<tr><td>&nbsp;</td><td> </td></tr></table>",
        [["甲", "乙"]],
        id="empty-spacer-rows-dropped",
    ),
    pytest.param(
        '<table><tr><td rowspan="2">合</td><td>一</td></tr><tr><td></td></tr></table>',
        [["合", "一"], ["合*", ""]],
        id="row-reached-by-a-rowspan-kept",
    ),
    pytest.param(
        "<table><tr><td>考評項目</td><td>標準</td><td style='border:none' width=0><p>&nbsp;</p></td></tr>"
        "<tr><td>教學</td><td>每次扣1分</td><td style='border:none' width=0></td></tr></table>",
        [["考評項目", "標準"], ["教學", "每次扣1分"]],
        id="word-zero-width-spacer-column-dropped",
    ),
    pytest.param(
        "<table><tr><td>  多个\n   空格\t和换行 </td><td>跨行的\n中文</td><td>a\nb</td></tr></table>",
        [["多个空格 和换行", "跨行的中文", "a b"]],
        id="whitespace-collapsed-none-between-cjk",
    ),
]


@pytest.mark.parametrize(("html", "expected"), GRIDS)
def test_grid(html: str, expected: list[list[str]]) -> None:
    assert _only_table(html) == expected


def test_shared_slot_text_repeats_and_flags_spanned() -> None:
    html = "<table><tr><td rowspan=2 colspan=2>合并</td><td>x</td></tr><tr><td>y</td></tr></table>"
    [table] = _tables(html_blocks(html))
    assert table.rows == (
        (Cell("合并"), Cell("合并", spanned=True), Cell("x")),
        (Cell("合并", spanned=True), Cell("合并", spanned=True), Cell("y")),
    )


@pytest.mark.parametrize(
    ("attributes", "shape"),
    [
        ('colspan="999999" rowspan="999999"', (3, 6)),
        ('colspan="4294967296"', (3, 5)),
        ('rowspan="65535" colspan="1000"', (3, 6)),
        ('colspan="-5" rowspan="-1"', (3, 3)),
    ],
)
def test_bad_spans_bounded_in_time_and_memory(attributes: str, shape: tuple[int, int]) -> None:
    rows = "".join(f"<tr>{''.join(f'<td>{r}{c}</td>' for c in range(3))}</tr>" for r in range(1, 3))
    html = f"<table><tr><td {attributes}>坏</td><td>b</td><td>c</td></tr>{rows}</table>" * 200
    tracemalloc.start()
    started = time.perf_counter()
    tables = _tables(html_blocks(html))
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert len(tables) == 200
    assert {(len(t.rows), len(t.rows[0])) for t in tables} == {shape}
    assert elapsed < 5
    assert peak < 50 * 2**20


def test_several_tables_in_document_order_with_headings() -> None:
    blocks = html_blocks(
        "<h1>个人信用信息评价标准</h1><h2>商务领域</h2><table><tr><td>a</td></tr><tr><td>b</td></tr></table>"
        "<h2>社会管理领域</h2><table><tr><td>c</td><td>d</td></tr></table><p>注：每月为一周期。</p>"
    )
    assert [type(b).__name__ for b in blocks] == ["Paragraph", "Paragraph", "Table", "Paragraph", "Table", "Paragraph"]
    assert _paragraphs(blocks) == ["个人信用信息评价标准", "商务领域", "社会管理领域", "注：每月为一周期。"]


def test_layout_tables_read_as_page_flow() -> None:
    blocks = html_blocks(
        "<title>站名</title><table width=100% border=0><tr><td>"
        "<table border=0><tr><td><div>教学评分标准</div>"
        "<table border=1><tr><td>项目</td><td>标准</td></tr><tr><td>教学</td><td>扣1分</td></tr></table>"
        "<p>注：基本分为70分。</p></td></tr></table></td></tr></table>"
        "<table><tr><td>总分:</td></tr></table>"
    )
    assert _paragraphs(blocks) == ["教学评分标准", "注：基本分为70分。", "总分:"]
    [table] = _tables(blocks)
    assert _grid(table) == [["项目", "标准"], ["教学", "扣1分"]]


def test_one_column_frame_around_a_table_is_layout() -> None:
    blocks = html_blocks(
        "<table><tr><td>考核细则</td></tr><tr><td><table><tr><td>甲</td><td>5</td></tr></table></td></tr>"
        "<tr><td>附件</td></tr></table>"
    )
    assert [type(b).__name__ for b in blocks] == ["Paragraph", "Table", "Paragraph"]


def test_header_only_table_joined_to_the_body_table() -> None:
    blocks = html_blocks(
        "<table><thead><tr><th>检查项目</th><th>标准分</th></tr></thead></table>"
        "<table><tbody><tr><td></td><td></td></tr><tr><td>生产接续</td><td>2</td></tr></tbody></table>"
    )
    [table] = _tables(blocks)
    assert _grid(table) == [["检查项目", "标准分"], ["生产接续", "2"]]


def test_caption_is_a_paragraph_before_its_table() -> None:
    blocks = html_blocks("<table><caption>表1 考核表</caption><tr><td>a</td><td>b</td></tr></table>")
    assert isinstance(blocks[0], Paragraph) and blocks[0].text == "表1 考核表"
    assert isinstance(blocks[1], Table)


# --- text outside tables, chrome, title -----------------------------------------------------------

CHROME_PAGE = """<html><head><title>关于印发考核细则的通知_某市人民政府门户网站</title>
<style>p {color: red}</style><script>var 已阅读 = "脚本文字";</script></head><body>
<header><div>某市人民政府</div><nav><a>首页</a><a>政务公开</a></nav></header>
<div class="bread-crumb">当前位置：首页 &gt; 通知公告</div>
<div class="main"><article><header><h1>关于印发考核细则的通知</h1></header>
<p>发布时间：2023-05-12　来源：市财政局　浏览次数：123</p>
<p>字号：大 中 小</p>
<p>各区县：</p><p>现将考核细则印发给你们。<br>请遵照执行。</p>
<div style="display:none">隐藏的文字</div><p hidden>也隐藏</p>
<form><input value="输入框"><button>提交</button><select><option>选项</option></select><label>姓名</label></form>
<table><tr><td>项目</td><td>分值</td></tr><tr><td>组织领导</td><td>20</td></tr></table>
<div class="bdsharebuttonbox"><a>分享到：</a><a>微信</a></div>
<p>【打印本页】【关闭窗口】</p><p>上一篇：关于某事的通知</p><p>下一篇：无</p></article></div>
<aside>相关链接</aside>
<footer><p>版权所有：某市人民政府办公室 京ICP备05070218号</p><p>网站地图 | 联系我们</p></footer>
</body></html>"""


def test_chrome_kept_out() -> None:
    blocks = html_blocks(CHROME_PAGE)
    assert _paragraphs(blocks) == [
        "关于印发考核细则的通知",
        "各区县：",
        "现将考核细则印发给你们。\n请遵照执行。",
        "姓名",
    ]
    [table] = _tables(blocks)
    assert _grid(table) == [["项目", "分值"], ["组织领导", "20"]]


@pytest.mark.parametrize(
    "line",
    [
        "已阅读", "下载", "分享到：", "打印本页", "关闭窗口", "【打印】【关闭】", "上一篇：关于某事的通知",
        "下一篇", "网站地图", "版权所有 © 2023 某市人民政府", "京ICP备05070218号-1", "联系我们",
        "当前位置：首页 > 政务公开", "首页 > 政务公开 > 通知公告", "字号：大 中 小", "【字体：大 中 小】",
        "浏览次数：1024", "来源：市财政局", "发布时间：2023-05-12 来源：市财政局", "已阅读 56 次",
        "打印本页 | 关闭窗口", "分享到： 微信 微博 QQ空间", "京公网安备 11010502030143号",
        "网站标识码：3700000001", "建议使用IE9以上浏览器", "Copyright 2008-2023 All Rights Reserved",
    ],
)
def test_boilerplate_line_dropped(line: str) -> None:
    assert _paragraphs(html_blocks(f"<p>考核细则</p><p>{line}</p><p>一、领导重视（20分）</p>")) == [
        "考核细则",
        "一、领导重视（20分）",
    ]


@pytest.mark.parametrize(
    "line",
    [
        "资金来源：财政拨款", "数据来源：统计局年报", "下载率达到90%以上", "1.按时关闭窗口期申报（2分）", "中",
        "大力推进网站建设",
    ],
)
def test_document_line_kept(line: str) -> None:
    assert _paragraphs(html_blocks(f"<p>{line}</p>")) == ([line] if line != "中" else [])


@pytest.mark.parametrize(
    ("html", "first"),
    [
        ("<title>评定表_某网站</title><h1>青岛市评定表</h1><table><tr><td>a</td></tr><tr><td>b</td></tr></table>",
         "青岛市评定表"),
        ("<title>评定表 - 某平台</title><p>表上方的标题</p><table><tr><td>a</td><td>b</td></tr></table>",
         "表上方的标题"),
        ("<title>青岛市职业卫生分类及分级管理评定表</title><br><table><tr><td>a</td><td>b</td></tr></table>",
         "青岛市职业卫生分类及分级管理评定表"),
        ("<title>关于印发考核细则的通知_某市人民政府门户网站</title><table><tr><td>a</td><td>b</td></tr></table>",
         "关于印发考核细则的通知"),
        ("<title>某市人民政府 | 考核办法</title><table><tr><td>a</td><td>b</td></tr></table>", "考核办法"),
    ],
)
def test_title_paragraph_before_the_table(html: str, first: str) -> None:
    blocks = html_blocks(html)
    assert isinstance(blocks[0], Paragraph) and blocks[0].text == first
    assert _paragraphs(blocks).count(first) == 1


# --- templates ------------------------------------------------------------------------------------

JSP = """<%@ page contentType="text/html;charset=UTF-8" %>
<%@ taglib prefix="c" uri="http://java.sun.com/jsp/jstl/core" %>
<%-- 注释 <td>不应出现</td> --%>
<html><body><h1>${title}考核表</h1><p>单位：<%= request.getParameter("org") %>某局</p>
<table><tr><th>项目</th><th>分值</th></tr>
<c:forEach items="${list}" var="item" varStatus="s"><tr><td>${item.name}组织领导</td>
<td><c:out value="${item.score}"/>20</td></tr></c:forEach>
<c:if test="${a > b}"><tr><td>加分项</td><td>5</td></tr></c:if>
<tr><td>{{ row.name }}合计</td><td><fmt:formatNumber value="#{total}"/>25</td></tr>
<#list rows as r><tr><td>${r}</td></#list>
</table><?php echo $x; ?></body></html>"""


def test_template_debris_never_reaches_the_text() -> None:
    blocks = html_blocks(JSP)
    texts = _paragraphs(blocks) + [cell.text for table in _tables(blocks) for row in table.rows for cell in row]
    assert not [text for text in texts if re.search(r"[<>%$#{}]|item|forEach|request|echo", text)]
    assert _paragraphs(blocks) == ["考核表", "单位：某局"]
    [table] = _tables(blocks)
    assert _grid(table) == [["项目", "分值"], ["组织领导", "20"], ["加分项", "5"], ["合计", "25"]]


def test_strip_templates_keeps_word_markup_content() -> None:
    assert strip_templates("<p>年份<o:p></o:p><st1:chsdate w:st='on'>2023年</st1:chsdate></p>") == "<p>年份2023年</p>"


# --- encodings ----------------------------------------------------------------------------------

TEXT = "考核细则：满意度≥95%（10分）"
HANT = "中華技術學院教學評分標準：每學分加1分，更改一名學生扣1分"


def _page(meta: str = "", text: str = TEXT) -> str:
    return f"<html><head>{meta}</head><body><p>{text}</p></body></html>"


# Long enough for the legacy-codec guess (GB18030 or Big5) when the page declares nothing.
LONG = "根据县委、县政府2023年度计划目标，认真落实老干部各项政治待遇和生活待遇。一、领导重视（20分）成立领导小组。"
LONG_HANT = "中華技術學院教學評分標準：教學評量調查結果優良者，每學分加1分；更改一名學生成績扣1分，上下限為1至20分。"

ENCODINGS = [
    pytest.param(b"\xef\xbb\xbf" + _page().encode("utf-8"), "utf-8-sig", TEXT, id="utf8-bom"),
    pytest.param(_page('<meta charset="utf-8">').encode("utf-8"), "utf-8", TEXT, id="meta-charset-utf8"),
    pytest.param(_page('<meta charset="gbk">').encode("gbk"), "gb18030", TEXT, id="meta-charset-gbk"),
    pytest.param(
        _page('<meta http-equiv="Content-Type" content="text/html; charset=gb2312">').encode("gb18030"),
        "gb18030",
        TEXT,
        id="http-equiv-gb2312",
    ),
    pytest.param(_page("<meta charset=GB18030>").encode("gb18030"), "gb18030", TEXT, id="meta-gb18030-unquoted"),
    pytest.param(_page('<meta charset="big5">', HANT).encode("cp950"), "cp950", HANT, id="meta-big5"),
    pytest.param(_page(text=LONG).encode("gb18030"), "gb18030", LONG, id="no-charset-gb18030"),
    pytest.param(_page(text=LONG_HANT).encode("cp950"), "big5", LONG_HANT, id="no-charset-big5"),
    pytest.param(_page().encode("utf-8"), "utf-8", TEXT, id="no-charset-utf8"),
    pytest.param(
        _page('<meta charset="utf-8">', LONG).encode("gb18030"), "gb18030", LONG, id="declared-utf8-really-gbk"
    ),
    pytest.param(
        _page('<meta charset="iso-8859-1">').encode("utf-8"), "utf-8", TEXT, id="declared-latin1-really-utf8"
    ),
    pytest.param(_page().encode("utf-16"), "utf-16", TEXT, id="utf16-bom"),
    pytest.param(
        ('<?xml version="1.0" encoding="GBK"?>' + _page()).encode("gbk"), "gb18030", TEXT, id="xml-declaration"
    ),
]


@pytest.mark.parametrize(("data", "encoding", "text"), ENCODINGS)
def test_encoding(data: bytes, encoding: str, text: str) -> None:
    document = parse_html_bytes(data, "page.html")
    assert document.encoding == encoding
    assert _paragraphs(document.blocks) == [text]
    assert document.warnings == ()


def test_undecodable_bytes_under_a_declared_charset_are_replaced_with_a_warning() -> None:
    data = _page('<meta charset="big5">', HANT).encode("cp950") + b"<p>\xff\xfe\xff</p>"
    document = parse_html_bytes(data, "page.html")
    assert document.encoding == "cp950"
    assert _paragraphs(document.blocks)[0] == HANT
    assert document.warnings == ("text does not decode as its declared charset big5: undecodable bytes replaced",)


# --- MHT, files, errors ---------------------------------------------------------------------------


def _mht(html: str, encoding: str) -> bytes:
    body = html.encode("gb2312")
    payload = quopri.encodestring(body) if encoding == "quoted-printable" else base64.encodebytes(body)
    return (
        b'MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary="----=_NextPart_01"\r\n\r\n'
        b"This document is a Single File Web Page.\r\n\r\n------=_NextPart_01\r\n"
        b"Content-Location: file:///C:/x.htm\r\nContent-Transfer-Encoding: " + encoding.encode() + b"\r\n"
        b'Content-Type: text/html; charset="gb2312"\r\n\r\n' + payload + b"\r\n------=_NextPart_01--\r\n"
    )


@pytest.mark.parametrize("transfer", ["quoted-printable", "base64"])
def test_mht_archive(tmp_path: Path, transfer: str) -> None:
    path = tmp_path / "考核.mht"
    path.write_bytes(_mht("<html><body><p>考核表</p><table><tr><td>项目</td><td>分值</td></tr></table></body></html>",
                          transfer))
    document = parse(path)
    assert document.format == "html"
    assert _paragraphs(document.blocks) == ["考核表"]
    assert _grid(_tables(document.blocks)[0]) == [["项目", "分值"]]


def test_mht_without_html_part(tmp_path: Path) -> None:
    path = tmp_path / "x.mhtml"
    path.write_bytes(b"MIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nhello\r\n")
    with pytest.raises(ParseError, match="without an HTML part"):
        parse(path)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty file (0 bytes)"),
        ("<html><head><script>x()</script></head><body><nav>首页</nav></body></html>".encode(), "no text in the page"),
        (bytes(range(256)) * 4, "binary data, not a text file"),
    ],
)
def test_errors_name_the_file(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "page.htm"
    path.write_bytes(content)
    with pytest.raises(ParseError) as info:
        parse(path)
    assert str(info.value).startswith(f"{path}: {reason}")
    assert "\n" not in str(info.value)


# --- real pages: the same grid as their DOCX renderings -------------------------------------------

REAL = sorted(path.stem for path in FIXTURES.glob("*.html"))


def _squeezed(table: Table) -> list[list[tuple[str, bool]]]:
    rows = [[(re.sub(r"\s+", "", cell.text), cell.spanned) for cell in row] for row in table.rows]
    return [row for row in rows if any(text for text, _ in row)]  # the DOCX keeps empty rows


@pytest.mark.parametrize("stem", REAL)
def test_real_page_same_grid_as_docx(stem: str) -> None:
    html = parse_html(FIXTURES / f"{stem}.html")
    docx = parse_docx(FIXTURES / f"{stem}.docx")
    assert html.format == "html" and html.encoding == "utf-8"
    assert [_squeezed(t) for t in _tables(html.blocks)] == [_squeezed(t) for t in _tables(docx.blocks)]


@pytest.mark.parametrize(
    ("stem", "first"),
    [
        ("qingdao-zhiye-weisheng-fenji-pingding", "青岛市职业卫生分类及分级管理评定表"),
        ("jiangsu-zhupei-jidi-pinggu-2016", "2016年住院医师规范化培训基地评估指标"),
        ("zhonghua-jiaoxue-pingfen", "中 華 技 術 學 院 教 學 評 分 標 準"),
        ("dongnao-banzhuren-gongzi-kaohe", "动脑学院班主任月度考核表"),
    ],
)
def test_real_page_title_first(stem: str, first: str) -> None:
    blocks = parse_html(FIXTURES / f"{stem}.html").blocks
    assert isinstance(blocks[0], Paragraph) and blocks[0].text == first


def test_real_page_paragraphs_between_tables() -> None:
    blocks = parse_html(FIXTURES / "wendeng-xinyong-pingjia-biaozhun.html").blocks
    assert [type(b).__name__ for b in blocks][:4] == ["Paragraph", "Paragraph", "Table", "Paragraph"]
    assert _paragraphs(blocks)[:2] == ["个人信用信息评价标准", "商务领域失信信息"]
