"""Golden tests: every corpus document against its hand-checked truth file.

Leaves are compared one to one in document order: name (simplified, without punctuation or
enumerators; a prefix or containment match, as the truth files abbreviate long items), top-level
ancestor, points and target. Document fields are compared exactly.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from pipeline.extract import extract_file
from schema.records import Extraction
from tests.golden import leaves as _leaves
from tests.golden import same_name as _same_name

CORPUS = Path(__file__).parent / "fixtures" / "corpus"
DOCUMENTS = [
    "nanchang-kaohe-2023.pdf",
    "nanchang-kaohe-2023.txt",
    "zaozhuang-laoganbu-2022.txt",
    "zaozhuang-laoganbu-2022.pdf",
    "zaozhuang-fulian-2022.txt",
    "zaozhuang-fulian-2022.docx",
    "wangcheng-ziping-2021.txt",
    "wangcheng-ziping-2021.pdf",
    "yutian-mubiao-2023.txt",
    "yutian-mubiao-2023.docx",
]

def _truth(name: str) -> dict:
    return json.loads((CORPUS / "truth" / f"{name}.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module", params=DOCUMENTS)
def golden(request: pytest.FixtureRequest) -> tuple[dict, Extraction]:
    return _truth(request.param), extract_file(CORPUS / "raw" / request.param)


def test_leaves_match_truth_one_to_one(golden: tuple[dict, Extraction]) -> None:
    truth, extraction = golden
    predicted = _leaves(extraction)
    assert len(predicted) == len(truth["leaves"])
    for expected, (leaf, top) in zip(truth["leaves"], predicted, strict=True):
        assert _same_name(expected.get("name") or expected["path"][-1], leaf.name), (expected, leaf.name)
        assert _same_name(expected["path"][0], top.name), (expected["path"][0], top.name)
        if expected.get("points") is not None:
            assert leaf.points == pytest.approx(expected["points"]), leaf.name
        if expected.get("target"):
            assert leaf.target is not None, leaf.name
            assert leaf.target.op == expected["target"]["op"]
            assert leaf.target.value == pytest.approx(expected["target"]["value"])


def test_clauses_match_truth(golden: tuple[dict, Extraction]) -> None:
    truth, extraction = golden
    expected = Counter((c["kind"], c["points"], c.get("per_unit")) for c in truth["clauses"])
    found = Counter((c.kind, c.points, c.per.unit if c.per else None) for c in extraction.clauses)
    assert found == expected


def test_document_fields_match_truth(golden: tuple[dict, Extraction]) -> None:
    truth, extraction = golden
    expected, document = truth["document"], extraction.document
    assert document.year == expected["year"]
    assert document.total_points == expected["total_points"]
    assert document.organization == expected["organization"]
    assert document.script == expected["script"]


def test_wangcheng_funds_block_is_facts_not_indicators() -> None:
    for name in ("wangcheng-ziping-2021.txt", "wangcheng-ziping-2021.pdf"):
        extraction = extract_file(CORPUS / "raw" / name)
        facts = {f.name: f.value for f in extraction.facts}
        funds = _truth(name)["document"]["funds"]
        assert facts["budget"] == pytest.approx(funds["budget"])
        assert facts["executed"] == pytest.approx(funds["executed"])
        assert facts["execution_rate"] == pytest.approx(funds["rate"])
        assert facts["funds_points"] == pytest.approx(funds["points"])
        assert facts["funds_score"] == pytest.approx(funds["score"])
        assert extraction.document.total_score == pytest.approx(98.92)
        assert not any("预算" in i.name or "总分" in i.name for i in extraction.indicators)


def test_section_printed_twice_is_loaded_once() -> None:
    extraction = extract_file(CORPUS / "raw" / "yutian-mubiao-2023.txt")
    names = [i.name for i in extraction.indicators]
    assert names.count("开展课程次数") == 2  # once inline, once in the target table: not four times
    assert names.count("离退休老干部参与者满意度情况") == 1


def test_wangcheng_actual_and_score_are_read() -> None:
    extraction = extract_file(CORPUS / "raw" / "wangcheng-ziping-2021.pdf")
    first = next(i for i in extraction.indicators if i.name.startswith("老干部慰问"))
    assert first.actual == "194"
    assert first.score == 5
    assert first.target is not None and (first.target.op, first.target.value, first.target.unit) == (">=", 200, "人")
    satisfaction = [i for i in extraction.indicators if (i.description or "").endswith("满意度")]
    assert [(i.actual, i.points, i.score) for i in satisfaction] == [("95%", 10, 10)]
    assert satisfaction[0].target is not None and satisfaction[0].target.text == "90%以上"
