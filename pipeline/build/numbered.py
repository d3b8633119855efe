"""Rules documents as running text: numbered items under numbered sections.

A 考核细则 lists items "1、…(3分)…" under sections "一、领导重视(20分)". When its table was
flattened by text extraction the section column ends up interleaved with the items: a section
title sits in the middle of its items (the cell was vertically centred), broken into fragments
("四、阵地建设" … "和学习活动开" … "展情况(10分)"), its total on a line of its own, the points
column collapsed into digit runs. This module reads such text back:

1. junk lines (digit runs, stray header words) are dropped;
2. section titles and their fragments and totals are cut out of the stream;
3. items are found by numbering continuity (1、2、… in order; an item printed out of place is
   still found), each running to the next item;
4. items are assigned to sections: in a clean layout each title starts its section; in an
   interleaved one the boundaries are chosen so that as many sections as possible add up to
   their declared totals, ties going to the split that centres each title among its items.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from normalizers.numbers import parse_chinese_numeral
from normalizers.points import trailing_points
from normalizers.rules import item_points
from pipeline.build.tree import Draft
from schema.records import Paragraph

_CJK = "\u4e00-\u9fff"
_SECTION = re.compile(r"([一二三四五六七八九十]{1,3})、")
# A section numeral glued to the words before it ("…考核办法一、落实校园安全责任制(22分)1.…": a
# table run together on one line) counts only with its total before the next item's number.
_GLUED_TITLE_WIDTH = 40
_TOTAL = re.compile(r"[(（]\s*(\d+(?:\.\d+)?)\s*分\s*[)）]")
_TRAILING_TOTAL = re.compile(r"(?<=[;；。])\s*[(（]\s*(\d+(?:\.\d+)?)\s*分\s*[)）]\s*$")
_DIGIT_RUN = re.compile(r"^[\d.\s]{4,}$")
_HEADER_WORDS = re.compile(r"^(专案|项目|考核|内容|分值|自评|得分|评分|考核内容|备注|序号|\s)+$")
# A line-start chunk: item punctuation, a title fragment, the "分)" end of a mark broken by it.
_CHUNK = re.compile(r"(?P<lead>[;；,，。]*)(?P<fragment>.+?)(?P<tail>(?<![\d(（])分[)）])?")
# A points mark broken by interleaved text: "(0.5" … "分)".
_OPEN_MARK = re.compile(r"[(（]\s*\d+(?:\.\d+)?(?![\d.]|\s*分)")
_ORPHAN_CLOSE = re.compile(r"(?<![\d\s(（])分[)）]")
_ANY_ITEM = re.compile(r"(?<![\d.])\d+\s*[、．.](?!\d)")
_PUNCT = re.compile(r"[，,。；;：:、！？!?]")
_MIN_ITEMS = 3
_SUB_HEADING = re.compile(r"(?:^|(?<=\n))\s*[(（][一二三四五六七八九十]{1,3}[)）]")


def _titled(line: str, match: re.Match[str]) -> bool:
    """Whether a numeral glued to words opens a section title: its total follows within a title's
    width, before any item number."""
    window = line[match.end() : match.end() + _GLUED_TITLE_WIDTH]
    total = _TOTAL.search(window)
    item = _ANY_ITEM.search(window)
    return total is not None and (item is None or total.start() < item.start())


def _item_start(number: int) -> re.Pattern[str]:
    return re.compile(rf"(?<![\d.]){number}\s*[、．.](?!\d)")


@dataclass
class _Section:
    ordinal: int
    numeral: str  # as printed: 一, 十二
    name: str
    offset: int  # where the title stood in the cleaned stream
    name_original: str = ""
    total: float | None = None
    total_adjacent: bool = False  # the total followed the title text directly (clean layout)
    open: bool = True  # still collecting fragments


@dataclass
class _Item:
    number: int
    start: int  # offset of the enumerator in the cleaned stream
    body_start: int
    text: str = ""
    original: str = ""
    points: float | None = None


@dataclass(frozen=True, slots=True)
class NumberedSection:
    name: str  # "" for items under no section
    name_original: str | None
    total: float | None
    items: list[Draft]


@dataclass
class NumberedResult:
    sections: list[NumberedSection] = field(default_factory=list)
    interleaved: bool = False


def _title_width(lines: list[str]) -> int | None:
    """The section column's width, learned from titles that stand alone on a line."""
    widths = []
    for line in lines:
        match = _SECTION.match(line)
        alone = match and not _PUNCT.search(line[match.end():]) and not re.search(r"\d+\s*[、.．]", line)
        if alone and _TOTAL.sub("", line) == line:
            widths.append(len(line))
    return max(widths) if widths else None


