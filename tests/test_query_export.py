"""`kaohe query` and `kaohe export` on a database holding two real corpus documents."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy.exc import DBAPIError

from analyst.guard import QueryRefused, check_read_only, open_read_only
from kaohe.cli import main
from pipeline.ingest import ingest

FILES = ("zaozhuang-laoganbu-2022.txt", "nanchang-kaohe-2023.pdf")
# Counted once from the ingested data (SELECT COUNT(*) ... per table).
COUNTS = {"documents": 2, "indicators": 69, "clauses": 22, "facts": 0, "checks": 9, "warnings": 0}
# The views are exported after the tables.
VIEW_COUNTS = {"indicator_flat": 69, "clause_flat": 22, "reconciliation_warnings": 0}
EXPORTED = {**COUNTS, **VIEW_COUNTS}
LEAVES = 59


@pytest.fixture(scope="module")
def db_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite database with the two documents ingested (shared: the tests only read it)."""
    root = tmp_path_factory.mktemp("query_export")
    raw = root / "raw"
    raw.mkdir()
    for name in FILES:
        shutil.copyfile(Path(__file__).parent / "fixtures" / "corpus" / "raw" / name, raw / name)
    db = root / "db" / "kaohe.db"
    report = ingest(raw, f"sqlite:///{db}", workers=1, progress=False)
    assert report.ok and len(report.loaded) == 2, report
    return db


