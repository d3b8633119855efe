"""What `kaohe ingest` prints: the loaded files, warnings (counted, or listed with --verbose), the
failures and the totals, in that order; --quiet prints the failures and the totals only."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from kaohe.cli import main

WARNING = "'二、政治待遇' declares 20 points but what it totals adds up to 19 (1 item(s) state no points)"


@pytest.fixture
def folder(tmp_path: Path, corpus_dir: Path) -> Path:
    """One file with one warning, one without, and an empty file (which fails)."""
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copyfile(corpus_dir / "nanchang-kaohe-2023.txt", folder / "a-nanchang.txt")
    shutil.copyfile(corpus_dir / "zaozhuang-fulian-2022.txt", folder / "b-fulian.txt")
    (folder / "c-empty.txt").write_bytes(b"")
    return folder


def _ingest(folder: Path, db_url: str, *flags: str) -> tuple[int, list[str]]:
    args = ["ingest", str(folder), "--db", db_url, "--no-progress", "--workers", "1", *flags]
    result = CliRunner().invoke(main, args)
    return result.exit_code, result.output.splitlines()


def test_default_counts_warnings_and_puts_failures_before_the_totals(folder: Path, tmp_db_url: str) -> None:
    exit_code, lines = _ingest(folder, tmp_db_url)
    assert exit_code == 1
    assert lines == [
        f"Ingesting 3 files from {folder} into {tmp_db_url}",
        f"loaded {folder / 'a-nanchang.txt'}: 49 indicators, 22 clauses, 1 warning",
        f"loaded {folder / 'b-fulian.txt'}: 17 indicators, 0 clauses",
        f"FAILED {folder / 'c-empty.txt'}: empty file (0 bytes)",
        "loaded 2, skipped 0, failed 1",
        f"database: {tmp_db_url.removeprefix('sqlite:///')}",
    ]


def test_verbose_lists_each_warning_under_its_file(folder: Path, tmp_db_url: str) -> None:
    exit_code, lines = _ingest(folder, tmp_db_url, "--verbose")
    assert exit_code == 1
    assert lines[1:5] == [
        f"loaded {folder / 'a-nanchang.txt'}: 49 indicators, 22 clauses",
        f"  warning: {WARNING}",
        f"loaded {folder / 'b-fulian.txt'}: 17 indicators, 0 clauses",
        f"FAILED {folder / 'c-empty.txt'}: empty file (0 bytes)",
    ]


def test_quiet_prints_failures_and_totals_only(folder: Path, tmp_db_url: str) -> None:
    exit_code, lines = _ingest(folder, tmp_db_url, "-q")
    assert exit_code == 1
    assert lines == [
        f"FAILED {folder / 'c-empty.txt'}: empty file (0 bytes)",
        "loaded 2, skipped 0, failed 1",
        f"database: {tmp_db_url.removeprefix('sqlite:///')}",
    ]
    (folder / "c-empty.txt").unlink()
    exit_code, lines = _ingest(folder, tmp_db_url, "--quiet")
    assert (exit_code, lines) == (0, ["loaded 0, skipped 2, failed 0", f"database: {tmp_db_url.removeprefix('sqlite:///')}"])


def test_quiet_and_verbose_together_is_a_usage_error(folder: Path, tmp_db_url: str) -> None:
    exit_code, lines = _ingest(folder, tmp_db_url, "--quiet", "--verbose")
    assert exit_code == 2
    assert lines[-1] == "Error: --quiet and --verbose exclude each other: give one of them"


def test_progress_bar_shows_the_file_rate_and_eta() -> None:
    from pipeline.ingest import _progress_bar

    bar = _progress_bar(True)
    task_id = bar.add_task("extracting", total=10, file="")
    bar.update(task_id, advance=1, file="a.pdf")
    time.sleep(0.05)  # rich's rate needs two samples apart in time
    bar.update(task_id, advance=1, file="南昌-[2023].pdf")
    task = bar.tasks[0]
    rendered = [str(column.render(task)) for column in bar.columns if not hasattr(column, "bar_width")]
    assert rendered[0] == "extracting"
    assert rendered[1].strip() == "2/10"
    rate, unit = rendered[2].split(" ")
    assert (float(rate) > 0, unit) == (True, "files/s")
    assert rendered[-1] == "南昌-[2023].pdf"  # as written, not read as markup
    assert [type(column).__name__ for column in bar.columns][3:6] == [
        "_FilesPerSecond",
        "TimeElapsedColumn",
        "TimeRemainingColumn",
    ]
