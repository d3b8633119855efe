"""The first schema: documents, indicators, clauses (no ``context`` yet), facts, warnings.

This is the schema as first designed (commit 07c903b, "SQL store"), written out in full rather
than derived from schema/models.py, so it stays what it was whatever the models become.

Revision ID: 0001_initial
Revises: (none)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_initial"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "source_path",
            sa.String(length=1024),
            nullable=False,
            comment="path of the source file as ingested (see pipeline.ingest)",
        ),
        sa.Column("file_name", sa.String(length=255), nullable=False, comment="base name of source_path"),
        sa.Column("sha256", sa.String(length=64), nullable=False, comment="hex SHA-256 of the file content"),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("format", sa.String(length=16), nullable=False, comment="pdf, docx or text"),
        sa.Column("extractor_version", sa.String(length=32), nullable=False),
        sa.Column("title", sa.Text(), nullable=True, comment="simplified Chinese"),
        sa.Column("title_original", sa.Text(), nullable=True, comment="title before conversion, if different"),
        sa.Column("organization", sa.String(length=255), nullable=True, comment="assessed unit"),
        sa.Column("supervisor", sa.String(length=255), nullable=True, comment="主管部门"),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("script", sa.String(length=8), nullable=False, comment="hans or hant: script of the source text"),
        sa.Column("total_points", sa.Float(), nullable=True, comment="full marks of the scheme"),
        sa.Column("total_score", sa.Float(), nullable=True, comment="score achieved, where reported"),
        sa.Column("page_count", sa.Integer(), nullable=True),
        sa.Column("indicator_count", sa.Integer(), nullable=False),
        sa.Column("warning_count", sa.Integer(), nullable=False),
        sa.Column(
            "loaded_at",
            sa.DateTime(timezone=True),
            nullable=False,
            comment="UTC time the rows of this document were written",
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source_path"),
    )
    for column in ("file_name", "sha256", "format", "organization", "supervisor", "year"):
        op.create_index(f"ix_documents_{column}", "documents", [column])

    op.create_table(
        "indicators",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("ordinal", sa.Integer(), nullable=False, comment="indicator id within its document's extraction"),
        sa.Column("parent_id", sa.Integer(), nullable=True, comment="indicators.id of the parent"),
        sa.Column("level", sa.Integer(), nullable=False, comment="1 = top level"),
        sa.Column("path", sa.Text(), nullable=False, comment="names of ancestors and self joined with ' / '"),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("name_original", sa.Text(), nullable=True, comment="name before conversion, if it differed"),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("points", sa.Float(), nullable=True, comment="weight / full marks of the indicator"),
        sa.Column("score", sa.Float(), nullable=True, comment="score achieved, where reported"),
        sa.Column("target_op", sa.String(length=2), nullable=True, comment=">=, <=, >, < or ="),
        sa.Column("target_value", sa.Float(), nullable=True),
        sa.Column("target_unit", sa.String(length=32), nullable=True),
        sa.Column("target_text", sa.Text(), nullable=True, comment="target as written"),
        sa.Column("actual", sa.Text(), nullable=True, comment="actual value achieved, as written"),
        sa.Column("basis", sa.Text(), nullable=True, comment="指标值确定依据"),
        sa.Column("reason", sa.Text(), nullable=True, comment="未完成原因"),
        sa.Column("measures", sa.Text(), nullable=True, comment="改进措施"),
        sa.Column("page", sa.Integer(), nullable=True),
        sa.Column("is_leaf", sa.Boolean(), nullable=False, comment="true when no indicator has this one as parent"),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["parent_id"], ["indicators.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("document_id", "ordinal", name="uq_indicators_document_ordinal"),
    )
    op.create_index("ix_indicators_document_id", "indicators", ["document_id"])
    op.create_index("ix_indicators_parent_id", "indicators", ["parent_id"])
    op.create_index("ix_indicators_level", "indicators", ["level"])
    op.create_index("ix_indicators_document_leaf", "indicators", ["document_id", "is_leaf"])

    op.create_table(
        "clauses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column(
            "indicator_id",
            sa.Integer(),
            nullable=True,
            comment="indicators.id the rule belongs to; NULL for document-wide rules",
        ),
        sa.Column("kind", sa.String(length=16), nullable=False, comment="deduct, bonus, veto or tier"),
        sa.Column("points", sa.Float(), nullable=True, comment="points per occurrence (or of the tier)"),
        sa.Column("per_count", sa.Float(), nullable=True, comment="'每 per_count per_unit' the points apply"),
        sa.Column("per_unit", sa.String(length=32), nullable=True),
        sa.Column("cap", sa.Float(), nullable=True, comment="most points the rule can deduct / add"),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["indicator_id"], ["indicators.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_clauses_document_id", "clauses", ["document_id"])
    op.create_index("ix_clauses_indicator_id", "clauses", ["indicator_id"])
    op.create_index("ix_clauses_kind", "clauses", ["kind"])

    op.create_table(
        "facts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False, comment="the figure as written"),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_facts_document_id", "facts", ["document_id"])
    op.create_index("ix_facts_name", "facts", ["name"])

    op.create_table(
        "warnings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_warnings_document_id", "warnings", ["document_id"])


def downgrade() -> None:
    # Children first; dropping a table drops its indexes.
    for table in ("warnings", "facts", "clauses", "indicators", "documents"):
        op.drop_table(table)
