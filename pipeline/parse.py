"""Parse stage: one file → ParsedDocument, dispatched by extension to one parser per format."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from schema.errors import ParseError, UnsupportedFormat
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


def parse(path: Path) -> ParsedDocument:
    """Parse one file. Raises UnsupportedFormat or ParseError, each naming the file and reason."""
    suffix = path.suffix.lower()
    parser = _registry().get(suffix)
    if parser is None:
        hint = _CONVERT_HINTS.get(suffix, "")
        supported = ", ".join(SUPPORTED_SUFFIXES)
        reason = f"unsupported file type '{suffix or '(none)'}' (kaohe reads {supported})"
        raise UnsupportedFormat(str(path), f"{reason}; {hint}" if hint else reason)
    if not path.is_file():
        raise ParseError(str(path), "not a file")
    if path.stat().st_size == 0:
        raise ParseError(str(path), "empty file (0 bytes)")
    return parser(path)
