"""Discovering files and ingesting folders: skip logic, replacement, failure isolation."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

import pipeline.executors as executors_module
import pipeline.ingest as ingest_module
import pipeline.load as load_module
from kaohe import EXTRACTOR_VERSION
from pipeline.discover import SourceFile, discover
from pipeline.extract import extract_file, file_sha256
from pipeline.ingest import IngestReport, failure_reason, ingest
from schema.errors import ParseError
from schema.records import DocumentInfo, Extraction, Indicator

Dump = Callable[[str], dict[str, list[tuple[object, ...]]]]


def query(url: str, sql: str) -> list[tuple[object, ...]]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(row) for row in conn.execute(text(sql))]
    finally:
        engine.dispose()


def query_dicts(url: str, sql: str) -> list[dict[str, object]]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return [dict(row._mapping) for row in conn.execute(text(sql))]
    finally:
        engine.dispose()


# -- discover ---------------------------------------------------------------------------------


def test_discover_lists_regular_files_recursively_sorted(tmp_path: Path) -> None:
    for rel in ["b.pdf", "a/z.txt", "a/b/c.docx", "legacy.doc", "notes", "数据/考核.txt"]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(b"x" * len(rel))
    # Hidden things and Word lock files are not documents.
    for rel in [".DS_Store", ".git/config", "a/.hidden/d.pdf", "~$z.docx", "a/~$c.docx"]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(b"lock")

    found = discover(tmp_path)

    assert [f.path.relative_to(tmp_path).as_posix() for f in found] == [
        "a/b/c.docx",
        "a/z.txt",
        "b.pdf",
        "legacy.doc",
        "notes",
        "数据/考核.txt",
    ]
    stat = found[0].path.stat()
    assert found[0] == SourceFile(
        path=tmp_path / "a" / "b" / "c.docx", size=len("a/b/c.docx"), mtime=stat.st_mtime, mtime_ns=stat.st_mtime_ns
    )
    assert all(f.path.is_absolute() for f in found)


def test_discover_keeps_relative_root_relative(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("甲", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert [f.path for f in discover(Path("in"))] == [Path("in/a.txt")]


def test_discover_refuses_a_file(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("x")
    with pytest.raises(NotADirectoryError):
        discover(tmp_path / "a.txt")


# -- end to end over the corpus ---------------------------------------------------------------


def test_ingest_corpus_twice_is_idempotent(
    corpus_copy: Path, tmp_path: Path, db_url: str, dump_db: Dump, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    names = sorted(p.name for p in corpus_copy.iterdir())
    assert len(names) == 10
    expected_paths = tuple(f"raw/{name}" for name in names)

    first = ingest(Path("raw"), db_url, workers=2, progress=False)

    assert first == IngestReport(loaded=expected_paths, skipped=(), failed=())
    dump = dump_db(db_url)
    assert len(dump["documents"]) == 10
    documents = query(
        db_url,
        "SELECT id, source_path, file_name, sha256, size_bytes, format, extractor_version, "
        "indicator_count, warning_count, title FROM documents ORDER BY source_path",
    )
    formats = {".pdf": "pdf", ".docx": "docx", ".txt": "text"}
    for (doc_id, path, name, sha, size, fmt, version, n_ind, n_warn, title), expected in zip(
        documents, expected_paths, strict=True
    ):
        file = corpus_copy / name
        assert path == expected
        assert (sha, size, fmt, version) == (
            file_sha256(file),
            file.stat().st_size,
            formats[file.suffix],
            EXTRACTOR_VERSION,
        )
        # The stored rows are exactly what the extractor produces for the file.
        extraction = extract_file(file)
        assert title == extraction.document.title
        assert (n_ind, n_warn) == (len(extraction.indicators), len(extraction.warnings))
        stored = query(
            db_url,
            f"SELECT ordinal, level, name, points, target_op, target_value, target_text, actual "
            f"FROM indicators WHERE document_id = {doc_id} ORDER BY id",
        )
        assert stored == [
            (
                i.id,
                i.level,
                i.name,
                i.points,
                i.target and i.target.op,
                i.target and i.target.value,
                i.target_text or (i.target and i.target.text),
                i.actual,
            )
            for i in extraction.indicators
        ]
        assert query(
            db_url, f"SELECT message FROM warnings WHERE document_id = {doc_id} ORDER BY id"
        ) == [(w,) for w in extraction.warnings]
        assert len(query(db_url, f"SELECT id FROM clauses WHERE document_id = {doc_id}")) == len(
            extraction.clauses
        )
        assert query(
            db_url, f"SELECT name, value, text FROM facts WHERE document_id = {doc_id} ORDER BY id"
        ) == [(f.name, f.value, f.text) for f in extraction.facts]
    # Every indicator's path is its parent's path plus its own name.
    for parent_path, path, name in query(
        db_url, "SELECT p.path, c.path, c.name FROM indicators c JOIN indicators p ON c.parent_id = p.id"
    ):
        assert path == f"{parent_path} / {name}"

    second = ingest(Path("raw"), db_url, workers=1, progress=False)

    assert second == IngestReport(loaded=(), skipped=expected_paths, failed=())
    # Skipped documents are not rewritten: every column, loaded_at included, is unchanged.
    assert dump_db(db_url) == dump


def test_changed_file_is_replaced(
    corpus_copy: Path, tmp_path: Path, db_url: str, dump_db: Dump, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "two"
    folder.mkdir()
    for name in ["zaozhuang-fulian-2022.txt", "zaozhuang-laoganbu-2022.txt"]:
        shutil.copyfile(corpus_copy / name, folder / name)
    first = ingest(folder, db_url, workers=1, progress=False)
    assert first.loaded == ("two/zaozhuang-fulian-2022.txt", "two/zaozhuang-laoganbu-2022.txt")
    before = query_dicts(db_url, "SELECT * FROM documents ORDER BY source_path")
    indicators_before = query(db_url, "SELECT count(*) FROM indicators")[0][0]

    changed = folder / "zaozhuang-laoganbu-2022.txt"
    with changed.open("a", encoding="utf-8") as fh:
        fh.write("\n备注：本表由市委老干部局负责解释。\n")
    second = ingest(folder, db_url, workers=1, progress=False)

    assert second == IngestReport(
        loaded=("two/zaozhuang-laoganbu-2022.txt",), skipped=("two/zaozhuang-fulian-2022.txt",), failed=()
    )
    after = query_dicts(db_url, "SELECT * FROM documents ORDER BY source_path")
    assert len(after) == 2
    assert after[0] == before[0]  # the unchanged file's row is not rewritten
    old, new = before[1], after[1]
    assert new["source_path"] == "two/zaozhuang-laoganbu-2022.txt"
    assert new["sha256"] == file_sha256(changed) != old["sha256"]
    assert new["size_bytes"] == changed.stat().st_size > old["size_bytes"]
    assert new["loaded_at"] >= old["loaded_at"]
    assert query(db_url, "SELECT count(*) FROM indicators")[0][0] == indicators_before + (
        new["indicator_count"] - old["indicator_count"]
    )
    # No orphans: every indicator belongs to one of the two documents.
    assert query(
        db_url, "SELECT count(*) FROM indicators WHERE document_id NOT IN (SELECT id FROM documents)"
    ) == [(0,)]
    assert len(dump_db(db_url)["documents"]) == 2


def test_extractor_version_change_reloads_everything(
    corpus_copy: Path, tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "one"
    folder.mkdir()
    shutil.copyfile(corpus_copy / "yutian-mubiao-2023.txt", folder / "yutian-mubiao-2023.txt")
    assert ingest(folder, db_url, workers=1, progress=False).loaded == ("one/yutian-mubiao-2023.txt",)

    monkeypatch.setattr(ingest_module, "EXTRACTOR_VERSION", "999")
    monkeypatch.setattr(load_module, "EXTRACTOR_VERSION", "999")
    report = ingest(folder, db_url, workers=1, progress=False)

    assert report.loaded == ("one/yutian-mubiao-2023.txt",)
    assert query(db_url, "SELECT source_path, extractor_version FROM documents") == [
        ("one/yutian-mubiao-2023.txt", "999")
    ]


def test_paths_outside_cwd_are_stored_absolute(corpus_copy: Path, db_url: str, tmp_path: Path) -> None:
    folder = tmp_path / "abs"
    folder.mkdir()
    shutil.copyfile(corpus_copy / "zaozhuang-fulian-2022.txt", folder / "a.txt")
    # pytest's cwd is the repository, which does not contain tmp_path.
    report = ingest(folder, db_url, workers=1, progress=False)
    assert report.loaded == ((folder / "a.txt").as_posix(),)
    assert query(db_url, "SELECT source_path, file_name FROM documents") == [
        ((folder / "a.txt").as_posix(), "a.txt")
    ]


# -- failures ---------------------------------------------------------------------------------


def test_failure_reason_is_one_line() -> None:
    assert failure_reason(ParseError("x/a.pdf", "encrypted PDF")) == "encrypted PDF"
    assert failure_reason(ValueError("bad value\n  at line 3\n")) == "ValueError: bad value at line 3"
    assert failure_reason(ZeroDivisionError()) == "ZeroDivisionError"


def _fake_extraction(path: Path, sha256: str, limits: object = None) -> Extraction:
    return Extraction(
        document=DocumentInfo(source=str(path), sha256=sha256, format="text", title=path.stem),
        indicators=(Indicator(id=1, parent_id=None, level=1, name=f"{path.stem}指标", points=5.0),),
    )


def test_any_exception_fails_only_that_file_and_keeps_its_rows(
    tmp_path: Path, db_url: str, dump_db: Dump, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "docs"
    folder.mkdir()
    for name in ["a.txt", "b.txt", "c.txt"]:
        (folder / name).write_text(f"{name}\n", encoding="utf-8")
    monkeypatch.setattr(executors_module, "extract_file", _fake_extraction)
    assert ingest(folder, db_url, workers=1, progress=False).loaded == (
        "docs/a.txt",
        "docs/b.txt",
        "docs/c.txt",
    )
    before = dump_db(db_url)

    # Change all three; extraction of b raises a bug-type error, loading c fails validation.
    for name in ["a.txt", "b.txt", "c.txt"]:
        (folder / name).write_text(f"{name} v2\n", encoding="utf-8")

    def flaky(path: Path, sha256: str, limits: object = None) -> Extraction:
        if path.name == "b.txt":
            raise KeyError("列")
        extraction = _fake_extraction(path, sha256)
        if path.name == "c.txt":
            orphan = Indicator(id=2, parent_id=7, level=2, name="孤儿")
            return Extraction(document=extraction.document, indicators=(*extraction.indicators, orphan))
        return extraction

    monkeypatch.setattr(executors_module, "extract_file", flaky)
    report = ingest(folder, db_url, workers=1, progress=False)

    assert report.loaded == ("docs/a.txt",)
    assert report.skipped == ()
    assert report.failed == (
        ("docs/b.txt", "KeyError: '列'"),
        ("docs/c.txt", "indicator 2 has parent_id 7, which is not in the extraction"),
    )
    after = dump_db(db_url)
    # b and c keep their earlier rows (documents 2 and 3); a was replaced.
    assert [row for row in after["documents"] if row[1] != "docs/a.txt"] == [
        row for row in before["documents"] if row[1] != "docs/a.txt"
    ]
    assert sorted(row[1] for row in after["documents"]) == ["docs/a.txt", "docs/b.txt", "docs/c.txt"]

    # Once b and c extract again, they are loaded; a (unchanged since) is skipped.
    monkeypatch.setattr(executors_module, "extract_file", _fake_extraction)
    assert ingest(folder, db_url, workers=1, progress=False) == IngestReport(
        loaded=("docs/b.txt", "docs/c.txt"), skipped=("docs/a.txt",), failed=()
    )


def test_bad_files_fail_with_their_reason(
    corpus_dir: Path, tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "empty.txt").write_bytes(b"")
    (folder / "legacy.doc").write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    (folder / "corrupt.pdf").write_bytes((corpus_dir / "nanchang-kaohe-2023.pdf").read_bytes()[:1000])
    shutil.copyfile(corpus_dir / "zaozhuang-fulian-2022.txt", folder / "ok.txt")

    report = ingest(folder, db_url, workers=3, progress=False)

    assert report.loaded == ("in/ok.txt",)
    failed = dict(report.failed)
    assert sorted(failed) == ["in/corrupt.pdf", "in/empty.txt", "in/legacy.doc"]
    assert failed["in/empty.txt"] == "empty file (0 bytes)"
    assert failed["in/legacy.doc"].startswith("unsupported file type '.doc'")
    assert "libreoffice" in failed["in/legacy.doc"]
    assert all("\n" not in reason and reason for reason in failed.values())
    assert query(db_url, "SELECT source_path FROM documents") == [("in/ok.txt",)]


def test_workers_must_be_positive(tmp_path: Path, db_url: str) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        ingest(tmp_path, db_url, workers=0, progress=False)


def test_empty_folder_creates_the_database(tmp_path: Path, db_url: str, dump_db: Dump) -> None:
    (tmp_path / "empty").mkdir()
    assert ingest(tmp_path / "empty", db_url, workers=None, progress=True) == IngestReport((), (), ())
    assert dump_db(db_url) == {t: [] for t in ("documents", "indicators", "clauses", "facts", "warnings")}


# -- files that are gone ----------------------------------------------------------------------


def test_gone_files_are_listed_and_kept_then_pruned(
    tmp_path: Path, db_url: str, dump_db: Dump, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(executors_module, "extract_file", _fake_extraction)
    for rel in ["docs/a.txt", "docs/b.txt", "docs/sub/c.txt", "docs2/d.txt", "other/e.txt"]:
        Path(rel).parent.mkdir(parents=True, exist_ok=True)
        Path(rel).write_text(f"{rel}\n", encoding="utf-8")
    assert ingest(Path("docs"), db_url, workers=1, progress=False).loaded == (
        "docs/a.txt",
        "docs/b.txt",
        "docs/sub/c.txt",
    )
    # docs2 shares the prefix "docs" but is another folder; other/ is ingested separately.
    ingest(Path("docs2"), db_url, workers=1, progress=False)
    ingest(Path("other"), db_url, workers=1, progress=False)
    Path("docs/b.txt").unlink()
    shutil.rmtree("docs/sub")
    Path("docs2/d.txt").unlink()  # gone too, but not under docs/
    before = dump_db(db_url)

    kept = ingest(Path("docs"), db_url, workers=1, progress=False)

    assert kept == IngestReport(
        loaded=(), skipped=("docs/a.txt",), failed=(), gone=("docs/b.txt", "docs/sub/c.txt"), pruned=()
    )
    assert dump_db(db_url) == before

    pruned = ingest(Path("docs"), db_url, workers=1, progress=False, prune=True)

    assert pruned == IngestReport(
        loaded=(),
        skipped=("docs/a.txt",),
        failed=(),
        gone=("docs/b.txt", "docs/sub/c.txt"),
        pruned=("docs/b.txt", "docs/sub/c.txt"),
    )
    after = dump_db(db_url)
    assert sorted(row[1] for row in after["documents"]) == ["docs/a.txt", "docs2/d.txt", "other/e.txt"]
    # The other documents are untouched, and nothing of the pruned ones is left (cascade).
    kept_ids = {row[0] for row in after["documents"]}
    for table in ("documents", "indicators", "clauses", "facts", "warnings"):
        column = 0 if table == "documents" else 1
        assert after[table] == [row for row in before[table] if row[column] in kept_ids], table
    assert len(after["indicators"]) == 3
    assert ingest(Path("docs"), db_url, workers=1, progress=False, prune=True) == IngestReport(
        loaded=(), skipped=("docs/a.txt",), failed=()
    )


def test_gone_under_the_current_directory_and_absolute_paths(
    tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(executors_module, "extract_file", _fake_extraction)
    inside, outside = tmp_path / "cwd", tmp_path / "outside"
    for folder in (inside, outside):
        folder.mkdir()
        (folder / "a.txt").write_text("甲\n", encoding="utf-8")
        (folder / "b.txt").write_text("乙\n", encoding="utf-8")
    monkeypatch.chdir(inside)
    ingest(Path("."), db_url, workers=1, progress=False)
    ingest(outside, db_url, workers=1, progress=False)
    (inside / "b.txt").unlink()
    (outside / "b.txt").unlink()

    # "." holds every relative source_path, but not the absolute ones of the folder outside.
    here = ingest(Path("."), db_url, workers=1, progress=False, prune=True)
    assert (here.skipped, here.gone, here.pruned) == (("a.txt",), ("b.txt",), ("b.txt",))
    there = ingest(outside, db_url, workers=1, progress=False)
    a, b = (outside / "a.txt").as_posix(), (outside / "b.txt").as_posix()
    assert (there.skipped, there.gone, there.pruned) == ((a,), (b,), ())
    assert sorted(p for (p,) in query(db_url, "SELECT source_path FROM documents")) == sorted([a, b, "a.txt"])


def test_failure_reason_of_a_database_error_is_the_driver_message() -> None:
    from sqlalchemy.exc import IntegrityError

    driver_error = ValueError("NOT NULL constraint failed: facts.text")
    error = IntegrityError("INSERT INTO facts (name) VALUES (?)", ("x",), driver_error)
    assert failure_reason(error) == "ValueError: NOT NULL constraint failed: facts.text"
