"""A damaged PDF in words a user understands: the reason a file cannot be read, and what pdfminer
said about it while reading.

pdfminer reports damage in two ways: by raising (its own exceptions, or Python's TypeError,
KeyError … from deep inside its object parser), and by logging a warning and reading on. Both are
turned into one-line words here: an exception into the reason of a ParseError ("corrupt or
truncated PDF: its cross-reference table cannot be read"), log records into the file's warnings
instead of unnamed lines on stderr.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

ENCRYPTED = "encrypted PDF: remove the password first (e.g. qpdf --decrypt in.pdf out.pdf)"
CORRUPT = "corrupt or truncated PDF"
_MAX_DISTINCT_WARNINGS = 5
_LOGGERS = ("pdfminer", "pdfplumber")
_UNSUPPORTED_FILTER = re.compile(r"Unsupported filter: /?'?([^']*)")

# Exception type names (anywhere in the chain) → what is wrong with the file. First match wins.
_DAMAGE: tuple[tuple[tuple[str, ...], str], ...] = (
    (("PDFNoValidXRef",), "its cross-reference table (the index of its objects) cannot be read"),
    (("PDFNoPageTree", "PDFNoOutlines"), "it has no readable page tree"),
    (("PSEOF", "EOFError"), "the file ends in the middle of an object (truncated)"),
    (("RecursionError",), "its objects refer to each other in an endless loop"),
    (("error",), "a compressed stream cannot be decompressed"),  # zlib.error
    (("PDFSyntaxError", "PSSyntaxError", "PSTypeError", "PDFTypeError", "PDFValueError", "PDFException",
      "PSException", "PDFNotImplementedError", "PDFFontError", "PDFInterpreterError"), "its structure cannot be read"),
    (("TypeError", "KeyError", "AttributeError", "ValueError", "IndexError", "AssertionError",
      "ZeroDivisionError", "OverflowError", "UnicodeDecodeError", "LookupError", "OSError"),
     "an object it needs is missing or malformed"),
)


def exception_chain(exc: BaseException) -> list[BaseException]:
    """The exception and the ones inside it: pdfplumber wraps pdfminer's (PdfminerException(original))."""
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and len(chain) < 10:
        chain.append(current)
        inner = current.args[0] if current.args and isinstance(current.args[0], BaseException) else None
        current = inner or current.__cause__ or current.__context__
    return chain


def failure_reason(exc: BaseException) -> str:
    """One line saying, in words, why the PDF could not be read."""
    chain = exception_chain(exc)
    names = [type(e).__name__ for e in chain]
    if any("Password" in name or "Encrypt" in name for name in names):
        return ENCRYPTED
    if any("No /Root" in str(e) for e in chain):
        return f"{CORRUPT}: it has no document catalog (/Root): is it really a PDF?"
    unknown_filter = next((m for e in chain if (m := _UNSUPPORTED_FILTER.search(str(e)))), None)
    if unknown_filter is not None:
        return f"{CORRUPT}: a stream is compressed by an unknown filter ({unknown_filter.group(1)[:40]})"
    for kinds, words in _DAMAGE:
        if any(name in kinds for name in reversed(names)):
            return f"{CORRUPT}: {words}"
    return f"{CORRUPT}: it cannot be read"


class _Collect(logging.Handler):
    def __init__(self, records: list[str]) -> None:
        super().__init__(logging.WARNING)
        self.records = records

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
        except Exception:  # a record whose arguments do not fit its format
            message = str(record.msg)
        self.records.append(re.sub(r"\s+", " ", message).strip()[:160])


@contextmanager
def captured_reader_logs() -> Iterator[list[str]]:
    """pdfminer's and pdfplumber's warnings while one file is read, collected instead of printed.

    Without this they reach stderr through logging's last-resort handler, one line each (a damaged
    file can give a thousand) and none naming the file.
    """
    records: list[str] = []
    handler = _Collect(records)
    loggers = [logging.getLogger(name) for name in _LOGGERS]
    propagate = [logger.propagate for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.propagate = False
    try:
        yield records
    finally:
        for logger, before in zip(loggers, propagate, strict=True):
            logger.removeHandler(handler)
            logger.propagate = before


def reader_warnings(records: list[str]) -> list[str]:
    """The reader's log records as the file's warnings: each distinct message once, with its count."""
    counts = Counter(records)
    out = [
        f"PDF reader: {message}" + (f" ({count} times)" if count > 1 else "")
        for message, count in counts.most_common(_MAX_DISTINCT_WARNINGS)
    ]
    if len(counts) > _MAX_DISTINCT_WARNINGS:
        rest = sum(count for _, count in counts.most_common()[_MAX_DISTINCT_WARNINGS:])
        out.append(f"PDF reader: {rest} more warnings of {len(counts) - _MAX_DISTINCT_WARNINGS} other kinds")
    return out