def _is_fragment(text: str, width: int | None) -> bool:
    core = _TOTAL.sub("", text).strip()
    limit = width or 8
    return len(core) <= limit and not _PUNCT.search(core) and not _SECTION.search(text)


class _Stream:
    """The cleaned text (titles, fragments and junk removed) with section positions.

    The original (pre-conversion) text is cut the same way, span for span, so item and section
    names can keep their original script; a line whose conversion changed its length keeps the
    converted text in both.
    """

    def __init__(self, lines: list[str], originals: list[str]) -> None:
        self.width = _title_width(lines)
        self.parts: list[str] = []
        self.original_parts: list[str] = []
        self.length = 0
        self.sections: list[_Section] = []
        self.interleaved = False
        self._line = self._original = ""
        for line, original in zip(lines, originals, strict=True):
            self._line, self._original = line, original if len(original) == len(line) else line
            self._read_line()
        self.text = "".join(self.parts)
        self.original_text = "".join(self.original_parts)

    def _keep(self, start: int, end: int) -> None:
        self.parts.append(self._line[start:end])
        self.original_parts.append(self._original[start:end])
        self.length += end - start

    def _newline(self) -> None:
        self.parts.append("\n")
        self.original_parts.append("\n")
        self.length += 1

    def _open_section(self) -> _Section | None:
        return next((s for s in reversed(self.sections) if s.open), None)

    def _take_total(self, value: str, adjacent: bool) -> bool:
        section = self._open_section()
        if section is None or section.total is not None:
            return False
        section.total = float(value)
        section.total_adjacent = adjacent
        section.open = False
        if not adjacent:
            self.interleaved = True
        return True

    def _read_line(self) -> None:
        line = self._line
        stripped = line.strip()
        if not stripped or _DIGIT_RUN.match(stripped) or _HEADER_WORDS.match(stripped):
            return
        position = 0
        for match in _SECTION.finditer(line):
            expected = len(self.sections) + 1
            # A run of numerals that is no number ("二一、", "十十、") numbers no section.
            if parse_chinese_numeral(match.group(1)) != expected:
                continue
            if match.start() > 0 and re.match(f"[{_CJK}]", line[match.start() - 1]) and not _titled(line, match):
                continue  # 统一、 or 第一、 inside words, not a section's number
            self._read_text(position, match.start(), line_start=position == 0)
            if match.start() > 0 and line[: match.start()].strip():
                self.interleaved = True  # a title glued after item text: flattened columns
            position = self._read_title(match)
        self._read_text(position, len(line), line_start=position == 0)
        self._newline()

    def _read_title(self, match: re.Match[str]) -> int:
        """Cut a section title (and a total right after it) out of the line; return where it ends."""
        line, begin = self._line, match.end()
        item = _ANY_ITEM.search(line, begin)
        end = item.start() if item else len(line)
        first_total = _TOTAL.search(line, begin, end)
        if first_total:
            end = first_total.start()
        if self.width and len(match.group(0)) + end - begin > self.width:
            # Longer than the section column: the rest of the line is item text it was glued to.
            end = begin + max(0, self.width - len(match.group(0)))
            self.interleaved = True
        section = _Section(len(self.sections) + 1, match.group(1), line[begin:end].strip(), offset=self.length,
                           name_original=self._original[begin:end].strip())
        self.sections.append(section)
        total = _TOTAL.match(line, end)
        if total:
            self._take_total(total.group(1), adjacent=True)
            end = total.end()
        return end

    def _read_text(self, start: int, end: int, line_start: bool) -> None:
        line = self._line
        if not line[start:end].strip():
            return
        item = _ANY_ITEM.search(line, start, end)
        head_end = item.start() if item else end
        head = line[start:head_end]
        head_start = start + len(head) - len(head.lstrip())
        head_stop = head_end - (len(head) - len(head.rstrip()))
        spans = [(start, end)]
        section = self._open_section()
        chunk = _CHUNK.fullmatch(line, head_start, head_stop) if head_start < head_stop else None
        if line_start and section is not None and chunk and _is_fragment(chunk["fragment"], self.width):
            # A short unpunctuated chunk at a line start continues the open section title; item
            # punctuation before it and the end of a mark broken around it stay with the items.
            fragment = slice(chunk.start("fragment"), chunk.end("fragment"))
            total = _TOTAL.search(line[fragment])
            section.name += _TOTAL.sub("", line[fragment]).strip()
            section.name_original += _TOTAL.sub("", self._original[fragment]).strip()
            self.interleaved = True
            if total:
                self._take_total(total.group(1), adjacent=False)
            spans = [chunk.span("lead")]
            if chunk["tail"]:
                spans.append(chunk.span("tail"))
            spans.append((head_end, end))
        last_start, last_end = spans[-1]
        segment = line[last_start:last_end].rstrip()
        trailing = _TRAILING_TOTAL.search(segment)
        if trailing and self._take_total(trailing.group(1), adjacent=False):
            spans[-1] = (last_start, last_start + trailing.start())
        for span_start, span_end in spans:
            self._keep(span_start, span_end)


