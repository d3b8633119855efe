"""The key that ties together the forms of one document: its PDF, its DOCX, its web text.

A unit publishes one document as several files (a DOCX and the PDF printed from it; a web page
and its attachment). Their extractions agree on the title, the organisation and the year, but not
to the character: spaces, full- or half-width punctuation and brackets differ by format, so those
are dropped. A document without a title is keyed by its file's stem (nanchang-kaohe-2023.pdf and
nanchang-kaohe-2023.txt share one).
"""

from __future__ import annotations

import regex

from normalizers.text import fold_width

# Everything that is not a letter or a digit: spaces, punctuation, symbols ("《》", "（）", "—").
_NOT_WORD = regex.compile(r"[^\p{L}\p{N}]+")


def key_text(text: str | None) -> str:
    """``text`` with width folded and every space, punctuation mark and symbol dropped."""
    return _NOT_WORD.sub("", fold_width(text or "")).lower()


def document_key(title: str | None, organization: str | None, year: int | None, file_name: str) -> str:
    """``year|organization|title`` as :func:`key_text` writes them; the file's stem for a document
    without a title. "" stands for an unknown year or organisation."""
    name = key_text(title)
    if not name:
        stem = file_name.rsplit(".", 1)[0] if "." in file_name else file_name
        name = key_text(stem)
    return f"{'' if year is None else year}|{key_text(organization)}|{name}"
