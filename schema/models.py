"""The SQL schema analysts query: one row per document, indicator, clause, check, fact and warning.

Every child table has ``document_id`` with ON DELETE CASCADE, so deleting a document row removes
everything extracted from it. What a table is, is its class's docstring; what a column
means is in its ``info`` (see :func:`doc`). docs/schema.md's column tables and the Datasette
metadata are made from both (schema/catalog.py).

Works on SQLite (the default, a file under data/out/) and on any SQLAlchemy URL such as
``postgresql+psycopg://user@host/kaohe`` (engines: schema.engine).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Engine,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Engines live in schema.engine; these names stay importable from here, where callers first found them.
from schema.engine import DEFAULT_DB_URL as DEFAULT_DB_URL
from schema.engine import SQLITE_BUSY_TIMEOUT_MS as SQLITE_BUSY_TIMEOUT_MS
from schema.engine import create_engine_for as create_engine_for
from schema.engine import describe_url as describe_url

# The descriptions analysts read (docs/schema.md, Datasette) are kept in each table's and column's
# ``info``, not in ``comment=``: SQLite drops comments, and on PostgreSQL every new comment would be
# a schema change needing a migration. The ``comment=`` that columns already have stay as stored.
_DESCRIPTION = "description"
_EXAMPLE = "example"


def doc(description: str, example: str | None = None) -> dict[str, str]:
    """The ``info`` of a table or column: what it means to an analyst, and a value from the sample."""
    return {_DESCRIPTION: description} if example is None else {_DESCRIPTION: description, _EXAMPLE: example}


@dataclass(frozen=True, slots=True)
class Described:
    """The description of a table or column, and an example value (None: none in the sample)."""

    description: str
    example: str | None


def described(column: Column[object]) -> Described:
    """What a column's ``info`` says of it; KeyError when it has no description."""
    return Described(column.info[_DESCRIPTION], column.info.get(_EXAMPLE))


class Base(DeclarativeBase):
    """Declarative base of the kaohe tables."""


