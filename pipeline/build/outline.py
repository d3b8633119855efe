"""Rules documents written as an outline: "一、组织领导（30分）（一）责任落实（20分）1.成立…（10分）未成立扣10分。"

Many 考核细则 are published as numbered text rather than a table, nested three or four deep, in
any mix of numbering styles (一、 / （一） / 1. / 1.1.1 / （1） / ①); doc-sharing sites run the
whole text together on one line, so an enumerator may stand mid-line, even glued to the figure
before it ("…纳入政府目标考核201.1.1…": the row's 分值 20, then item 1.1.1). The outline is read
back by numbering continuity, which no stray number in a rule keeps up for long:

1. every place an enumerator of a known family could start is a candidate (vocabulary.OUTLINE_ENUMERATORS);
2. left to right, a candidate is taken when it continues the outline: the next number of a level
   already open (closing the levels under it), the first number of a new, deeper level, or the
   number after the last one of a level that was closed (items numbered across sections);
   a dotted number continues its path (1.1.2 → 1.2 → 2. → 2.1);
3. each taken enumerator's text, up to the next one, is an item: its name runs to its points
   mark "（N分）" or its first sentence's end; what follows describes it;
4. lists that carry no points under an item that does (its rules "1、未成立扣1分 2、…") are its
   description, not items; a figure glued to the end of a name is its points when its items add
   up to it.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

import regex

from normalizers.numbers import parse_chinese_numeral
from normalizers.rules import SectionKind, find_rules, item_points, stated_points
from normalizers.targets import single_threshold
from pipeline.build.clauses import section_kind
from pipeline.build.tree import Draft
from pipeline.build.vocabulary import FOOTER_START, OUTLINE_ENUMERATORS
from schema.records import Paragraph

# How the styles conventionally nest (vocabulary.NUMBERING_FORMS ranks): 一、 over （一） over 1. / 1、
# over （1） / 1） over ①.
_RANK = {"cn": 1, "cn_paren": 2, "dot": 3, "dun": 3, "paren": 5, "close": 5, "circled": 6}
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_FAMILIES = tuple((e.family, regex.compile(e.pattern)) for e in OUTLINE_ENUMERATORS)
# A single-number enumerator is not preceded by a figure it would be part of ("12.", "3、" in "2、3分").
_FIGURE_CHARS = frozenset("0123456789.．")
# Neither is one followed by a unit: "1.5分", "2、3个" are amounts.
_UNIT_AFTER = regex.compile(r"\s*(?:分(?![析类级配解工管局])|%|％|‰|万|元|倍|亿|个百分点|小时|平方米|公里)")
_DOTTED_PREFIX = tuple(regex.compile(rf"[0-9]{{1,2}}(?:\s?[.．]\s?[0-9]{{1,2}}){{{n}}}\s*[.．]") for n in range(4))
_DOTTED_SINGLE = regex.compile(r"[0-9]{1,2}\s*[.．]")
# A points mark; a section's may say it is a total ("(总分100分)", "(共60分,扣完为止)").
_MARK = regex.compile(
    r"[(（]\s*(?:总分|共计?|满分|计)?\s*(?P<num>[0-9]+(?:\.[0-9]+)?)\s*分\s*(?:[,，;；][^()（）]{0,8})?[)）]"
)
# Points written after a short name without brackets: "组织领导5分", "责任落实 20分" (not a
# per-unit amount "…每次2分").
_BARE_POINTS = regex.compile(
    r"^(?P<name>[^\d,，。;；:：()（）]{2,24}?)(?<![扣加减得计记奖占超少缺])(?<!每.)\s*(?P<num>[0-9]+(?:\.[0-9]+)?)\s*分(?![钟之])"
)
_GLUED_FIGURE = regex.compile(r"(?<=[\u4e00-\u9fff）)])\s*(?P<num>[0-9]{1,3}(?:\.[0-9]+)?)\s*分?\s*$")
# A weight stated as a share of the whole: "占百分之二十", "占20%", "占20分" (a 考核 of 100).
_WEIGHT = regex.compile(
    r"占\s*(?:百分之(?P<cn>[一二三四五六七八九十百]+)|(?P<num>[0-9]+(?:\.[0-9]+)?)\s*(?:%|％|分(?![钟之])))"
)
_SENTENCE_END = regex.compile(r"[。；;!！?？]")
_GRADE_BAND = regex.compile(r"(?:总分|得分|总成绩|分数)[^,，。;；]{0,8}(?:以上|以下|未满|不足|低于|不满)")
_FOOTER = regex.compile(rf"\n\s*(?:{FOOTER_START})")
_LEAD_IN = regex.compile(r"如下\s*[:：]?\s*$")
_NAME_WIDTH = 60
_HEADING_WIDTH = 30
_MIN_POINTED_LEAVES = 3


@dataclass(frozen=True, slots=True)
class _Enumerator:
    start: int
    end: int
    family: str
    value: tuple[int, ...]
    line_start: bool = False  # the first thing on its line: a text cut off mid-outline opens there


@dataclass
class _Node:
    enumerator: _Enumerator
    depth: int
    text: str
    page: int | None
    children: list[_Node] = field(default_factory=list)
    parts: tuple[str, str | None, float | None] = ("", None, None)  # name, description, points
    pointed: bool = False
    lines: tuple[str, ...] = ()  # the text as written, line by line (the heading's rest first)

    def __post_init__(self) -> None:
        self.parts = _split(self.text)


def _value(family: str, number: str) -> tuple[int, ...] | None:
    if family == "circled":
        return (_CIRCLED.index(number) + 1,)
    if family in ("cn", "cn_paren"):
        parsed = parse_chinese_numeral(number)
        return None if parsed is None else (parsed,)
    if number.startswith("0"):
        return None  # "01.1.1" is the end of a figure ("…考核201.1.1"), then item 1.1.1
    parts = tuple(int(p) for p in regex.split(r"\s?[.．]\s?", number))
    return None if any(p == 0 for p in parts) else parts


def _shorter_paths(text: str, start: int, length: int) -> list[tuple[int, int]]:
    """(components, end) of each shorter dotted path at ``start`` that ends in its dot."""
    out = []
    for count in range(1, length):
        match = _DOTTED_PREFIX[count - 1].match(text, start)
        if match is not None:
            out.append((count, match.end()))
    return out


def _candidates(text: str) -> list[_Enumerator]:
    found: list[_Enumerator] = []
    for family, pattern in _FAMILIES:
        for match in pattern.finditer(text, overlapped=True):
            value = _value(family, match["n"])
            if value is None:
                continue
            single = len(value) == 1 and family not in ("cn", "cn_paren", "circled", "paren")
            if single and match.start() > 0 and text[match.start() - 1] in _FIGURE_CHARS:
                continue
            if family == "dot" and len(value) == 1 and not _DOTTED_SINGLE.match(text, match.start()):
                continue  # a lone number is an enumerator only with its dot
            if (single or family == "dot") and _UNIT_AFTER.match(text, match.end()):
                continue
            if family == "dot" and len(value) > 1:
                # Each shorter path is a candidate too: "2.6.26国际禁毒日" is item 2, "6.26…" its name.
                for count, end in _shorter_paths(text, match.start(), len(value)):
                    found.append(_Enumerator(match.start(), end, family, value[:count]))
            line_start = match.start() == 0 or text[match.start() - 1] == "\n"
            found.append(_Enumerator(match.start(), match.end(), family, value, line_start))
    found.sort(key=lambda e: (e.start, -(e.end - e.start)))
    return found


def _dot_successor(current: tuple[int, ...], new: tuple[int, ...]) -> bool:
    """1.1.2 → 1.2, 1.2.3 → 2., 3.1.1 → 3.2.1; or a child path 1.1 → 1.1.1."""
    if len(new) > len(current) and new[: len(current)] == current and all(p == 1 for p in new[len(current) :]):
        return True
    for j in range(min(len(current), len(new))):
        if new[:j] == current[:j] and new[j] == current[j] + 1 and all(p == 1 for p in new[j + 1 :]):
            return True
    return False


class _Outline:
    """The open levels while the enumerators are read left to right."""

    def __init__(self) -> None:
        self.stack: list[tuple[str, tuple[int, ...]]] = []
        self.last: dict[str, tuple[int, ...]] = {}  # a closed level's last number

    def depth(self, index: int, value: tuple[int, ...]) -> int:
        before = sum(len(v) if k == "dot" else 1 for k, v in self.stack[:index])
        return before + len(value)

    def take(self, enumerator: _Enumerator) -> int | None:
        """The enumerator's depth when it continues the outline (the levels are updated), else None."""
        family, value = enumerator.family, enumerator.value
        for index in range(len(self.stack) - 1, -1, -1):
            key, current = self.stack[index]
            if key != family:
                continue
            fits = _dot_successor(current, value) if family == "dot" else value[0] == current[0] + 1
            if not fits:
                return None
            self._close(index)
            self.stack.append((family, value))
            return self.depth(index, value)
        previous = self.last.get(family)
        opens = enumerator.line_start or (family == "dot" and len(value) > 1)
        first = all(p == 1 for p in value) or (previous is None and opens)
        continues = previous is not None and (
            _dot_successor(previous, value) if family == "dot" else value[0] == previous[0] + 1
        )
        if not (first or continues):
            return None
        # A style that conventionally ranks above open levels closes them: "（二）信息工作" after
        # item "4、" (a text cut off mid-outline) is the next section, not a part of item 4.
        rank = _RANK[family]
        while self.stack and _RANK[self.stack[-1][0]] > rank:
            self._close(len(self.stack) - 1)
        self.stack.append((family, value))
        return self.depth(len(self.stack) - 1, value)

    def _close(self, index: int) -> None:
        for key, value in self.stack[index:]:
            self.last[key] = value
        del self.stack[index:]


