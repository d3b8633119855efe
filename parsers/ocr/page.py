"""One scanned page → PageContent: the same table segments and text lines the text layer gives.

The page image is deskewed, its ruled tables found (:mod:`parsers.ocr.grid`) and its characters
recognised (:mod:`parsers.ocr.engine`). Each character goes to the table cell its midpoint lies in
(pdfplumber's rule for a PDF's chars); a cell's characters make lines (by detected text line, then
by vertical overlap) joined with newlines. A cell the detector found nothing in but that holds ink
is recognised again line by line without detection (a lone "一、" is easily taken for a rule).
Characters outside the tables make the page's text lines in reading order. A cell or line with a
character below the confidence it needs (see :func:`_doubt`) is reported, with its text and that
score, in the page's warnings.
"""

from __future__ import annotations

import bisect
import itertools
import unicodedata
from collections.abc import Iterable

import cv2
import numpy as np

from parsers._pages import Line, PageContent, Segment
from parsers._tables import Slot, SlotRow
from parsers.ocr.engine import Char, recognise, recognise_line
from parsers.ocr.grid import Grid, deskew, find_grids

# Confidence below which recognised text is reported (see README: OCR): a character of a number
# (a digit, or a letter or sign next to one: the "O" of "3O分") below NUMBER_CONFIDENCE, any other
# character but punctuation below TEXT_CONFIDENCE.
NUMBER_CONFIDENCE = 0.9
TEXT_CONFIDENCE = 0.5
_DECIMAL_POINT = set(".．")
_PERCENT = set("%％")
# Cells the detector found nothing in are looked at again when they hold this much ink (pixels
# darker than _INK, in blobs of at least _MIN_BLOB), away from their rulings by _CELL_MARGIN pixels.
_INK = 200
_MIN_INK = 40
_MIN_BLOB = 15  # a speck of noise is smaller; a "、" is about 30
_DPI = 200
_CELL_MARGIN = 7


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
    char_height = float(np.median([char.bottom - char.top for char in chars])) if chars else 0.2 * _DPI
    items: list[Line | Segment] = [
        _segment(gray, grid, table_chars, number, threshold, warnings, char_height)
        for grid, table_chars in zip(grids, in_table, strict=True)
    ]
    for text, top, bottom, score in _lines(outside, threshold):
        items.append(Line(text, top, bottom))
        _check(text, score, number, warnings)
    items.sort(key=lambda item: (item.top, isinstance(item, Segment)))
    return PageContent(number, float(gray.shape[0]), bool(chars), items, warnings)


def _segment(
    gray: np.ndarray,
    grid: Grid,
    chars: list[Char],
    number: int,
    threshold: float,
    warnings: list[str],
    char_height: float,
) -> Segment:
    by_cell: dict[int, list[Char]] = {}
    for char in chars:
        r = min(max(bisect.bisect_right(grid.ys, char.v_mid) - 1, 0), len(grid.cells) - 1)
        c = min(max(bisect.bisect_right(grid.xs, char.h_mid) - 1, 0), len(grid.cells[0]) - 1)
        by_cell.setdefault(grid.cells[r][c], []).append(char)
    _read_missed(gray, grid, by_cell, char_height)
    slots: dict[int, Slot] = {}
    for cell, cell_chars in by_cell.items():
        lines = _lines(cell_chars, threshold)
        text = "\n".join(line[0] for line in lines)
        slots[cell] = Slot(text)
        _check(text, min(line[3] for line in lines), number, warnings)
    rows: list[SlotRow] = []
    for row in grid.cells:
        rows.append([slots.setdefault(cell, Slot()) for cell in row])
    return Segment(rows=rows, top=grid.top, ncols=len(grid.xs) - 1, edges=tuple(float(x) for x in grid.xs))


