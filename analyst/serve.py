"""`kaohe serve`: browse a kaohe SQLite database in Datasette, with the schema's descriptions.

The Datasette metadata is made from the catalog (schema/catalog.py): a title and description for
every table, view and column, ``label_column`` so foreign keys show the document's file name and
the indicator's path, facets by document, level and clause kind, search of ``search_hits``
through the full-text index, and the README's analyst questions as canned queries. Datasette
(the ``serve`` extra) is imported only here, when a server or test client is made.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import make_url
from sqlalchemy.exc import ArgumentError

from schema.catalog import RelationEntry, catalog
from schema.search import SEARCH_TABLE, SEARCH_VIEW

if TYPE_CHECKING:
    from datasette.app import Datasette

SERVE_EXTRA_HINT = "pip install 'kaohe[serve]'"
HOST = "127.0.0.1"
DEFAULT_PORT = 8001


class ServeError(Exception):
    """The database cannot be served (not a SQLite file, missing) or Datasette is not installed."""


@dataclass(frozen=True, slots=True)
class CannedQuery:
    """A named query Datasette lists on the database page (``:name`` parameters become form fields)."""

    name: str
    title: str
    description: str
    sql: str


# The README's "Analysts' questions from the CLI", as Datasette pages.
CANNED_QUERIES = (
    CannedQuery(
        "points_by_section",
        "Total points by level-1 indicator, per table of each document",
        "Sum of the leaves' points under each top-level section; part numbers a document's tables.",
        "SELECT file_name, part, level1_name, SUM(points) AS leaf_points, COUNT(*) AS leaves\n"
        "FROM indicator_flat WHERE is_leaf GROUP BY file_name, part, level1_name\n"
        "ORDER BY file_name, part, MIN(ordinal)",
    ),
    CannedQuery(
        "level1_worth",
        "What each level-1 indicator is worth, stated or summed",
        "points as the document states them; children_points the sum of the children's; worth the first known.",
        "SELECT file_name, part, name AS level1, points, children_points, COALESCE(points, children_points) AS worth\n"
        "FROM indicator_flat WHERE level = 1 ORDER BY file_name, part, ordinal",
    ),
    CannedQuery(
        "organization_rules",
        "Every rule of one organisation",
        "The clauses of every document of the organisation named (each form of a document: see document_key).",
        "SELECT file_name, year, kind, points, per_count, per_unit, cap, substr(indicator_name, 1, 12) AS item, text\n"
        "FROM clause_flat WHERE organization = :organization ORDER BY year, file_name, clause_id",
    ),
    CannedQuery(
        "deduction_rules",
        "Every deduction rule of one document",
        "The deduct clauses of the file named, with the indicator they belong to.",
        "SELECT substr(indicator_name, 1, 12) AS item, points, per_count, per_unit, cap, text\n"
        "FROM clause_flat WHERE kind = 'deduct' AND file_name = :file_name ORDER BY clause_id",
    ),
    CannedQuery(
        "failed_checks",
        "Totals that do not add up",
        "Declared totals that differ from the sum of what they total (reconciliation_warnings).",
        "SELECT file_name, year, name, declared, computed, difference, unscored\n"
        "FROM reconciliation_warnings ORDER BY file_name, check_id",
    ),
)

# Foreign keys show the referenced row by this column (Datasette label_column).
_LABEL_COLUMNS = {"documents": "file_name", "indicators": "path"}
_FACETS = {
    "documents": ("format", "year"),
    "indicators": ("document_id", "level"),
    "clauses": ("document_id", "kind"),
    "checks": ("document_id", "ok"),
    "facts": ("document_id", "name"),
    "warnings": ("document_id",),
    "indicator_flat": ("file_name", "level"),
    "clause_flat": ("file_name", "kind"),
    "reconciliation_warnings": ("file_name",),
    SEARCH_VIEW: ("kind", "file_name", "level"),
}


def sqlite_path(db: str) -> Path:
    """The SQLite file of ``db`` (a path or a ``sqlite:///`` URL), which must exist."""
    if "://" in db:
        try:
            url = make_url(db)
        except ArgumentError as exc:
            raise ServeError(f"not a database URL: {db!r}") from exc
        if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
            raise ServeError(f"Datasette serves SQLite files only, not {url.render_as_string()}")
        db = url.database
    path = Path(db)
    if not path.is_file():
        raise ServeError(f"database file not found: {path.resolve()} (run `kaohe ingest DIR --db ...` first)")
    return path


def _present(path: Path) -> set[str]:
    """Names of the tables and views in the file (read-only)."""
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}
    finally:
        connection.close()


def _table_metadata(entry: RelationEntry) -> dict[str, object]:
    metadata: dict[str, object] = {
        "description": entry.description,
        "columns": {column.name: column.description for column in entry.columns},
    }
    if entry.name in _LABEL_COLUMNS:
        metadata["label_column"] = _LABEL_COLUMNS[entry.name]
    if entry.name in _FACETS:
        metadata["facets"] = list(_FACETS[entry.name])
    if entry.name == SEARCH_VIEW:
        metadata.update(fts_table=SEARCH_TABLE, fts_pk="hit_id")
    return metadata


def _datasette_metadata(database_name: str, present: set[str]) -> dict[str, object]:
    """Datasette's metadata for a kaohe database named ``database_name`` that has the tables and
    views ``present`` (the full-text ones only exist on SQLite builds with FTS5 trigram)."""
    tables = {entry.name: _table_metadata(entry) for entry in catalog() if entry.name in present}
    queries = {q.name: {"title": q.title, "description": q.description, "sql": q.sql} for q in CANNED_QUERIES}
    return {
        "title": "kaohe",
        "description": "Indicators, scoring rules, checks and figures extracted from assessment documents "
        "by kaohe; see docs/schema.md.",
        "databases": {database_name: {"tables": tables, "queries": queries}},
    }


def make_datasette(path: Path) -> Datasette:
    """A Datasette on the SQLite file ``path`` (opened read-only) with the kaohe metadata."""
    try:
        from datasette.app import Datasette
    except ImportError as exc:
        raise ServeError(f"kaohe serve needs Datasette: {SERVE_EXTRA_HINT}") from exc
    # Datasette names a database after its file's stem.
    metadata = _datasette_metadata(path.stem, _present(path))
    return Datasette(files=[str(path)], metadata=metadata, settings={"sql_time_limit_ms": 5000})


def serve(datasette: Datasette, port: int = DEFAULT_PORT) -> None:
    """Run ``datasette`` (see :func:`make_datasette`) at http://127.0.0.1:``port``/ until interrupted."""
    import uvicorn  # a dependency of Datasette

    uvicorn.run(datasette.app(), host=HOST, port=port, log_level="warning")
