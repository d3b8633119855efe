"""`kaohe diff`: pairing indicators by path and by similarity, field and clause changes, the command."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from analyst.diff_load import document_from_extraction
from analyst.diff_match import (
    RENAME_THRESHOLD,
    Document,
    FieldChange,
    Node,
    Rename,
    Rule,
    compare_rules,
    diff_documents,
    match_nodes,
    normalize_name,
    normalize_text,
    similarity,
)
from analyst.diff_render import diff_to_dict, render_text
from kaohe.cli import main
from pipeline.extract import extract_file
from pipeline.ingest import ingest

VARIANTS = Path(__file__).parent / "fixtures" / "variants"
ORG = "枣庄市老干部活动中心"
SECTION = ("围绕中心履职尽责", "重点（职能）工作")


def doc(*nodes: Node, rules: tuple[Rule, ...] = (), doc_id: int = 1) -> Document:
    return Document(id=doc_id, source_path=f"doc{doc_id}.txt", nodes=nodes, rules=rules)


def leaf(node_id: int, parent: int | None, name: str, points: float | None = None, **fields: object) -> Node:
    return Node(id=node_id, parent_id=parent, name=name, points=points, **fields)  # type: ignore[arg-type]


# -- normalisation and similarity -------------------------------------------------------------


def test_normalize_ignores_whitespace_punctuation_width_and_numbering() -> None:
    assert normalize_text("强化内部管理, 改善活动条件，健全规章制度。") == "强化内部管理改善活动条件健全规章制度"
    assert normalize_text("“工业强市 产业兴市”摄影展") == normalize_text('"工业强市产业兴市"摄影展')
    assert normalize_text("ＡＢＣ１２") == "abc12"
    # What carries meaning stays: a decimal point, a percent sign, comparison symbols.
    assert normalize_text("1.5倍") != normalize_text("15倍")
    assert normalize_text("≥90%") == "≥90%"
    for numbered in ("8、建立制度", "（八）建立制度", "(8)建立制度", "八、建立制度", "8. 建立制度", "⑧建立制度"):
        assert normalize_name(numbered) == "建立制度", numbered
    assert normalize_name("2022年度招生") == "2022年度招生"
    assert normalize_name("1.5倍以上") == "1.5倍以上"


def test_similarity_is_the_sequencematcher_ratio_of_normalized_names() -> None:
    assert similarity("加强精品课程建设", "加强老年教育精品课程建设") == pytest.approx(0.8)
    assert similarity("1、加强教师队伍建设。", "2、加强教师队伍建设") == 1.0


# -- matching -----------------------------------------------------------------------------------


def test_rename_threshold() -> None:
    assert RENAME_THRESHOLD == 0.6
    # Ten characters each: 6 in common is a ratio of exactly 0.6 (kept), 5 is 0.5 (not).
    old = doc(leaf(1, None, "一二三四五六七八九十"), leaf(2, None, "甲乙丙丁戊己庚辛壬癸"))
    new = doc(leaf(1, None, "一二三四五六子丑寅卯"), leaf(2, None, "甲乙丙丁戊子丑寅卯辰"), doc_id=2)
    assert similarity("一二三四五六七八九十", "一二三四五六子丑寅卯") == pytest.approx(0.6)
    assert similarity("甲乙丙丁戊己庚辛壬癸", "甲乙丙丁戊子丑寅卯辰") == pytest.approx(0.5)
    assert match_nodes(old.nodes, new.nodes) == {1: 1}

    diff = diff_documents(old, new)
    assert diff.renamed == (Rename(("一二三四五六七八九十",), ("一二三四五六子丑寅卯",), pytest.approx(0.6)),)
    assert [e.path for e in diff.added] == [("甲乙丙丁戊子丑寅卯辰",)]
    assert [e.path for e in diff.removed] == [("甲乙丙丁戊己庚辛壬癸",)]
    # A stricter threshold drops the rename; a looser one takes the second pair too.
    assert match_nodes(old.nodes, new.nodes, threshold=0.61) == {}
    assert match_nodes(old.nodes, new.nodes, threshold=0.5) == {1: 1, 2: 2}


def test_renames_are_one_to_one_best_ratio_first() -> None:
    # Both old names resemble the one new name (0.83 and 0.91); the closer one wins though it
    # comes second, and the other is removed.
    old = doc(leaf(1, None, "加强教师队伍建设工作方案"), leaf(2, None, "加强教师队伍建设工作"))
    new = doc(leaf(7, None, "加强教师队伍建设工作机制"), doc_id=2)
    assert match_nodes(old.nodes, new.nodes) == {2: 7}
    diff = diff_documents(old, new)
    assert diff.renamed == (Rename(("加强教师队伍建设工作",), ("加强教师队伍建设工作机制",), pytest.approx(20 / 22)),)
    assert [e.path for e in diff.removed] == [("加强教师队伍建设工作方案",)]
    assert diff.added == ()

    # Two similar new names for one old one: only one is paired, the closer.
    old = doc(leaf(1, None, "开展智慧助老服务"))
    new = doc(leaf(1, None, "开展智慧助老志愿服务活动"), leaf(2, None, "开展智慧助老服务活动"), doc_id=2)
    assert match_nodes(old.nodes, new.nodes) == {1: 2}
    assert [e.path for e in diff_documents(old, new).added] == [("开展智慧助老志愿服务活动",)]

    # Punctuation and numbering alone are not a rename: that is the same path.
    old = doc(leaf(1, None, "3、加强教师队伍建设。"))
    new = doc(leaf(1, None, "4、加强教师队伍建设"), doc_id=2)
    assert diff_documents(old, new).empty


def test_renames_prefer_the_same_parent() -> None:
    old = doc(
        leaf(1, None, "一、队伍建设"),
        leaf(2, 1, "加强教师队伍建设工作"),
        leaf(3, None, "二、阵地建设"),
        leaf(4, 3, "加强教师队伍建设"),
    )
    new = doc(leaf(1, None, "一、队伍建设"), leaf(2, 1, "加强教师队伍建设"), leaf(3, None, "二、阵地建设"), doc_id=2)
    # Old 4 has the very name of new 2 (ratio 1) but under another section; old 2 is under the
    # same section (ratio 0.89) and is preferred.
    assert match_nodes(old.nodes, new.nodes) == {1: 1, 3: 3, 2: 2}
    diff = diff_documents(old, new)
    assert diff.renamed == (
        Rename(("一、队伍建设", "加强教师队伍建设工作"), ("一、队伍建设", "加强教师队伍建设"), pytest.approx(16 / 18)),
    )
    assert [e.path for e in diff.removed] == [("二、阵地建设", "加强教师队伍建设")]


def test_children_of_a_renamed_section_pair_by_path() -> None:
    old = doc(leaf(1, None, "围绕中心履职尽责", 400), leaf(2, 1, "重点工作"), leaf(3, 2, "摄影展", 35))
    new = doc(
        leaf(1, None, "围绕中心履职尽责", 400), leaf(2, 1, "重点（职能）工作"), leaf(3, 2, "摄影展", 40), doc_id=2
    )
    diff = diff_documents(old, new)
    # Only the section is renamed; its child is the same indicator, reported under its new path.
    assert diff.renamed == (
        Rename(("围绕中心履职尽责", "重点工作"), ("围绕中心履职尽责", "重点（职能）工作"), pytest.approx(0.8)),
    )
    assert [(c.old_path, c.new_path, c.fields) for c in diff.changed] == [
        (
            ("围绕中心履职尽责", "重点工作", "摄影展"),
            ("围绕中心履职尽责", "重点（职能）工作", "摄影展"),
            (FieldChange("points", 35, 40),),
        )
    ]
    assert diff.added == diff.removed == ()


def test_moved_indicator_is_a_rename_with_ratio_one_and_repeats_pair_in_order() -> None:
    old = doc(
        leaf(1, None, "产出指标"),
        leaf(2, 1, "成本指标"),
        leaf(3, None, "效益指标"),
        leaf(4, 3, "老干组织专项", 5),
        leaf(5, 3, "老干组织专项", 6),
    )
    new = doc(
        leaf(1, None, "产出指标"),
        leaf(3, None, "效益指标"),
        leaf(4, 3, "成本指标"),
        leaf(5, 3, "老干组织专项", 5),
        leaf(6, 3, "老干组织专项", 6),
        doc_id=2,
    )
    diff = diff_documents(old, new)
    assert diff.renamed == (Rename(("产出指标", "成本指标"), ("效益指标", "成本指标"), 1.0),)
    assert diff.changed == diff.added == diff.removed == ()
    assert "产出指标 / 成本指标 → 效益指标 / 成本指标 (moved)" in render_text(diff)


def test_levels_are_not_mixed() -> None:
    # Same name one level deeper: not the same indicator (pairing stays within a level).
    old = doc(leaf(1, None, "宣传调研"))
    new = doc(leaf(1, None, "六、其他"), leaf(2, 1, "宣传调研"), doc_id=2)
    diff = diff_documents(old, new)
    assert diff.renamed == ()
    assert [e.path for e in diff.removed] == [("宣传调研",)]
    assert [(e.path, e.is_leaf) for e in diff.added] == [(("六、其他",), False), (("六、其他", "宣传调研"), True)]


# -- field and clause changes ---------------------------------------------------------------------


def test_changed_fields() -> None:
    old = doc(
        leaf(1, None, "满意度", 10, score=9.0, target_op=">=", target_value=90.0, target_unit="%"),
        leaf(2, None, "培训", 5, description="开展 培训,提高水平。"),
        leaf(3, None, "宣传", 5, description="编发信息300篇"),
    )
    new = doc(
        leaf(1, None, "满意度", 10, score=8.5, target_op=">=", target_value=95.0, target_unit="%"),
        leaf(2, None, "培训", 5.0, description="开展培训，提高水平"),  # wrapping/punctuation only
        leaf(3, None, "宣传", 5, description="编发信息400篇"),
        doc_id=2,
    )
    diff = diff_documents(old, new)
    assert [(c.new_path, c.fields) for c in diff.changed] == [
        (
            ("满意度",),
            (
                FieldChange(
                    "target", {"op": ">=", "value": 90.0, "unit": "%"}, {"op": ">=", "value": 95.0, "unit": "%"}
                ),
                FieldChange("score", 9.0, 8.5),
            ),
        ),
        (("宣传",), (FieldChange("description", "编发信息300篇", "编发信息400篇"),)),
    ]
    text = render_text(diff)
    assert "  满意度: target >=90% → >=95%; score 9 → 8.5" in text
    assert "  宣传: description changed" in text
    assert "300" not in text and "400" not in text  # descriptions are not dumped
    assert diff_to_dict(diff)["changed"][1]["changes"] == {
        "description": {"old": "编发信息300篇", "new": "编发信息400篇"}
    }


def test_compare_rules_is_a_multiset_difference_on_kind_points_per_cap() -> None:
    deduct = Rule("deduct", 1.0, 1.0, "次", None, "少1次扣1分")
    reworded = Rule("deduct", 1.0, 1.0, "次", None, "每少一次扣1分")
    capped = Rule("deduct", 1.0, 1.0, "次", 3.0, "少1次扣1分,最多扣3分")
    bonus = Rule("bonus", 2.0, text="获市级表彰加2分")
    assert compare_rules([deduct, bonus], [reworded, bonus]) == ((), ())  # the wording does not count
    assert compare_rules([deduct], [capped]) == ((capped,), (deduct,))
    assert compare_rules([deduct, deduct], [deduct]) == ((), (deduct,))
    assert compare_rules([], [bonus, bonus]) == ((bonus, bonus), ())


def test_clause_changes_per_paired_indicator_and_document_wide() -> None:
    deduct = Rule("deduct", 0.3, 1.0, "篇", None, "少一篇扣0.3分")
    tier = Rule("tier", 1.0, text="完成任务数的70%(1分)")
    veto = Rule("veto", None, text="直接定为不达标")
    old = doc(
        leaf(1, None, "宣传调研", 10),
        leaf(2, 1, "30、用稿10篇以上", 3, rules=(deduct,)),
        leaf(3, 1, "31、老友征订", 2, rules=(tier,)),
        rules=(veto,),
    )
    new = doc(
        leaf(1, None, "宣传调研", 10),
        leaf(2, 1, "30、用稿达到10篇以上", 3, rules=(replace(deduct, points=0.5, text="少一篇扣0.5分"),)),
        leaf(4, 1, "32、调研文章", 2, rules=(tier,)),
        doc_id=2,
    )
    diff = diff_documents(old, new)
    assert [(r.path, r.rule.points) for r in diff.rules_added] == [(("宣传调研", "30、用稿达到10篇以上"), 0.5)]
    assert [(r.path, r.rule) for r in diff.rules_removed] == [
        (("宣传调研", "30、用稿10篇以上"), deduct),
        (None, veto),
    ]
    # The rules of an added or removed indicator go with it, not into the clause changes.
    assert [(e.path, e.node.rules) for e in diff.added] == [(("宣传调研", "32、调研文章"), (tier,))]
    assert [(e.path, e.node.rules) for e in diff.removed] == [(("宣传调研", "31、老友征订"), (tier,))]
    payload = diff_to_dict(diff)
    assert payload["clauses"] == {
        "added": [
            {
                "path": "宣传调研 / 30、用稿达到10篇以上",
                "kind": "deduct",
                "points": 0.5,
                "per": {"count": 1.0, "unit": "篇"},
                "cap": None,
                "text": "少一篇扣0.5分",
            },
        ],
        "removed": [
            {
                "path": "宣传调研 / 30、用稿10篇以上",
                "kind": "deduct",
                "points": 0.3,
                "per": {"count": 1.0, "unit": "篇"},
                "cap": None,
                "text": "少一篇扣0.3分",
            },
            {"path": None, "kind": "veto", "points": None, "per": None, "cap": None, "text": "直接定为不达标"},
        ],
    }
    text = render_text(diff)
    assert "  + 宣传调研 / 30、用稿达到10篇以上: deduct 0.5 per 1篇 «少一篇扣0.5分»" in text
    assert "  - (document): veto «直接定为不达标»" in text
    assert "  + 宣传调研 / 32、调研文章 (2 points, 1 clauses)" in text


@pytest.fixture(scope="module")
def nanchang() -> tuple[Document, Document]:
    raw = Path(__file__).parent / "fixtures" / "corpus" / "raw"
    return (
        document_from_extraction(extract_file(raw / "nanchang-kaohe-2023.txt"), 1),
        document_from_extraction(extract_file(raw / "nanchang-kaohe-2023.pdf"), 2),
    )


def test_nanchang_text_and_pdf_differ_in_item_8_points_only(nanchang: tuple[Document, Document]) -> None:
    txt, pdf = nanchang
    diff = diff_documents(txt, pdf)
    # Same rules, same structure; the only field that differs is item 8's points (the text
    # version lost them).
    assert diff.rules_added == diff.rules_removed == ()
    assert diff.added == diff.removed == ()
    assert [(c.new_path[-1][:3], c.fields) for c in diff.changed] == [("8、建", (FieldChange("points", None, 1.0),))]
    # The text version's transcription also garbled the names of items 15, 18 and 19 (a stray
    # "1分值", a phrase of item 19 that ended up in item 18): they pair as renames.
    assert [(r.old_path[-1][:3], r.new_path[-1][:3], round(r.ratio, 2)) for r in diff.renamed] == [
        ("15、", "15、", 0.9),
        ("18、", "18、", 0.76),
        ("19、", "19、", 0.83),
    ]
    assert (
        "  二、政治待遇 / 8、建立离退休干部理论学习、阅读档案、通报情况、走访慰问、参观考察、"
        "参加重要会议和重大活动等制度;: points none → 1" in render_text(diff).splitlines()
    )


def test_nanchang_clause_changes(nanchang: tuple[Document, Document]) -> None:
    txt, pdf = nanchang
    # Edit the PDF's rules: item 30's deduction per article goes to 0.5 points, the veto goes.
    nodes = tuple(
        replace(n, rules=tuple(replace(r, points=0.5) for r in n.rules)) if n.name.startswith("30、") else n
        for n in pdf.nodes
    )
    edited = replace(pdf, nodes=nodes, rules=tuple(r for r in pdf.rules if r.kind != "veto"))
    diff = diff_documents(txt, edited)
    item30 = next(n for n in txt.nodes if n.name.startswith("30、"))
    assert [(r.path[-1] if r.path else None, r.rule.kind, r.rule.points) for r in diff.rules_added] == [
        (item30.name, "deduct", 0.5)
    ]
    assert [(r.path[-1] if r.path else None, r.rule.kind, r.rule.points) for r in diff.rules_removed] == [
        (item30.name, "deduct", 0.3),
        (None, "veto", None),
    ]


# -- the command ---------------------------------------------------------------------------------


@pytest.fixture
def variant_db(tmp_path: Path, tmp_db_url: str, corpus_dir: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The 2022 document and its 2023 variant ingested from tmp_path/in (the current directory)."""
    monkeypatch.chdir(tmp_path)
    folder = Path("in")
    folder.mkdir()
    shutil.copyfile(corpus_dir / "zaozhuang-laoganbu-2022.txt", folder / "zaozhuang-laoganbu-2022.txt")
    shutil.copyfile(VARIANTS / "zaozhuang-laoganbu-2023.txt", folder / "zaozhuang-laoganbu-2023.txt")
    report = ingest(folder, tmp_db_url, workers=1, progress=False)
    assert report.loaded == ("in/zaozhuang-laoganbu-2022.txt", "in/zaozhuang-laoganbu-2023.txt")
    assert report.ok
    return tmp_db_url


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["diff", *args])
    return result.exit_code, result.output