def _nodes(paragraphs: list[Paragraph]) -> list[_Node]:
    text = "\n".join(p.text for p in paragraphs)
    starts, offset = [], 0
    for paragraph in paragraphs:
        starts.append((offset, paragraph.page))
        offset += len(paragraph.text) + 1
    offsets = [offset for offset, _ in starts]
    outline = _Outline()
    taken: list[tuple[_Enumerator, int]] = []
    for candidate in _candidates(text):
        if taken and candidate.start < taken[-1][0].end:
            continue
        depth = outline.take(candidate)
        if depth is not None:
            taken.append((candidate, depth))
    nodes = []
    for index, (enumerator, depth) in enumerate(taken):
        end = taken[index + 1][0].start if index + 1 < len(taken) else len(text)
        page = starts[bisect.bisect_right(offsets, enumerator.start) - 1][1] if starts else None
        body = text[enumerator.end : end].strip(" \t\n.．、,，")
        if index + 1 == len(taken) and (footer := _FOOTER.search(body)) is not None:
            body = body[: footer.start()].rstrip()  # "说明:…" under the last item closes the outline
        node = _Node(enumerator, depth, regex.sub(r"\s*\n\s*", "", body), page)
        node.lines = tuple(line.strip() for line in body.split("\n") if line.strip())
        node.parts = _split_heading(node.lines) or node.parts
        nodes.append(node)
    return nodes


