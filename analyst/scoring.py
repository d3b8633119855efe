"""Scoring a unit against a stored document: what to ask for each rule, and the score it gives.

Pure functions over a :class:`Scheme` (a document's indicators and clauses as stored). Each
clause is one question for the unit (:func:`questions`), answered by a fill: a count of
occurrences for a per-occurrence rule ("少1次扣1分": how many 次), yes/no for a rule that applies
or not ("获省级表彰加5分", "一票否决"), a percentage or a rank for a tier ("完成任务数的70%(1分)").

:func:`score` applies the answers:

* a leaf starts at its points; each deduction takes its amount (count ÷ per × points, or its
  points when it applied), at most its cap; the leaf never goes below 0 (扣完为止);
* a leaf with tiers gets its points when its value reaches 100 % (or the best rank), else the
  award of the best tier reached, else 0;
* bonuses of a leaf add to it; a parent is the sum of its children;
* rules of the whole document (indicator NULL: 加分/扣分 items) add to or take from the total;
* a veto that applied acts by its effect (clauses.effect): ``item`` makes its indicator 0 (该项一票
  否决), ``section`` its top-level section, ``assessment`` the total ("一票否决", "直接定为不达标"),
  and ``eligibility`` keeps the score but marks the unit vetoed (取消评先评优资格).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Literal

from normalizers.thresholds import tier_threshold
from schema.records import Threshold, VetoEffect

FillKind = Literal["count", "yes/no", "percent", "rank", "amount"]


@dataclass(frozen=True, slots=True)
class SchemeIndicator:
    id: int
    parent_id: int | None
    path: str
    points: float | None


@dataclass(frozen=True, slots=True)
class SchemeClause:
    id: int
    indicator_id: int | None
    kind: str
    points: float | None
    per_count: float | None
    per_unit: str | None
    cap: float | None
    text: str
    threshold: Threshold | None = None  # a tier's, as stored (clauses.threshold_*); else read from text
    effect: VetoEffect | None = None  # a veto's, as stored; None (stored before 0008): the assessment

    def tier_threshold(self) -> Threshold | None:
        return self.threshold if self.threshold is not None else tier_threshold(self.text)


@dataclass(frozen=True, slots=True)
class Scheme:
    """What scoring needs of one stored document."""

    document_id: int
    file_name: str
    indicators: tuple[SchemeIndicator, ...]
    clauses: tuple[SchemeClause, ...]
    # The score counted from ("起评分100分", "基础得分为6分"; the base_score fact): the items state
    # no points, and every rule adds to or takes from it.
    base: float | None = None


@dataclass(frozen=True, slots=True)
class Question:
    """One row of a unit's template: a rule, and what the unit fills in for it."""

    clause_id: int
    path: str  # the indicator's path; "(whole document)" for a document-wide rule
    kind: str
    points: float | None
    text: str
    fill: FillKind
    hint: str  # what the number means: "篇 short", "yes if it happened", "% achieved"
    cap: float | None = None  # the most an "amount" answer may be ("扣5-10分": 10)


WHOLE_DOCUMENT = "(whole document)"
# What a template says a veto of each effect vetoes.
_VETOES: dict[str, str] = {
    "item": "this item",
    "section": "its section",
    "assessment": "the assessment",
    "eligibility": "eligibility for awards",
}


def fill_kind(clause: SchemeClause) -> tuple[FillKind, str]:
    """What a unit fills in for ``clause``, and a hint saying what it means."""
    if clause.kind == "tier":
        threshold = clause.tier_threshold()
        if threshold is not None and threshold.unit == "rank":
            return "rank", "the unit's rank (1 = first)"
        return "percent", "% achieved (100 = all)"
    if clause.per_count is not None:
        unit = clause.per_unit or "occurrences"
        return "count", f"{unit}, how many ({'short or found' if clause.kind == 'deduct' else 'achieved'})"
    if clause.kind == "veto":
        return "yes/no", f"yes if it happened (vetoes {_VETOES[_effect(clause)]})"
    if clause.points is None:  # "扣5-10分", "酌情扣分": the assessor decides how much
        bound = f" (at most {_number(clause.cap)})" if clause.cap is not None else ""
        return "amount", f"points {'deducted' if clause.kind == 'deduct' else 'added'}{bound}"
    return "yes/no", "yes if it applies"