@pytest.fixture
def db_url(db_file: Path) -> str:
    return f"sqlite:///{db_file}"


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def sqlite_rows(db_file: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(db_file) as conn:
        return conn.execute(sql).fetchall()


# --------------------------------------------------------------------------------------------
# kaohe query


def test_counts_match_the_data(db_file: Path) -> None:
    # The hard-coded numbers below are these; fail here first if the extraction changes.
    for table, count in COUNTS.items():
        assert sqlite_rows(db_file, f"SELECT COUNT(*) FROM {table}") == [(count,)], table
    assert sqlite_rows(db_file, "SELECT COUNT(*) FROM indicators WHERE is_leaf") == [(LEAVES,)]


def test_query_json_count(db_url: str) -> None:
    result = run("query", "SELECT COUNT(*) AS n FROM indicators WHERE is_leaf", "--db", db_url, "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [{"n": LEAVES}]


def test_query_json_numbers_and_chinese(db_url: str) -> None:
    sql = (
        "SELECT d.file_name, COUNT(*) AS leaves, SUM(i.points) AS points FROM indicators i "
        "JOIN documents d ON d.id = i.document_id WHERE i.is_leaf GROUP BY d.file_name ORDER BY d.file_name"
    )
    result = run("query", sql, "--db", db_url, "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [
        {"file_name": "nanchang-kaohe-2023.pdf", "leaves": 41, "points": 100.0},
        {"file_name": "zaozhuang-laoganbu-2022.txt", "leaves": 18, "points": 400.0},
    ]
    titles = run("query", "SELECT title FROM documents ORDER BY id", "--db", db_url, "--format", "json")
    assert "南昌市县区 2023 年老干部工作目标管理考核细则" in titles.stdout  # ensure_ascii=False: no \\u escapes


def test_query_json_repeated_column_names_stay_apart(db_url: str) -> None:
    sql = "SELECT d.id, i.id FROM indicators i JOIN documents d ON d.id = i.document_id ORDER BY i.id LIMIT 1"
    result = run("query", sql, "--db", db_url, "--format", "json")
    assert json.loads(result.stdout) == [{"id": 1, "id_2": 1}]


def test_query_csv_parses_back_to_the_rows(db_file: Path, db_url: str) -> None:
    sql = "SELECT id, path, points, is_leaf FROM indicators ORDER BY id"
    result = run("query", sql, "--db", db_url, "--format", "csv")
    assert result.exit_code == 0, result.output
    text = result.stdout_bytes.decode("utf-8")  # .stdout would turn the CRLF line ends into LF
    assert text.startswith("id,path,points,is_leaf\r\n")
    parsed = list(csv.reader(io.StringIO(text, newline="")))
    expected = [
        [str(i), path, "" if points is None else repr(points), str(leaf)]
        for i, path, points, leaf in sqlite_rows(db_file, sql)
    ]
    assert parsed == [["id", "path", "points", "is_leaf"], *expected]
    assert len(expected) == COUNTS["indicators"]
    assert any("," in row[1] for row in expected)  # some paths need quoting: the round trip tests it


def test_query_table(db_file: Path, db_url: str) -> None:
    (name,) = sqlite_rows(db_file, "SELECT name FROM indicators ORDER BY length(name) DESC LIMIT 1")[0]
    assert isinstance(name, str) and len(name) > 60  # longer than a line: it has to fold
    result = run(
        "query", "SELECT name AS indicator_name FROM indicators ORDER BY length(name) DESC LIMIT 1", "--db", db_url
    )
    assert result.exit_code == 0, result.output
    assert "indicator_name" in result.stdout and "…" not in result.stdout
    # Folded over several lines inside one cell: every character is there, in order.
    cell_text = "".join(re.sub(r"[│┃┏┓┗┛┡┩└┘━─┳┻╇┴┬\s]", "", line) for line in result.stdout.splitlines()[3:-2])
    assert cell_text == re.sub(r"\s", "", name)
    assert "1 row" in result.stdout

    numbers = run("query", "SELECT points AS points_of_the_indicator FROM indicators WHERE id = 1", "--db", db_url)
    assert re.search(r"│ {10,}20\.0 │", numbers.stdout), numbers.stdout  # right-aligned


def test_query_allows_reading_pragmas_and_tricky_text(db_url: str) -> None:
    info = run("query", "PRAGMA table_info(indicators)", "--db", db_url, "--format", "json")
    assert info.exit_code == 0, info.output
    assert "is_leaf" in [column["name"] for column in json.loads(info.stdout)]
    text = run(
        "query",
        "SELECT 'DELETE; DROP TABLE x' AS s, replace('一、二', '、', '') AS r; -- the end",
        "--db",
        db_url,
        "--format",
        "json",
    )
    assert text.exit_code == 0, text.output
    assert json.loads(text.stdout) == [{"s": "DELETE; DROP TABLE x", "r": "一二"}]


@pytest.mark.parametrize(
    "sql",
    [
        "INSERT INTO warnings (document_id, message) VALUES (1, 'x')",
        "DELETE FROM documents",
        "DROP TABLE documents",
        "SELECT 1; DELETE FROM documents",
        "PRAGMA journal_mode=DELETE",
        "UPDATE indicators SET points = 0",
        "CREATE TABLE t (a)",
        "ALTER TABLE documents ADD COLUMN x",
        "REPLACE INTO warnings VALUES (1, 1, 'x')",
        "VACUUM",
        "WITH x AS (SELECT 1) DELETE FROM documents",
        "PRAGMA query_only = OFF",
    ],
)
def test_query_refuses_writes(db_file: Path, db_url: str, sql: str) -> None:
    before = sha256(db_file)
    result = run("query", sql, "--db", db_url)
    assert result.exit_code == 1
    assert "read-only" in result.output or "one SQL statement" in result.output
    assert sha256(db_file) == before
    assert sqlite_rows(db_file, "SELECT COUNT(*) FROM documents") == [(COUNTS["documents"],)]


def test_query_refuses_attach_without_creating_the_file(db_file: Path, db_url: str, tmp_path: Path) -> None:
    target = tmp_path / "attached.db"
    result = run("query", f"ATTACH '{target}' AS other", "--db", db_url)
    assert result.exit_code == 1 and "read-only" in result.output
    assert not target.exists()


@pytest.mark.parametrize(
    "sql",
    [
        "DELETE FROM documents",
        "INSERT INTO warnings (document_id, message) VALUES (1, 'x')",
        "DROP TABLE documents",
        "PRAGMA journal_mode=DELETE",
        "PRAGMA query_only=OFF",
        "CREATE TEMP TABLE t (a)",
        "VACUUM",
    ],
)
def test_the_database_itself_refuses_writes(db_file: Path, db_url: str, sql: str) -> None:
    # Past the statement check: the connection kaohe query uses must refuse on its own.
    before = sha256(db_file)
    engine = open_read_only(db_url)
    try:
        with engine.connect() as connection, pytest.raises(DBAPIError):
            connection.exec_driver_sql(sql)
    finally:
        engine.dispose()
    assert sha256(db_file) == before


def test_the_database_itself_refuses_attach(db_url: str, tmp_path: Path) -> None:
    target = tmp_path / "attached.db"
    engine = open_read_only(db_url)
    try:
        with engine.connect() as connection, pytest.raises(DBAPIError):
            connection.exec_driver_sql(f"ATTACH '{target}' AS other")
    finally:
        engine.dispose()
    assert not target.exists()  # a read-only connection alone would still create an empty file


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("SELECT 1; SELECT 2", "one SQL statement"),
        ("   -- nothing\n", "no SQL statement"),
        ("SELECT * INTO copy FROM documents", "INTO is not allowed"),
        ("EXPLAIN ANALYZE DELETE FROM documents", "DELETE is not allowed"),
        ("BEGIN", "not BEGIN"),
        ("PRAGMA main.user_version = 5", "PRAGMA user_version with a value"),
    ],
)
def test_check_read_only_refuses(sql: str, message: str) -> None:
    with pytest.raises(QueryRefused, match=message):
        check_read_only(sql)


