"""Bounds per file (schema/limits.py): each hostile file fails alone, with the limit named, and
the run goes on — zip bombs, runaway spans, huge text, slow files, memory hogs, dying workers."""

from __future__ import annotations

import io
import os
import signal
import time
import zipfile
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner

import pipeline.executors as executors
from kaohe.cli import main
from pipeline.discover import SourceFile, discover_all
from pipeline.extract import extract_file
from pipeline.ingest import ingest
from schema.errors import ParseError
from schema.limits import DEFAULT_LIMITS, MB, Limits
from schema.records import Table

TEXT = "考核细则\n一、组织领导（15分）\n1. 成立领导小组（5分）\n2. 制定实施方案（5分）\n3. 召开推进会议（5分）\n"


def _docx_with_table(path: Path) -> Path:
    document = docx.Document()
    table = document.add_table(rows=2, cols=3)
    for r, row in enumerate(table.rows):
        for c, cell in enumerate(row.cells):
            cell.text = f"格{r}{c}"
    document.save(str(path))
    return path


def _rewrite_part(path: Path, part: str, edit: object) -> None:
    """Rewrite one XML part of a zip package with ``edit(text) -> text``."""
    with zipfile.ZipFile(path) as package:
        parts = {info.filename: package.read(info.filename) for info in package.infolist()}
    parts[part] = edit(parts[part].decode("utf-8")).encode("utf-8")  # type: ignore[operator]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts.items():
            package.writestr(name, data)


# --- sizes ---------------------------------------------------------------------------------


def test_a_docx_whose_xml_unpacks_past_the_limit_is_refused_unopened(tmp_path: Path) -> None:
    path = _docx_with_table(tmp_path / "bomb.docx")
    # 3 MB of valid paragraphs that compress to a few KB: a small zip bomb.
    filler = "<w:p><w:r><w:t>" + "考" * 1000 + "</w:t></w:r></w:p>"
    _rewrite_part(path, "word/document.xml", lambda xml: xml.replace("<w:body>", "<w:body>" + filler * 1000))
    assert path.stat().st_size < 200_000
    with pytest.raises(ParseError) as raised:
        extract_file(path, limits=Limits(max_unzipped_bytes=1 * MB))
    assert "XML parts unpack to" in raised.value.reason and "--max-unzipped-mb" in raised.value.reason
    # Under a limit it allows, the same file reads (the filler paragraphs and the table).
    extraction = extract_file(path, limits=Limits(max_unzipped_bytes=8 * MB))
    assert extraction.document.format == "docx"


