"""Bring a kaohe database to the current schema with the Alembic migrations in schema/migrations.

* :func:`upgrade` — upgrade to the newest revision (head); creates the tables in an empty database.
* :func:`current_revision` — the revision recorded in the database's ``alembic_version`` table.
* :func:`needs_upgrade` — whether :func:`upgrade` has anything to do.

A database written before kaohe had migrations (its tables made by ``Base.metadata.create_all``,
see :func:`schema.models.init_db`) has tables but no ``alembic_version``. :func:`upgrade`
recognises which revision its tables are (:func:`legacy_revision`), records that revision
("stamps" it), adds what that revision has that ``create_all`` does not make (the views), and then
upgrades as usual.

Creating or upgrading the schema is one transaction under a lock, so a process killed on the way
leaves either the old schema or the new one, and concurrent runs wait for each other: SQLite runs
the migrations in a ``BEGIN EXCLUSIVE`` transaction (its DDL is transactional), PostgreSQL in the
transaction that holds the advisory lock :data:`SCHEMA_LOCK_KEY`. A database that an older kaohe
left half-created (kaohe tables but no migration history) is refused by :func:`upgrade` unless
``repair`` is set, as by ``kaohe db upgrade`` (see :func:`_repair`).

The configuration is built in code (:func:`alembic_config`): no alembic.ini is needed, so this
works from a pip-installed kaohe.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.operations import Operations
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.exc import SQLAlchemyError

from schema.models import create_engine_for
from schema.search import create_search_index

MIGRATIONS_DIR = Path(__file__).resolve().with_name("migrations")
# Key of the PostgreSQL advisory lock a kaohe process holds while it creates or upgrades the schema
# (any constant that other applications on the database are unlikely to use: "kaohe" in ASCII).
SCHEMA_LOCK_KEY = 0x6B616F6865
# Views of the migrations, and tables with their dependents first: the order to drop them in.
_VIEWS = ("unit_scores", "reconciliation_warnings", "clause_flat", "indicator_flat")
_DROP_ORDER = ("scores", "checks", "warnings", "facts", "clauses", "indicators", "documents")

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
# Only this revision's create_all can make that shape (0003 came with migrations); 0004 changed
# column types and 0005 a column comment only, which column sets cannot tell apart. 0006 added the
# SQLite full-text table, which create_all never makes: its stamped databases are upgraded to it.
_LEGACY_SCHEMAS["0005_format_comment"] = {
    **_LEGACY_SCHEMAS["0002_checks_views"],
    "documents": frozenset(f"{_BASE_COLUMNS['documents']} mtime_ns".split()),
}
# 0007 added columns and 0008 the scores table, so create_all of the current models makes a shape
# of its own again (no kaohe release made the 0007 shape by create_all).
_LEGACY_SCHEMAS["0008_scores"] = {
    **_LEGACY_SCHEMAS["0005_format_comment"],
    "documents": frozenset(f"{_BASE_COLUMNS['documents']} mtime_ns document_key".split()),
    "indicators": frozenset(f"{_BASE_COLUMNS['indicators']} part children_points".split()),
    "clauses": frozenset(
        f"{_BASE_COLUMNS['clauses']} context threshold_op threshold_value threshold_unit points_min effect".split()
    ),
    "scores": frozenset(
        ["id", "unit", "document_id", "indicator_id", "score", "full_points", "vetoed", "explanation", "scored_at"]
    ),
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


def _kaohe_columns(connection: Connection) -> dict[str, frozenset[str]]:
    """The kaohe tables present in the database, with their column names."""
    inspector = inspect(connection)
    present = set(inspector.get_table_names()) & _KAOHE_TABLES
    return {table: frozenset(col["name"] for col in inspector.get_columns(table)) for table in present}


def _matching_revision(columns: dict[str, frozenset[str]]) -> str | None:
    return next((revision for revision, schema in _LEGACY_SCHEMAS.items() if columns == schema), None)


def _describe(columns: dict[str, frozenset[str]]) -> str:
    return "; ".join(f"{table}({', '.join(sorted(cols))})" for table, cols in sorted(columns.items()))


def _no_history(columns: dict[str, frozenset[str]]) -> str:
    return (
        "the database has kaohe tables but no migration history (alembic_version), and its tables match "
        f"no known schema ({', '.join(_LEGACY_SCHEMAS)}): {_describe(columns)}"
    )


def _legacy(connection: Connection) -> str | None:
    columns = _kaohe_columns(connection)
    if not columns:
        return None
    revision = _matching_revision(columns)
    if revision is None:
        raise MigrationError(
            f"{_no_history(columns)}; if an interrupted run left it half-created, "
            "run `kaohe db upgrade` to repair it"
        )
    return revision


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
    elif revision == "0008_scores":
        # create_all makes neither the views nor 0006's full-text index: each with its own code.
        with Operations.context(context):
            script.get_revision("0007_parts_keys").module.create_views()
        unit_scores = script.get_revision("0008_scores").module.UNIT_SCORES.strip()
        connection.exec_driver_sql(f"CREATE VIEW unit_scores AS {unit_scores}")
        create_search_index(connection)
    context.stamp(script, revision)


@dataclass(frozen=True, slots=True)
class UpgradeOutcome:
    """What :func:`upgrade` found and did, as seen under the schema lock."""

    before: str | None  # revision recorded before (None: empty, pre-migration or half-created)
    after: str
    stamped: str | None = None  # the revision a pre-migration database's tables matched
    repaired: str | None = None  # what was wrong with a half-created database that was rebuilt


def upgrade(url_or_engine: str | Engine, *, repair: bool = False) -> UpgradeOutcome:
    """Upgrade the database to the newest revision; nothing happens when it is there already.

    Takes an SQLAlchemy URL (an engine is made with :func:`schema.models.create_engine_for` and
    disposed of) or an engine. An empty database gets every table; a database made before
    migrations is stamped with the revision its tables match first (see module docstring). The
    whole upgrade is one transaction, under a lock that other kaohe processes wait for; what is
    to be done is decided once the lock is held. A half-created database (see :func:`_repair`)
    is rebuilt with ``repair``, else refused. Raises :class:`MigrationError` when the database is
    at a revision this kaohe does not know (written by a newer kaohe) or cannot be brought to head.
    """
    if isinstance(url_or_engine, Engine):
        return _upgrade(url_or_engine, repair)
    engine = create_engine_for(url_or_engine)
    try:
        return _upgrade(engine, repair)
    finally:
        engine.dispose()


def _upgrade(engine: Engine, repair: bool) -> UpgradeOutcome:
    with engine.connect() as connection:
        # SQLite alters a table by copying it and dropping the old one; with foreign keys enforced
        # that DROP would cascade to every child row. The pragma only works outside a transaction.
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        try:
            with connection.begin():
                _lock_schema(connection)
                return _upgrade_on(connection, engine, repair)
        finally:
            if sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()


def _lock_schema(connection: Connection) -> None:
    """Take the lock that serialises schema changes, for the rest of the transaction."""
    if connection.dialect.name == "sqlite":
        # pysqlite has not begun a transaction yet (it only does before DML): begin it ourselves,
        # holding the write lock from the start. Other writers wait (busy timeout); WAL readers
        # go on seeing the schema as it was until the commit.
        connection.exec_driver_sql("BEGIN EXCLUSIVE")
    elif connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCHEMA_LOCK_KEY})


def _upgrade_on(connection: Connection, engine: Engine, repair: bool) -> UpgradeOutcome:
    head = head_revision()
    known = set(known_revisions())
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    current = _current(connection)
    if current == head:
        return UpgradeOutcome(before=current, after=head)
    if current is not None and current not in known:
        raise MigrationError(
            f"the database is at revision {current}, which this kaohe does not know "
            f"(it knows {', '.join(sorted(known))}); it was probably written by a newer kaohe"
        )
    stamped = repaired = None
    if current is None:
        columns = _kaohe_columns(connection)
        interrupted = _interrupted(connection, columns)
        if interrupted is not None:
            if not repair:
                raise MigrationError(f"{interrupted}; run `kaohe db upgrade` to repair it")
            repaired = _repair(connection, columns, interrupted)
        elif columns:
            stamped = _legacy(connection)
            if stamped is not None:
                _stamp_legacy(connection, config, stamped)
    config.attributes["connection"] = connection
    command.upgrade(config, "head")
    return UpgradeOutcome(before=current, after=head, stamped=stamped, repaired=repaired)


def _has_rows(connection: Connection, tables: frozenset[str] | set[str]) -> bool:
    return any(connection.exec_driver_sql(f"SELECT 1 FROM {table} LIMIT 1").first() for table in sorted(tables))


def _interrupted(connection: Connection, columns: dict[str, frozenset[str]]) -> str | None:
    """Why a database without a migration history is half-created, or None when it is not.

    Half-created: an older kaohe, whose schema creation committed statement by statement, was
    stopped on the way — an empty ``alembic_version`` table beside empty kaohe tables, or kaohe
    tables that match no known schema.
    """
    if not columns:
        return None
    if _matching_revision(columns) is None:
        return _no_history(columns)
    if "alembic_version" in inspect(connection).get_table_names() and not _has_rows(connection, set(columns)):
        return (
            "the database has empty kaohe tables and an empty migration history: its schema creation "
            "was interrupted"
        )
    return None


def _repair(connection: Connection, columns: dict[str, frozenset[str]], problem: str) -> str:
    """Rebuild a half-created database: drop its kaohe tables so the migrations create them afresh.

    Only when they hold no rows and each is a table some kaohe schema had (not someone else's
    table of the same name); tables with data that match a known schema never get here, they are
    stamped (see :func:`_upgrade_on`). Returns what was wrong and what was done; raises
    :class:`MigrationError` when it cannot repair.
    """
    if _has_rows(connection, set(columns)):
        raise MigrationError(
            f"{problem}; its tables hold data, so kaohe leaves them alone: "
            "move the data to a new database (or drop these tables) and run `kaohe db upgrade` again"
        )
    foreign = sorted(
        table
        for table, cols in columns.items()
        if all(schema.get(table) != cols for schema in _LEGACY_SCHEMAS.values())
    )
    if foreign:
        raise MigrationError(
            f"{problem}; table(s) {', '.join(foreign)} are not kaohe's: "
            "drop them or use another database, then run `kaohe db upgrade` again"
        )
    for view in _VIEWS:
        connection.exec_driver_sql(f"DROP VIEW IF EXISTS {view}")
    for table in (*_DROP_ORDER, "alembic_version"):
        connection.exec_driver_sql(f"DROP TABLE IF EXISTS {table}")
    return f"{problem}; it held no data: dropped its tables and created them afresh"