def _line_items(nodes: list[_Node]) -> None:
    """Give each heading that states no points of its own, and holds no numbered items, the lines
    under it as its items when every one of them is scored ("一、加分项目:" over lines each ending
    "…得10分。", "二、减分项目:" over lines "…每次扣2分。"); under a heading that states points such
    lines are its rules."""
    for node in [n for root in nodes for n in _walk(root)]:
        if node.children or len(node.lines) < 3 or len(node.lines[0]) > _NAME_WIDTH:
            continue
        heading = node.lines[0]
        if _split(heading)[2] is not None:
            continue
        section = section_kind(heading.rstrip(" ：:"))
        items = node.lines[1:]
        if not all(_scored_line(line, section) for line in items):
            continue
        node.text = heading.rstrip(" ：:")
        node.parts = _split(node.text)
        node.children = [_Node(node.enumerator, node.depth + 1, line, node.page) for line in items]


def _tree(nodes: list[_Node]) -> list[_Node]:
    roots: list[_Node] = []
    open_nodes: list[_Node] = []
    for node in nodes:
        while open_nodes and open_nodes[-1].depth >= node.depth:
            open_nodes.pop()
        (open_nodes[-1].children if open_nodes else roots).append(node)
        open_nodes.append(node)
    return roots


def _weight(text: str) -> tuple[int, float] | None:
    """Where an item's stated weight starts and its value: "…督导占百分之二十" (20), "…占20%"."""
    match = _WEIGHT.search(text)
    if match is None:
        return None
    if match["cn"]:
        value = parse_chinese_numeral(match["cn"])
        return None if value is None else (match.start(), float(value))
    return match.start(), float(match["num"])


