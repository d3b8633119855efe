"""normalizers/document_key.py: one key for every form of a document."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from normalizers.document_key import document_key, key_text


@pytest.mark.parametrize(
    ("text", "key"),
    [
        # The DOCX title and the PDF's text layer (spaces around the year, full-width brackets).
        ("2022 年度服务高质量发展绩效考核工作任务要点", "2022年度服务高质量发展绩效考核工作任务要点"),
        ("《南昌市县区2023年老干部工作目标管理考核细则》", "南昌市县区2023年老干部工作目标管理考核细则"),
        ("部门整体支出绩效自评表（2021年度）", "部门整体支出绩效自评表2021年度"),
        ("部门整体支出绩效自评表(2021年度)", "部门整体支出绩效自评表2021年度"),
        ("ＡＢＣ—表１", "abc表1"),
        (None, ""),
    ],
)
def test_key_text_drops_spaces_punctuation_and_width(text: str | None, key: str) -> None:
    assert key_text(text) == key


@pytest.mark.parametrize(
    ("title", "organization", "year", "file_name", "key"),
    [
        ("2022 年度工作任务要点", "枣庄市某中心", 2022, "a.pdf", "2022|枣庄市某中心|2022年度工作任务要点"),
        ("南昌市县区2023年考核细则", None, 2023, "n.txt", "2023||南昌市县区2023年考核细则"),
        # No title: the file's stem, so nanchang.pdf and nanchang.txt still share a key.
        (None, None, None, "nanchang-kaohe-2023.pdf", "||nanchangkaohe2023"),
        ("  ", "某局", None, "x.y.docx", "|某局|xy"),
    ],
)
def test_document_key(title: str | None, organization: str | None, year: int | None, file_name: str, key: str) -> None:
    assert document_key(title, organization, year, file_name) == key


def test_forms_of_one_document_share_a_key() -> None:
    docx = document_key("部门整体支出绩效自评表（2021年度）", "长沙市望城区老干部服务中心", 2021, "ziping.docx")
    pdf = document_key("部门整体支出绩效自评表 (2021 年度)", "长沙市望城区老干部服务中心", 2021, "ziping.pdf")
    assert docx == pdf
    assert docx != document_key("部门整体支出绩效自评表（2022年度）", "长沙市望城区老干部服务中心", 2022, "z.pdf")


@given(st.text(max_size=300), st.one_of(st.none(), st.text(max_size=50)), st.text(max_size=40))
def test_document_key_never_crashes_and_has_three_fields(title: str, organization: str | None, file_name: str) -> None:
    key = document_key(title, organization, None, file_name)
    assert key.count("|") == 2
