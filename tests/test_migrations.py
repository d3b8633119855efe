"""Alembic migrations (schema/migrations, schema/migrate.py), `kaohe db` and the analyst views."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from click.testing import CliRunner
from sqlalchemy import Connection, Engine, inspect, make_url, text
from sqlalchemy.orm import Session

from kaohe.cli import main
from pipeline.ingest import ingest
from pipeline.load import load
from schema.migrate import (
    MigrationError,
    alembic_config,
    current_revision,
    head_revision,
    known_revisions,
    legacy_revision,
    needs_upgrade,
    upgrade,
)
from schema.models import Base, create_engine_for, init_db
from schema.records import DocumentInfo, Extraction, Indicator
from schema.search import SEARCH_TABLE, SEARCH_VIEW, include_name, is_search_table

HEAD = "0008_scores"
TABLES_0001 = ("documents", "indicators", "clauses", "facts", "warnings")
VIEWS_0002 = {"indicator_flat", "clause_flat", "reconciliation_warnings"}
VIEWS = {*VIEWS_0002, "unit_scores"}  # 0008 added unit_scores


@pytest.fixture
def url(db_url: str) -> str:
    """An empty database, once per backend: the shared ``db_url`` fixture (SQLite, PostgreSQL)."""
    # db_url is parametrized, so it must be requested by name, not with request.getfixturevalue.
    return db_url


@pytest.fixture
def engine(url: str) -> Iterator[Engine]:
    engine = create_engine_for(url)
    yield engine
    engine.dispose()


def _shown(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def _invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def _rows(engine: Engine, sql: str, **params: object) -> list[tuple[object, ...]]:
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(text(sql), params)]


def _views(engine: Engine) -> set[str]:
    """The views, without the full-text index's (SQLite only: see _search_tables)."""
    return set(inspect(engine).get_view_names()) - {SEARCH_VIEW}


def _tables(engine: Engine) -> set[str]:
    """The tables, without the full-text index's (SQLite only: see _search_tables)."""
    return {name for name in inspect(engine).get_table_names() if not is_search_table(name)}


def _search_tables(engine: Engine) -> set[str]:
    return {name for name in inspect(engine).get_table_names() if name == SEARCH_TABLE}


def _differences(conn: Connection) -> list[object]:
    """What differs between the database's schema and the models', full-text tables aside."""
    return compare_metadata(MigrationContext.configure(conn, opts={"include_name": include_name}), Base.metadata)


# --- (a) a database at 0001_initial, with rows, upgraded by `kaohe db upgrade` -------------------

LOADED = datetime(2023, 3, 4, 5, 6, 7)


def _fill_0001(engine: Engine) -> None:
    """Rows written with the 0001 column set: a document with a 3-level tree, clauses, a fact, a warning."""
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO documents (id, source_path, file_name, sha256, size_bytes, format, extractor_version,"
                " title, title_original, organization, supervisor, year, script, total_points, total_score,"
                " page_count, indicator_count, warning_count, loaded_at) VALUES (907, 'raw/nanchang.txt',"
                " 'nanchang.txt', :sha, 1234, 'text', '1', '2023年度考核细则', NULL, '南昌市某局', '市委老干部局',"
                " 2023, 'hans', 100.0, 95.5, NULL, 3, 1, :loaded)"
            ),
            {"sha": "ab" * 32, "loaded": LOADED},
        )
        indicators = [
            # id, ordinal, parent_id, level, path, name, points, score, is_leaf
            (911, 1, None, 1, "党建工作", "党建工作", 30.0, None, False),
            (912, 2, 911, 2, "党建工作 / 组织建设", "组织建设", 20.0, None, False),
            (913, 3, 912, 3, "党建工作 / 组织建设 / 学习教育", "学习教育", 10.0, 9.0, True),
        ]
        for ind_id, ordinal, parent_id, level, path, name, points, score, is_leaf in indicators:
            conn.execute(
                text(
                    "INSERT INTO indicators (id, document_id, ordinal, parent_id, level, path, name, points, score,"
                    " target_op, target_value, target_unit, target_text, actual, page, is_leaf) VALUES (:id, 907,"
                    " :ordinal, :parent_id, :level, :path, :name, :points, :score, :op, :value, :unit, :target,"
                    " :actual, 2, :is_leaf)"
                ),
                {
                    "id": ind_id,
                    "ordinal": ordinal,
                    "parent_id": parent_id,
                    "level": level,
                    "path": path,
                    "name": name,
                    "points": points,
                    "score": score,
                    "op": ">=" if is_leaf else None,
                    "value": 95.0 if is_leaf else None,
                    "unit": "%" if is_leaf else None,
                    "target": "≥95%" if is_leaf else None,
                    "actual": "96%" if is_leaf else None,
                    "is_leaf": is_leaf,
                },
            )
        conn.execute(
            text(
                "INSERT INTO clauses (id, document_id, indicator_id, kind, points, per_count, per_unit, cap, text)"
                " VALUES (921, 907, 913, 'deduct', 0.5, 1.0, '次', 10.0, '每缺一次扣0.5分'),"
                " (922, 907, NULL, 'veto', NULL, NULL, NULL, NULL, '发生重大事故的实行一票否决')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO facts (id, document_id, name, value, text)"
                " VALUES (931, 907, 'total_points', 100.0, '总分100分')"
            )
        )
        conn.execute(text("INSERT INTO warnings (id, document_id, message) VALUES (941, 907, '未识别的行: 备注')"))


