"""Ingest throughput benchmark: kaohe against raw pdfplumber, one worker against all cores.

    .venv/bin/python bench/benchmark.py --docs 200 [--out bench/results.json]

It builds a corpus of N PDFs from the sample PDFs in data/raw (each copy made unique by a
trailing PDF comment, so nothing is skipped as unchanged), then measures in one run:

1. baseline: raw pdfplumber ``page.extract_tables()`` over every page of those PDFs, one process;
2. ``kaohe ingest`` with 1 worker, into a fresh SQLite database (1 and 2 alternate ``--repeat``
   times and the fastest of each counts);
3. ``kaohe ingest`` with all cores, into another fresh database;
4. a re-run of (3) with nothing changed.

It prints pages/s, docs/s, the ratios, peak RSS of the ingest process (and of its worker
processes), and writes the figures as JSON. Each ingest runs in a subprocess so its memory is
its own. Two more measurements, each optional:

* ``--rerun-docs 2000``: the time of a re-run over that many unchanged files (small text copies,
  ingested once first), the case of a yearly re-run over a large folder;
* ``--memory 100,1000``: peak RSS of an all-cores ingest of each of those numbers of PDFs, to show
  that memory does not grow with the number of documents;
* ``--ocr-pages 6``: OCR throughput (the ``ocr`` extra): that many pages of the sample PDFs (6 at
  most) made into image-only scans (scripts/make-scans.py) and parsed in one process, the engine on
  one thread, so the figure is pages/s per core, beside the text layer's 1-worker figure; in CPU
  seconds too, which other work on a shared machine does not inflate.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Runs one ingest in a fresh interpreter and reports its own peak RSS and its children's.
_PROBE = """
import json, resource, sys, time
from pathlib import Path
from pipeline.ingest import ingest
start = time.perf_counter()
report = ingest(Path(sys.argv[1]), sys.argv[2], workers=int(sys.argv[3]), progress=False)
seconds = time.perf_counter() - start
print(json.dumps({
    "seconds": seconds,
    "loaded": len(report.loaded), "skipped": len(report.skipped), "failed": len(report.failed),
    "rss_self_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "rss_children_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
}))
"""


@dataclass(frozen=True)
class Run:
    name: str
    seconds: float
    docs: int
    pages: int
    rss_self_mb: float | None = None
    rss_children_mb: float | None = None

    @property
    def pages_per_s(self) -> float:
        return self.pages / self.seconds if self.seconds else 0.0

    @property
    def docs_per_s(self) -> float:
        return self.docs / self.seconds if self.seconds else 0.0


def _page_count(path: Path) -> int:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return len(pdf.pages)


def build_corpus(target: Path, count: int) -> tuple[list[Path], int]:
    """N unique PDF copies of the sample PDFs; returns the files and their total page count."""
    samples = sorted((ROOT / "data" / "raw").glob("*.pdf"))
    if not samples:
        sys.exit("no sample PDFs in data/raw")
    pages_of = {s: _page_count(s) for s in samples}
    target.mkdir(parents=True, exist_ok=True)
    files, pages = [], 0
    for index in range(count):
        sample = samples[index % len(samples)]
        copy = target / f"{sample.stem}-{index:06d}.pdf"
        # A comment after %%EOF changes the bytes (and the sha256) but not the document.
        copy.write_bytes(sample.read_bytes() + f"\n% kaohe benchmark copy {index}\n".encode())
        files.append(copy)
        pages += pages_of[sample]
    return files, pages


def baseline(files: list[Path], pages: int) -> Run:
    import pdfplumber

    start = time.perf_counter()
    for path in files:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                page.extract_tables()
                page.close()
    return Run("pdfplumber extract_tables (baseline)", time.perf_counter() - start, len(files), pages)


def ingest(name: str, folder: Path, db_url: str, workers: int, pages: int, docs: int) -> Run:
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, str(folder), db_url, str(workers)],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )
    if result.returncode != 0:
        sys.exit(f"{name} failed:\n{result.stderr}")
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    if figures["failed"]:
        sys.exit(f"{name}: {figures['failed']} files failed")
    return Run(name, figures["seconds"], docs, pages, round(figures["rss_self_mb"], 1),
               round(figures["rss_children_mb"], 1))


def build_text_corpus(target: Path, count: int) -> list[Path]:
    """N unique copies of the sample text document (fast to ingest, for the re-run figure)."""
    sample = next(iter(sorted((ROOT / "data" / "raw").glob("*.txt"))), None)
    if sample is None:
        sys.exit("no sample .txt in data/raw")
    target.mkdir(parents=True, exist_ok=True)
    data = sample.read_bytes()
    files = []
    for index in range(count):
        copy = target / f"{sample.stem}-{index:06d}.txt"
        copy.write_bytes(data + f"\n副本 {index}\n".encode())
        files.append(copy)
    return files


def time_rerun(work: Path, count: int, workers: int) -> dict[str, float]:
    """Ingest ``count`` text files, then time a re-run with nothing changed."""
    folder = work / "rerun"
    build_text_corpus(folder, count)
    url = f"sqlite:///{work / 'rerun.db'}"
    first = ingest("first run (text copies)", folder, url, workers, 0, count)
    again = ingest("re-run, nothing changed", folder, url, workers, 0, count)
    return {"files": count, "first_run_seconds": round(first.seconds, 2), "rerun_seconds": round(again.seconds, 3)}


def memory(work: Path, counts: list[int], workers: int) -> list[dict[str, float]]:
    """Peak RSS of an all-cores ingest for each number of PDFs."""
    figures = []
    for count in counts:
        folder = work / f"memory-{count}"
        files, pages = build_corpus(folder, count)
        run = ingest(f"ingest {count} PDFs", folder, f"sqlite:///{work / f'memory-{count}.db'}", workers,
                     pages, len(files))
        figures.append({"docs": count, "pages": pages, "seconds": round(run.seconds, 2),
                        "rss_self_mb": run.rss_self_mb or 0.0, "rss_children_mb": run.rss_children_mb or 0.0})
        shutil.rmtree(folder, ignore_errors=True)
    return figures


def ocr_throughput(work: Path, pages_wanted: int) -> dict[str, float]:
    """Parse image-only scans of the first ``pages_wanted`` sample pages; OCR pages/s on one core."""
    import importlib.util

    import pypdfium2 as pdfium
    from pypdf import PdfReader, PdfWriter

    spec = importlib.util.spec_from_file_location("make_scans", ROOT / "scripts" / "make-scans.py")
    if spec is None or spec.loader is None:
        sys.exit("scripts/make-scans.py not found")
    make_scans = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_scans)
    from parsers.ocr.engine import load_engine
    from parsers.pdf import parse_pdf

    folder = work / "scans"
    folder.mkdir(parents=True, exist_ok=True)
    scans, left = [], pages_wanted
    for sample in sorted((ROOT / "data" / "raw").glob("*.pdf")):
        if left <= 0:
            break
        take = min(left, len(pdfium.PdfDocument(str(sample))))
        part = folder / f"{sample.stem}-text.pdf"
        writer = PdfWriter()
        for page in PdfReader(sample).pages[:take]:
            writer.add_page(page)
        with part.open("wb") as fh:
            writer.write(fh)
        scans.append(folder / sample.name)
        make_scans.make_scan(part, scans[-1])
        left -= take
    load_engine()  # the models load once per process, not per page
    start, cpu_start = time.perf_counter(), time.process_time()
    pages = sum(parse_pdf(scan).page_count or 0 for scan in scans)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    # CPU seconds too: on a shared machine the wall clock also counts other people's work.
    return {"pages": pages, "seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2),
            "pages_per_s_per_core": round(pages / seconds, 3), "seconds_per_page": round(seconds / pages, 2),
            "cpu_seconds_per_page": round(cpu / pages, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=200, help="documents in the generated corpus")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="'all cores' worker count")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results.json")
    parser.add_argument("--keep", action="store_true", help="keep the generated corpus and databases")
    parser.add_argument("--repeat", type=int, default=2, help="runs of the baseline and of 1 worker (fastest counts)")
    parser.add_argument("--rerun-docs", type=int, default=0, help="also time a re-run over this many unchanged files")
    parser.add_argument("--memory", default="", help="also measure peak RSS for these PDF counts, e.g. 100,1000")
    parser.add_argument("--ocr-pages", type=int, default=0, help="also measure OCR on N scanned pages (6 at most)")
    args = parser.parse_args()
    extra: dict[str, object] = {}

    work = Path(tempfile.mkdtemp(prefix="kaohe-bench-"))
    try:
        files, pages = build_corpus(work / "corpus", args.docs)
        # The baseline and the 1-worker run alternate and the fastest of each counts: a shared
        # machine's speed drifts, and alternating keeps the drift out of their ratio.
        baselines, singles = [], []
        for attempt in range(args.repeat):
            baselines.append(baseline(files, pages))
            singles.append(ingest("kaohe ingest, 1 worker", work / "corpus", f"sqlite:///{work / f'one{attempt}.db'}",
                                  1, pages, len(files)))
        runs = [min(baselines, key=lambda r: r.seconds), min(singles, key=lambda r: r.seconds)]
        all_db = f"sqlite:///{work / 'all.db'}"
        runs.append(ingest(f"kaohe ingest, {args.workers} workers", work / "corpus", all_db, args.workers,
                           pages, len(files)))
        runs.append(ingest("re-run, nothing changed", work / "corpus", all_db, args.workers, pages, len(files)))
        if args.rerun_docs:
            extra["rerun"] = time_rerun(work, args.rerun_docs, args.workers)
        if args.memory:
            extra["memory"] = memory(work, [int(n) for n in args.memory.split(",")], args.workers)
        if args.ocr_pages:
            extra["ocr"] = ocr_throughput(work, args.ocr_pages)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    base, one, many, rerun = runs
    ratios = {
        "one_worker_vs_baseline": round(one.pages_per_s / base.pages_per_s, 3),
        "all_cores_vs_one_worker": round(many.pages_per_s / one.pages_per_s, 3),
    }
    print(f"{'run':38} {'seconds':>8} {'pages/s':>8} {'docs/s':>8} {'RSS MB':>7} {'workers MB':>10}")
    for run in runs:
        print(f"{run.name:38} {run.seconds:8.2f} {run.pages_per_s:8.1f} {run.docs_per_s:8.1f} "
              f"{run.rss_self_mb or 0:7.0f} {run.rss_children_mb or 0:10.0f}")
    print(f"1 worker / baseline: {ratios['one_worker_vs_baseline']:.2f}x; "
          f"{args.workers} workers / 1 worker: {ratios['all_cores_vs_one_worker']:.2f}x; "
          f"re-run of {len(files)} unchanged files: {rerun.seconds:.2f}s")
    if "rerun" in extra:
        print(f"re-run over {args.rerun_docs} unchanged files: {extra['rerun']['rerun_seconds']}s")  # type: ignore[index]
    if "ocr" in extra:
        ocr = extra["ocr"]
        print(f"OCR (scanned pages, 1 core): {ocr['pages']} pages in {ocr['seconds']}s = "  # type: ignore[index]
              f"{ocr['pages_per_s_per_core']} pages/s per core ({ocr['seconds_per_page']} s/page, "  # type: ignore[index]
              f"{ocr['cpu_seconds_per_page']} CPU s/page); "  # type: ignore[index]
              f"text layer, 1 worker: {one.pages_per_s:.1f} pages/s")
    for figure in extra.get("memory", []):  # type: ignore[union-attr]
        print(f"ingest of {figure['docs']} PDFs: peak RSS {figure['rss_self_mb']} MB "
              f"(workers {figure['rss_children_mb']} MB)")
    payload = {
        "docs": len(files), "pages": pages, "cpu_count": os.cpu_count(), "python": platform.python_version(),
        "runs": [{**asdict(r), "pages_per_s": round(r.pages_per_s, 2), "docs_per_s": round(r.docs_per_s, 2)}
                 for r in runs],
        "ratios": ratios,
        **extra,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"figures written to {args.out}")


if __name__ == "__main__":
    main()