def document_json(doc_id: int, year: int) -> dict[str, object]:
    return {
        "id": doc_id,
        "source_path": f"in/zaozhuang-laoganbu-{year}.txt",
        "format": "text",
        "title": f"{year} 年度服务高质量发展绩效考核工作任务要点",
        "organization": ORG,
        "supervisor": "市委老干部局",
        "year": year,
        "total_points": 400.0,
        "total_score": None,
        "indicator_count": 20,
    }


def task(name: str) -> str:
    return " / ".join((*SECTION, name))


# The variant: title year 2023; 加强智能技术教育 20 → 25 and 加强信息宣传… 30 → 25; one task
# removed (10 points) and one added (10 points), so the 400 total stays consistent; one renamed.
EXPECTED = {
    "old": document_json(1, 2022),
    "new": document_json(2, 2023),
    "added": [
        {
            "path": task("开展老年人防范电信网络诈骗宣传教育"),
            "level": 3,
            "points": 10.0,
            "is_leaf": True,
            "clauses": [],
        },
    ],
    "removed": [
        {
            "path": task("用足用好老干部活动资源,深化共享共建工作机制。"),
            "level": 3,
            "points": 10.0,
            "is_leaf": True,
            "clauses": [],
        },
    ],
    "renamed": [
        {
            "old_path": task("加强精品课程建设"),
            "new_path": task("加强老年教育精品课程建设"),
            "old_name": "加强精品课程建设",
            "new_name": "加强老年教育精品课程建设",
            "ratio": 0.8,
        }
    ],
    "changed": [
        {
            "path": task("加强智能技术教育"),
            "old_path": task("加强智能技术教育"),
            "changes": {"points": {"old": 20.0, "new": 25.0}},
        },
        {
            "path": task("加强信息宣传,为事业发展营造良好氛围"),
            "old_path": task("加强信息宣传,为事业发展营造良好氛围"),
            "changes": {"points": {"old": 30.0, "new": 25.0}},
        },
    ],
    "clauses": {"added": [], "removed": []},
}


