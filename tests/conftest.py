"""Shared fixtures: the test corpus, a writable copy of it, and a throwaway database URL."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """The read-only test corpus: tests/fixtures/corpus/raw (one document per file)."""
    return FIXTURES / "corpus" / "raw"


@pytest.fixture(scope="session")
def truth_dir() -> Path:
    """Hand-checked expected values for the corpus: tests/fixtures/corpus/truth/<file>.json."""
    return FIXTURES / "corpus" / "truth"


@pytest.fixture
def corpus_copy(tmp_path: Path, corpus_dir: Path) -> Path:
    """A writable copy of the corpus under tmp_path (the fixture files are read-only)."""
    target = tmp_path / "raw"
    # copyfile, not copy2/copytree: the copies must not inherit the read-only mode.
    shutil.copytree(corpus_dir, target, copy_function=shutil.copyfile)
    return target


@pytest.fixture
def tmp_db_url(tmp_path: Path) -> str:
    """URL of a SQLite file that does not exist yet, in a folder that does not exist yet."""
    return f"sqlite:///{tmp_path / 'db' / 'kaohe.db'}"


TABLES = ("documents", "indicators", "clauses", "facts", "warnings")


def _dump(url: str) -> dict[str, list[tuple[object, ...]]]:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return {
                table: sorted(tuple(row) for row in conn.execute(text(f"SELECT * FROM {table} ORDER BY id")))
                for table in TABLES
            }
    finally:
        engine.dispose()


@pytest.fixture
def dump_db() -> Callable[[str], dict[str, list[tuple[object, ...]]]]:
    """A function giving every row (all columns) of every kaohe table at a database URL, sorted."""
    return _dump
