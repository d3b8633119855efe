"""The stored side of scoring: a document's scheme read from the database, the unit's template
written and read back (checked line by line), and its scores stored in place of earlier ones."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Literal, cast

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from analyst.scoring import FillKind, Question, Scheme, SchemeClause, SchemeIndicator, ScoreSheet
from schema.models import ClauseRow, DocumentRow, FactRow, IndicatorRow
from schema.records import Threshold
from schema.score_models import ScoreRow

TEMPLATE_COLUMNS = ("clause_id", "indicator", "kind", "points", "rule", "fill", "meaning", "value")
_YES = {"yes", "y", "是", "有", "true", "1", "√"}
_NO = {"no", "n", "否", "无", "false", "0", "×", ""}


class ScoreInputError(ValueError):
    """A filled template that cannot be applied: every bad line, each naming its row."""

    def __init__(self, source: str, problems: Sequence[str]) -> None:
        self.source = source
        self.problems = tuple(problems)
        super().__init__(f"{source}: " + "; ".join(self.problems))


def read_scheme(session: Session, document_id: int) -> Scheme:
    file_name = session.execute(select(DocumentRow.file_name).where(DocumentRow.id == document_id)).scalar_one()
    indicators = tuple(
        SchemeIndicator(row.id, row.parent_id, row.path, row.points)
        for row in session.execute(
            select(IndicatorRow.id, IndicatorRow.parent_id, IndicatorRow.path, IndicatorRow.points)
            .where(IndicatorRow.document_id == document_id)
            .order_by(IndicatorRow.ordinal)
        )
    )
    clauses = tuple(
        SchemeClause(
            row.id, row.indicator_id, row.kind, row.points, row.per_count, row.per_unit, row.cap, row.text,
            _threshold(row.threshold_op, row.threshold_value, row.threshold_unit),
        )
        for row in session.execute(
            select(
                ClauseRow.id,
                ClauseRow.indicator_id,
                ClauseRow.kind,
                ClauseRow.points,
                ClauseRow.per_count,
                ClauseRow.per_unit,
                ClauseRow.cap,
                ClauseRow.text,
                ClauseRow.threshold_op,
                ClauseRow.threshold_value,
                ClauseRow.threshold_unit,
            )
            .where(ClauseRow.document_id == document_id)
            .order_by(ClauseRow.id)
        )
    )
    base = session.execute(
        select(FactRow.value).where(FactRow.document_id == document_id, FactRow.name == "base_score")
    ).scalar()
    return Scheme(document_id, file_name, indicators, clauses, base)


def _threshold(op: str | None, value: float | None, unit: str | None) -> Threshold | None:
    """A tier's stored threshold, or None (not a tier, or stored before 0008)."""
    if op in (">=", "<=") and value is not None and unit in ("%", "rank"):
        return Threshold(cast(Literal[">=", "<="], op), value, cast(Literal["%", "rank"], unit))
    return None


def template_csv(questions: Sequence[Question]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(TEMPLATE_COLUMNS)
    for q in questions:
        points = "" if q.points is None else f"{q.points:g}"
        writer.writerow((q.clause_id, q.path, q.kind, points, q.text, q.fill, q.hint, ""))
    return out.getvalue()


def _answer(fill: FillKind, raw: str, cap: float | None = None) -> float | bool | str:
    """The answer a cell gives, or a string saying what is wrong with it."""
    text = raw.strip().rstrip("%％").strip()
    if fill == "yes/no":
        if raw.strip().lower() in _YES:
            return True
        if raw.strip().lower() in _NO:
            return False
        return f"{raw!r} is not yes or no"
    try:
        value = float(text)
    except ValueError:
        return f"{raw!r} is not a number"
    if value < 0:
        return f"{raw!r} is negative"
    if fill == "percent" and value > 100:
        return f"{raw!r} is over 100 %"
    if fill == "rank" and (value < 1 or value != int(value)):
        return f"{raw!r} is not a rank (1, 2, 3, ...)"
    if fill == "amount" and cap is not None and value > cap:
        return f"{raw!r} is over the rule's {cap:g} points"
    return value


def read_fills(path: Path, questions: Sequence[Question]) -> dict[int, float | bool]:
    """The answers of a filled template: clause id → value (a rule left empty did not apply).
    Raises ScoreInputError naming every bad line."""
    by_id = {q.clause_id: q for q in questions}
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScoreInputError(str(path), [f"cannot be read ({exc})"]) from exc
    reader = csv.DictReader(io.StringIO(text))
    missing = {"clause_id", "value"} - set(reader.fieldnames or ())
    if missing:
        wanted = ", ".join(sorted(missing))
        raise ScoreInputError(str(path), [f"no {wanted} column (write one with kaohe score template)"])
    answers: dict[int, float | bool] = {}
    problems: list[str] = []
    for row in reader:
        line = reader.line_num
        raw_id, raw_value = (row.get("clause_id") or "").strip(), row.get("value") or ""
        if not raw_id.isdigit() or int(raw_id) not in by_id:
            problems.append(f"line {line}: clause_id {raw_id!r} is no rule of this document")
            continue
        if not raw_value.strip():
            continue
        question = by_id[int(raw_id)]
        answer = _answer(question.fill, raw_value, question.cap)
        if isinstance(answer, str):
            problems.append(f"line {line}: {answer} (clause {question.clause_id} wants {question.fill})")
        elif answer is not False:
            answers[question.clause_id] = answer
    if problems:
        raise ScoreInputError(str(path), problems)
    return answers


@dataclass(frozen=True, slots=True)
class RankedUnit:
    unit: str
    total: float
    full_points: float | None
    vetoed: bool


def store_scores(session: Session, unit: str, scheme: Scheme, sheet: ScoreSheet) -> None:
    """Replace ``unit``'s scores against the document with ``sheet``, in one transaction."""
    explanations: dict[int | None, list[str]] = {}
    for applied in sheet.applied:
        explanations.setdefault(applied.indicator_id, []).append(applied.explanation)
    worth = {indicator.id: indicator.points for indicator in scheme.indicators}
    now = datetime.now(timezone.utc)
    with session.begin():
        session.execute(delete(ScoreRow).where(ScoreRow.unit == unit, ScoreRow.document_id == scheme.document_id))
        session.add_all(
            ScoreRow(
                unit=unit,
                document_id=scheme.document_id,
                indicator_id=indicator_id,
                score=value,
                full_points=worth.get(indicator_id),
                vetoed=False,
                explanation="; ".join(explanations.get(indicator_id, [])) or None,
                scored_at=now,
            )
            for indicator_id, value in sheet.scores.items()
        )
        session.add(
            ScoreRow(
                unit=unit,
                document_id=scheme.document_id,
                indicator_id=None,
                score=sheet.total,
                full_points=sheet.full_points,
                vetoed=sheet.vetoed,
                explanation="; ".join(explanations.get(None, [])) or None,
                scored_at=now,
            )
        )


def ranking(session: Session, document_id: int) -> list[RankedUnit]:
    rows = session.execute(
        select(ScoreRow.unit, ScoreRow.score, ScoreRow.full_points, ScoreRow.vetoed)
        .where(ScoreRow.document_id == document_id, ScoreRow.indicator_id.is_(None))
        .order_by(ScoreRow.vetoed, ScoreRow.score.desc(), ScoreRow.unit)
    ).all()
    return [RankedUnit(unit, score, full, bool(vetoed)) for unit, score, full, vetoed in rows]
