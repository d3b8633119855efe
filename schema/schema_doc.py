"""docs/schema.md's column tables, written from the catalog (schema/catalog.py).

Each table and view section of docs/schema.md holds its column table between two markers::

    <!-- columns of documents: generated from schema/models.py by scripts/make-schema-doc.py -->
    | column | type | null | meaning | example |
    ...
    <!-- end of generated columns -->

:func:`update_schema_doc` rewrites what is between them and leaves the rest of the page (the
prose, the example queries) as written; ``scripts/make-schema-doc.py`` applies it to the file,
and tests/test_schema_doc.py fails when the file is not what it would write.
"""

from __future__ import annotations

import re
from pathlib import Path

from schema.catalog import ColumnEntry, RelationEntry, catalog

SCHEMA_DOC = Path(__file__).resolve().parent.parent / "docs" / "schema.md"
_START = "<!-- columns of {name}: generated from schema/models.py by scripts/make-schema-doc.py -->"
_END = "<!-- end of generated columns -->"
_BLOCK = re.compile(r"<!-- columns of (\w+): generated from [^>]*-->\n.*?<!-- end of generated columns -->", re.S)


class SchemaDocError(Exception):
    """docs/schema.md lacks a section's markers, or names a table or view the catalog does not have."""


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _code(text: str) -> str:
    return f"`{_cell(text)}`"


def _source(column: ColumnEntry) -> str:
    source = column.source or ""
    return _code(source) if re.fullmatch(r"[\w.]+", source) else _cell(source)


def column_table(entry: RelationEntry) -> str:
    """The markdown table of ``entry``'s columns."""
    if entry.kind == "table":
        lines = ["| column | type | null | meaning | example |", "|---|---|---|---|---|"]
        for column in entry.columns:
            example = "NULL" if column.example is None else _code(column.example)
            cells = (_code(column.name), _cell(column.type or ""), "yes" if column.nullable else "no")
            lines.append(f"| {' | '.join(cells)} | {_cell(column.description)} | {example} |")
    elif entry.kind == "view":
        lines = ["| column | from | meaning |", "|---|---|---|"]
        lines += [f"| {_code(c.name)} | {_source(c)} | {_cell(c.description)} |" for c in entry.columns]
    else:
        lines = ["| column | meaning |", "|---|---|"]
        lines += [f"| {_code(c.name)} | {_cell(c.description)} |" for c in entry.columns]
    return "\n".join(lines)


def generated_block(entry: RelationEntry) -> str:
    """The markers and the column table between them."""
    return f"{_START.format(name=entry.name)}\n{column_table(entry)}\n{_END}"


def update_schema_doc(text: str) -> str:
    """``text`` (docs/schema.md) with every generated column table written afresh.

    Raises SchemaDocError when a table or view of the catalog has no markers in ``text``, or the
    markers name one that it does not have.
    """
    entries = {entry.name: entry for entry in catalog()}
    found: set[str] = set()

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in entries:
            raise SchemaDocError(f"docs/schema.md has generated columns of {name!r}, which is no table or view")
        found.add(name)
        return generated_block(entries[name])

    updated = _BLOCK.sub(replace, text)
    missing = sorted(set(entries) - found)
    if missing:
        raise SchemaDocError(f"docs/schema.md has no generated columns of {', '.join(missing)}: add its markers")
    return updated
