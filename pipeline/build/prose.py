"""Points written in prose: "2、党建工作20分。其中:组织8分、纪检8分、宣传4分,…".

目标责任书 and 工作任务 documents often state their items as numbered paragraphs, each a name
followed by its points without brackets, its parts listed after "其中" the same way ("水利工程5分。
…每推迟一天扣0.5分。农业保险5分。…"), a part with parts of its own taking them after its own
"其中". Each part runs from its name to the next part; what follows its "N分" describes it.
"""

from __future__ import annotations

import re

from normalizers.numbers import NUMBER_PATTERN
from normalizers.text import fold_width
from pipeline.build.tree import Draft
from schema.records import Paragraph

# The points may stand in brackets ("成立领导小组（5分）"): the brackets are the mark's, not the name's.
# A name ending in a rule's verb makes the figure the rule's amount ("…信息每条计5分"), not the item's.
_ITEM = re.compile(
    rf"^\s*(?P<number>\d{{1,2}})\s*[、.．]\s*(?P<name>[^,，。;；:：\d]{{2,30}}?)(?<![扣加减得计记奖占超每])\s*(?P<open>[(（])?\s*"
    rf"(?P<points>{NUMBER_PATTERN})\s*分(?(open)\s*[)）])"
)
# A part: a name of words right after a clause boundary (or 其中), then its points. The name may
# not end in a verb that makes the figure a rule's amount (扣0.5分, 加2分, 得满分).
_PART = re.compile(
    rf"(?:(?<=[。;；,，、:：])|(?<=其中))\s*(?:其中)?\s*[:：,，]?\s*"
    rf"(?P<name>[\u4e00-\u9fff()（）“”\"]{{2,24}}?)(?<![扣加减得计记奖占超推迟])"
    rf"\s*(?P<points>{NUMBER_PATTERN})\s*分(?![钟之])"
)
_AMONG = re.compile(r"\s*[,，。;；]?\s*其中\s*[:：,，]?")
_MIN_ITEMS = 2


def _parts(text: str, start: int, end: int) -> list[tuple[int, int, str, float]]:
    """(start, end of its "N分", name, points) of each part stated in text[start:end]."""
    return [
        (m.start("name"), m.end(), m.group("name").strip(), float(m.group("points")))
        for m in _PART.finditer(text, start, end)
    ]


def _tree(text: str, name: str, points: float, body_start: int, body_end: int) -> Draft:
    """A node and the parts its text lists (after "其中"), nested where a part lists its own."""
    node = Draft(name=name, points=points)
    parts = _parts(text, body_start, body_end)
    if not parts or not _AMONG.match(text, body_start):
        description = text[body_start:body_end].strip(" ,，。;；")
        node.description = description or None
        return node
    bounds = [p[0] for p in parts[1:]] + [body_end]
    index = 0
    while index < len(parts):
        _, after, part_name, part_points = parts[index]
        # A part followed by "其中" takes the parts after it that add up to its points.
        if _AMONG.match(text, after):
            total, last = 0.0, index
            while last + 1 < len(parts) and total + 1e-6 < part_points:
                last += 1
                total += parts[last][3]
            if abs(total - part_points) < 1e-6:
                node.add(_tree(text, part_name, part_points, after, bounds[last]))
                index = last + 1
                continue
        node.add(_tree(text, part_name, part_points, after, bounds[index]))
        index += 1
    if abs(sum(c.points or 0.0 for c in node.children) - points) > 1e-6:
        node.children.clear()  # the figures are not its parts (rule amounts, counts): keep it whole
        node.description = text[body_start:body_end].strip(" ,，。;；") or None
    return node


def reflow(paragraphs: list[Paragraph]) -> list[Paragraph]:
    """Printed lines (a PDF's paragraphs are its lines) joined back into paragraphs: a line that
    does not end a sentence continues on the next, unless that one opens a numbered item."""
    # Lines are gathered per paragraph and joined once: joining them one by one would copy a
    # long paragraph again for every line (quadratic on a page of thousands of unended lines).
    groups: list[tuple[Paragraph, list[str]]] = []
    for paragraph in paragraphs:
        if (
            groups
            and paragraph.page is not None
            and not _PARAGRAPH_END.search(groups[-1][1][-1])
            and not _OPENS_ITEM.match(paragraph.text)
        ):
            groups[-1][1].append(paragraph.text.strip())
            continue
        groups.append((paragraph, [paragraph.text]))
    return [
        first if len(parts) == 1 else Paragraph(text="".join(parts), page=first.page) for first, parts in groups
    ]


_PARAGRAPH_END = re.compile(r"[。；;！!？?：:]\s*$")
_OPENS_ITEM = re.compile(
    r"^\s*(?:\d{1,3}\s*[、.．]|[一二三四五六七八九十]{1,3}\s*[、.．]|[(（]\s*[一二三四五六七八九十\d]{1,3}\s*[)）]|第)"
)


def prose_items(paragraphs: list[Paragraph]) -> list[Draft]:
    """Numbered paragraphs stating their points in words, as indicator trees; [] if fewer than two."""
    roots: list[Draft] = []
    for paragraph in reflow(paragraphs):
        text = fold_width(paragraph.text)
        match = _ITEM.match(text)
        if match is None:
            continue
        body_end = _responsible_clause(text)
        node = _tree(text, match.group("name").strip(), float(match.group("points")), match.end(), body_end)
        node.page = paragraph.page
        roots.append(node)
    return roots if len(roots) >= _MIN_ITEMS else []


_RESPONSIBLE = re.compile(r"[,，。;；]?\s*(?:具体考核细则)?由[^,，。;；]{2,30}负责(?:考核)?[。.]?\s*$")


def _responsible_clause(text: str) -> int:
    """Where the item's text ends: before its closing "由镇农办负责考核。"."""
    match = _RESPONSIBLE.search(text)
    return match.start() if match else len(text)
