"""Rendering a :class:`~analyst.diff_match.DocumentDiff`: text for reading, and the ``kaohe diff --json`` object."""

from __future__ import annotations

import json

from analyst.diff_match import (
    PATH_SEPARATOR,
    Document,
    DocumentDiff,
    Entry,
    FieldChange,
    NodePath,
    Rule,
    normalize_name,
)


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
