#!/usr/bin/env python3
"""Make image-only ("scanned") PDFs from text-layer PDFs, for testing the OCR parser.

Each page is rendered with pypdfium2 (200 dpi, grayscale), rotated by less than 1°, blurred and
speckled lightly, JPEG-compressed and written into a PDF that has no text layer. The noise is
seeded by the file name, so the same input always gives the same scan.

    scripts/make-scans.py IN.pdf ... --out DIR [--pages 1-2] # DIR/<name>.pdf for each input
    scripts/make-scans.py --corpus OUT CORPUS_DIR ...      # OUT/raw/ scans + OUT/truth/ copies

With ``--corpus``, each CORPUS_DIR is a folder with raw/ and truth/ (as the evaluator reads them):
every raw/*.pdf that has a truth file is scanned into OUT/raw/ and its truth copied to OUT/truth/
with "file" pointing at the scan. Files found twice (same content) are scanned once; two different
files of one name are told apart by the name of their corpus folder.

Needs the OCR extra (numpy) and Pillow: ``pip install -e '.[ocr]'``.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import random
import sys
import zlib
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageFilter


def scan_page(image: Image.Image, rng: random.Random, max_angle: float = 0.9) -> Image.Image:
    """One rendered page as a light, slightly skewed, slightly noisy grayscale scan."""
    gray = image.convert("L")
    angle = rng.uniform(-max_angle, max_angle)
    gray = gray.rotate(angle, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=255)
    gray = gray.filter(ImageFilter.GaussianBlur(radius=rng.uniform(0.4, 0.8)))
    pixels = np.asarray(gray, dtype=np.int16)
    noise = np.random.default_rng(rng.getrandbits(32))
    pixels = pixels + noise.normal(0.0, 6.0, pixels.shape).round().astype(np.int16)  # sensor noise
    speckle = noise.random(pixels.shape)
    pixels[speckle < 0.0006] = 40  # dark specks
    pixels[speckle > 0.9994] = 255  # drop-outs
    return Image.fromarray(pixels.clip(0, 255).astype(np.uint8), mode="L")


def make_scan(
    source: Path, target: Path, dpi: int = 200, quality: int = 60, pages_wanted: list[int] | None = None
) -> int:
    """Write ``target`` as an image-only PDF of ``source`` (all pages, or the 1-based ones given)."""
    rng = random.Random(zlib.crc32(source.name.encode()))
    pdf = pdfium.PdfDocument(str(source))
    try:
        pages = []
        for index, page in enumerate(pdf):
            if pages_wanted is None or index + 1 in pages_wanted:
                bitmap = page.render(scale=dpi / 72, grayscale=True)
                pages.append(scan_page(bitmap.to_pil(), rng))
            page.close()
    finally:
        pdf.close()
    # Pillow writes each grayscale page as one JPEG image (DCTDecode): no text layer at all.
    buffer = io.BytesIO()
    pages[0].save(buffer, format="PDF", save_all=True, append_images=pages[1:], resolution=dpi, quality=quality)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(buffer.getvalue())
    return len(pages)


def make_corpus(out: Path, corpora: list[Path], dpi: int, quality: int) -> None:
    """Scan every truth-backed raw/*.pdf of the corpora into out/raw, truth copies into out/truth."""
    seen: dict[str, str] = {}  # sha256 → output name
    names: set[str] = set()
    for corpus in corpora:
        for truth_file in sorted((corpus / "truth").glob("*.pdf.json")):
            truth = json.loads(truth_file.read_text(encoding="utf-8"))
            source = corpus / truth["file"]
            if not source.is_file():
                continue
            digest = hashlib.sha256(source.read_bytes()).hexdigest()
            if digest in seen:
                continue
            name = source.name if source.name not in names else f"{source.stem}-{corpus.name}.pdf"
            names.add(name)
            seen[digest] = name
            pages = make_scan(source, out / "raw" / name, dpi, quality)
            truth["file"] = f"raw/{name}"
            (out / "truth").mkdir(parents=True, exist_ok=True)
            (out / "truth" / f"{name}.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1), "utf-8")
            print(f"{source} -> {out / 'raw' / name} ({pages} pages)")


def _page_list(spec: str) -> list[int]:
    pages: list[int] = []
    for part in spec.split(","):
        first, _, last = part.partition("-")
        pages.extend(range(int(first), int(last or first) + 1))
    return pages


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("inputs", nargs="+", type=Path, help="PDF files, or corpus folders with --corpus")
    parser.add_argument("--out", type=Path, help="folder for the scans of PDF files")
    parser.add_argument("--corpus", type=Path, help="make an evaluator corpus (raw/ + truth/) here")
    parser.add_argument("--dpi", type=int, default=200)
    parser.add_argument("--quality", type=int, default=60, help="JPEG quality")
    parser.add_argument("--pages", help="only these pages of each input file: 1,3 or 1-2")
    args = parser.parse_args(argv)
    if args.corpus is not None:
        make_corpus(args.corpus, args.inputs, args.dpi, args.quality)
        return 0
    if args.out is None:
        parser.error("give --out DIR (or --corpus OUT with corpus folders)")
    wanted = _page_list(args.pages) if args.pages else None
    for source in args.inputs:
        target = args.out / source.name
        print(f"{source} -> {target} ({make_scan(source, target, args.dpi, args.quality, wanted)} pages)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
