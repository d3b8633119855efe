"""Items merged over rows of their own numbered criteria: the item is a group of them.

"技术评价" merged down over five rows, each with its own 分值 (40, 3, 2, 2, 3) and its own
numbered 评分标准 ("1.完全满足主要技术要求…", "2.产品外观设计美观…") is no item scored five times:
its rows are the items and it groups them. The table reader makes one leaf per row, each named
by the merged cell; here a run of such sibling leaves — one name, each with its own points and
a criterion numbered in sequence — becomes a group whose items are named by their criteria.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from pipeline.build.tree import Draft

_NUMBER = re.compile(r"\s*[(（]?\s*(\d{1,3})\s*(?:[.．、)）](?!\d)|\s)")
_MIN_RUN = 2


def _key(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _number(text: str | None) -> int | None:
    match = _NUMBER.match(text or "")
    return int(match.group(1)) if match else None


def _numbered_run(children: list[Draft], start: int) -> int:
    """How many children from ``start`` are leaves of one name, each scored, their criteria numbered
    one after the other (0 when fewer than two)."""
    first = children[start]
    if first.children or first.points is None or _number(first.description) is None:
        return 0
    end = start + 1
    while end < len(children):
        child = children[end]
        if child.children or child.points is None or _key(child.name) != _key(first.name):
            break
        if _number(child.description) != _number(children[end - 1].description) + 1:  # type: ignore[operator]
            break
        end += 1
    return end - start if end - start >= _MIN_RUN else 0


def regroup_numbered_repeats(roots: list[Draft]) -> list[Draft]:
    """The trees with each run of repeated, numbered, scored leaves made a group of its criteria."""
    for node in [n for root in roots for n in root.walk()]:
        node.children = _runs_replaced(node.children, _numbered_run, _group_of)
    return _runs_replaced(roots, _numbered_run, _group_of)


def _runs_replaced(
    children: list[Draft], run_at: Callable[[list[Draft], int], int], combine: Callable[[list[Draft]], Draft]
) -> list[Draft]:
    """The children with each run that ``run_at`` finds (its length, 0 for none) combined into one."""
    out: list[Draft] = []
    index = 0
    while index < len(children):
        run = run_at(children, index)
        if not run:
            out.append(children[index])
            index += 1
            continue
        out.append(combine(children[index : index + run]))
        index += run
    return out


def _group_of(members: list[Draft]) -> Draft:
    group = Draft(name=members[0].name, name_original=members[0].name_original, page=members[0].page,
                  part=members[0].part)
    group.children = [replace(m, name=m.description or m.name, name_original=None, description=None, children=[])
                      for m in members]
    return group


def collapse_shared_cells(roots: list[Draft]) -> list[Draft]:
    """A group whose rows all share one merged points cell and one merged rule — the same points
    and the same rule on every child — is one item scored once, its rows the details it is
    measured by (动遣指标 30 over 航行 / 靠港 / 放缆 …, "超出1天扣5分,扣完为止"): the group
    becomes that item, its rows' names kept in its description."""
    for node in [n for root in roots for n in root.walk()]:
        children = node.children
        if len(children) < _MIN_RUN or any(child.children for child in children):
            continue
        first = children[0]
        if first.points is None or not first.description:
            continue
        if any(c.points != first.points or _key(c.description or "") != _key(first.description) for c in children):
            continue
        if not all(child.points_merged for child in children[1:]):
            continue  # rows each stating the same points and rule are items of their own
        node.points = first.points
        node.column_points = first.column_points
        details = "、".join(child.name for child in children)
        node.description = f"{first.description}\n{details}"
        node.children = []
    return roots


def fold_graded_options(roots: list[Draft]) -> list[Draft]:
    """An item merged over rows that each offer one grade with its own points, best first
    (注册资本金 over "200000万元以上 20" / "150000～200000万元 18" / … / "100～500万元 1"), is one
    item worth its best grade: the table reader's leaf per row becomes one leaf whose description
    lists the grades as a rating scale ("200000万元以上：20分；…"), the lower ones its tiers.

    Rows whose points fall strictly, three or more of them or down to 0, are grades; rows of equal
    or rising points are parts of the item scored on their own and stay as they are.
    """
    for node in [n for root in roots for n in root.walk()]:
        node.children = _runs_replaced(node.children, _grade_run, _one_item)
    return _runs_replaced(roots, _grade_run, _one_item)


def _grade_run(children: list[Draft], start: int) -> int:
    first = children[start]
    if first.children or first.points is None or first.points_merged or not first.description:
        return 0
    end = start + 1
    while end < len(children):
        child, before = children[end], children[end - 1]
        if child.children or child.points is None or child.points_merged or _key(child.name) != _key(first.name):
            break
        if not child.description or child.points >= before.points:  # type: ignore[operator]
            break
        end += 1
    run = end - start
    return run if run >= 3 or (run == 2 and children[end - 1].points == 0) else 0


def _one_item(grades: list[Draft]) -> Draft:
    """The item the grade rows describe; lines every row repeats (a note merged over them all) are
    kept once, after the scale."""
    lines = [[line.strip() for line in (g.description or "").splitlines() if line.strip()] for g in grades]
    shared = [line for line in lines[0] if all(line in other for other in lines[1:])]
    scale = []
    for grade, own in zip(grades, lines, strict=True):
        option = "，".join(line for line in own if line not in shared)
        scale.append(f"{option}：{grade.points:g}分" if option else f"{grade.points:g}分")
    first = grades[0]
    same_target = all(g.target_text == first.target_text for g in grades)
    return replace(
        first,
        description="；".join(scale) + "".join(f"\n{line}" for line in shared),
        target=first.target if same_target else None,
        target_text=first.target_text if same_target else None,
        children=[],
    )
