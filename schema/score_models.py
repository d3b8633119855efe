"""The ``scores`` table: a unit's scores against a stored document (``kaohe score apply``).

Beside the extraction's tables (schema/models.py), as it holds what analysts add, not what a file
says. One row per indicator of the document and one for its total (``indicator_id`` NULL); a
document read again (its rows replaced) takes its scores with it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Float, ForeignKey, Index, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column

from schema.models import Base, doc


class ScoreRow(Base):
    """A unit's score on one indicator of a document, or on the whole document."""

    __tablename__ = "scores"
    __table_args__ = (Index("ix_scores_unit_document", "unit", "document_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, info=doc("primary key", "1"))
    unit: Mapped[str] = mapped_column(
        Text, info=doc("the unit scored, as given to `kaohe score apply --unit`", "东湖区")
    )
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), index=True, info=doc("the document scored against", "1")
    )
    indicator_id: Mapped[int | None] = mapped_column(
        ForeignKey("indicators.id", ondelete="CASCADE"),
        index=True,
        comment="NULL: the document's total",
        info=doc("the indicator; NULL for the row of the document's total", "12"),
    )
    score: Mapped[float] = mapped_column(Float, info=doc("the score", "19.4"))
    full_points: Mapped[float | None] = mapped_column(
        Float, info=doc("what the indicator (or the document) is worth in full", "20.0")
    )
    vetoed: Mapped[bool] = mapped_column(
        Boolean, info=doc("true on the total's row when a veto applied (一票否决): the total is 0", "0")
    )
    explanation: Mapped[str | None] = mapped_column(
        Text,
        info=doc(
            "the rules applied to it, each with its amount, `; `-separated",
            "30、在市级以上电视、报纸、杂志: 3 篇 × 0.3 = −0.9",
        ),
    )
    scored_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), info=doc("UTC time the unit's scores were written", "2026-12-02 03:00:00")
    )
