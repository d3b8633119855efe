"""Text clean-up shared by every parser: markup removal, whitespace repair, script handling.

Display text (indicator names, descriptions) goes through :func:`normalize_text`, which keeps
Chinese punctuation. Text about to be parsed for numbers or comparators is additionally passed
through :func:`fold_width` so that full-width digits and operators look like ASCII.
"""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Literal

import opencc

# NFKC already turns most Unicode spaces into " "; these are listed so the intent is explicit and
# so the zero-width characters (which NFKC keeps) do not split a number in two.
_SPACE_MAP = str.maketrans(
    {
        "\u3000": " ",
        "\xa0": " ",
        "\u2002": " ",
        "\u2003": " ",
        "\u2009": " ",
        "\u202f": " ",
        "\u200b": "",
        "\u200c": "",
        "\u200d": "",
        "\u2060": "",
        "\ufeff": "",
    }
)

_LINE_BREAKS = frozenset("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")
_WHITESPACE_RUN = re.compile(r"\s+")

# Tags that only change the look of a run of text; removing them must not separate characters
# ("<b>重</b>点" is one word). Every other tag is treated as a block boundary.
# fmt: off
_INLINE_TAGS = frozenset(
    {"a", "abbr", "b", "big", "code", "del", "em", "font", "i", "ins", "label", "mark", "o:p", "s",
     "small", "span", "strike", "strong", "sub", "sup", "u"}
)
# fmt: on
# A tag name must start with a letter right after "<", so comparators such as "<=3天" or "<5%"
# are never mistaken for markup.
_TAG = re.compile(r"<\s*(/?)\s*([A-Za-z][\w:-]*)(?:\s[^<>]*)?/?\s*>")
_BOOKMARK = re.compile(r"\[\s*bookmark:[^\]]*\]", re.IGNORECASE)
_SPACES = re.compile(r"\s*\x00[\s\x00]*")


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def is_cjk(ch: str) -> bool:
    """True for Han characters and the punctuation that is set solid with them."""
    cp = ord(ch)
    return (
        0x4E00 <= cp <= 0x9FFF  # CJK unified ideographs
        or 0x3400 <= cp <= 0x4DBF  # extension A
        or 0x20000 <= cp <= 0x2FA1F  # extensions B+ and compatibility supplement
        or 0xF900 <= cp <= 0xFAFF  # compatibility ideographs
        or 0x3001 <= cp <= 0x303F  # CJK symbols and punctuation (not U+3000, a space)
        or 0xFF01 <= cp <= 0xFF60  # full-width forms
        or 0xFFE0 <= cp <= 0xFFE6
        or 0x2018 <= cp <= 0x201F  # curly quotes, used as Chinese quotation marks
        or cp in (0x2014, 0x2026, 0x00B7)  # —— … ·
    )


def fold_width(s: str) -> str:
    """NFKC-fold full-width forms to ASCII and map odd spaces to " " (for parsing, not display)."""
    return unicodedata.normalize("NFKC", s.translate(_SPACE_MAP)).translate(_SPACE_MAP)


def _is_numeric_left(s: str, i: int) -> bool:
    ch = s[i]
    return ch.isdigit() or (ch == "." and i > 0 and s[i - 1].isdigit())


def _is_numeric_right(s: str, i: int) -> bool:
    ch = s[i]
    return ch.isdigit() or (ch == "." and i + 1 < len(s) and s[i + 1].isdigit())


def collapse_whitespace(s: str) -> str:
    """Strip and collapse whitespace runs to one space, undoing line wraps.

    A run that contains a line break is a wrap artifact when it touches a CJK character (Chinese
    is set without spaces, so "(1\\n分)" and "6000\\n元" are one token) or sits inside a number
    ("98.9\\n2"); such runs are removed. Other runs, including an ordinary space between two CJK
    characters ("工业强市 产业兴市"), become a single space.
    """
    s = s.strip()
    out: list[str] = []
    pos = 0
    for m in _WHITESPACE_RUN.finditer(s):
        start, end = m.span()
        out.append(s[pos:start])
        pos = end
        if any(ch in _LINE_BREAKS for ch in m.group()):
            left, right = s[start - 1], s[end]
            if is_cjk(left) or is_cjk(right):
                continue
            if _is_numeric_left(s, start - 1) and _is_numeric_right(s, end):
                continue
        out.append(" ")
    out.append(s[pos:])
    return "".join(out)


