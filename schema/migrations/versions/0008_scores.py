"""What scoring needs: clause terms, the scores table and the unit_scores view (kaohe score).

* ``clauses.threshold_op`` / ``threshold_value`` / ``threshold_unit`` — a tier's threshold
  ("完成任务数的70%" → >= 70 %); ``clauses.points_min`` — a range's lower bound ("扣5-10分": 5;
  ``cap`` holds 10); ``clauses.effect`` — a veto's effect (``assessment``). NULL in rows stored
  before this revision until their files are read again.
* ``scores`` — a unit's score per indicator and its total; ``unit_scores`` — one row per unit.

Revision ID: 0008_scores
Revises: 0007_parts_keys
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_scores"
down_revision = "0007_parts_keys"
branch_labels = None
depends_on = None

# One row per unit and document scored: the total, from the row without an indicator.
UNIT_SCORES = """
SELECT s.unit,
       d.id AS document_id,
       d.file_name,
       d.title,
       d.organization,
       d.year,
       s.score AS total,
       s.full_points,
       s.vetoed,
       s.scored_at
FROM scores AS s
JOIN documents AS d ON d.id = s.document_id
WHERE s.indicator_id IS NULL
"""


def _clause_columns() -> list[sa.Column[object]]:
    """The clause terms' columns (new objects each call: a Column belongs to one table)."""
    return [
        sa.Column("threshold_op", sa.String(length=2), nullable=True, comment="a tier's: >= (a share) or <= (a rank)"),
        sa.Column("threshold_value", sa.Float(), nullable=True),
        sa.Column("threshold_unit", sa.String(length=8), nullable=True),
        sa.Column("points_min", sa.Float(), nullable=True, comment="a range's lower bound (扣5-10分: 5; cap is 10)"),
        sa.Column("effect", sa.String(length=16), nullable=True, comment="a veto's effect: assessment"),
    ]


def upgrade() -> None:
    with op.batch_alter_table("clauses") as batch:
        for column in _clause_columns():
            batch.add_column(column)
    op.create_table(
        "scores",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit", sa.Text(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=True, comment="NULL: the document's total"),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("full_points", sa.Float(), nullable=True),
        sa.Column("vetoed", sa.Boolean(), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=True),
        sa.Column("scored_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["indicator_id"], ["indicators.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_scores_document_id", "scores", ["document_id"])
    op.create_index("ix_scores_indicator_id", "scores", ["indicator_id"])
    op.create_index("ix_scores_unit_document", "scores", ["unit", "document_id"])
    op.execute(f"CREATE VIEW unit_scores AS {UNIT_SCORES.strip()}")


def downgrade() -> None:
    op.execute("DROP VIEW IF EXISTS unit_scores")
    op.drop_table("scores")
    # Natively (SQLite 3.35+): batch mode would copy clauses, which drops the search index's
    # triggers on it (0006). clause_flat does not name these columns.
    for column in reversed(_clause_columns()):
        if op.get_context().dialect.name == "sqlite":
            op.execute(f"ALTER TABLE clauses DROP COLUMN {column.name}")
        else:
            op.drop_column("clauses", column.name)
