"""Compare two stored documents: which indicators and scoring rules were renamed, added, removed or changed.

The comparison itself (:func:`diff_documents`) is a pure function over the small frozen records
below; :func:`document_from_extraction` builds them from an extraction and :func:`load_pair` from
the database, and :func:`diff_to_json` / :func:`render_text` print the result.

How indicators are paired (every node of the tree, sections as well as leaves), level by level
from the top:

1. **by path** — an old and a new indicator pair when their parents are paired (or both are top
   level) and their names are equal after :func:`normalize_name` (NFKC, case, whitespace and
   punctuation ignored, a leading enumeration such as ``1、`` or ``（二）`` dropped). This is
   "same path" compared name by name, so the children of a renamed section still pair by path.
   Repeated names under one parent pair in document order.
2. **renamed** — the remaining ones of the same level pair when the
   :class:`difflib.SequenceMatcher` ratio of their normalized names is at least
   :data:`RENAME_THRESHOLD`; one-to-one, greedily: pairs under paired parents first, then by the
   highest ratio, then by document order. A pair with equal names under different parents is an
   indicator that moved; it is reported as renamed with ratio 1.
3. whatever is still unpaired is **removed** (old) or **added** (new).

A pair is **changed** when its points, target (op, value, unit), description (normalized text)
or score differ. Scoring rules are compared as (kind, points, per, cap), as multisets, per paired
indicator and for the document-wide rules; rules of added or removed indicators are listed with
those indicators, not as rule changes.
"""

from __future__ import annotations

import json
import math
import os
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

import regex
from sqlalchemy import inspect, make_url, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from schema.records import Extraction

# 0.6 keeps rewordings that share most of their characters ("加强精品课程建设" → "加强老年教育精品课程
# 建设" is 0.8) and rejects most different tasks that share stock words ("加强智能技术教育" /
# "加强精品课程建设" 0.25, "加强教师队伍建设。" / "加强精品课程建设" 0.5). It cannot tell short
# sibling names apart ("加强教师队伍建设。" / "加强学员骨干队伍建设" 0.67): had one been dropped and the
# other added, that would show as a rename, which is why every rename is reported with its ratio.
RENAME_THRESHOLD = 0.6

PATH_SEPARATOR = " / "  # as in indicators.path

NodePath = tuple[str, ...]  # an indicator's path: the names of its ancestors and its own


# -- records ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Rule:
    """A scoring rule (a stored clause) as the diff sees it."""

    kind: str
    points: float | None
    per_count: float | None = None
    per_unit: str | None = None
    cap: float | None = None
    text: str = ""

    def key(self) -> tuple[str, float | None, float | None, str, float | None]:
        """What identifies the rule across versions: (kind, points, per, cap); the wording does not."""
        return (
            self.kind,
            _number_key(self.points),
            _number_key(self.per_count),
            normalize_text(self.per_unit or ""),
            _number_key(self.cap),
        )


@dataclass(frozen=True, slots=True)
class Node:
    """One indicator of a document; ``id`` is unique within the document, ``parent_id`` refers to it."""

    id: int
    parent_id: int | None
    name: str
    description: str | None = None
    points: float | None = None
    score: float | None = None
    target_op: str | None = None
    target_value: float | None = None
    target_unit: str | None = None
    rules: tuple[Rule, ...] = ()


@dataclass(frozen=True, slots=True)
class Document:
    """One side of a comparison: the document's fields, its indicators in order, its document-wide rules."""

    id: int | None
    source_path: str
    format: str | None = None
    title: str | None = None
    organization: str | None = None
    supervisor: str | None = None
    year: int | None = None
    total_points: float | None = None
    total_score: float | None = None
    nodes: tuple[Node, ...] = ()
    rules: tuple[Rule, ...] = ()


@dataclass(frozen=True, slots=True)
class Entry:
    """An indicator present on one side only (added or removed)."""

    path: NodePath
    node: Node
    is_leaf: bool


