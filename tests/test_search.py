"""`kaohe search` (analyst/search.py) and the SQLite full-text index of migration 0006_search."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from click.testing import CliRunner
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from analyst.search import SearchHit, search
from kaohe.cli import main
from pipeline.load import delete_documents, load, source_path_of
from schema.migrate import alembic_config, upgrade
from schema.models import create_engine_for
from schema.records import Clause, DocumentInfo, Extraction, Indicator


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = create_engine_for(db_url)
    upgrade(engine)
    yield engine
    engine.dispose()


def _extraction(source: Path, rule: str = "少1次扣1分") -> Extraction:
    return Extraction(
        document=DocumentInfo(source=str(source), sha256="0" * 64, format="text", title="绩效评价指标"),
        indicators=(
            Indicator(id=1, parent_id=None, level=1, name="产出指标", points=40),
            Indicator(id=2, parent_id=1, level=2, name="群众满意度", description="满意度调查达90%以上", points=10),
        ),
        clauses=(
            Clause(indicator_id=2, kind="deduct", points=1, text=rule),
            Clause(indicator_id=None, kind="bonus", points=2, text="获省级满意度表彰加2分"),
        ),
    )


def _store(engine: Engine, tmp_path: Path, name: str = "a.txt", rule: str = "少1次扣1分") -> Path:
    source = tmp_path / name
    source.write_text("内容\n", encoding="utf-8")
    with Session(engine) as session:
        load(session, source, _extraction(source, rule), "0" * 64)
    return source


def _hits(db_url: str, query: str, limit: int = 50) -> list[tuple[str | None, str, str]]:
    return [(hit.indicator_path, hit.kind, hit.text) for hit in search(db_url, query, limit).hits]


def test_search_finds_names_descriptions_and_rules(db_url: str, engine: Engine, tmp_path: Path) -> None:
    _store(engine, tmp_path)
    result = search(db_url, "满意度")
    assert result.method == ("fts5" if engine.dialect.name == "sqlite" else "like")
    document_wide = SearchHit("a.txt", "绩效评价指标", None, 2.0, "rule", "获省级满意度表彰加2分")
    found = [
        SearchHit("a.txt", "绩效评价指标", "产出指标 / 群众满意度", 10.0, "name", "群众满意度"),
        SearchHit("a.txt", "绩效评价指标", "产出指标 / 群众满意度", 10.0, "description", "满意度调查达90%以上"),
    ]
    # NULL indicator ordinals sort first on SQLite, last on PostgreSQL.
    expected = [document_wide, *found] if engine.dialect.name == "sqlite" else [*found, document_wide]
    assert result.hits == expected
    assert result.more is False


def test_short_queries_and_like_characters(db_url: str, engine: Engine, tmp_path: Path) -> None:
    _store(engine, tmp_path)
    result = search(db_url, "扣1")  # two characters: below the trigram length
    assert result.method == "like"
    assert [(hit.kind, hit.text, hit.points) for hit in result.hits] == [("rule", "少1次扣1分", 1.0)]
    # % is a character to find, not a wildcard.
    assert _hits(db_url, "90%") == [("产出指标 / 群众满意度", "description", "满意度调查达90%以上")]
    assert _hits(db_url, "9_%") == []
    assert _hits(db_url, "不存在的文字") == []


def test_limit_reports_more(db_url: str, engine: Engine, tmp_path: Path) -> None:
    _store(engine, tmp_path)
    result = search(db_url, "满意度", limit=2)
    assert len(result.hits) == 2
    assert result.more is True


def test_index_follows_replace_and_delete(db_url: str, engine: Engine, tmp_path: Path) -> None:
    source = _store(engine, tmp_path)
    assert _hits(db_url, "少1次扣1分") == [("产出指标 / 群众满意度", "rule", "少1次扣1分")]
    _store(engine, tmp_path, rule="迟报1天扣0.5分")  # the same file again: its rows are replaced
    assert _hits(db_url, "少1次扣1分") == []
    assert _hits(db_url, "迟报1天") == [("产出指标 / 群众满意度", "rule", "迟报1天扣0.5分")]
    with Session(engine) as session:
        assert delete_documents(session, [source_path_of(source)]) == 1
    assert _hits(db_url, "迟报1天") == []
    assert _hits(db_url, "满意度") == []
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            assert conn.execute(text("SELECT COUNT(*) FROM search_index")).scalar_one() == 0


def test_migration_indexes_rows_already_stored(tmp_db_url: str, tmp_path: Path) -> None:
    config = alembic_config(tmp_db_url)
    engine = create_engine_for(tmp_db_url)
    try:
        # Rows stored before 0006: stored by this kaohe, then the schema taken back to 0005.
        command.upgrade(config, "head")
        _store(engine, tmp_path)
        command.downgrade(config, "0005_format_comment")
        command.upgrade(config, "0006_search")
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT rowid, kind, text FROM search_index ORDER BY rowid")).all()
        # rowids: indicators.id * 3 (+ 1 for the description), clauses.id * 3 + 2.
        assert [tuple(row) for row in rows] == [
            (3, "name", "产出指标"),
            (5, "rule", "少1次扣1分"),
            (6, "name", "群众满意度"),
            (7, "description", "满意度调查达90%以上"),
            (8, "rule", "获省级满意度表彰加2分"),
        ]
        assert search(tmp_db_url, "满意度调查").method == "fts5"
        command.downgrade(config, "0005_format_comment")
        result = search(tmp_db_url, "满意度调查")  # no index any more: LIKE finds the same
        assert (result.method, [hit.text for hit in result.hits]) == ("like", ["满意度调查达90%以上"])
    finally:
        engine.dispose()


def test_cli_search_table_and_json(db_url: str, engine: Engine, tmp_path: Path) -> None:
    _store(engine, tmp_path)
    result = CliRunner().invoke(main, ["search", "群众满意", "--db", db_url, "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == [
        {
            "file_name": "a.txt",
            "title": "绩效评价指标",
            "indicator_path": "产出指标 / 群众满意度",
            "points": 10.0,
            "kind": "name",
            "text": "群众满意度",
        }
    ]
    result = CliRunner().invoke(main, ["search", "扣1分", "--db", db_url])
    assert result.exit_code == 0, result.output
    assert "少1次扣1分" in result.output and "deduct" not in result.output
    assert "产出指标 / 群众满意度" in result.output
    assert result.output.splitlines()[-1] == "1 hit(s)"


def test_cli_search_errors(tmp_path: Path) -> None:
    missing = f"sqlite:///{tmp_path / 'none.db'}"
    result = CliRunner().invoke(main, ["search", "满意度", "--db", missing])
    assert result.exit_code == 1
    assert result.output.splitlines()[-1].startswith("Error: database file not found:")
    result = CliRunner().invoke(main, ["search", "  ", "--db", missing])
    assert result.output.splitlines()[-1] == "Error: the search text is empty"


def test_without_trigrams_no_index_is_made_and_like_answers(
    tmp_db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As on a SQLite older than 3.34: the migration makes nothing, search uses LIKE.
    monkeypatch.setattr("schema.search.TRIGRAM_SQLITE_VERSION", (99, 0, 0))
    engine = create_engine_for(tmp_db_url)
    try:
        upgrade(engine)
        _store(engine, tmp_path)
        with engine.connect() as conn:
            tables = conn.execute(text("SELECT name FROM sqlite_master WHERE name LIKE 'search%'")).all()
        assert tables == []
    finally:
        engine.dispose()
    result = search(tmp_db_url, "满意度调查")
    assert (result.method, [hit.text for hit in result.hits]) == ("like", ["满意度调查达90%以上"])
