"""Chain the per-file stages: parse → normalize → build indicators. Each stage is callable alone."""

from __future__ import annotations

import hashlib
from pathlib import Path

from pipeline.build import build
from pipeline.normalize import normalize
from pipeline.parse import parse
from schema.limits import DEFAULT_LIMITS, Limits
from schema.records import Extraction


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def extract_file(path: Path, sha256: str | None = None, limits: Limits = DEFAULT_LIMITS) -> Extraction:
    """Extract one file. Raises KaoheError subclasses naming the file and the reason."""
    parsed = parse(path, limits)
    return build(normalize(parsed), sha256 or file_sha256(path))
