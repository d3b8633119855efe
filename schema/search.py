"""The SQLite full-text index of indicator names, descriptions and clause (rule) texts.

``search_hits`` is a view of the index's entries with their document and indicator (for Datasette).

``search_index`` is an FTS5 table with the ``trigram`` tokenizer, so any substring of three or
more characters matches — Chinese has no spaces to split words at. Triggers on ``indicators`` and
``clauses`` keep it in step with every insert, update and delete, including the rows a document
delete removes by ``ON DELETE CASCADE`` (SQLite fires triggers for those too), so
:func:`pipeline.load.load` and :func:`pipeline.load.delete_documents` need not know about it.

Each source text has a fixed rowid, so a trigger deletes its entry by rowid (a lookup) rather
than by scanning the index for an unindexed column: ``indicators.id * 3`` for the name,
``* 3 + 1`` for the description and ``clauses.id * 3 + 2`` for the rule text.

Created by migration 0006_search on SQLite builds with FTS5 and the trigram tokenizer (SQLite
3.34+); elsewhere (PostgreSQL, older SQLite) there is no index and kaohe search uses LIKE.
"""

from __future__ import annotations

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError

SEARCH_TABLE = "search_index"
# The SQLite version that introduced the trigram tokenizer.
TRIGRAM_SQLITE_VERSION = (3, 34, 0)
# Queries shorter than this cannot be matched by trigrams: they are answered with LIKE.
MIN_MATCH_CHARS = 3
SEARCH_KINDS = ("name", "description", "rule")


def is_search_table(name: str) -> bool:
    """Whether ``name`` is the FTS table or one of the shadow tables FTS5 keeps its index in."""
    return name == SEARCH_TABLE or name.startswith(f"{SEARCH_TABLE}_")


def include_name(name: str | None, type_: str, _parent_names: object) -> bool:
    """Alembic ``include_name`` hook: leave the full-text tables out of schema comparisons
    (they are not in the models; migration 0006_search makes them)."""
    return not (type_ == "table" and name is not None and is_search_table(name))


def trigram_available(connection: Connection) -> bool:
    """Whether this SQLite connection can make an FTS5 table with the trigram tokenizer."""
    if connection.dialect.name != "sqlite":
        return False
    version = connection.exec_driver_sql("SELECT sqlite_version()").scalar_one()
    if tuple(int(part) for part in str(version).split(".")[:3]) < TRIGRAM_SQLITE_VERSION:
        return False
    # A build may leave FTS5 out: try it on a temporary table, which the caller's transaction
    # undoes along with everything else if anything fails.
    try:
        connection.exec_driver_sql("SAVEPOINT kaohe_trigram_probe")
        connection.exec_driver_sql("CREATE VIRTUAL TABLE temp.kaohe_trigram_probe USING fts5(t, tokenize='trigram')")
        connection.exec_driver_sql("DROP TABLE temp.kaohe_trigram_probe")
        connection.exec_driver_sql("RELEASE kaohe_trigram_probe")
    except DBAPIError:  # no fts5 module, or no trigram tokenizer in it
        connection.exec_driver_sql("ROLLBACK TO kaohe_trigram_probe")
        connection.exec_driver_sql("RELEASE kaohe_trigram_probe")
        return False
    return True


def has_search_index(connection: Connection) -> bool:
    """Whether the database has the full-text table (SQLite with FTS5 trigram, migrated to 0006)."""
    if connection.dialect.name != "sqlite":
        return False
    sql = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"
    return connection.exec_driver_sql(sql, (SEARCH_TABLE,)).first() is not None


_INDICATOR_ROWS = """
    INSERT INTO search_index (rowid, text, kind, document_id, indicator_id, clause_id)
    SELECT {row}.id * 3, {row}.name, 'name', {row}.document_id, {row}.id, NULL
    WHERE {row}.name IS NOT NULL AND {row}.name <> '';
    INSERT INTO search_index (rowid, text, kind, document_id, indicator_id, clause_id)
    SELECT {row}.id * 3 + 1, {row}.description, 'description', {row}.document_id, {row}.id, NULL
    WHERE {row}.description IS NOT NULL AND {row}.description <> '';
"""
_CLAUSE_ROWS = """
    INSERT INTO search_index (rowid, text, kind, document_id, indicator_id, clause_id)
    SELECT {row}.id * 3 + 2, {row}.text, 'rule', {row}.document_id, {row}.indicator_id, {row}.id
    WHERE {row}.text IS NOT NULL AND {row}.text <> '';
"""
_DELETE_INDICATOR = "DELETE FROM search_index WHERE rowid IN (old.id * 3, old.id * 3 + 1);"
_DELETE_CLAUSE = "DELETE FROM search_index WHERE rowid = old.id * 3 + 2;"

