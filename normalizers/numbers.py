"""Number parsing for table cells and criterion text.

Handles Arabic numerals (half- or full-width, with thousands separators, split by a line wrap),
the 万/亿/千 multipliers, trailing measure words, and Chinese numerals (一, 两, 十五, 一百零五).
"""

from __future__ import annotations

import functools
import re

from normalizers.text import collapse_whitespace, fold_width, to_simplified

# fmt: off
_CN_DIGITS: dict[str, int] = {
    "零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "俩": 2, "三": 3, "四": 4, "五": 5,
    "六": 6, "七": 7, "八": 8, "九": 9,
    "壹": 1, "贰": 2, "貳": 2, "叁": 3, "參": 3, "肆": 4, "伍": 5, "陆": 6, "陸": 6,
    "柒": 7, "捌": 8, "玖": 9,
}
# fmt: on
_CN_SMALL_UNITS: dict[str, int] = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_CN_LARGE_UNITS: dict[str, int] = {"万": 10_000, "萬": 10_000, "亿": 100_000_000, "億": 100_000_000}
_CN_CHARS = "".join([*_CN_DIGITS, *_CN_SMALL_UNITS, *_CN_LARGE_UNITS])

MULTIPLIERS: dict[str, float] = {"千": 1e3, "万": 1e4, "亿": 1e8}

# Arabic number: thousands-grouped ("1,234") or plain, with an optional decimal part. The
# grouped form must not be followed by another digit, so "1,2345" is read as 1.
NUMBER_PATTERN = r"(?:[0-9]{1,3}(?:,[0-9]{3})+(?![0-9])|[0-9]+)(?:\.[0-9]+)?"
CN_NUMERAL_PATTERN = f"[{_CN_CHARS}]+"
# Without 万/亿, for callers that treat those as a multiplier or as part of a unit (万元).
CN_SMALL_NUMERAL_PATTERN = f"[{''.join([*_CN_DIGITS, *_CN_SMALL_UNITS])}]+"

# Measure words accepted after a number. Longest first so that 人次 wins over 人.
# fmt: off
MEASURE_WORDS: tuple[str, ...] = tuple(
    sorted(
        [
            "个百分点", "百分点", "人次", "万元", "亿元", "千元", "小时", "分钟", "课时", "学时",
            "人", "元", "个", "篇", "次", "项", "件", "场", "期", "户", "天", "日", "月", "年",
            "周", "支", "所", "家", "条", "份", "本", "班", "门", "名", "岁", "位", "处", "批",
            "张", "座", "台", "套", "例", "对", "届", "轮", "册", "节", "分",
        ],
        key=len,
        reverse=True,
    )
)
# fmt: on
_MEASURE = "|".join(map(re.escape, MEASURE_WORDS))

_WHOLE_ARABIC = re.compile(
    rf"(?P<sign>[+-]?)(?P<num>{NUMBER_PATTERN}|\.[0-9]+)\.?\s*(?P<mult>[千万亿])?\s*[%‰]?\s*(?:{_MEASURE})?"
)
_WHOLE_CN = re.compile(rf"(?P<num>{CN_NUMERAL_PATTERN})\s*(?:{_MEASURE})?")

# A Chinese numeral counts only before a measure word ("少一篇"), so that 一 in 统一 or 一定 is
# not read as a number. 十分 before a Han character is the adverb "very", not ten points.
_FIRST = re.compile(
    rf"(?P<ar>{NUMBER_PATTERN})"
    rf"|(?P<cn>{CN_NUMERAL_PATTERN})(?=分(?![\u4e00-\u9fff])|分钟|(?!分)(?:{_MEASURE}))"
)


