import pytest

from normalizers.numbers import first_number, parse_chinese_numeral, parse_number


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("一", 1),
        ("两", 2),
        ("俩", 2),
        ("十", 10),
        ("十五", 15),
        ("二十", 20),
        ("二十三", 23),
        ("一百", 100),
        ("一百零五", 105),
        ("一千零五十", 1050),
        ("三千", 3000),
        ("两百", 200),
        ("一万二千", 12000),
        ("〇", 0),
        ("零", 0),
        ("二〇二三", 2023),
        ("12", 12),
        ("１２", 12),
        (" 十五 ", 15),
        ("abc", None),
        ("", None),
        ("一些", None),
        ("三五", None),
        ("十十", None),
        ("1.5", None),
    ],
)
def test_parse_chinese_numeral(raw: str, expected: int | None) -> None:
    assert parse_chinese_numeral(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("35", 35.0),
        (" 30 ", 30.0),
        ("1,234.5", 1234.5),
        ("１２３", 123.0),
        ("98.9\n2", 98.92),
        ("50000.00", 50000.0),
        ("840.38", 840.38),
        ("1.5万", 15000.0),
        ("2亿", 200000000.0),
        ("3千", 3000.0),
        ("110.80%", 110.8),
        ("110.80％", 110.8),
        ("十五", 15.0),
        ("194人", 194.0),
        ("6000元", 6000.0),
        ("2个", 2.0),
        ("4400人次", 4400.0),
        ("3個", 3.0),
        ("-5", -5.0),
        ("0", 0.0),
        ("--", None),
        ("", None),
        ("abc", None),
        ("一些", None),
        ("新创建市级网络课堂示范站点2个", None),
        ("人均约6000元", None),
        ("8-9月", None),
    ],
)
def test_parse_number(raw: str, expected: float | None) -> None:
    assert parse_number(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("少一篇扣0.3分", 1.0),
        ("每少一篇", 1.0),
        ("达到10篇以上", 10.0),
        ("少1次扣1分", 1.0),
        ("扣0.5分", 0.5),
        ("每年召开２次以上", 2.0),
        ("两个学期开设29个科目", 2.0),
        ("第十一次会议", 11.0),
        ("扣一分", 1.0),
        ("少兩篇扣0.6分", 2.0),
        ("发放慰问金6,000元", 6000.0),
        ("98.9\n2分", 98.92),
        ("十分重视老干部工作", None),
        ("统一部署", None),
        ("无数字", None),
        ("", None),
    ],
)
def test_first_number(raw: str, expected: float | None) -> None:
    assert first_number(raw) == expected
