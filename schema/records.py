"""Frozen record types that cross stage boundaries.

Parsers return a :class:`ParsedDocument`; the normalize stage returns the same type with text
simplified (originals kept); the indicator builder returns an :class:`Extraction`, which the
loader stores and the exporter prints. Nothing else crosses a module boundary.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Format = Literal["pdf", "docx", "text", "html", "xlsx", "xls"]
Script = Literal["hans", "hant"]
TargetOp = Literal[">=", "<=", ">", "<", "="]
ClauseKind = Literal["deduct", "bonus", "veto", "tier"]


@dataclass(frozen=True, slots=True)
class Cell:
    """One grid position of a table.

    ``spanned`` is True where the position is covered by a merged cell that starts above or to
    the left; ``text`` then repeats the spanning cell's text (resolved), so consumers that want
    each cell once skip spanned positions and consumers that want the grid read it as is.
    """

    text: str
    spanned: bool = False
    original: str | None = None  # text before normalization, where it differs

    @property
    def source_text(self) -> str:
        return self.text if self.original is None else self.original


@dataclass(frozen=True, slots=True)
class Paragraph:
    text: str
    page: int | None = None
    original: str | None = None  # text before normalization, where it differs

    @property
    def source_text(self) -> str:
        return self.text if self.original is None else self.original


@dataclass(frozen=True, slots=True)
class Table:
    """A table in reading order; a table continued over pages is one Table."""

    rows: tuple[tuple[Cell, ...], ...]
    page: int | None = None  # page the table starts on
    row_pages: tuple[int | None, ...] = ()  # page of each row, where the format has pages
    # "stream": a web page's cells one per row, row ends lost (the build stage re-flows them by
    # the header); "grid": rows as the document has them; "aligned": a grid found by its words'
    # alignment on a page without ruling lines (a table only if the build stage finds a header).
    layout: Literal["grid", "stream", "aligned"] = "grid"


Block = Paragraph | Table


@dataclass(frozen=True, slots=True)
class ParsedDocument:
    source: str  # path as given
    format: Format
    blocks: tuple[Block, ...]
    page_count: int | None = None
    encoding: str | None = None  # text and HTML files: the encoding the bytes were decoded with
    script: Script = "hans"  # set by the normalize stage
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Target:
    op: TargetOp
    value: float
    unit: str | None
    text: str


@dataclass(frozen=True, slots=True)
class Per:
    count: float
    unit: str


# What a veto vetoes (clauses.effect): the item, its top-level section, the whole assessment, or
# only the unit's eligibility for awards (取消评先评优: the score stands).
VetoEffect = Literal["item", "section", "assessment", "eligibility"]


@dataclass(frozen=True, slots=True)
class Threshold:
    """What a tier asks for: reached when the unit's value compares with ``value`` by ``op``
    (``>=`` for a share, "完成70%"; ``<=`` for a rank, "排名前5位": 3rd place reaches it)."""

    op: Literal[">=", "<="]
    value: float
    unit: Literal["%", "rank"]

    def reached(self, achieved: float) -> bool:
        return achieved >= self.value if self.op == ">=" else achieved <= self.value


@dataclass(frozen=True, slots=True)
class Indicator:
    id: int
    parent_id: int | None
    level: int
    name: str
    description: str | None = None
    points: float | None = None
    score: float | None = None
    target: Target | None = None
    actual: str | None = None
    page: int | None = None
    name_original: str | None = None  # before traditional→simplified, where it differs
    target_text: str | None = None  # the target as written, also when it is not a number (达成预期指标)
    basis: str | None = None  # 指标值确定依据
    reason: str | None = None  # 未完成原因
    measures: str | None = None  # 改进措施
    # Which table (or list of numbered items) of the document the indicator came from: 1, 2, ...
    # in reading order; a table continued over a page break is one part. Two tables may repeat a
    # level-1 name (产出指标): the part tells them apart.
    part: int | None = None
    # The sum of the children's points (each child's stated points, else its own children_points):
    # what a level is worth when the document states no points for it. Never mixed into points.
    children_points: float | None = None


@dataclass(frozen=True, slots=True)
class Clause:
    """A scoring rule: of an indicator, or of the whole document (加分内容/扣分内容 items)."""

    indicator_id: int | None
    kind: ClauseKind
    points: float | None
    text: str  # the phrase that states the rule: "少1次扣1分"
    per: Per | None = None
    cap: float | None = None
    context: str | None = None  # the item the rule was read from, for rules of the document
    threshold: Threshold | None = None  # a tier's: "完成任务数的70%" → >= 70 %
    points_min: float | None = None  # a range's lower bound: "扣5-10分" → 5 (cap: 10)
    effect: VetoEffect | None = None  # a veto's: "assessment" (一票否决), "item" (该项一票否决), …


@dataclass(frozen=True, slots=True)
class Check:
    """A declared total compared with the sum of what it totals (never corrected, only recorded)."""

    indicator_id: int | None  # None: the document's total
    name: str
    declared: float
    computed: float
    unscored: int = 0  # items under it that state no points

    @property
    def ok(self) -> bool:
        return abs(self.declared - self.computed) < 1e-6


@dataclass(frozen=True, slots=True)
class Fact:
    """A document-level figure that is not an indicator: totals rows, funds blocks."""

    name: str  # total_points, total_score, budget, executed, execution_rate, funds_points, ...
    value: float | None
    text: str


@dataclass(frozen=True, slots=True)
class DocumentInfo:
    source: str
    sha256: str
    format: Format
    title: str | None = None
    organization: str | None = None
    supervisor: str | None = None
    year: int | None = None
    script: Script = "hans"
    total_points: float | None = None
    total_score: float | None = None
    page_count: int | None = None
    title_original: str | None = None


@dataclass(frozen=True, slots=True)
class Extraction:
    document: DocumentInfo
    indicators: tuple[Indicator, ...] = ()
    clauses: tuple[Clause, ...] = ()
    facts: tuple[Fact, ...] = ()
    warnings: tuple[str, ...] = field(default_factory=tuple)
    checks: tuple[Check, ...] = ()