def _find_items(text: str, section_offsets: list[int]) -> list[_Item]:
    """Items 1, 2, … by numbering continuity; the search for n starts after item n-1, falling
    back to the whole text for an item printed out of place. Numbering that starts again at 1
    after a section title (items numbered per section) continues the list."""
    items: list[_Item] = []
    number = 1
    cursor = 0
    while True:
        pattern = _item_start(number)
        forward = pattern.search(text, cursor)
        restart = _item_start(1).search(text, cursor) if items else None
        if (
            restart is not None
            and (forward is None or restart.start() < forward.start())
            and any(cursor <= offset <= restart.start() for offset in section_offsets)
        ):
            number, match = 1, restart
        else:
            match = forward or (pattern.search(text) if items else None)
        if match is None or any(i.start == match.start() for i in items):
            break
        items.append(_Item(number=number, start=match.start(), body_start=match.end()))
        cursor = match.end()
        number += 1
    return items


def _item_texts(stream: _Stream, items: list[_Item], headings: list[int]) -> None:
    """Each item's text runs to the next item or sub-section heading."""
    starts = sorted([i.start for i in items] + headings)
    for item in items:
        following = [s for s in starts if s > item.start]
        if following:
            end = following[0]
        else:
            # The last item ends with the first line that ends a sentence: what follows is not it.
            tail = stream.text[item.body_start:]
            sentence = re.search(r"[。；;]\s*\n", tail)
            end = item.body_start + (sentence.end() if sentence else len(tail.split("\n", 1)[0]))
        item.text = _clean_item(stream.text[item.body_start: end])
        item.original = _clean_item(stream.original_text[item.body_start: end])
        # Its marks (N分), else the points set apart at its end ('…上墙; 5分').
        item.points = item_points(item.text) or trailing_points(item.text)


def _clean_item(body: str) -> str:
    return _repair_marks(re.sub(r"\s*\n\s*", "", body).strip())