def _split(text: str) -> tuple[str, str | None, float | None]:
    """(name, description, points) of an item's text. A grade band ("优等:总分九十分以上者")
    states a threshold of the whole, not what an item is worth."""
    if _GRADE_BAND.search(text):
        return text, None, None
    weight = _weight(text)
    if weight is not None and weight[0] <= _NAME_WIDTH and not _MARK.search(text, 0, weight[0]):
        rest = text[weight[0] :]
        rest = _WEIGHT.sub("", rest, count=1).strip(" ：:,，;；。") or None
        return text[: weight[0]].strip(" ：:,，"), rest, weight[1]
    mark = _MARK.search(text)
    if mark is not None and mark.start() <= _NAME_WIDTH:
        name = text[: mark.start()].strip(" ：:,，")
        rest = text[mark.end() :].strip(" ：:,，;；")
        if name:
            points = item_points(text)
            return name, rest or None, float(mark["num"]) if points is None else points
    bare = _BARE_POINTS.match(text)
    if bare is not None:
        rest = text[bare.end() :].strip(" ：:,，;；。")
        return bare["name"].strip(), rest or None, float(bare["num"])
    end = _SENTENCE_END.search(text)
    if end is not None and end.start() <= _NAME_WIDTH and text[end.end() :].strip():
        return text[: end.end()].strip(), text[end.end() :].strip() or None, stated_points(text)
    return text, None, stated_points(text)


def _scored_line(line: str, section: SectionKind) -> bool:
    return bool(_MARK.search(line) or stated_points(line) is not None or find_rules(line, section))


def _split_heading(lines: tuple[str, ...]) -> tuple[str, str | None, float | None] | None:
    """(name, description, points) of an item whose name is a line of its own ("一、地面" over
    "地面扫清拖净,…(10分)"): the lines below describe it and state its points."""
    if len(lines) < 2 or len(lines[0]) > _HEADING_WIDTH or _SENTENCE_END.search(lines[0]) or _MARK.search(lines[0]):
        return None
    if _split(lines[0])[2] is not None or _WEIGHT.search(lines[0]):
        return None
    rest = "".join(lines[1:])
    mark = _MARK.search(rest)
    points = item_points(rest)
    if points is None and mark is not None:
        points = float(mark["num"])
    if points is None:
        return None
    return lines[0].rstrip(" ：:"), rest, points


def _walk(node: _Node) -> list[_Node]:
    out, stack = [], [node]
    while stack:
        current = stack.pop()
        out.append(current)
        stack.extend(reversed(current.children))
    return out


def _mark_pointed(roots: list[_Node]) -> None:
    """Set each node's ``pointed``: it, or an item under it, states points (children first)."""
    order: list[_Node] = []
    stack = list(roots)
    while stack:
        node = stack.pop()
        order.append(node)
        stack.extend(node.children)
    for node in reversed(order):
        node.pointed = node.parts[2] is not None or any(child.pointed for child in node.children)


def _draft(node: _Node) -> Draft:
    name, description, points = node.parts
    closing = _closing_mark(node)
    if closing is not None:
        points = closing  # "1、午休时间关灯 2、… 3、…私人小家电。(10分)": the mark closes the whole list
    # Unscored items under a scored one are its rules, unless they have items of their own.
    listed = closing is not None or (points is not None and not any(c.pointed or c.children for c in node.children))
    children = [] if listed else node.children
    if node.children and not children:
        # Unscored lists under a scored item are its rules: they describe it.
        listed = "".join(_enumerator_text(c) for c in node.children)
        description = f"{description or ''}{listed}".strip() or None
    draft = Draft(name=name, description=description, points=points, page=node.page)
    draft.children.extend(_draft(c) for c in children)
    if not draft.children and description:
        # A requirement stating one threshold ("…达80%以上", "控制在5%以内") is the item's target.
        draft.target = single_threshold(description)

    if draft.points is None and draft.children:
        stated = [c.points for c in draft.children]
        glued = _GLUED_FIGURE.search(name)
        if glued is not None and None not in stated and abs(sum(stated) - float(glued["num"])) < 1e-6:  # type: ignore[arg-type]
            draft.name, draft.points = name[: glued.start()].strip(), float(glued["num"])
    return draft


