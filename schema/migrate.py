"""Bring a kaohe database to the current schema with the Alembic migrations in schema/migrations.

* :func:`upgrade` — upgrade to the newest revision (head); creates the tables in an empty database.
* :func:`current_revision` — the revision recorded in the database's ``alembic_version`` table.
* :func:`needs_upgrade` — whether :func:`upgrade` has anything to do.

A database written before kaohe had migrations (its tables made by ``Base.metadata.create_all``,
see :func:`schema.models.init_db`) has tables but no ``alembic_version``. :func:`upgrade`
recognises which revision its tables are (:func:`legacy_revision`), records that revision
("stamps" it), adds what that revision has that ``create_all`` does not make (the views), and then
upgrades as usual. The configuration is built in code (:func:`alembic_config`): no alembic.ini is
needed, so this works from a pip-installed kaohe.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.operations import Operations
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, inspect
from sqlalchemy.exc import SQLAlchemyError

from schema.models import create_engine_for

MIGRATIONS_DIR = Path(__file__).resolve().with_name("migrations")

# The tables (and their columns) of each schema that a database made before migrations can have:
# create_all of the models as they were at 0001_initial, and as they were at 0002_checks_views
# (create_all makes no views). Frozen history: later revisions never need an entry here, because
# from 0002 on every kaohe database is stamped.
_BASE_COLUMNS = {
    "documents": "id source_path file_name sha256 size_bytes format extractor_version title title_original "
    "organization supervisor year script total_points total_score page_count indicator_count warning_count "
    "loaded_at",
    "indicators": "id document_id ordinal parent_id level path name name_original description points score "
    "target_op target_value target_unit target_text actual basis reason measures page is_leaf",
    "clauses": "id document_id indicator_id kind points per_count per_unit cap text",
    "facts": "id document_id name value text",
    "warnings": "id document_id message",
}
_LEGACY_SCHEMAS: dict[str, dict[str, frozenset[str]]] = {
    "0001_initial": {table: frozenset(columns.split()) for table, columns in _BASE_COLUMNS.items()},
    "0002_checks_views": {
        **{table: frozenset(columns.split()) for table, columns in _BASE_COLUMNS.items()},
        "clauses": frozenset(f"{_BASE_COLUMNS['clauses']} context".split()),
        "checks": frozenset(["id", "document_id", "indicator_id", "name", "declared", "computed", "unscored", "ok"]),
    },
}
# init_db (create_all of the current models) still makes databases without a migration history.
# Only this revision's create_all can make that shape (0003 came with migrations), so it is head;
# 0004 changed column types and 0005 a column comment only, which column sets cannot tell apart.
_LEGACY_SCHEMAS["0005_format_comment"] = {
    **_LEGACY_SCHEMAS["0002_checks_views"],
    "documents": frozenset(f"{_BASE_COLUMNS['documents']} mtime_ns".split()),
}
_KAOHE_TABLES = frozenset().union(*(schema.keys() for schema in _LEGACY_SCHEMAS.values()))


class MigrationError(SQLAlchemyError):
    """The database cannot be brought to the current schema (unknown revision, unrecognised tables).

    A SQLAlchemyError, so callers that report database errors (``kaohe ingest``) report it too.
    """


def alembic_config(url: str | None = None) -> Config:
    """The Alembic configuration of the kaohe migrations, for ``url`` (an SQLAlchemy URL) if given.

    Also what to pass to ``alembic.command`` functions by hand, e.g. to write a new revision::

        command.revision(alembic_config("sqlite:///x.db"), "what changed", autogenerate=True, rev_id="0003_what")
    """
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    # New revision files are named by their id alone, like 0002_checks_views.py.
    config.set_main_option("file_template", "%%(rev)s")
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))  # configparser interpolation
    return config


def head_revision() -> str:
    """The newest revision of the migrations (what :func:`upgrade` brings a database to)."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:  # pragma: no cover - the package always has revisions
        raise MigrationError(f"no migrations found in {MIGRATIONS_DIR}")
    return head