@pytest.mark.parametrize(
    "selection",
    [
        ["in/zaozhuang-laoganbu-2022.txt", "in/zaozhuang-laoganbu-2023.txt"],
        ["./in/../in/zaozhuang-laoganbu-2022.txt", "<absolute>in/zaozhuang-laoganbu-2023.txt"],
        ["1", "2"],
        ["--org", ORG, "--years", "2022", "2023"],
        ["--org", "老干部活动", "--years", "2022", "2023"],
    ],
    ids=["paths", "resolved-paths", "ids", "org", "org-substring"],
)
def test_diff_of_the_2023_variant_lists_exactly_its_changes(variant_db: str, selection: list[str]) -> None:
    # Only now, in the test's directory, is the absolute path known.
    selection = [
        str(Path(a.removeprefix("<absolute>")).resolve()) if a.startswith("<absolute>") else a for a in selection
    ]
    code, output = run(*selection, "--db", variant_db, "--json")
    assert code == 0, output
    assert json.loads(output) == EXPECTED

    code, output = run(*selection, "--db", variant_db)
    assert code == 0, output
    lines = output.splitlines()
    assert lines[:3] == [
        f"old #1 in/zaozhuang-laoganbu-2022.txt — {ORG}, 2022, 2022 年度服务高质量发展绩效考核工作任务要点, total 400",
        f"new #2 in/zaozhuang-laoganbu-2023.txt — {ORG}, 2023, 2023 年度服务高质量发展绩效考核工作任务要点, total 400",
        "1 renamed, 1 added, 1 removed, 2 changed, 0 clause changes",
    ]
    body = [line for line in lines[3:] if line]
    assert body == [
        "renamed:",
        f"  {task('加强精品课程建设')} → 加强老年教育精品课程建设 (similarity 0.80)",
        "added:",
        f"  + {task('开展老年人防范电信网络诈骗宣传教育')} (10 points)",
        "removed:",
        f"  - {task('用足用好老干部活动资源,深化共享共建工作机制。')} (10 points)",
        "changed:",
        f"  {task('加强智能技术教育')}: points 20 → 25",
        f"  {task('加强信息宣传,为事业发展营造良好氛围')}: points 30 → 25",
    ]


