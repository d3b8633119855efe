"""documents.format's comment names the formats kaohe reads now: html, xlsx and xls were added.

Only the column comment changes. SQLite stores no comments, so there is nothing to do there (and
altering the column would make SQLite rebuild the table under its views).

Revision ID: 0005_format_comment
Revises: 0004_text_names
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_format_comment"
down_revision = "0004_text_names"
branch_labels = None
depends_on = None

OLD = "pdf, docx or text"
NEW = "pdf, docx, text, html, xlsx or xls"


def _comment(comment: str, existing: str) -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    op.alter_column(
        "documents", "format", existing_type=sa.String(length=16), existing_nullable=False,
        comment=comment, existing_comment=existing,
    )


def upgrade() -> None:
    _comment(NEW, OLD)


def downgrade() -> None:
    _comment(OLD, NEW)
