"""Fault injection on the store: ingests killed with SIGKILL, concurrent ingests, a long reader.

Each test runs the real command line (``python -m kaohe ingest``) in subprocesses, on SQLite and,
when $KAOHE_TEST_PG_URL is set, on PostgreSQL (a fresh database per use, see :func:`new_db_url`).
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, inspect, make_url, text

from pipeline.extract import extract_file
from pipeline.ingest import ingest
from schema.migrate import current_revision, head_revision, upgrade
from schema.models import Base, create_engine_for

REPO = Path(__file__).resolve().parent.parent
# Six small files of the corpus (text and Word): an ingest of them takes a few seconds.
FILES = (
    "nanchang-kaohe-2023.txt",
    "wangcheng-ziping-2021.txt",
    "yutian-mubiao-2023.docx",
    "yutian-mubiao-2023.txt",
    "zaozhuang-fulian-2022.txt",
    "zaozhuang-laoganbu-2022.txt",
)
KAOHE_TABLES = frozenset(Base.metadata.tables)
# Rows each document gets, by table (see pipeline.load.load).
CHILD_TABLES = ("indicators", "clauses", "checks", "facts", "warnings")


@dataclass(frozen=True, slots=True)
class Backend:
    name: str
    make_url: Callable[[], str]


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    """Makes URLs of new, empty databases of one backend; PostgreSQL ones are dropped afterwards."""
    if request.param == "sqlite":
        counter = iter(range(1000))
        yield Backend("sqlite", lambda: f"sqlite:///{tmp_path / f'db{next(counter)}' / 'kaohe.db'}")
        return
    server: Engine = request.getfixturevalue("pg_server")
    made: list[str] = []

    def new_pg_url() -> str:
        name = f"kaohe_fault_{uuid.uuid4().hex[:16]}"
        with server.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        made.append(name)
        return server.url.set(database=name).render_as_string(hide_password=False)

    yield Backend("postgresql", new_pg_url)
    with server.connect() as conn:
        for name in made:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def folder(tmp_path: Path, corpus_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """tmp_path/raw with the six files; the current directory is tmp_path (source_path keys raw/...)."""
    raw = tmp_path / "raw"
    raw.mkdir()
    for name in FILES:
        shutil.copyfile(corpus_dir / name, raw / name)
    monkeypatch.chdir(tmp_path)
    return raw


@pytest.fixture(scope="module")
def expected_rows(corpus_dir: Path) -> dict[str, dict[str, int]]:
    """Rows per child table of each file's document, from a clean extraction: by source_path."""
    expected: dict[str, dict[str, int]] = {}
    for name in FILES:
        extraction = extract_file(corpus_dir / name)
        expected[f"raw/{name}"] = {
            "indicators": len(extraction.indicators),
            "clauses": len(extraction.clauses),
            "checks": len(extraction.checks),
            "facts": len(extraction.facts),
            "warnings": len(extraction.warnings),
        }
    return expected


def _start_ingest(folder: Path, url: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "kaohe", "ingest", folder.name, "--db", url, "--workers", "1", "--no-progress"],
        cwd=folder.parent,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _finish(process: subprocess.Popen[str], timeout: float = 120) -> tuple[int, str]:
    output, _ = process.communicate(timeout=timeout)
    return process.returncode, output


def _kill_after(folder: Path, url: str, delay: float) -> None:
    """Start an ingest and SIGKILL it ``delay`` seconds after it starts on the database."""
    process = _start_ingest(folder, url)
    assert process.stdout is not None
    # "Ingesting N files ..." is printed just before the database is opened: delay 0 kills the
    # run while it creates the schema.
    first_line = process.stdout.readline()
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert first_line.startswith("Ingesting") or process.returncode == -signal.SIGKILL, first_line


def _stored_counts(engine: Engine) -> dict[str, dict[str, int]]:
    """Rows per child table of every stored document, by source_path."""
    with engine.connect() as conn:
        documents = {row[0]: row[1] for row in conn.execute(text("SELECT id, source_path FROM documents"))}
        counts: dict[str, dict[str, int]] = {path: dict.fromkeys(CHILD_TABLES, 0) for path in documents.values()}
        for table in CHILD_TABLES:
            sql = f"SELECT document_id, COUNT(*) FROM {table} GROUP BY document_id"
            for document_id, count in conn.execute(text(sql)):
                counts[documents[document_id]][table] = count
    return counts


def _check_consistent(url: str, expected: dict[str, dict[str, int]]) -> int:
    """The database opens and is intact, its schema absent or whole, every document whole.

    Returns how many documents are stored.
    """
    if url.startswith("sqlite") and not Path(make_url(url).database or "").exists():
        return 0  # killed before the file was made
    if url.startswith("sqlite"):
        with sqlite3.connect(make_url(url).database or "") as conn:
            assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    engine = create_engine_for(url)
    try:
        tables = set(inspect(engine).get_table_names()) & KAOHE_TABLES
        revision = current_revision(engine)
        if revision is None:
            assert tables == set(), f"kaohe tables {sorted(tables)} without a migration history"
            return 0
        assert revision == head_revision() and tables == KAOHE_TABLES
        stored = _stored_counts(engine)
    finally:
        engine.dispose()
    for path, counts in stored.items():
        assert counts == expected[path], path
    return len(stored)


