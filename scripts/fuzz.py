#!/usr/bin/env python3
"""Fuzz the extraction: mutate seed files per format and run each through ``extract_file`` in a
child process with a time and a memory limit.

    scripts/fuzz.py [SEED_DIR ...] [--format txt|docx|pdf|html|xlsx|xls|all] [--minutes N]
                    [--iterations N] [--seed N] [--timeout S] [--memory-mb MB] [--out DIR]

``--minutes`` (and ``--iterations``) apply to each format. Every input ends in one outcome:

* ``ok`` — extracted; ``error`` — a clean KaoheError whose reason is one line of words;
* ``unclear`` — a KaoheError whose reason is several lines or names a Python exception type
  instead of the problem ("corrupt PDF (TypeError: …)");
* ``crash`` — any other exception, or the child dying; ``timeout``; ``oom`` — MemoryError under
  the address-space limit.

Everything but ok and error is saved to OUT/crashes/<format>/<hash>.<ext>, and beside it
<hash>.<ext>.txt: the traceback, the stack of a timeout or the reason, with the seed file and the
input's number in the run. Log records that would have reached stderr (pdfminer's) and lines printed
by the libraries (xlrd's) are counted per format as ``log_lines``. The counts are printed
and written to OUT/summary.json. Scanned-page OCR is switched off in the child (``--ocr`` turns
it on): it is not the parsers' code, and each page would cost seconds.
"""

from __future__ import annotations

import argparse
import faulthandler
import hashlib
import json
import logging
import multiprocessing
import os
import random
import re
import resource
import signal
import sys
import tempfile
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(Path(__file__).resolve().parent)]

from fuzz_mutators import Mutator, mutate_binary, mutate_html, mutate_pdf, mutate_text, mutate_zip  # noqa: E402

DEFAULT_SEEDS = ["tests/fixtures/corpus/raw", "tests/fixtures/real/raw", "tests/fixtures/html",
                 "tests/fixtures/sheets", "tests/fixtures/renderings/raw"]
FORMATS: dict[str, tuple[tuple[str, ...], Mutator]] = {
    "txt": ((".txt",), mutate_text),
    "docx": ((".docx",), mutate_zip),
    "pdf": ((".pdf",), mutate_pdf),
    "html": ((".html", ".htm", ".mht"), mutate_html),
    "xlsx": ((".xlsx",), mutate_zip),
    "xls": ((".xls",), mutate_binary),
}
OUTCOMES = ("ok", "error", "unclear", "crash", "timeout", "oom")
_SAVED_PER_SIGNATURE = 3
# A reason that names an exception type rather than the problem.
_EXCEPTION_NAME = re.compile(r"\b[A-Z]\w*(?:Error|Exception|Warning)\b|Traceback|\bobject is not\b|\bNoneType\b")


@dataclass(frozen=True)
class Result:
    outcome: str
    detail: str  # the reason, or the traceback
    log_lines: int = 0


@dataclass
class FormatReport:
    counts: Counter[str] = field(default_factory=Counter)
    signatures: Counter[str] = field(default_factory=Counter)
    reasons: Counter[str] = field(default_factory=Counter)  # of the clean errors
    log_lines: int = 0
    inputs: int = 0


def unclear_reason(reason: str) -> bool:
    return "\n" in reason or bool(_EXCEPTION_NAME.search(reason))


class _CountingHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


