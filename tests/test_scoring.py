"""`kaohe score`: templates, scores computed by hand for three rules documents, bad fills, ranking.

Documents: the nanchang 细则 (points per item, per-occurrence deductions, a tier, bonuses and a
veto of the whole document), the 督查 细则 (起评分100分: items without points, a range "扣5-10分")
and the 钟楼 细则 (基础得分为6分, per-article credits, bonuses over any total, 扣完为止).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from analyst.scoring import Scheme, SchemeClause, SchemeIndicator, score
from kaohe.cli import main
from normalizers.thresholds import point_range, tier_threshold, veto_effect
from pipeline.ingest import ingest
from schema.models import create_engine_for
from schema.records import Threshold

FIXTURES = Path(__file__).parent / "fixtures"
DOCUMENTS = {
    "nanchang": FIXTURES / "corpus" / "raw" / "nanchang-kaohe-2023.pdf",
    "ducha": FIXTURES / "real" / "raw" / "ducha-gongzuo-xize.docx",
    "zhonglou": FIXTURES / "real" / "raw" / "zhonglou-xinxi-pingfen.docx",
}


@pytest.fixture(scope="module")
def scored_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("score")
    raw = folder / "raw"
    raw.mkdir()
    for name, source in DOCUMENTS.items():
        (raw / f"{name}{source.suffix}").write_bytes(source.read_bytes())
    url = f"sqlite:///{folder / 'kaohe.db'}"
    assert ingest(raw, url, workers=1, progress=False).ok
    return url


def _invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def _document_id(url: str, name: str) -> str:
    engine = create_engine_for(url)
    try:
        with engine.connect() as conn:
            return str(
                conn.execute(text("SELECT id FROM documents WHERE file_name LIKE :n"), {"n": f"{name}.%"}).scalar_one()
            )
    finally:
        engine.dispose()


def _template(url: str, name: str) -> list[dict[str, str]]:
    code, output = _invoke("score", "template", _document_id(url, name), "--db", url)
    assert code == 0, output
    return list(csv.DictReader(io.StringIO(output)))


def _fill(rows: list[dict[str, str]], tmp_path: Path, answers: dict[str, str], unit: str) -> Path:
    """The template with ``answers`` (rule text → value; the first rule of that text) filled in."""
    left = dict(answers)
    for row in rows:
        if row["rule"] in left:
            row["value"] = left.pop(row["rule"])
    assert not left, f"no rule {sorted(left)}"
    path = tmp_path / f"{unit}.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def _apply(url: str, name: str, path: Path, unit: str) -> tuple[int, str]:
    return _invoke("score", "apply", _document_id(url, name), str(path), "--unit", unit, "--db", url)


def _stored_total(url: str, unit: str) -> float | None:
    engine = create_engine_for(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT total FROM unit_scores WHERE unit = :u"), {"u": unit}).scalar()
    finally:
        engine.dispose()


# --- templates ------------------------------------------------------------------------------------


def test_template_has_a_row_per_rule_saying_what_to_fill(scored_db: str) -> None:
    rows = _template(scored_db, "nanchang")
    assert len(rows) == 22
    fills = {row["rule"]: (row["fill"], row["meaning"]) for row in rows}
    assert fills["少一篇扣0.3分"] == ("count", "篇, how many (short or found)")
    assert fills["完成任务数的70%(1分)"] == ("percent", "% achieved (100 = all)")
    assert fills["老干部综合工作获省级表彰加5分"] == ("yes/no", "yes if it applies")
    assert fills["引发老干部**事故(直接定为不达标)"] == ("yes/no", "yes if it happened (vetoes the assessment)")
    assert _template(scored_db, "ducha")[5]["fill"] == "amount"  # 扣5-10分


def test_an_xlsx_template_filled_in_excel_scores_as_the_csv(scored_db: str, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    document = _document_id(scored_db, "nanchang")
    workbook = tmp_path / "东湖区.xlsx"
    code, output = _invoke("score", "template", document, "--db", scored_db, "--out", str(workbook))
    assert code == 0, output
    book = load_workbook(workbook)
    sheet = book.active
    header = [cell.value for cell in sheet[1]]
    assert header == ["clause_id", "indicator", "kind", "points", "rule", "fill", "meaning", "value"]
    by_rule: dict[str, tuple] = {}
    for row in sheet.iter_rows(min_row=2):
        by_rule.setdefault(row[4].value, row)  # the first rule of each text, as _fill does
    assert sheet.max_row == 1 + 22 and sheet.freeze_panes == "A2"
    # As a unit types them: a number, a percentage with its sign, 是 for yes.
    by_rule["少1次扣1分"][7].value = 1
    by_rule["少一篇扣0.3分"][7].value = "3"
    by_rule["完成任务数的70%(1分)"][7].value = "75%"
    by_rule["老干部综合工作获省级表彰加5分"][7].value = "是"
    by_rule["老干部工作人员发生违法乱纪行为(20分)"][7].value = "yes"
    book.save(workbook)
    code, output = _invoke("score", "apply", document, str(workbook), "--unit", "东湖区-xlsx", "--db", scored_db)
    assert code == 0, output
    assert output.endswith("东湖区-xlsx: 82.1 of 100 — nanchang.pdf\n")  # as from the CSV
    by_rule["少1次扣1分"][7].value = "one"
    book.save(workbook)
    code, output = _invoke("score", "apply", document, str(workbook), "--unit", "坏区-xlsx", "--db", scored_db)
    row = by_rule["少1次扣1分"][7].row
    assert code == 1 and f"row {row}: 'one' is not a number" in output
    assert _stored_total(scored_db, "坏区-xlsx") is None


def test_a_filled_file_that_is_no_workbook_is_an_error(scored_db: str, tmp_path: Path) -> None:
    bad = tmp_path / "unit.xlsx"
    bad.write_text("clause_id,value\n", encoding="utf-8")
    code, output = _apply(scored_db, "nanchang", bad, "某区")
    assert code == 1 and f"{bad}: nothing stored for 某区" in output and "cannot be read as a workbook" in output


# --- nanchang: points per item --------------------------------------------------------------------


@pytest.mark.parametrize("name, full", [("nanchang", 100.0), ("ducha", 100.0), ("zhonglou", 6.0)])
def test_a_unit_without_failures_scores_the_full_points(scored_db: str, tmp_path: Path, name: str, full: float) -> None:
    path = _fill(_template(scored_db, name), tmp_path, {}, f"clean-{name}")
    code, output = _apply(scored_db, name, path, f"clean-{name}")
    assert code == 0, output
    assert output.endswith(f"clean-{name}: {full:g} of {full:g} — {name}{DOCUMENTS[name].suffix}\n")
    assert _stored_total(scored_db, f"clean-{name}") == full


def test_nanchang_deductions_tier_and_whole_document_rules(scored_db: str, tmp_path: Path) -> None:
    answers = {
        "少1次扣1分": "1",  # item 4 (1 point): −1
        "少一篇扣0.3分": "3",  # item 30 (3 points): −0.9
        "完成任务数的70%(1分)": "75",  # item 34 (2 points): reaches 70 % → 1, so −1
        "老干部综合工作获省级表彰加5分": "yes",  # +5 on the total
        "老干部工作人员发生违法乱纪行为(20分)": "是",  # −20 on the total
    }
    code, output = _apply(
        scored_db, "nanchang", _fill(_template(scored_db, "nanchang"), tmp_path, answers, "东湖区"), "东湖区"
    )
    assert code == 0, output
    # 100 − 1 − 0.9 − 1 + 5 − 20
    assert output.endswith("东湖区: 82.1 of 100 — nanchang.pdf\n")
    assert "30、在市级以上电视、报纸、杂志、网路等新闻**: 3 篇 × 0.3 = −0.9" in output
    assert "34、完成《老友》杂志征订任务(2分),完成任务: 75 reaches 完成任务数的70%(1分) → 1" in output
    assert _stored_total(scored_db, "东湖区") == 82.1


def test_nanchang_deductions_stop_at_the_items_points_and_a_tier_missed_scores_nothing(
    scored_db: str, tmp_path: Path
) -> None:
    answers = {"少一篇扣0.3分": "20", "完成任务数的70%(1分)": "40"}  # −6 capped at the item's 3; tier: 0 of 2
    path = _fill(_template(scored_db, "nanchang"), tmp_path, answers, "南湖区")
    code, output = _apply(scored_db, "nanchang", path, "南湖区")
    assert code == 0, output
    assert output.endswith("南湖区: 95 of 100 — nanchang.pdf\n")


def test_a_veto_sets_the_total_to_zero(scored_db: str, tmp_path: Path) -> None:
    path = _fill(_template(scored_db, "nanchang"), tmp_path, {"引发老干部**事故(直接定为不达标)": "yes"}, "北湖区")
    code, output = _apply(scored_db, "nanchang", path, "北湖区")
    assert code == 0, output
    assert output.endswith("北湖区: 0 of 100 (vetoed) — nanchang.pdf\n")


# --- 督查: a base of 100, items without points ----------------------------------------------------


def test_ducha_counts_down_from_its_base(scored_db: str, tmp_path: Path) -> None:
    answers = {"未报扣10分": "yes", "每次扣5分": "2", "扣5-10分": "7"}  # −10, −2 × 5, −7
    code, output = _apply(
        scored_db, "ducha", _fill(_template(scored_db, "ducha"), tmp_path, answers, "综合科"), "综合科"
    )
    assert code == 0, output
    assert output.endswith("综合科: 73 of 100 — ducha.docx\n")


# --- 钟楼: a base of 6, credits per article, bonuses without a ceiling ----------------------------


def test_zhonglou_base_credits_and_bonuses_over_any_total(scored_db: str, tmp_path: Path) -> None:
    answers = {"每篇计2分": "3", "区级每篇加10分": "1", "每少1篇,扣1分": "2", "扣1分": "yes"}  # 6 + 6 + 10 − 2 − 1
    path = _fill(_template(scored_db, "zhonglou"), tmp_path, answers, "政务服务中心")
    code, output = _apply(scored_db, "zhonglou", path, "政务服务中心")
    assert code == 0, output
    assert output.endswith("政务服务中心: 19 of 6 — zhonglou.docx\n")


def test_zhonglou_deductions_stop_at_zero(scored_db: str, tmp_path: Path) -> None:
    path = _fill(_template(scored_db, "zhonglou"), tmp_path, {"每次扣2分": "10"}, "审批科")
    code, output = _apply(scored_db, "zhonglou", path, "审批科")
    assert code == 0, output
    assert output.endswith("审批科: 0 of 6 — zhonglou.docx\n")


# --- bad fills, replacing, ranking ----------------------------------------------------------------


def test_bad_lines_are_each_named_and_nothing_is_stored(scored_db: str, tmp_path: Path) -> None:
    rows = _template(scored_db, "nanchang")
    rows[2]["value"] = "three"
    rows[4]["value"] = "120"
    rows[6]["value"] = "maybe"
    rows.append({**rows[0], "clause_id": "9999", "value": "1"})
    path = _fill(rows, tmp_path, {}, "坏区")
    code, output = _apply(scored_db, "nanchang", path, "坏区")
    assert code == 1
    assert output == (
        f"Error: {path}: nothing stored for 坏区\n"
        f"  line 4: 'three' is not a number (clause {rows[2]['clause_id']} wants count)\n"
        f"  line 6: '120' is over 100 % (clause {rows[4]['clause_id']} wants percent)\n"
        f"  line 8: 'maybe' is not yes or no (clause {rows[6]['clause_id']} wants yes/no)\n"
        "  line 24: clause_id '9999' is no rule of this document\n"
    )
    assert _stored_total(scored_db, "坏区") is None
    ducha = _template(scored_db, "ducha")
    path = _fill(ducha, tmp_path, {"扣5-10分": "12"}, "超限")
    code, output = _apply(scored_db, "ducha", path, "超限")
    assert code == 1 and "'12' is over the rule's 10 points" in output


def test_applying_again_replaces_the_units_scores_and_rank_lists_units(scored_db: str, tmp_path: Path) -> None:
    rows = _template(scored_db, "zhonglou")
    for unit, answers in (("甲科", {"每篇计2分": "1"}), ("乙科", {"每篇计2分": "4"}), ("甲科", {"每篇计2分": "5"})):
        code, output = _apply(scored_db, "zhonglou", _fill([dict(r) for r in rows], tmp_path, answers, unit), unit)
        assert code == 0, output
    engine = create_engine_for(scored_db)
    try:
        with engine.connect() as conn:
            count = conn.execute(
                text("SELECT COUNT(*) FROM scores WHERE unit = '甲科' AND indicator_id IS NULL")
            ).scalar()
    finally:
        engine.dispose()
    assert count == 1 and _stored_total(scored_db, "甲科") == 16.0
    code, output = _invoke("score", "rank", _document_id(scored_db, "zhonglou"), "--db", scored_db)
    assert code == 0, output
    ranked = [line.split(". ", 1)[1] for line in output.splitlines()]  # "3. 甲科: 16 of 6"
    assert ranked.index("甲科: 16 of 6") + 1 == ranked.index("乙科: 14 of 6")


# --- the pure parts -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tier", "threshold"),
    [
        ("完成任务数的70%(1分)", Threshold(">=", 70.0, "%")),
        ("满意度达到90%以上得3分", Threshold(">=", 90.0, "%")),
        ("排名前5位得3分", Threshold("<=", 5.0, "rank")),
        ("第3名以内得2分", Threshold("<=", 3.0, "rank")),
        ("完成7成以上(1分)", Threshold(">=", 70.0, "%")),
        ("基本完成(1分)", None),
        # Chinese numerals, as written beside the digits in the same kinds of rules.
        ("年度排名前三名的得5分", Threshold("<=", 3.0, "rank")),
        ("进入第十名以内得1分", Threshold("<=", 10.0, "rank")),
        ("群众满意度达到百分之九十以上", Threshold(">=", 90.0, "%")),
        ("完成七成以上(1分)", Threshold(">=", 70.0, "%")),
        ("前零名", None),  # no rank 0
    ],
)
def test_tier_thresholds(tier: str, threshold: Threshold | None) -> None:
    assert tier_threshold(tier) == threshold


@pytest.mark.parametrize(
    ("rule", "effect"),
    [
        ("引发老干部**事故(直接定为不达标)", "assessment"),
        ("发生重大安全生产责任事故的,实行一票否决", "assessment"),
        ("年度考核评定为不合格", "assessment"),
        ("发生重大安全事故的,该项一票否决", "item"),
        ("出现问题的,本项指标实行否决", "item"),
        ("出现重大失误的,本部分实行一票否决", "section"),
        ("取消年度评先评优资格", "eligibility"),
        ("实行一票否决,取消评优资格", "assessment"),  # the wider effect of the two
        ("该项一票否决,并取消评先评优资格", "item"),
    ],
)
def test_veto_effects(rule: str, effect: str) -> None:
    assert veto_effect(rule) == effect


def _vetoes_scheme(effect: str) -> Scheme:
    """Two sections of two items each; a veto with ``effect`` on item 一 / 2."""
    return Scheme(
        document_id=1,
        file_name="x.txt",
        indicators=(
            SchemeIndicator(1, None, "一", 20.0),
            SchemeIndicator(2, 1, "一 / 1", 10.0),
            SchemeIndicator(3, 1, "一 / 2", 10.0),
            SchemeIndicator(4, None, "二", 30.0),
            SchemeIndicator(5, 4, "二 / 1", 30.0),
        ),
        clauses=(
            SchemeClause(1, 3, "veto", None, None, None, None, "出现问题的,一票否决", effect=effect),  # type: ignore[arg-type]
            SchemeClause(2, 2, "deduct", 1.0, 1.0, "次", None, "每次扣1分"),
        ),
    )


@pytest.mark.parametrize(
    ("effect", "total", "vetoed", "zeroed"),
    [
        ("item", 38.0, False, {3}),  # 一 / 2 is 0: (10 − 2) + 0 + 30
        ("section", 30.0, False, {1, 2, 3}),
        ("assessment", 0.0, True, set()),
        ("eligibility", 48.0, True, set()),
    ],
)
def test_a_veto_acts_on_what_it_vetoes(effect: str, total: float, vetoed: bool, zeroed: set[int]) -> None:
    sheet = score(_vetoes_scheme(effect), {1: True, 2: 2.0})
    assert (sheet.total, sheet.vetoed) == (total, vetoed)
    assert {i for i, value in sheet.scores.items() if value == 0} == zeroed
    assert sheet.scores[5] == 30.0 or effect == "assessment"
    assert score(_vetoes_scheme(effect), {2: 2.0}).total == 48.0  # not applied: only the deduction


def test_a_rank_tier_and_a_bonus_above_the_items_points() -> None:
    scheme = Scheme(
        document_id=1,
        file_name="x.txt",
        indicators=(SchemeIndicator(1, None, "评比", 10.0), SchemeIndicator(2, 1, "评比 / 排名", 10.0)),
        clauses=(
            SchemeClause(1, 2, "tier", 6.0, None, None, None, "排名前3名得6分"),
            SchemeClause(2, 2, "tier", 3.0, None, None, None, "排名前10名得3分"),
            SchemeClause(3, 2, "bonus", 2.0, None, None, None, "获表彰加2分"),
        ),
    )
    assert score(scheme, {1: 5.0}).total == 3.0  # 5th: the 前10名 tier
    assert score(scheme, {1: 2.0}).total == 6.0
    assert score(scheme, {1: 1.0, 3: True}).total == 12.0  # first, in full, and the bonus on top


def test_a_per_occurrence_deduction_stops_at_its_cap_and_a_bonus_counts_per_article() -> None:
    scheme = Scheme(
        document_id=1,
        file_name="x.txt",
        indicators=(SchemeIndicator(1, None, "宣传", 10.0),),
        clauses=(
            SchemeClause(1, 1, "deduct", 0.5, 1.0, "次", 2.0, "每发现一次扣0.5分,最多扣2分"),
            SchemeClause(2, 1, "bonus", 2.0, 1.0, "篇", None, "每篇计2分"),
        ),
    )
    sheet = score(scheme, {1: 10.0, 2: 3.0})
    assert sheet.total == 14.0  # 10 − min(5, 2) + 3 × 2
    assert [a.explanation for a in sheet.applied] == ["宣传: 10 次 × 0.5 = −2, at most 2", "宣传: 3 篇 × 2 = +6"]


@pytest.mark.parametrize(
    ("rule", "bounds"),
    [("扣5-10分", (5.0, 10.0)), ("酌情扣3～5分", (3.0, 5.0)), ("加2至5分", (2.0, 5.0)), ("每少1篇扣1分", None)],
)
def test_point_ranges(rule: str, bounds: tuple[float, float] | None) -> None:
    assert point_range(rule) == bounds


def test_clauses_are_stored_with_their_terms(scored_db: str) -> None:
    engine = create_engine_for(scored_db)
    try:
        with engine.connect() as conn:
            rows = conn.execute(text(
                "SELECT c.text, c.threshold_op, c.threshold_value, c.threshold_unit, c.points_min, c.cap, c.effect "
                "FROM clauses AS c WHERE c.kind IN ('tier', 'veto') OR c.points_min IS NOT NULL ORDER BY c.id"
            )).all()
    finally:
        engine.dispose()
    assert [tuple(row) for row in rows] == [
        ("扣5-10分", None, None, None, 5.0, 10.0, None),
        ("完成任务数的70%(1分)", ">=", 70.0, "%", None, None, None),
        ("完成任务数的50%(0.5分)", ">=", 50.0, "%", None, None, None),
        ("引发老干部**事故(直接定为不达标)", None, None, None, None, None, "assessment"),
    ]
