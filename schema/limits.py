"""Bounds on what one file may cost: its size, the size its zip parts unpack to, the time and the
memory its extraction may take. Each is a clear per-file error when exceeded, never the run's end.

The defaults are far above any real assessment document (the largest in the corpora is a 12 MB
scanned PDF; a 考核细则 DOCX unpacks to well under 5 MB) and far below what takes a machine down.
"""

from __future__ import annotations

from dataclasses import dataclass

MB = 1 << 20


@dataclass(frozen=True, slots=True)
class Limits:
    """Per-file bounds; ``None`` switches a bound off.

    - ``max_file_bytes``: a file larger than this is not read at all.
    - ``max_text_bytes``: the same for text-like files (.txt, .html), read whole into memory.
    - ``max_unzipped_bytes``: the XML parts of a .docx/.xlsx together, by the sizes the zip
      declares, read before anything is unpacked (a zip bomb is refused unopened); all its parts
      together are bounded by ``max_file_bytes``.
    - ``seconds_per_file``: the extraction of one file (parse and build).
    - ``worker_memory_bytes``: the address space of an extraction worker process; a worker that
      reaches it is replaced and its file reported.
    """

    max_file_bytes: int | None = 200 * MB
    max_text_bytes: int | None = 32 * MB
    max_unzipped_bytes: int | None = 64 * MB
    seconds_per_file: float | None = 300.0
    worker_memory_bytes: int | None = 3072 * MB

    def __post_init__(self) -> None:
        for name in ("max_file_bytes", "max_text_bytes", "max_unzipped_bytes", "worker_memory_bytes"):
            value = getattr(self, name)
            if value is not None and value <= 0:
                raise ValueError(f"{name} must be positive or None, not {value}")
        if self.seconds_per_file is not None and self.seconds_per_file <= 0:
            raise ValueError(f"seconds_per_file must be positive or None, not {self.seconds_per_file}")


DEFAULT_LIMITS = Limits()


def megabytes(size: int) -> str:
    """A size for a message: "1.5 MB"."""
    return f"{size / MB:.1f} MB" if size < 10 * MB else f"{size // MB} MB"
