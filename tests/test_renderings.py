"""The acceptance inputs of issue 9: web pages and workbooks of documents kaohe reads as DOCX.

``tests/fixtures/renderings`` (made by ``scripts/make-renderings.py``, see its SOURCES.md) holds
each document laid out again from its DOCX: a plain page, a page in a government site's chrome, a
GBK page, a GB18030 page without a charset, an .xlsx workbook. Each must read as the DOCX reads:
the same grid (texts without whitespace, spanned flags), the same paragraphs, and the same
extraction (leaves with their names, points and targets; clauses; document fields), so the same
scores against the DOCX's truth.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import re
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest

from parsers.docx import parse_docx
from pipeline.build import build
from pipeline.normalize import normalize
from pipeline.parse import parse
from schema.records import Block, Cell, Extraction, Paragraph, ParsedDocument, Table
from tests.golden import leaf_f1, leaves

REPO = Path(__file__).parent.parent
RENDERINGS = REPO / "tests" / "fixtures" / "renderings"
MANIFEST: dict[str, dict[str, str]] = json.loads((RENDERINGS / "manifest.json").read_text(encoding="utf-8"))
NAMES = sorted(MANIFEST)
ENCODINGS = {".gbk.htm": "gb18030", ".gb18030.html": "gb18030", ".site.html": "utf-8", ".html": "utf-8"}

Grid = list[list[tuple[str, bool]]]


@functools.cache
def _docx(path: str) -> tuple[ParsedDocument, Extraction]:
    parsed = parse_docx(REPO / path)
    return parsed, build(normalize(parsed), "0" * 64)


@functools.cache
def _rendering(name: str) -> tuple[ParsedDocument, Extraction]:
    parsed = parse(RENDERINGS / "raw" / name)
    return parsed, build(normalize(parsed), "0" * 64)


def _pair(name: str) -> tuple[tuple[ParsedDocument, Extraction], tuple[ParsedDocument, Extraction]]:
    return _docx(MANIFEST[name]["docx"]), _rendering(name)


def _truth(name: str) -> dict:
    return json.loads((RENDERINGS / "truth" / f"{name}.json").read_text(encoding="utf-8"))


# --- what is compared ---------------------------------------------------------------------------


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _grid(table: Table) -> Grid:
    """Texts without whitespace and spanned flags; rows without text left out (the DOCX keeps
    empty rows, pages and sheets do not)."""
    rows = [[(_squeezed(cell.text), cell.spanned) for cell in row] for row in table.rows]
    return [row for row in rows if any(text for text, _ in row)]


def _layout(blocks: tuple[Block, ...]) -> tuple[list[Grid], list[str]]:
    tables = [_grid(block) for block in blocks if isinstance(block, Table)]
    paragraphs = [_squeezed(block.text) for block in blocks if isinstance(block, Paragraph)]
    return tables, paragraphs


def _as_workbook(blocks: tuple[Block, ...]) -> tuple[list[Grid], list[str]]:
    """The DOCX layout as its workbook has it: the paragraphs after the last table are merged rows
    under it (a sheet has no text outside its cells; the sheet reader keeps a merged note row in
    the table)."""
    last = max(index for index, block in enumerate(blocks) if isinstance(block, Table))
    tables, _ = _layout(blocks[: last + 1])
    _, paragraphs = _layout(blocks[:last])
    width = len(tables[-1][0])
    for block in blocks[last + 1 :]:
        text = _squeezed(block.text)  # type: ignore[union-attr]
        tables[-1].append([(text, False), *[(text, True)] * (width - 1)])
    return tables, paragraphs


def _leaves(extraction: Extraction) -> list[tuple[str, str, float | None, tuple[str, float] | None]]:
    return [
        (top.name, leaf.name, leaf.points, (leaf.target.op, leaf.target.value) if leaf.target else None)
        for leaf, top in leaves(extraction)
    ]


def _clauses(extraction: Extraction) -> Counter[tuple[str, float | None]]:
    return Counter((clause.kind, clause.points) for clause in extraction.clauses)


def _fields(extraction: Extraction) -> tuple[object, ...]:
    document = extraction.document
    return document.organization, document.year, document.total_points, document.total_score, document.script


def _clause_f1(truth: dict, extraction: Extraction) -> float:
    """The shared evaluator's clause F1 for one document: (kind, points) as a multiset."""
    expected = Counter((c["kind"], None if c["points"] is None else float(c["points"])) for c in truth["clauses"])
    found = _clauses(extraction)
    correct = sum((expected & found).values())
    if not expected and not found:
        return 1.0
    return 2 * correct / (sum(expected.values()) + sum(found.values()))


