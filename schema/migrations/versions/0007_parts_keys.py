"""indicators.part and indicators.children_points; documents.document_key; the views show them.

* ``indicators.part`` — the table (or list of numbered items) of the document an indicator came
  from, so that two tables repeating a level-1 name (产出指标) stay apart in a GROUP BY.
* ``indicators.children_points`` — the sum of the children's points: what a level is worth where
  the document states none, kept apart from the stated ``points``.
* ``documents.document_key`` — ``year|organization|title`` normalized, the same for every form
  (PDF, DOCX, text) of one document (normalizers/document_key.py).
* ``indicator_flat`` gains ``document_key``, ``part`` and ``children_points``; ``clause_flat``
  gains ``document_key`` and ``part``.

Rows stored before this revision have NULL in the new columns until their files are read again:
the extractor version changed with it (4), so the next ingest re-reads every file.

Revision ID: 0007_parts_keys
Revises: 0006_search
"""

from __future__ import annotations

import importlib
from types import ModuleType

import sqlalchemy as sa
from alembic import op

revision = "0007_parts_keys"
down_revision = "0006_search"
branch_labels = None
depends_on = None

KEY_COMMENT = "year|organization|title, normalized: the same for every form (pdf, docx, txt) of one document"
PART_COMMENT = "table or list of the document the indicator came from: 1, 2, ..."
SUM_COMMENT = "sum of the children's points (their own children's sum where they state none)"

_ANCESTORS = """
WITH RECURSIVE tree (id, level1_name, level2_name, level3_name) AS (
    SELECT id,
           CASE WHEN level = 1 THEN name END,
           CASE WHEN level = 2 THEN name END,
           CASE WHEN level = 3 THEN name END
    FROM indicators
    WHERE parent_id IS NULL
    UNION ALL
    SELECT child.id,
           COALESCE(CASE WHEN child.level = 1 THEN child.name END, tree.level1_name),
           COALESCE(CASE WHEN child.level = 2 THEN child.name END, tree.level2_name),
           COALESCE(CASE WHEN child.level = 3 THEN child.name END, tree.level3_name)
    FROM tree
    JOIN indicators AS child ON child.parent_id = tree.id
)"""

INDICATOR_FLAT = f"""{_ANCESTORS}
SELECT d.id AS document_id,
       d.source_path,
       d.file_name,
       d.title,
       d.organization,
       d.year,
       d.format,
       d.document_key,
       i.id AS indicator_id,
       i.ordinal,
       i.part,
       i.level,
       i.is_leaf,
       tree.level1_name,
       tree.level2_name,
       tree.level3_name,
       i.name,
       i.path,
       i.description,
       i.points,
       i.children_points,
       i.score,
       i.target_op,
       i.target_value,
       i.target_unit,
       i.target_text,
       i.actual,
       i.page
FROM indicators AS i
JOIN documents AS d ON d.id = i.document_id
LEFT JOIN tree ON tree.id = i.id
"""

CLAUSE_FLAT = """
SELECT c.id AS clause_id,
       d.id AS document_id,
       d.source_path,
       d.file_name,
       d.organization,
       d.year,
       d.document_key,
       c.indicator_id,
       i.part,
       i.name AS indicator_name,
       i.path AS indicator_path,
       c.kind,
       c.points,
       c.per_count,
       c.per_unit,
       c.cap,
       c.text,
       c.context
FROM clauses AS c
JOIN documents AS d ON d.id = c.document_id
LEFT JOIN indicators AS i ON i.id = c.indicator_id
"""


def _previous_views() -> ModuleType:
    return importlib.import_module("schema.migrations.versions.0002_checks_views")


def create_views() -> None:
    """The views of this revision: 0002's reconciliation_warnings, and the two above."""
    op.execute(f"CREATE VIEW indicator_flat AS {INDICATOR_FLAT.strip()}")
    op.execute(f"CREATE VIEW clause_flat AS {CLAUSE_FLAT.strip()}")
    op.execute(f"CREATE VIEW reconciliation_warnings AS {_previous_views().RECONCILIATION_WARNINGS.strip()}")


def upgrade() -> None:
    _previous_views().drop_views()
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("document_key", sa.Text(), nullable=True, comment=KEY_COMMENT))
        batch.create_index("ix_documents_document_key", ["document_key"])
    with op.batch_alter_table("indicators") as batch:
        batch.add_column(sa.Column("part", sa.Integer(), nullable=True, comment=PART_COMMENT))
        batch.add_column(sa.Column("children_points", sa.Float(), nullable=True, comment=SUM_COMMENT))
    create_views()


def _drop_column(table: str, column: str) -> None:
    if op.get_context().dialect.name == "sqlite":
        # Natively (SQLite 3.35+): batch mode would copy the table, which drops the search
        # index's triggers on indicators (0006).
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    else:
        op.drop_column(table, column)


def downgrade() -> None:
    views = _previous_views()
    views.drop_views()
    _drop_column("indicators", "children_points")
    _drop_column("indicators", "part")
    op.drop_index("ix_documents_document_key", table_name="documents")
    _drop_column("documents", "document_key")
    views.create_views()
