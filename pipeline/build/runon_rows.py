"""Rows of a run-on table (pipeline.build.runon): where each numbered row starts, and a row that
holds a group and its items ("1消防安全责任落实(40分)学校成立…(8分)逐级签订…(8分)…").

A run-on row starts at its number: 1, 2, 3 … in order, after a sentence end, a space or words,
before the row's words ("扣1分" and "不少于4个课时" are no row numbers where a better-placed number
follows). Where the first cell of a row was merged over several rows in the page's table, the row
runs its group's name with the group's points, then each item closed by its own points mark; the
marks add up to the group's points, which is what tells such a row from one item's text.
"""

from __future__ import annotations

import itertools
import re

from pipeline.build.columns import role_of
from pipeline.build.vocabulary import TOTAL_LABELS

# A row's number: after a sentence end, a space or words, before the row's words (not "扣1分").
_ROW_NUMBER = r"(?:(?<=^)|(?<=[。;；.!！?？\s\u4e00-\u9fff)）]))\s*{}(?![\d.．%分])(?=\s*[\u4e00-\u9fff(（“])"
# Where a row number is plainly placed: the start, a space, a sentence end or a closing bracket
# (a points mark: "…(6分)4消防安全宣传落实"), not inside words ("不少于4个课时").
_PLAIN = re.compile(r"[。;；.!！?？)）\s]")
_MAX_ROW = 2000  # characters: a row number further on is not this table's
# A row number right after the points that end the row before, after its sentence end.
_GLUED_ROW_NUMBER = (
    r"(?:(?<=[。;；!！?？][0-9])|(?<=[。;；!！?？][0-9][0-9])|(?<=[。;；!！?？][0-9][.．][0-9]))"
    r"{}(?![\d.．%分])(?=\s*[\u4e00-\u9fff(（“])"
)


# A line of a page's text broken where the page ended: the site numbers its pages at the start of
# each ("1、…", "2、…"), and the sentence goes on after the number.
_PAGE_NUMBER = re.compile(r"^\s*\d{1,3}\s*、(?=[\u4e00-\u9fff])")
_SENTENCE_END = re.compile(r"[。.;；!！?？:：)）]\s*$")


def continuation(text: str, following: str) -> str | None:
    """The text ``following`` adds to a run-on table's ``text`` when ``text`` was cut mid-sentence
    by a page's end (it ends in a Han character, no sentence end), less the page's number; None
    when it stands on its own."""
    stripped = text.rstrip()
    if not stripped or _SENTENCE_END.search(stripped) or not "\u4e00" <= stripped[-1] <= "\u9fff":
        return None
    rest = _PAGE_NUMBER.sub("", following, count=1).lstrip()
    if not rest or not "\u4e00" <= rest[0] <= "\u9fff":
        return None
    return rest


def _plainly_placed(text: str, start: int) -> bool:
    return start == 0 or bool(_PLAIN.match(text[start - 1])) or text[start].isspace()


def _row_start(text: str, number: int, position: int) -> re.Match[str] | None:
    """Where row ``number`` starts from ``position``: its first candidate, or a plainly placed one
    after it when the first stands inside words and comes before the next row's number."""
    pattern = re.compile(_ROW_NUMBER.format(number))
    first = pattern.search(text, position)
    if first is None:
        # The row before ends in its points, glued to this row's number: "…不低于1.8m。52物料堆放".
        return re.compile(_GLUED_ROW_NUMBER.format(number)).search(text, position)
    if _plainly_placed(text, first.start()):
        return first
    window = first.start() + _MAX_ROW
    following = re.compile(_ROW_NUMBER.format(number + 1)).search(text, first.end())
    limit = min(window, following.start() if following is not None else window)
    for later in pattern.finditer(text, first.end(), min(limit, len(text))):
        if _plainly_placed(text, later.start()):
            return later
    return first


