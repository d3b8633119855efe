"""Ruled tables in a page image (OpenCV): ruling lines → a grid of cells, merges from missing lines.

The page is binarised, horizontal and vertical ruling lines are extracted by morphological opening
with long thin kernels (text strokes are shorter than the kernels), and each connected group of
lines is one table. Its row boundaries are the y of every horizontal line in it and its column
boundaries the x of every vertical line (lines closer than the snap distance count as one, as
pdfplumber snaps them). Two neighbouring grid positions belong to one merged cell when the ruling
between them is missing. :func:`deskew` first straightens a page whose long lines are tilted.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import cv2
import numpy as np

_INK = 200  # gray level below which a pixel is ink (white paper ~255)
_PRESENT = 0.6  # fraction of a boundary that must be ink for the ruling to be there
_DRAWN = 0.9  # ... and of a whole span, end to end, for a candidate line to be a ruling at all
_MAX_SKEW = 3.0  # degrees: a steeper "line" is not a ruling


@dataclass(frozen=True, slots=True)
class Grid:
    """One ruled table: boundaries in pixels and, per grid position, the id of its physical cell."""

    xs: tuple[float, ...]  # column boundaries, left to right (ncols + 1)
    ys: tuple[float, ...]  # row boundaries, top to bottom (nrows + 1)
    cells: tuple[tuple[int, ...], ...]  # cells[r][c]: positions of one merged cell share an id

    @property
    def top(self) -> float:
        return self.ys[0]

    def contains(self, x: float, y: float) -> bool:
        return self.xs[0] <= x < self.xs[-1] and self.ys[0] <= y < self.ys[-1]


def _binary(gray: np.ndarray) -> np.ndarray:
    return (gray < _INK).astype(np.uint8) * 255


def _line_masks(binary: np.ndarray, dpi: int) -> tuple[np.ndarray, np.ndarray]:
    width = binary.shape[1]
    h_len = max(25, width // 30)
    v_len = max(15, dpi // 8)  # 9 pt: shorter than the lowest table row (text strokes are weeded out later)
    horizontal = cv2.morphologyEx(binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (h_len, 1)))
    vertical = cv2.morphologyEx(binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, v_len)))
    # Bridge the odd pixel lost to noise along a line.
    horizontal = cv2.morphologyEx(horizontal, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (9, 1)))
    vertical = cv2.morphologyEx(vertical, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (1, 9)))
    return horizontal, vertical


def skew_angle(gray: np.ndarray) -> float:
    """The page's tilt in degrees, from its long horizontal lines (0.0 when it has none)."""
    binary = _binary(gray)
    width = binary.shape[1]
    horizontal = cv2.morphologyEx(
        binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (max(25, width // 30), 1))
    )
    count, _, stats, _ = cv2.connectedComponentsWithStats(horizontal, connectivity=8)
    labels = cv2.connectedComponents(horizontal, connectivity=8)[1]
    angles: list[float] = []
    for label in range(1, count):
        x, y, w, h = stats[label][:4]
        if w < width / 4:
            continue
        ys, xs = np.nonzero(labels[y : y + h, x : x + w] == label)
        slope = np.polyfit(xs.astype(float), ys.astype(float), 1)[0]
        angle = math.degrees(math.atan(slope))
        if abs(angle) <= _MAX_SKEW:
            angles.append(angle)
    return float(np.median(angles)) if angles else 0.0


def deskew(gray: np.ndarray) -> np.ndarray:
    """The page rotated so that its ruling lines are level (unchanged if already within 0.05°)."""
    angle = skew_angle(gray)
    if abs(angle) < 0.05:
        return gray
    height, width = gray.shape
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
    return cv2.warpAffine(gray, matrix, (width, height), flags=cv2.INTER_LINEAR, borderValue=255)


def _positions(profile: np.ndarray, snap: int) -> list[float]:
    """Line positions from a profile of ink per row (or column) of a line mask.

    Each run of inked entries is one candidate at its centre; candidates closer than ``snap``
    count as one line, at the position of the one with more ink (a text stroke beside a ruling
    must not pull the ruling's position).
    """
    idx = np.flatnonzero(profile)
    if idx.size == 0:
        return []
    runs: list[list[int]] = [[int(idx[0])]]
    for i in idx[1:]:
        if i - runs[-1][-1] <= 2:
            runs[-1].append(int(i))
        else:
            runs.append([int(i)])
    lines: list[tuple[float, float]] = []  # (position, ink)
    for run in runs:
        centre, ink = (run[0] + run[-1]) / 2, float(profile[run[0] : run[-1] + 1].sum())
        if lines and centre - lines[-1][0] <= snap:
            if ink > lines[-1][1]:
                lines[-1] = (centre, ink)
            continue
        lines.append((centre, ink))
    return [position for position, _ in lines]


def _coverage(mask: np.ndarray, horizontal: bool, at: float, lo: float, hi: float, margin: int = 4) -> float:
    """Fraction of the boundary at ``at`` between ``lo`` and ``hi`` (less ``margin`` at both ends)
    that is drawn in ``mask``."""
    a, b = int(lo) + margin, int(hi) - margin
    if b <= a:
        return 1.0
    c = round(at)
    band = mask[max(0, c - 4) : c + 5, a:b] if horizontal else mask[a:b, max(0, c - 4) : c + 5].T
    return float((band > 0).any(axis=0).mean())


def find_grids(gray: np.ndarray, dpi: int = 200) -> list[Grid]:
    """The ruled tables of a (deskewed) grayscale page image, top to bottom."""
    snap, min_size = max(3, dpi // 25), max(10, dpi // 5)  # 3 pt (pdfplumber's snap), 0.2 in
    horizontal, vertical = _line_masks(_binary(gray), dpi)
    lines = cv2.dilate(cv2.bitwise_or(horizontal, vertical), np.ones((5, 5), np.uint8))
    count, _, stats, _ = cv2.connectedComponentsWithStats(lines, connectivity=8)
    grids: list[Grid] = []
    for label in range(1, count):
        x, y, w, h = (int(v) for v in stats[label][:4])
        if w < min_size or h < min_size:
            continue
        hz, vt = horizontal[y : y + h, x : x + w], vertical[y : y + h, x : x + w]
        ys = [y + v for v in _positions((hz > 0).sum(axis=1), snap)]
        xs = [x + v for v in _positions((vt > 0).sum(axis=0), snap)]
        # A candidate that is a drawn boundary of no grid position is text (a long stroke), not a ruling.
        xs = _drawn(vertical, False, xs, ys)
        ys = _drawn(horizontal, True, ys, xs)
        if len(ys) < 2 or len(xs) < 2:
            continue
        grids.append(_grid(horizontal, vertical, xs, ys))
    return sorted(grids, key=lambda grid: grid.top)


def _drawn(mask: np.ndarray, horizontal: bool, lines: list[float], across: list[float]) -> list[float]:
    """The candidate lines that are drawn along at least one span between two ``across`` lines."""
    kept = [
        at
        for at in lines
        if any(_coverage(mask, horizontal, at, lo, hi, margin=0) >= _DRAWN for lo, hi in itertools.pairwise(across))
    ]
    return kept


def _grid(horizontal: np.ndarray, vertical: np.ndarray, xs: list[float], ys: list[float]) -> Grid:
    """Union neighbouring positions whose shared ruling is missing into one cell."""
    nrows, ncols = len(ys) - 1, len(xs) - 1
    parent = list(range(nrows * ncols))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(a: int, b: int) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    for r in range(nrows):
        for c in range(ncols):
            here = r * ncols + c
            if c + 1 < ncols and _coverage(vertical, False, xs[c + 1], ys[r], ys[r + 1]) < _PRESENT:
                union(here, here + 1)
            if r + 1 < nrows and _coverage(horizontal, True, ys[r + 1], xs[c], xs[c + 1]) < _PRESENT:
                union(here, here + ncols)
    cells = tuple(tuple(find(r * ncols + c) for c in range(ncols)) for r in range(nrows))
    return Grid(xs=tuple(xs), ys=tuple(ys), cells=cells)
