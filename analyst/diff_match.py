"""Compare two stored documents: which indicators and scoring rules were renamed, added, removed or changed.

The comparison itself (:func:`diff_documents`) is a pure function over the small frozen records
below; :mod:`analyst.diff_load` builds them from an extraction or the database, and
:mod:`analyst.diff_render` prints the result.

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

import math
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

import regex

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