def questions(scheme: Scheme) -> tuple[Question, ...]:
    paths = {indicator.id: indicator.path for indicator in scheme.indicators}
    out: list[Question] = []
    for clause in scheme.clauses:
        fill, hint = fill_kind(clause)
        path = WHOLE_DOCUMENT if clause.indicator_id is None else paths[clause.indicator_id]
        out.append(Question(clause.id, path, clause.kind, clause.points, clause.text, fill, hint, clause.cap))
    return tuple(out)


@dataclass(frozen=True, slots=True)
class Applied:
    """One rule as applied to the unit: its signed amount and how it came about."""

    clause_id: int
    indicator_id: int | None
    amount: float  # negative: points taken
    explanation: str


@dataclass(frozen=True, slots=True)
class ScoreSheet:
    """A unit's scores: per indicator, the total, and the rules applied."""

    scores: dict[int, float]
    total: float
    full_points: float
    vetoed: bool
    applied: tuple[Applied, ...] = field(default_factory=tuple)


def _number(value: float) -> str:
    return f"{value:g}"


def _rule_amount(clause: SchemeClause, answer: float | bool, name: str) -> tuple[float, str] | None:
    """What a deduction or bonus amounts to for ``answer``, and how, or None when it did not
    apply. The explanation is signed by the rule's kind: "3 篇 × 0.3 = −0.9", "… → +5"."""
    sign = "−" if clause.kind == "deduct" else "+"
    if clause.points is None and not isinstance(answer, bool):  # an amount the assessor gave
        return (answer, f"{name}: {clause.text}: {_number(answer)} → {sign}{_number(answer)}") if answer > 0 else None
    if isinstance(answer, bool):
        if not answer or clause.points is None:
            return None
        return clause.points, f"{name}: {clause.text} → {sign}{_number(clause.points)}"
    if answer <= 0 or clause.points is None:
        return None
    per = clause.per_count or 1.0
    amount = answer / per * clause.points
    capped = f", at most {_number(clause.cap)}" if clause.cap is not None and amount > clause.cap else ""
    if clause.cap is not None:
        amount = min(amount, clause.cap)
    unit = clause.per_unit or ""
    product = f"{_number(answer)} {unit} × {_number(clause.points)}"
    return amount, f"{name}: {product} = {sign}{_number(round(amount, 6))}{capped}"


def score(scheme: Scheme, answers: dict[int, float | bool]) -> ScoreSheet:
    """The unit's score from its ``answers`` (clause id → count, percent, rank or yes/no; a rule
    without an answer did not apply)."""
    children: dict[int | None, list[SchemeIndicator]] = defaultdict(list)
    for indicator in scheme.indicators:
        children[indicator.parent_id].append(indicator)
    by_indicator: dict[int | None, list[SchemeClause]] = defaultdict(list)
    for clause in scheme.clauses:
        by_indicator[clause.indicator_id].append(clause)
    applied: list[Applied] = []
    scores: dict[int, float] = {}

    def leaf_score(indicator: SchemeIndicator) -> float:
        name = indicator.path.rsplit(" / ", 1)[-1][:24]
        full = indicator.points or 0.0
        rules = by_indicator.get(indicator.id, [])
        tiers = [c for c in rules if c.kind == "tier"]
        value = full
        if tiers:
            value = _tier_value(indicator, tiers, answers, applied, name)
        taken = 0.0
        added = 0.0
        for clause in rules:
            if clause.id not in answers or clause.kind == "tier":
                continue
            if clause.kind == "deduct":
                result = _rule_amount(clause, answers[clause.id], name)
                if result is not None:
                    taken += result[0]
                    applied.append(Applied(clause.id, indicator.id, -result[0], result[1]))
            elif clause.kind == "bonus":
                result = _rule_amount(clause, answers[clause.id], name)
                if result is not None:
                    added += result[0]
                    applied.append(Applied(clause.id, indicator.id, result[0], result[1]))
        if scheme.base is not None:
            return added - taken  # counted from the base: an item is what its rules add or take
        return max(0.0, value - taken) + added  # 扣完为止: an item loses at most what it is worth

    zeroed = _vetoed_indicators(scheme, answers, applied)

    def visit(indicator: SchemeIndicator, vetoed_above: bool = False) -> float:
        kids = children.get(indicator.id, [])
        vetoed_here = vetoed_above or indicator.id in zeroed
        value = sum(visit(kid, vetoed_here) for kid in kids) if kids else leaf_score(indicator)
        if vetoed_here:
            value = 0.0
        scores[indicator.id] = round(value, 6)
        return value

    total = sum(visit(root) for root in children.get(None, []))
    full_points = _full_points(children)
    if scheme.base is not None:
        total += scheme.base
        full_points = scheme.base
    vetoed = False
    zero_total = False
    for clause in scheme.clauses:
        effect = _effect(clause)
        if clause.kind == "veto" and answers.get(clause.id) is True and effect in ("assessment", "eligibility"):
            vetoed = True
            zero_total = zero_total or effect == "assessment"
            explanation = f"veto ({_VETOES[effect]}): {clause.text}"
            applied.append(Applied(clause.id, clause.indicator_id, 0.0, explanation))
    for clause in by_indicator.get(None, []):
        answer = answers.get(clause.id)
        if answer is None or clause.kind == "veto":
            continue
        result = _rule_amount(clause, answer, WHOLE_DOCUMENT)
        if result is None:
            continue
        sign = -1.0 if clause.kind == "deduct" else 1.0
        total += sign * result[0]
        applied.append(Applied(clause.id, None, sign * result[0], result[1]))
    if zero_total:
        total = 0.0
    return ScoreSheet(scores, round(max(total, 0.0), 6), full_points, vetoed, tuple(applied))