def _child(path: str, memory_bytes: int, ocr: bool, conn: Connection) -> None:
    """Extract one file under the memory limit; send back a Result."""
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    # On a timeout the parent asks for the stack first (SIGUSR1), so the report says where it hung.
    stack_file = open(f"{path}.stack", "w")  # noqa: SIM115  # open until the process ends
    faulthandler.register(signal.SIGUSR1, file=stack_file, all_threads=False)
    # What the libraries print (xlrd to stdout, logging's last resort to stderr) is counted, not shown.
    printed = open(f"{path}.printed", "w+b")  # noqa: SIM115  # open until the process ends
    os.dup2(printed.fileno(), 1)
    os.dup2(printed.fileno(), 2)
    if not ocr:
        sys.modules["parsers.ocr"] = None  # type: ignore[assignment]  # import fails: "needs the OCR extra"
    counter = _CountingHandler()
    logging.getLogger().addHandler(counter)  # records that would go to stderr (logging.lastResort)
    from pipeline.extract import extract_file
    from schema.errors import KaoheError

    try:
        extraction = extract_file(Path(path), "0" * 64)
        result = Result("ok", f"{len(extraction.indicators)} indicators", 0)
    except KaoheError as exc:
        result = Result("unclear" if unclear_reason(exc.reason) else "error", exc.reason, 0)
    except MemoryError:
        result = Result("oom", traceback.format_exc(limit=30), 0)
    except RecursionError:
        result = Result("crash", traceback.format_exc(limit=12)[-4000:], 0)
    except BaseException:
        result = Result("crash", traceback.format_exc(), 0)
    sys.stdout.flush()
    sys.stderr.flush()
    lines = counter.count + Path(f"{path}.printed").read_bytes().count(b"\n")
    result = Result(result.outcome, result.detail, lines)
    try:
        conn.send(result)
    except MemoryError:
        os._exit(3)


def run_one(path: Path, timeout: float, memory_bytes: int, ocr: bool) -> Result:
    context = multiprocessing.get_context("fork")  # the parent imported the pipeline once
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(str(path), memory_bytes, ocr, sender))
    process.start()
    sender.close()
    result: Result | None = None
    if receiver.poll(timeout):
        try:
            result = receiver.recv()
        except EOFError:
            result = None
    process.join(1 if result is not None else 0.1)
    if process.is_alive():
        stack = ""
        if result is None and process.pid is not None:
            os.kill(process.pid, signal.SIGUSR1)
            time.sleep(0.3)
            stack_path = Path(f"{path}.stack")
            stack = stack_path.read_text(errors="replace") if stack_path.exists() else ""
        process.kill()
        process.join()
        if result is None:
            return Result("timeout", f"no result within {timeout:g} s\n{stack}")
    receiver.close()
    if result is not None:
        return result
    if process.exitcode == 3:
        return Result("oom", "MemoryError while sending the result")
    return Result("crash", f"child died with exit code {process.exitcode}")


def signature(result: Result) -> str:
    """What tells one failure from another: the exception and the innermost frame in our code (for a
    timeout the innermost frame of the stack dump, which faulthandler prints innermost first)."""
    if result.outcome == "unclear":
        named = _EXCEPTION_NAME.search(result.detail)
        return f"unclear: {result.detail.split('(')[0].split(':')[0][:60]} ({named.group(0) if named else 'lines'})"
    lines = result.detail.strip().splitlines()
    frames = [line.strip() for line in lines if line.strip().startswith("File ") and str(ROOT) in line]
    frames = [frame for frame in frames if "scripts/fuzz.py" not in frame]
    innermost = (frames[0] if result.outcome == "timeout" else frames[-1]) if frames else ""
    where = re.sub(r"^File \"" + re.escape(str(ROOT)) + r"/([^\"]+)\", line \d+,? in ", r"\1:", innermost)
    if result.outcome in ("timeout", "oom"):
        return f"{result.outcome} in {where}"
    last = lines[-1] if lines else ""
    return f"crash: {last.split(':')[0]} at {where}"


def seed_files(dirs: list[Path], suffixes: tuple[str, ...]) -> list[Path]:
    return sorted(p for d in dirs if d.is_dir() for p in d.rglob("*") if p.suffix.lower() in suffixes and p.is_file())


