"""Compare declared totals with the sums of what they total. Documents do contain mismatches:
they are recorded as checks (and warnings), never corrected."""

from __future__ import annotations

from pipeline.build.tree import Draft
from schema.records import Check


def _sum_below(node: Draft) -> tuple[float, int, bool]:
    """(sum of the points under node, items without points, whether any points were found)."""
    total, unscored, found = 0.0, 0, False
    for child in node.children:
        if child.points is not None:
            total += child.points
            found = True
        elif child.children:
            below, missing, child_found = _sum_below(child)
            total += below
            unscored += missing
            found = found or child_found
        else:
            unscored += 1
    return total, unscored, found


def reconcile(roots: list[Draft], declared_total: float | None, outside_points: float = 0.0) -> list[Check]:
    """One check per node that declares points and has children with points, plus the document.

    ``outside_points`` are points of the total that no indicator carries (a 自评表's funds block).
    """
    checks: list[Check] = []
    for root in roots:
        for node in root.walk():
            if node.points is None or not node.children:
                continue
            computed, unscored, found = _sum_below(node)
            if found:
                checks.append(Check(node.id, node.name, node.points, computed, unscored))
    if declared_total is not None:
        top = Draft(name="", children=list(roots))
        computed, unscored, found = _sum_below(top)
        if found:
            checks.append(Check(None, "document total", declared_total, computed + outside_points, unscored))
    return checks


def describe(check: Check) -> str:
    """The warning for a check that does not add up."""
    missing = f" ({check.unscored} item(s) state no points)" if check.unscored else ""
    return (f"'{check.name}' declares {check.declared:g} points but what it totals adds up to "
            f"{check.computed:g}{missing}")
