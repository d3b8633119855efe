"""The database schema and the loader, with hand-built extractions (no parsing involved)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import Engine, delete, func, inspect, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

import pipeline.load as load_module
from kaohe import EXTRACTOR_VERSION
from pipeline.discover import SourceFile
from pipeline.load import StoredFile, load, source_path_of, stored_state
from schema.errors import KaoheError
from schema.models import (
    DEFAULT_DB_URL,
    ClauseRow,
    DocumentRow,
    FactRow,
    IndicatorRow,
    WarningRow,
    create_engine_for,
    describe_url,
    init_db,
)
from schema.records import Clause, DocumentInfo, Extraction, Fact, Indicator, Per, Target

T1 = datetime(2024, 1, 2, 3, 4, 5)
T2 = datetime(2024, 6, 7, 8, 9, 10)


def utc(moment: datetime) -> datetime:
    """A stored loaded_at as naive UTC: SQLite gives it back naive, PostgreSQL aware (in the session's zone)."""
    return moment if moment.tzinfo is None else moment.astimezone(timezone.utc).replace(tzinfo=None)

Dump = Callable[[str], dict[str, list[tuple[object, ...]]]]


def make_extraction(source: str, *, points: float = 30.0, title: str = "2023年度考核细则") -> Extraction:
    """Two-level tree; the leaf comes before its parent on purpose (ids must still link)."""
    return Extraction(
        document=DocumentInfo(
            source=source,
            sha256="0" * 64,
            format="text",
            title=title,
            organization="南昌市某局",
            supervisor="市委老干部局",
            year=2023,
            total_points=100.0,
            total_score=95.5,
            page_count=None,
            title_original=None,
        ),
        indicators=(
            Indicator(id=1, parent_id=None, level=1, name="党建工作", points=points, part=1, children_points=30.0),
            Indicator(
                id=3,
                parent_id=2,
                level=3,
                name="学習教育",
                name_original="學習教育",
                description="开展主题教育",
                points=10.0,
                score=9.0,
                target=Target(op=">=", value=95.0, unit="%", text="≥95%"),
                actual="96%",
                page=2,
                basis="年度计划",
                reason=None,
                measures="加强督导",
            ),
            Indicator(id=2, parent_id=1, level=2, name="组织建设", points=20.0),
            Indicator(id=4, parent_id=1, level=2, name="廉政建设", points=10.0),
        ),
        clauses=(
            Clause(
                indicator_id=3,
                kind="deduct",
                points=0.5,
                text="每缺一次扣0.5分，扣完为止",
                per=Per(1, "次"),
                cap=10,
            ),
            Clause(indicator_id=None, kind="veto", points=None, text="发生重大事故的实行一票否决"),
        ),
        facts=(
            Fact(name="total_points", value=100.0, text="总分100分"),
            Fact(name="budget", value=None, text="另行下达"),
        ),
        warnings=("第2页表格列数不一致", "未识别的行: 备注"),
    )


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = create_engine_for(db_url)
    init_db(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine) as session:
        yield session


@pytest.fixture
def source(tmp_path: Path) -> Path:
    path = tmp_path / "docs" / "nanchang.txt"
    path.parent.mkdir()
    path.write_text("考核细则\n", encoding="utf-8")
    return path


def test_create_engine_makes_folder_and_enforces_foreign_keys(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'a' / 'b' / 'k.db'}"
    engine = create_engine_for(url)
    init_db(engine)
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    assert (tmp_path / "a" / "b" / "k.db").is_file()
    assert set(inspect(engine).get_table_names()) == {
        "documents",
        "indicators",
        "clauses",
        "facts",
        "warnings",
        "checks",
        "scores",
    }
    indexed = {tuple(ix["column_names"]) for ix in inspect(engine).get_indexes("indicators")}
    assert {("document_id",), ("parent_id",), ("document_id", "is_leaf")} <= indexed
    engine.dispose()


def test_schema_on_each_backend(engine: Engine) -> None:
    init_db(engine)  # a second time: leaves what exists as it is
    inspector = inspect(engine)
    assert set(inspector.get_table_names()) == {
        "documents", "indicators", "clauses", "facts", "warnings", "checks", "scores",
    }
    indexed = {tuple(ix["column_names"]) for ix in inspector.get_indexes("indicators")}
    assert {("document_id",), ("parent_id",), ("document_id", "is_leaf")} <= indexed
    # Every reference cascades, so deleting a document (or an indicator) leaves no orphans.
    for table in ("indicators", "clauses", "facts", "warnings", "checks"):
        for fk in inspector.get_foreign_keys(table):
            assert fk["options"].get("ondelete", "").upper() == "CASCADE", (table, fk)


def test_urls() -> None:
    assert DEFAULT_DB_URL == "sqlite:///data/out/kaohe.db"
    assert describe_url("sqlite:///data/out/kaohe.db") == str(Path.cwd() / "data" / "out" / "kaohe.db")
    assert describe_url("postgresql+psycopg://kaohe:secret@db.example/kaohe") == (
        "postgresql+psycopg://kaohe:***@db.example/kaohe"
    )


def test_source_path_is_relative_under_cwd_else_absolute(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert source_path_of(Path("docs/../docs/a.pdf")) == "docs/a.pdf"
    assert source_path_of(tmp_path / "docs" / "a.pdf") == "docs/a.pdf"
    outside = tmp_path.parent / "elsewhere" / "b.pdf"
    assert source_path_of(outside) == outside.as_posix()
    assert Path(source_path_of(outside)).is_absolute()


def test_load_writes_every_row(session: Session, source: Path) -> None:
    doc_id = load(session, source, make_extraction(str(source)), "ab" * 32, loaded_at=T1)

    doc = session.get(DocumentRow, doc_id)
    assert doc is not None
    assert doc.source_path == source_path_of(source)
    assert doc.file_name == "nanchang.txt"
    assert doc.sha256 == "ab" * 32
    assert doc.size_bytes == len("考核细则\n".encode())
    assert doc.format == "text"
    assert doc.extractor_version == EXTRACTOR_VERSION
    assert (doc.title, doc.organization, doc.supervisor, doc.year) == (
        "2023年度考核细则",
        "南昌市某局",
        "市委老干部局",
        2023,
    )
    assert (doc.script, doc.total_points, doc.total_score, doc.page_count) == ("hans", 100.0, 95.5, None)
    assert (doc.indicator_count, doc.warning_count) == (4, 2)
    assert utc(doc.loaded_at) == T1

    inds = session.scalars(select(IndicatorRow).order_by(IndicatorRow.id)).all()
    # Row ids follow the extraction's order even though indicator 3 precedes its parent 2.
    assert [i.ordinal for i in inds] == [1, 3, 2, 4]
    by_ordinal = {i.ordinal: i for i in inds}
    assert by_ordinal[1].parent_id is None
    assert by_ordinal[2].parent_id == by_ordinal[1].id
    assert by_ordinal[3].parent_id == by_ordinal[2].id
    assert by_ordinal[4].parent_id == by_ordinal[1].id
    assert {o: i.path for o, i in by_ordinal.items()} == {
        1: "党建工作",
        2: "党建工作 / 组织建设",
        3: "党建工作 / 组织建设 / 学習教育",
        4: "党建工作 / 廉政建设",
    }
    assert {o: i.is_leaf for o, i in by_ordinal.items()} == {1: False, 2: False, 3: True, 4: True}
    leaf = by_ordinal[3]
    assert (leaf.level, leaf.name, leaf.name_original, leaf.description) == (
        3,
        "学習教育",
        "學習教育",
        "开展主题教育",
    )
    assert (leaf.points, leaf.score, leaf.actual, leaf.page) == (10.0, 9.0, "96%", 2)
    assert (leaf.target_op, leaf.target_value, leaf.target_unit, leaf.target_text) == (
        ">=",
        95.0,
        "%",
        "≥95%",
    )
    assert (leaf.basis, leaf.reason, leaf.measures) == ("年度计划", None, "加强督导")
    assert by_ordinal[1].target_op is None and by_ordinal[1].points == 30.0
    assert (by_ordinal[1].part, by_ordinal[1].children_points) == (1, 30.0)
    assert (leaf.part, leaf.children_points) == (None, None)
    assert doc.document_key == "2023|南昌市某局|2023年度考核细则"

    clauses = session.scalars(select(ClauseRow).order_by(ClauseRow.id)).all()
    assert [(c.kind, c.indicator_id, c.points, c.per_count, c.per_unit, c.cap) for c in clauses] == [
        ("deduct", leaf.id, 0.5, 1.0, "次", 10.0),
        ("veto", None, None, None, None, None),
    ]
    assert clauses[1].text == "发生重大事故的实行一票否决"
    facts = session.execute(select(FactRow.name, FactRow.value, FactRow.text).order_by(FactRow.id)).all()
    assert facts == [("total_points", 100.0, "总分100分"), ("budget", None, "另行下达")]
    warnings = session.scalars(select(WarningRow.message).order_by(WarningRow.id)).all()
    assert warnings == ["第2页表格列数不一致", "未识别的行: 备注"]
    assert all(row.document_id == doc_id for row in [*inds, *clauses])

    stat = source.stat()
    assert stored_state(session) == {
        source_path_of(source): StoredFile("ab" * 32, EXTRACTOR_VERSION, stat.st_size, stat.st_mtime_ns)
    }


def test_load_takes_size_from_source_file(session: Session, source: Path) -> None:
    doc_id = load(session, SourceFile(path=source, size=12345, mtime=0.0), make_extraction("x"), "c" * 64)
    doc = session.get(DocumentRow, doc_id)
    assert doc is not None and doc.size_bytes == 12345


def _count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_reload_replaces_rows(
    session: Session, source: Path, tmp_path: Path, db_url: str, dump_db: Dump
) -> None:
    other = tmp_path / "other.txt"
    other.write_text("另一份\n", encoding="utf-8")
    other_id = load(session, other, make_extraction(str(other), title="另一份"), "1" * 64, loaded_at=T1)
    load(session, source, make_extraction(str(source)), "2" * 64, loaded_at=T1)
    other_rows_before = _rows_of(dump_db(db_url), other_id)
    counts = {m: _count(session, m) for m in (DocumentRow, IndicatorRow, ClauseRow, FactRow, WarningRow)}
    assert counts[DocumentRow] == 2 and counts[IndicatorRow] == 8

    new_id = load(
        session, source, make_extraction(str(source), points=42.0, title="修订版"), "3" * 64, loaded_at=T2
    )

    assert {m: _count(session, m) for m in counts} == counts
    session.expire_all()
    doc = session.scalars(select(DocumentRow).where(DocumentRow.source_path == source_path_of(source))).one()
    assert (doc.id, doc.title, doc.sha256, utc(doc.loaded_at)) == (new_id, "修订版", "3" * 64, T2)
    top = session.scalars(
        select(IndicatorRow).where(IndicatorRow.document_id == new_id, IndicatorRow.ordinal == 1)
    ).one()
    assert top.points == 42.0
    # Nothing of the old version is left over, and the other document is untouched.
    assert (
        session.scalar(select(func.count()).select_from(IndicatorRow).where(IndicatorRow.points == 30.0)) == 1
    )
    assert _rows_of(dump_db(db_url), other_id) == other_rows_before


def test_reload_with_fewer_rows_removes_the_rest(session: Session, source: Path) -> None:
    load(session, source, make_extraction(str(source)), "1" * 64)
    smaller = Extraction(
        document=DocumentInfo(source=str(source), sha256="2" * 64, format="pdf", page_count=3),
        indicators=(Indicator(id=1, parent_id=None, level=1, name="唯一指标"),),
    )
    doc_id = load(session, source, smaller, "2" * 64)
    assert _count(session, DocumentRow) == 1
    assert session.scalars(select(IndicatorRow.path)).all() == ["唯一指标"]
    assert (_count(session, ClauseRow), _count(session, FactRow), _count(session, WarningRow)) == (0, 0, 0)
    doc = session.get(DocumentRow, doc_id)
    assert doc is not None
    assert (doc.format, doc.page_count, doc.indicator_count, doc.warning_count) == ("pdf", 3, 1, 0)
    assert session.scalars(select(IndicatorRow.is_leaf)).all() == [True]


def test_deleting_a_document_cascades(session: Session, source: Path) -> None:
    load(session, source, make_extraction(str(source)), "1" * 64)
    session.execute(delete(DocumentRow))
    session.commit()
    for model in (DocumentRow, IndicatorRow, ClauseRow, FactRow, WarningRow):
        assert _count(session, model) == 0


def _rows_of(dump: dict[str, list[tuple[object, ...]]], doc_id: int) -> dict[str, list[tuple[object, ...]]]:
    """The dumped rows of one document (documents by id, children by document_id = column 1)."""
    out = {"documents": [r for r in dump["documents"] if r[0] == doc_id]}
    for table in ("indicators", "clauses", "facts", "warnings"):
        out[table] = [r for r in dump[table] if r[1] == doc_id]
    return out


@pytest.mark.parametrize(
    ("indicators", "clauses", "message"),
    [
        (
            (
                Indicator(id=1, parent_id=None, level=1, name="甲"),
                Indicator(id=2, parent_id=99, level=2, name="乙"),
            ),
            (),
            "indicator 2 has parent_id 99, which is not in the extraction",
        ),
        (
            (
                Indicator(id=1, parent_id=2, level=1, name="甲"),
                Indicator(id=2, parent_id=1, level=2, name="乙"),
            ),
            (),
            "parent links form a cycle",
        ),
        (
            (
                Indicator(id=1, parent_id=None, level=1, name="甲"),
                Indicator(id=1, parent_id=None, level=1, name="乙"),
            ),
            (),
            "indicator id 1 appears more than once",
        ),
        (
            (Indicator(id=1, parent_id=None, level=1, name="甲"),),
            (Clause(indicator_id=7, kind="bonus", points=1.0, text="加1分"),),
            "a bonus clause refers to indicator 7, which is not in the extraction",
        ),
    ],
)
def test_malformed_extraction_is_refused_and_old_rows_stay(
    session: Session,
    source: Path,
    db_url: str,
    dump_db: Dump,
    indicators: tuple[Indicator, ...],
    clauses: tuple[Clause, ...],
    message: str,
) -> None:
    load(session, source, make_extraction(str(source)), "1" * 64, loaded_at=T1)
    before = dump_db(db_url)
    bad = Extraction(
        document=DocumentInfo(source=str(source), sha256="2" * 64, format="text", title="坏的"),
        indicators=indicators,
        clauses=clauses,
    )
    with pytest.raises(KaoheError) as info:
        load(session, source, bad, "2" * 64, loaded_at=T2)
    assert message in info.value.reason
    assert str(info.value).startswith(f"{source_path_of(source)}: ")
    assert dump_db(db_url) == before


def test_database_error_mid_insert_rolls_back(
    session: Session, source: Path, db_url: str, dump_db: Dump
) -> None:
    load(session, source, make_extraction(str(source)), "1" * 64, loaded_at=T1)
    before = dump_db(db_url)
    good = make_extraction(str(source), title="新版")
    # facts.text is NOT NULL: the insert fails after the old rows were deleted and the new
    # document and indicators were written, so only a rollback can bring the old rows back.
    broken = Extraction(
        document=good.document,
        indicators=good.indicators,
        clauses=good.clauses,
        facts=(Fact(name="budget", value=1.0, text=None),),  # type: ignore[arg-type]
    )
    with pytest.raises(IntegrityError):
        load(session, source, broken, "2" * 64, loaded_at=T2)
    assert dump_db(db_url) == before
    # The session is usable again after the failure.
    load(session, source, good, "2" * 64, loaded_at=T2)
    assert session.scalars(select(DocumentRow.title)).all() == ["新版"]


def test_python_error_mid_insert_rolls_back(
    session: Session, source: Path, db_url: str, dump_db: Dump, monkeypatch: pytest.MonkeyPatch
) -> None:
    load(session, source, make_extraction(str(source)), "1" * 64, loaded_at=T1)
    before = dump_db(db_url)

    def explode(**_kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    # WarningRow rows are built last, after the delete and the other inserts have been flushed.
    monkeypatch.setattr(load_module, "WarningRow", explode)
    with pytest.raises(RuntimeError, match="disk on fire"):
        load(session, source, make_extraction(str(source), title="新版"), "2" * 64, loaded_at=T2)
    assert dump_db(db_url) == before
    assert stored_state(session)[source_path_of(source)].sha256 == "1" * 64


def test_loaded_at_defaults_to_now(session: Session, source: Path) -> None:
    start = datetime.now(timezone.utc).replace(tzinfo=None)
    doc_id = load(session, source, make_extraction(str(source)), "1" * 64)
    doc = session.get(DocumentRow, doc_id)
    assert doc is not None
    assert start <= utc(doc.loaded_at) <= datetime.now(timezone.utc).replace(tzinfo=None)


def test_loaded_at_is_stored_as_utc(session: Session, source: Path) -> None:
    beijing = timezone(timedelta(hours=8))
    at_beijing = T1.replace(hour=11, tzinfo=beijing)  # = T1 in UTC
    doc_id = load(session, source, make_extraction(str(source)), "1" * 64, loaded_at=at_beijing)
    doc = session.get(DocumentRow, doc_id)
    assert doc is not None and utc(doc.loaded_at) == T1


def test_long_organization_and_supervisor_load_on_every_backend(session: Session, source: Path) -> None:
    extraction = make_extraction(str(source))
    long = "市委老干部局" * 60  # 360 characters
    extraction = replace(extraction, document=replace(extraction.document, organization=long, supervisor=long))
    doc_id = load(session, source, extraction, "1" * 64)
    doc = session.get(DocumentRow, doc_id)
    assert doc is not None and (doc.organization, doc.supervisor) == (long, long)
