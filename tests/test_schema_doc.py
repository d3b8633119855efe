"""The descriptions of schema/models.py and schema/catalog.py, and docs/schema.md made from them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, inspect

from schema.catalog import catalog
from schema.migrate import upgrade
from schema.models import Base, create_engine_for
from schema.schema_doc import SCHEMA_DOC, SchemaDocError, column_table, update_schema_doc


def test_docs_schema_md_is_what_the_models_say() -> None:
    text = SCHEMA_DOC.read_text(encoding="utf-8")
    assert update_schema_doc(text) == text, "docs/schema.md is out of date: run python scripts/make-schema-doc.py"


def test_a_changed_description_shows_as_drift(monkeypatch: pytest.MonkeyPatch) -> None:
    text = SCHEMA_DOC.read_text(encoding="utf-8")
    column = Base.metadata.tables["facts"].c.value
    monkeypatch.setitem(column.info, "description", "the figure, as a number")
    updated = update_schema_doc(text)
    assert updated != text
    assert "| `value` | Float | yes | the figure, as a number | `110.8` |" in updated


def test_every_table_and_column_is_described() -> None:
    entries = {entry.name: entry for entry in catalog()}
    for table in Base.metadata.tables.values():
        assert entries[table.name].description, table.name
        assert [c.name for c in entries[table.name].columns] == [c.name for c in table.columns]
        assert all(c.description for c in entries[table.name].columns), table.name
    assert entries["documents"].description == "One ingested source file and its document-level fields."


def test_column_table_of_a_table() -> None:
    lines = column_table(next(e for e in catalog() if e.name == "warnings")).splitlines()
    assert lines[:4] == [
        "| column | type | null | meaning | example |",
        "|---|---|---|---|---|",
        "| `id` | Integer | no | primary key | `1` |",
        "| `document_id` | Integer → `documents.id` | no | the document | `1` |",
    ]


def test_missing_markers_are_an_error() -> None:
    with pytest.raises(SchemaDocError, match=r"no generated columns of .*documents"):
        update_schema_doc("# nothing generated here\n")


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = create_engine_for(db_url)
    upgrade(engine)
    yield engine
    engine.dispose()


def test_catalog_names_the_columns_the_views_have(engine: Engine) -> None:
    inspector = inspect(engine)
    sqlite = engine.dialect.name == "sqlite"
    views = [entry for entry in catalog() if entry.kind == "view" and (sqlite or not entry.sqlite_only)]
    assert {entry.name for entry in views} == set(inspector.get_view_names())
    for entry in views:
        assert [c.name for c in entry.columns] == [c["name"] for c in inspector.get_columns(entry.name)], entry.name
    search = next(entry for entry in catalog() if entry.kind == "full-text table")
    if sqlite:
        assert [c.name for c in search.columns] == [c["name"] for c in inspector.get_columns(search.name)]
