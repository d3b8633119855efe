"""Shared fixtures: the test corpus, a writable copy of it, and throwaway database URLs."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from sqlalchemy import Engine

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


PG_URL_VAR = "KAOHE_TEST_PG_URL"


@pytest.fixture(scope="session")
def pg_server() -> Iterator[Engine]:
    """An AUTOCOMMIT engine on the PostgreSQL server named by $KAOHE_TEST_PG_URL.

    Skips when the variable is not set, except under CI=true, where that is an error: CI must never
    skip the PostgreSQL backend silently. Get a URL with ``scripts/pg-test-server.sh``.
    """
    from sqlalchemy import create_engine, make_url

    raw = os.environ.get(PG_URL_VAR, "").strip()
    if not raw:
        reason = f"PostgreSQL backend: {PG_URL_VAR} is not set (export {PG_URL_VAR}=$(scripts/pg-test-server.sh))"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}; CI=true requires the PostgreSQL backend", pytrace=False)
        pytest.skip(reason)
    url = make_url(raw)
    if url.drivername == "postgresql":  # SQLAlchemy's default driver would be psycopg2
        url = url.set(drivername="postgresql+psycopg")
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    yield engine
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """URL of an empty database, once per backend: a SQLite file that does not exist yet (in a
    folder that does not exist yet), and a fresh PostgreSQL database created on the server of
    $KAOHE_TEST_PG_URL for this test alone and dropped after it (see :func:`pg_server`)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'db' / 'kaohe.db'}"
        return
    from sqlalchemy import text

    server: Engine = request.getfixturevalue("pg_server")
    name = f"kaohe_test_{uuid.uuid4().hex[:16]}"
    with server.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
        # Not UTC, so that nothing depends on the server's time zone (documents.loaded_at is UTC).
        conn.execute(text(f"ALTER DATABASE \"{name}\" SET timezone TO 'Asia/Shanghai'"))
        force = " WITH (FORCE)" if (server.dialect.server_version_info or (0,)) >= (13,) else ""
    try:
        yield server.url.set(database=name).render_as_string(hide_password=False)
    finally:
        # FORCE: a connection the test left open must not keep the database alive.
        with server.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"{force}'))


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
    """A function giving every row (all columns) of every kaohe table at a database URL, by id.

    Works on SQLite and PostgreSQL; compare dumps of the same backend (SQLite gives datetimes as text).
    """
    return _dump
