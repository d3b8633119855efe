"""Scoring rules of a document: clauses read from item texts, and 加分/扣分 sections as clauses.

Items of a 加分内容 (bonus) or 扣分内容 (deduction) section are rules that apply to the whole
document, not scored indicators: they leave the indicator tree and become document clauses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from normalizers.rules import Rule, SectionKind, amount_rules, find_rules
from pipeline.build.tree import Draft
from pipeline.build.vocabulary import BONUS_SECTION, DEDUCT_SECTION, MIXED_SECTION

_BONUS_SECTION = re.compile(BONUS_SECTION)
_DEDUCT_SECTION = re.compile(DEDUCT_SECTION)
_MIXED_SECTION = re.compile(MIXED_SECTION)
_ENUMERATOR = re.compile(r"^\s*(?:[一二三四五六七八九十]+[、.．]|\d+[、.．]|[(（][一二三四五六七八九十\d]+[)）])\s*")


@dataclass(frozen=True, slots=True)
class ClauseDraft:
    """A rule found in the text of ``owner`` (None: a rule of the whole document)."""

    owner: Draft | None
    rule: Rule
    context: str | None = None


def section_kind(name: str) -> SectionKind:
    # A bracket's note is left out ("加分项目（最高10分）"); [^…]* and not .*? so that a name with
    # many unclosed brackets is read in linear time.
    title = re.sub(r"[(（][^()（）]*[)）]|\s", "", _ENUMERATOR.sub("", name))
    if _MIXED_SECTION.search(title):
        return "mixed"
    if _BONUS_SECTION.search(title):
        return "bonus"
    if _DEDUCT_SECTION.search(title):
        return "deduct"
    return "scored"


def _scored_like_the_rest(section: Draft) -> bool:
    """A 加分项目 section whose items carry their own points in the points column, as every other
    item does, is assessed like the rest (its total counts in the document's): its items stay
    indicators. Items scored only in their text (加5分) are rules of the whole document."""
    items = [leaf for leaf in section.leaves() if leaf is not section]
    return bool(items) and sum(item.column_points for item in items) * 2 >= len(items)


def _item_text(node: Draft) -> str:
    return " ".join(part for part in (node.name, node.description) if part)


def extract_clauses(roots: list[Draft]) -> tuple[list[Draft], list[ClauseDraft]]:
    """Split bonus/deduction sections off the tree and read every item's rules.

    Returns the scored roots and the clauses, in document order. A document made of bonus and
    deduction sections only (a staff rule "一、加分项目 … 二、减分项目 …") keeps their items as its
    indicators, each with the rules of its section's kind.
    """
    scored: list[Draft] = []
    clauses: list[ClauseDraft] = []
    kinds = [section_kind(root.name) for root in roots]
    only_rules = len(roots) >= 2 and all(
        kind != "scored" and root.children for kind, root in zip(kinds, roots, strict=True)
    )
    for root, kind in zip(roots, kinds, strict=True):
        if only_rules:
            scored.append(root)
            for leaf in root.leaves():
                clauses.extend(ClauseDraft(leaf, rule) for rule in find_rules(_item_text(leaf), kind, leaf.points))
            continue
        if kind == "scored" or _scored_like_the_rest(root):
            scored.append(root)
            for leaf in root.leaves():
                clauses.extend(ClauseDraft(leaf, rule) for rule in find_rules(_item_text(leaf), "scored", leaf.points))
                if leaf.amount:
                    clauses.extend(ClauseDraft(leaf, rule) for rule in amount_rules(leaf.amount))
            continue
        items = [leaf for leaf in root.leaves() if leaf is not root] or [root]
        for item in items:
            text = _item_text(item)
            clauses.extend(ClauseDraft(None, rule, context=text) for rule in find_rules(text, kind, None))
    return scored, clauses