def test_variant_fixture_is_the_2022_document_with_exactly_the_listed_edits(corpus_dir: Path) -> None:
    # Guards the fixture itself: a stray edit would otherwise have to show up in the diff above.
    old = (corpus_dir / "zaozhuang-laoganbu-2022.txt").read_text(encoding="utf-8").split("\n")
    new = (VARIANTS / "zaozhuang-laoganbu-2023.txt").read_text(encoding="utf-8").split("\n")
    assert [line for line in old if line not in new] == [
        "2022 年度服务高质量发展绩效考核工作任务要点",
        next(line for line in old if line.startswith("\t\t加强智能技术教育\t")),
        next(line for line in old if line.startswith("\t\t加强精品课程建设\t")),
        next(line for line in old if line.startswith("\t\t加强信息宣传")),
        next(line for line in old if line.startswith("\t\t用足用好")),
    ]
    added = [line for line in new if line not in old]
    assert len(added) == 5 and added[0] == "2023 年度服务高质量发展绩效考核工作任务要点"


def test_path_through_a_symbolic_link(variant_db: str) -> None:
    Path("linked").symlink_to("in", target_is_directory=True)
    code, output = run("linked/zaozhuang-laoganbu-2022.txt", "linked/zaozhuang-laoganbu-2023.txt", "--db", variant_db)
    assert code == 0, output
    assert output.splitlines()[2] == "1 renamed, 1 added, 1 removed, 2 changed, 0 clause changes"


