"""Where the parse stage runs: in this process, in a local process pool, or on a Dask cluster.

Every executor takes the same jobs and yields ``(job, extraction, error)`` as extractions complete,
in any order, with a bounded number of files in flight so memory stays flat however many files
there are. Loading stays with the caller: one writer, whatever runs the parsing.
"""

from __future__ import annotations

import contextlib
import resource
import signal
import tempfile
import threading
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from pathlib import Path
from typing import Literal

from sqlalchemy.exc import SQLAlchemyError

from pipeline.discover import SourceFile
from pipeline.extract import extract_file
from schema.errors import KaoheError
from schema.limits import DEFAULT_LIMITS, Limits, megabytes
from schema.records import Extraction

ExecutorName = Literal["local", "dask"]
Job = tuple[SourceFile, str, str]  # (file, source_path, sha256)
Outcome = tuple[Extraction | None, str | None]  # (extraction, None) or (None, one-line reason)
WINDOW_PER_WORKER = 4  # files queued per worker: enough to keep every worker busy


class FileTimeout(Exception):
    """The extraction of one file ran past Limits.seconds_per_file."""


def worker_died(limits: Limits) -> str:
    memory = limits.worker_memory_bytes
    bound = f"over its {megabytes(memory)} limit" if memory is not None else "no limit set"
    return f"the worker process died while reading it (out of memory? {bound}; or killed)"


def failure_reason(exc: BaseException) -> str:
    """One line saying why a file failed: the reason of a KaoheError, else "ExceptionType: message"."""
    if isinstance(exc, KaoheError):
        text = exc.reason
    elif isinstance(exc, OSError) and exc.strerror:
        text = f"cannot be read: {exc.strerror.lower()}"
    elif type(exc).__name__ == "KilledWorker":  # dask: the task's worker died, more than once
        text = "the worker process died while reading it (out of memory? or killed)"
    elif isinstance(exc, SQLAlchemyError) and getattr(exc, "orig", None) is not None:
        # The driver's own message: SQLAlchemy's adds the whole statement and its parameters.
        orig = exc.orig
        text = f"{type(orig).__name__}: {str(orig).splitlines()[0] if str(orig) else ''}"
    else:
        message = str(exc)
        text = f"{type(exc).__name__}: {message}" if message else type(exc).__name__
    return " ".join(line.strip() for line in text.splitlines() if line.strip())


@contextlib.contextmanager
def _time_limit(seconds: float | None) -> Iterator[None]:
    """Raise FileTimeout in this thread after ``seconds`` (SIGALRM: only the main thread of a
    process can have one, so elsewhere — Dask's worker threads — no time limit applies)."""
    if seconds is None or threading.current_thread() is not threading.main_thread():
        yield
        return

    def on_alarm(signum: int, frame: object) -> None:
        raise FileTimeout

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def extract_job(path: Path, sha256: str, limits: Limits = DEFAULT_LIMITS) -> Outcome:
    """Extract one file, returning (extraction, None) or (None, reason); runs in a worker.

    Errors are turned into text here rather than raised, so a worker never has to send an
    exception back that the other side cannot rebuild: one bad file must not break the pool.
    """
    try:
        with _time_limit(limits.seconds_per_file):
            return extract_file(path, sha256, limits), None
    except FileTimeout:
        return None, f"took longer than {limits.seconds_per_file:g} s (limit; raise it with --timeout)"
    except MemoryError:
        bound = megabytes(limits.worker_memory_bytes) if limits.worker_memory_bytes else "the machine's"
        return None, f"ran out of memory ({bound} per worker; raise it with --worker-memory-mb)"
    except RecursionError:
        return None, "nested too deeply to read (a table or list inside itself thousands of times)"
    except Exception as exc:
        return None, failure_reason(exc)


def limit_worker_memory(limits: Limits) -> None:
    """Cap this worker process's address space (a pool initializer): an allocation past it raises
    MemoryError in the worker, or kills it, and either way the run goes on without it."""
    if limits.worker_memory_bytes is None:
        return
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = limits.worker_memory_bytes if hard == resource.RLIM_INFINITY else min(limits.worker_memory_bytes, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))


def extract_bytes(name: str, data: bytes, sha256: str, limits: Limits = DEFAULT_LIMITS) -> Outcome:
    """Extract a file sent as bytes (a cluster worker need not see the caller's disk)."""
    with tempfile.TemporaryDirectory(prefix="kaohe-") as folder:
        local = Path(folder) / Path(name).name
        local.write_bytes(data)
        extraction, error = extract_job(local, sha256, limits)
    if extraction is not None:
        extraction = replace(extraction, document=replace(extraction.document, source=name))
    return extraction, error


def _pool(workers: int, limits: Limits) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=workers, initializer=limit_worker_memory, initargs=(limits,))


