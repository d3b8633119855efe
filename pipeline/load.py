"""Load stage: write one document's extraction into the database, replacing what was stored for it."""

from __future__ import annotations

import hashlib
import os
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TypeVar

from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from kaohe import EXTRACTOR_VERSION
from normalizers.document_key import document_key
from pipeline.discover import SourceFile
from schema.errors import KaoheError
from schema.models import CheckRow, ClauseRow, DocumentRow, FactRow, IndicatorRow, WarningRow
from schema.records import Extraction, Indicator

PATH_SEPARATOR = " / "
T = TypeVar("T")
# A transaction that finds the SQLite database locked beyond its busy timeout, or whose snapshot
# another writer outdated (WAL: "database is locked" at once), is tried again this many times in
# all, after growing pauses (about 0.1, 0.2, 0.4 ... s, at most 2 s).
LOCKED_ATTEMPTS = 6
_LOCKED_MESSAGES = ("database is locked", "database table is locked")


def source_path_of(path: Path) -> str:
    """The ``documents.source_path`` key of a file.

    Relative to the current directory (POSIX separators) when the file is under it, else absolute;
    ``..`` and ``.`` are normalized but symbolic links are not resolved, so a path keeps the name
    the user gave it. The key identifies a document across runs: ingesting the same folder again
    from the same directory finds the stored rows and skips or replaces them.
    """
    absolute = Path(os.path.abspath(path))
    try:
        key = absolute.relative_to(Path.cwd()).as_posix()
    except ValueError:
        key = absolute.as_posix()
    return printable_path(key)


def printable_path(name: str) -> str:
    """A file name that is not valid UTF-8 (Python holds its bytes as lone surrogates, which no
    database or terminal accepts) with those bytes written as \\xNN: "报告\\xb1\\xa8.txt"."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(name).decode("utf-8", "backslashreplace")
    return name


@dataclass(frozen=True, slots=True)
class StoredFile:
    """What the database knows of a stored file, to decide whether it must be read again."""

    sha256: str
    extractor_version: str
    size_bytes: int | None = None
    mtime_ns: int | None = None


def is_database_locked(exc: BaseException) -> bool:
    """Whether ``exc`` is SQLite's "database is locked" (another connection holds the write lock)."""
    return isinstance(exc, OperationalError) and any(m in str(exc.orig) for m in _LOCKED_MESSAGES)


def retry_when_locked(operation: Callable[[], T], attempts: int = LOCKED_ATTEMPTS) -> T:
    """Run ``operation`` (one transaction that rolls itself back on error) and return its result,
    running it again while it fails with "database is locked", at most ``attempts`` times in all."""
    for attempt in range(1, attempts + 1):
        try:
            return operation()
        except OperationalError as exc:
            if attempt == attempts or not is_database_locked(exc):
                raise
            # Jitter, so that writers that collided do not collide again.
            time.sleep(min(2.0, 0.1 * 2 ** (attempt - 1)) * random.uniform(0.5, 1.5))
    raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises


def stored_state(session: Session) -> dict[str, StoredFile]:
    """Map every stored ``source_path`` to what is stored of its file."""
    rows = session.execute(
        select(
            DocumentRow.source_path,
            DocumentRow.sha256,
            DocumentRow.extractor_version,
            DocumentRow.size_bytes,
            DocumentRow.mtime_ns,
        )
    )
    return {path: StoredFile(sha, version, size, mtime) for path, sha, version, size, mtime in rows}


def record_stat(session: Session, source_path: str, size: int, mtime_ns: int) -> None:
    """Note a new size and mtime for a file whose content (hash) is unchanged: it was touched or
    copied, and the next run should skip it on its stat alone. Commits."""
    try:
        session.execute(
            update(DocumentRow)
            .where(DocumentRow.source_path == source_path)
            .values(size_bytes=size, mtime_ns=mtime_ns)
            .execution_options(synchronize_session=False)
        )
        session.commit()
    except BaseException:
        session.rollback()
        raise


