"""Parse stage: one file → ParsedDocument, dispatched by extension to one parser per format."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

from schema.errors import ParseError, UnsupportedFormat
from schema.limits import DEFAULT_LIMITS, Limits, megabytes
from schema.records import ParsedDocument

Parser = Callable[[Path], ParsedDocument]

# Formats people send that we cannot read, with what to do about them.
_CONVERT_HINTS = {
    ".doc": "legacy Word .doc is not supported; save it as .docx "
    "(e.g. `libreoffice --headless --convert-to docx FILE`)",
    ".wps": "WPS documents are not supported; save as .docx",
    ".et": "WPS spreadsheets are not supported; save as .xlsx",
    ".ods": "OpenDocument spreadsheets are not supported; save as .xlsx",
    ".rtf": "RTF is not supported; save it as .docx",
    ".odt": "OpenDocument text is not supported; save it as .docx",
}


def _registry() -> dict[str, Parser]:
    # Imported lazily so a worker that only reads text does not import pdfplumber or openpyxl.
    from parsers.docx import parse_docx
    from parsers.html import parse_html
    from parsers.pdf import parse_pdf
    from parsers.text import parse_text
    from parsers.xls import parse_xls
    from parsers.xlsx import parse_xlsx

    return {
        ".pdf": parse_pdf,
        ".docx": parse_docx,
        ".txt": parse_text,
        ".text": parse_text,
        ".html": parse_html,
        ".htm": parse_html,
        ".mht": parse_html,
        ".mhtml": parse_html,
        ".xlsx": parse_xlsx,
        ".xlsm": parse_xlsx,
        ".xls": parse_xls,
    }


SUPPORTED_SUFFIXES = (".pdf", ".docx", ".txt", ".text", ".html", ".htm", ".mht", ".mhtml", ".xlsx", ".xlsm", ".xls")
# Read whole into memory as text: bounded by Limits.max_text_bytes.
_TEXT_SUFFIXES = (".txt", ".text", ".html", ".htm", ".mht", ".mhtml")
# Zip packages of XML parts: bounded by the sizes their parts unpack to.
_ZIP_SUFFIXES = (".docx", ".xlsx", ".xlsm")


def check_size(path: Path, size: int, limits: Limits) -> None:
    """Refuse a file over the size limit for its kind, before anything reads it."""
    text_like = path.suffix.lower() in _TEXT_SUFFIXES
    limit = limits.max_text_bytes if text_like else limits.max_file_bytes
    if limit is not None and size > limit:
        kind = "text file" if text_like else "file"
        raise ParseError(str(path), f"{kind} too large: {megabytes(size)} (limit {megabytes(limit)}; "
                                    f"raise it with --max-{'text' if text_like else 'file'}-mb)")


def check_unzipped_size(path: Path, limits: Limits) -> None:
    """Refuse a zip package whose parts would unpack to more than the limits, by the sizes its
    directory declares (read without unpacking anything): a zip bomb is refused unopened. A part
    that unpacks to more than it declares fails zipfile's own check when it is read."""
    if not zipfile.is_zipfile(path):
        return  # not a zip: the format's parser says what it is
    try:
        with zipfile.ZipFile(path) as package:
            parts = package.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError):
        # A damaged directory, or one naming a zip version or method zipfile lacks: the parser
        # reports it in its own words.
        return
    # XML parts are what the parser expands into trees (several times their size); the other
    # parts (images) are only held as bytes, so all parts together are bounded as a file is.
    xml = sum(part.file_size for part in parts if part.filename.endswith((".xml", ".rels")))
    total = sum(part.file_size for part in parts)
    for size, limit, option, what in (
        (xml, limits.max_unzipped_bytes, "--max-unzipped-mb", "XML parts"),
        (total, limits.max_file_bytes, "--max-file-mb", "zip parts"),
    ):
        if limit is not None and size > limit:
            raise ParseError(str(path), f"its {what} unpack to {megabytes(size)} (limit {megabytes(limit)}; "
                                        f"raise it with {option})")


def parse(path: Path, limits: Limits = DEFAULT_LIMITS) -> ParsedDocument:
    """Parse one file. Raises UnsupportedFormat or ParseError, each naming the file and reason;
    a file over one of ``limits`` is refused before its parser sees it."""
    suffix = path.suffix.lower()
    parser = _registry().get(suffix)
    if parser is None:
        hint = _CONVERT_HINTS.get(suffix, "")
        supported = ", ".join(SUPPORTED_SUFFIXES)
        reason = f"unsupported file type '{suffix or '(none)'}' (kaohe reads {supported})"
        raise UnsupportedFormat(str(path), f"{reason}; {hint}" if hint else reason)
    if not path.is_file():
        raise ParseError(str(path), "not a file")
    size = path.stat().st_size
    if size == 0:
        raise ParseError(str(path), "empty file (0 bytes)")
    check_size(path, size, limits)
    if suffix in _ZIP_SUFFIXES:
        check_unzipped_size(path, limits)
    return parser(path)
