"""Mutations of seed files for scripts/fuzz.py, one family per format; every one takes a seeded
``random.Random`` so that a run is reproducible from its ``--seed``.

* text: byte flips, slices inserted/deleted/duplicated, two seeds spliced, adversarial strings
  (long runs of marks, odd numerals, deep brackets, NULs, lone surrogates, mixed GBK/UTF-8, 1 MB
  single lines);
* zip packages (DOCX/XLSX): XML attribute values made huge/negative/non-numeric, elements deleted
  or duplicated, parts truncated or dropped, then sometimes the zip container itself damaged;
* PDF: bytes flipped inside streams, truncation, objects duplicated, dictionary numbers changed;
* HTML: spans made huge/zero/negative, closing tags removed, tables nested deep, charsets declared
  wrongly, sometimes wrapped as an .mht archive.
"""

from __future__ import annotations

import base64
import io
import random
import re
import warnings
import zipfile
from collections.abc import Callable
from typing import Any

Mutator = Callable[[bytes, random.Random, list[bytes]], bytes]

_ODD_NUMBERS = [
    "0", "-1", "-999999", "999999999", "2147483648", "18446744073709551617", "1e9", "NaN", "abc", "",
    "1.5", " 2", "٣", "0x10", "9" * 40,
]

_NUMERALS = ["\n二一、领导重视(20分)\n", "\n十十、", "\n一十一、", "\n九九九、", "\n十二三、", "\n十、\n二十一、",
             "\n一二三四五六七八九十、"]
_BROKEN_FIGURES = ["扣0 .5分", "每少一次扣0 .5分", "扣 .5分", "加.分", "扣1..5分", "扣-5分", "得9" + "9" * 400 + "分"]


def _adversarial(rng: random.Random) -> bytes:
    """One string of the kinds that have broken parsers and grammars before."""
    n = rng.choice([10, 100, 1000, 20000])
    makers: list[Callable[[], bytes]] = [
        lambda: ("(3分)" * n).encode(),
        lambda: rng.choice(_NUMERALS).encode(),
        lambda: rng.choice(_BROKEN_FIGURES).encode(),
        lambda: ("(" * n + "考核" + ")" * n).encode(),
        lambda: ("（" * n + "【" * n).encode(),
        lambda: b"\x00" * rng.randint(1, 64),
        lambda: rng.choice([b"\xed\xa0\x80", b"\xed\xbf\xbf", b"\xed\xa0\x80\xed\xb0\x80"]) * rng.randint(1, 8),
        lambda: "考核细则（一）扣分".encode("gbk"),
        lambda: ("考核指标(1分)，每少一次扣1分；" * (1_000_000 // 40)).encode(),  # a ~1 MB single line
        lambda: ("\t" * n).encode(),
        lambda: ("| 考核项目\n" * n + "|\n").encode(),
        lambda: ("1、" * n).encode(),
        lambda: ("其中" * n + "、" * n).encode(),
        lambda: rng.choice(["\r", "\u2028", "\x0c", "\ufeff", "\x85"]).encode() * rng.randint(1, 200),
        lambda: ("１２３分（一）①⑴" * rng.randint(1, 50)).encode(),
        lambda: ("序号\t考核项目\t分值\n" + "\t" * rng.randint(1, 30) + "5\n") .encode() * rng.randint(1, 200),
    ]
    return rng.choice(makers)()


# --- bytes ------------------------------------------------------------------------------------


def _flip(data: bytes, rng: random.Random, _: list[bytes]) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 16)):
        if out:
            out[rng.randrange(len(out))] ^= rng.randint(1, 255)
    return bytes(out)


# The slice operations below take bytes or str alike (a str is text decoded with surrogateescape,
# so that a slice never cuts a character in two).


def _slice(data: Any, rng: random.Random) -> tuple[int, int]:
    start = rng.randrange(len(data) + 1)
    return start, min(len(data), start + rng.choice([1, 8, 64, 512, 4096]))


def _delete(data: Any, rng: random.Random, _: list[Any]) -> Any:
    start, end = _slice(data, rng)
    return data[:start] + data[end:]


def _duplicate(data: Any, rng: random.Random, _: list[Any]) -> Any:
    start, end = _slice(data, rng)
    return data[:end] + data[start:end] * rng.choice([1, 2, 10, 100]) + data[end:]


def _move(data: Any, rng: random.Random, _: list[Any]) -> Any:
    start, end = _slice(data, rng)
    rest = data[:start] + data[end:]
    at = rng.randrange(len(rest) + 1)
    return rest[:at] + data[start:end] + rest[at:]


