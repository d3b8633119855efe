"""Rewrite the column tables of docs/schema.md from schema/models.py (see schema/schema_doc.py).

    python scripts/make-schema-doc.py          # rewrite docs/schema.md
    python scripts/make-schema-doc.py --check  # exit 1 when docs/schema.md is out of date
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from schema.schema_doc import SCHEMA_DOC, SchemaDocError, update_schema_doc


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check; exit 1 when the file is out of date")
    args = parser.parse_args()
    text = SCHEMA_DOC.read_text(encoding="utf-8")
    try:
        updated = update_schema_doc(text)
    except SchemaDocError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if updated == text:
        print(f"{SCHEMA_DOC}: up to date")
        return 0
    if args.check:
        print(f"{SCHEMA_DOC}: out of date; run python scripts/make-schema-doc.py", file=sys.stderr)
        return 1
    SCHEMA_DOC.write_text(updated, encoding="utf-8")
    print(f"{SCHEMA_DOC}: column tables rewritten")
    return 0


if __name__ == "__main__":
    sys.exit(main())