def fuzz_format(name: str, seeds: list[Path], args: argparse.Namespace, report: FormatReport) -> None:
    mutate = FORMATS[name][1]
    if not seeds:
        print(f"{name}: no seed files", file=sys.stderr)
        return
    datas = [p.read_bytes() for p in seeds]
    rng = random.Random(f"{args.seed}:{name}")
    crash_dir = args.out / "crashes" / name
    deadline = time.monotonic() + args.minutes * 60
    memory_bytes = args.memory_mb * 1024 * 1024
    with tempfile.TemporaryDirectory(prefix="kaohe-fuzz-") as scratch:
        while time.monotonic() < deadline and (args.iterations is None or report.inputs < args.iterations):
            index = rng.randrange(len(seeds))
            mutated = mutate(datas[index], rng, datas)
            suffix = seeds[index].suffix.lower()
            path = Path(scratch) / f"input{suffix}"
            path.write_bytes(mutated)
            result = run_one(path, args.timeout, memory_bytes, args.ocr)
            report.inputs += 1
            report.counts[result.outcome] += 1
            report.log_lines += result.log_lines
            if result.outcome == "error":
                report.reasons[re.sub(r"[0-9]+", "N", result.detail)[:100]] += 1
            if result.outcome in ("ok", "error"):
                continue
            sig = signature(result)
            report.signatures[sig] += 1
            if report.signatures[sig] <= _SAVED_PER_SIGNATURE:
                digest = hashlib.sha1(mutated).hexdigest()[:16]
                crash_dir.mkdir(parents=True, exist_ok=True)
                (crash_dir / f"{digest}{suffix}").write_bytes(mutated)
                origin = f"seed file: {seeds[index]}\ninput #{report.inputs} of --seed {args.seed}"
                note = f"{sig}\n{origin}\n\n{result.detail}\n"
                (crash_dir / f"{digest}{suffix}.txt").write_text(note, encoding="utf-8")
                print(f"  {name} {result.outcome}: {sig} -> {crash_dir / digest}{suffix}", flush=True)


def _warm_up() -> None:
    """Import every parser (and OpenCC's tables) in the parent, so each forked child starts warm."""
    from pipeline.normalize import normalize  # noqa: F401
    from pipeline.parse import _registry

    _registry()
    logging.getLogger("pdfminer").setLevel(logging.WARNING)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("seeds", nargs="*", type=Path, help="seed folders (default: the test fixtures)")
    parser.add_argument("--format", default="all", choices=[*FORMATS, "all"])
    parser.add_argument("--minutes", type=float, default=3.0, help="per format")
    parser.add_argument("--iterations", type=int, default=None, help="at most this many inputs per format")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per input")
    parser.add_argument("--memory-mb", type=int, default=1024, help="address-space limit of the child")
    parser.add_argument("--ocr", action="store_true", help="read pages without a text layer by OCR")
    parser.add_argument("--out", type=Path, default=ROOT / "data/out/fuzz")
    args = parser.parse_args(argv)
    dirs = args.seeds or [ROOT / d for d in DEFAULT_SEEDS]
    _warm_up()
    names = list(FORMATS) if args.format == "all" else [args.format]
    reports: dict[str, FormatReport] = {}
    for name in names:
        reports[name] = FormatReport()
        seeds = seed_files(dirs, FORMATS[name][0])
        print(f"{name}: {len(seeds)} seeds, {args.minutes:g} min", flush=True)
        fuzz_format(name, seeds, args, reports[name])
    summary = {
        name: {"inputs": r.inputs, **{o: r.counts[o] for o in OUTCOMES}, "log_lines": r.log_lines,
               "failures": dict(r.signatures.most_common()), "errors": dict(r.reasons.most_common(20))}
        for name, r in reports.items()
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"\n{'format':<6} {'inputs':>6} " + " ".join(f"{o:>7}" for o in OUTCOMES) + f" {'log_lines':>9}")
    for name, r in reports.items():
        print(f"{name:<6} {r.inputs:>6} " + " ".join(f"{r.counts[o]:>7}" for o in OUTCOMES) + f" {r.log_lines:>9}")
    failed = sum(r.counts[o] for r in reports.values() for o in OUTCOMES[2:])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
