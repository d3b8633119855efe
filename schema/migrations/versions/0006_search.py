"""The full-text index kaohe search uses on SQLite: search_index (FTS5, trigram tokenizer).

An FTS5 table over indicator names, descriptions and clause texts, kept in step by triggers on
indicators and clauses, and filled with the rows already stored (see schema/search.py). Made only
on SQLite builds with FTS5 and the trigram tokenizer (3.34+); on PostgreSQL, and where SQLite
lacks them, nothing is done and kaohe search uses LIKE / ILIKE. The statements are
schema.search's; changing the index later takes a new revision (which drops this one's objects
and makes the new ones), never an edit of these statements.

Revision ID: 0006_search
Revises: 0005_format_comment
"""

from __future__ import annotations

from alembic import op

from schema.search import create_search_index, drop_search_index

revision = "0006_search"
down_revision = "0005_format_comment"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_search_index(op.get_bind())


def downgrade() -> None:
    drop_search_index(op.get_bind())