class DocumentRow(Base):
    """One ingested source file and its document-level fields."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, info=doc("primary key", "8"))
    source_path: Mapped[str] = mapped_column(
        String(1024),
        unique=True,
        comment="path of the source file as ingested (see pipeline.ingest)",
        info=doc(
            "path of the file as ingested: relative to the directory kaohe ran in when the file is under it, else "
            "absolute",
            "tests/fixtures/corpus/raw/nanchang-kaohe-2023.pdf",
        ),
    )
    file_name: Mapped[str] = mapped_column(
        String(255),
        index=True,
        comment="base name of source_path",
        info=doc("base name of `source_path`", "nanchang-kaohe-2023.pdf"),
    )
    sha256: Mapped[str] = mapped_column(
        String(64),
        index=True,
        comment="hex SHA-256 of the file content",
        info=doc(
            "hex SHA-256 of the file content (unchanged hash and extractor version: the file is skipped)",
            "6b961f3984065b2b3f8daafcc5ec707bc5652faa2a44dd8e0590eff5796d4fc6",
        ),
    )
    size_bytes: Mapped[int] = mapped_column(BigInteger, info=doc("file size", "200799"))
    mtime_ns: Mapped[int | None] = mapped_column(
        BigInteger,
        comment="file modification time when stored (ns since the epoch); with size_bytes, skips unchanged files",
        info=doc(
            "file modification time when stored, in ns since the epoch; with `size_bytes`, lets an unchanged file "
            "be skipped unread",
            "1732229249123456789",
        ),
    )
    format: Mapped[str] = mapped_column(
        String(16),
        index=True,
        comment="pdf, docx, text, html, xlsx or xls",
        info=doc(
            "`pdf`, `docx`, `text`, `html`, `xlsx` or `xls` (what the file is: an `.xls` that is a web page is "
            "`html`)",
            "pdf",
        ),
    )
    extractor_version: Mapped[str] = mapped_column(
        String(32),
        info=doc("`kaohe.EXTRACTOR_VERSION` that produced the rows", "1"),
    )
    title: Mapped[str | None] = mapped_column(
        Text,
        comment="simplified Chinese",
        info=doc("document title, simplified", "南昌市县区 2023 年老干部工作目标管理考核细则"),
    )
    title_original: Mapped[str | None] = mapped_column(
        Text,
        comment="title before conversion, if different",
        info=doc("title as written, when it differs from `title`", "南昌市縣區 2023 年老幹部工作目標管理考核細則"),
    )
    organization: Mapped[str | None] = mapped_column(
        Text,
        index=True,
        comment="assessed unit",
        info=doc("the assessed unit", "长沙市望城区老干部服务中心"),
    )
    supervisor: Mapped[str | None] = mapped_column(
        Text,
        index=True,
        comment="主管部门",
        info=doc("主管部门, the supervising department", "市委老干部局"),
    )
    year: Mapped[int | None] = mapped_column(Integer, index=True, info=doc("the year assessed", "2023"))
    document_key: Mapped[str | None] = mapped_column(
        Text,
        index=True,
        comment="year|organization|title, normalized: the same for every form (pdf, docx, txt) of one document",
        info=doc(
            "`year|organization|title` with spaces and punctuation dropped (the file's stem where there is no "
            "title): the same for the PDF, DOCX and text forms of one document, so they can be told apart from "
            "other documents and one of them picked",
            "2023|南昌市委老干部局|南昌市县区2023年老干部工作目标管理考核细则",
        ),
    )
    script: Mapped[str] = mapped_column(
        String(8),
        comment="hans or hant: script of the source text",
        info=doc("`hans` (simplified) or `hant` (traditional): script of the source text", "hant"),
    )
    total_points: Mapped[float | None] = mapped_column(
        Float,
        comment="full marks of the scheme",
        info=doc("full marks of the scheme", "100.0"),
    )
    total_score: Mapped[float | None] = mapped_column(
        Float,
        comment="score achieved, where reported",
        info=doc("score achieved, where the document reports one", "98.92"),
    )
    page_count: Mapped[int | None] = mapped_column(Integer, info=doc("pages (PDF only)", "3"))
    indicator_count: Mapped[int] = mapped_column(Integer, info=doc("number of `indicators` rows of the document", "49"))
    warning_count: Mapped[int] = mapped_column(Integer, info=doc("number of `warnings` rows of the document", "0"))
    loaded_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True),
        comment="UTC time the rows of this document were written",
        info=doc("UTC time the rows were written", "2026-11-21 22:47:29.367173"),
    )

    indicators: Mapped[list[IndicatorRow]] = relationship(
        back_populates="document", cascade="all, delete-orphan", passive_deletes=True
    )
    clauses: Mapped[list[ClauseRow]] = relationship(
        back_populates="document", cascade="all, delete-orphan", passive_deletes=True
    )
    facts: Mapped[list[FactRow]] = relationship(
        back_populates="document", cascade="all, delete-orphan", passive_deletes=True
    )
    warnings: Mapped[list[WarningRow]] = relationship(
        back_populates="document", cascade="all, delete-orphan", passive_deletes=True
    )
    checks: Mapped[list[CheckRow]] = relationship(
        back_populates="document", cascade="all, delete-orphan", passive_deletes=True
    )

    def __repr__(self) -> str:
        return f"DocumentRow(id={self.id!r}, source_path={self.source_path!r})"


class IndicatorRow(Base):
    """One node of a document's indicator tree."""

    __tablename__ = "indicators"
    __table_args__ = (
        UniqueConstraint("document_id", "ordinal", name="uq_indicators_document_ordinal"),
        Index("ix_indicators_document_leaf", "document_id", "is_leaf"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, info=doc("primary key", "215"))
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"),
        index=True,
        info=doc("the document", "8"),
    )
    ordinal: Mapped[int] = mapped_column(
        Integer,
        comment="indicator id within its document's extraction",
        info=doc(
            "the indicator's id in the document's extraction (1, 2, ... in reading order; `kaohe extract --json` "
            "shows the same ids); unique per document",
            "4",
        ),
    )
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("indicators.id", ondelete="CASCADE"),
        index=True,
        comment="indicators.id of the parent",
        info=doc("the parent indicator's row id; NULL at the top level", "212"),
    )
    level: Mapped[int] = mapped_column(
        Integer,
        index=True,
        comment="1 = top level",
        info=doc("depth, 1 = top level", "2"),
    )
    path: Mapped[str] = mapped_column(
        Text,
        comment="names of ancestors and self joined with ' / '",
        info=doc(
            "names of the ancestors and the indicator joined with ` / `",
            "一、领导重视 / 3、每年召开全县(区)老干部工作会,分管领导参加全市老干部工作会议(1分);",
        ),
    )
    name: Mapped[str] = mapped_column(
        Text,
        info=doc("the indicator, simplified", "3、每年召开全县(区)老干部工作会,分管领导参加全市老干部工作会议(1分);"),
    )
    name_original: Mapped[str | None] = mapped_column(
        Text,
        comment="name before conversion, if it differed",
        info=doc(
            "the name as written, when it differs (traditional script)",
            "3、每年召開全縣(區)老幹部工作會,分管領導參加全市老幹部工作會議(1分);",
        ),
    )
    description: Mapped[str | None] = mapped_column(
        Text,
        info=doc(
            "the indicator's explanation / scoring standard column",
            "通过开展“春风行动”“雏凤”计划等，促进女性高质量就业。",
        ),
    )
    points: Mapped[float | None] = mapped_column(
        Float,
        comment="weight / full marks of the indicator",
        info=doc("weight or full marks", "1.0"),
    )
    score: Mapped[float | None] = mapped_column(
        Float,
        comment="score achieved, where reported",
        info=doc("score achieved, where reported", "5.0"),
    )
    target_op: Mapped[str | None] = mapped_column(
        String(2),
        comment=">=, <=, >, < or =",
        info=doc("comparison of the target: `>=`, `<=`, `>`, `<` or `=`", ">="),
    )
    target_value: Mapped[float | None] = mapped_column(Float, info=doc("the target's number", "200.0"))
    target_unit: Mapped[str | None] = mapped_column(String(32), info=doc("the target's unit", "人"))
    target_text: Mapped[str | None] = mapped_column(
        Text,
        comment="target as written",
        info=doc("the target as written", "帮扶特殊困难离退休干部及离休干部遗孀≥200人"),
    )
    actual: Mapped[str | None] = mapped_column(
        Text,
        comment="actual value achieved, as written",
        info=doc("value achieved, as written", "194"),
    )
    basis: Mapped[str | None] = mapped_column(
        Text,
        comment="指标值确定依据",
        info=doc("指标值确定依据 (how the target was set)", "年初教学安排"),
    )
    reason: Mapped[str | None] = mapped_column(
        Text,
        comment="未完成原因",
        info=doc("未完成原因 (why it was missed); none in the sample"),
    )
    measures: Mapped[str | None] = mapped_column(
        Text,
        comment="改进措施",
        info=doc("改进措施 (what will be done about it); none in the sample"),
    )
    page: Mapped[int | None] = mapped_column(Integer, info=doc("page the indicator is on (PDF only)", "1"))
    part: Mapped[int | None] = mapped_column(
        Integer,
        comment="table or list of the document the indicator came from: 1, 2, ...",
        info=doc(
            "which table (or list of numbered items) of the document the indicator came from, 1, 2, ... in reading "
            "order; a table continued over a page break is one part. Tells apart two tables that repeat a level-1 "
            "name (产出指标)",
            "1",
        ),
    )
    children_points: Mapped[float | None] = mapped_column(
        Float,
        comment="sum of the children's points (their own children's sum where they state none)",
        info=doc(
            "the sum of the children's points (each child's `points`, else its own `children_points`); NULL for a "
            "leaf. What a level is worth where the document states no points for it: `COALESCE(points, "
            "children_points)`. Never copied into `points`",
            "30.0",
        ),
    )
    is_leaf: Mapped[bool] = mapped_column(
        Boolean,
        comment="true when no indicator has this one as parent",
        info=doc("true when no indicator has this one as parent", "1"),
    )

    document: Mapped[DocumentRow] = relationship(back_populates="indicators")
    parent: Mapped[IndicatorRow | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[IndicatorRow]] = relationship(back_populates="parent", passive_deletes=True)
    clauses: Mapped[list[ClauseRow]] = relationship(back_populates="indicator", passive_deletes=True)

    def __repr__(self) -> str:
        return f"IndicatorRow(id={self.id!r}, path={self.path!r})"