# --- the tests ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_grid_equals_docx(name: str) -> None:
    (docx, _), (rendering, _) = _pair(name)
    expected = _as_workbook(docx.blocks) if name.endswith(".xlsx") else _layout(docx.blocks)
    tables, paragraphs = _layout(rendering.blocks)
    assert paragraphs == expected[1]
    assert len(tables) == len(expected[0])
    for found, wanted in zip(tables, expected[0], strict=True):
        assert found == wanted


@pytest.mark.parametrize("name", NAMES)
def test_extraction_equals_docx(name: str) -> None:
    (_, docx), (_, rendering) = _pair(name)
    assert _leaves(rendering) == _leaves(docx)
    assert _clauses(rendering) == _clauses(docx)
    assert _fields(rendering) == _fields(docx)


def _scores(truth: dict, extraction: Extraction) -> tuple[float, float]:
    return leaf_f1(truth, extraction), _clause_f1(truth, extraction)


@functools.cache
def _docx_scores(docx: str, truth: str) -> tuple[float, float]:
    return _scores(json.loads(truth), _docx(docx)[1])


@pytest.mark.parametrize("name", NAMES)
def test_scores_equal_docx(name: str) -> None:
    truth = _truth(name)
    truth.pop("file")
    docx = _docx_scores(MANIFEST[name]["docx"], json.dumps(truth, sort_keys=True))
    assert _scores(truth, _rendering(name)[1]) == docx


@pytest.mark.parametrize("name", [name for name in NAMES if not name.endswith(".xlsx")])
def test_page_encoding(name: str) -> None:
    (_, _), (rendering, _) = _pair(name)
    suffix = next(suffix for suffix in ENCODINGS if name.endswith(suffix))
    assert (rendering.format, rendering.encoding, rendering.warnings) == ("html", ENCODINGS[suffix], ())
    head = (RENDERINGS / "raw" / name).read_bytes()[:400].lower()
    assert (b"charset" in head) == (suffix != ".gb18030.html")


def test_fixture_set_is_complete_and_truth_is_the_docx_truth() -> None:
    assert sorted(path.name for path in (RENDERINGS / "raw").iterdir()) == NAMES
    assert sorted(path.name for path in (RENDERINGS / "truth").iterdir()) == [f"{name}.json" for name in NAMES]
    by_docx: dict[str, dict] = {}
    for name in NAMES:
        truth = _truth(name)
        assert truth.pop("file") == f"raw/{name}"
        assert by_docx.setdefault(MANIFEST[name]["docx"], truth) == truth  # one truth per document
    corpus = "tests/fixtures/corpus/raw/"
    seed = {docx: truth for docx, truth in by_docx.items() if docx.startswith(corpus)}
    assert seed  # the seed corpus holds the DOCX's own truth: the renderings' is the same
    for docx, truth in seed.items():
        expected = json.loads((REPO / "tests/fixtures/corpus/truth" / f"{Path(docx).name}.json").read_text("utf-8"))
        assert expected.pop("file") == f"raw/{Path(docx).name}"
        assert truth == expected


@functools.cache
def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_renderings", REPO / "scripts" / "make-renderings.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_pages_are_what_the_script_writes(tmp_path: Path) -> None:
    script = _script()
    for name in NAMES:
        form = name.split(".", 1)[1]
        [written] = script.render(REPO / MANIFEST[name]["docx"], tmp_path, [form])
        if form == "xlsx":  # a workbook holds its save time: compare what it reads as
            assert parse(written).blocks == _rendering(name)[0].blocks, name
        else:
            assert written.read_bytes() == (RENDERINGS / "raw" / name).read_bytes(), name


def _table(*rows: str) -> Table:
    """Rows of space-separated cells; a trailing * marks a spanned position."""
    return Table(rows=tuple(tuple(Cell(text.rstrip("*"), text.endswith("*")) for text in row.split()) for row in rows))


def test_merged_cells_recovered_as_rectangles() -> None:
    span = _script().Span
    table = _table("A A* B", "A* A* C", "D E E*", "X X X")
    assert _script().spans(table) == [
        span(0, 0, "A", rowspan=2, colspan=2),
        span(0, 2, "B"),
        span(1, 2, "C"),
        span(2, 0, "D"),
        span(2, 1, "E", colspan=2),
        *(span(3, col, "X") for col in range(3)),  # the same text, not merged: three cells
    ]
    with pytest.raises(ValueError, match="continues no rectangle"):
        _script().spans(_table("A A*", "A* B"))  # an L-shaped merge has no rowspan/colspan
