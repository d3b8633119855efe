"""Where parsing runs: stat-based skipping, and the Dask executor against the local pool."""

from __future__ import annotations

import os
import shutil
import signal
from pathlib import Path

import pytest

import pipeline.executors as executors
import pipeline.ingest as ingest_module
from pipeline.ingest import ingest
from schema.limits import DEFAULT_LIMITS, Limits

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "raw"


def _sample_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "raw"
    shutil.copytree(SAMPLE, folder, copy_function=shutil.copyfile)
    return folder


def test_unchanged_files_are_skipped_without_reading_them(
    tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    folder = _sample_copy(tmp_path)
    first = ingest(folder, db_url, workers=1, progress=False)
    assert len(first.loaded) == 5

    real_hash = ingest_module.file_sha256

    def no_reading(path: Path) -> str:
        raise AssertionError(f"{path} was hashed although its stat did not change")

    monkeypatch.setattr(ingest_module, "file_sha256", no_reading)
    again = ingest(folder, db_url, workers=1, progress=False)
    assert (len(again.skipped), again.loaded, again.failed) == (5, (), ())

    # A touched file (same content, new mtime) is hashed once, skipped, and its stat recorded.
    touched = folder / "wangcheng-ziping-2021.txt"
    os.utime(touched, ns=(touched.stat().st_atime_ns, touched.stat().st_mtime_ns + 5_000_000_000))
    hashed: list[Path] = []

    def counting(path: Path) -> str:
        hashed.append(path)
        return real_hash(path)

    monkeypatch.setattr(ingest_module, "file_sha256", counting)
    after_touch = ingest(folder, db_url, workers=1, progress=False)
    assert (len(after_touch.skipped), after_touch.loaded) == (5, ())
    assert hashed == [touched]
    hashed.clear()
    ingest(folder, db_url, workers=1, progress=False)
    assert hashed == []


def _rows(url: str) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table but the load time and surrogate ids, in a stable order."""
    from sqlalchemy import create_engine, inspect, text

    engine = create_engine(url)
    try:
        dump = {}
        with engine.connect() as connection:
            for table in ("documents", "indicators", "clauses", "facts", "warnings", "checks"):
                columns = [
                    c["name"] for c in inspect(connection).get_columns(table)
                    if c["name"] not in ("id", "loaded_at", "document_id", "indicator_id", "parent_id")
                ]
                rows = connection.execute(text(f"SELECT {', '.join(columns)} FROM {table}")).all()
                dump[table] = sorted((tuple(row) for row in rows), key=repr)
        return dump
    finally:
        engine.dispose()


def test_dask_cluster_gives_the_same_rows_as_the_local_pool(
    tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("dask.distributed")
    monkeypatch.chdir(tmp_path)
    folder = _sample_copy(tmp_path)
    local_url = f"sqlite:///{tmp_path / 'local.db'}"
    local = ingest(folder, local_url, workers=2, progress=False)
    distributed = ingest(folder, db_url, workers=2, progress=False, executor="dask")
    assert distributed.loaded == local.loaded and len(local.loaded) == 5
    assert distributed.failed == ()
    assert _rows(db_url) == _rows(local_url)


def test_dask_reports_a_bad_file_like_the_local_pool(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("dask.distributed")
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4 not really")
    shutil.copyfile(SAMPLE / "wangcheng-ziping-2021.txt", folder / "w.txt")
    local = ingest(folder, f"sqlite:///{tmp_path / 'a.db'}", workers=2, progress=False)
    distributed = ingest(folder, f"sqlite:///{tmp_path / 'b.db'}", workers=2, progress=False, executor="dask")
    assert distributed.failed == local.failed and len(local.failed) == 1
    assert distributed.loaded == local.loaded == ("in/w.txt",)


_EXTRACT_BYTES = executors.extract_bytes  # taken before any test patches it


def _extract_or_die(name: str, data: bytes, sha256: str, limits: Limits = DEFAULT_LIMITS) -> object:
    """What a Dask worker runs in the next test: killed (as the OOM killer would) on dies.txt.
    Module-level, so that the worker process imports it by name."""
    if name.endswith("dies.txt"):
        os.kill(os.getpid(), signal.SIGKILL)
    return _EXTRACT_BYTES(name, data, sha256, limits)


def test_dask_worker_that_dies_is_replaced_and_the_file_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dask = pytest.importorskip("dask")
    pytest.importorskip("dask.distributed")
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("a.txt", "dies.txt", "b.txt"):
        shutil.copyfile(SAMPLE / "wangcheng-ziping-2021.txt", folder / name)
    monkeypatch.setattr(executors, "extract_bytes", _extract_or_die)
    # The scheduler gives a task up (KilledWorker) once it has killed this many workers.
    with dask.config.set({"distributed.scheduler.allowed-failures": 1}):
        report = ingest(folder, f"sqlite:///{tmp_path / 'k.db'}", workers=2, progress=False, executor="dask")
    assert report.loaded == ("in/a.txt", "in/b.txt")
    assert [(path, "worker process died" in reason) for path, reason in report.failed] == [("in/dies.txt", True)]
