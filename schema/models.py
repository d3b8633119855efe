"""The SQL schema analysts query: one row per document, indicator, clause, fact and warning.

Tables (every child table has ``document_id`` with ON DELETE CASCADE, so deleting a document row
removes everything extracted from it):

* ``documents``  — one row per source file: where it came from, its content hash, the extractor
  version that produced the rows, and the document-level fields (title, organization, year, ...).
* ``indicators`` — the indicator tree. ``ordinal`` is the extraction's per-document indicator id,
  ``parent_id`` points at the parent's row id, ``path`` is "一级 / 二级 / 三级" for easy filtering,
  ``is_leaf`` marks the rows that carry the actual scoring content.
* ``clauses``    — scoring rules (deduct / bonus / veto / tier), attached to an indicator or to the
  document as a whole (``indicator_id`` NULL).
* ``facts``      — document-level figures that are not indicators (totals, budget, execution rate).
* ``warnings``   — what the extractor was unsure about, one row per message.

Works on SQLite (the default, a file under data/out/) and on any SQLAlchemy URL such as
``postgresql+psycopg://user@host/kaohe``.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    Engine,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    event,
    make_url,
)
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Relative to the current directory, like every path the CLI takes.
DEFAULT_DB_URL = "sqlite:///data/out/kaohe.db"


class Base(DeclarativeBase):
    """Declarative base of the kaohe tables."""


class DocumentRow(Base):
    """One ingested source file and its document-level fields."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_path: Mapped[str] = mapped_column(
        String(1024), unique=True, comment="path of the source file as ingested (see pipeline.ingest)"
    )
    file_name: Mapped[str] = mapped_column(String(255), index=True, comment="base name of source_path")
    sha256: Mapped[str] = mapped_column(String(64), index=True, comment="hex SHA-256 of the file content")
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    mtime_ns: Mapped[int | None] = mapped_column(
        BigInteger,
        comment="file modification time when stored (ns since the epoch); with size_bytes, skips unchanged files",
    )
    format: Mapped[str] = mapped_column(String(16), index=True, comment="pdf, docx, text, html, xlsx or xls")
    extractor_version: Mapped[str] = mapped_column(String(32))
    title: Mapped[str | None] = mapped_column(Text, comment="simplified Chinese")
    title_original: Mapped[str | None] = mapped_column(Text, comment="title before conversion, if different")
    organization: Mapped[str | None] = mapped_column(Text, index=True, comment="assessed unit")
    supervisor: Mapped[str | None] = mapped_column(Text, index=True, comment="主管部门")
    year: Mapped[int | None] = mapped_column(Integer, index=True)
    script: Mapped[str] = mapped_column(String(8), comment="hans or hant: script of the source text")
    total_points: Mapped[float | None] = mapped_column(Float, comment="full marks of the scheme")
    total_score: Mapped[float | None] = mapped_column(Float, comment="score achieved, where reported")
    page_count: Mapped[int | None] = mapped_column(Integer)
    indicator_count: Mapped[int] = mapped_column(Integer)
    warning_count: Mapped[int] = mapped_column(Integer)
    loaded_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), comment="UTC time the rows of this document were written"
    )

    indicators: Mapped[list[IndicatorRow]] = relationship(
        back_populates="document", cascade="all, delete-orphan", passive_deletes=True
    )
    clauses: Mapped[list[ClauseRow]] = relationship(
        back_populates="document", cascade="all, delete-orphan", passive_deletes=True
    )
    facts: Mapped[list[FactRow]] = relationship(
        back_populates="document", cascade="all, delete-orphan", passive_deletes=True
    )
    warnings: Mapped[list[WarningRow]] = relationship(
        back_populates="document", cascade="all, delete-orphan", passive_deletes=True
    )
    checks: Mapped[list[CheckRow]] = relationship(
        back_populates="document", cascade="all, delete-orphan", passive_deletes=True
    )

    def __repr__(self) -> str:
        return f"DocumentRow(id={self.id!r}, source_path={self.source_path!r})"


