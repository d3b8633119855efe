"""documents.mtime_ns: the file's modification time when it was stored.

With size_bytes it lets a re-run skip an unchanged file on a stat alone, without reading it to
hash it (the hash is computed only when size or mtime changed).

Revision ID: 0003_file_stat
Revises: 0002_checks_views
"""

from __future__ import annotations

import importlib
from types import ModuleType

import sqlalchemy as sa
from alembic import op

revision = "0003_file_stat"
down_revision = "0002_checks_views"
branch_labels = None
depends_on = None

COMMENT = "file modification time when stored (ns since the epoch); with size_bytes, skips unchanged files"


def _views_module() -> ModuleType:
    # The views over documents are 0002's: SQLite rebuilds the table to drop a column, which it
    # refuses while views refer to it, so they are dropped and made again around the rebuild.
    return importlib.import_module("schema.migrations.versions.0002_checks_views")


def upgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("mtime_ns", sa.BigInteger(), nullable=True, comment=COMMENT))


def downgrade() -> None:
    views = _views_module()
    views.drop_views()
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("mtime_ns")
    views.create_views()
