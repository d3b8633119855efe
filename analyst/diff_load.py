"""Where the documents a diff compares come from: an extraction, or a kaohe database (by id, path, org and years)."""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import inspect, make_url, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from analyst.diff_match import Document, Node, Rule
from schema.records import Extraction


def document_from_extraction(extraction: Extraction, document_id: int | None = None) -> Document:
    """The diff's view of an extraction (nothing stored needed), e.g. to compare two files directly."""
    rules: dict[int | None, list[Rule]] = defaultdict(list)
    for clause in extraction.clauses:
        per = clause.per
        rules[clause.indicator_id].append(
            Rule(
                kind=clause.kind,
                points=clause.points,
                per_count=None if per is None else per.count,
                per_unit=None if per is None else per.unit,
                cap=clause.cap,
                text=clause.text,
            )
        )
    nodes = tuple(
        Node(
            id=ind.id,
            parent_id=ind.parent_id,
            name=ind.name,
            description=ind.description,
            points=ind.points,
            score=ind.score,
            target_op=None if ind.target is None else ind.target.op,
            target_value=None if ind.target is None else ind.target.value,
            target_unit=None if ind.target is None else ind.target.unit,
            rules=tuple(rules.get(ind.id, ())),
        )
        for ind in extraction.indicators
    )
    info = extraction.document
    return Document(
        id=document_id,
        source_path=info.source,
        format=info.format,
        title=info.title,
        organization=info.organization,
        supervisor=info.supervisor,
        year=info.year,
        total_points=info.total_points,
        total_score=info.total_score,
        nodes=nodes,
        rules=tuple(rules.get(None, ())),
    )


# -- the database -------------------------------------------------------------------------------


class DiffLookupError(LookupError):
    """A document to compare cannot be found (or not told apart); ``str()`` is one line for the user."""


def read_document(session: Session, document_id: int) -> Document:
    """The stored document ``document_id`` with its indicators (in ordinal order) and clauses."""
    from schema.models import ClauseRow, DocumentRow, IndicatorRow

    doc = session.execute(
        select(
            DocumentRow.id,
            DocumentRow.source_path,
            DocumentRow.format,
            DocumentRow.title,
            DocumentRow.organization,
            DocumentRow.supervisor,
            DocumentRow.year,
            DocumentRow.total_points,
            DocumentRow.total_score,
        ).where(DocumentRow.id == document_id)
    ).one_or_none()
    if doc is None:
        raise DiffLookupError(f"no stored document with id {document_id}")

    rules: dict[int | None, list[Rule]] = defaultdict(list)
    for indicator_id, kind, points, per_count, per_unit, cap, text in session.execute(
        select(
            ClauseRow.indicator_id,
            ClauseRow.kind,
            ClauseRow.points,
            ClauseRow.per_count,
            ClauseRow.per_unit,
            ClauseRow.cap,
            ClauseRow.text,
        )
        .where(ClauseRow.document_id == document_id)
        .order_by(ClauseRow.id)
    ):
        rules[indicator_id].append(Rule(kind, points, per_count, per_unit, cap, text))

    nodes = tuple(
        Node(
            id=row.id,
            parent_id=row.parent_id,
            name=row.name,
            description=row.description,
            points=row.points,
            score=row.score,
            target_op=row.target_op,
            target_value=row.target_value,
            target_unit=row.target_unit,
            rules=tuple(rules.get(row.id, ())),
        )
        for row in session.execute(
            select(
                IndicatorRow.id,
                IndicatorRow.parent_id,
                IndicatorRow.name,
                IndicatorRow.description,
                IndicatorRow.points,
                IndicatorRow.score,
                IndicatorRow.target_op,
                IndicatorRow.target_value,
                IndicatorRow.target_unit,
            )
            .where(IndicatorRow.document_id == document_id)
            .order_by(IndicatorRow.ordinal, IndicatorRow.id)
        )
    )
    return Document(
        id=doc.id,
        source_path=doc.source_path,
        format=doc.format,
        title=doc.title,
        organization=doc.organization,
        supervisor=doc.supervisor,
        year=doc.year,
        total_points=doc.total_points,
        total_score=doc.total_score,
        nodes=nodes,
        rules=tuple(rules.get(None, ())),
    )