def _run_alone(job: Job, limits: Limits) -> Outcome:
    """Extract one file in a worker of its own: the file that killed a pool is found by killing
    its own worker again, while the files that only shared the pool load."""
    pool = _pool(1, limits)
    try:
        return pool.submit(extract_job, job[0].path, job[2], limits).result()
    except BrokenProcessPool:
        return None, worker_died(limits)
    except Exception as exc:
        return None, failure_reason(exc)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def run_local(
    jobs: Sequence[Job], workers: int, limits: Limits = DEFAULT_LIMITS
) -> Iterator[tuple[Job, Extraction | None, str | None]]:
    """Extract in this process (one worker) or in a pool of worker processes.

    A worker that dies (out of memory, killed) breaks the whole pool and every file in flight
    with it: those files are extracted again one at a time, each in a worker of its own, so the
    one that kills its worker again is reported failed and the others load; a new pool then
    takes the remaining files."""
    if workers == 1 or len(jobs) <= 1:
        # No pool: nothing to parallelize, and starting processes would cost more than it saves.
        # (The memory limit is a worker's: it does not apply to the kaohe process itself.)
        for job in jobs:
            yield (job, *extract_job(job[0].path, job[2], limits))
        return
    size = min(workers, len(jobs))
    pool = _pool(size, limits)
    pending = deque(jobs)
    in_flight: dict[Future[Outcome], Job] = {}

    def submit_next() -> None:
        if pending:
            job = pending.popleft()
            in_flight[pool.submit(extract_job, job[0].path, job[2], limits)] = job

    try:
        # A bounded window of submitted files: a result is dropped as soon as it has been loaded.
        for _ in range(workers * WINDOW_PER_WORKER):
            submit_next()
        while in_flight:
            done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            lost: list[Job] = []
            for future in done:
                job = in_flight.pop(future)
                try:
                    extraction, error = future.result()
                except BrokenProcessPool:
                    lost.append(job)
                    continue
                except Exception as exc:  # the result could not be sent back
                    extraction, error = None, failure_reason(exc)
                submit_next()
                yield job, extraction, error
            if lost:
                lost.extend(in_flight.values())  # the dead pool takes every file in flight
                in_flight.clear()
                pool.shutdown(wait=True, cancel_futures=True)
                for job in lost:
                    yield (job, *_run_alone(job, limits))
                pool = _pool(size, limits)
                for _ in range(workers * WINDOW_PER_WORKER):
                    submit_next()
    finally:
        # Also reached when the caller stops early (Ctrl-C): do not wait for queued files.
        pool.shutdown(wait=True, cancel_futures=True)


def run_dask(
    jobs: Sequence[Job], workers: int, scheduler: str | None = None, limits: Limits = DEFAULT_LIMITS
) -> Iterator[tuple[Job, Extraction | None, str | None]]:
    """Extract on a Dask distributed cluster: the one at ``scheduler``, or a LocalCluster of
    ``workers`` single-threaded worker processes. Files travel as bytes, results come back to
    this process, which stays the only writer. A local cluster's workers get the memory limit
    (Dask's nanny restarts a worker that passes it; a task whose workers keep dying fails with
    KilledWorker: it is tried again alone, and reported as the worker dying when it fails again;
    the files that only shared its workers load); the time limit needs a main thread, which Dask's
    task threads are not, so it does not apply there."""
    try:
        from dask.distributed import Client, LocalCluster, as_completed
    except ImportError as exc:  # an optional dependency
        raise RuntimeError("the dask executor needs dask.distributed: pip install 'kaohe[dask]'") from exc

    cluster = None
    if scheduler is None:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                               memory_limit=limits.worker_memory_bytes or 0)
    client = Client(scheduler if scheduler is not None else cluster)
    try:
        slots = max(1, sum(client.nthreads().values())) * WINDOW_PER_WORKER
        pending = iter(jobs)
        in_flight: dict[object, Job] = {}
        queue = as_completed()

        def submit(job: Job) -> object:
            source, key, sha256 = job
            return client.submit(extract_bytes, key, source.path.read_bytes(), sha256, limits, pure=False)

        def submit_next() -> None:
            job = next(pending, None)
            if job is not None:
                future = submit(job)
                in_flight[future] = job
                queue.add(future)

        # Files whose workers kept dying: the scheduler blames every task a dying worker held, so
        # a file that only shared a worker with the one killing it fails too (KilledWorker).
        suspects: list[Job] = []
        for _ in range(slots):
            submit_next()
        for future in queue:
            job = in_flight.pop(future)
            killed = False
            try:
                extraction, error = future.result()
            except Exception as exc:
                killed = type(exc).__name__ == "KilledWorker"
                extraction, error = None, failure_reason(exc)
            future.release()
            submit_next()
            if killed:
                suspects.append(job)
            else:
                yield job, extraction, error
        # Each suspect again, alone on the cluster: the file that kills its worker does so again
        # and is reported; the others load.
        for job in suspects:
            alone = submit(job)
            try:
                extraction, error = alone.result()
            except Exception as exc:
                extraction, error = None, failure_reason(exc)
            alone.release()
            yield job, extraction, error
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def run(
    jobs: Sequence[Job],
    workers: int,
    executor: ExecutorName = "local",
    scheduler: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Iterator[tuple[Job, Extraction | None, str | None]]:
    if executor == "dask":
        return run_dask(jobs, workers, scheduler, limits)
    return run_local(jobs, workers, limits)
