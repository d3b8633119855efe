"""The analyst's commands through ``kaohe.cli:main`` on SQLite and PostgreSQL: query (SQL from a file
or stdin, bound parameters, output formats), --db as a path or $KAOHE_DB, tables, schema, stats."""

from __future__ import annotations

import csv
import io
import json
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import create_engine, text

from kaohe.cli import main
from pipeline.ingest import ingest

FILES = ("zaozhuang-laoganbu-2022.txt", "nanchang-kaohe-2023.txt")


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def stored(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """URL of a database holding the two documents (shared by the module's tests: they only read)."""
    root = tmp_path_factory.mktemp("analyst")
    raw = root / "raw"
    raw.mkdir()
    for name in FILES:
        shutil.copyfile(Path(__file__).parent / "fixtures" / "corpus" / "raw" / name, raw / name)
    if request.param == "sqlite":
        url = f"sqlite:///{root / 'kaohe.db'}"
        report = ingest(raw, url, workers=1, progress=False)
        assert report.ok and len(report.loaded) == 2, report
        yield url
        return
    server = request.getfixturevalue("pg_server")
    name = f"kaohe_test_{uuid.uuid4().hex[:16]}"
    with server.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = server.url.set(database=name).render_as_string(hide_password=False)
    try:
        report = ingest(raw, url, workers=1, progress=False)
        assert report.ok and len(report.loaded) == 2, report
        yield url
    finally:
        with server.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def run(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, list(args), input=input, env=env)


def scalar(url: str, sql: str) -> object:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text(sql)).scalar()
    finally:
        engine.dispose()


def rows_of(url: str, sql: str) -> list[tuple[object, ...]]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(row) for row in conn.execute(text(sql))]
    finally:
        engine.dispose()


# --------------------------------------------------------------------------------------------
# kaohe query


def test_query_binds_parameters_as_numbers_and_text(stored: str) -> None:
    result = run(
        "query",
        "SELECT year, organization FROM documents WHERE year = :year AND title LIKE :pattern",
        "-p", "year", "2023",
        "-p", "pattern", "%考核%",
        "--db", stored, "--format", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    expected = rows_of(stored, "SELECT year, organization FROM documents WHERE year = 2023")
    assert json.loads(result.stdout) == [{"year": year, "organization": org} for year, org in expected]
    assert expected and expected[0][0] == 2023


def test_query_parameter_kinds(stored: str) -> None:
    result = run(
        "query", "SELECT :i AS i, :f AS f, :code AS code, :word AS word",
        "-p", "i", "-7", "-p", "f", "2.5", "-p", "code", "007", "-p", "word", "x y",
        "--db", stored, "--format", "nl",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert rows == [{"i": -7, "f": 2.5, "code": "007", "word": "x y"}]


def test_query_literal_percent_and_colons_beside_parameters(stored: str) -> None:
    # '%' in a literal and ':y' inside a string stay as they are when parameters are bound.
    result = run("query", "SELECT '100%' AS p, ':y' AS s, :n AS n", "-p", "n", "3", "--db", stored, "--format", "csv")
    assert result.exit_code == 0, result.output
    assert list(csv.reader(io.StringIO(result.stdout))) == [["p", "s", "n"], ["100%", ":y", "3"]]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("SELECT :a, :b", "-p", "a", "1"), "no value for :b"),
        (("SELECT :a", "-p", "a", "1", "-p", "b", "2"), "-p b is given but the SQL has no :b"),
        (("SELECT :a", "-p", "a", "1", "-p", "a", "2"), "a is given twice"),
        (("SELECT :a", "-p", "a-b", "1"), "is not a parameter name"),
    ],
)
def test_query_parameter_errors(stored: str, args: tuple[str, ...], message: str) -> None:
    result = run("query", *args, "--db", stored)
    assert result.exit_code != 0
    assert message in result.output


def test_query_placeholder_without_a_value_on_sqlite(stored: str) -> None:
    if not stored.startswith("sqlite"):
        pytest.skip("PostgreSQL reports its own syntax error; ':n' may be an array slice there")
    result = run("query", "SELECT :a", "--db", stored)
    assert result.exit_code == 1 and "no value for :a; give it with -p a VALUE" in result.output


