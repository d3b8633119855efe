"""`kaohe search`: find indicator names, descriptions and clause (rule) texts containing a string.

On SQLite with the full-text index (schema/search.py) a query of three or more characters is a
trigram MATCH of the whole query as one phrase, which finds the same rows as a substring test
but without reading every row. Shorter queries, PostgreSQL (ILIKE) and SQLite without the index
use LIKE. Either way a hit is a row whose text contains the query, ignoring ASCII case; hits are
ordered by document, indicator path and kind, so the two ways give the same list.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from analyst.guard import DatabaseUnavailable, QueryFailed, open_read_only, read_transaction
from schema.search import MIN_MATCH_CHARS, SEARCH_KINDS, has_search_index

DEFAULT_LIMIT = 50


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One text that contains the query, with where it is."""

    file_name: str
    title: str | None
    indicator_path: str | None  # None for a document-wide rule
    points: float | None  # of the indicator (name, description) or of the rule
    kind: str  # name, description or rule
    text: str


@dataclass(frozen=True, slots=True)
class SearchResult:
    """The hits (at most the limit) and how they were found."""

    hits: list[SearchHit]
    method: str  # "fts5" or "like"
    more: bool  # there are more hits than the limit


# (kind, document id, indicator id, clause id, text) of every searchable text; {match} filters it.
_LIKE_SOURCES = """
    SELECT 'name' AS kind, i.document_id, i.id AS indicator_id, CAST(NULL AS INTEGER) AS clause_id, i.name AS text
    FROM indicators AS i WHERE i.name {like} :pattern ESCAPE '\\'
    UNION ALL
    SELECT 'description', i.document_id, i.id, CAST(NULL AS INTEGER), i.description
    FROM indicators AS i WHERE i.description {like} :pattern ESCAPE '\\'
    UNION ALL
    SELECT 'rule', c.document_id, c.indicator_id, c.id, c.text
    FROM clauses AS c WHERE c.text {like} :pattern ESCAPE '\\'
"""
_FTS_SOURCES = """
    SELECT kind, document_id, indicator_id, clause_id, text FROM search_index WHERE search_index MATCH :phrase
"""
_KIND_ORDER = " ".join(f"WHEN '{kind}' THEN {rank}" for rank, kind in enumerate(SEARCH_KINDS))
_HITS = f"""
SELECT d.file_name, d.title, i.path,
       CASE WHEN hit.kind = 'rule' THEN c.points ELSE i.points END AS points,
       hit.kind, hit.text
FROM ({{sources}}) AS hit
JOIN documents AS d ON d.id = hit.document_id
LEFT JOIN indicators AS i ON i.id = hit.indicator_id
LEFT JOIN clauses AS c ON c.id = hit.clause_id
ORDER BY d.file_name, d.id, i.ordinal, CASE hit.kind {_KIND_ORDER} END, hit.clause_id
LIMIT :limit
"""


def _like_pattern(query: str) -> str:
    escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _fts_phrase(query: str) -> str:
    # One FTS5 string: the query's characters as they are, operators and all, matched in a row.
    return '"' + query.replace('"', '""') + '"'


def _search_on(connection: Connection, query: str, limit: int) -> SearchResult:
    if has_search_index(connection) and len(query) >= MIN_MATCH_CHARS:
        method, sources = "fts5", _FTS_SOURCES
        params: dict[str, object] = {"phrase": _fts_phrase(query)}
    else:
        like = "ILIKE" if connection.dialect.name == "postgresql" else "LIKE"
        method, sources = "like", _LIKE_SOURCES.format(like=like)
        params = {"pattern": _like_pattern(query)}
    rows = connection.execute(text(_HITS.format(sources=sources)), {**params, "limit": limit + 1}).all()
    hits = [
        SearchHit(
            file_name=row.file_name,
            title=row.title,
            indicator_path=row.path,
            points=row.points,
            kind=row.kind,
            text=row.text,
        )
        for row in rows[:limit]
    ]
    return SearchResult(hits=hits, method=method, more=len(rows) > limit)


def search(db_url: str, query: str, limit: int = DEFAULT_LIMIT) -> SearchResult:
    """The texts on ``db_url`` that contain ``query`` (read-only; see the module docstring).

    Raises DatabaseUnavailable or QueryFailed (analyst.guard's AccessError), ValueError for an
    empty query or a limit below 1.
    """
    if not query.strip():
        raise ValueError("the search text is empty")
    if limit < 1:
        raise ValueError(f"the limit must be at least 1, not {limit}")
    engine = open_read_only(db_url)
    try:
        with read_transaction(engine) as connection:
            return _search_on(connection, query, limit)
    except DatabaseUnavailable:
        raise
    except (DBAPIError, SQLAlchemyError) as exc:
        message = next((line for line in str(getattr(exc, "orig", None) or exc).splitlines() if line.strip()), "")
        hint = "is it a kaohe database? see `kaohe db current`"
        raise QueryFailed(f"search failed: {message} ({hint})") from exc
    finally:
        engine.dispose()
