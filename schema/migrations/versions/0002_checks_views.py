"""clauses.context, the checks table and the analyst views.

* ``clauses.context`` — for document-wide rules, the 加分/扣分 item the rule was read from.
* ``checks`` — reconciliation: each declared total against the sum of what it totals.
* views ``indicator_flat``, ``clause_flat`` and ``reconciliation_warnings``: plain SQL that runs on
  SQLite and PostgreSQL (see docs/schema.md).

Revision ID: 0002_checks_views
Revises: 0001_initial
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_checks_views"
down_revision = "0001_initial"
branch_labels = None
depends_on = None

CLAUSE_TEXT_COMMENT = "the phrase stating the rule, e.g. 少1次扣1分"

# One row per indicator, with its document and the names of its level 1-3 ancestors (its own name
# at its own level). The tree is walked down from the roots, so the walk is one row per indicator
# and always ends; an indicator that is not reachable from a root (impossible for rows written by
# kaohe) still appears, with NULL level names.
INDICATOR_FLAT = """
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
)
SELECT d.id AS document_id,
       d.source_path,
       d.file_name,
       d.title,
       d.organization,
       d.year,
       d.format,
       i.id AS indicator_id,
       i.ordinal,
       i.level,
       i.is_leaf,
       tree.level1_name,
       tree.level2_name,
       tree.level3_name,
       i.name,
       i.path,
       i.description,
       i.points,
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

# One row per clause, with its document and (NULL for document-wide rules) its indicator.
CLAUSE_FLAT = """
SELECT c.id AS clause_id,
       d.id AS document_id,
       d.source_path,
       d.file_name,
       d.organization,
       d.year,
       c.indicator_id,
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

# The checks that failed: a declared total that is not the sum of what it totals.
RECONCILIATION_WARNINGS = """
SELECT k.id AS check_id,
       d.id AS document_id,
       d.source_path,
       d.file_name,
       d.organization,
       d.year,
       k.indicator_id,
       k.name,
       k.declared,
       k.computed,
       k.computed - k.declared AS difference,
       k.unscored
FROM checks AS k
JOIN documents AS d ON d.id = k.document_id
WHERE NOT k.ok
"""

VIEWS = {
    "indicator_flat": INDICATOR_FLAT,
    "clause_flat": CLAUSE_FLAT,
    "reconciliation_warnings": RECONCILIATION_WARNINGS,
}


def create_views() -> None:
    """Create the views of this revision (also used by schema.migrate for pre-Alembic databases)."""
    for name, select in VIEWS.items():
        op.execute(f"CREATE VIEW {name} AS {select.strip()}")


def drop_views() -> None:
    for name in reversed(VIEWS):
        op.execute(f"DROP VIEW IF EXISTS {name}")


def _supports_comments() -> bool:
    return bool(op.get_context().dialect.supports_comments)


def upgrade() -> None:
    # ADD COLUMN needs no table copy even on SQLite; batch mode decides that by itself.
    with op.batch_alter_table("clauses") as batch:
        batch.add_column(
            sa.Column(
                "context",
                sa.Text(),
                nullable=True,
                comment="for document-wide rules: the 加分/扣分 item the rule was read from",
            )
        )
    if _supports_comments():  # SQLite keeps no comments, and altering one would copy the table
        op.alter_column(
            "clauses",
            "text",
            existing_type=sa.Text(),
            existing_nullable=False,
            comment=CLAUSE_TEXT_COMMENT,
            existing_comment=None,
        )

    op.create_table(
        "checks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column(
            "indicator_id",
            sa.Integer(),
            nullable=True,
            comment="indicators.id of the section that declares the total; NULL for the document total",
        ),
        sa.Column("name", sa.Text(), nullable=False, comment="what declares the total"),
        sa.Column("declared", sa.Float(), nullable=False, comment="the total as printed"),
        sa.Column("computed", sa.Float(), nullable=False, comment="sum of the points of what it totals"),
        sa.Column("unscored", sa.Integer(), nullable=False, comment="items under it that state no points"),
        sa.Column("ok", sa.Boolean(), nullable=False, comment="declared equals computed"),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["indicator_id"], ["indicators.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_checks_document_id", "checks", ["document_id"])
    op.create_index("ix_checks_indicator_id", "checks", ["indicator_id"])
    op.create_index("ix_checks_ok", "checks", ["ok"])

    create_views()


def downgrade() -> None:
    drop_views()
    op.drop_table("checks")
    if _supports_comments():
        op.alter_column(
            "clauses",
            "text",
            existing_type=sa.Text(),
            existing_nullable=False,
            comment=None,
            existing_comment=CLAUSE_TEXT_COMMENT,
        )
    # SQLite cannot always drop a column in place: batch mode copies the table without it.
    with op.batch_alter_table("clauses") as batch:
        batch.drop_column("context")