def test_query_sql_from_a_file_and_at_path(stored: str, tmp_path: Path) -> None:
    sql_file = tmp_path / "count.sql"
    sql_file.write_text("-- indicators of one document\nSELECT COUNT(*) AS n FROM indicators WHERE document_id = :d\n")
    expected = scalar(stored, "SELECT COUNT(*) FROM indicators WHERE document_id = 1")
    assert isinstance(expected, int) and expected > 0
    for args in (("--file", str(sql_file)), (f"@{sql_file}",)):
        result = run("query", *args, "-p", "d", "1", "--db", stored, "--format", "csv")
        assert result.exit_code == 0, result.output
        assert result.stdout.splitlines() == ["n", str(expected)]
    result = run("query", "SELECT 1", "--file", str(sql_file), "--db", stored)
    assert result.exit_code == 2 and "not both" in result.output
    result = run("query", f"@{tmp_path / 'missing.sql'}", "--db", stored)
    assert result.exit_code == 1 and "cannot read the SQL file" in result.output


def test_query_sql_from_stdin_with_parameters(stored: str) -> None:
    result = run("query", "-", "-p", "y", "2022", "--db", stored, "--format", "csv",
                 input="SELECT COUNT(*) AS n FROM documents WHERE year = :y\n")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["n", "1"]


def test_query_tsv_escapes_tabs_and_line_breaks(stored: str) -> None:
    result = run("query", "SELECT :x AS x, :y AS y, NULL AS z", "-p", "x", "a\tb", "-p", "y", "c\nd",
                 "--db", stored, "--format", "tsv")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout == "x\ty\tz\na\\tb\tc\\nd\t\n"


def test_query_nl_one_object_per_row(stored: str) -> None:
    result = run("query", "SELECT id, source_path FROM documents ORDER BY id", "--db", stored, "--format", "nl")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    expected = rows_of(stored, "SELECT id, source_path FROM documents ORDER BY id")
    assert [json.loads(line) for line in lines] == [{"id": i, "source_path": p} for i, p in expected]


# --------------------------------------------------------------------------------------------
# --db as a path, $KAOHE_DB


def sqlite_path(url: str) -> str | None:
    return url.removeprefix("sqlite:///") if url.startswith("sqlite:///") else None


