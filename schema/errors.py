"""Errors that name the file and the reason; the ingest run reports them and goes on."""

from __future__ import annotations


class KaoheError(Exception):
    """A file could not be processed. ``str()`` is one line: ``path: reason``."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason

    def __reduce__(self) -> tuple[type[KaoheError], tuple[str, str]]:
        # Exceptions cross the process pool by pickling; the default would pass one argument.
        return (type(self), (self.path, self.reason))


class UnsupportedFormat(KaoheError):
    """The file's extension is not one kaohe reads."""


class ParseError(KaoheError):
    """The file is of a supported kind but cannot be read (empty, corrupt, encrypted, no text)."""