def _splice(data: Any, rng: random.Random, others: list[Any]) -> Any:
    other = rng.choice(others) if others else data
    cut, other_cut = rng.randrange(len(data) + 1), rng.randrange(len(other) + 1)
    return data[:cut] + other[other_cut:] if rng.random() < 0.5 else data[:cut] + other[:other_cut] + data[cut:]


def _insert_adversarial(data: Any, rng: random.Random, _: list[Any]) -> Any:
    at = rng.randrange(len(data) + 1)
    newline = b"\n" if isinstance(data, bytes) else "\n"
    if rng.random() < 0.5:  # most grammars look at line starts
        at = data.rfind(newline, 0, at) + 1
    piece = _adversarial(rng)
    return data[:at] + (piece if isinstance(data, bytes) else _as_text(piece)) + data[at:]


def _truncate(data: Any, rng: random.Random, _: list[Any]) -> Any:
    return data[: rng.randrange(len(data) + 1)]


def _replace_chars(text: str, rng: random.Random, _: list[str]) -> str:
    chars = list(text)
    for _ in range(rng.randint(1, 16)):
        if chars:
            chars[rng.randrange(len(chars))] = rng.choice("一二十、.．(（)）分扣加得\t\n |0159%≥")
    return "".join(chars)


def _reencode(data: bytes, rng: random.Random, _: list[bytes]) -> bytes:
    """Part of the text re-encoded as GBK, UTF-16 or Big5: mixed encodings in one file."""
    text = data.decode("utf-8", "replace")
    start, end = _slice(text, rng)
    codec = rng.choice(["gbk", "utf-16-le", "big5", "gb18030"])
    return text[:start].encode() + text[start:end].encode(codec, "replace") + text[end:].encode()


def _as_text(data: bytes) -> str:
    return data.decode("utf-8", "surrogateescape")


_BYTE_MUTATORS: list[Mutator] = [_flip, _delete, _duplicate, _insert_adversarial, _truncate, _reencode]
_TEXT_MUTATORS = [_replace_chars, _delete, _duplicate, _move, _splice, _insert_adversarial, _insert_adversarial,
                  _insert_adversarial, _truncate]


def mutate_text(data: bytes, rng: random.Random, others: list[bytes]) -> bytes:
    """Mostly edits of the decoded text (the file stays readable); sometimes of its bytes."""
    if rng.random() < 0.2:
        for _ in range(rng.randint(1, 3)):
            data = rng.choice(_BYTE_MUTATORS)(data, rng, others)
        return data
    text = _as_text(data)
    texts = [_as_text(other) for other in others[:8]] if others else []
    for _ in range(rng.randint(1, 4)):
        text = rng.choice(_TEXT_MUTATORS)(text, rng, texts)
    return text.encode("utf-8", "surrogateescape")


# --- XML inside zip packages ------------------------------------------------------------------

_ATTRIBUTE = re.compile(rb'(\s[\w:]+=")([^"]{0,200})(")')
_INTERESTING = re.compile(rb"gridSpan|vMerge|hMerge|gridBefore|gridAfter|w:w=|ref=|r=|s=|t=|count=|spans=|val=|"
                          rb"min=|max=|hidden=|state=|sheetId=|numFmtId=|xfId=")
_ELEMENT = re.compile(
    rb"<(w:tc|w:tr|w:p|w:r|w:t|w:tbl|w:gridCol|row|c|v|si|mergeCell|sheet|col|xf)\b[^>]*?(?:/>|>.*?</\1>)", re.S
)


def _xml_attribute(xml: bytes, rng: random.Random) -> bytes:
    matches = list(_ATTRIBUTE.finditer(xml))
    if not matches:
        return xml
    interesting = [m for m in matches if _INTERESTING.search(m.group(1))]
    for match in rng.sample(interesting or matches, min(len(interesting or matches), rng.randint(1, 6))):
        value = rng.choice(_ODD_NUMBERS).encode()
        xml = xml[: match.start(2)] + value + xml[match.end(2):]
        break  # offsets of the other matches moved: one change per call keeps them right
    return xml


def _xml_element(xml: bytes, rng: random.Random) -> bytes:
    matches = list(_ELEMENT.finditer(xml[:2_000_000]))
    if not matches:
        return xml
    match = rng.choice(matches)
    if rng.random() < 0.5:
        return xml[: match.start()] + xml[match.end():]
    return xml[: match.end()] + match.group(0) * rng.choice([1, 2, 20, 300]) + xml[match.end():]