def _describe(rows: Iterable[tuple[int, str]]) -> str:
    return ", ".join(f"#{doc_id} {path}" for doc_id, path in rows)


def find_document(session: Session, ref: str) -> int:
    """The id of the stored document ``ref`` names: a documents.id, a source_path, or a path resolving to one.

    A relative path is resolved against the current directory, as ingest stored it.
    """
    from pipeline.load import source_path_of
    from schema.models import DocumentRow

    if ref.isascii() and ref.isdigit():
        found = session.execute(select(DocumentRow.id).where(DocumentRow.id == int(ref))).scalar_one_or_none()
        if found is not None:
            return found
    found = session.execute(select(DocumentRow.id).where(DocumentRow.source_path == ref)).scalar_one_or_none()
    if found is not None:
        return found
    key = source_path_of(Path(ref))
    found = session.execute(select(DocumentRow.id).where(DocumentRow.source_path == key)).scalar_one_or_none()
    if found is not None:
        return found
    # Last resort, for symbolic links and the like: compare where the paths really lead.
    wanted = os.path.realpath(ref)
    stored = session.execute(select(DocumentRow.id, DocumentRow.source_path).order_by(DocumentRow.id)).all()
    same = [(doc_id, path) for doc_id, path in stored if os.path.realpath(path) == wanted]
    if len(same) == 1:
        return same[0][0]
    if len(same) > 1:
        raise DiffLookupError(f"{ref} is stored more than once: {_describe(same)}; pass an id")
    what = "id or source path" if ref.isascii() and ref.isdigit() else "source path"
    message = f"no stored document with {what} {ref}"
    namesakes = [(doc_id, path) for doc_id, path in stored if Path(path).name == Path(ref).name]
    if namesakes:
        message += f" (stored with that file name: {_describe(namesakes[:5])})"
    raise DiffLookupError(message)


# Which form of a document a diff reads when a year has several (the DOCX and the PDF printed
# from it): the structured formats first, as their grids come straight from the file; PDF last,
# as its grid is rebuilt from the page. (pipeline/ingest: one document_key for all forms.)
FORM_PREFERENCE = ("docx", "xlsx", "xls", "html", "text", "pdf")


@dataclass(frozen=True, slots=True)
class Pair:
    """The two documents a diff compares, and what was decided on the way (a form picked, two
    organizations that differ) for the user to read."""

    old: Document
    new: Document
    notes: tuple[str, ...] = ()


def _form_rank(form: str) -> int:
    return FORM_PREFERENCE.index(form) if form in FORM_PREFERENCE else len(FORM_PREFERENCE)