def _content(url: str) -> dict[str, tuple[object, ...]]:
    """What is stored of each document, without row ids and load times, by source_path."""
    engine = create_engine_for(url)
    try:
        with engine.connect() as conn:
            documents = conn.execute(
                text("SELECT id, source_path, sha256, title, indicator_count FROM documents")
            ).all()
            content: dict[str, tuple[object, ...]] = {}
            for document_id, path, sha256, title, indicator_count in documents:
                indicators = conn.execute(
                    text("SELECT ordinal, path, points, score FROM indicators WHERE document_id = :d ORDER BY ordinal"),
                    {"d": document_id},
                ).all()
                clauses = conn.execute(
                    text("SELECT kind, points, text FROM clauses WHERE document_id = :d ORDER BY id"),
                    {"d": document_id},
                ).all()
                rows = (tuple(map(tuple, indicators)), tuple(map(tuple, clauses)))
                content[path] = (sha256, title, indicator_count, *rows)
    finally:
        engine.dispose()
    return content


# --- (a) SIGKILL at random moments ------------------------------------------------------------


def test_killed_ingests_leave_a_consistent_database(
    backend: Backend, folder: Path, expected_rows: dict[str, dict[str, int]]
) -> None:
    rng = random.Random(20240610)
    # Each chain kills runs on one new database, then checks that a last run completes. Delays are
    # from the moment a run starts on the database: 0 and 0.15 s fall in schema creation.
    chains = [[0.0, rng.uniform(0.5, 3.0), rng.uniform(0, 3.0)], [0.15, rng.uniform(0, 3.0), rng.uniform(0, 3.0)]]
    if backend.name != "sqlite":
        chains = [[0.0, 0.3, rng.uniform(0.5, 3.0)]]
    for delays in chains:
        url = backend.make_url()
        for delay in delays:
            _kill_after(folder, url, delay)
            _check_consistent(url, expected_rows)
        exit_code, output = _finish(_start_ingest(folder, url))
        assert exit_code == 0, f"re-run after kills at {', '.join(f'{d:.2f}' for d in delays)} s:\n{output}"
        assert _check_consistent(url, expected_rows) == len(FILES)


# --- (b) two ingests at once on a new database ------------------------------------------------


def test_concurrent_ingests_on_a_new_database(backend: Backend, folder: Path) -> None:
    url = backend.make_url()
    processes = [_start_ingest(folder, url), _start_ingest(folder, url)]
    results = [_finish(process) for process in processes]
    for exit_code, output in results:
        assert exit_code == 0, output
    reference = backend.make_url()
    assert ingest(folder, reference, workers=1, progress=False).ok
    assert _content(url) == _content(reference)
    assert len(_content(url)) == len(FILES)


# --- (c) a long reader during an ingest -------------------------------------------------------


def _hold_read_transaction(url: str, stop: threading.Event) -> None:
    """Read the documents in a transaction kept open until ``stop`` (at most 20 s)."""
    engine = create_engine_for(url)
    try:
        with engine.connect() as conn:
            if url.startswith("sqlite"):
                conn.exec_driver_sql("BEGIN")  # pysqlite would not begin a transaction for a SELECT
            conn.execute(text("SELECT COUNT(*) FROM documents")).all()
            stop.wait(20)
            conn.rollback()
    finally:
        engine.dispose()


def test_a_long_reader_does_not_block_the_ingest(backend: Backend, folder: Path) -> None:
    url = backend.make_url()
    upgrade(url)  # the schema, for the reader to read

    stop = threading.Event()
    reader = threading.Thread(target=_hold_read_transaction, args=(url, stop))
    reader.start()
    # And a slow `kaohe query` (a few seconds) while the ingest runs.
    count_to = "5000000" if url.startswith("sqlite") else "3000000"
    slow_sql = (
        f"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {count_to}) "
        "SELECT COUNT(*), (SELECT COUNT(*) FROM documents) FROM n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    try:
        time.sleep(0.5)
        ingesting = _start_ingest(folder, url)
        query = subprocess.Popen(
            [sys.executable, "-m", "kaohe", "query", slow_sql, "--db", url, "--format", "csv"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        exit_code, output = _finish(ingesting)
        query_exit, query_output = _finish(query)
    finally:
        stop.set()
        reader.join()
    assert exit_code == 0, output
    assert "database is locked" not in output
    assert f"loaded {len(FILES)}, skipped 0, failed 0" in output
    assert query_exit == 0, query_output
    assert query_output.splitlines()[-1].startswith(f"{count_to},")


# --- (d) opening a new database while another connection holds it --------------------------------


def test_opening_a_database_another_connection_is_creating_waits_for_it(tmp_path: Path) -> None:
    # Switching a file to WAL needs it to itself, and SQLite does not call the busy handler for
    # that: the second of two runs started together used to fail with "database is locked".
    path = tmp_path / "kaohe.db"
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("CREATE TABLE being_created (id INTEGER)")  # a file in rollback-journal mode
    holder.execute("BEGIN IMMEDIATE")  # about to write: others may read but not lock it whole
    holder.execute("INSERT INTO being_created VALUES (1)")
    release = threading.Timer(0.5, holder.execute, args=("COMMIT",))
    release.start()
    engine = create_engine_for(f"sqlite:///{path}")
    try:
        started = time.monotonic()
        with engine.connect() as connection:
            mode = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
            tables = connection.exec_driver_sql("SELECT name FROM sqlite_master").scalars().all()
        assert time.monotonic() - started >= 0.4  # it waited for the holder's commit
        assert mode == "wal"
        assert tables == ["being_created"]
    finally:
        release.join()
        engine.dispose()
        holder.close()