def _vetoed_indicators(scheme: Scheme, answers: dict[int, float | bool], applied: list[Applied]) -> set[int]:
    """The indicators an item or section veto that applied makes 0 (with all below them): its own
    indicator, or the top-level one above it. A section veto of the whole document (no indicator)
    is left to the assessment's vetoes: it has no section."""
    parents = {indicator.id: indicator.parent_id for indicator in scheme.indicators}
    zeroed: set[int] = set()
    for clause in scheme.clauses:
        effect = _effect(clause)
        if clause.kind != "veto" or answers.get(clause.id) is not True or clause.indicator_id is None:
            continue
        if effect not in ("item", "section"):
            continue
        target = clause.indicator_id
        if effect == "section":
            while parents.get(target) is not None:
                target = parents[target]  # type: ignore[assignment]
        zeroed.add(target)
        applied.append(Applied(clause.id, target, 0.0, f"veto ({_VETOES[effect]}): {clause.text}"))
    return zeroed


def _effect(clause: SchemeClause) -> VetoEffect:
    """What a veto vetoes; an item or section veto of the whole document (it has neither) and one
    stored before 0008 (no effect) veto the assessment."""
    if clause.effect is None or (clause.indicator_id is None and clause.effect in ("item", "section")):
        return "assessment"
    return clause.effect


def _tier_value(
    indicator: SchemeIndicator,
    tiers: list[SchemeClause],
    answers: dict[int, float | bool],
    applied: list[Applied],
    name: str,
) -> float:
    """A tiered item's value: its points when fully achieved, else its best tier reached, else 0."""
    given = [answers[c.id] for c in tiers if c.id in answers and not isinstance(answers[c.id], bool)]
    if not given:
        return indicator.points or 0.0  # not answered: achieved in full
    achieved = float(given[0])
    thresholds: list[tuple[Threshold, SchemeClause]] = [
        (t, c) for c in tiers if (t := c.tier_threshold()) is not None
    ]
    full_rank = bool(thresholds) and all(t.unit == "rank" for t, _ in thresholds)
    if (not full_rank and achieved >= 100) or (full_rank and achieved <= 1):
        return indicator.points or 0.0
    reached = [(c.points or 0.0, c) for t, c in thresholds if t.reached(achieved)]
    if not reached:
        explanation = f"{name}: {_number(achieved)} reaches no tier → 0"
        applied.append(Applied(tiers[0].id, indicator.id, -(indicator.points or 0.0), explanation))
        return 0.0
    award, clause = max(reached, key=lambda pair: pair[0])
    applied.append(
        Applied(
            clause.id,
            indicator.id,
            award - (indicator.points or 0.0),
            f"{name}: {_number(achieved)} reaches {clause.text} → {_number(award)}",
        )
    )
    return award


def _full_points(children: dict[int | None, list[SchemeIndicator]]) -> float:
    def worth(indicator: SchemeIndicator) -> float:
        kids = children.get(indicator.id, [])
        return sum(worth(kid) for kid in kids) if kids else (indicator.points or 0.0)

    return round(sum(worth(root) for root in children.get(None, [])), 6)