def test_db_takes_a_plain_path(stored: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = sqlite_path(stored)
    if path is None:
        pytest.skip("a plain --db path is a SQLite file")
    result = run("query", "SELECT COUNT(*) AS n FROM documents", "--db", path, "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["n", "2"]
    # Relative to the current directory.
    shutil.copyfile(path, tmp_path / "k.db")
    monkeypatch.chdir(tmp_path)
    result = run("query", "SELECT COUNT(*) AS n FROM documents", "--db", "k.db", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["n", "2"]


def test_kaohe_db_environment_variable_sets_the_default(stored: str) -> None:
    value = sqlite_path(stored) or stored
    result = run("query", "SELECT COUNT(*) AS n FROM documents", "--format", "csv", env={"KAOHE_DB": value})
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["n", "2"]
    # Every command takes it: diff reads the same database.
    result = run("diff", "1", "2", "--json", env={"KAOHE_DB": value})
    assert result.exit_code == 0, result.output
    assert {json.loads(result.stdout)["old"]["id"], json.loads(result.stdout)["new"]["id"]} == {1, 2}
    # --db still wins over the variable.
    result = run("query", "SELECT 1 AS n", "--db", "/nonexistent/x.db", env={"KAOHE_DB": value})
    assert result.exit_code == 1 and "database file not found" in result.output


# --------------------------------------------------------------------------------------------
# kaohe tables, schema, stats

KAOHE_TABLES = {"documents", "indicators", "clauses", "facts", "checks", "warnings"}
KAOHE_VIEWS = {"indicator_flat", "clause_flat", "reconciliation_warnings"}


def test_tables_lists_tables_with_counts(stored: str) -> None:
    result = run("tables", "--counts", "--db", stored, "--format", "json")
    assert result.exit_code == 0, result.output
    entries = {entry["name"]: entry for entry in json.loads(result.stdout)}
    assert entries.keys() >= KAOHE_TABLES
    assert not KAOHE_VIEWS & entries.keys()
    for name in KAOHE_TABLES:
        assert entries[name]["kind"] == "table"
        assert entries[name]["rows"] == scalar(stored, f"SELECT COUNT(*) FROM {name}")
    assert entries["documents"]["rows"] == 2


def test_tables_with_views_and_without_counts(stored: str) -> None:
    result = run("tables", "--views", "--db", stored, "--format", "json")
    assert result.exit_code == 0, result.output
    entries = {entry["name"]: entry for entry in json.loads(result.stdout)}
    assert entries.keys() >= KAOHE_VIEWS
    assert {entries[name]["kind"] for name in KAOHE_VIEWS} == {"view"}
    assert all(entry["rows"] is None for entry in entries.values())


def test_tables_as_a_rich_table(stored: str) -> None:
    result = run("tables", "--counts", "--views", "--db", stored)
    assert result.exit_code == 0, result.output
    indicators = scalar(stored, "SELECT COUNT(*) FROM indicators")
    line = next(line for line in result.stdout.splitlines() if " indicator_flat " in line)
    assert "view" in line and str(indicators) in line
    line = next(line for line in result.stdout.splitlines() if " documents " in line)
    assert "table" in line and " 2 " in line


def test_schema_of_one_table(stored: str) -> None:
    result = run("schema", "checks", "--db", stored, "--format", "json")
    assert result.exit_code == 0, result.output
    [schema] = json.loads(result.stdout)
    assert schema["name"] == "checks" and schema["kind"] == "table"
    columns = {column["name"]: column for column in schema["columns"]}
    assert list(columns)[:2] == ["id", "document_id"]
    assert {"declared", "computed", "ok"} <= columns.keys()
    assert columns["id"]["primary_key"] and not columns["document_id"]["primary_key"]
    assert columns["indicator_id"]["nullable"] and not columns["document_id"]["nullable"]
    assert "BOOLEAN" in columns["ok"]["type"].upper()
    assert schema["create_sql"].startswith("CREATE TABLE checks")
    assert "REFERENCES documents (id)" in schema["create_sql"]


def test_schema_of_a_view_and_of_all(stored: str) -> None:
    result = run("schema", "indicator_flat", "--db", stored, "--format", "json")
    assert result.exit_code == 0, result.output
    [view] = json.loads(result.stdout)
    assert view["kind"] == "view" and view["create_sql"].upper().startswith("CREATE VIEW")
    assert {"document_id", "path"} <= {column["name"] for column in view["columns"]}
    result = run("schema", "--db", stored, "--format", "json")
    assert result.exit_code == 0, result.output
    everything = json.loads(result.stdout)
    names = [schema["name"] for schema in everything]
    assert set(names) >= KAOHE_TABLES | KAOHE_VIEWS
    # Tables first, then views.
    kinds = [schema["kind"] for schema in everything]
    assert kinds == sorted(kinds, key=lambda kind: kind == "view")
    result = run("schema", "documents", "--db", stored)
    assert result.exit_code == 0, result.output
    assert "table documents" in result.stdout and "mtime_ns" in result.stdout
    assert "CREATE TABLE documents" in result.stdout


def test_schema_unknown_table_is_one_line(stored: str) -> None:
    result = run("schema", "nope", "--db", stored)
    assert result.exit_code == 1
    assert result.output.startswith("Error: no table or view named 'nope' in the database (it has: ")
    assert len(result.output.strip().splitlines()) == 1


def test_stats(stored: str) -> None:
    result = run("stats", "--db", stored, "--format", "json")
    assert result.exit_code == 0, result.output
    stats = json.loads(result.stdout)
    assert stats["documents"] == 2
    assert stats["by_year"] == [{"label": "2022", "count": 1}, {"label": "2023", "count": 1}]
    assert stats["by_format"] == [{"label": "text", "count": 2}]
    # Equal counts: by name, the unknown organisation last on both backends.
    [known] = [org for (org,) in rows_of(stored, "SELECT organization FROM documents") if org is not None]
    assert stats["by_organization"] == [{"label": known, "count": 1}, {"label": None, "count": 1}]
    assert stats["organizations"] == 1
    assert stats["indicators"] == scalar(stored, "SELECT COUNT(*) FROM indicators")
    assert stats["leaves"] == scalar(stored, "SELECT COUNT(*) FROM indicators WHERE is_leaf")
    assert 0 < stats["leaves"] < stats["indicators"]
    kinds = dict(rows_of(stored, "SELECT kind, COUNT(*) FROM clauses GROUP BY kind"))
    assert {row["label"]: row["count"] for row in stats["clauses_by_kind"]} == kinds
    assert stats["clauses"] == sum(kinds.values())
    assert stats["warnings"] == scalar(stored, "SELECT COUNT(*) FROM warnings")
    assert stats["failed_checks"] == scalar(stored, "SELECT COUNT(*) FROM checks WHERE NOT ok")


def test_stats_as_rich_tables(stored: str) -> None:
    result = run("stats", "--db", stored)
    assert result.exit_code == 0, result.output
    leaves = scalar(stored, "SELECT COUNT(*) FROM indicators WHERE is_leaf")
    line = next(line for line in result.stdout.splitlines() if "leaf indicators" in line)
    assert line.split("│")[2].strip() == str(leaves)
    assert "documents by year" in result.stdout and "2023" in result.stdout


def test_summary_commands_on_a_missing_database(tmp_path: Path) -> None:
    missing = tmp_path / "none.db"
    for command in (["tables"], ["schema"], ["stats"]):
        result = run(*command, "--db", str(missing))
        assert result.exit_code == 1, command
        assert "database file not found" in result.output
    assert not missing.exists()


def test_summary_commands_do_not_change_the_database(stored: str) -> None:
    path = sqlite_path(stored)
    if path is None:
        pytest.skip("checks the SQLite file's bytes")
    before = Path(path).read_bytes()
    for command in (["tables", "--counts", "--views"], ["schema"], ["stats"]):
        assert run(*command, "--db", stored).exit_code == 0
    assert Path(path).read_bytes() == before


# --------------------------------------------------------------------------------------------
# kaohe export: every format loads back to the database's rows

EXPORTED = (*sorted(KAOHE_TABLES), *sorted(KAOHE_VIEWS))


def typed_rows(url: str, name: str) -> tuple[tuple[str, ...], list[tuple[object, ...]]]:
    """Columns and rows of a table or view as SQLAlchemy types them (bool, int, float, datetime, None)."""
    from sqlalchemy import MetaData, Table, select

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            table = Table(name, MetaData(), autoload_with=conn)
            result = conn.execute(select(table))
            return tuple(result.keys()), [tuple(row) for row in result]
    finally:
        engine.dispose()


def canonical(value: object) -> object:
    """A value as every format can give it back: datetimes as UTC wall time to the millisecond
    (XLSX stores days as a float), '' as NULL (CSV has one empty cell for both)."""
    from datetime import datetime, timezone

    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(timezone.utc).replace(tzinfo=None)
        return value.replace(microsecond=round(value.microsecond, -3) % 1_000_000)
    return None if value == "" else value


def same_rows(
    expected: list[tuple[object, ...]], columns: tuple[str, ...], got: list[dict[str, object]]
) -> None:
    """The exported rows (in any order for a view) equal the database's, value and type."""
    def key(row: tuple[object, ...]) -> str:
        return repr(tuple(canonical(v) for v in row))

    got_rows = [tuple(row[c] for c in columns) for row in got]
    want = sorted((tuple(canonical(v) for v in row) for row in expected), key=repr)
    have = sorted((tuple(canonical(v) for v in row) for row in got_rows), key=repr)
    assert len(have) == len(want)
    for have_row, want_row in zip(have, want, strict=True):
        for name, h, w in zip(columns, have_row, want_row, strict=True):
            assert h == w, (name, h, w)
            assert type(h) is type(w) or (isinstance(w, float) and type(h) is int and h == w), (name, h, w)


def typed_from_text(text: str, like: object) -> object:
    """A CSV cell read back as the type the database gave (known from another row's value)."""
    from datetime import datetime

    if text == "":
        return None
    if isinstance(like, bool):
        assert text in ("0", "1"), text
        return text == "1"
    if isinstance(like, int):
        return int(text)
    if isinstance(like, float):
        return float(text)
    if isinstance(like, datetime):
        return datetime.fromisoformat(text)
    return text


def column_samples(rows: list[tuple[object, ...]], width: int) -> list[object]:
    return [next((row[i] for row in rows if row[i] is not None), "") for i in range(width)]


def test_export_csv_round_trips(stored: str, tmp_path: Path) -> None:
    result = run("export", "--format", "csv", "--out", str(tmp_path), "--db", stored)
    assert result.exit_code == 0, result.output
    for name in EXPORTED:
        columns, expected = typed_rows(stored, name)
        with open(tmp_path / f"{name}.csv", encoding="utf-8-sig", newline="") as stream:
            reader = csv.reader(stream)
            header = tuple(next(reader))
            cells = list(reader)
        assert set(columns) <= set(header), name  # tables gain source_path / indicator_path
        samples = dict(zip(columns, column_samples(expected, len(columns)), strict=True))
        got = [
            {c: typed_from_text(v, samples[c]) for c, v in zip(header, row, strict=True) if c in samples}
            for row in cells
        ]
        same_rows(expected, columns, got)
    # Booleans are 0/1, the nanosecond mtime digit for digit.
    with open(tmp_path / "indicators.csv", encoding="utf-8-sig", newline="") as stream:
        leaves = [row["is_leaf"] for row in csv.DictReader(stream)]
    assert set(leaves) == {"0", "1"}
    with open(tmp_path / "documents.csv", encoding="utf-8-sig", newline="") as stream:
        mtimes = [int(row["mtime_ns"]) for row in csv.DictReader(stream)]
    assert mtimes == [mtime for (mtime,) in rows_of(stored, "SELECT mtime_ns FROM documents ORDER BY id")]
    assert all(mtime > 2**53 for mtime in mtimes)  # past a float's exact integers


def test_export_xlsx_round_trips(stored: str, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "k.xlsx"
    result = run("export", "--format", "xlsx", "--out", str(out), "--db", stored)
    assert result.exit_code == 0, result.output
    workbook = load_workbook(out)
    tables = ["documents", "indicators", "clauses", "facts", "checks", "warnings"]
    assert workbook.sheetnames == [*tables, "indicator_flat", "clause_flat", "reconciliation_warnings"]
    for name in EXPORTED:
        columns, expected = typed_rows(stored, name)
        sheet = list(workbook[name].iter_rows(values_only=True))
        header = sheet[0]
        got = []
        for values in sheet[1:]:
            row = dict(zip(header, values, strict=True))
            if name == "documents":
                # Past Excel's 15 digits an integer is text, digit for digit.
                assert isinstance(row["mtime_ns"], str)
                row["mtime_ns"] = int(row["mtime_ns"])
            got.append(row)
        same_rows(expected, columns, got)


def test_export_json_round_trips(stored: str, tmp_path: Path) -> None:
    out = tmp_path / "k.json"
    result = run("export", "--format", "json", "--out", str(out), "--db", stored)
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert set(EXPORTED) == set(data)
    for name in EXPORTED:
        columns, expected = typed_rows(stored, name)
        samples = dict(zip(columns, column_samples(expected, len(columns)), strict=True))
        # JSON has numbers, booleans and null; a datetime is ISO text.
        got = [
            {c: typed_from_text(v, samples.get(c, "")) if isinstance(v, str) else v for c, v in row.items()}
            for row in data[name]
        ]
        same_rows(expected, columns, got)
    try:
        import pandas
    except ImportError:
        return
    frame = pandas.read_json(io.StringIO(json.dumps(data["documents"])), orient="records")
    assert list(frame["mtime_ns"]) == [row["mtime_ns"] for row in data["documents"]]


def test_export_one_table_to_stdout(stored: str) -> None:
    result = run("export", "--format", "csv", "--table", "documents", "--out", "-", "--db", stored)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    expected = rows_of(stored, "SELECT id, mtime_ns, year FROM documents ORDER BY id")
    assert [(int(r["id"]), int(r["mtime_ns"]), int(r["year"])) for r in rows] == expected
    assert not result.stdout.startswith("\ufeff")
    assert "exported documents: 2 rows" in result.stderr

    result = run("export", "--format", "jsonl", "--table", "clause_flat", "--out", "-", "--db", stored)
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == scalar(stored, "SELECT COUNT(*) FROM clauses")
    assert [line["clause_id"] for line in lines] == sorted(line["clause_id"] for line in lines)

    result = run("export", "--format", "json", "--table", "checks", "--out", "-", "--db", stored)
    assert result.exit_code == 0, result.output
    checks = json.loads(result.stdout)["checks"]
    assert [(row["id"], row["ok"]) for row in checks] == [
        (i, bool(ok)) for i, ok in rows_of(stored, "SELECT id, ok FROM checks ORDER BY id")
    ]
    assert all(isinstance(row["ok"], bool) for row in checks)


def test_export_one_table_to_a_folder(stored: str, tmp_path: Path) -> None:
    result = run("export", "--format", "jsonl", "--table", "indicators", "--out", str(tmp_path), "--db", stored)
    assert result.exit_code == 0, result.output
    assert [p.name for p in tmp_path.iterdir()] == ["indicators.jsonl"]
    lines = (tmp_path / "indicators.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == scalar(stored, "SELECT COUNT(*) FROM indicators")
    assert json.loads(lines[0])["source_path"].endswith(".txt")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--format", "csv", "--out", "-"), "name it with --table NAME"),
        (("--format", "xlsx", "--out", "-", "--table", "documents"), "cannot go to standard output"),
        (("--format", "csv", "--table", "nope", "--out", "-"), "no table or view named 'nope'"),
    ],
)
def test_export_refusals(stored: str, args: tuple[str, ...], message: str) -> None:
    result = run("export", *args, "--db", stored)
    assert result.exit_code == 1
    assert message in result.output


def test_query_parameters_beside_postgresql_casts(stored: str) -> None:
    if not stored.startswith("postgresql"):
        pytest.skip("'::' casts are PostgreSQL's")
    result = run("query", "SELECT :n::int + 1 AS n, '5'::int AS m", "-p", "n", "41", "--db", stored, "--format", "nl")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"n": 42, "m": 5}