@dataclass(frozen=True, slots=True)
class Rename:
    """A pair matched by similarity (or an indicator that moved under another parent: ratio 1)."""

    old_path: NodePath
    new_path: NodePath
    ratio: float


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field of a paired indicator that differs: points, target, description or score."""

    field: str
    old: object
    new: object


@dataclass(frozen=True, slots=True)
class Change:
    old_path: NodePath
    new_path: NodePath
    fields: tuple[FieldChange, ...]


@dataclass(frozen=True, slots=True)
class RuleChange:
    """A rule on one side only; ``path`` is its indicator's path, None for a document-wide rule."""

    path: NodePath | None
    rule: Rule


@dataclass(frozen=True, slots=True)
class DocumentDiff:
    old: Document
    new: Document
    renamed: tuple[Rename, ...]
    added: tuple[Entry, ...]
    removed: tuple[Entry, ...]
    changed: tuple[Change, ...]
    rules_added: tuple[RuleChange, ...]
    rules_removed: tuple[RuleChange, ...]

    @property
    def empty(self) -> bool:
        return not (
            self.renamed or self.added or self.removed or self.changed or self.rules_added or self.rules_removed
        )


# -- normalisation ------------------------------------------------------------------------------

# A leading enumeration: "1、" "1." "(1)" "（一）" "一、" "①". The digit guard keeps "1.5倍…" whole.
_ENUMERATION = regex.compile(
    r"^\s*(?:[(（]\s*(?:\d+|[一二三四五六七八九十百零〇]+)\s*[)）]"
    r"|\d+\s*(?:[、,，)）]|[.．](?!\d))"
    r"|[一二三四五六七八九十百零〇]+\s*[、.．,，]"
    r"|[①-⑳])\s*"
)
_KEPT_PUNCTUATION = frozenset("%‰")  # they change what a number means


def normalize_text(text: str) -> str:
    """``text`` for comparison: NFKC, case-folded, without whitespace, control characters and punctuation.

    Full-width and half-width forms compare equal, and so do texts that differ only in commas,
    brackets, quotes or line wraps. Kept: ``%`` and ``‰``, and a ``.`` between digits (1.5 ≠ 15).
    """
    text = unicodedata.normalize("NFKC", text).casefold()
    out: list[str] = []
    for i, char in enumerate(text):
        category = unicodedata.category(char)
        if category[0] in "PZC" or char.isspace():
            between_digits = char == "." and 0 < i < len(text) - 1 and text[i - 1].isdigit() and text[i + 1].isdigit()
            if not (char in _KEPT_PUNCTUATION or between_digits):
                continue
        out.append(char)
    return "".join(out)


def normalize_name(name: str) -> str:
    """An indicator name for matching: :func:`normalize_text` without a leading enumeration.

    The enumeration is dropped because inserting one item renumbers all later ones, which would
    otherwise turn every one of them into a rename.
    """
    return normalize_text(_ENUMERATION.sub("", name, count=1))


def similarity(a: str, b: str) -> float:
    """The SequenceMatcher ratio of two names after :func:`normalize_name` (1.0 when equal)."""
    na, nb = normalize_name(a), normalize_name(b)
    if na == nb:
        return 1.0
    return SequenceMatcher(None, na, nb, autojunk=False).ratio()


def _number_key(value: float | None) -> float | None:
    # Rounded so that 0.3 read from two different texts (0.30000000000000004) compares equal.
    return None if value is None else round(value, 6)


