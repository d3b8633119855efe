"""OCR for PDF pages without a text layer (the ``ocr`` extra: ``pip install 'kaohe[ocr]'``).

Importing this package needs the extra's OpenCV and numpy; :func:`read_scanned_pages` also needs
rapidocr and onnxruntime and raises ImportError without them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pypdfium2 as pdfium

from parsers._pages import PageContent
from parsers.ocr.engine import load_engine
from parsers.ocr.page import NUMBER_CONFIDENCE, TEXT_CONFIDENCE, read_image

DPI = 200  # rendering resolution for recognition

__all__ = ["DPI", "NUMBER_CONFIDENCE", "TEXT_CONFIDENCE", "read_image", "read_scanned_pages"]


def read_scanned_pages(path: Path, numbers: list[int], dpi: int = DPI) -> list[PageContent]:
    """Render the given pages (1-based) of a PDF and read them by OCR."""
    load_engine()  # fail early, before rendering anything, when the extra is missing
    pdf = pdfium.PdfDocument(str(path))
    try:
        out: list[PageContent] = []
        for number in numbers:
            page = pdf[number - 1]
            try:
                image = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
            finally:
                page.close()
            out.append(read_image(number, np.asarray(image)))
        return out
    finally:
        pdf.close()
