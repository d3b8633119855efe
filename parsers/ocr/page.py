"""One scanned page → PageContent: the same table segments and text lines the text layer gives.

The page image is deskewed, its ruled tables found (:mod:`parsers.ocr.grid`) and its characters
recognised (:mod:`parsers.ocr.engine`). Each character goes to the table cell its midpoint lies in
(pdfplumber's rule for a PDF's chars); a cell's characters make lines (by detected text line, then
by vertical overlap) joined with newlines. Characters outside the tables make the page's text
lines in reading order. A cell or line whose least confident character scores below the threshold
is reported, with its text and that score, in the page's warnings.
"""

from __future__ import annotations

import bisect
import itertools
import unicodedata
from collections.abc import Iterable

import numpy as np

from parsers._pages import Line, PageContent, Segment
from parsers._tables import Slot, SlotRow
from parsers.ocr.engine import Char, recognise
from parsers.ocr.grid import Grid, deskew, find_grids

# Confidence below which recognised text is reported (see README: OCR): a character of a number
# (a digit, or a letter or sign next to one: the "O" of "3O分") below NUMBER_CONFIDENCE, any other
# character but punctuation below TEXT_CONFIDENCE.
NUMBER_CONFIDENCE = 0.9
TEXT_CONFIDENCE = 0.5
_NUMERIC_NEIGHBOUR = set(".．%％")


def read_image(number: int, gray: np.ndarray, threshold: float = NUMBER_CONFIDENCE) -> PageContent:
    """The content of a page given as a grayscale image (white paper, dark ink).

    ``threshold`` is the confidence a number's characters need (other text needs ``TEXT_CONFIDENCE``).
    """
    gray = deskew(gray)
    grids = find_grids(gray)
    chars = recognise(gray)
    in_table: list[list[Char]] = [[] for _ in grids]
    outside: list[Char] = []
    for char in chars:
        for i, grid in enumerate(grids):
            if grid.contains(char.h_mid, char.v_mid):
                in_table[i].append(char)
                break
        else:
            outside.append(char)
    warnings: list[str] = []
    items: list[Line | Segment] = [
        _segment(grid, table_chars, number, threshold, warnings)
        for grid, table_chars in zip(grids, in_table, strict=True)
    ]
    for text, top, bottom, score in _lines(outside, threshold):
        items.append(Line(text, top, bottom))
        _check(text, score, number, warnings)
    items.sort(key=lambda item: (item.top, isinstance(item, Segment)))
    return PageContent(number, float(gray.shape[0]), bool(chars), items, warnings)


def _segment(grid: Grid, chars: list[Char], number: int, threshold: float, warnings: list[str]) -> Segment:
    by_cell: dict[int, list[Char]] = {}
    for char in chars:
        r = min(max(bisect.bisect_right(grid.ys, char.v_mid) - 1, 0), len(grid.cells) - 1)
        c = min(max(bisect.bisect_right(grid.xs, char.h_mid) - 1, 0), len(grid.cells[0]) - 1)
        by_cell.setdefault(grid.cells[r][c], []).append(char)
    slots: dict[int, Slot] = {}
    for cell, cell_chars in by_cell.items():
        lines = _lines(cell_chars, threshold)
        text = "\n".join(line[0] for line in lines)
        slots[cell] = Slot(text)
        _check(text, min(line[3] for line in lines), number, warnings)
    rows: list[SlotRow] = []
    for row in grid.cells:
        rows.append([slots.setdefault(cell, Slot()) for cell in row])
    return Segment(rows=rows, top=grid.top, ncols=len(grid.xs) - 1)


def _check(text: str, score: float, number: int, warnings: list[str]) -> None:
    if score < 1.0:
        shown = text.replace("\n", " ")
        shown = shown if len(shown) <= 40 else shown[:39] + "…"
        warnings.append(f"page {number}: low-confidence text '{shown}' ({score:.2f})")


def _lines(chars: Iterable[Char], threshold: float) -> list[tuple[str, float, float, float]]:
    """Text lines (text, top, bottom, doubt) of the given characters, top to bottom (doubt: see
    :func:`_doubt`).

    Characters of one detected line stay together; detected lines that overlap vertically by more
    than half the smaller height are one visual line, left to right.
    """
    pieces: dict[int, list[Char]] = {}
    for char in chars:
        pieces.setdefault(char.line, []).append(char)
    boxes = sorted(
        (sorted(group, key=lambda ch: ch.x0) for group in pieces.values()),
        key=lambda group: min(ch.top for ch in group),
    )
    visual: list[list[list[Char]]] = []
    for box in boxes:
        top, bottom = min(ch.top for ch in box), max(ch.bottom for ch in box)
        if visual:
            last = [ch for piece in visual[-1] for ch in piece]
            l_top, l_bottom = min(ch.top for ch in last), max(ch.bottom for ch in last)
            overlap = min(bottom, l_bottom) - max(top, l_top)
            if overlap > 0.5 * min(bottom - top, l_bottom - l_top):
                visual[-1].append(box)
                continue
        visual.append([box])
    out: list[tuple[str, float, float, float]] = []
    for line in visual:
        line_chars = sorted((ch for piece in line for ch in piece), key=lambda ch: ch.x0)
        out.append(
            (
                _join(line_chars),
                min(ch.top for ch in line_chars),
                max(ch.bottom for ch in line_chars),
                _doubt(line_chars, threshold),
            )
        )
    return out


def _doubt(chars: list[Char], threshold: float) -> float:
    """The lowest score of a character below what it needs (1.0 when none is): a number's
    characters need ``threshold``, other characters ``TEXT_CONFIDENCE``, punctuation nothing."""
    worst = 1.0
    for i, char in enumerate(chars):
        near = chars[max(0, i - 1) : i + 2]
        numeric = char.text.isdigit() or (
            ((char.text.isascii() and char.text.isalnum()) or char.text in _NUMERIC_NEIGHBOUR)
            and any(other.text.isdigit() for other in near if other is not char)
        )
        if numeric:
            needed = threshold
        elif unicodedata.category(char.text[0]).startswith("P"):
            continue
        else:
            needed = TEXT_CONFIDENCE
        if char.score < needed:
            worst = min(worst, char.score)
    return worst


def _join(chars: list[Char]) -> str:
    """Characters of one line left to right; a gap wider than the line's height is a space."""
    height = max(ch.bottom for ch in chars) - min(ch.top for ch in chars)
    text = chars[0].text
    for previous, char in itertools.pairwise(chars):
        text += (" " if char.x0 - previous.x1 > 0.8 * height else "") + char.text
    return text