def _same_number(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


# -- the tree -----------------------------------------------------------------------------------


def node_paths(nodes: Sequence[Node]) -> dict[int, NodePath]:
    """Each node's path (ancestor names and its own) by id.

    A parent that is not among ``nodes`` makes the node a top-level one, and a cycle is cut where
    it closes, so any input yields paths (the loader refuses both, but the diff need not rely on it).
    """
    by_id = {node.id: node for node in nodes}
    paths: dict[int, NodePath] = {}
    for node in nodes:
        chain: list[Node] = []
        seen: set[int] = set()
        current: Node | None = node
        while current is not None and current.id not in paths and current.id not in seen:
            seen.add(current.id)
            chain.append(current)
            current = by_id.get(current.parent_id) if current.parent_id is not None else None
        prefix: NodePath = paths[current.id] if current is not None and current.id in paths else ()
        for member in reversed(chain):
            prefix = (*prefix, member.name)
            paths[member.id] = prefix
    return paths


def _parents(nodes: Sequence[Node], paths: dict[int, NodePath]) -> dict[int, int | None]:
    # The effective parent: None where node_paths treated the node as top level.
    by_id = {node.id: node for node in nodes}
    parents: dict[int, int | None] = {}
    for node in nodes:
        parent = node.parent_id
        parents[node.id] = parent if parent in by_id and len(paths[node.id]) > 1 else None
    return parents


def _parents_correspond(old_parent: int | None, new_parent: int | None, pairs: dict[int, int]) -> bool:
    """Whether two nodes with these parents sit at the same place: both top level, or parents paired."""
    if old_parent is None or new_parent is None:
        return old_parent is None and new_parent is None
    return pairs.get(old_parent) == new_parent


# -- matching -----------------------------------------------------------------------------------


def match_nodes(old: Sequence[Node], new: Sequence[Node], threshold: float = RENAME_THRESHOLD) -> dict[int, int]:
    """Pair old indicators with new ones (old id → new id), one-to-one, by the rules in the module docstring."""
    old_paths, new_paths = node_paths(old), node_paths(new)
    old_parent, new_parent = _parents(old, old_paths), _parents(new, new_paths)
    old_names = {node.id: normalize_name(node.name) for node in old}
    new_names = {node.id: normalize_name(node.name) for node in new}
    old_order = {node.id: i for i, node in enumerate(old)}
    new_order = {node.id: i for i, node in enumerate(new)}

    old_by_depth: dict[int, list[int]] = defaultdict(list)
    new_by_depth: dict[int, list[int]] = defaultdict(list)
    for node in old:
        old_by_depth[len(old_paths[node.id])].append(node.id)
    for node in new:
        new_by_depth[len(new_paths[node.id])].append(node.id)

    pairs: dict[int, int] = {}
    taken: set[int] = set()

    def corresponds(old_id: int, new_id: int) -> bool:
        return _parents_correspond(old_parent[old_id], new_parent[new_id], pairs)

    # Top-down, so that when a level is matched its parents are already paired.
    for depth in sorted(set(old_by_depth) | set(new_by_depth)):
        # 1. By path: paired parents and the same normalized name; repeats pair in document order.
        waiting: dict[tuple[int | None, str], list[int]] = defaultdict(list)
        for new_id in new_by_depth.get(depth, []):
            waiting[(new_parent[new_id], new_names[new_id])].append(new_id)
        for old_id in old_by_depth.get(depth, []):
            parent = old_parent[old_id]
            if parent is not None and parent not in pairs:
                continue
            queue = waiting.get((None if parent is None else pairs[parent], old_names[old_id]))
            if queue:
                new_id = queue.pop(0)
                pairs[old_id] = new_id
                taken.add(new_id)

        # 2. Renamed: the rest of this level by similarity, greedily.
        old_left = [i for i in old_by_depth.get(depth, []) if i not in pairs and old_names[i]]
        new_left = [i for i in new_by_depth.get(depth, []) if i not in taken and new_names[i]]
        candidates: list[tuple[bool, float, int, int]] = []
        for new_id in new_left:
            # SequenceMatcher indexes its second sequence; set it once per new name.
            matcher = SequenceMatcher(None, autojunk=False)
            matcher.set_seq2(new_names[new_id])
            for old_id in old_left:
                matcher.set_seq1(old_names[old_id])
                # The cheap upper bounds first: most pairs are far apart.
                if matcher.real_quick_ratio() < threshold or matcher.quick_ratio() < threshold:
                    continue
                ratio = matcher.ratio()
                if ratio >= threshold:
                    candidates.append((corresponds(old_id, new_id), ratio, old_id, new_id))
        candidates.sort(key=lambda c: (not c[0], -c[1], old_order[c[2]], new_order[c[3]]))
        for _same_parent, _ratio, old_id, new_id in candidates:
            if old_id not in pairs and new_id not in taken:
                pairs[old_id] = new_id
                taken.add(new_id)
    return pairs


# -- comparing ----------------------------------------------------------------------------------


def _target(node: Node) -> dict[str, object] | None:
    if node.target_op is None and node.target_value is None and not node.target_unit:
        return None
    return {"op": node.target_op, "value": node.target_value, "unit": node.target_unit}


def _same_target(old: Node, new: Node) -> bool:
    return (
        old.target_op == new.target_op
        and _same_number(old.target_value, new.target_value)
        and normalize_text(old.target_unit or "") == normalize_text(new.target_unit or "")
    )


def compare_fields(old: Node, new: Node) -> tuple[FieldChange, ...]:
    """The fields of a paired indicator that differ, in the order points, target, description, score."""
    changes: list[FieldChange] = []
    if not _same_number(old.points, new.points):
        changes.append(FieldChange("points", old.points, new.points))
    if not _same_target(old, new):
        changes.append(FieldChange("target", _target(old), _target(new)))
    if normalize_text(old.description or "") != normalize_text(new.description or ""):
        changes.append(FieldChange("description", old.description, new.description))
    if not _same_number(old.score, new.score):
        changes.append(FieldChange("score", old.score, new.score))
    return tuple(changes)


def compare_rules(old: Iterable[Rule], new: Iterable[Rule]) -> tuple[tuple[Rule, ...], tuple[Rule, ...]]:
    """(added, removed): the rules of ``new`` and of ``old`` left over when equal keys cancel out.

    Multisets: two identical rules on one side and one on the other leave one. Of repeated rules
    the later ones are the leftovers.
    """
    old, new = list(old), list(new)
    common = Counter(rule.key() for rule in old) & Counter(rule.key() for rule in new)

    def leftovers(rules: list[Rule]) -> tuple[Rule, ...]:
        budget = Counter(common)
        out: list[Rule] = []
        for rule in rules:
            if budget[rule.key()] > 0:
                budget[rule.key()] -= 1
            else:
                out.append(rule)
        return tuple(out)

    return leftovers(new), leftovers(old)


def _leaves(nodes: Sequence[Node]) -> set[int]:
    parents = {node.parent_id for node in nodes}
    return {node.id for node in nodes if node.id not in parents}


def diff_documents(old: Document, new: Document, threshold: float = RENAME_THRESHOLD) -> DocumentDiff:
    """Everything that differs between the indicators and rules of ``old`` and ``new``."""
    pairs = match_nodes(old.nodes, new.nodes, threshold)
    old_paths, new_paths = node_paths(old.nodes), node_paths(new.nodes)
    old_parent, new_parent = _parents(old.nodes, old_paths), _parents(new.nodes, new_paths)
    old_by_id = {node.id: node for node in old.nodes}
    old_leaves, new_leaves = _leaves(old.nodes), _leaves(new.nodes)
    paired_new = {new_id: old_id for old_id, new_id in pairs.items()}

    renamed: list[Rename] = []
    changed: list[Change] = []
    rules_added: list[RuleChange] = []
    rules_removed: list[RuleChange] = []
    # In the new document's order: the reader follows the new version.
    for node in new.nodes:
        old_id = paired_new.get(node.id)
        if old_id is None:
            continue
        old_node = old_by_id[old_id]
        same_parent = _parents_correspond(old_parent[old_id], new_parent[node.id], pairs)
        if normalize_name(old_node.name) != normalize_name(node.name) or not same_parent:
            renamed.append(Rename(old_paths[old_id], new_paths[node.id], similarity(old_node.name, node.name)))
        fields = compare_fields(old_node, node)
        if fields:
            changed.append(Change(old_paths[old_id], new_paths[node.id], fields))
        added, removed = compare_rules(old_node.rules, node.rules)
        rules_added += (RuleChange(new_paths[node.id], rule) for rule in added)
        rules_removed += (RuleChange(old_paths[old_id], rule) for rule in removed)
    added_wide, removed_wide = compare_rules(old.rules, new.rules)
    rules_added += (RuleChange(None, rule) for rule in added_wide)
    rules_removed += (RuleChange(None, rule) for rule in removed_wide)

    return DocumentDiff(
        old=old,
        new=new,
        renamed=tuple(renamed),
        added=tuple(Entry(new_paths[n.id], n, n.id in new_leaves) for n in new.nodes if n.id not in paired_new),
        removed=tuple(Entry(old_paths[n.id], n, n.id in old_leaves) for n in old.nodes if n.id not in pairs),
        changed=tuple(changed),
        rules_added=tuple(rules_added),
        rules_removed=tuple(rules_removed),
    )


# -- building the records -----------------------------------------------------------------------


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


def find_by_org_years(session: Session, name: str, years: tuple[int, int]) -> tuple[int, int]:
    """The ids of the documents of organization ``name`` for each of ``years``.

    ``name`` is the organization exactly, or a substring of exactly one stored organization. Each
    year must have exactly one document; otherwise the error lists what there is.
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
    for year in years:
        rows = session.execute(
            select(DocumentRow.id, DocumentRow.source_path)
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
        if len(rows) > 1:
            raise DiffLookupError(
                f"{len(rows)} stored documents of {organization} for {year}: "
                f"{_describe((r.id, r.source_path) for r in rows)}; pass OLD and NEW as ids or paths"
            )
        found.append(rows[0].id)
    return found[0], found[1]


def load_pair(
    db_url: str,
    refs: tuple[str, str] | None = None,
    organization: str | None = None,
    years: tuple[int, int] | None = None,
) -> tuple[Document, Document]:
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
            if refs is not None:
                ids = (find_document(session, refs[0]), find_document(session, refs[1]))
            elif organization is not None and years is not None:
                ids = find_by_org_years(session, organization, years)
            else:
                raise ValueError("load_pair needs refs, or organization and years")
            return read_document(session, ids[0]), read_document(session, ids[1])
    except SQLAlchemyError as exc:
        raise DiffLookupError(f"database {describe_url(db_url)}: {_first_line(exc)}") from exc
    finally:
        engine.dispose()


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text.splitlines()[0]}" if text else type(exc).__name__


# -- output -------------------------------------------------------------------------------------


def _path_text(path: NodePath | None) -> str | None:
    return None if path is None else PATH_SEPARATOR.join(path)


def _document_json(doc: Document) -> dict[str, object]:
    return {
        "id": doc.id,
        "source_path": doc.source_path,
        "format": doc.format,
        "title": doc.title,
        "organization": doc.organization,
        "supervisor": doc.supervisor,
        "year": doc.year,
        "total_points": doc.total_points,
        "total_score": doc.total_score,
        "indicator_count": len(doc.nodes),
    }


def _rule_json(rule: Rule, path: NodePath | None) -> dict[str, object]:
    per = None if rule.per_count is None and rule.per_unit is None else {"count": rule.per_count, "unit": rule.per_unit}
    return {
        "path": _path_text(path),
        "kind": rule.kind,
        "points": rule.points,
        "per": per,
        "cap": rule.cap,
        "text": rule.text,
    }


def _entry_json(entry: Entry) -> dict[str, object]:
    return {
        "path": _path_text(entry.path),
        "level": len(entry.path),
        "points": entry.node.points,
        "is_leaf": entry.is_leaf,
        "clauses": [_rule_json(rule, entry.path) for rule in entry.node.rules],
    }


def diff_to_dict(diff: DocumentDiff) -> dict[str, object]:
    """The diff as the ``kaohe diff --json`` object (keys and list order are stable)."""
    return {
        "old": _document_json(diff.old),
        "new": _document_json(diff.new),
        "added": [_entry_json(entry) for entry in diff.added],
        "removed": [_entry_json(entry) for entry in diff.removed],
        "renamed": [
            {
                "old_path": _path_text(r.old_path),
                "new_path": _path_text(r.new_path),
                "old_name": r.old_path[-1],
                "new_name": r.new_path[-1],
                "ratio": round(r.ratio, 3),
            }
            for r in diff.renamed
        ],
        "changed": [
            {
                "path": _path_text(c.new_path),
                "old_path": _path_text(c.old_path),
                "changes": {f.field: {"old": f.old, "new": f.new} for f in c.fields},
            }
            for c in diff.changed
        ],
        "clauses": {
            "added": [_rule_json(rc.rule, rc.path) for rc in diff.rules_added],
            "removed": [_rule_json(rc.rule, rc.path) for rc in diff.rules_removed],
        },
    }


def diff_to_json(diff: DocumentDiff, indent: int | None = 2) -> str:
    return json.dumps(diff_to_dict(diff), ensure_ascii=False, indent=indent)


def _num(value: float | None) -> str:
    return "none" if value is None else f"{value:g}"


def _target_text(target: object) -> str:
    if not isinstance(target, dict):
        return "none"
    value = target.get("value")
    return f"{target.get('op') or ''}{'' if value is None else f'{value:g}'}{target.get('unit') or ''}" or "none"


def _field_text(change: FieldChange) -> str:
    if change.field == "description":
        # Only whether: both texts would swamp the listing (they are in the JSON).
        if not change.old:
            return "description added"
        return "description removed" if not change.new else "description changed"
    if change.field == "target":
        return f"target {_target_text(change.old)} → {_target_text(change.new)}"
    old = change.old if isinstance(change.old, (int, float)) else None
    new = change.new if isinstance(change.new, (int, float)) else None
    return f"{change.field} {_num(old)} → {_num(new)}"


def _rule_text(rule: Rule) -> str:
    parts = [rule.kind]
    if rule.points is not None:
        parts.append(f"{rule.points:g}")
    if rule.per_count is not None or rule.per_unit:
        parts.append(f"per {_num(rule.per_count) if rule.per_count is not None else ''}{rule.per_unit or ''}")
    if rule.cap is not None:
        parts.append(f"cap {rule.cap:g}")
    return " ".join(parts) + (f" «{rule.text}»" if rule.text else "")


def _document_line(label: str, doc: Document) -> str:
    fields = [doc.organization, None if doc.year is None else str(doc.year), doc.title]
    if doc.total_points is not None:
        fields.append(f"total {doc.total_points:g}")
    details = ", ".join(f for f in fields if f)
    return f"{label} #{doc.id} {doc.source_path}" + (f" — {details}" if details else "")


def render_text(diff: DocumentDiff) -> str:
    """The diff for reading: the two documents, a count line, then one group per kind of change."""
    rule_changes = len(diff.rules_added) + len(diff.rules_removed)
    lines = [
        _document_line("old", diff.old),
        _document_line("new", diff.new),
        f"{len(diff.renamed)} renamed, {len(diff.added)} added, {len(diff.removed)} removed, "
        f"{len(diff.changed)} changed, {rule_changes} clause changes",
    ]
    if diff.empty:
        lines.append("no differences in indicators or clauses")
        return "\n".join(lines)
    if diff.renamed:
        lines += ["", "renamed:"]
        for r in diff.renamed:
            if normalize_name(r.old_path[-1]) == normalize_name(r.new_path[-1]):
                # Same name, other parent (possibly one whose path reads the same, when names repeat).
                lines.append(f"  {_path_text(r.old_path)} → {_path_text(r.new_path)} (moved)")
            elif r.old_path[:-1] == r.new_path[:-1]:
                lines.append(f"  {_path_text(r.old_path)} → {r.new_path[-1]} (similarity {r.ratio:.2f})")
            else:
                lines.append(f"  {_path_text(r.old_path)} → {_path_text(r.new_path)} (similarity {r.ratio:.2f})")
    for title, entries, sign in (("added", diff.added, "+"), ("removed", diff.removed, "-")):
        if entries:
            lines += ["", f"{title}:"]
            for entry in entries:
                extra = [f"{entry.node.points:g} points"] if entry.node.points is not None else []
                if entry.node.rules:
                    extra.append(f"{len(entry.node.rules)} clauses")
                suffix = f" ({', '.join(extra)})" if extra else ""
                lines.append(f"  {sign} {_path_text(entry.path)}{suffix}")
    if diff.changed:
        lines += ["", "changed:"]
        for change in diff.changed:
            lines.append(f"  {_path_text(change.new_path)}: {'; '.join(_field_text(f) for f in change.fields)}")
    if rule_changes:
        lines += ["", "clause changes:"]
        for sign, rule_changes_ in (("+", diff.rules_added), ("-", diff.rules_removed)):
            for rc in rule_changes_:
                where = _path_text(rc.path) if rc.path is not None else "(document)"
                lines.append(f"  {sign} {where}: {_rule_text(rc.rule)}")
    return "\n".join(lines)
