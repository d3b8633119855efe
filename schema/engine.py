"""Engines on a kaohe database: SQLite settings (foreign keys, busy timeout, WAL) and URLs in messages."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.engine.interfaces import DBAPIConnection

# Relative to the current directory, like every path the CLI takes.
DEFAULT_DB_URL = "sqlite:///data/out/kaohe.db"

# How long a SQLite connection waits for another's lock (an ingest's write, a schema creation)
# before giving up with "database is locked".
SQLITE_BUSY_TIMEOUT_MS = 30_000


def _configure_sqlite_connection(dbapi_connection: DBAPIConnection, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    try:
        # SQLite ignores FOREIGN KEY clauses (and so ON DELETE CASCADE) unless asked per connection.
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    finally:
        cursor.close()


def _enable_sqlite_wal(dbapi_connection: DBAPIConnection, _record: object) -> None:
    # WAL: readers (kaohe query, export) never block the ingest's writes and it never blocks them.
    # The mode is stored in the file, so read-only connections (analyst.guard) find it set.
    cursor = dbapi_connection.cursor()
    try:
        if cursor.execute("PRAGMA journal_mode").fetchone()[0].lower() == "wal":
            return
        # Changing the mode needs the file to itself and SQLite does not call the busy handler
        # for it: two runs opening a new database together get "database is locked" at once.
        # Wait as a busy timeout would; the run holding the file sets WAL all the same.
        deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
        pause = 0.01
        while True:
            try:
                cursor.execute("PRAGMA journal_mode=WAL").fetchall()
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
            time.sleep(pause)
            pause = min(0.5, pause * 2)
    finally:
        cursor.close()


def _is_sqlite_file(database: str | None) -> bool:
    """Whether a SQLite URL's database is a file kaohe may write (not in memory, not read-only)."""
    if not database or database == ":memory:":
        return False
    return not database.startswith("file:") or not any(
        flag in database for flag in ("mode=memory", "mode=ro", "immutable=1")
    )


def create_engine_for(url: str) -> Engine:
    """Create an engine for ``url``; for SQLite: create the file's folder, enforce foreign keys,
    wait for locks (busy timeout) and use WAL journal mode on a file."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed)
        event.listen(engine, "connect", _configure_sqlite_connection)
        if _is_sqlite_file(database):
            event.listen(engine, "connect", _enable_sqlite_wal)
        return engine
    return create_engine(parsed)


def describe_url(url: str) -> str:
    """Where the database is, for messages: the absolute file of SQLite, else the URL sans password."""
    parsed = make_url(url)
    database = parsed.database
    if parsed.get_backend_name() == "sqlite" and database and database != ":memory:":
        return database if database.startswith("file:") else os.path.abspath(database)
    return parsed.render_as_string(hide_password=True)