def _xml_span(xml: bytes, rng: random.Random) -> bytes:
    """A merge property added to a cell: w:gridSpan/w:vMerge in Word, a mergeCell in a sheet."""
    value = rng.choice([*_ODD_NUMBERS, "restart", "continue"]).encode()
    if b"<w:tcPr>" in xml:
        starts = [m.end() for m in re.finditer(rb"<w:tcPr>", xml)]
        at = rng.choice(starts)
        prop = rng.choice([b"gridSpan", b"vMerge", b"hMerge"])
        return xml[:at] + b'<w:' + prop + b' w:val="' + value + b'"/>' + xml[at:]
    if b"<mergeCells" in xml:
        ref = rng.choice([b"A1:XFD1048576", b"B2:A1", b"A0:B2", b"ZZZZ9:A1", b"A1:" + value])
        return xml.replace(b"<mergeCells", b'<mergeCells><mergeCell ref="' + ref + b'"/></mergeCells><mergeCells', 1)
    return xml


def _mutate_xml(xml: bytes, rng: random.Random, others: list[bytes]) -> bytes:
    choice = rng.random()
    if choice < 0.35:
        return _xml_attribute(xml, rng)
    if choice < 0.6:
        return _xml_element(xml, rng)
    if choice < 0.75:
        return _xml_span(xml, rng)
    if choice < 0.85:
        return _truncate(xml, rng, others)
    return mutate_text(xml, rng, [])


def _main_parts(names: list[str]) -> list[str]:
    main = [n for n in names if n in ("word/document.xml", "xl/sharedStrings.xml", "xl/workbook.xml", "xl/styles.xml")
            or n.startswith("xl/worksheets/sheet")]
    return main or [n for n in names if n.endswith(".xml")] or names


