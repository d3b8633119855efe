"""Where the parse stage runs: in this process, in a local process pool, or on a Dask cluster.

Every executor takes the same jobs and yields ``(job, extraction, error)`` as extractions complete,
in any order, with a bounded number of files in flight so memory stays flat however many files
there are. Loading stays with the caller: one writer, whatever runs the parsing.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import replace
from pathlib import Path
from typing import Literal

from sqlalchemy.exc import SQLAlchemyError

from pipeline.discover import SourceFile
from pipeline.extract import extract_file
from schema.errors import KaoheError
from schema.records import Extraction

ExecutorName = Literal["local", "dask"]
Job = tuple[SourceFile, str, str]  # (file, source_path, sha256)
Outcome = tuple[Extraction | None, str | None]  # (extraction, None) or (None, one-line reason)
WINDOW_PER_WORKER = 4  # files queued per worker: enough to keep every worker busy


def failure_reason(exc: BaseException) -> str:
    """One line saying why a file failed: the reason of a KaoheError, else "ExceptionType: message"."""
    if isinstance(exc, KaoheError):
        text = exc.reason
    elif isinstance(exc, SQLAlchemyError) and getattr(exc, "orig", None) is not None:
        # The driver's own message: SQLAlchemy's adds the whole statement and its parameters.
        orig = exc.orig
        text = f"{type(orig).__name__}: {str(orig).splitlines()[0] if str(orig) else ''}"
    else:
        message = str(exc)
        text = f"{type(exc).__name__}: {message}" if message else type(exc).__name__
    return " ".join(line.strip() for line in text.splitlines() if line.strip())


def extract_job(path: Path, sha256: str) -> Outcome:
    """Extract one file, returning (extraction, None) or (None, reason); runs in a worker.

    Errors are turned into text here rather than raised, so a worker never has to send an
    exception back that the other side cannot rebuild: one bad file must not break the pool.
    """
    try:
        return extract_file(path, sha256), None
    except Exception as exc:
        return None, failure_reason(exc)


def extract_bytes(name: str, data: bytes, sha256: str) -> Outcome:
    """Extract a file sent as bytes (a cluster worker need not see the caller's disk)."""
    with tempfile.TemporaryDirectory(prefix="kaohe-") as folder:
        local = Path(folder) / Path(name).name
        local.write_bytes(data)
        extraction, error = extract_job(local, sha256)
    if extraction is not None:
        extraction = replace(extraction, document=replace(extraction.document, source=name))
    return extraction, error


def run_local(jobs: Sequence[Job], workers: int) -> Iterator[tuple[Job, Extraction | None, str | None]]:
    """Extract in this process (one worker) or in a pool of worker processes."""
    if workers == 1 or len(jobs) <= 1:
        # No pool: nothing to parallelize, and starting processes would cost more than it saves.
        for job in jobs:
            yield (job, *extract_job(job[0].path, job[2]))
        return
    pool = ProcessPoolExecutor(max_workers=min(workers, len(jobs)))
    pending = iter(jobs)
    in_flight: dict[Future[Outcome], Job] = {}

    def submit_next() -> None:
        job = next(pending, None)
        if job is not None:
            in_flight[pool.submit(extract_job, job[0].path, job[2])] = job

    try:
        # A bounded window of submitted files: a result is dropped as soon as it has been loaded.
        for _ in range(workers * WINDOW_PER_WORKER):
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


def run_dask(
    jobs: Sequence[Job], workers: int, scheduler: str | None = None
) -> Iterator[tuple[Job, Extraction | None, str | None]]:
    """Extract on a Dask distributed cluster: the one at ``scheduler``, or a LocalCluster of
    ``workers`` single-threaded worker processes. Files travel as bytes, results come back to
    this process, which stays the only writer."""
    try:
        from dask.distributed import Client, LocalCluster, as_completed
    except ImportError as exc:  # an optional dependency
        raise RuntimeError("the dask executor needs dask.distributed: pip install 'kaohe[dask]'") from exc

    cluster = None
    if scheduler is None:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
    client = Client(scheduler if scheduler is not None else cluster)
    try:
        slots = max(1, sum(client.nthreads().values())) * WINDOW_PER_WORKER
        pending = iter(jobs)
        in_flight: dict[object, Job] = {}
        queue = as_completed()

        def submit_next() -> None:
            job = next(pending, None)
            if job is not None:
                source, key, sha256 = job
                future = client.submit(extract_bytes, key, source.path.read_bytes(), sha256, pure=False)
                in_flight[future] = job
                queue.add(future)

        for _ in range(slots):
            submit_next()
        for future in queue:
            job = in_flight.pop(future)
            try:
                extraction, error = future.result()
            except Exception as exc:
                extraction, error = None, failure_reason(exc)
            future.release()
            submit_next()
            yield job, extraction, error
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def run(
    jobs: Sequence[Job], workers: int, executor: ExecutorName = "local", scheduler: str | None = None
) -> Iterator[tuple[Job, Extraction | None, str | None]]:
    if executor == "dask":
        return run_dask(jobs, workers, scheduler)
    return run_local(jobs, workers)