class ClauseRow(Base):
    """One scoring rule: deduct, bonus, veto or tier."""

    __tablename__ = "clauses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, info=doc("primary key", "1"))
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"),
        index=True,
        info=doc("the document", "1"),
    )
    indicator_id: Mapped[int | None] = mapped_column(
        ForeignKey("indicators.id", ondelete="CASCADE"),
        index=True,
        comment="indicators.id the rule belongs to; NULL for document-wide rules",
        info=doc("the indicator the rule belongs to; NULL for document-wide rules", "5"),
    )
    kind: Mapped[str] = mapped_column(
        String(16),
        index=True,
        comment="deduct, bonus, veto or tier",
        info=doc("`deduct`, `bonus`, `veto` or `tier`", "deduct"),
    )
    points: Mapped[float | None] = mapped_column(
        Float,
        comment="points per occurrence (or of the tier)",
        info=doc("points per occurrence (deduct, bonus) or of the tier; NULL for a veto", "1.0"),
    )
    per_count: Mapped[float | None] = mapped_column(
        Float,
        comment="'每 per_count per_unit' the points apply",
        info=doc("the rule applies per `per_count` `per_unit` (每 1 次)", "1.0"),
    )
    per_unit: Mapped[str | None] = mapped_column(String(32), info=doc("unit of `per_count`", "次"))
    cap: Mapped[float | None] = mapped_column(
        Float,
        comment="most points the rule can deduct / add",
        info=doc("most points the rule can deduct or add (扣完为止 / 最多 …); NULL in the sample"),
    )
    threshold_op: Mapped[str | None] = mapped_column(
        String(2), comment="a tier's: >= (a share) or <= (a rank)",
        info=doc("a tier's threshold comparison: `>=` for a share (完成70%), `<=` for a rank (排名前5位)", ">="),
    )
    threshold_value: Mapped[float | None] = mapped_column(
        Float, info=doc("a tier's threshold: the share or the rank to reach", "70.0")
    )
    threshold_unit: Mapped[str | None] = mapped_column(
        String(8), info=doc("a tier's threshold unit: `%` or `rank`", "%")
    )
    points_min: Mapped[float | None] = mapped_column(
        Float, comment="a range's lower bound (扣5-10分: 5; cap is 10)",
        info=doc("the lower bound of a range of points (`扣5-10分`: 5, with `cap` 10); NULL in the sample"),
    )
    effect: Mapped[str | None] = mapped_column(
        String(16), comment="a veto's effect: assessment",  # as migration 0008 made it (see info)
        info=doc(
            "what a veto vetoes: `item` (该项一票否决: the item scores 0), `section` (本部分一票否决: its"
            " top-level section), `assessment` (一票否决, 直接定为不达标: the total is 0) or `eligibility`"
            " (取消评先评优资格: the score stands, the unit is marked vetoed)",
            "assessment",
        ),
    )
    text: Mapped[str] = mapped_column(
        Text,
        comment="the phrase stating the rule, e.g. 少1次扣1分",
        info=doc("the phrase stating the rule", "少1次扣1分"),
    )
    context: Mapped[str | None] = mapped_column(
        Text,
        comment="for document-wide rules: the 加分/扣分 item the rule was read from",
        info=doc(
            "for document-wide rules: the 加分/扣分 item the rule was read from (added in `0002_checks_views`; NULL "
            "for rows stored before)",
            "42、老干部综合工作获省级表彰加5分,获市级表彰加2分;",
        ),
    )

    document: Mapped[DocumentRow] = relationship(back_populates="clauses")
    indicator: Mapped[IndicatorRow | None] = relationship(back_populates="clauses")

    def __repr__(self) -> str:
        return f"ClauseRow(id={self.id!r}, kind={self.kind!r})"


