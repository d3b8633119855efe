"""`kaohe serve` (analyst/serve.py): Datasette on a kaohe database, through Datasette's test client."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy.orm import Session

from analyst.serve import make_datasette, sqlite_path
from kaohe.cli import main
from pipeline.load import load
from schema.migrate import upgrade
from schema.models import create_engine_for
from schema.records import Clause, DocumentInfo, Extraction, Indicator


@pytest.fixture
def database(tmp_path: Path) -> Path:
    """A kaohe SQLite file with one document: two indicators and two rules."""
    path = tmp_path / "kaohe.db"
    engine = create_engine_for(f"sqlite:///{path}")
    try:
        upgrade(engine)
        source = tmp_path / "plan.txt"
        source.write_text("内容\n", encoding="utf-8")
        extraction = Extraction(
            document=DocumentInfo(source=str(source), sha256="0" * 64, format="text", title="考核细则"),
            indicators=(
                Indicator(id=1, parent_id=None, level=1, name="领导重视", points=20, part=1, children_points=2),
                Indicator(id=2, parent_id=1, level=2, name="召开老干部工作会议", points=2),
            ),
            clauses=(Clause(indicator_id=2, kind="deduct", points=1, text="少1次扣1分"),),
        )
        with Session(engine) as session:
            load(session, source, extraction, "0" * 64)
    finally:
        engine.dispose()
    return path


def _get(path: Path, url: str) -> tuple[int, Any]:
    pytest.importorskip("datasette")

    async def fetch() -> tuple[int, Any]:
        response = await make_datasette(path).client.get(url)
        return response.status_code, response.json()

    return asyncio.run(fetch())


def test_table_with_descriptions_and_labels(database: Path) -> None:
    status, data = _get(database, "/kaohe/indicators.json?_shape=objects&_labels=on&_sort=id")
    assert status == 200
    rows = data["rows"]
    assert [(row["name"], row["document_id"]["label"]) for row in rows] == [
        ("领导重视", "plan.txt"),
        ("召开老干部工作会议", "plan.txt"),
    ]
    status, metadata = _get(database, "/-/metadata.json")
    tables = metadata["databases"]["kaohe"]["tables"]
    assert tables["documents"]["description"] == "One ingested source file and its document-level fields."
    assert tables["clauses"]["columns"]["kind"] == "`deduct`, `bonus`, `veto` or `tier`"
    assert tables["indicators"]["label_column"] == "path"
    assert set(metadata["databases"]["kaohe"]["queries"]) == {
        "points_by_section",
        "level1_worth",
        "organization_rules",
        "deduction_rules",
        "failed_checks",
    }


def test_canned_query_of_what_level_1_is_worth(database: Path) -> None:
    status, data = _get(database, "/kaohe/level1_worth.json?_shape=objects")
    assert status == 200
    assert data["rows"] == [
        {
            "file_name": "plan.txt", "part": 1, "level1": "领导重视",
            "points": 20.0, "children_points": 2.0, "worth": 20.0,
        }
    ]


def test_view_with_facet(database: Path) -> None:
    status, data = _get(database, "/kaohe/indicator_flat.json?_shape=objects")
    assert status == 200
    levels = data["facet_results"]["level"]["results"]
    assert sorted((facet["value"], facet["count"]) for facet in levels) == [(1, 1), (2, 1)]
    assert sorted(row["name"] for row in data["rows"]) == ["召开老干部工作会议", "领导重视"]


def test_search_through_the_full_text_index(database: Path) -> None:
    status, data = _get(database, "/kaohe/search_hits.json?_shape=objects&_search=老干部工作")
    assert status == 200
    assert [(row["kind"], row["text"], row["indicator_path"]) for row in data["rows"]] == [
        ("name", "召开老干部工作会议", "领导重视 / 召开老干部工作会议")
    ]
    status, data = _get(database, "/kaohe/deduction_rules.json?_shape=objects&file_name=plan.txt")
    assert [(row["points"], row["text"]) for row in data["rows"]] == [(1.0, "少1次扣1分")]


def test_without_datasette_serve_names_the_extra(database: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "datasette.app", None)  # import fails as if not installed
    result = CliRunner().invoke(main, ["serve", "--db", str(database)])
    assert result.exit_code == 1
    assert result.output == "Error: kaohe serve needs Datasette: pip install 'kaohe[serve]'\n"


def test_serve_refuses_what_datasette_cannot_read(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["serve", "--db", "postgresql+psycopg://u@h/kaohe"])
    assert result.output == "Error: Datasette serves SQLite files only, not postgresql+psycopg://u@h/kaohe\n"
    result = CliRunner().invoke(main, ["serve", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: database file not found: {tmp_path / 'none.db'}")


def test_sqlite_path_takes_a_path_or_a_url(database: Path) -> None:
    assert sqlite_path(str(database)) == database
    assert sqlite_path(f"sqlite:///{database}") == database
