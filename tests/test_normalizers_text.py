import pytest

from normalizers.text import (
    collapse_whitespace,
    detect_script,
    fold_width,
    normalize_text,
    strip_markup,
    to_simplified,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("＞＝", ">="),
        ("＜＝", "<="),
        ("％", "%"),
        ("（", "("),
        ("）", ")"),
        ("１２", "12"),
        ("ＡＢｃ", "ABc"),
        ("＞＝８５％", ">=85%"),
        ("a\u3000b", "a b"),
        ("a\u2002b", "a b"),
        ("a\xa0b", "a b"),
        ("1\u200b2", "12"),
        ("≥100", "≥100"),
        ("老干部", "老干部"),
    ],
)
def test_fold_width(raw: str, expected: str) -> None:
    assert fold_width(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("老干部慰问、\n避暑", "老干部慰问、避暑"),
        ("工业强市 产业兴市", "工业强市 产业兴市"),
        ("工业强市   产业兴市", "工业强市 产业兴市"),
        ("“工业强市 产业兴\n市”摄影展", "“工业强市 产业兴市”摄影展"),
        ("98.9\n2", "98.92"),
        ("98.\n92", "98.92"),
        ("（400\n分）", "（400分）"),
        ("(1\n分)", "(1分)"),
        ("2021年人均约6000\n元", "2021年人均约6000元"),
        ("信息 300\n篇以上", "信息 300篇以上"),
        ("一级指\r\n标", "一级指标"),
        ("全区 56 个", "全区 56 个"),
        ("  前后空白\t\n", "前后空白"),
        ("a \t b", "a b"),
        ("hello\nworld", "hello world"),
        ("目标\u3000\u3000完成", "目标 完成"),
        ("资金\xa0来源", "资金 来源"),
        ("", ""),
    ],
)
def test_collapse_whitespace(raw: str, expected: str) -> None:
    assert collapse_whitespace(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("<p>1、贯彻执行；</p> <p>2、负责落实</p>", "1、贯彻执行； 2、负责落实"),
        ("<p>甲</p>\n<p>乙</p>", "甲 乙"),
        ("<p>甲</p>\t\t\t<p>乙</p>", "甲 乙"),
        ("上一行<br/>下一行", "上一行 下一行"),
        ("<b>重</b>点", "重点"),
        ('<span style="x">考核</span>细则', "考核细则"),
        ("a&nbsp;b", "a b"),
        ("A&amp;B", "A&B"),
        ("&lt;p&gt;", "<p>"),
        ("[bookmark: _Toc_2_2_0000000001]一、总体绩效目标", "一、总体绩效目标"),
        (" [bookmark: _Toc_4_4_0000000004]1.老年大学", "1.老年大学"),
        ("一、[bookmark: _Toc1]总则", "一、总则"),
        ("<=3天", "<=3天"),
        ("<5%", "<5%"),
        ("无标记文本", "无标记文本"),
    ],
)
def test_strip_markup(raw: str, expected: str) -> None:
    assert strip_markup(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("南昌市縣區2023年老幹部工作目標管理考核細則", "南昌市县区2023年老干部工作目标管理考核细则"),
        ("領導重視", "领导重视"),
        ("離退休幹部", "离退休干部"),
        ("學員", "学员"),
        ("臺灣", "台湾"),
        ("瞭解", "了解"),
        ("老干部工作", "老干部工作"),
        ("显著", "显著"),
        ("abc 12", "abc 12"),
        ("", ""),
    ],
)
def test_to_simplified(raw: str, expected: str) -> None:
    assert to_simplified(raw) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("枣庄市老干部活动中心2022年度服务高质量发展绩效考核工作任务要点", "hans"),
        ("南昌市縣區2023年老幹部工作目標管理考核細則", "hant"),
        ("一、領導重視(20分)", "hant"),
        ("部门整体自评表", "hans"),
        # two traditional characters in a long simplified text do not make it traditional
        ("老年大學学员" + "老干部活动中心工作要点" * 10 + "學", "hans"),
        # three changed characters, but under 5% of the text
        ("學習資" + "老干部活动中心工作要点" * 10, "hans"),
        ("學習資料", "hant"),
        ("", "hans"),
        ("12345 abc", "hans"),
    ],
)
def test_detect_script(text: str, expected: str) -> None:
    assert detect_script(text) == expected


@pytest.mark.parametrize(
    ("raw", "script", "expected"),
    [
        ("<p>老干部慰问、\n避暑</p>", "hans", "老干部慰问、避暑"),
        ("一、領導重\n視(20分)", "hant", "一、领导重视(20分)"),
        ("一、領導重視(20分)", "hans", "一、領導重視(20分)"),
        ("[bookmark: _Toc1]一、總體目標", "hant", "一、总体目标"),
        ("完成率＞＝８５％", "hans", "完成率＞＝８５％"),
        ("<p>甲；</p> <p>乙</p>", "hans", "甲； 乙"),
        ("  工业强市 产业兴市  ", "hans", "工业强市 产业兴市"),
        ("", "hant", ""),
    ],
)
def test_normalize_text(raw: str, script: str, expected: str) -> None:
    assert normalize_text(raw, script) == expected