def test_same_document_has_no_differences(variant_db: str) -> None:
    code, output = run("1", "in/zaozhuang-laoganbu-2022.txt", "--db", variant_db)
    assert code == 0
    assert output.splitlines()[-1] == "no differences in indicators or clauses"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["7", "2"], "Error: no stored document with id or source path 7"),
        (["in/nothing.txt", "2"], "Error: no stored document with source path in/nothing.txt"),
        (
            ["elsewhere/zaozhuang-laoganbu-2022.txt", "2"],
            "Error: no stored document with source path elsewhere/zaozhuang-laoganbu-2022.txt "
            "(stored with that file name: #1 in/zaozhuang-laoganbu-2022.txt)",
        ),
        (
            ["--org", "南昌", "--years", "2022", "2023"],
            f"Error: no stored organization matches '南昌' (stored organizations: {ORG})",
        ),
        (
            ["--org", ORG, "--years", "2021", "2023"],
            f"Error: no stored document of {ORG} for 2021 (stored years: 2022, 2023)",
        ),
    ],
)
def test_not_found_is_one_line_and_exit_1(variant_db: str, args: list[str], message: str) -> None:
    code, output = run(*args, "--db", variant_db)
    assert (code, output) == (1, message + "\n")


def test_ambiguous_organization_and_year(variant_db: str, tmp_path: Path, corpus_dir: Path) -> None:
    more = Path("more")
    more.mkdir()
    shutil.copyfile(corpus_dir / "zaozhuang-laoganbu-2022.pdf", more / "laoganbu.pdf")
    shutil.copyfile(corpus_dir / "zaozhuang-fulian-2022.txt", more / "fulian.txt")
    assert ingest(more, variant_db, workers=1, progress=False).ok

    code, output = run("--org", "枣庄市", "--years", "2022", "2023", "--db", variant_db)
    assert (code, output) == (1, f"Error: organization '枣庄市' is ambiguous: 枣庄市妇联, {ORG}\n")
    # The PDF is a second form of the 2022 text (one document_key): the text is read, and said so.
    code, output = run("--org", ORG, "--years", "2022", "2023", "--db", variant_db)
    assert code == 0, output
    assert output.startswith(
        "note: 2022: 2 forms of one document; reading #1 in/zaozhuang-laoganbu-2022.txt (text), not "
        "#4 more/laoganbu.pdf (pass OLD and NEW as ids to choose)\n"
    )
    # A different document of the same organization and year: both are listed, nothing is read.
    source = (corpus_dir / "zaozhuang-laoganbu-2022.txt").read_text(encoding="utf-8")
    other = Path("other")
    other.mkdir()
    (other / "anquan.txt").write_text(
        source.replace("2022 年度服务高质量发展绩效考核工作任务要点", "2022 年度安全生产检查标准"), encoding="utf-8"
    )
    assert ingest(other, variant_db, workers=1, progress=False).ok
    code, output = run("--org", ORG, "--years", "2022", "2023", "--db", variant_db)
    assert (code, output) == (
        1,
        f"Error: 3 different stored documents of {ORG} for 2022: #1 in/zaozhuang-laoganbu-2022.txt, "
        "#4 more/laoganbu.pdf, #5 other/anquan.txt; pass OLD and NEW as ids or paths\n",
    )
    # The exact name wins over substring matches.
    code, output = run("--org", "枣庄市妇联", "--years", "2022", "2022", "--db", variant_db)
    assert code == 0 and "no differences" in output