def test_check_read_only_returns_the_statement() -> None:
    assert check_read_only("  SELECT ';' AS s;  -- done\n") == "SELECT ';' AS s"
    assert check_read_only('SELECT "delete" FROM t /* ; drop */') == 'SELECT "delete" FROM t /* ; drop */'
    assert check_read_only("WITH a AS (SELECT 1) SELECT * FROM a") == "WITH a AS (SELECT 1) SELECT * FROM a"


def test_query_missing_database_is_an_error(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "kaohe.db"
    result = run("query", "SELECT 1", "--db", f"sqlite:///{missing}")
    assert result.exit_code == 1
    assert str(missing) in result.output
    assert not missing.exists() and not missing.parent.exists()


def test_query_sql_error(db_url: str) -> None:
    result = run("query", "SELECT * FROM no_such_table", "--db", db_url)
    assert result.exit_code == 1
    assert "no such table: no_such_table" in result.output


COMMENTED = "-- top items\nSELECT COUNT(*) AS n FROM documents"


@pytest.mark.parametrize(
    "args",
    [
        ("query", COMMENTED, "--db", "{db}", "--format", "csv"),
        ("query", "--db", "{db}", COMMENTED, "--format", "csv"),
        ("query", "--format", "csv", "--db", "{db}", COMMENTED),
        ("query", "--db", "{db}", "--format", "csv", "--", COMMENTED),
        ("query", "--db={db}", "--format=csv", "-- c\n-- d\nSELECT COUNT(*) AS n FROM documents"),
    ],
)
def test_query_sql_may_open_with_a_comment(db_url: str, args: tuple[str, ...]) -> None:
    argv = [arg.replace("{db}", db_url) for arg in args]
    result = run(*argv)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["n", "2"]


def test_query_reads_the_sql_from_stdin(db_url: str) -> None:
    result = CliRunner().invoke(main, ["query", "-", "--db", db_url, "--format", "csv"], input=COMMENTED + "\n")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["n", "2"]


def test_query_still_reports_unknown_options(db_url: str) -> None:
    result = run("query", "SELECT 1", "--fromat", "csv", "--db", db_url)
    assert result.exit_code == 2
    assert "No such option '--fromat'" in result.output
    # A value that opens with "-" and has spaces stays the value of --db (a SQLite path), not the SQL.
    result = run("query", "SELECT 1", "--db", "- not a url")
    assert result.exit_code == 1 and "database file not found" in result.output and "- not a url" in result.output
    result = run("query", "SELECT 1", "--db", "not a url://x")
    assert result.exit_code == 1 and "not a database URL" in result.output


def test_query_commented_sql_through_the_installed_entry_point(db_url: str) -> None:
    repo = Path(__file__).resolve().parent.parent
    completed = subprocess.run(
        [sys.executable, "-m", "kaohe", "query", COMMENTED, "--db", db_url, "--format", "csv"],
        env={**os.environ, "PYTHONPATH": str(repo)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.splitlines() == ["n", "2"]


def test_query_reads_a_wal_database_without_changing_it(db_file: Path, db_url: str) -> None:
    # Ingest leaves the file in WAL mode; the read-only connection opens it all the same.
    assert sqlite_rows(db_file, "PRAGMA journal_mode") == [("wal",)]
    before = sha256(db_file)
    result = run("query", "PRAGMA journal_mode", "--db", db_url, "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["journal_mode", "wal"]
    assert run("query", "PRAGMA journal_mode=DELETE", "--db", db_url).exit_code == 1
    assert sha256(db_file) == before


# --------------------------------------------------------------------------------------------
# kaohe export


def test_export_csv(db_file: Path, db_url: str, tmp_path: Path) -> None:
    before = sha256(db_file)
    out = tmp_path / "csv"
    result = run("export", "--format", "csv", "--out", str(out), "--db", db_url)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{t}.csv" for t in EXPORTED)
    for table, count in COUNTS.items():
        raw = (out / f"{table}.csv").read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")  # BOM, for Excel
        rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
        assert len(rows) == count, table
        assert [int(r["id"]) for r in rows] == sorted(int(r["id"]) for r in rows)
        assert re.search(rf"{table} +{count} rows +{re.escape(str(out / f'{table}.csv'))}", result.output)
    with open(out / "indicators.csv", encoding="utf-8-sig", newline="") as stream:
        indicators = list(csv.DictReader(stream))
    sources = {path for (path,) in sqlite_rows(db_file, "SELECT source_path FROM documents")}
    assert {row["source_path"] for row in indicators} == sources
    first = indicators[0]
    assert (first["path"], first["points"], first["is_leaf"]) == ("一、领导重视", "20.0", "0")
    assert sha256(db_file) == before


def test_export_xlsx(db_file: Path, db_url: str, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "k.xlsx"
    result = run("export", "--format", "xlsx", "--out", str(out), "--db", db_url)
    assert result.exit_code == 0, result.output
    assert str(out) in result.output
    workbook = load_workbook(out)
    assert workbook.sheetnames == list(EXPORTED)
    for table, count in EXPORTED.items():
        sheet = workbook[table]
        assert sheet.max_row - 1 == count, table
        assert sheet.freeze_panes == "A2"
        assert all(cell.font.b for cell in sheet[1])
    headers = [cell.value for cell in workbook["indicators"][1]]
    assert headers[:7] == ["id", "document_id", "source_path", "ordinal", "parent_id", "level", "path"]
    columns = [name for (_, name, *_rest) in sqlite_rows(db_file, "PRAGMA table_info(indicators)")]
    assert [h for h in headers if h != "source_path"] == columns
    row = {h: cell.value for h, cell in zip(headers, workbook["indicators"][2], strict=True)}
    assert (row["path"], row["points"], row["is_leaf"]) == ("一、领导重视", 20, False)
    clause_headers = [cell.value for cell in workbook["clauses"][1]]
    assert "indicator_path" in clause_headers
    path_width = workbook["indicators"].column_dimensions["G"].width
    assert 20 <= path_width <= 62


def test_export_json(db_file: Path, db_url: str, tmp_path: Path) -> None:
    out = tmp_path / "k.json"
    result = run("export", "--format", "json", "--out", str(out), "--db", db_url)
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert list(data) == list(EXPORTED)
    assert {table: len(rows) for table, rows in data.items()} == EXPORTED
    first = data["indicators"][0]
    assert (first["path"], first["points"], first["is_leaf"], first["id"]) == ("一、领导重视", 20.0, False, 1)
    assert first["source_path"].endswith("nanchang-kaohe-2023.pdf")
    assert sum(row["is_leaf"] for row in data["indicators"]) == LEAVES
    assert [row["id"] for row in data["clauses"]] == sorted(row["id"] for row in data["clauses"])


@pytest.mark.parametrize(
    ("fmt", "written"),
    [("csv", "data/out/export/documents.csv"), ("xlsx", "data/out/kaohe.xlsx"), ("json", "data/out/kaohe.json")],
)
def test_export_default_paths(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str, written: str
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("export", "--format", fmt, "--db", db_url)
    assert result.exit_code == 0, result.output
    assert (tmp_path / written).is_file()


def test_export_missing_database_is_an_error(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "kaohe.db"
    out = tmp_path / "out.json"
    result = run("export", "--format", "json", "--out", str(out), "--db", f"sqlite:///{missing}")
    assert result.exit_code == 1
    assert str(missing) in result.output
    assert not missing.parent.exists() and not out.exists()
