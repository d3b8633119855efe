"""documents.organization and documents.supervisor become TEXT.

They were VARCHAR(255): SQLite stores longer values anyway, PostgreSQL refuses them, so a document
whose 主管部门 line runs long loaded on one backend and failed on the other.

Revision ID: 0004_text_names
Revises: 0003_file_stat
"""

from __future__ import annotations

import importlib

import sqlalchemy as sa
from alembic import op

revision = "0004_text_names"
down_revision = "0003_file_stat"
branch_labels = None
depends_on = None

COLUMNS = {"organization": "assessed unit", "supervisor": "主管部门"}


def _change(type_: sa.types.TypeEngine[str], existing: sa.types.TypeEngine[str]) -> None:
    # SQLite rebuilds the table to change a type, which it refuses while views refer to it (0002's
    # views): they are dropped and made again around the change. (env.py turns SQLite's foreign
    # keys off for the run, so dropping the old table cascades nowhere.)
    views = importlib.import_module("schema.migrations.versions.0002_checks_views")
    views.drop_views()
    with op.batch_alter_table("documents") as batch:
        for name, comment in COLUMNS.items():
            batch.alter_column(name, type_=type_, existing_type=existing, existing_nullable=True,
                               existing_comment=comment)
    views.create_views()


def upgrade() -> None:
    _change(sa.Text(), sa.String(length=255))


def downgrade() -> None:
    _change(sa.String(length=255), sa.Text())