class FactRow(Base):
    """A document-level figure that is not an indicator (totals, budget, execution rate, ...)."""

    __tablename__ = "facts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, info=doc("primary key", "5"))
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"),
        index=True,
        info=doc("the document", "2"),
    )
    name: Mapped[str] = mapped_column(String(64), index=True, info=doc("which figure", "execution_rate"))
    value: Mapped[float | None] = mapped_column(Float, info=doc("the figure as a number, when it is one", "110.8"))
    text: Mapped[str] = mapped_column(
        Text,
        comment="the figure as written",
        info=doc("the figure as written", "110.80%"),
    )

    document: Mapped[DocumentRow] = relationship(back_populates="facts")

    def __repr__(self) -> str:
        return f"FactRow(id={self.id!r}, name={self.name!r}, value={self.value!r})"


class CheckRow(Base):
    """A declared total compared with the sum of what it totals (reconciliation)."""

    __tablename__ = "checks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, info=doc("primary key", "2"))
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"),
        index=True,
        info=doc("the document", "1"),
    )
    indicator_id: Mapped[int | None] = mapped_column(
        ForeignKey("indicators.id", ondelete="CASCADE"),
        index=True,
        comment="indicators.id of the section that declares the total; NULL for the document total",
        info=doc("the section that declares the total; NULL for the document total", "9"),
    )
    name: Mapped[str] = mapped_column(
        Text,
        comment="what declares the total",
        info=doc("what declares the total: the section's name, or `document total`", "二、政治待遇"),
    )
    declared: Mapped[float] = mapped_column(
        Float,
        comment="the total as printed",
        info=doc("the total as printed", "20.0"),
    )
    computed: Mapped[float] = mapped_column(
        Float,
        comment="sum of the points of what it totals",
        info=doc("sum of the points of the items under it", "19.0"),
    )
    unscored: Mapped[int] = mapped_column(
        Integer,
        comment="items under it that state no points",
        info=doc("items under it that state no points", "1"),
    )
    ok: Mapped[bool] = mapped_column(
        Boolean,
        index=True,
        comment="declared equals computed",
        info=doc("declared equals computed", "0"),
    )

    document: Mapped[DocumentRow] = relationship(back_populates="checks")

    def __repr__(self) -> str:
        return f"CheckRow(id={self.id!r}, name={self.name!r}, ok={self.ok!r})"


class WarningRow(Base):
    """One extraction warning of a document."""

    __tablename__ = "warnings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, info=doc("primary key", "1"))
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"),
        index=True,
        info=doc("the document", "1"),
    )
    message: Mapped[str] = mapped_column(
        Text,
        info=doc(
            "the warning",
            "'二、政治待遇' declares 20 points but what it totals adds up to 19 (1 item(s) state no points)",
        ),
    )

    document: Mapped[DocumentRow] = relationship(back_populates="warnings")

    def __repr__(self) -> str:
        return f"WarningRow(id={self.id!r}, message={self.message!r})"


def init_db(engine: Engine) -> None:
    """Create the tables and indexes that do not exist yet (existing ones are left as they are)."""
    Base.metadata.create_all(engine)


# The scores table lives in its own module (analysts' rows, not a file's); imported here so that
# Base.metadata, which create_all, the catalog and the migrations read, always holds it.
from schema import score_models as _score_models  # noqa: E402,F401