def mutate_zip(data: bytes, rng: random.Random, others: list[bytes]) -> bytes:
    """A mutated DOCX/XLSX: the XML parts changed, sometimes the container damaged afterwards."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            parts = {info.filename: package.read(info) for info in package.infolist()}
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        return mutate_text(data, rng, others)
    names = list(parts)
    for _ in range(rng.randint(1, 4)):
        action = rng.random()
        if action < 0.8 and names:
            name = rng.choice(_main_parts(names))
            parts[name] = _mutate_xml(parts[name], rng, others)
        elif action < 0.9 and names:
            parts.pop(rng.choice(names), None)
            names = list(parts)
        elif names:  # a member written twice
            name = rng.choice(names)
            parts[name + "\x00dup"] = parts[name]
    out = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicate member names
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
            for name, body in parts.items():
                package.writestr(name.split("\x00")[0], body)
    packed = out.getvalue()
    if rng.random() < 0.15:
        packed = rng.choice([_flip, _truncate, _delete, _duplicate])(packed, rng, others)
    return packed


# --- PDF --------------------------------------------------------------------------------------

_STREAM = re.compile(rb"stream\r?\n")
_OBJECT = re.compile(rb"\d+\s+\d+\s+obj\b.{0,20000}?endobj", re.S)
_DICT_NUMBER = re.compile(rb"/(Length|Count|Size|Prev|W|First|N|Columns|Predictor|BitsPerComponent|Width|Height"
                          rb"|Rotate|MediaBox)\s*\[?\s*(-?\d+)")


def _pdf_stream_flip(data: bytes, rng: random.Random, others: list[bytes]) -> bytes:
    starts = [m.end() for m in _STREAM.finditer(data)]
    if not starts:
        return _flip(data, rng, others)
    start = rng.choice(starts)
    end = data.find(b"endstream", start)
    end = end if end > start else len(data)
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        if end > start:
            out[rng.randrange(start, end)] ^= rng.randint(1, 255)
    return bytes(out)


def _pdf_duplicate_object(data: bytes, rng: random.Random, others: list[bytes]) -> bytes:
    objects = list(_OBJECT.finditer(data))
    if not objects:
        return _duplicate(data, rng, others)
    chosen = rng.choice(objects).group(0)
    at = rng.choice(objects).start()
    return data[:at] + chosen + b"\n" + data[at:]


def _pdf_number(data: bytes, rng: random.Random, others: list[bytes]) -> bytes:
    matches = list(_DICT_NUMBER.finditer(data))
    if not matches:
        return _flip(data, rng, others)
    match = rng.choice(matches)
    value = rng.choice(["0", "-1", "999999999", "2147483648", "3", "1"]).encode()
    return data[: match.start(2)] + value + data[match.end(2):]


def _pdf_drop_xref(data: bytes, rng: random.Random, others: list[bytes]) -> bytes:
    at = data.rfind(rng.choice([b"xref", b"trailer", b"startxref", b"/Root", b"/Pages"]))
    return data[:at] + data[at + rng.randint(4, 64):] if at >= 0 else _truncate(data, rng, others)


_PDF_MUTATORS: list[Mutator] = [_pdf_stream_flip, _pdf_stream_flip, _truncate, _pdf_duplicate_object, _pdf_number,
                                _pdf_drop_xref, _flip]


def mutate_pdf(data: bytes, rng: random.Random, others: list[bytes]) -> bytes:
    for _ in range(rng.randint(1, 3)):
        data = rng.choice(_PDF_MUTATORS)(data, rng, others)
    return data


# --- HTML -------------------------------------------------------------------------------------

_CELL_TAG = re.compile(rb"<t[dh]\b", re.I)
_SPAN = re.compile(rb'((?:row|col)span\s*=\s*["\']?)([^"\'\s>]*)', re.I)
_CLOSING = re.compile(rb"</[a-zA-Z]+\s*>")
_CHARSETS = [b"utf-7", b"gbk", b"big5", b"utf-16", b"x-unknown", b"", b'utf-8" x="', b"iso-2022-jp", b"utf-32",
             b"gb2312", b"shift_jis", b"\xe4\xb8\xad"]


def _html_span(data: bytes, rng: random.Random, _: list[bytes]) -> bytes:
    value = rng.choice([*_ODD_NUMBERS, "65535", "1000"]).encode()
    spans = list(_SPAN.finditer(data))
    if spans and rng.random() < 0.6:
        match = rng.choice(spans)
        return data[: match.start(2)] + value + data[match.end(2):]
    cells = list(_CELL_TAG.finditer(data))
    if not cells:
        return data
    at = rng.choice(cells).end()
    attribute = rng.choice([b"rowspan", b"colspan"])
    return data[:at] + b" " + attribute + b'="' + value + b'"' + data[at:]


def _html_unclose(data: bytes, rng: random.Random, _: list[bytes]) -> bytes:
    closing = list(_CLOSING.finditer(data))
    for match in sorted(rng.sample(closing, min(len(closing), rng.randint(1, 30))), key=lambda m: -m.start()):
        data = data[: match.start()] + data[match.end():]
    return data


def _html_nest(data: bytes, rng: random.Random, _: list[bytes]) -> bytes:
    at = rng.randrange(len(data) + 1)
    depth = rng.choice([20, 200, 2000])
    unit = rng.choice([b"<table><tr><td>", b"<div>", b"<td>", b"<tr>", b"<b><i>"])
    return data[:at] + unit * depth + b"\xe8\x80\x83\xe6\xa0\xb8(1\xe5\x88\x86)" + data[at:]


def _html_charset(data: bytes, rng: random.Random, _: list[bytes]) -> bytes:
    charset = rng.choice(_CHARSETS)
    declaration = rng.choice([
        b'<meta charset="' + charset + b'">',
        b'<meta http-equiv="Content-Type" content="text/html; charset=' + charset + b'">',
        b'<?xml version="1.0" encoding="' + charset + b'"?>',
    ])
    if rng.random() < 0.5:
        return declaration + data
    return re.sub(rb"charset=[\w-]+", b"charset=" + charset, data, count=1)


def _as_mht(data: bytes, rng: random.Random, _: list[bytes]) -> bytes:
    encoding = rng.choice([b"base64", b"quoted-printable", b"8bit"])
    body = base64.encodebytes(data) if encoding == b"base64" else data
    if rng.random() < 0.3:
        body = body[: rng.randrange(len(body) + 1)] + b"!!=\n=ZZ"
    return (b"MIME-Version: 1.0\nContent-Type: multipart/related; boundary=\"b1\"\n\n--b1\n"
            b"Content-Type: text/html; charset=\"" + rng.choice(_CHARSETS) + b"\"\nContent-Transfer-Encoding: "
            + encoding + b"\n\n" + body + b"\n--b1--\n")


_HTML_MUTATORS: list[Mutator] = [_html_span, _html_span, _html_unclose, _html_nest, _html_charset, _flip, _delete,
                                 _duplicate, _insert_adversarial, _splice]


def mutate_html(data: bytes, rng: random.Random, others: list[bytes]) -> bytes:
    for _ in range(rng.randint(1, 4)):
        data = rng.choice(_HTML_MUTATORS)(data, rng, others)
    if rng.random() < 0.1:
        data = _as_mht(data, rng, others)
    return data


def mutate_binary(data: bytes, rng: random.Random, others: list[bytes]) -> bytes:
    """Legacy .xls (OLE2 compound file): bytes flipped, slices moved, the file truncated."""
    for _ in range(rng.randint(1, 3)):
        data = rng.choice([_flip, _flip, _truncate, _delete, _duplicate, _move])(data, rng, others)
    return data
