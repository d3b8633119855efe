"""Ingest a folder: discover → hash → skip unchanged → extract in parallel → load, one writer."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text
from sqlalchemy import select
from sqlalchemy.orm import Session

from kaohe import EXTRACTOR_VERSION
from pipeline import executors
from pipeline.discover import SourceFile, discover
from pipeline.executors import ExecutorName, Job
from pipeline.extract import file_sha256
from pipeline.load import (
    delete_documents,
    load,
    printable_path,
    record_stat,
    retry_when_locked,
    source_path_of,
    stored_state,
)
from pipeline.parse import check_size
from schema.errors import KaoheError
from schema.limits import DEFAULT_LIMITS, Limits
from schema.migrate import needs_upgrade, upgrade
from schema.models import DocumentRow, create_engine_for


@dataclass(frozen=True, slots=True)
class IngestReport:
    """Outcome of one run; every discovered file is in exactly one of the three, by source_path.

    ``gone`` are stored documents under the folder whose files no longer exist; ``pruned`` those
    of them deleted from the database (all of them with ``prune=True``, else none).
    """

    loaded: tuple[str, ...]
    skipped: tuple[str, ...]
    failed: tuple[tuple[str, str], ...]  # (source_path, one-line reason)
    # What each loaded file contributed, for the summary; not part of the outcome's identity.
    details: tuple[LoadedDocument, ...] = field(default=(), compare=False)
    gone: tuple[str, ...] = ()
    pruned: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.failed


@dataclass(frozen=True, slots=True)
class LoadedDocument:
    source_path: str
    indicators: int
    clauses: int
    warnings: tuple[str, ...]


failure_reason = executors.failure_reason


class _FilesPerSecond(ProgressColumn):
    """How many files a second the run is getting through (rich's own rate column counts bytes)."""

    def render(self, task: Task) -> Text:
        return Text("" if task.speed is None else f"{task.speed:.1f} files/s", style="progress.data.speed")


def _progress_bar(enabled: bool) -> Progress:
    """Phase, bar, files done of all, rate, elapsed, ETA, and the file last taken up."""
    console = Console(stderr=True)
    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        _FilesPerSecond(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        # markup=False: a file name is text, not rich markup ("[2023]" would vanish).
        TextColumn("{task.fields[file]}", markup=False),
        console=console,
        disable=not (enabled and console.is_terminal),
        transient=True,
    )


def _is_under(key: str, root_key: str) -> bool:
    """Whether the source_path ``key`` is in the folder whose source_path is ``root_key``."""
    if root_key == ".":  # the current directory: every relative key
        return not os.path.isabs(key)
    return key.startswith(root_key.rstrip("/") + "/")


def gone_documents(session: Session, root: Path, files: Sequence[SourceFile]) -> tuple[str, ...]:
    """Source paths of stored documents under ``root`` whose files are gone, sorted.

    Under ``root`` means the source_path starts with the folder's own source_path (so, like the
    keys, it depends on the current directory); gone means neither among ``files`` (what was
    discovered this run) nor a file on disk any more.
    """
    root_key = source_path_of(root)
    found = {source_path_of(source.path) for source in files}
    stored = session.scalars(select(DocumentRow.source_path)).all()
    session.rollback()  # end the read transaction
    return tuple(
        sorted(
            key
            for key in stored
            if _is_under(key, root_key) and key not in found and not os.path.isfile(key)
        )
    )


def ingest(
    root: Path,
    db_url: str,
    workers: int | None = None,
    progress: bool = True,
    *,
    sources: Sequence[SourceFile] | None = None,
    prune: bool = False,
    executor: ExecutorName = "local",
    scheduler: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
    unreadable: Sequence[tuple[Path, str]] = (),
) -> IngestReport:
    """Bring the database at ``db_url`` up to date with the files under ``root``.

    Each file is keyed by ``documents.source_path``: its path relative to the current directory
    when it is under it, else absolute (see :func:`pipeline.load.source_path_of`), so run kaohe
    from the same directory each time. A file is skipped when its stored sha256 and extractor
    version equal the current ones; the rest are extracted in ``workers`` processes (default: one
    per CPU; 1 extracts in this process) and loaded by this process, one transaction per file,
    replacing that file's earlier rows (tried again while SQLite reports the database locked, see
    :func:`pipeline.load.retry_when_locked`). The schema is created or upgraded first, under a lock,
    so runs started together wait for each other (see :mod:`schema.migrate`). A file that fails
    for any reason is reported with a one-line reason and its stored rows, if any, are left as
    they were; the run goes on.
    Stored documents under ``root`` whose files no longer exist are reported as ``gone`` and
    kept, or with ``prune`` deleted (with all their rows, in one transaction) and reported as
    ``pruned`` too (see :func:`gone_documents`). ``sources`` may pass the files already
    discovered under ``root``.

    A file whose size and mtime equal the stored ones is skipped without being read; only a file
    whose stat changed is hashed (and skipped all the same when its hash did not change).
    ``executor`` "dask" runs the extraction on a Dask cluster (``scheduler`` address, or a local
    cluster of ``workers`` processes) instead of a local process pool. ``limits`` bound what one
    file may cost (see :class:`schema.limits.Limits`); a file past one fails with the limit named.
    ``unreadable`` (from :func:`pipeline.discover.discover_all`) are reported as failed.
    """
    if workers is None:
        workers = os.cpu_count() or 1
    if workers < 1:
        raise ValueError(f"workers must be at least 1, not {workers}")
    files = list(sources) if sources is not None else discover(root)

    loaded: list[str] = []
    details: list[LoadedDocument] = []
    skipped: list[str] = []
    failed: list[tuple[str, str]] = [(source_path_of(path), reason) for path, reason in unreadable]
    engine = create_engine_for(db_url)
    try:
        if needs_upgrade(engine):  # a new database, or one of an older schema (schema/migrations)
            upgrade(engine)
        with Session(engine) as session, _progress_bar(progress) as bar:
            state = stored_state(session)
            session.rollback()  # end the read transaction before the long extraction phase
            task = bar.add_task("hashing", total=len(files), file="")
            jobs: list[Job] = []
            for source in files:
                bar.update(task, file=printable_path(source.path.name))
                key = source_path_of(source.path)
                stored = state.get(key)
                current = stored is not None and stored.extractor_version == EXTRACTOR_VERSION
                if current and stored is not None and (stored.size_bytes, stored.mtime_ns) == (
                    source.size, source.mtime_ns
                ):
                    skipped.append(key)  # unchanged stat: not even read
                    bar.advance(task)
                    continue
                try:
                    check_size(source.path, source.size, limits)  # not even hashed when too large
                    sha256 = file_sha256(source.path)
                except (OSError, KaoheError) as exc:
                    failed.append((key, failure_reason(exc)))
                    bar.advance(task)
                    continue
                if current and stored is not None and stored.sha256 == sha256:
                    retry_when_locked(partial(record_stat, session, key, source.size, source.mtime_ns))
                    skipped.append(key)
                    bar.advance(task)
                else:
                    jobs.append((source, key, sha256))

            bar.update(task, description="extracting")
            for (source, key, sha256), extraction, error in executors.run(jobs, workers, executor, scheduler, limits):
                bar.update(task, file=printable_path(source.path.name))  # the file just extracted
                if extraction is None:
                    failed.append((key, error or "extraction failed"))
                else:
                    try:
                        retry_when_locked(partial(load, session, source, extraction, sha256))
                    except Exception as exc:
                        failed.append((key, failure_reason(exc)))
                    else:
                        loaded.append(key)
                        details.append(LoadedDocument(key, len(extraction.indicators),
                                                      len(extraction.clauses), extraction.warnings))
                bar.advance(task)

            gone = gone_documents(session, root, files)
            if prune and gone:
                retry_when_locked(partial(delete_documents, session, gone))
    finally:
        engine.dispose()
    return IngestReport(
        loaded=tuple(sorted(loaded)),
        skipped=tuple(sorted(skipped)),
        failed=tuple(sorted(failed)),
        details=tuple(sorted(details, key=lambda d: d.source_path)),
        gone=gone,
        pruned=gone if prune else (),
    )