def parse_chinese_numeral(s: str) -> int | None:
    """Parse a whole string as a non-negative integer written in Chinese or Arabic digits.

    Accepts 一 → 1, 两 → 2, 十五 → 15, 一百零五 → 105, 三千 → 3000, 〇 → 0, digit-by-digit
    years like 二〇二三 → 2023, and plain (also full-width) digits. Anything else, including
    approximations such as 三五 ("three or five"), gives None.
    """
    t = fold_width(s).strip()
    if not t:
        return None
    if t.isascii() and t.isdigit():
        return int(t)
    if any(ch not in _CN_CHARS for ch in t):
        return None
    if not any(ch in _CN_SMALL_UNITS or ch in _CN_LARGE_UNITS for ch in t):
        # Digit-by-digit spelling is used for years (二〇二三); a short run such as 三五 means
        # "three or five", and 两 never appears in it.
        if len(t) > 1 and (any(ch in "两俩" for ch in t) or (len(t) < 4 and not set(t) & {"〇", "零"})):
            return None
        return int("".join(str(_CN_DIGITS[ch]) for ch in t))

    total = 0
    section = 0
    digit: int | None = None
    last_small: int | None = None  # small units must decrease within a section: 三千五百
    for ch in t:
        if ch in _CN_DIGITS:
            if digit:  # two non-zero digits in a row, e.g. 三五十
                return None
            digit = _CN_DIGITS[ch]
        elif ch in _CN_SMALL_UNITS:
            unit = _CN_SMALL_UNITS[ch]
            if last_small is not None and unit >= last_small:
                return None
            if digit is None:
                if section or total:  # 一百十 style gaps are not accepted
                    return None
                digit = 1  # 十五 = 一十五
            section += digit * unit
            digit = None
            last_small = unit
        else:
            unit = _CN_LARGE_UNITS[ch]
            section += digit or 0
            if section == 0 and total == 0:
                section = 1  # 万 alone
            if unit == 100_000_000:
                total = (total + section) * unit
            else:
                total += section * unit
            section = 0
            digit = None
            last_small = None
    return total + section + (digit or 0)


@functools.lru_cache(maxsize=8192)
def prepare_for_parsing(s: str) -> str:
    """Collapse whitespace, fold width and simplify, so that 個/兩/萬 parse like 个/两/万.

    The normalize stage simplifies documents already; converting here too keeps these parsers
    correct on raw cells. ASCII-only text skips the (comparatively slow) OpenCC call.
    """
    t = _SPLIT_DECIMAL.sub("", fold_width(collapse_whitespace(s))).strip()
    return t if t.isascii() else to_simplified(t)


# A decimal number split by a stray space: "扣0 .5分", "0. 5".
_SPLIT_DECIMAL = re.compile(r"(?<=\d) (?=\.\d)|(?<=\d\.) (?=\d)")


def parse_number(s: str) -> float | None:
    """Parse a cell or phrase that is exactly one number, optionally followed by a unit.

    "1.5万" → 15000.0, "110.80%" → 110.8 (the percent sign is dropped, the caller knows the
    unit), "6000元" → 6000.0, "十五" → 15.0. Text before the number ("站点2个"), placeholders
    ("--") and empty cells give None.
    """
    t = prepare_for_parsing(s)
    if not t:
        return None
    m = _WHOLE_ARABIC.fullmatch(t)
    if m:
        value = float(m.group("num").replace(",", ""))
        if m.group("mult"):
            value *= MULTIPLIERS[m.group("mult")]
        return -value if m.group("sign") == "-" else value
    m = _WHOLE_CN.fullmatch(t)
    if m:
        n = parse_chinese_numeral(m.group("num"))
        return None if n is None else float(n)
    return None


def first_number(s: str) -> float | None:
    """Return the first number in a text, or None.

    Arabic numbers count anywhere; Chinese numerals only before a measure word ("每少一篇" → 1.0,
    but not the 一 of 统一). The value is as written: no 万/亿 scaling, no sign.
    """
    t = prepare_for_parsing(s)
    for m in _FIRST.finditer(t):
        if m.group("ar") is not None:
            return float(m.group("ar").replace(",", ""))
        n = parse_chinese_numeral(m.group("cn"))
        if n is not None:
            return float(n)
    return None