def delete_documents(session: Session, source_paths: Sequence[str]) -> int:
    """Delete the documents stored for ``source_paths`` with all their rows (the foreign keys
    cascade), in one transaction committed here (rolled back on error); return how many."""
    deleted = 0
    try:
        for start in range(0, len(source_paths), 500):  # bounded IN lists
            result = session.execute(
                delete(DocumentRow)
                .where(DocumentRow.source_path.in_(source_paths[start : start + 500]))
                .execution_options(synchronize_session=False)
            )
            deleted += result.rowcount
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return deleted


def _indicator_paths(key: str, indicators: tuple[Indicator, ...]) -> dict[int, str]:
    """Check the indicator tree and return each indicator's " / "-joined path by its id.

    Raises KaoheError when ids repeat, a parent is missing, or the parent links form a cycle:
    such an extraction cannot be stored faithfully, so nothing of it is stored.
    """
    by_id: dict[int, Indicator] = {}
    for ind in indicators:
        if ind.id in by_id:
            raise KaoheError(key, f"indicator id {ind.id} appears more than once in the extraction")
        by_id[ind.id] = ind
    paths: dict[int, str] = {}
    for ind in indicators:
        chain: list[Indicator] = []
        seen: set[int] = set()
        node: Indicator | None = ind
        # Walk up until an ancestor whose path is known (or the root), then fill in downwards.
        while node is not None and node.id not in paths:
            if node.id in seen:
                raise KaoheError(key, f"indicator {ind.id} is its own ancestor (parent links form a cycle)")
            seen.add(node.id)
            chain.append(node)
            if node.parent_id is None:
                node = None
            elif node.parent_id in by_id:
                node = by_id[node.parent_id]
            else:
                raise KaoheError(
                    key, f"indicator {node.id} has parent_id {node.parent_id}, which is not in the extraction"
                )
        prefix = paths[node.id] if node is not None else None
        for member in reversed(chain):
            prefix = member.name if prefix is None else f"{prefix}{PATH_SEPARATOR}{member.name}"
            paths[member.id] = prefix
    return paths


def _check_clauses(key: str, extraction: Extraction) -> None:
    known = {ind.id for ind in extraction.indicators}
    for clause in extraction.clauses:
        if clause.indicator_id is not None and clause.indicator_id not in known:
            raise KaoheError(
                key,
                f"a {clause.kind} clause refers to indicator {clause.indicator_id}, "
                "which is not in the extraction",
            )


# First half of the two-part PostgreSQL advisory lock on a source_path (see _lock_source_path);
# the two-part form has a key space of its own, apart from schema.migrate.SCHEMA_LOCK_KEY.
_SOURCE_PATH_LOCK_SPACE = 0x6B616F68