SEARCH_VIEW = "search_hits"
# Each entry with its document and indicator; hit_id is the entry's rowid, so Datasette can search
# the view through the index (fts_table search_index, fts_pk hit_id).
_SEARCH_HITS = """
CREATE VIEW search_hits AS
SELECT s.rowid AS hit_id,
       s.kind,
       s.text,
       d.id AS document_id,
       d.file_name,
       d.title,
       s.indicator_id,
       i.path AS indicator_path,
       i.level,
       CASE WHEN s.kind = 'rule' THEN c.points ELSE i.points END AS points,
       s.clause_id,
       c.kind AS clause_kind
FROM search_index AS s
JOIN documents AS d ON d.id = s.document_id
LEFT JOIN indicators AS i ON i.id = s.indicator_id
LEFT JOIN clauses AS c ON c.id = s.clause_id
"""

CREATE_STATEMENTS = (
    # kind and the ids are stored, not indexed: only the text is matched.
    "CREATE VIRTUAL TABLE search_index USING fts5("
    "text, kind UNINDEXED, document_id UNINDEXED, indicator_id UNINDEXED, clause_id UNINDEXED, "
    "tokenize='trigram')",
    _SEARCH_HITS.strip(),
    f"CREATE TRIGGER search_index_indicator_insert AFTER INSERT ON indicators BEGIN "
    f"{_INDICATOR_ROWS.format(row='new')} END",
    f"CREATE TRIGGER search_index_indicator_delete AFTER DELETE ON indicators BEGIN {_DELETE_INDICATOR} END",
    f"CREATE TRIGGER search_index_indicator_update AFTER UPDATE OF id, name, description, document_id ON indicators "
    f"BEGIN {_DELETE_INDICATOR} {_INDICATOR_ROWS.format(row='new')} END",
    f"CREATE TRIGGER search_index_clause_insert AFTER INSERT ON clauses BEGIN {_CLAUSE_ROWS.format(row='new')} END",
    f"CREATE TRIGGER search_index_clause_delete AFTER DELETE ON clauses BEGIN {_DELETE_CLAUSE} END",
    f"CREATE TRIGGER search_index_clause_update AFTER UPDATE OF id, text, document_id, indicator_id ON clauses "
    f"BEGIN {_DELETE_CLAUSE} {_CLAUSE_ROWS.format(row='new')} END",
)
# The rows already stored when the index is made (same statements, over the whole tables).
BACKFILL_STATEMENTS = tuple(
    statement.strip().replace("WHERE", "FROM {table} AS i WHERE", 1).format(table=table)
    for template, table in ((_INDICATOR_ROWS, "indicators"), (_CLAUSE_ROWS, "clauses"))
    for statement in template.format(row="i").split(";")
    if statement.strip()
)
TRIGGERS = (
    "search_index_indicator_insert",
    "search_index_indicator_delete",
    "search_index_indicator_update",
    "search_index_clause_insert",
    "search_index_clause_delete",
    "search_index_clause_update",
)
DROP_STATEMENTS = (
    *(f"DROP TRIGGER IF EXISTS {name}" for name in TRIGGERS),
    f"DROP VIEW IF EXISTS {SEARCH_VIEW}",
    f"DROP TABLE IF EXISTS {SEARCH_TABLE}",
)


def create_search_index(connection: Connection) -> bool:
    """Make the full-text table and its triggers and index the stored rows; False (nothing made)
    when this is not SQLite with FTS5 and the trigram tokenizer."""
    if not trigram_available(connection):
        return False
    for statement in (*CREATE_STATEMENTS, *BACKFILL_STATEMENTS):
        connection.exec_driver_sql(statement)
    return True


def drop_search_index(connection: Connection) -> None:
    """Drop the full-text table and its triggers (nothing happens where there are none)."""
    if connection.dialect.name != "sqlite":
        return
    for statement in DROP_STATEMENTS:
        connection.exec_driver_sql(statement)
