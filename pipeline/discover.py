"""Discover stage: list the files under a folder that an ingest run should look at."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class SourceFile:
    """One file found under the ingest root; ``size`` in bytes, ``mtime`` as os.stat gives it."""

    path: Path
    size: int
    mtime: float
    mtime_ns: int = 0  # the exact stamp, compared to decide whether a file may have changed


def _ignored(name: str) -> bool:
    # Hidden files and folders (.git, .DS_Store) and Word/WPS owner files (~$报告.docx), which
    # are lock stubs of an open document, not documents.
    return name.startswith((".", "~$"))


@dataclass(frozen=True, slots=True)
class Discovery:
    """The files found under a root, and the folders and files that could not be looked at
    (path, one-line reason): a run reports those instead of passing over them in silence."""

    files: tuple[SourceFile, ...]
    unreadable: tuple[tuple[Path, str], ...] = ()


def os_reason(exc: OSError) -> str:
    """An OSError in words: "permission denied", not "PermissionError: [Errno 13] …"."""
    return (exc.strerror or type(exc).__name__).lower()


def discover(root: Path) -> list[SourceFile]:
    """Every regular file under ``root`` (recursively), sorted by path (see :func:`discover_all`)."""
    return list(discover_all(root).files)


def discover_all(root: Path) -> Discovery:
    """Every regular file under ``root`` (recursively), sorted by path, and what could not be read.

    Hidden files and folders and ``~$`` lock files are skipped. Unsupported extensions are kept on
    purpose: the parse stage rejects them with a hint, so the user sees them in the run summary.
    Paths are ``root`` joined with the relative path, i.e. relative if ``root`` is relative.
    Symbolic links to files are followed; links to folders are not (they could loop).
    """
    if not root.is_dir():
        raise NotADirectoryError(f"{root}: not a folder")
    found: list[SourceFile] = []
    unreadable: list[tuple[Path, str]] = []

    def on_error(exc: OSError) -> None:
        where = Path(exc.filename) if exc.filename else root
        unreadable.append((where, f"folder cannot be read: {os_reason(exc)} (files in it were not looked at)"))

    for dirpath, dirnames, filenames in os.walk(root, onerror=on_error):
        # Pruning in place stops os.walk from descending into hidden folders.
        dirnames[:] = [d for d in dirnames if not _ignored(d)]
        for name in filenames:
            if _ignored(name):
                continue
            path = Path(dirpath, name)
            try:
                st = path.stat()
            except FileNotFoundError:
                continue  # dangling link, or removed since the listing
            except OSError as exc:
                unreadable.append((path, f"cannot be read: {os_reason(exc)}"))
                continue
            if stat.S_ISREG(st.st_mode):
                found.append(SourceFile(path=path, size=st.st_size, mtime=st.st_mtime, mtime_ns=st.st_mtime_ns))
    found.sort(key=lambda f: f.path.parts)
    return Discovery(files=tuple(found), unreadable=tuple(sorted(unreadable)))