def _repair_marks(text: str) -> str:
    """Close a mark whose "分)" was pushed further along by interleaved text: "(0.5…分)" → "(0.5分)…"."""
    while True:
        opened = _OPEN_MARK.search(text)
        if not opened:
            return text
        orphan = _ORPHAN_CLOSE.search(text, opened.end())
        if not orphan:
            return text
        text = text[: opened.end()] + "分)" + text[opened.end(): orphan.start()] + text[orphan.end():]


def _assign(items: list[_Item], sections: list[_Section], interleaved: bool) -> list[list[_Item]]:
    """Split the items (in number order) into one contiguous run per section."""
    count = len(items)
    positions = [sum(1 for i in items if i.start < s.offset) + 0.5 for s in sections]
    if not interleaved:
        starts = [0] + [max(0, min(count, round(p + 0.5) - 1)) for p in positions[1:]]
        return [items[a:b] for a, b in zip(starts, [*starts[1:], count], strict=True)]
    prefix = [0.0]
    for item in items:
        prefix.append(prefix[-1] + (item.points or 0.0))

    def score(k: int, a: int, b: int) -> tuple[int, float]:
        """(1 if section k adds up to its total, -distance of its title from its items' centre)."""
        total = sections[k].total
        matches = int(total is not None and abs(prefix[b] - prefix[a] - total) < 1e-6)
        centre = (a + b) / 2
        return matches, -abs(positions[k] - centre)

    # best[k][b]: best (matches, closeness) for sections 0..k-1 covering items[0:b]
    sections_count = len(sections)
    best: list[dict[int, tuple[tuple[int, float], list[int]]]] = [{0: ((0, 0.0), [])}]
    for k in range(sections_count):
        layer: dict[int, tuple[tuple[int, float], list[int]]] = {}
        last = k == sections_count - 1
        for a, (value, cuts) in best[k].items():
            ends = [count] if last else range(a + 1, count - (sections_count - k - 1) + 1)
            for b in ends:
                if not (a - 1 <= positions[k] <= b + 1):
                    continue
                gain = score(k, a, b)
                candidate = (value[0] + gain[0], value[1] + gain[1])
                if b not in layer or candidate > layer[b][0]:
                    layer[b] = (candidate, [*cuts, b])
        best.append(layer)
    if count not in best[-1]:
        return _assign(items, sections, interleaved=False)
    cuts = best[-1][count][1]
    bounds = [0, *cuts]
    return [items[bounds[k]: bounds[k + 1]] for k in range(sections_count)]


def numbered_items(paragraphs: list[Paragraph]) -> NumberedResult | None:
    """Sections and items of a rules document written as text, or None if it is not one."""
    stream = _Stream([p.text for p in paragraphs], [p.source_text for p in paragraphs])
    # Numbering restarts after a section title, and after a sub-section heading ("（二）…") too.
    headings = [m.start() for m in _SUB_HEADING.finditer(stream.text)]
    items = _find_items(stream.text, sorted([section.offset for section in stream.sections] + headings))
    if len(items) < _MIN_ITEMS:
        return None
    _item_texts(stream, items, headings)
    with_rules = sum(1 for i in items if i.points is not None or re.search(r"[扣加]\s*\d", i.text))
    if with_rules * 2 < len(items):
        return None  # a numbered list without points is prose, not a rules table
    result = NumberedResult(interleaved=stream.interleaved)
    sections = [s for s in stream.sections if s.offset <= max(i.start for i in items)]
    if not sections:
        result.sections.append(NumberedSection("", None, None, [_draft(i) for i in items]))
        return result
    for section, members in zip(sections, _assign(items, sections, stream.interleaved), strict=True):
        name = f"{section.numeral}、{section.name}"
        original = f"{section.numeral}、{section.name_original}"
        result.sections.append(
            NumberedSection(name, original if original != name else None, section.total, [_draft(i) for i in members])
        )
    return result


def _draft(item: _Item) -> Draft:
    name, original = f"{item.number}、{item.text}", f"{item.number}、{item.original}"
    return Draft(name=name, name_original=original if original != name else None, points=item.points)