def find_by_org_years(session: Session, name: str, years: tuple[int, int]) -> tuple[tuple[int, int], tuple[str, ...]]:
    """The ids of the documents of organization ``name`` for each of ``years``, and notes.

    ``name`` is the organization exactly, or a substring of exactly one stored organization. A
    year with several documents that are forms of one (the same ``document_key``: a DOCX and its
    PDF) gets the form of :data:`FORM_PREFERENCE`, with a note naming the others; a year with
    different documents is an error that lists them.
    """
    from schema.models import DocumentRow

    wanted = name.strip()
    organizations = sorted(
        session.execute(select(DocumentRow.organization).where(DocumentRow.organization.is_not(None)).distinct())
        .scalars()
        .all()
    )
    if wanted in organizations:
        organization = wanted
    else:
        candidates = [org for org in organizations if wanted and wanted in org]
        if not candidates:
            listed = ", ".join(organizations[:10]) + (", …" if len(organizations) > 10 else "")
            known = f"stored organizations: {listed}" if organizations else "no document has an organization"
            raise DiffLookupError(f"no stored organization matches {wanted!r} ({known})")
        if len(candidates) > 1:
            raise DiffLookupError(f"organization {wanted!r} is ambiguous: {', '.join(candidates)}")
        organization = candidates[0]

    found: list[int] = []
    notes: list[str] = []
    for year in years:
        rows = session.execute(
            select(DocumentRow.id, DocumentRow.source_path, DocumentRow.format, DocumentRow.document_key)
            .where(DocumentRow.organization == organization, DocumentRow.year == year)
            .order_by(DocumentRow.id)
        ).all()
        if not rows:
            stored_years = sorted(
                {
                    y
                    for y in session.execute(
                        select(DocumentRow.year).where(DocumentRow.organization == organization)
                    ).scalars()
                    if y is not None
                }
            )
            have = ", ".join(map(str, stored_years)) or "none"
            raise DiffLookupError(f"no stored document of {organization} for {year} (stored years: {have})")
        keys = {row.document_key for row in rows}
        if len(rows) > 1 and (len(keys) > 1 or None in keys):
            raise DiffLookupError(
                f"{len(rows)} different stored documents of {organization} for {year}: "
                f"{_describe((r.id, r.source_path) for r in rows)}; pass OLD and NEW as ids or paths"
            )
        chosen = min(rows, key=lambda row: (_form_rank(row.format), row.id))
        if len(rows) > 1:
            others = _describe((r.id, r.source_path) for r in rows if r.id != chosen.id)
            notes.append(
                f"{year}: {len(rows)} forms of one document; reading #{chosen.id} {chosen.source_path} "
                f"({chosen.format}), not {others} (pass OLD and NEW as ids to choose)"
            )
        found.append(chosen.id)
    return (found[0], found[1]), tuple(notes)


def organization_note(old: Document, new: Document) -> str | None:
    """A warning when the two documents are of different organizations (known on both sides)."""
    if old.organization and new.organization and old.organization != new.organization:
        return f"the documents are of different organizations: {old.organization} (old) and {new.organization} (new)"
    return None


def load_pair(
    db_url: str,
    refs: tuple[str, str] | None = None,
    organization: str | None = None,
    years: tuple[int, int] | None = None,
) -> Pair:
    """Read the two documents to compare from ``db_url``: by ``refs`` (ids or paths) or by organization and years.

    Raises DiffLookupError with a one-line message when the database, a document or the
    organization is missing or ambiguous. Nothing is written (a missing SQLite file is not created).
    """
    from schema.models import create_engine_for, describe_url

    try:
        url = make_url(db_url)
    except SQLAlchemyError as exc:
        raise DiffLookupError(f"bad database URL {db_url!r}: {exc}") from exc
    database = url.database
    if (
        url.get_backend_name() == "sqlite"
        and database
        and database != ":memory:"
        and not database.startswith("file:")
        and not Path(database).is_file()
    ):
        raise DiffLookupError(f"no database at {describe_url(db_url)} (run kaohe ingest first)")
    try:
        engine = create_engine_for(db_url)
    except (SQLAlchemyError, ImportError) as exc:
        raise DiffLookupError(f"database {describe_url(db_url)}: {_first_line(exc)}") from exc
    try:
        if not inspect(engine).has_table("documents"):
            raise DiffLookupError(f"database {describe_url(db_url)} holds no kaohe documents (run kaohe ingest)")
        with Session(engine) as session:
            notes: tuple[str, ...] = ()
            if refs is not None:
                ids = (find_document(session, refs[0]), find_document(session, refs[1]))
            elif organization is not None and years is not None:
                ids, notes = find_by_org_years(session, organization, years)
            else:
                raise ValueError("load_pair needs refs, or organization and years")
            old, new = read_document(session, ids[0]), read_document(session, ids[1])
            differing = organization_note(old, new)
            return Pair(old, new, (*notes, *([differing] if differing else [])))
    except SQLAlchemyError as exc:
        raise DiffLookupError(f"database {describe_url(db_url)}: {_first_line(exc)}") from exc
    finally:
        engine.dispose()


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text.splitlines()[0]}" if text else type(exc).__name__

