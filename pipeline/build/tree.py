"""Draft indicator tree: built up row by row, then frozen into Indicator records with ids."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from schema.records import Indicator, Target


@dataclass
class Draft:
    """An indicator while it is being assembled (mutable; never leaves the build stage)."""

    name: str
    name_original: str | None = None
    description: str | None = None
    points: float | None = None
    score: float | None = None
    target: Target | None = None
    target_text: str | None = None
    actual: str | None = None
    basis: str | None = None
    reason: str | None = None
    measures: str | None = None
    page: int | None = None
    amount: str | None = None  # a signed 加减分 cell: "-20", the rule of the item's condition
    column_points: bool = False  # points read from a points column (not inline marks or words)
    points_merged: bool = False  # that points cell continues one merged down from the row above
    part: int | None = None  # the table or list it came from (set on roots; see schema.records.Indicator)
    children: list[Draft] = field(default_factory=list)
    id: int | None = None  # assigned by freeze()

    def add(self, child: Draft) -> Draft:
        self.children.append(child)
        return child

    def walk(self) -> Iterator[Draft]:
        """This draft and every one under it, depth-first in document order. A loop, not
        recursion: a damaged file's header of a thousand level columns makes a tree that deep."""
        stack = [self]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children))

    def leaves(self) -> Iterator[Draft]:
        for node in self.walk():
            if not node.children:
                yield node


def freeze(roots: list[Draft], first_id: int = 1) -> tuple[Indicator, ...]:
    """Number the drafts depth-first (document order; each draft's ``id`` is set) and return them
    as Indicator records, each with its root's ``part`` and its children's points summed."""
    out: list[Indicator] = []
    sums: dict[int, float | None] = {}
    for root in roots:
        _sum_children(root, sums)
    stack: list[tuple[Draft, int | None, int, int | None]] = [(root, None, 1, root.part) for root in reversed(roots)]
    while stack:  # depth-first, document order (a loop: see Draft.walk)
        node, parent_id, level, part = stack.pop()
        node_id = first_id + len(out)
        node.id = node_id
        out.append(
            Indicator(
                id=node_id,
                parent_id=parent_id,
                level=level,
                name=node.name,
                name_original=node.name_original,
                description=node.description,
                points=node.points,
                score=node.score,
                target=node.target,
                target_text=node.target_text,
                actual=node.actual,
                page=node.page,
                basis=node.basis,
                reason=node.reason,
                measures=node.measures,
                part=part,
                children_points=sums[id(node)],
            )
        )
        stack.extend((child, node_id, level + 1, part) for child in reversed(node.children))
    return tuple(out)


def _sum_children(node: Draft, sums: dict[int, float | None]) -> float | None:
    """Record, for ``node`` and each node under it (by ``id``), the sum of its children's worth
    (each child's points, else its own children's sum; None for a leaf, or when no child is worth
    anything stated), and return ``node``'s worth. Children before parents: the walk reversed."""
    worth: dict[int, float | None] = {}
    for current in reversed(list(node.walk())):
        known = [w for child in current.children if (w := worth[id(child)]) is not None]
        sums[id(current)] = round(sum(known), 6) if known else None
        worth[id(current)] = current.points if current.points is not None else sums[id(current)]
    return worth[id(node)]
