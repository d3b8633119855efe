"""The stored side of scoring: a document's scheme read from the database, the unit's template
written and read back (checked line by line), and its scores stored in place of earlier ones."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Literal, cast, get_args

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from analyst.scoring import FillKind, Question, Scheme, SchemeClause, SchemeIndicator, ScoreSheet
from schema.models import ClauseRow, DocumentRow, FactRow, IndicatorRow
from schema.records import Threshold, VetoEffect
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
            _veto_effect(row.effect),
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
                ClauseRow.effect,
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


def _veto_effect(effect: str | None) -> VetoEffect | None:
    """A veto's stored effect, or None (not a veto, stored before 0008, or a word not known)."""
    return cast(VetoEffect, effect) if effect in get_args(VetoEffect) else None


def _template_rows(questions: Sequence[Question]) -> list[tuple[int, str, str, str, str, str, str, str]]:
    return [
        (q.clause_id, q.path, q.kind, "" if q.points is None else f"{q.points:g}", q.text, q.fill, q.hint, "")
        for q in questions
    ]


def template_csv(questions: Sequence[Question]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(TEMPLATE_COLUMNS)
    writer.writerows(_template_rows(questions))
    return out.getvalue()


def write_template_xlsx(questions: Sequence[Question], path: Path, title: str) -> None:
    """The template as a workbook: the same columns as the CSV, the value column left for the unit
    (as text, so that Excel keeps "是" or "75%" as typed), the header frozen, columns sized."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "score"
    sheet.append(TEMPLATE_COLUMNS)
    for row in _template_rows(questions):
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for letter, width in zip("ABCDEFGH", (9, 40, 8, 7, 48, 8, 34, 10), strict=True):
        sheet.column_dimensions[letter].width = width
    for (value,) in sheet.iter_rows(min_row=2, min_col=8, max_col=8):
        value.number_format = "@"
    book.properties.title = title
    book.save(path)


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
    header, rows = _filled_rows(path)
    missing = {"clause_id", "value"} - set(header)
    if missing:
        wanted = ", ".join(sorted(missing))
        raise ScoreInputError(str(path), [f"no {wanted} column (write one with kaohe score template)"])
    answers: dict[int, float | bool] = {}
    problems: list[str] = []
    for line, row in rows:
        raw_id, raw_value = (row.get("clause_id") or "").strip(), row.get("value") or ""
        if not raw_id.isdigit() or int(raw_id) not in by_id:
            problems.append(f"{line}: clause_id {raw_id!r} is no rule of this document")
            continue
        if not raw_value.strip():
            continue
        question = by_id[int(raw_id)]
        answer = _answer(question.fill, raw_value, question.cap)
        if isinstance(answer, str):
            problems.append(f"{line}: {answer} (clause {question.clause_id} wants {question.fill})")
        elif answer is not False:
            answers[question.clause_id] = answer
    if problems:
        raise ScoreInputError(str(path), problems)
    return answers


def _filled_rows(path: Path) -> tuple[list[str], list[tuple[str, dict[str, str]]]]:
    """A filled template's header and its rows, each with where it is ("line 4" of a CSV, "row 4"
    of a workbook) and every value as text."""
    if path.suffix.lower() == ".xlsx":
        return _xlsx_rows(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScoreInputError(str(path), [f"cannot be read ({exc})"]) from exc
    reader = csv.DictReader(io.StringIO(text))
    header = list(reader.fieldnames or ())
    return header, [(f"line {reader.line_num}", {k: v for k, v in row.items() if isinstance(k, str)}) for row in reader]


def _xlsx_rows(path: Path) -> tuple[list[str], list[tuple[str, dict[str, str]]]]:
    from zipfile import BadZipFile

    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (OSError, BadZipFile, KeyError, ValueError) as exc:
        raise ScoreInputError(str(path), [f"cannot be read as a workbook ({exc})"]) from exc
    try:
        rows = book.worksheets[0].iter_rows(values_only=True)
        header = [_cell_text(value) for value in next(rows, ())]
        out = [
            (f"row {number}", {name: _cell_text(value) for name, value in zip(header, values, strict=False) if name})
            for number, values in enumerate(rows, start=2)
            if any(value is not None for value in values)
        ]
    finally:
        book.close()
    return header, out


def _cell_text(value: object) -> str:
    """A cell as text: 3.0 (a number typed as 3 where the value column lost its text format) is
    "3". The template's value column is formatted as text, so "75%" and "是" arrive as typed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


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
