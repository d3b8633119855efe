"""The export contract of `kaohe extract FILE --json` (see README: Export contract)."""

from __future__ import annotations

import json
from dataclasses import asdict

from schema.records import Clause, Extraction, Indicator


def _indicator_json(ind: Indicator) -> dict[str, object]:
    out = asdict(ind)
    out["target"] = None if ind.target is None else asdict(ind.target)
    return out


def _clause_json(clause: Clause) -> dict[str, object]:
    out = asdict(clause)
    out["per"] = None if clause.per is None else asdict(clause.per)
    return out


def extraction_to_json(extraction: Extraction, indent: int | None = 2) -> str:
    """Serialize one extraction as the export contract's JSON object."""
    doc = asdict(extraction.document)
    doc["facts"] = {f.name: f.value for f in extraction.facts}
    payload = {
        "document": doc,
        "indicators": [_indicator_json(i) for i in extraction.indicators],
        "clauses": [_clause_json(c) for c in extraction.clauses],
        "warnings": list(extraction.warnings),
        "checks": [{**asdict(c), "ok": c.ok} for c in extraction.checks],
    }
    return json.dumps(payload, ensure_ascii=False, indent=indent)
