"""The scores table and the unit_scores view: a unit's scores against a document (kaohe score).

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


def upgrade() -> None:
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
