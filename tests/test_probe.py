"""Documents from outside the corpus (tests/fixtures/probe, sources in SOURCES.md): the layouts
kaohe was not built from. Each must keep the leaf F1 and document fields it reaches now."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from normalizers.text import to_simplified
from pipeline.extract import extract_file
from tests.golden import leaf_f1

PROBE = Path(__file__).parent / "fixtures" / "probe"
# shicheng-…-2018.txt is left out: its text export collapsed a header cell merged over two
# columns, so its rows are one cell wider than their header (a known limitation).
FLOORS = {
    "chizhou-tangxi-weituo-2022.docx": 1.0,
    "chizhou-tangxi-weituo-2022.txt": 1.0,
    "dazhou-zhengti-defenbiao.docx": 1.0,
    "dazhou-zhengti-defenbiao.txt": 1.0,
    "ezhou-mubiao-2022.txt": 1.0,
    "shicheng-hezhang-kaohe-2018.docx": 0.85,
    "weisheng-xieguan-kaoping-2013.docx": 0.9,
    "weisheng-xieguan-kaoping-2013.txt": 0.9,
    "zhonghua-fuwu-pingfen-hant.docx": 1.0,
    "zhonghua-fuwu-pingfen-hant.txt": 1.0,
}


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_probe_document(name: str) -> None:
    truth = json.loads((PROBE / "truth" / f"{name}.json").read_text(encoding="utf-8"))
    extraction = extract_file(PROBE / "raw" / name)
    assert leaf_f1(truth, extraction) >= FLOORS[name]
    expected, document = truth["document"], extraction.document
    assert document.year == expected["year"]
    assert document.total_points == expected["total_points"]
    if expected.get("organization"):
        assert document.organization == to_simplified(expected["organization"])