def _closing_mark(node: _Node) -> float | None:
    """The points of an unscored item whose list of unscored points ends in one mark, at the very
    end of its last point: what the whole item is worth."""
    children = node.children
    if node.parts[2] is not None or len(children) < 2 or any(c.children for c in children):
        return None
    if any(c.parts[2] is not None for c in children[:-1]):
        return None
    last = children[-1].text.rstrip(" 。.;；")
    mark = _MARK.search(last)
    if mark is None or mark.end() != len(last) or len(_MARK.findall(last)) != 1:
        return None
    return float(mark["num"])


def _enumerator_text(node: _Node) -> str:
    return "".join([node.text, *(_enumerator_text(c) for c in node.children)])


@dataclass(frozen=True, slots=True)
class OutlineResult:
    roots: list[Draft]
    pointed_leaves: int
    consistent: int  # items whose stated points equal their items' sum


def quality(roots: list[Draft]) -> tuple[int, int]:
    """(items whose points equal their items' sum, leaves with points): how well a reading holds."""
    consistent = pointed = 0
    for root in roots:
        if section_kind(root.name) != "scored":
            continue  # the marks of a 加分/扣分 section are its rules, not what items are worth
        for node in root.walk():
            if not node.children:
                pointed += node.points is not None
                continue
            stated = [c.points for c in node.children]
            if node.points is not None and None not in stated:
                consistent += abs(sum(stated) - node.points) < 1e-6  # type: ignore[arg-type]
    return consistent, pointed


def outline_items(paragraphs: list[Paragraph]) -> OutlineResult | None:
    """The outline of numbered items in the paragraphs, or None when they hold no scored outline."""
    tree = _tree(_nodes(paragraphs))
    _line_items(tree)
    _mark_pointed(tree)
    # Headings that state nothing scored (and hold no items of rules: "每条计5分") are left out;
    # a lead-in ("考核内容…如下:") over the scored outline is no section of it: its items are the
    # top level.
    tree = [n for n in tree if n.pointed or any(find_rules(m.text) for m in _walk(n) if m is not n)]
    if len(tree) == 1 and tree[0].parts[2] is None and _LEAD_IN.search(tree[0].text):
        tree = tree[0].children
    roots = [_draft(n) for n in tree]
    consistent, pointed = quality(roots)
    if pointed < _MIN_POINTED_LEAVES and not _rules_under_points(roots) and not _rule_sections(roots):
        return None
    return OutlineResult(roots, pointed, consistent)


def _rules_under_points(roots: list[Draft]) -> bool:
    """A scored section whose items state rules only ("(共60分,扣完为止)" over "死亡1人扣30分/次",
    …): a deductions outline, its items scored by their rules."""
    for root in roots:
        leaves = [leaf for leaf in root.leaves() if leaf is not root]
        ruled = sum(1 for leaf in leaves if find_rules(f"{leaf.name} {leaf.description or ''}"))
        if root.points is not None and ruled >= _MIN_POINTED_LEAVES:
            return True
    return False


def _rule_sections(roots: list[Draft]) -> bool:
    """Sections of a bonus or deduction kind ("一、加分项目", "二、减分项目") whose items state their
    points or rules: an outline of rules only, what it scores said by the items themselves."""
    ruled = 0
    for root in roots:
        kind = section_kind(root.name)
        if kind == "scored" or not root.children:
            continue
        ruled += sum(
            1 for leaf in root.leaves()
            if leaf.points is not None or find_rules(f"{leaf.name} {leaf.description or ''}", kind)
        )
    return ruled >= _MIN_POINTED_LEAVES
