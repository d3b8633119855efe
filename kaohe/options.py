"""Options several ``kaohe`` commands share."""

from __future__ import annotations

import click

from schema.models import DEFAULT_DB_URL

DB_URL_HELP = "SQLAlchemy database URL, e.g. sqlite:///out.db or postgresql+psycopg://user@host/kaohe."

# ``--db URL`` → parameter ``db_url``: the database every command reads or writes.
db_option = click.option("--db", "db_url", default=DEFAULT_DB_URL, show_default=True, help=DB_URL_HELP)
