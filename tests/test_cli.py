"""The command line: `kaohe ingest`, `kaohe extract`, `--version`, the console script."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from kaohe import EXTRACTOR_VERSION, __version__
from kaohe.cli import main
from pipeline.extract import extract_file
from schema.export import extraction_to_json

Dump = Callable[[str], dict[str, list[tuple[object, ...]]]]


def summary_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.strip()]


def test_version() -> None:
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0
    assert result.output == f"kaohe {__version__} (extractor {EXTRACTOR_VERSION})\n"


def test_help_lists_commands() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    assert "ingest" in result.output and "extract" in result.output


def test_installed_console_script(corpus_dir: Path, tmp_path: Path) -> None:
    script = Path(sys.executable).parent / ("kaohe.exe" if os.name == "nt" else "kaohe")
    assert script.exists(), f"console script not installed next to {sys.executable} (pip install -e .)"
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copyfile(corpus_dir / "zaozhuang-fulian-2022.txt", folder / "fulian.txt")
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}

    version = subprocess.run([str(script), "--version"], capture_output=True, text=True, env=env, check=False)
    assert (version.returncode, version.stdout) == (
        0,
        f"kaohe {__version__} (extractor {EXTRACTOR_VERSION})\n",
    )

    db = tmp_path / "out" / "k.db"
    run = subprocess.run(
        [str(script), "ingest", str(folder), "--db", f"sqlite:///{db}", "--no-progress"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=tmp_path,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert summary_lines(run.stdout) == [
        f"Ingesting 1 files from {folder} into sqlite:///{db}",
        "loaded in/fulian.txt: 17 indicators, 0 clauses",
        "loaded 1, skipped 0, failed 0",
        f"database: {db}",
    ]
    assert db.is_file()


def test_python_dash_m(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "kaohe", "--version"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert (result.returncode, result.stdout) == (0, f"kaohe {__version__} (extractor {EXTRACTOR_VERSION})\n")


def test_ingest_default_db_is_under_cwd(
    corpus_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("in").mkdir()
    shutil.copyfile(corpus_dir / "yutian-mubiao-2023.txt", "in/yutian.txt")
    runner = CliRunner()
    result = runner.invoke(main, ["ingest", "in", "--workers", "1", "--no-progress"])
    assert result.exit_code == 0, result.output
    db = tmp_path / "data" / "out" / "kaohe.db"
    assert summary_lines(result.output) == [
        "Ingesting 1 files from in into sqlite:///data/out/kaohe.db",
        "loaded in/yutian.txt: 38 indicators, 0 clauses",
        "loaded 1, skipped 0, failed 0",
        f"database: {db}",
    ]
    assert db.is_file()
    again = runner.invoke(main, ["ingest", "in", "--no-progress"])
    assert again.exit_code == 0
    assert "loaded 0, skipped 1, failed 0" in again.output


def test_ingest_bad_input_then_fixed(
    corpus_dir: Path, tmp_path: Path, tmp_db_url: str, dump_db: Dump
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    pdf_bytes = (corpus_dir / "nanchang-kaohe-2023.pdf").read_bytes()
    (folder / "corrupt.pdf").write_bytes(pdf_bytes[:1000])
    (folder / "empty.txt").write_bytes(b"")
    (folder / "legacy.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)
    shutil.copyfile(corpus_dir / "zaozhuang-laoganbu-2022.txt", folder / "laoganbu.txt")
    shutil.copyfile(corpus_dir / "yutian-mubiao-2023.docx", folder / "yutian.docx")
    runner = CliRunner()
    args = ["ingest", str(folder), "--db", tmp_db_url, "--no-progress", "--workers", "2"]

    result = runner.invoke(main, args)

    assert result.exit_code == 1, result.output
    lines = summary_lines(result.output)
    assert lines[0] == f"Ingesting 5 files from {folder} into {tmp_db_url}"
    assert lines[1:3] == [
        f"loaded {folder / 'laoganbu.txt'}: 20 indicators, 0 clauses",
        f"loaded {folder / 'yutian.docx'}: 38 indicators, 0 clauses",
    ]
    # The failures come after the loaded files, before the totals.
    failed = lines[3:6]
    assert lines[6:] == ["loaded 2, skipped 0, failed 3", f"database: {tmp_db_url.removeprefix('sqlite:///')}"]
    # One line per bad file, naming it, in path order.
    assert [line.split(": ", 1)[0] for line in failed] == [
        f"FAILED {folder / 'corrupt.pdf'}",
        f"FAILED {folder / 'empty.txt'}",
        f"FAILED {folder / 'legacy.doc'}",
    ]
    assert failed[1] == f"FAILED {folder / 'empty.txt'}: empty file (0 bytes)"
    assert "unsupported file type '.doc'" in failed[2]
    stored = dump_db(tmp_db_url)
    first_documents = stored["documents"]
    assert sorted(row[2] for row in first_documents) == ["laoganbu.txt", "yutian.docx"]

    # Fix the folder: the .doc is gone, the PDF is complete, the text file has content.
    (folder / "legacy.doc").unlink()
    (folder / "corrupt.pdf").write_bytes(pdf_bytes)
    shutil.copyfile(corpus_dir / "zaozhuang-fulian-2022.txt", folder / "empty.txt")

    again = runner.invoke(main, args)

    assert again.exit_code == 0, again.output
    assert summary_lines(again.output)[:4] == [
        f"Ingesting 4 files from {folder} into {tmp_db_url}",
        f"loaded {folder / 'corrupt.pdf'}: 49 indicators, 22 clauses",
        f"loaded {folder / 'empty.txt'}: 17 indicators, 0 clauses",
        "loaded 2, skipped 2, failed 0",
    ]
    assert "FAILED" not in again.output
    after = dump_db(tmp_db_url)
    assert sorted(row[2] for row in after["documents"]) == [
        "corrupt.pdf",
        "empty.txt",
        "laoganbu.txt",
        "yutian.docx",
    ]
    # The documents stored by the first run were skipped, not rewritten.
    assert [row for row in after["documents"] if row[2] in ("laoganbu.txt", "yutian.docx")] == first_documents
    assert [r for r in after["indicators"] if r[1] in {d[0] for d in first_documents}] == stored["indicators"]


def test_ingest_missing_folder_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["ingest", str(tmp_path / "nope"), "--db", f"sqlite:///{tmp_path}/k.db"]
    )
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_ingest_rejects_bad_db_url(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["ingest", str(tmp_path), "--db", "not a url://x"])
    assert result.exit_code == 2
    assert "--db" in result.output


def test_ingest_takes_a_plain_db_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A --db without "://" is a SQLite file path, relative to the current directory.
    monkeypatch.chdir(tmp_path)
    Path("in").mkdir()
    result = CliRunner().invoke(main, ["ingest", "in", "--db", "out/k.db", "--workers", "1", "--no-progress"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "k.db").is_file()


def test_ingest_lists_gone_files_and_prunes_them(
    corpus_dir: Path, tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("in").mkdir()
    shutil.copyfile(corpus_dir / "zaozhuang-fulian-2022.txt", "in/fulian.txt")
    shutil.copyfile(corpus_dir / "zaozhuang-laoganbu-2022.txt", "in/laoganbu.txt")
    runner = CliRunner()
    args = ["ingest", "in", "--db", db_url, "--no-progress", "--workers", "1"]
    assert runner.invoke(main, args).exit_code == 0
    Path("in/laoganbu.txt").unlink()

    kept = runner.invoke(main, args)

    assert kept.exit_code == 0, kept.output
    assert summary_lines(kept.output)[1:3] == [
        "gone: in/laoganbu.txt (use --prune to remove)",
        "loaded 0, skipped 1, failed 0",
    ]

    pruned = runner.invoke(main, [*args, "--prune"])

    assert pruned.exit_code == 0, pruned.output
    assert summary_lines(pruned.output)[1:3] == [
        "pruned: in/laoganbu.txt (file gone; its document and rows deleted)",
        "loaded 0, skipped 1, failed 0",
    ]
    again = runner.invoke(main, [*args, "--prune"])
    assert not [line for line in summary_lines(again.output) if line.startswith(("gone:", "pruned:"))]


def test_extract_json_prints_exactly_the_export(corpus_dir: Path) -> None:
    path = corpus_dir / "yutian-mubiao-2023.docx"
    result = CliRunner().invoke(main, ["extract", str(path), "--json"])
    assert result.exit_code == 0, result.output
    assert result.stdout == extraction_to_json(extract_file(path)) + "\n"
    payload = json.loads(result.stdout)
    assert payload["document"]["source"] == str(path)
    assert payload["document"]["format"] == "docx"


def test_extract_table(corpus_dir: Path) -> None:
    path = corpus_dir / "zaozhuang-laoganbu-2022.txt"
    extraction = extract_file(path)
    result = CliRunner().invoke(main, ["extract", str(path)], terminal_width=200)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert extraction.document.title and extraction.document.title in out
    assert f"{len(extraction.indicators)} indicators" in out
    top = next(i for i in extraction.indicators if i.level == 1)
    assert top.name in out
    assert "Points" in out and "Target" in out


def test_extract_error_goes_to_stderr(tmp_path: Path) -> None:
    doc = tmp_path / "legacy.doc"
    doc.write_bytes(b"\xd0\xcf\x11\xe0")
    result = CliRunner().invoke(main, ["extract", str(doc), "--json"])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith(f"{doc}: unsupported file type '.doc'")


@pytest.mark.parametrize("name", ["empty.txt", "missing.pdf"])
def test_extract_unreadable_file(tmp_path: Path, name: str) -> None:
    if name == "empty.txt":
        (tmp_path / name).write_bytes(b"")
    result = CliRunner().invoke(main, ["extract", str(tmp_path / name)])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith(f"{tmp_path / name}: ")