def _lock_source_path(session: Session, key: str) -> None:
    """On PostgreSQL, make a concurrent load of the same ``key`` wait for this transaction.

    Without it both would insert the key and the second fail on documents.source_path's unique
    constraint; with it the second's DELETE sees (and replaces) the first's committed row.
    SQLite needs nothing: it has one writer at a time.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    digest = int.from_bytes(hashlib.blake2b(key.encode(), digest_size=4).digest(), "big", signed=True)
    session.execute(
        text("SELECT pg_advisory_xact_lock(:space, :key)"), {"space": _SOURCE_PATH_LOCK_SPACE, "key": digest}
    )


def _as_utc(moment: datetime) -> datetime:
    # Naive means UTC (PostgreSQL would read it in the session's time zone); SQLite keeps the
    # wall-clock time and drops the zone, so an aware time is converted to UTC first.
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)


def load(
    session: Session,
    source: SourceFile | Path,
    extraction: Extraction,
    sha256: str,
    *,
    loaded_at: datetime | None = None,
) -> int:
    """Store one document's extraction and return its ``documents.id``.

    Any rows stored for the same ``source_path`` (see :func:`source_path_of`) are deleted first
    (the foreign keys cascade) and the new rows inserted, all in one transaction that is committed
    here; on any error it is rolled back, so the earlier rows stay, and the error is re-raised.
    The session should have no uncommitted work of its own. ``sha256`` is the file hash the skip
    decision is based on; ``loaded_at`` defaults to the current UTC time, and a naive one is taken as UTC.
    """
    if isinstance(source, SourceFile):
        path, size, mtime_ns = source.path, source.size, source.mtime_ns or None
    else:
        stat = source.stat()
        path, size, mtime_ns = source, stat.st_size, stat.st_mtime_ns
    key = source_path_of(path)
    # Validate before touching the database: a malformed extraction must not replace good rows.
    paths = _indicator_paths(key, extraction.indicators)
    _check_clauses(key, extraction)
    parent_ids = {ind.parent_id for ind in extraction.indicators if ind.parent_id is not None}
    info = extraction.document
    try:
        _lock_source_path(session, key)
        session.execute(
            delete(DocumentRow)
            .where(DocumentRow.source_path == key)
            .execution_options(synchronize_session=False)
        )
        document = DocumentRow(
            source_path=key,
            file_name=printable_path(path.name),
            sha256=sha256,
            size_bytes=size,
            mtime_ns=mtime_ns,
            format=info.format,
            extractor_version=EXTRACTOR_VERSION,
            title=info.title,
            title_original=info.title_original,
            organization=info.organization,
            supervisor=info.supervisor,
            year=info.year,
            document_key=document_key(info.title, info.organization, info.year, path.name),
            script=info.script,
            total_points=info.total_points,
            total_score=info.total_score,
            page_count=info.page_count,
            indicator_count=len(extraction.indicators),
            warning_count=len(extraction.warnings),
            loaded_at=_as_utc(loaded_at) if loaded_at else datetime.now(timezone.utc),
        )
        session.add(document)
        session.flush()

        # Two passes so row ids follow the extraction's order whatever order parents come in:
        # insert every indicator without its parent, then link the parents by the new ids.
        rows: dict[int, IndicatorRow] = {}
        for ind in extraction.indicators:
            target = ind.target
            rows[ind.id] = IndicatorRow(
                document_id=document.id,
                ordinal=ind.id,
                level=ind.level,
                path=paths[ind.id],
                name=ind.name,
                name_original=ind.name_original,
                description=ind.description,
                points=ind.points,
                score=ind.score,
                target_op=None if target is None else target.op,
                target_value=None if target is None else target.value,
                target_unit=None if target is None else target.unit,
                target_text=ind.target_text or (None if target is None else target.text),
                actual=ind.actual,
                basis=ind.basis,
                reason=ind.reason,
                measures=ind.measures,
                page=ind.page,
                part=ind.part,
                children_points=ind.children_points,
                is_leaf=ind.id not in parent_ids,
            )
        session.add_all(rows.values())
        session.flush()
        for ind in extraction.indicators:
            if ind.parent_id is not None:
                rows[ind.id].parent_id = rows[ind.parent_id].id

        session.add_all(
            ClauseRow(
                document_id=document.id,
                indicator_id=None if clause.indicator_id is None else rows[clause.indicator_id].id,
                kind=clause.kind,
                points=clause.points,
                per_count=None if clause.per is None else clause.per.count,
                per_unit=None if clause.per is None else clause.per.unit,
                cap=clause.cap,
                threshold_op=None if clause.threshold is None else clause.threshold.op,
                threshold_value=None if clause.threshold is None else clause.threshold.value,
                threshold_unit=None if clause.threshold is None else clause.threshold.unit,
                points_min=clause.points_min,
                effect=clause.effect,
                text=clause.text,
                context=clause.context,
            )
            for clause in extraction.clauses
        )
        session.add_all(
            CheckRow(
                document_id=document.id,
                indicator_id=None if check.indicator_id is None else rows[check.indicator_id].id,
                name=check.name,
                declared=check.declared,
                computed=check.computed,
                unscored=check.unscored,
                ok=check.ok,
            )
            for check in extraction.checks
        )
        session.add_all(
            FactRow(document_id=document.id, name=fact.name, value=fact.value, text=fact.text)
            for fact in extraction.facts
        )
        session.add_all(WarningRow(document_id=document.id, message=msg) for msg in extraction.warnings)
        session.flush()
        document_id = document.id
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return document_id
