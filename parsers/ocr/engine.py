"""The OCR engine: rapidocr (PP-OCRv6 small, the models inside its wheel) on one thread.

:func:`recognise` returns the page's recognised characters, each with its box and confidence, so
that they can be assigned to table cells one by one the way the text-layer parser assigns a PDF's
chars. One engine per process, made on first use; rapidocr is imported on every call to
:func:`load_engine`, so a missing extra is reported wherever it is first needed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np


@dataclass(frozen=True, slots=True)
class Char:
    """One recognised character (or word, for Latin text) in image pixels."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    score: float
    line: int  # index of the detected text line it was read from

    @property
    def h_mid(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def v_mid(self) -> float:
        return (self.top + self.bottom) / 2


class _Engine(Protocol):
    def __call__(self, image: np.ndarray) -> object: ...


_ENGINE: list[_Engine] = []


def load_engine() -> _Engine:
    """The process's rapidocr engine; raises ImportError when the OCR extra is not installed."""
    import onnxruntime  # noqa: F401  (rapidocr needs an inference engine; the extra installs this one)
    from rapidocr import RapidOCR

    if not _ENGINE:
        _ENGINE.append(
            RapidOCR(
                params={
                    "Global.log_level": "error",
                    "Global.use_cls": False,  # pages are upright (deskewed by less than a degree)
                    "Global.return_word_box": True,
                    # Detection on the page scaled to 1280 px at most: a quarter less time than at
                    # 200 dpi, the same characters found (scripts/compare-scans.py: 1986 against
                    # 1989 of 2127 cells exact).
                    "Det.limit_type": "max",
                    "Det.limit_side_len": 1280,
                    "EngineConfig.onnxruntime.intra_op_num_threads": 1,
                    "EngineConfig.onnxruntime.inter_op_num_threads": 1,
                }
            )
        )
    return _ENGINE[0]


def recognise(image: np.ndarray) -> list[Char]:
    """Characters recognised in a grayscale page image, line by line in detection order."""
    # Every call states its steps: rapidocr keeps the last call's settings.
    output = load_engine()(image, use_det=True, use_cls=False, use_rec=True)
    if not getattr(output, "txts", None):
        return []  # nothing detected (word_results is then a placeholder)
    words = getattr(output, "word_results", None) or ()
    chars: list[Char] = []
    for line, word_list in enumerate(words):
        for word in word_list:
            if len(word) != 3 or not str(word[0]).strip() or word[2] is None:
                continue  # rapidocr gives an empty entry for a line it read nothing in
            text, score, box = word
            xs = [point[0] for point in box]
            ys = [point[1] for point in box]
            chars.append(Char(str(text), min(xs), min(ys), max(xs), max(ys), float(score), line))
    return chars


def recognise_line(image: np.ndarray) -> tuple[str, float]:
    """Text of an image holding one line (no detection): for text the detector missed, such as a
    lone "一、" that looks like a rule. The score is that of its least confident character group."""
    output = load_engine()(image, use_det=False, use_cls=False, use_rec=True)
    texts = getattr(output, "txts", None) or ()
    if not texts or not str(texts[0]).strip():
        return "", 0.0
    score = float(output.scores[0])
    for info in getattr(output, "word_results", None) or ():
        confs = getattr(info, "confs", None)
        if confs:
            score = min(score, *(float(conf) for conf in confs))
    return str(texts[0]).strip(), score
