"""Ingest a folder: discover → hash → skip unchanged → extract in parallel → load, one writer."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy.orm import Session

from kaohe import EXTRACTOR_VERSION
from pipeline.discover import SourceFile, discover
from pipeline.extract import extract_file, file_sha256
from pipeline.load import load, source_path_of, stored_state
from schema.errors import KaoheError
from schema.migrate import needs_upgrade, upgrade
from schema.models import create_engine_for
from schema.records import Extraction


@dataclass(frozen=True, slots=True)
class IngestReport:
    """Outcome of one run; every discovered file is in exactly one of the three, by source_path."""

    loaded: tuple[str, ...]
    skipped: tuple[str, ...]
    failed: tuple[tuple[str, str], ...]  # (source_path, one-line reason)
    # What each loaded file contributed, for the summary; not part of the outcome's identity.
    details: tuple[LoadedDocument, ...] = field(default=(), compare=False)

    @property
    def ok(self) -> bool:
        return not self.failed


@dataclass(frozen=True, slots=True)
class LoadedDocument:
    source_path: str
    indicators: int
    clauses: int
    warnings: tuple[str, ...]


def failure_reason(exc: BaseException) -> str:
    """One line saying why a file failed: the reason of a KaoheError, else "ExceptionType: message"."""
    if isinstance(exc, KaoheError):
        text = exc.reason
    else:
        message = str(exc)
        text = f"{type(exc).__name__}: {message}" if message else type(exc).__name__
    return " ".join(line.strip() for line in text.splitlines() if line.strip())


def _extract_job(path: Path, sha256: str) -> tuple[Extraction | None, str | None]:
    """Extract one file, returning (extraction, None) or (None, reason); runs in a worker process.

    Errors are turned into text here rather than raised: KaoheError does not survive pickling
    back to the parent (its __init__ takes two arguments), and a failed unpickle would break the
    whole pool instead of failing one file.
    """
    try:
        return extract_file(path, sha256), None
    except Exception as exc:
        return None, failure_reason(exc)


Job = tuple[SourceFile, str, str]  # (file, source_path, sha256)
_WINDOW_PER_WORKER = 4  # files queued per worker: enough to keep every worker busy


def _extract_all(jobs: Sequence[Job], workers: int) -> Iterator[tuple[Job, Extraction | None, str | None]]:
    """Yield each job with its result as extractions complete (in any order)."""
    if workers == 1 or len(jobs) <= 1:
        # No pool: nothing to parallelize, and starting processes would cost more than it saves.
        for job in jobs:
            yield (job, *_extract_job(job[0].path, job[2]))
        return
    pool = ProcessPoolExecutor(max_workers=min(workers, len(jobs)))
    pending = iter(jobs)
    in_flight: dict[Future[tuple[Extraction | None, str | None]], Job] = {}

    def submit_next() -> None:
        job = next(pending, None)
        if job is not None:
            in_flight[pool.submit(_extract_job, job[0].path, job[2])] = job

    try:
        # A bounded window of submitted files: memory stays flat however many files there are,
        # because a result is dropped as soon as it has been loaded.
        for _ in range(workers * _WINDOW_PER_WORKER):
            submit_next()
        while in_flight:
            done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            for future in done:
                job = in_flight.pop(future)
                try:
                    extraction, error = future.result()
                except Exception as exc:
                    # The worker died (BrokenProcessPool) or the result could not be sent back.
                    extraction, error = None, failure_reason(exc)
                submit_next()
                yield job, extraction, error
    finally:
        # Also reached when the caller stops early (Ctrl-C): do not wait for queued files.
        pool.shutdown(wait=True, cancel_futures=True)


def _progress_bar(enabled: bool) -> Progress:
    console = Console(stderr=True)
    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        disable=not (enabled and console.is_terminal),
        transient=True,
    )


def ingest(
    root: Path,
    db_url: str,
    workers: int | None = None,
    progress: bool = True,
    *,
    sources: Sequence[SourceFile] | None = None,
) -> IngestReport:
    """Bring the database at ``db_url`` up to date with the files under ``root``.

    Each file is keyed by ``documents.source_path``: its path relative to the current directory
    when it is under it, else absolute (see :func:`pipeline.load.source_path_of`), so run kaohe
    from the same directory each time. A file is skipped when its stored sha256 and extractor
    version equal the current ones; the rest are extracted in ``workers`` processes (default: one
    per CPU; 1 extracts in this process) and loaded by this process, one transaction per file,
    replacing that file's earlier rows. A file that fails for any reason is reported with a
    one-line reason and its stored rows, if any, are left as they were; the run goes on.
    Documents of files that no longer exist are not removed. ``sources`` may pass the files
    already discovered under ``root``.
    """
    if workers is None:
        workers = os.cpu_count() or 1
    if workers < 1:
        raise ValueError(f"workers must be at least 1, not {workers}")
    files = list(sources) if sources is not None else discover(root)

    loaded: list[str] = []
    details: list[LoadedDocument] = []
    skipped: list[str] = []
    failed: list[tuple[str, str]] = []
    engine = create_engine_for(db_url)
    try:
        if needs_upgrade(engine):  # a new database, or one of an older schema (schema/migrations)
            upgrade(engine)
        with Session(engine) as session, _progress_bar(progress) as bar:
            state = stored_state(session)
            session.rollback()  # end the read transaction before the long extraction phase
            task = bar.add_task("hashing", total=len(files))
            jobs: list[Job] = []
            for source in files:
                key = source_path_of(source.path)
                try:
                    sha256 = file_sha256(source.path)
                except OSError as exc:
                    failed.append((key, failure_reason(exc)))
                    bar.advance(task)
                    continue
                if state.get(key) == (sha256, EXTRACTOR_VERSION):
                    skipped.append(key)
                    bar.advance(task)
                else:
                    jobs.append((source, key, sha256))

            bar.update(task, description="extracting")
            for (source, key, sha256), extraction, error in _extract_all(jobs, workers):
                if extraction is None:
                    failed.append((key, error or "extraction failed"))
                else:
                    try:
                        load(session, source, extraction, sha256)
                    except Exception as exc:
                        failed.append((key, failure_reason(exc)))
                    else:
                        loaded.append(key)
                        details.append(LoadedDocument(key, len(extraction.indicators),
                                                      len(extraction.clauses), extraction.warnings))
                bar.advance(task)
    finally:
        engine.dispose()
    return IngestReport(
        loaded=tuple(sorted(loaded)),
        skipped=tuple(sorted(skipped)),
        failed=tuple(sorted(failed)),
        details=tuple(sorted(details, key=lambda d: d.source_path)),
    )