def test_an_xlsx_is_bounded_by_its_unpacked_size_too(tmp_path: Path) -> None:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in range(2000):
        sheet.append(["指标名称" * 20, row, "评分标准" * 20])
    path = tmp_path / "big.xlsx"
    workbook.save(path)
    with pytest.raises(ParseError, match="XML parts unpack to"):
        extract_file(path, limits=Limits(max_unzipped_bytes=MB // 4))


def test_a_text_file_over_the_text_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    path.write_text(TEXT * 20000, encoding="utf-8")
    with pytest.raises(ParseError) as raised:
        extract_file(path, limits=Limits(max_text_bytes=MB))
    assert raised.value.reason.startswith("text file too large:") and "--max-text-mb" in raised.value.reason
    assert extract_file(path, limits=Limits(max_text_bytes=None)).indicators


def test_a_file_over_the_size_limit_fails_in_ingest_without_being_hashed(
    tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pipeline.ingest as ingest_module

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "big.txt").write_text(TEXT * 10000, encoding="utf-8")
    (folder / "small.txt").write_text(TEXT, encoding="utf-8")
    hashed: list[str] = []
    real_hash = ingest_module.file_sha256
    monkeypatch.setattr(ingest_module, "file_sha256", lambda p: hashed.append(p.name) or real_hash(p))
    report = ingest(folder, db_url, workers=1, progress=False, limits=Limits(max_text_bytes=MB // 2))
    assert [p.rsplit("/", 1)[-1] for p in report.loaded] == ["small.txt"]
    assert [(p.rsplit("/", 1)[-1], r.split(":")[0]) for p, r in report.failed] == [("big.txt", "text file too large")]
    assert hashed == ["small.txt"]


# --- spans clamped to the declared grid ----------------------------------------------------


@pytest.mark.parametrize("edit", [
    # One cell spanning 999999 columns of a 3-column grid.
    lambda xml: xml.replace("<w:tcPr>", '<w:tcPr><w:gridSpan w:val="999999"/>', 1),
    # A row that skips 999999 positions before its first cell, and after its last.
    lambda xml: xml.replace("<w:tr>", '<w:tr><w:trPr><w:gridBefore w:val="999999"/>'
                            '<w:gridAfter w:val="999999"/></w:trPr>', 1),
    # Negative and non-numeric spans.
    lambda xml: xml.replace("<w:tcPr>", '<w:tcPr><w:gridSpan w:val="-5"/>', 1).replace(
        "<w:tcPr>", '<w:tcPr><w:gridSpan w:val="x"/>', 1),
])
def test_runaway_spans_are_clamped_to_the_tables_grid(tmp_path: Path, edit: object) -> None:
    from parsers.docx import parse_docx

    path = _docx_with_table(tmp_path / "spans.docx")
    _rewrite_part(path, "word/document.xml", edit)
    tables = [b for b in parse_docx(path).blocks if isinstance(b, Table)]
    assert len(tables) == 1
    assert {len(row) for row in tables[0].rows} == {3}
    # Every cell's text is still there, each once.
    texts = [c.text for row in tables[0].rows for c in row if c.text and not c.spanned]
    assert sorted(texts) == sorted(f"格{r}{c}" for r in range(2) for c in range(3))


# --- time and memory -----------------------------------------------------------------------


def test_a_file_past_the_time_limit_fails_and_the_next_one_loads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = executors.extract_file

    def slow_for_one(path: Path, sha256: str | None = None, limits: Limits = DEFAULT_LIMITS) -> object:
        if path.name == "slow.txt":
            time.sleep(30)
        return real(path, sha256, limits)

    monkeypatch.setattr(executors, "extract_file", slow_for_one)
    (tmp_path / "slow.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "fast.txt").write_text(TEXT, encoding="utf-8")
    limits = Limits(seconds_per_file=0.5)
    started = time.monotonic()
    slow = executors.extract_job(tmp_path / "slow.txt", "0" * 64, limits)
    assert time.monotonic() - started < 10
    assert slow == (None, "took longer than 0.5 s (limit; raise it with --timeout)")
    fast, error = executors.extract_job(tmp_path / "fast.txt", "0" * 64, limits)
    assert error is None and fast is not None and len(fast.indicators) == 4


def _jobs(folder: Path, names: list[str]) -> list[executors.Job]:
    jobs = []
    for name in names:
        path = folder / name
        path.write_text(TEXT, encoding="utf-8")
        st = path.stat()
        jobs.append((SourceFile(path, st.st_size, st.st_mtime, st.st_mtime_ns), name, "0" * 64))
    return jobs


def _misbehaving(monkeypatch: pytest.MonkeyPatch) -> None:
    """Workers (forked, so they see this patch) that hog memory or die on two named files."""
    real = executors.extract_file

    def extract(path: Path, sha256: str | None = None, limits: Limits = DEFAULT_LIMITS) -> object:
        if path.name == "hog.txt":
            hog = bytearray(2048 * MB)  # past the worker's address-space limit: MemoryError
            del hog
        if path.name == "dies.txt":
            os.kill(os.getpid(), signal.SIGKILL)  # as the kernel's OOM killer does
        return real(path, sha256, limits)

    monkeypatch.setattr(executors, "extract_file", extract)


def test_a_memory_hog_fails_alone_and_a_dead_worker_is_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _misbehaving(monkeypatch)
    names = ["a.txt", "hog.txt", "b.txt", "dies.txt", "c.txt", "d.txt", "e.txt"]
    limits = Limits(worker_memory_bytes=1024 * MB)
    outcomes = {job[1]: (extraction is not None, error)
                for job, extraction, error in executors.run_local(_jobs(tmp_path, names), 2, limits)}
    assert sorted(outcomes) == sorted(names)
    assert outcomes["hog.txt"] == (False, "ran out of memory (1024 MB per worker; raise it with --worker-memory-mb)")
    assert outcomes["dies.txt"] == (False, executors.worker_died(limits))
    assert "worker process died" in executors.worker_died(limits)
    assert all(outcomes[n] == (True, None) for n in names if n not in ("hog.txt", "dies.txt"))


def test_an_ingest_whose_worker_dies_loads_the_other_files_and_reports_it(
    tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _misbehaving(monkeypatch)
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "in"
    folder.mkdir()
    _jobs(folder, ["a.txt", "dies.txt", "b.txt", "c.txt"])
    report = ingest(folder, db_url, workers=2, progress=False)
    assert report.loaded == ("in/a.txt", "in/b.txt", "in/c.txt")
    assert [(path, "worker process died" in reason) for path, reason in report.failed] == [("in/dies.txt", True)]


# --- what the user is told -----------------------------------------------------------------


def test_ingest_refuses_an_in_memory_database(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    for url in ("sqlite://", "sqlite:///:memory:"):
        result = CliRunner().invoke(main, ["ingest", str(tmp_path), "--db", url, "--no-progress"])
        assert result.exit_code == 2
        assert "in-memory SQLite database would be thrown away" in result.output


def test_limit_options_reach_the_run_and_zero_switches_one_off(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(TEXT * 2000, encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'k.db'}"
    refused = CliRunner().invoke(main, ["ingest", str(tmp_path / "in"), "--db", db, "--no-progress",
                                        "--workers", "1", "--max-text-mb", "0"])
    assert refused.exit_code == 0, refused.output  # 0: no text limit
    small = Limits(max_text_bytes=1)
    assert small.max_text_bytes == 1
    with pytest.raises(ValueError, match="seconds_per_file must be positive"):
        Limits(seconds_per_file=-1)


def test_an_unreadable_folder_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pipeline.discover as discover_module

    (tmp_path / "ok").mkdir()
    (tmp_path / "ok" / "a.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "locked").mkdir()
    real_walk = os.walk

    def walk(top: str, onerror: object = None) -> object:
        # As os.walk does for a folder it may not list (root may list any, so it is simulated).
        for dirpath, dirnames, filenames in real_walk(top):
            if dirpath.endswith("locked"):
                onerror(PermissionError(13, "Permission denied", dirpath))  # type: ignore[operator]
                continue
            yield dirpath, dirnames, filenames

    monkeypatch.setattr(discover_module.os, "walk", walk)
    found = discover_all(tmp_path)
    assert [f.path.name for f in found.files] == ["a.txt"]
    assert found.unreadable == ((tmp_path / "locked", "folder cannot be read: permission denied "
                                 "(files in it were not looked at)"),)


def test_a_file_name_that_is_not_utf8_is_loaded_and_printed_safely(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    name = os.fsdecode(b"\xb1\xa8\xb8\xe6.txt")  # "报告" in GBK: not UTF-8
    try:
        (folder / name).write_text(TEXT, encoding="utf-8")
    except (OSError, UnicodeEncodeError):
        pytest.skip("this file system does not take non-UTF-8 names")
    out = io.StringIO()
    db = f"sqlite:///{tmp_path / 'k.db'}"
    result = CliRunner().invoke(main, ["ingest", str(folder), "--db", db, "--no-progress", "--workers", "1"])
    out.write(result.output)
    assert result.exit_code == 0, result.output
    assert "\\xb1\\xa8\\xb8\\xe6.txt: 4 indicators" in result.output
