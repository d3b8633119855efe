#!/usr/bin/env python3
"""Compare the OCR reading of scanned PDFs with the text-layer reading of their originals.

    scripts/compare-scans.py SCAN_DIR ORIGINAL_DIR [NAME.pdf ...]

Both PDFs of a pair go through ``parse_pdf``; their tables are compared in order: same shape,
same merged cells (spanned positions), and each cell's text (whitespace removed) exactly equal.
Prints a row per file and the totals: tables with the same grid, cells right, characters right
(multiset of characters, all cells), seconds per scanned page.
"""

from __future__ import annotations

import re
import sys
import time
from collections import Counter
from pathlib import Path

from parsers.pdf import parse_pdf
from schema.records import Table


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def main(argv: list[str]) -> int:
    scans, originals = Path(argv[0]), Path(argv[1])
    names = argv[2:] or sorted(p.name for p in scans.glob("*.pdf"))
    total: Counter[str] = Counter()
    for name in names:
        original = originals / name
        start = time.perf_counter()
        scanned_doc = parse_pdf(scans / name)
        seconds = time.perf_counter() - start
        text_doc = parse_pdf(original)
        got = [b for b in scanned_doc.blocks if isinstance(b, Table)]
        want = [b for b in text_doc.blocks if isinstance(b, Table)]
        row: Counter[str] = Counter(tables=len(want), tables_ocr=len(got), pages=scanned_doc.page_count or 0)
        for g, w in zip(got, want, strict=False):
            shape = [len(r) for r in g.rows] == [len(r) for r in w.rows]
            spans = shape and all(
                gc.spanned == wc.spanned
                for gr, wr in zip(g.rows, w.rows, strict=True)
                for gc, wc in zip(gr, wr, strict=True)
            )
            row["same_shape"] += shape
            row["same_spans"] += spans
            if shape:
                for gr, wr in zip(g.rows, w.rows, strict=True):
                    for gc, wc in zip(gr, wr, strict=True):
                        if wc.spanned:
                            continue
                        row["cells"] += 1
                        row["cells_ok"] += _squash(gc.text) == _squash(wc.text)
            gchars = Counter(_squash("".join(c.text for r in g.rows for c in r if not c.spanned)))
            wchars = Counter(_squash("".join(c.text for r in w.rows for c in r if not c.spanned)))
            row["chars"] += sum(wchars.values())
            row["chars_ok"] += sum((gchars & wchars).values())
            row["chars_ocr"] += sum(gchars.values())
        row["seconds"] = round(seconds)
        row["low_confidence"] = sum("low-confidence" in warning for warning in scanned_doc.warnings)
        total.update(row)
        print(
            f"{name:48} tables {row['tables_ocr']}/{row['tables']} grid {row['same_spans']}/{row['tables']} "
            f"cells {row['cells_ok']}/{row['cells']} chars {row['chars_ok']}/{row['chars']} "
            f"{seconds / max(1, row['pages']):.1f} s/page, {row['low_confidence']} low-confidence warnings",
            flush=True,
        )
    print(
        f"TOTAL tables found {total['tables_ocr']}/{total['tables']}, same grid and merges "
        f"{total['same_spans']}/{total['tables']}, cells exact {total['cells_ok']}/{total['cells']} "
        f"({total['cells_ok'] / max(1, total['cells']):.3f}), "
        f"chars recall {total['chars_ok'] / max(1, total['chars']):.3f} "
        f"precision {total['chars_ok'] / max(1, total['chars_ocr']):.3f}, "
        f"{total['seconds'] / max(1, total['pages']):.1f} s/page, {total['low_confidence']} low-confidence warnings"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
