"""Matching extracted leaves against hand-checked truth files (the rules of the shared evaluator).

A truth leaf matches an extracted leaf with the same name (simplified, without punctuation or
enumerators; a prefix of 8 characters or containment is enough), aligned in document order.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from normalizers.text import to_simplified
from schema.records import Extraction, Indicator

_ENUM = re.compile(r"^(\d+[、.．)]|[（(][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+、)")
_POINTS_MARK = re.compile(r"[(（]\s*\d+(\.\d+)?\s*分\s*[)）]")
_PUNCT = re.compile(r"[\s,，。.;；:：、()（）“”\"'《》「」【】\[\]<>＜＞—\-－_*·!！?？%％/]")


@functools.lru_cache(maxsize=65536)  # leaf_f1 compares every truth leaf with every leaf
def key(text: str | None) -> str:
    text = unicodedata.normalize("NFKC", to_simplified(text or "")).strip()
    return _PUNCT.sub("", _POINTS_MARK.sub("", _ENUM.sub("", text)))


def same_name(truth: str, predicted: str) -> bool:
    a, b = key(truth), key(predicted)
    k = min(8, len(a), len(b))
    return bool(a and b) and (a[:k] == b[:k] or (min(len(a), len(b)) >= 4 and (a in b or b in a)))


def leaves(extraction: Extraction) -> list[tuple[Indicator, Indicator]]:
    by_id = {i.id: i for i in extraction.indicators}
    parents = {i.parent_id for i in extraction.indicators}
    out = []
    for indicator in extraction.indicators:
        if indicator.id in parents:
            continue
        top = indicator
        while top.parent_id is not None:
            top = by_id[top.parent_id]
        out.append((indicator, top))
    return out




def leaf_f1(truth: dict, extraction: Extraction) -> float:
    """F1 of correct leaves (name, top-level ancestor, points and target where the truth has them)."""
    expected, found = truth["leaves"], leaves(extraction)
    # Longest common subsequence in document order, a pair counting when it is fully correct.
    rows, cols = len(expected), len(found)
    table = [[0] * (cols + 1) for _ in range(rows + 1)]
    for x in range(rows - 1, -1, -1):
        for y in range(cols - 1, -1, -1):
            best = max(table[x + 1][y], table[x][y + 1])
            if _correct(expected[x], *found[y]):
                best = max(best, 1 + table[x + 1][y + 1])
            table[x][y] = best
    correct = table[0][0]
    if not correct:
        return 0.0
    precision, recall = correct / cols, correct / rows
    return 2 * precision * recall / (precision + recall)


def _correct(expected: dict, leaf: Indicator, top: Indicator) -> bool:
    if not same_name(expected.get("name") or expected["path"][-1], leaf.name):
        return False
    if not same_name(expected["path"][0], top.name):
        return False
    if expected.get("points") is not None and (leaf.points is None or abs(leaf.points - expected["points"]) > 1e-6):
        return False
    target = expected.get("target")
    if target:
        found = leaf.target
        return found is not None and found.op == target["op"] and abs(found.value - target["value"]) < 1e-6
    return True


def clause_f1(truth: dict, extraction: Extraction) -> float:
    """F1 of the clauses as a multiset of (kind, points), as the shared evaluator counts them."""
    from collections import Counter

    expected = Counter((c["kind"], None if c.get("points") is None else float(c["points"])) for c in truth["clauses"])
    found = Counter((c.kind, None if c.points is None else float(c.points)) for c in extraction.clauses)
    if not expected and not found:
        return 1.0
    correct = sum((expected & found).values())
    if not correct:
        return 0.0
    precision, recall = correct / sum(found.values()), correct / sum(expected.values())
    return 2 * precision * recall / (precision + recall)