def test_documents_of_different_organizations_are_compared_with_a_warning(variant_db: str, corpus_dir: Path) -> None:
    more = Path("more")
    more.mkdir()
    shutil.copyfile(corpus_dir / "zaozhuang-fulian-2022.txt", more / "fulian.txt")
    assert ingest(more, variant_db, workers=1, progress=False).ok
    code, output = run("in/zaozhuang-laoganbu-2022.txt", "more/fulian.txt", "--db", variant_db)
    assert code == 0, output
    assert output.startswith(
        f"note: the documents are of different organizations: {ORG} (old) and 枣庄市妇联 (new)\n"
    )


def test_missing_database_is_not_created(tmp_path: Path) -> None:
    db = tmp_path / "none" / "kaohe.db"
    code, output = run("1", "2", "--db", f"sqlite:///{db}")
    assert (code, output) == (1, f"Error: no database at {db} (run kaohe ingest first)\n")
    assert not db.parent.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["1"], "Error: give both OLD and NEW"),
        (["--org", ORG], "Error: give OLD and NEW, or --org NAME --years OLD_YEAR NEW_YEAR"),
        (["--years", "2022", "2023"], "Error: give OLD and NEW, or --org NAME --years OLD_YEAR NEW_YEAR"),
        (
            ["1", "2", "--org", ORG, "--years", "1", "2"],
            "Error: give either OLD and NEW, or --org NAME --years OLD_YEAR NEW_YEAR, not both",
        ),
    ],
)
def test_usage_errors(args: list[str], message: str) -> None:
    code, output = run(*args)
    assert code == 2
    assert output.splitlines()[-1] == message