# Columns revisions after 0001 added (0002, 0003, 0007, 0008): NULL in rows written before them.
LATER_COLUMNS = (
    "context", "mtime_ns", "document_key", "part", "children_points",
    "threshold_op", "threshold_value", "threshold_unit", "points_min", "effect",
)


def _dump_0001(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    """Every row of the 0001 tables, by the 0001 columns only."""
    columns = {
        table: [col["name"] for col in inspect(engine).get_columns(table) if col["name"] not in LATER_COLUMNS]
        for table in TABLES_0001
    }
    return {
        table: _rows(engine, f"SELECT {', '.join(cols)} FROM {table} ORDER BY id") for table, cols in columns.items()
    }


def test_upgrade_from_0001_keeps_every_row(url: str, engine: Engine) -> None:
    command.upgrade(alembic_config(url), "0001_initial")
    assert current_revision(engine) == "0001_initial"
    assert _tables(engine) == {"alembic_version", *TABLES_0001}
    assert "context" not in {col["name"] for col in inspect(engine).get_columns("clauses")}
    _fill_0001(engine)
    before = _dump_0001(engine)
    assert [len(before[table]) for table in TABLES_0001] == [1, 3, 2, 1, 1]
    assert needs_upgrade(engine)

    exit_code, output = _invoke("db", "upgrade", "--db", url)

    assert exit_code == 0, output
    assert output == f"upgraded {_shown(url)} from 0001_initial to {HEAD}\n"
    assert current_revision(engine) == HEAD
    assert not needs_upgrade(engine)
    assert _dump_0001(engine) == before
    # Spot-check values, not just equality with themselves.
    assert _rows(engine, "SELECT id, parent_id, level, path, points, score, is_leaf FROM indicators ORDER BY id") == [
        (911, None, 1, "党建工作", 30.0, None, False),
        (912, 911, 2, "党建工作 / 组织建设", 20.0, None, False),
        (913, 912, 3, "党建工作 / 组织建设 / 学习教育", 10.0, 9.0, True),
    ]
    assert _rows(engine, "SELECT id, indicator_id, kind, points, text, context FROM clauses ORDER BY id") == [
        (921, 913, "deduct", 0.5, "每缺一次扣0.5分", None),
        (922, None, "veto", None, "发生重大事故的实行一票否决", None),
    ]
    assert "checks" in _tables(engine)
    assert _rows(engine, "SELECT COUNT(*) FROM checks") == [(0,)]
    # The views work on the migrated rows.
    assert _views(engine) == VIEWS
    assert _rows(
        engine,
        "SELECT indicator_id, file_name, level1_name, level2_name, level3_name, target_text, actual"
        " FROM indicator_flat ORDER BY indicator_id",
    ) == [
        (911, "nanchang.txt", "党建工作", None, None, None, None),
        (912, "nanchang.txt", "党建工作", "组织建设", None, None, None),
        (913, "nanchang.txt", "党建工作", "组织建设", "学习教育", "≥95%", "96%"),
    ]
    assert _rows(
        engine, "SELECT clause_id, indicator_name, indicator_path, kind FROM clause_flat ORDER BY clause_id"
    ) == [
        (921, "学习教育", "党建工作 / 组织建设 / 学习教育", "deduct"),
        (922, None, None, "veto"),
    ]

    exit_code, output = _invoke("db", "upgrade", "--db", url)
    assert (exit_code, output) == (0, f"{_shown(url)} already at {HEAD}\n")


# --- (b) the views on two ingested corpus documents --------------------------------------------


@pytest.fixture
def two_documents(tmp_path: Path, corpus_dir: Path, url: str) -> str:
    raw = tmp_path / "two"
    raw.mkdir()
    for name in ("zaozhuang-laoganbu-2022.txt", "nanchang-kaohe-2023.txt"):
        shutil.copyfile(corpus_dir / name, raw / name)
    report = ingest(raw, url, workers=1, progress=False)
    assert report.ok and len(report.loaded) == 2
    return url


def test_indicator_flat(two_documents: str, engine: Engine) -> None:
    leaves = _rows(
        engine,
        "SELECT level, level1_name, level2_name, level3_name, name, path, year, format FROM indicator_flat"
        " WHERE file_name = 'zaozhuang-laoganbu-2022.txt' AND is_leaf ORDER BY ordinal",
    )
    assert len(leaves) == 18
    assert {(lv, l1, l2, year, fmt) for lv, l1, l2, _l3, _n, _p, year, fmt in leaves} == {
        (3, "围绕中心履职尽责", "重点（职能）工作", 2022, "text")
    }
    # At its own level an indicator names itself; the path is the same chain.
    assert all(l3 == name and path == f"{l1} / {l2} / {name}" for _lv, l1, l2, l3, name, path, _y, _f in leaves)
    assert leaves[0][4].startswith("围绕“工业强市、产业兴市”三年攻坚行动")
    inner = _rows(
        engine,
        "SELECT level, level1_name, level2_name, level3_name, is_leaf FROM indicator_flat"
        " WHERE file_name = 'zaozhuang-laoganbu-2022.txt' AND NOT is_leaf ORDER BY level",
    )
    assert inner == [
        (1, "围绕中心履职尽责", None, None, False),
        (2, "围绕中心履职尽责", "重点（职能）工作", None, False),
    ]
    # One row per indicator, nothing lost or doubled.
    assert _rows(engine, "SELECT COUNT(*) FROM indicator_flat") == _rows(engine, "SELECT COUNT(*) FROM indicators")


def test_reconciliation_warnings(two_documents: str, engine: Engine) -> None:
    rows = _rows(
        engine,
        "SELECT file_name, year, name, declared, computed, difference, unscored, indicator_id"
        " FROM reconciliation_warnings",
    )
    assert len(rows) == 1
    file_name, year, name, declared, computed, difference, unscored, indicator_id = rows[0]
    assert (file_name, year, name, declared, computed, difference, unscored) == (
        "nanchang-kaohe-2023.txt",
        2023,
        "二、政治待遇",
        20.0,
        19.0,
        -1.0,
        1,
    )
    assert _rows(engine, "SELECT name, level FROM indicators WHERE id = :id", id=indicator_id) == [("二、政治待遇", 1)]
    # The view is exactly the checks that failed.
    assert _rows(engine, "SELECT COUNT(*) FROM checks WHERE NOT ok") == [(1,)]
    assert _rows(engine, "SELECT COUNT(*) FROM checks") == [(9,)]  # 8 sections of nanchang, 1 total of zaozhuang


def test_clause_flat(two_documents: str, engine: Engine) -> None:
    rows = _rows(
        engine,
        "SELECT indicator_name, indicator_path, kind, points, per_count, per_unit, text, context, organization, year"
        " FROM clause_flat WHERE file_name = 'nanchang-kaohe-2023.txt' ORDER BY clause_id",
    )
    assert len(rows) == 22
    document_wide = [row for row in rows if row[0] is None]
    assert len(document_wide) == 16
    assert all(row[1] is None and row[7] for row in document_wide)  # no path; the 加分/扣分 item as context
    first = "4、成立并及时调整老干部工作领导小组(1分),每年召开2次以上老干部工作领导小组会议(1分),少1次扣1分;"
    assert rows[0] == (
        first,
        f"一、领导重视 / {first}",
        "deduct",
        1.0,
        1.0,
        "次",
        "少1次扣1分",
        None,
        None,
        2023,
    )
    assert document_wide[0][2:8] == (
        "bonus",
        5.0,
        None,
        None,
        "老干部综合工作获省级表彰加5分",
        "42、老干部综合工作获省级表彰加5分,获市级表彰加2分;",
    )
    assert sorted({row[2] for row in document_wide}) == ["bonus", "deduct", "veto"]
    assert _rows(engine, "SELECT COUNT(*) FROM clause_flat WHERE file_name = 'zaozhuang-laoganbu-2022.txt'") == [(0,)]


def test_indicator_flat_below_level_3_names_its_ancestors(url: str, engine: Engine, tmp_path: Path) -> None:
    upgrade(engine)
    source = tmp_path / "deep.txt"
    source.write_text("深\n", encoding="utf-8")
    names = ["一级", "二级", "三级", "四级", "五级"]
    extraction = Extraction(
        document=DocumentInfo(source=str(source), sha256="0" * 64, format="text"),
        indicators=tuple(
            Indicator(id=n + 1, parent_id=n or None, level=n + 1, name=name) for n, name in enumerate(names)
        ),
    )
    with Session(engine) as session:
        load(session, source, extraction, "0" * 64)
    assert _rows(
        engine, "SELECT level, level1_name, level2_name, level3_name, name, is_leaf FROM indicator_flat ORDER BY level"
    ) == [
        (1, "一级", None, None, "一级", False),
        (2, "一级", "二级", None, "二级", False),
        (3, "一级", "二级", "三级", "三级", False),
        (4, "一级", "二级", "三级", "四级", False),
        (5, "一级", "二级", "三级", "五级", True),
    ]


# --- (c) ingest upgrades by itself --------------------------------------------------------------


def test_ingest_on_a_fresh_database_ends_at_head(url: str, engine: Engine, corpus_copy: Path) -> None:
    assert current_revision(engine) is None and legacy_revision(engine) is None
    assert needs_upgrade(engine)
    report = ingest(corpus_copy, url, workers=1, progress=False)
    assert report.ok and len(report.loaded) == 10
    assert current_revision(engine) == head_revision() == HEAD
    assert not needs_upgrade(engine)
    assert _views(engine) == VIEWS
    assert _rows(engine, "SELECT COUNT(*) FROM documents") == [(10,)]
    # A second run finds everything stored and the schema current.
    again = ingest(corpus_copy, url, workers=1, progress=False)
    assert (len(again.loaded), len(again.skipped)) == (0, 10)
    assert _rows(engine, "SELECT version_num FROM alembic_version") == [(HEAD,)]


def test_ingest_upgrades_a_0001_database(url: str, engine: Engine, corpus_dir: Path, tmp_path: Path) -> None:
    command.upgrade(alembic_config(url), "0001_initial")
    _fill_0001(engine)
    raw = tmp_path / "one"
    raw.mkdir()
    shutil.copyfile(corpus_dir / "nanchang-kaohe-2023.txt", raw / "nanchang-kaohe-2023.txt")
    report = ingest(raw, url, workers=1, progress=False)
    assert report.ok and len(report.loaded) == 1
    assert current_revision(engine) == HEAD
    assert _rows(engine, "SELECT source_path FROM documents WHERE id = 907") == [("raw/nanchang.txt",)]
    assert _rows(engine, "SELECT COUNT(*) FROM reconciliation_warnings") == [(1,)]


# --- databases made before migrations (init_db = create_all) ------------------------------------


def test_create_all_database_is_stamped_0005_and_gets_the_views(url: str, engine: Engine) -> None:
    # What create_all of kaohe 0005 made: 0005's tables without history, views or search index.
    command.upgrade(alembic_config(url), "0005_format_comment")
    with engine.begin() as conn:
        for view in sorted(VIEWS_0002):
            conn.execute(text(f"DROP VIEW {view}"))
        conn.execute(text("DROP TABLE alembic_version"))
    assert current_revision(engine) is None
    assert legacy_revision(engine) == "0005_format_comment"
    assert _views(engine) == set()

    exit_code, output = _invoke("db", "upgrade", "--db", url)

    assert exit_code == 0, output
    assert output == (
        f"{_shown(url)}: tables made before migrations match 0005_format_comment; stamped it and created its views\n"
        f"upgraded {_shown(url)} from 0005_format_comment to {HEAD}\n"
    )
    assert current_revision(engine) == HEAD
    assert _views(engine) == VIEWS


def test_create_all_database_of_this_kaohe_is_stamped_head_with_views_and_search(url: str, engine: Engine) -> None:
    init_db(engine)
    assert legacy_revision(engine) == HEAD

    exit_code, output = _invoke("db", "upgrade", "--db", url)

    assert exit_code == 0, output
    assert output == (
        f"{_shown(url)}: tables made before migrations match {HEAD}; stamped it and created its views and "
        f"full-text index\n{_shown(url)} already at {HEAD}\n"
    )
    assert _views(engine) == VIEWS
    assert _search_tables(engine) == ({SEARCH_TABLE} if engine.dialect.name == "sqlite" else set())


def test_pre_migration_0001_tables_are_stamped_then_upgraded(url: str, engine: Engine) -> None:
    # What create_all made before checks and clauses.context existed: the 0001 tables, no history.
    command.upgrade(alembic_config(url), "0001_initial")
    _fill_0001(engine)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE alembic_version"))
    assert legacy_revision(engine) == "0001_initial"
    assert _invoke("db", "current", "--db", url) == (
        0,
        f"{_shown(url)}: no migration history; its tables match 0001_initial (head is {HEAD}; run kaohe db upgrade)\n",
    )
    before = _dump_0001(engine)

    exit_code, output = _invoke("db", "upgrade", "--db", url)

    assert exit_code == 0, output
    assert output == (
        f"{_shown(url)}: tables made before migrations match 0001_initial; stamped it\n"
        f"upgraded {_shown(url)} from 0001_initial to {HEAD}\n"
    )
    assert _dump_0001(engine) == before
    assert current_revision(engine) == HEAD


def test_unrecognised_tables_are_refused(url: str, engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE documents (id INTEGER PRIMARY KEY, name TEXT)"))
    with pytest.raises(MigrationError, match="match no known schema"):
        upgrade(engine)
    exit_code, output = _invoke("db", "upgrade", "--db", url)
    assert exit_code == 1
    assert f"database {_shown(url)}: MigrationError: the database has kaohe tables but no migration history" in output


def _half_create(url: str, engine: Engine) -> None:
    """What an older kaohe killed during schema creation left: alembic_version (empty) and some tables."""
    command.upgrade(alembic_config(url), "0001_initial")
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM alembic_version"))
        conn.execute(text("DROP TABLE warnings"))
        conn.execute(text("DROP TABLE facts"))


def test_ingest_refuses_a_half_created_database_and_db_upgrade_rebuilds_it(
    url: str, engine: Engine, corpus_copy: Path
) -> None:
    _half_create(url, engine)
    with pytest.raises(MigrationError, match=r"no migration history.*run `kaohe db upgrade` to repair it"):
        ingest(corpus_copy, url, workers=1, progress=False)
    exit_code, output = _invoke("ingest", str(corpus_copy), "--db", url, "--no-progress", "--workers", "1")
    assert exit_code == 1
    error = output.splitlines()[-1]
    assert error.startswith(f"Error: database {_shown(url)}: MigrationError:")
    assert error.endswith("run `kaohe db upgrade` to repair it")

    exit_code, output = _invoke("db", "upgrade", "--db", url)

    assert exit_code == 0, output
    repaired, upgraded = output.splitlines()
    assert repaired.startswith(f"{_shown(url)}: the database has kaohe tables but no migration history")
    assert "clauses(" in repaired and "warnings(" not in repaired  # names what it found
    assert repaired.endswith("; it held no data: dropped its tables and created them afresh")
    assert upgraded == f"upgraded {_shown(url)} from an empty database to {HEAD}"
    assert current_revision(engine) == HEAD
    with engine.connect() as conn:
        assert _differences(conn) == []
    assert ingest(corpus_copy, url, workers=1, progress=False).ok


def test_db_upgrade_rebuilds_empty_tables_of_an_interrupted_creation(url: str, engine: Engine) -> None:
    # Every 0001 table made but the run stopped before recording the revision.
    command.upgrade(alembic_config(url), "0001_initial")
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM alembic_version"))
    with pytest.raises(MigrationError, match="schema creation was interrupted; run `kaohe db upgrade`"):
        upgrade(engine)
    exit_code, output = _invoke("db", "upgrade", "--db", url)
    assert exit_code == 0, output
    assert "its schema creation was interrupted; it held no data: dropped its tables" in output
    assert current_revision(engine) == HEAD


def test_db_upgrade_leaves_a_half_created_database_with_data_alone(url: str, engine: Engine) -> None:
    _half_create(url, engine)
    columns = "id, source_path, file_name, sha256, size_bytes, format, extractor_version, script, " \
        "indicator_count, warning_count, loaded_at"
    values = "1, 'a.txt', 'a.txt', 'x', 1, 'text', '1', 'hans', 0, 0, '2024-01-01 00:00:00'"
    with engine.begin() as conn:
        conn.execute(text(f"INSERT INTO documents ({columns}) VALUES ({values})"))
    exit_code, output = _invoke("db", "upgrade", "--db", url)
    assert exit_code == 1
    assert "its tables hold data, so kaohe leaves them alone: move the data to a new database" in output
    assert _rows(engine, "SELECT source_path FROM documents") == [("a.txt",)]


def test_unknown_revision_is_refused(url: str, engine: Engine) -> None:
    upgrade(engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0099_future'"))
    with pytest.raises(MigrationError, match="revision 0099_future, which this kaohe does not know"):
        upgrade(engine)
    assert _invoke("db", "current", "--db", url) == (
        0,
        f"{_shown(url)}: 0099_future (unknown to this kaohe, whose newest is {HEAD}: written by a newer kaohe?)\n",
    )


# --- `kaohe db current` -----------------------------------------------------------------------


def test_db_current(url: str, engine: Engine) -> None:
    shown = _shown(url)
    with engine.connect():
        pass  # make sure the database exists (a SQLite file is created on connect)
    assert _invoke("db", "current", "--db", url) == (
        0,
        f"{shown}: empty (no kaohe tables; head is {HEAD}; run kaohe db upgrade)\n",
    )
    command.upgrade(alembic_config(url), "0001_initial")
    assert _invoke("db", "current", "--db", url) == (
        0,
        f"{shown}: 0001_initial (head is {HEAD}; run kaohe db upgrade)\n",
    )
    upgrade(url)
    assert _invoke("db", "current", "--db", url) == (0, f"{shown}: {HEAD} (head)\n")


def test_db_current_does_not_create_a_sqlite_file(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "kaohe.db"
    exit_code, output = _invoke("db", "current", "--db", f"sqlite:///{missing}")
    assert exit_code == 1
    assert f"no database file at {missing}" in output
    assert not missing.parent.exists()


def test_db_upgrade_creates_an_empty_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new' / 'kaohe.db'}"
    assert _invoke("db", "upgrade", "--db", url) == (0, f"upgraded {url} from an empty database to {HEAD}\n")
    assert (tmp_path / "new" / "kaohe.db").is_file()


# --- (d) the migrated schema is the models' schema --------------------------------------------


def test_known_revisions() -> None:
    assert known_revisions() == [
        "0001_initial", "0002_checks_views", "0003_file_stat", "0004_text_names", "0005_format_comment",
        "0006_search", "0007_parts_keys", HEAD,
    ]
    assert head_revision() == HEAD


def test_schema_at_head_equals_models(url: str, engine: Engine) -> None:
    upgrade(url)
    with engine.connect() as conn:
        differences = _differences(conn)
    assert differences == []
    # And column by column, in words a failure message can show.
    inspector = inspect(engine)
    for table in Base.metadata.sorted_tables:
        reflected = {col["name"]: col["nullable"] for col in inspector.get_columns(table.name)}
        assert reflected == {col.name: col.nullable for col in table.columns}, table.name
    assert _tables(engine) == {"alembic_version", *Base.metadata.tables}
    sqlite = engine.dialect.name == "sqlite"
    assert _search_tables(engine) == ({SEARCH_TABLE} if sqlite else set())
    assert set(inspect(engine).get_view_names()) == (VIEWS | {SEARCH_VIEW} if sqlite else VIEWS)


def test_schema_after_legacy_stamp_equals_models(url: str, engine: Engine) -> None:
    init_db(engine)
    upgrade(engine)
    with engine.connect() as conn:
        assert _differences(conn) == []


def test_downgrade_and_upgrade_again(url: str, engine: Engine) -> None:
    config = alembic_config(url)
    upgrade(url)
    command.downgrade(config, "0001_initial")
    assert _tables(engine) == {"alembic_version", *TABLES_0001}
    assert _views(engine) == set()
    assert "context" not in {col["name"] for col in inspect(engine).get_columns("clauses")}
    # Dropping clauses.context (a table copy on SQLite) kept its indexes and foreign keys.
    assert {ix["name"] for ix in inspect(engine).get_indexes("clauses")} == {
        "ix_clauses_document_id",
        "ix_clauses_indicator_id",
        "ix_clauses_kind",
    }
    assert {fk["referred_table"] for fk in inspect(engine).get_foreign_keys("clauses")} == {"documents", "indicators"}
    command.downgrade(config, "base")
    assert _tables(engine) == {"alembic_version"}
    command.upgrade(config, "head")
    assert current_revision(engine) == HEAD
    with engine.connect() as conn:
        assert _differences(conn) == []