def known_revisions() -> list[str]:
    """Every revision of the migrations, oldest first."""
    script = ScriptDirectory.from_config(alembic_config())
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


def _current(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def _legacy(connection: Connection) -> str | None:
    inspector = inspect(connection)
    present = set(inspector.get_table_names()) & _KAOHE_TABLES
    if not present:
        return None
    columns = {table: frozenset(col["name"] for col in inspector.get_columns(table)) for table in present}
    for revision, schema in _LEGACY_SCHEMAS.items():
        if columns == schema:
            return revision
    found = "; ".join(f"{table}({', '.join(sorted(cols))})" for table, cols in sorted(columns.items()))
    raise MigrationError(
        "the database has kaohe tables but no migration history (alembic_version), and its tables match "
        f"no known schema ({', '.join(_LEGACY_SCHEMAS)}): {found}"
    )


def current_revision(engine: Engine) -> str | None:
    """The revision stored in the database's ``alembic_version``; None when there is none.

    None both for an empty database and for one made before migrations (see
    :func:`legacy_revision` to tell them apart).
    """
    with engine.connect() as connection:
        return _current(connection)


def legacy_revision(engine: Engine) -> str | None:
    """For a database with kaohe tables but no ``alembic_version``: the revision its tables match.

    None when the database has a migration history or no kaohe tables at all. Raises
    :class:`MigrationError` when its tables match no revision kaohe had before migrations.
    """
    with engine.connect() as connection:
        if _current(connection) is not None:
            return None
        return _legacy(connection)


def needs_upgrade(engine: Engine) -> bool:
    """Whether the database is not at the newest revision (empty and pre-migration databases too)."""
    return current_revision(engine) != head_revision()


def _stamp_legacy(connection: Connection, config: Config, revision: str) -> None:
    """Record ``revision`` for a pre-migration database and add what create_all did not make."""
    script = ScriptDirectory.from_config(config)
    context = MigrationContext.configure(connection)
    if revision in ("0002_checks_views", "0005_format_comment"):
        # create_all made the tables of 0002 but not its views: create them with 0002's own code.
        module = script.get_revision("0002_checks_views").module
        with Operations.context(context):
            module.create_views()
    context.stamp(script, revision)


def upgrade(url_or_engine: str | Engine) -> None:
    """Upgrade the database to the newest revision; nothing happens when it is there already.

    Takes an SQLAlchemy URL (an engine is made with :func:`schema.models.create_engine_for` and
    disposed of) or an engine. An empty database gets every table; a database made before
    migrations is stamped with the revision its tables match first (see module docstring). On
    PostgreSQL the whole upgrade is one transaction; on SQLite each statement commits as it runs.
    Raises :class:`MigrationError` when the database is at a revision this kaohe does not know
    (written by a newer kaohe) or its tables match no known schema.
    """
    if isinstance(url_or_engine, Engine):
        _upgrade(url_or_engine)
        return
    engine = create_engine_for(url_or_engine)
    try:
        _upgrade(engine)
    finally:
        engine.dispose()


def _upgrade(engine: Engine) -> None:
    with engine.connect() as connection:
        # SQLite alters a table by copying it and dropping the old one; with foreign keys enforced
        # that DROP would cascade to every child row. The pragma only works outside a transaction.
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        try:
            with connection.begin():
                _upgrade_on(connection, engine)
        finally:
            if sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()


def _upgrade_on(connection: Connection, engine: Engine) -> None:
    head = head_revision()
    known = set(known_revisions())
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    current = _current(connection)
    if current == head:
        return
    if current is not None and current not in known:
        raise MigrationError(
            f"the database is at revision {current}, which this kaohe does not know "
            f"(it knows {', '.join(sorted(known))}); it was probably written by a newer kaohe"
        )
    if current is None:
        legacy = _legacy(connection)
        if legacy is not None:
            _stamp_legacy(connection, config, legacy)
    config.attributes["connection"] = connection
    command.upgrade(config, "head")