def _read_missed(gray: np.ndarray, grid: Grid, by_cell: dict[int, list[Char]], char_height: float) -> None:
    """Recognise, line by line, the ink of cells the detector found no text in (a line: ink rows
    no taller together than 1.2 characters, so that the two strokes of "二" stay one line)."""
    line_id = 1_000_000 + 1_000 * len(by_cell)  # ids apart from the detector's lines
    for cell, (x0, top, x1, bottom) in _cell_boxes(grid).items():
        if cell in by_cell:
            continue
        m = _CELL_MARGIN
        inside = gray[int(top) + m : int(bottom) - m, int(x0) + m : int(x1) - m]
        if inside.size == 0:
            continue
        ink = _strokes(inside)
        if int(ink.sum()) < _MIN_INK:
            continue
        cols = np.flatnonzero(ink.any(axis=0))
        for start, stop in _lines_of(_runs(np.flatnonzero(ink.any(axis=1)), gap=3), 1.2 * char_height):
            crop = inside[max(0, start - 6) : stop + 7, max(0, cols[0] - 6) : cols[-1] + 7]
            text, score = recognise_line(np.pad(crop, 10, constant_values=255))
            if text:
                line_id += 1
                cx0, ctop = x0 + _CELL_MARGIN + cols[0], top + _CELL_MARGIN + start
                width = (cols[-1] - cols[0] + 1) / len(text)
                by_cell.setdefault(cell, []).extend(
                    Char(ch, cx0 + i * width, ctop, cx0 + (i + 1) * width, ctop + stop - start + 1, score, line_id)
                    for i, ch in enumerate(text)
                )


def _strokes(image: np.ndarray) -> np.ndarray:
    """0/1 mask of the ink blobs big enough to be part of a character (specks dropped)."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats((image < _INK).astype(np.uint8), connectivity=8)
    keep = np.zeros(count, np.uint8)
    keep[1:] = stats[1:, cv2.CC_STAT_AREA] >= _MIN_BLOB
    return keep[labels]


def _cell_boxes(grid: Grid) -> dict[int, tuple[float, float, float, float]]:
    """Each physical cell's bounding box (x0, top, x1, bottom) over the positions it covers."""
    boxes: dict[int, tuple[float, float, float, float]] = {}
    for r, row in enumerate(grid.cells):
        for c, cell in enumerate(row):
            box = (grid.xs[c], grid.ys[r], grid.xs[c + 1], grid.ys[r + 1])
            old = boxes.get(cell, box)
            boxes[cell] = (min(old[0], box[0]), min(old[1], box[1]), max(old[2], box[2]), max(old[3], box[3]))
    return boxes


def _runs(indices: np.ndarray, gap: int) -> list[tuple[int, int]]:
    """(first, last) of each run of indices whose steps are at most ``gap``."""
    runs: list[tuple[int, int]] = []
    for i in indices.tolist():
        if runs and i - runs[-1][1] <= gap:
            runs[-1] = (runs[-1][0], i)
        else:
            runs.append((i, i))
    return runs


def _lines_of(runs: list[tuple[int, int]], height: float) -> list[tuple[int, int]]:
    """Runs of inked rows merged into text lines no taller than ``height``."""
    lines: list[tuple[int, int]] = []
    for start, stop in runs:
        if lines and stop - lines[-1][0] <= height:
            lines[-1] = (lines[-1][0], stop)
        else:
            lines.append((start, stop))
    return lines


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
        before = chars[i - 1].text if i > 0 else ""
        after = chars[i + 1].text if i + 1 < len(chars) else ""
        numeric = (
            char.text.isdigit()
            or (char.text.isascii() and char.text.isalnum() and (before.isdigit() or after.isdigit()))  # 3O
            or (char.text in _DECIMAL_POINT and before.isdigit() and after.isdigit())  # 1.5, not "2.依法"
            or (char.text in _PERCENT and before.isdigit())
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
    """Characters of one line left to right, with a space where the detector saw two pieces of
    text, or at a wide gap inside one: wider than half the line's height between Chinese characters
    (a label and its value: "名称 长沙市…"; the characters of a word are at most a third apart), than
    0.4 beside a Latin letter or digit ("0   0   10" are three numbers, not 0010)."""
    height = max(ch.bottom for ch in chars) - min(ch.top for ch in chars)
    text = chars[0].text
    for previous, char in itertools.pairwise(chars):
        gap = char.x0 - previous.x1
        if char.line != previous.line:
            wide = gap > 0.1 * height
        else:
            wide = gap > (0.4 if previous.text[-1].isascii() or char.text[0].isascii() else 0.5) * height
        text += (" " if wide else "") + char.text
    return text
