"""Indicators written as running text: "1、产出指标－数量指标－开展课程次数，指标值为>＝150。"

Budget documents often list their 绩效指标 inline, one enumerated item per indicator with its
levels joined by dashes and its target after 指标值. Each item becomes a three-level path.
"""

from __future__ import annotations

import regex

from normalizers.targets import parse_target
from pipeline.build.tree import Draft
from schema.records import Paragraph

_DASH = r"[－—–\-]"
_ITEM = regex.compile(
    rf"""
    (?:^|(?<=[。；;:：\s]))\d+[、.．]\s*
    (?P<l1>[^－—–\-，,。；;]{{2,12}}){_DASH}
    (?P<l2>[^－—–\-，,。；;]{{2,14}}){_DASH}
    (?P<name>[^，,。；;:：]+?)\s*[，,:：]\s*
    (?P<keyword>(?:年度)?(?:指标值|目标值)\s*(?:为|是|[:：])?)?\s*
    (?P<value>[^。；;，,]*?\d(?:[^。；;，,\d]*?\d)*[^。；;，,\d]*?)
    (?=[。；;，,]|\s*$|\s*\d+[、．])
    """,
    regex.VERBOSE,
)
_COMPARATOR = regex.compile(r"[≥≤><=＞＜＝]|不少于|不低于|不超过|以上|以下|以内")
_TRAILING_NOTE = regex.compile(r"^(?P<name>.+?)[（(](?P<note>[^）)]*)[）)]$")


def inline_items(paragraph: Paragraph) -> list[tuple[str, str, Draft]]:
    """(level-1 name, level-2 name, leaf) for every inline indicator in the paragraph."""
    items = []
    for match in _ITEM.finditer(paragraph.text):
        if not match["keyword"] and not (match["l1"].endswith("指标") and _COMPARATOR.search(match["value"])):
            continue  # without 指标值 only a framework path with a comparison is an indicator
        name = match["name"].strip()
        note = None
        trailing = _TRAILING_NOTE.match(name)
        if trailing:
            name, note = trailing["name"].strip(), trailing["note"].strip()
        value = match["value"].strip()
        leaf = Draft(name=name, description=note, target=parse_target(value), target_text=value, page=paragraph.page)
        items.append((match["l1"].strip(), match["l2"].strip(), leaf))
    return items


def inline_indicators(paragraphs: list[Paragraph]) -> list[Draft]:
    """Trees of the inline indicators of consecutive paragraphs.

    A section the document prints twice (the same paragraph text again) is read once.
    """
    roots: list[Draft] = []
    seen: set[str] = set()
    for paragraph in paragraphs:
        if paragraph.text in seen:
            continue
        seen.add(paragraph.text)
        for level1, level2, leaf in inline_items(paragraph):
            top = roots[-1] if roots and roots[-1].name == level1 else None
            if top is None:
                top = Draft(name=level1)
                roots.append(top)
            middle = top.children[-1] if top.children and top.children[-1].name == level2 else None
            if middle is None:
                middle = top.add(Draft(name=level2))
            middle.add(leaf)
    return roots
