"""Properties of the normalizers, grammars and table readers: on any input they return a value of
their kind without raising, and their time grows linearly with the input.

Inputs are drawn from the tokens the grammars care about (verbs, units, figures, brackets,
separators), so that the generated texts exercise the patterns rather than only miss them.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from normalizers.numbers import first_number, parse_chinese_numeral, parse_number
from normalizers.points import inline_points, parse_points, split_name_points, trailing_points
from normalizers.rules import amount_rules, find_rules, item_points, stated_points
from normalizers.targets import parse_target, single_threshold
from normalizers.thresholds import point_range, tier_threshold, veto_effect
from parsers.text import parse_text, parse_text_string
from pipeline.build import build
from pipeline.build.columns import numbering_rank, role_of
from pipeline.build.runon import expand_runon
from pipeline.build.stream import expand_streams
from pipeline.build.table import table_indicators
from pipeline.normalize import normalize
from schema.errors import ParseError
from schema.records import Cell, Paragraph, ParsedDocument, Table

_TOKENS = [
    "扣", "加", "减", "奖", "得", "计", "分", "每", "少", "次", "篇", "件", "元", "%", "万", "人",
    "(", ")", "（", "）", "、", ",", "，", "。", ";", "；", ":", "：", "-", "~", "至", "/", " ", "\n", "|", "\t",
    "0", "1", "2", "5", "10", "0.5", "20", "100", "一", "二", "十", "两", "半",
    "不得分", "扣完为止", "最多", "最高", "否则", "其中", "一票否决", "以上", "以下", "不少于", "≥", "≤", "=",
    "满分", "得满分", "占", "基准分", "加:", "减:", "按", "比例", "分别", "酌情", "累计", "为止", "封顶",
    "1.", "2、", "一、", "(一)", "①", "序号", "考核项目", "分值", "得分", "评分标准", "一级指标", "合计", "备注",
    # what the fuzzer found: numerals that are no number, broken figures, brackets
    "二一、", "十十、", "扣0 .5分", "[", "]", "【", "】", "《", "》", "“", "”", "\x00",
    # clause terms: ranks, shares and veto scopes
    "前", "名", "位", "第", "以内", "百分之", "成", "该项", "本部分", "实行", "否决", "取消评优", "定为不合格",
]
TEXT = st.lists(st.sampled_from(_TOKENS), max_size=60).map("".join)
SECTIONS = st.sampled_from(["scored", "bonus", "deduct", "mixed"])
POINTS = st.one_of(st.none(), st.floats(min_value=0, max_value=500, allow_nan=False))
FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SOME = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Any text at all, surrogates and control characters included (as a damaged file decodes).
ANY_TEXT = st.text(st.characters(codec=None, exclude_categories=()), max_size=200)


@FAST
@given(TEXT, SECTIONS, POINTS)
def test_find_rules_returns_rules(text: str, section: str, points: float | None) -> None:
    for rule in find_rules(text, section, points):  # type: ignore[arg-type]
        assert rule.kind in ("deduct", "bonus", "veto", "tier")
        assert rule.points is None or rule.points >= 0
        assert rule.cap is None or rule.cap >= 0
        assert rule.per is None or rule.per.count >= 0


@FAST
@given(TEXT)
def test_number_and_points_parsers_return_numbers_or_none(text: str) -> None:
    for value in (stated_points(text), item_points(text), parse_points(text), parse_number(text)):
        assert value is None or isinstance(value, float)
    assert trailing_points(text) is None or trailing_points(text) >= 0
    name, points = split_name_points(text)
    assert isinstance(name, str) and (points is None or points >= 0)
    assert all(r.kind in ("deduct", "bonus", "veto", "tier") for r in amount_rules(text))


@FAST
@given(TEXT)
def test_clause_terms_are_well_formed(text: str) -> None:
    threshold = tier_threshold(text)
    assert threshold is None or (threshold.value >= 0 and (threshold.unit != "rank" or threshold.value >= 1))
    bounds = point_range(text)
    assert bounds is None or 0 <= bounds[0] <= bounds[1]
    assert veto_effect(text) in ("item", "section", "assessment", "eligibility")


@pytest.mark.parametrize("unit", ["前三名,", "该项一票否决;", "百分之九十以上", "本部分实行否决,取消评优"])
def test_clause_terms_time_is_linear(unit: str) -> None:
    def read(text: str) -> object:
        return tier_threshold(text), veto_effect(text), point_range(text)

    small, large = unit * 750, unit * 3000
    assert _seconds(read, large) < 8 * _seconds(read, small) + 0.05


@FAST
@given(TEXT)
def test_target_parsers_return_targets_or_none(text: str) -> None:
    for target in (parse_target(text), single_threshold(text)):
        assert target is None or target.op in (">=", "<=", ">", "<", "=")


@FAST
@given(TEXT)
def test_header_words_and_numbering(text: str) -> None:
    role_of(text)
    rank = numbering_rank(text)
    assert rank is None or 0 <= rank <= 6


@FAST
@given(TEXT)
def test_text_parser_and_stream_reflow_never_raise(text: str) -> None:
    for block in expand_streams(parse_text_string(text)):
        if isinstance(block, Table):
            assert all(isinstance(cell, Cell) for row in block.rows for cell in row)


@FAST
@given(st.lists(st.lists(st.tuples(TEXT, st.booleans()), min_size=1, max_size=6), min_size=1, max_size=8))
def test_table_reader_never_raises(rows: list[list[tuple[str, bool]]]) -> None:
    width = max(len(row) for row in rows)
    grid = tuple(tuple(Cell(text=t, spanned=s) for t, s in row) + (Cell(text=""),) * (width - len(row)) for row in rows)
    header = tuple(Cell(text=t) for t in ("序号", "考核项目", "考核内容", "分值", "评分标准", "得分")[:width])
    for table in (Table(rows=grid), Table(rows=(header, *grid))):
        result = table_indicators(table)
        for root in result.roots:
            for node in root.walk():
                assert isinstance(node.name, str)


@SOME
@given(ANY_TEXT)
def test_grammars_and_normalizers_on_any_text(text: str) -> None:
    """Not only the tokens the grammars look for: any characters, in any order."""
    for rule in find_rules(text, "scored", None):
        assert rule.kind in ("deduct", "bonus", "veto", "tier")
        assert rule.points is None or rule.points >= 0
    for value in (stated_points(text), item_points(text), parse_points(text), parse_number(text), first_number(text)):
        assert value is None or isinstance(value, float)
    assert all(isinstance(points, float) for points in inline_points(text))
    numeral = parse_chinese_numeral(text)
    assert numeral is None or numeral >= 0
    for target in (parse_target(text), single_threshold(text)):
        assert target is None or target.op in (">=", "<=", ">", "<", "=")


_DIGITS = "一二三四五六七八九"


@SOME
@given(st.integers(min_value=1, max_value=99))
def test_section_numerals_read_back(number: int) -> None:
    tens, units = divmod(number, 10)
    spelled = ("" if tens <= 1 else _DIGITS[tens - 1]) + ("十" if tens else "") + (_DIGITS[units - 1] if units else "")
    assert parse_chinese_numeral(spelled) == number


@SOME
@given(st.lists(st.sampled_from("一二三四五六七八九十两〇"), min_size=1, max_size=4).map("".join))
def test_any_run_of_numerals_is_a_number_or_none(numerals: str) -> None:
    value = parse_chinese_numeral(numerals)
    assert value is None or value >= 0


@SOME
@given(st.one_of(ANY_TEXT.map(lambda t: t.encode("utf-8", "surrogatepass")), st.binary(max_size=300),
                 TEXT.map(str.encode)))
def test_text_parser_on_any_bytes_raises_only_parse_errors(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "input.txt"
        path.write_bytes(data)
        try:
            doc = parse_text(path)
        except ParseError as exc:
            assert exc.reason and "\n" not in exc.reason
            return
    assert doc.format == "text" and all(isinstance(block, Paragraph | Table) for block in doc.blocks)


@SOME
@given(TEXT)
def test_build_stage_on_any_text_never_raises(text: str) -> None:
    doc = ParsedDocument(source="t.txt", format="text", blocks=parse_text_string(text) or (Paragraph(text="x"),))
    extraction = build(normalize(doc), "0" * 64)
    assert all(isinstance(indicator.name, str) for indicator in extraction.indicators)


def _seconds(function: Callable[[str], object], text: str) -> float:
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        function(text)
        best = min(best, time.perf_counter() - start)
    return best


@pytest.mark.parametrize(
    "unit",
    ["(1分)", "每少1次扣1分;", "最多扣5分,", "扣完为止。", "分别奖20、10分;", "加:好。减:差。", "1.甲得1分。",
     "不得分,", "(3分)完成70%(1分)", "得3分;否则不得分。"],
)
def test_rule_grammar_time_is_linear(unit: str) -> None:
    """Four times the text takes about four times the time: well under the sixteen of quadratic
    work, with room for a loaded machine."""
    def read(text: str) -> object:
        return find_rules(text, "scored", 5), stated_points(text)

    small, large = unit * 750, unit * 3000
    assert _seconds(read, large) < 8 * _seconds(read, small) + 0.05


@pytest.mark.parametrize("line", ["| 考核项目\n| 分值\n|\n", "考核项目 |\n5 |\n|\n", "序号\t考核内容\t分值\n"])
def test_text_layouts_time_is_linear(line: str) -> None:
    def read(text: str) -> object:
        return expand_streams(parse_text_string(text))

    small, large = line * 500, line * 2000
    assert _seconds(read, large) < 8 * _seconds(read, small) + 0.05


@pytest.mark.parametrize(
    ("read", "unit"),
    [
        (lambda text: find_rules(text, "scored", 5), None),  # nested brackets
        (lambda text: find_rules(text, "bonus"), "(3分)"),  # marks paired with their phrases
        (lambda text: expand_runon((Paragraph(text=text),)), "考核指标(1分)，每少一次扣1分；"),  # run-on header search
        (lambda text: expand_runon((Paragraph(text=text),)), "序号考核项目分值"),
        (lambda text: build(normalize(ParsedDocument("t.txt", "text", parse_text_string(text))), "0" * 64),
         "二一、领导重视(20分)\n1、成立(3分)\n"),
    ],
)
def test_fuzz_worst_cases_take_linear_time(read: Callable[[str], object], unit: str | None) -> None:
    """The inputs the fuzzer timed out on, at n and 4n: well under the sixteen times of quadratic work."""
    def text(n: int) -> str:
        return "(" * (n * 10) + "扣1分" + ")" * (n * 10) if unit is None else unit * n

    small, large = text(400), text(1600)
    assert _seconds(read, large) < 8 * _seconds(read, small) + 0.05


@FAST
@given(
    st.lists(TEXT, min_size=1, max_size=10),
    st.sampled_from(["序号 考核内容 评分标准 分值", "一级指标 二级指标 三级指标 指标值 分值"]),
)
def test_spaced_rows_and_paragraph_streams_never_raise(lines: list[str], header: str) -> None:
    from pipeline.build.spaced import expand_spaced

    for paragraphs in ([header, *lines], [*header.split(), *lines]):
        blocks = tuple(Paragraph(text=line) for line in paragraphs if line.strip())
        for block in (*expand_spaced(blocks), *expand_streams(blocks)):
            assert isinstance(block, Paragraph | Table)


@FAST
@given(TEXT)
def test_unnumbered_runon_rows_never_raise(text: str) -> None:
    from pipeline.build.runon_unnumbered import named_rows, pointed_rows

    for rows in (named_rows(text), pointed_rows(text)):
        assert rows is None or len(rows) >= 2


@pytest.mark.parametrize(
    "paragraph",
    ["产出指标 数量指标 出差人数 正向 = 8 4", "考核项目", "工作纪律10分迟到扣1分。", "建立台账。5未建立扣2分。"],
)
def test_new_readers_time_is_linear(paragraph: str) -> None:
    from pipeline.build.runon_unnumbered import named_rows, pointed_rows
    from pipeline.build.spaced import expand_spaced

    headers = ["一级指标 二级指标 三级指标 目标值 分值", "序号", "考核项目", "考核内容", "分值"]

    def read(text: str) -> object:
        blocks = tuple(Paragraph(text=line) for line in [*headers, *text.split("\n")])
        joined = text.replace("\n", "")
        return expand_spaced(blocks), expand_streams(blocks), named_rows(joined), pointed_rows(joined)

    small, large = "\n".join([paragraph] * 300), "\n".join([paragraph] * 1200)
    assert _seconds(read, large) < 8 * _seconds(read, small) + 0.05


@pytest.mark.parametrize("word", ["考核内容", "分值", "一级指标 二级指标 分值"])
def test_a_run_of_header_words_is_read_once(word: str) -> None:
    """Found by the fuzzer: thousands of paragraphs of header words that make no header were each
    the start of a run scanned to its end (quadratic)."""
    def read(text: str) -> object:
        from pipeline.build.spaced import expand_spaced

        blocks = tuple(Paragraph(text=line) for line in text.split("\\n"))
        return expand_streams(blocks), expand_spaced(blocks)

    small, large = "\\n".join([word] * 1000), "\\n".join([word] * 4000)
    assert _seconds(read, large) < 8 * _seconds(read, small) + 0.05


@FAST
@given(st.lists(TEXT, min_size=1, max_size=12))
def test_outline_reader_never_raises(lines: list[str]) -> None:
    from pipeline.build.outline import outline_items, quality

    result = outline_items([Paragraph(text=line) for line in lines])
    assert result is None or (result.roots and (result.consistent, result.pointed_leaves) == quality(result.roots))


@pytest.mark.parametrize(
    "paragraph",
    ["1.1.1成立领导小组。(5分)未成立扣5分;", "一、组织领导（20分）（一）责任落实",
     "（1）少1.5个百分点扣1.5分，2、3个月", "3.督导占百分之二十。①②③"],
)
def test_outline_reader_time_is_linear(paragraph: str) -> None:
    from pipeline.build.outline import outline_items

    def read(text: str) -> object:
        return outline_items([Paragraph(text=line) for line in text.split("\n")]), outline_items([Paragraph(text=text)])

    small, large = "\n".join([paragraph] * 300), "\n".join([paragraph] * 1200)
    assert _seconds(read, large) < 8 * _seconds(read, small) + 0.05