class IndicatorRow(Base):
    """One node of a document's indicator tree."""

    __tablename__ = "indicators"
    __table_args__ = (
        UniqueConstraint("document_id", "ordinal", name="uq_indicators_document_ordinal"),
        Index("ix_indicators_document_leaf", "document_id", "is_leaf"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    ordinal: Mapped[int] = mapped_column(Integer, comment="indicator id within its document's extraction")
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("indicators.id", ondelete="CASCADE"), index=True, comment="indicators.id of the parent"
    )
    level: Mapped[int] = mapped_column(Integer, index=True, comment="1 = top level")
    path: Mapped[str] = mapped_column(Text, comment="names of ancestors and self joined with ' / '")
    name: Mapped[str] = mapped_column(Text)
    name_original: Mapped[str | None] = mapped_column(Text, comment="name before conversion, if it differed")
    description: Mapped[str | None] = mapped_column(Text)
    points: Mapped[float | None] = mapped_column(Float, comment="weight / full marks of the indicator")
    score: Mapped[float | None] = mapped_column(Float, comment="score achieved, where reported")
    target_op: Mapped[str | None] = mapped_column(String(2), comment=">=, <=, >, < or =")
    target_value: Mapped[float | None] = mapped_column(Float)
    target_unit: Mapped[str | None] = mapped_column(String(32))
    target_text: Mapped[str | None] = mapped_column(Text, comment="target as written")
    actual: Mapped[str | None] = mapped_column(Text, comment="actual value achieved, as written")
    basis: Mapped[str | None] = mapped_column(Text, comment="指标值确定依据")
    reason: Mapped[str | None] = mapped_column(Text, comment="未完成原因")
    measures: Mapped[str | None] = mapped_column(Text, comment="改进措施")
    page: Mapped[int | None] = mapped_column(Integer)
    is_leaf: Mapped[bool] = mapped_column(Boolean, comment="true when no indicator has this one as parent")

    document: Mapped[DocumentRow] = relationship(back_populates="indicators")
    parent: Mapped[IndicatorRow | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[IndicatorRow]] = relationship(back_populates="parent", passive_deletes=True)
    clauses: Mapped[list[ClauseRow]] = relationship(back_populates="indicator", passive_deletes=True)

    def __repr__(self) -> str:
        return f"IndicatorRow(id={self.id!r}, path={self.path!r})"


class ClauseRow(Base):
    """One scoring rule: deduct, bonus, veto or tier."""

    __tablename__ = "clauses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    indicator_id: Mapped[int | None] = mapped_column(
        ForeignKey("indicators.id", ondelete="CASCADE"),
        index=True,
        comment="indicators.id the rule belongs to; NULL for document-wide rules",
    )
    kind: Mapped[str] = mapped_column(String(16), index=True, comment="deduct, bonus, veto or tier")
    points: Mapped[float | None] = mapped_column(Float, comment="points per occurrence (or of the tier)")
    per_count: Mapped[float | None] = mapped_column(Float, comment="'每 per_count per_unit' the points apply")
    per_unit: Mapped[str | None] = mapped_column(String(32))
    cap: Mapped[float | None] = mapped_column(Float, comment="most points the rule can deduct / add")
    text: Mapped[str] = mapped_column(Text, comment="the phrase stating the rule, e.g. 少1次扣1分")
    context: Mapped[str | None] = mapped_column(
        Text, comment="for document-wide rules: the 加分/扣分 item the rule was read from"
    )

    document: Mapped[DocumentRow] = relationship(back_populates="clauses")
    indicator: Mapped[IndicatorRow | None] = relationship(back_populates="clauses")

    def __repr__(self) -> str:
        return f"ClauseRow(id={self.id!r}, kind={self.kind!r})"


class FactRow(Base):
    """A document-level figure that is not an indicator (totals, budget, execution rate, ...)."""

    __tablename__ = "facts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(64), index=True)
    value: Mapped[float | None] = mapped_column(Float)
    text: Mapped[str] = mapped_column(Text, comment="the figure as written")

    document: Mapped[DocumentRow] = relationship(back_populates="facts")

    def __repr__(self) -> str:
        return f"FactRow(id={self.id!r}, name={self.name!r}, value={self.value!r})"


class CheckRow(Base):
    """A declared total compared with the sum of what it totals (reconciliation)."""

    __tablename__ = "checks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    indicator_id: Mapped[int | None] = mapped_column(
        ForeignKey("indicators.id", ondelete="CASCADE"),
        index=True,
        comment="indicators.id of the section that declares the total; NULL for the document total",
    )
    name: Mapped[str] = mapped_column(Text, comment="what declares the total")
    declared: Mapped[float] = mapped_column(Float, comment="the total as printed")
    computed: Mapped[float] = mapped_column(Float, comment="sum of the points of what it totals")
    unscored: Mapped[int] = mapped_column(Integer, comment="items under it that state no points")
    ok: Mapped[bool] = mapped_column(Boolean, index=True, comment="declared equals computed")

    document: Mapped[DocumentRow] = relationship(back_populates="checks")

    def __repr__(self) -> str:
        return f"CheckRow(id={self.id!r}, name={self.name!r}, ok={self.ok!r})"


class WarningRow(Base):
    """One extraction warning of a document."""

    __tablename__ = "warnings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    message: Mapped[str] = mapped_column(Text)

    document: Mapped[DocumentRow] = relationship(back_populates="warnings")

    def __repr__(self) -> str:
        return f"WarningRow(id={self.id!r}, message={self.message!r})"


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
        cursor.execute("PRAGMA journal_mode=WAL")
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


def init_db(engine: Engine) -> None:
    """Create the tables and indexes that do not exist yet (existing ones are left as they are)."""
    Base.metadata.create_all(engine)


def describe_url(url: str) -> str:
    """Where the database is, for messages: the absolute file of SQLite, else the URL sans password."""
    parsed = make_url(url)
    database = parsed.database
    if parsed.get_backend_name() == "sqlite" and database and database != ":memory:":
        return database if database.startswith("file:") else os.path.abspath(database)
    return parsed.render_as_string(hide_password=True)
