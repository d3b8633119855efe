"""The README's analyst questions: each command, run as printed, prints what the README shows.

The sample set (data/raw) and the 2023 variant are ingested as the README says, from a copy of
the repository's layout, so the stored paths and ids are the README's. Commands on the real
corpus (``--db real.db``) are left out: ingesting it takes minutes.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kaohe.cli import main
from pipeline.ingest import ingest

REPO = Path(__file__).resolve().parent.parent
SECTION = "## Analysts' questions from the CLI"


def _examples() -> list[tuple[str, str]]:
    """(command, output) of every ``$ .venv/bin/kaohe`` block of the section."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text[text.index(SECTION) : text.index("\n## ", text.index(SECTION) + 1)]
    examples: list[tuple[str, str]] = []
    for block in re.findall(r"```\n(.*?)```", section, flags=re.S):
        # A block may hold several commands, each followed by its output.
        for part in re.split(r"(?m)^(?=\$ )", block):
            if not part.startswith("$ .venv/bin/kaohe "):
                continue
            lines = part.splitlines(keepends=True)
            command = [lines[0][len("$ .venv/bin/kaohe ") :]]
            rest = lines[1:]
            while rest and rest[0].startswith("    "):  # the command continues (inside its quotes)
                command.append(rest.pop(0))
            examples.append(("".join(command).rstrip("\n"), "".join(rest)))
    return examples


EXAMPLES = [(c, o) for c, o in _examples() if "--db real.db" not in c]


def test_the_section_has_the_questions() -> None:
    commands = [c.split()[0] for c, _ in _examples()]
    assert commands.count("query") >= 4 and "search" in commands and "diff" in commands


@pytest.fixture(scope="module")
def readme_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("readme")
    shutil.copytree(REPO / "data" / "raw", root / "data" / "raw")
    shutil.copytree(REPO / "tests" / "fixtures" / "variants", root / "tests" / "fixtures" / "variants")
    before = Path.cwd()
    os.chdir(root)
    try:
        url = "sqlite:///data/out/kaohe.db"
        assert ingest(Path("data/raw"), url, workers=1, progress=False).ok
        assert ingest(Path("tests/fixtures/variants"), url, workers=1, progress=False).ok
    finally:
        os.chdir(before)
    return root


@pytest.mark.parametrize(
    ("command", "output"), EXAMPLES, ids=[c.split()[0] + str(i) for i, (c, _) in enumerate(EXAMPLES)]
)
def test_readme_example_prints_what_the_readme_shows(
    readme_db: Path, command: str, output: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(readme_db)
    monkeypatch.delenv("KAOHE_DB", raising=False)
    result = CliRunner().invoke(main, shlex.split(command), terminal_width=200)
    assert result.exit_code == 0, result.output
    # Document ids (#4) follow the order extractions finish in, which parallel workers vary.
    assert _ids_masked(result.stdout) == _ids_masked(output)


def _ids_masked(text: str) -> str:
    return re.sub(r"#\d+", "#N", text)