def strip_markup(s: str) -> str:
    """Remove HTML tags, unescape entities and drop ``[bookmark: ...]`` export debris.

    Block tags (and any whitespace around a run of them, as in ``</p> <p>``) become one space;
    inline tags vanish. The result is stripped.
    """
    s = _BOOKMARK.sub("", s)

    def _tag(m: re.Match[str]) -> str:
        return "" if m.group(2).lower() in _INLINE_TAGS else "\x00"

    s = _TAG.sub(_tag, s)
    s = _SPACES.sub(" ", s).replace("\x00", " ")
    s = html.unescape(s).replace("\xa0", " ")
    return s.strip()


@lru_cache(maxsize=1)
def _t2s_dictionary_characters() -> tuple[frozenset[str], frozenset[str]] | None:
    """What t2s's dictionaries hold: the characters without which it leaves a text as it is
    (every character of its character table, and every character of the few phrases that hold
    none of those: "沈默" → "沉默"), and every character of any of its keys. None when the
    dictionaries are not where opencc-python-reimplemented keeps them."""
    folder = Path(opencc.__file__).parent / "dictionary"
    try:
        characters = {line.split("\t", 1)[0] for line in (folder / "TSCharacters.txt").read_text("utf-8").splitlines()}
        phrases = [line.split("\t", 1)[0] for line in (folder / "TSPhrases.txt").read_text("utf-8").splitlines()]
    except OSError:
        return None
    triggers = {ch for key in characters for ch in key}
    triggers.update(ch for phrase in phrases if triggers.isdisjoint(phrase) for ch in phrase)
    in_keys = triggers | {ch for phrase in phrases for ch in phrase}
    return frozenset(triggers), frozenset(in_keys)


@lru_cache(maxsize=8192)
def to_simplified(s: str) -> str:
    """Convert traditional Chinese to simplified (OpenCC t2s). Cached: the build stage reads the
    same cell texts many times (column profiles, points, rules), each through this conversion."""
    # OpenCC's pure-Python segmentation costs microseconds per character and, looking for the
    # longest phrase anywhere in its input first, far more on a long text: 1 MB took 6 s.
    dictionary = _t2s_dictionary_characters()
    if dictionary is None:
        return _t2s().convert(s)
    triggers, in_keys = dictionary
    if triggers.isdisjoint(s):
        return s  # most text has nothing to convert, which one scan tells
    return "".join(_t2s().convert(piece) if not triggers.isdisjoint(piece) else piece for piece in _pieces(s, in_keys))


def _pieces(s: str, in_keys: frozenset[str]) -> list[str]:
    """``s`` cut around every character no dictionary key holds (punctuation, digits, Latin):
    no phrase matches across one, so each piece converts as it would within the whole."""
    pieces: list[str] = []
    start = 0
    for index, ch in enumerate(s):
        if ch not in in_keys:
            if index > start:
                pieces.append(s[start:index])
            pieces.append(ch)
            start = index + 1
    if start < len(s):
        pieces.append(s[start:])
    return pieces


def detect_script(text: str) -> Literal["hans", "hant"]:
    """Classify a document's script by how many of its Han characters t2s would change.

    A few traditional characters turn up in simplified documents (names, quotations), so the
    document counts as traditional only when at least 3 characters and 5% of all Han characters
    change.
    """
    converted = to_simplified(text)
    han = [ch for ch in text if is_cjk(ch) and ch.isalpha()]
    if not han:
        return "hans"
    if len(converted) == len(text):
        changed = sum(1 for a, b in zip(text, converted, strict=True) if a != b)
    else:  # a phrase mapping changed the length; fall back to per-character conversion
        simplified = {ch: to_simplified(ch) for ch in set(han)}
        changed = sum(1 for ch in han if simplified[ch] != ch)
    return "hant" if changed >= 3 and changed / len(han) >= 0.05 else "hans"


def normalize_text(s: str, script: str) -> str:
    """Display-text pipeline: strip markup, collapse whitespace, simplify when ``script == "hant"``."""
    s = collapse_whitespace(strip_markup(s))
    return to_simplified(s) if script == "hant" else s
