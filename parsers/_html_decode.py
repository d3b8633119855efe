"""Bytes of a web page → text: MIME web archives (.mht), byte-order marks, declared charsets.

The declared charset is trusted when the bytes decode under it; GB2312/GBK labels are read as
GB18030 (their superset, which pages labelled GB2312 usually need) and Big5 as CP950, as browsers
do. A page that declares nothing, declares a Western charset (a common template default on
Chinese sites) or does not decode under what it declares is decoded by
:func:`parsers.text.decode_text` (UTF-8, UTF-16, GB18030, Big5).
"""

from __future__ import annotations

import codecs
import email
import email.policy
import re
from email.message import Message

from parsers.text import decode_text
from schema.errors import ParseError

_SNIFF_BYTES = 16384
_META_CHARSET = re.compile(rb"""<meta\b[^>]{0,1024}?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]{1,40})""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml\b[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9._-]{1,40})""", re.I)
_MIME_HEADER = re.compile(rb"^(?:[\w-]+:[^\r\n]*\r?\n(?:[ \t][^\r\n]*\r?\n)*){0,40}?MIME-Version:", re.I)

# Charset labels as pages write them → the codecs tried, in order.
_LABELS: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(
        ("gb2312", "gbk", "x-gbk", "gb18030", "gb_2312-80", "csgb2312", "chinese", "euc-cn", "cp936",
         "ms936", "windows-936", "iso-ir-58", "hz-gb-2312"),
        ("gb18030",),
    ),
    **dict.fromkeys(
        ("big5", "big5-hkscs", "cn-big5", "csbig5", "x-x-big5", "cp950", "x-mac-chinesetrad"),
        ("cp950", "big5hkscs"),
    ),
    **dict.fromkeys(("utf-8", "utf8", "unicode-1-1-utf-8", "utf-16", "utf-16le", "utf-16be"), ("utf-8",)),
}
# Labels that Chinese pages carry by template default although their text is not Western.
_WESTERN = frozenset(
    {"iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "us-ascii", "ascii", "windows-1252", "cp1252"}
)


def is_mime_archive(data: bytes) -> bool:
    """An .mht/.mhtml web archive (also saved with an .xls or .htm name)."""
    return bool(_MIME_HEADER.match(data.lstrip()[:8192]))


def html_part_of_mime(data: bytes, source: str) -> tuple[bytes, str | None]:
    """The first text/html part of a MIME archive, transfer-decoded, and its declared charset."""
    message = email.message_from_bytes(data.lstrip(), policy=email.policy.compat32)
    for part in message.walk():
        if isinstance(part, Message) and part.get_content_type() == "text/html":
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes) and payload.strip():
                return payload, part.get_content_charset()
    raise ParseError(source, "MIME web archive (.mht) without an HTML part")


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares in its first bytes (<meta charset>, http-equiv, <?xml?>)."""
    head = data[:_SNIFF_BYTES]
    match = _XML_ENCODING.match(head) or _META_CHARSET.search(head)
    return match.group(1).decode("ascii").lower() if match else None


def _known_codec(encoding: str) -> bool:
    try:
        codecs.lookup(encoding)
    except LookupError:
        return False
    return True


def decode_html(data: bytes, source: str, declared: str | None = None) -> tuple[str, str, tuple[str, ...]]:
    """Decode a page: (text, encoding used, warnings). Raises ParseError when nothing fits."""
    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text, encoding = decode_text(data, source)
        return text, encoding, ()
    label = (declared or declared_charset(data) or "").lower()
    candidates = _LABELS.get(label) or (() if not label or label in _WESTERN else (label,))
    # A declared charset no codec knows ("utf-8\" x=", "x-unknown") declares nothing.
    candidates = tuple(encoding for encoding in candidates if _known_codec(encoding))
    for encoding in candidates:
        try:
            return data.decode(encoding), encoding, ()
        except (UnicodeDecodeError, LookupError):
            continue
    try:
        text, encoding = decode_text(data, source)
        return text, encoding, ()
    except ParseError:
        if not candidates and label not in _WESTERN:
            raise
    # Declared, but the bytes do not all fit: read it as declared, the bad bytes replaced.
    encoding = candidates[0] if candidates else "cp1252"
    text = data.decode(encoding, errors="replace")
    warning = f"text does not decode as its declared charset {label}: undecodable bytes replaced"
    return text, encoding, (warning,)