def numbered_rows(text: str) -> list[tuple[str, str]]:
    """(number, text) of rows numbered 1, 2, 3 … in order, each number opening a row."""
    rows: list[tuple[str, str]] = []
    number, position = 1, 0
    starts: list[tuple[int, int]] = []
    while True:
        match = _row_start(text, number, position)
        if match is None or (starts and match.start() - starts[-1][1] > _MAX_ROW):
            break
        starts.append((match.start(), match.end()))
        position, number = match.end(), number + 1
    if not starts:  # no row numbered 1 (a text of the header only)
        return rows
    for (start, end), following in zip(starts, [*starts[1:], (len(text), len(text))], strict=True):
        rows.append((text[start:end].strip(), text[end : following[0]].strip()))
    return rows


# A points mark closing a group's name or an item: "(40分)", "（8分）".
_MARK = re.compile(r"[(（]\s*(\d+(?:\.\d+)?)\s*分\s*[)）]")
_MAX_GROUP_NAME = 24  # characters before the group's mark: a name, not an item's sentence
_MIN_ITEMS = 2


_TOTAL_ROW = re.compile(f"(?:{TOTAL_LABELS})")


def group_items(row_text: str) -> tuple[str, list[str], str] | None:
    """A row that is a group and its items: (the group's name with its mark, the items, each with
    its mark, the table's totals row where the last group runs into it: "…(10分)总分100分"), or
    None. The items' marks must add up to the group's; other text after the last mark (an item
    left without one) keeps the row whole."""
    marks = list(_MARK.finditer(row_text))
    if len(marks) < _MIN_ITEMS + 1:
        return None
    head = marks[0]
    name = row_text[: head.end()].strip()
    if head.start() == 0 or head.start() > _MAX_GROUP_NAME or _PLAIN.search(row_text[: head.start()]):
        return None
    tail = row_text[marks[-1].end() :].strip()
    if tail and not _TOTAL_ROW.match(tail):
        return None
    total = float(head.group(1))
    if abs(sum(float(m.group(1)) for m in marks[1:]) - total) > 1e-6:
        return None
    items = [row_text[a.end() : b.end()].strip() for a, b in itertools.pairwise(marks)]
    if any(len(item) <= len(b.group()) for item, b in zip(items, marks[1:], strict=True)):
        return None  # a mark with no item before it
    return name, items, tail


def first_row_start(text: str) -> int | None:
    """Where row 1 starts in ``text``, or None."""
    match = _row_start(text, 1, 0)
    return None if match is None else match.start()


# A group's title with its points, standing at the end of a run-on row's text (or before row 1):
# "…此项不得分。制定并落实消防安全制度…情况(13分)" then "2单位建立…".
_GROUP_TITLE = re.compile(
    r"(?:^|(?<=[。;；.!！?？)）\s]))(?P<title>[^。;；,，:：!！?？\s()（）]{2,40}?[(（]\s*\d+(?:\.\d+)?\s*分\s*[)）])\s*$"
)


def _without_header_words(title: str) -> str:
    """The first title less the header's last words run into it ("评估情况得分建筑物…情况(3分)")."""
    cut = True
    while cut:
        cut = False
        for length in range(6, 1, -1):
            if len(title) > length + 4 and role_of(title[:length]) is not None:
                title, cut = title[length:], True
                break
    return title


def leading_groups(lead: str, texts: list[str]) -> tuple[list[tuple[str, bool]], list[str]] | None:
    """Where a header's group column stands before 序号 (评估项目 | 序号 | 评估内容 …), each group's
    title is written before the number of its first row: at the end of the text before row 1 and
    at the end of the row before. Returns each row's (group title, whether the row opens the
    group) and the rows' texts without the titles; None when no title stands before row 1."""
    opening = _GROUP_TITLE.search(lead.strip())
    if opening is None:
        return None
    groups: list[tuple[str, bool]] = []
    cleaned: list[str] = []
    current, fresh = _without_header_words(opening.group("title")), True
    for text in texts:
        groups.append((current, fresh))
        title = _GROUP_TITLE.search(text)
        if title is not None and title.start() > 0:
            cleaned.append(text[: title.start()].rstrip())
            current, fresh = title.group("title"), True
        else:
            cleaned.append(text)
            fresh = False
    return groups, cleaned

