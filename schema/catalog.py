"""What every table, view and column of a kaohe database means, in one place for docs and tools.

Tables are described by their model (:mod:`schema.models`: the class docstring, each column's
``info``); the views of 0002_checks_views and the full-text table and view of 0006_search are
described here, a view's column by the table column it shows unless it says more. From this
catalog come docs/schema.md's column tables (:mod:`schema.schema_doc`) and the Datasette metadata
(:mod:`analyst.serve`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlalchemy import Column, DateTime, String

from schema.models import Base, described
from schema.search import SEARCH_TABLE, SEARCH_VIEW

RelationKind = Literal["table", "view", "full-text table"]


@dataclass(frozen=True, slots=True)
class ColumnEntry:
    """One column: its name, type as written in the docs (tables only), whether it may be NULL
    (tables only), what it means, and an example value from the sample (None: none there)."""

    name: str
    description: str
    type: str | None = None
    nullable: bool | None = None
    example: str | None = None
    source: str | None = None  # views: the table column (or expression) it shows


@dataclass(frozen=True, slots=True)
class RelationEntry:
    """A table or view, what one row of it is, and its columns in order."""

    name: str
    kind: RelationKind
    description: str
    columns: tuple[ColumnEntry, ...]
    sqlite_only: bool = False


def _type_of(column: Column[object]) -> str:
    kind = column.type
    written = type(kind).__name__
    if isinstance(kind, String) and kind.length:
        written += f"({kind.length})"
    if isinstance(kind, DateTime) and kind.timezone:
        written += "(timezone=True)"
    for foreign_key in column.foreign_keys:
        written += f" → `{foreign_key.target_fullname}`"
    if column.unique:
        written += ", unique"
    return written


def _first_paragraph(docstring: str | None) -> str:
    return " ".join((docstring or "").strip().split("\n\n")[0].split())


def _table_entries() -> tuple[RelationEntry, ...]:
    entries = []
    for mapper in sorted(Base.registry.mappers, key=lambda m: list(Base.metadata.tables).index(m.local_table.name)):
        table = mapper.local_table
        columns = []
        for column in table.columns:
            info = described(column)
            columns.append(
                ColumnEntry(
                    name=column.name,
                    description=info.description,
                    type=_type_of(column),
                    nullable=bool(column.nullable),
                    example=info.example,
                )
            )
        entries.append(RelationEntry(table.name, "table", _first_paragraph(mapper.class_.__doc__), tuple(columns)))
    return tuple(entries)


# (column, source, description or None for the source column's) of each view.
_VIEW_COLUMNS: dict[str, tuple[tuple[str, str, str | None], ...]] = {
    "indicator_flat": (
        ("document_id", "documents.id", "the document"),
        *((name, f"documents.{name}", None) for name in ("source_path", "file_name", "title", "organization")),
        ("year", "documents.year", None),
        ("format", "documents.format", None),
        ("document_key", "documents.document_key", None),
        ("indicator_id", "indicators.id", "the indicator's row id"),
        *((name, f"indicators.{name}", None) for name in ("ordinal", "part", "level", "is_leaf")),
        ("level1_name", "ancestor at level 1", "name of the level-1 ancestor (the indicator's own at level 1)"),
        ("level2_name", "ancestor at level 2", "name of the level-2 ancestor; NULL for a level-1 row"),
        ("level3_name", "ancestor at level 3", "name of the level-3 ancestor; NULL above level 3"),
        *(
            (name, f"indicators.{name}", None)
            for name in (
                "name", "path", "description", "points", "children_points", "score", "target_op", "target_value",
                "target_unit",
                "target_text", "actual", "page",
            )
        ),
    ),
    "clause_flat": (
        ("clause_id", "clauses.id", "the clause's row id"),
        ("document_id", "documents.id", "the document"),
        *((name, f"documents.{name}", None) for name in ("source_path", "file_name", "organization", "year")),
        ("document_key", "documents.document_key", None),
        ("indicator_id", "clauses.indicator_id", None),
        ("part", "indicators.part", "the indicator's part; NULL for document-wide rules"),
        ("indicator_name", "indicators.name", "the indicator's name; NULL for document-wide rules"),
        ("indicator_path", "indicators.path", "the indicator's path; NULL for document-wide rules"),
        *(
            (name, f"clauses.{name}", None)
            for name in ("kind", "points", "per_count", "per_unit", "cap", "text", "context")
        ),
    ),
    "reconciliation_warnings": (
        ("check_id", "checks.id", "the check's row id"),
        ("document_id", "documents.id", "the document"),
        *((name, f"documents.{name}", None) for name in ("source_path", "file_name", "organization", "year")),
        ("indicator_id", "checks.indicator_id", None),
        *((name, f"checks.{name}", None) for name in ("name", "declared", "computed")),
        ("difference", "computed - declared", "negative: the items add up to less than declared"),
        ("unscored", "checks.unscored", None),
    ),
    "unit_scores": (
        ("unit", "scores.unit", None),
        ("document_id", "documents.id", "the document scored against"),
        *((name, f"documents.{name}", None) for name in ("file_name", "title", "organization", "year")),
        ("total", "scores.score", "the unit's total (the row of `scores` without an indicator)"),
        ("full_points", "scores.full_points", None),
        ("vetoed", "scores.vetoed", None),
        ("scored_at", "scores.scored_at", None),
    ),
    SEARCH_VIEW: (
        ("hit_id", f"{SEARCH_TABLE}.rowid", "the index entry (indicators.id * 3 + 0 / 1, clauses.id * 3 + 2)"),
        ("kind", f"{SEARCH_TABLE}.kind", None),
        ("text", f"{SEARCH_TABLE}.text", None),
        ("document_id", "documents.id", "the document"),
        ("file_name", "documents.file_name", None),
        ("title", "documents.title", None),
        ("indicator_id", f"{SEARCH_TABLE}.indicator_id", None),
        ("indicator_path", "indicators.path", "the indicator's path; NULL for document-wide rules"),
        ("level", "indicators.level", None),
        ("points", "indicators.points or clauses.points", "points of the indicator (name, description) or rule"),
        ("clause_id", f"{SEARCH_TABLE}.clause_id", None),
        ("clause_kind", "clauses.kind", None),
    ),
}
_VIEW_DESCRIPTIONS = {
    "indicator_flat": "One row per indicator, with its document's fields and the names of its level 1-3 ancestors.",
    "clause_flat": "One row per clause, with its document's fields and (NULL for document-wide rules) its indicator.",
    "reconciliation_warnings": "The checks that failed: a declared total that is not the sum of what it totals.",
    "unit_scores": "One row per unit scored against a document (kaohe score apply): its total.",
    SEARCH_VIEW: "Every entry of the full-text index with its document and indicator (SQLite only).",
}
_SEARCH_COLUMNS = (
    ColumnEntry("text", "the indexed text: an indicator's name or description, or a rule's text"),
    ColumnEntry("kind", "`name`, `description` or `rule`: which text it is"),
    ColumnEntry("document_id", "`documents.id` of the text's document"),
    ColumnEntry("indicator_id", "`indicators.id` of the indicator (of the rule); NULL for document-wide rules"),
    ColumnEntry("clause_id", "`clauses.id` of the rule; NULL for names and descriptions"),
)
SEARCH_DESCRIPTION = (
    "FTS5 full-text index (trigram tokenizer) of indicator names, descriptions and rule texts, kept in step "
    "by triggers (SQLite only)."
)


def _view_entry(name: str, tables: dict[str, RelationEntry]) -> RelationEntry:
    columns = []
    for column, source, description in _VIEW_COLUMNS[name]:
        if description is None:
            table, _, source_column = source.partition(".")
            if table == SEARCH_TABLE:
                description = next(c.description for c in _SEARCH_COLUMNS if c.name == source_column)
            else:
                description = next(c.description for c in tables[table].columns if c.name == source_column)
        columns.append(ColumnEntry(name=column, description=description, source=source))
    return RelationEntry(name, "view", _VIEW_DESCRIPTIONS[name], tuple(columns), sqlite_only=name == SEARCH_VIEW)


def catalog() -> tuple[RelationEntry, ...]:
    """Every table, the full-text table and every view of a database at head, tables first."""
    tables = _table_entries()
    by_name = {entry.name: entry for entry in tables}
    search = RelationEntry(SEARCH_TABLE, "full-text table", SEARCH_DESCRIPTION, _SEARCH_COLUMNS, sqlite_only=True)
    return (*tables, search, *(_view_entry(name, by_name) for name in _VIEW_COLUMNS))
