"""Run-on tables: a web page's table whose cells were run together without separators.

"…细则序号考核项目考核指标计分标准1报送情况报送及时信息报送不及时的,扣1分。2报送数量…" — the
header is still a run of header words, the rows are still numbered 1, 2, 3 in order (or stand one
per line), and a row still ends in the figures of its figure columns. This module finds such a
header in a paragraph, cuts the text after it into rows and each row into cells as far as the text
tells — item number, level names (which end in 指标), the item's text, the trailing figures — and
hands the grid to the table reader like any other table.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from pipeline.build.columns import header_word_at, header_word_starts, role_of
from pipeline.build.runon_levels import VALUE_ROLES as _VALUE_ROLES
from pipeline.build.runon_levels import levelled_rows
from pipeline.build.runon_rows import (
    continuation,
    first_row_start,
    group_items,
    leading_groups,
    numbered_rows,
)
from pipeline.build.runon_unnumbered import unnumbered_table
from pipeline.build.vocabulary import HIERARCHY_ROLES, TOTAL_LABELS, Role
from schema.records import Block, Cell, Paragraph, Table

_MIN_HEADER = 3
_GROUP_WORD = "类别"
# A level name: words ending in 指标, maybe with its points ("产出指标(50分)").
_LEVEL = re.compile(r"[\u4e00-\u9fff()（）]{1,16}?指标[)）]?(?:[(（][^()（）]{0,12}[)）])?")
# Trailing values of a row: figures, shares, targets with their comparator, "-" for none.
_VALUE = re.compile(
    r"(?:[≥≤><=＞＜＝]|不少于|不低于|不超过)?\d+(?:\.\d+)?(?:%|万元|元|人次|人|个|次|篇|米|厘米|天|分)?(?:以上|以下)?|-"
)
_TOTAL = re.compile(f"^(?:{TOTAL_LABELS})")
_UNNAMED = re.compile(r"[\u4e00-\u9fff]{2,5}")
# Spaces between two Han characters: a narrow cell's text set one character per line ("保 证 项 目").
_CJK_SPACE = re.compile(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])")


@functools.lru_cache(maxsize=64)  # asked twice of a paragraph: as a header alone, and as a table
def _header_words(text: str) -> tuple[int, int, tuple[str, ...]] | None:
    """The first run of at least three header words written together: (start, end, words), the
    positions those of ``text`` (spaces inside and between the words are skipped: "扣 分 标 准")."""
    kept = [i for i, ch in enumerate(text) if not ch.isspace()]
    compact = "".join(text[i] for i in kept)
    found = _compact_header_words(compact)
    if found is None:
        return None
    start, end, words = found
    return kept[start], kept[end - 1] + 1, tuple(words)


def _may_follow(words: list[str], word: str) -> bool:
    """Hierarchy columns come before the figures: a hierarchy word after a figure word is the
    first row's text ("…得分未完成原因产出指标(70分)…"), not the header's."""
    return not (role_of(word) in HIERARCHY_ROLES and any(role_of(w) in _VALUE_ROLES for w in words))


def _compact_header_words(compact: str) -> tuple[int, int, list[str]] | None:
    starts = header_word_starts(compact)
    # Only where a header word may begin can a header begin: those positions, in order.
    for index in sorted(starts) if starts is not None else range(len(compact)):
        first = header_word_at(compact, index, starts)
        # A header opens with its first column: the numbering or a hierarchy column.
        if first is None or role_of(first) not in (Role.INDEX, *HIERARCHY_ROLES):
            continue
        words: list[str] = []
        position = index
        while position < len(compact):
            word = header_word_at(compact, position, starts)
            if word is not None and not _may_follow(words, word):
                break
            if word is None and words:
                # A label no vocabulary names (检点记录, 扣减分数) between two that it does.
                word = next(
                    (compact[position : position + n] for n in (2, 3, 4, 5)
                     if _UNNAMED.fullmatch(compact[position : position + n])
                     and (following := header_word_at(compact, position + n, starts)) is not None
                     and _may_follow(words, following)),
                    None,
                )
            if word is None:
                break
            words.append(word)
            position += len(word)
        if len(words) >= _MIN_HEADER and any(role_of(w) in HIERARCHY_ROLES for w in words):
            return index, position, words
    return None


# Which value columns a row that states fewer values than the table has fills first: points are
# always written, scores are left blank on a form, targets and actual values in between.
_VALUE_PRIORITY = {Role.POINTS: 0, Role.TARGET: 1, Role.ACTUAL: 2, Role.SCORE: 3}


def _trailing_values(rest: str, count: int) -> tuple[list[str], str]:
    """Up to ``count`` values at the end of a row's text, and the text before them."""
    found: list[str] = []
    while rest and len(found) < count:
        match = re.search(rf"(?<![扣加减得计记奖占\d.~～\-—至到])(?:{_VALUE.pattern})$", rest)
        if match is None or match.start() == 0:
            break
        found.insert(0, match.group())
        rest = rest[: match.start()].rstrip()
    return found, rest


def _split_glued_points(found: list[str], count: int) -> list[str]:
    """Figures run together ("210010": a target of 2100, then 10 points): the points, the last
    value of a row, are its last one or two digits, where that leaves a number before them."""
    if len(found) >= count or not found or not re.fullmatch(r"\d{3,}", found[-1]):
        return found
    digits = found[-1]
    size = 2 if digits[-2] != "0" else 1
    return [*found[:-1], digits[:-size], digits[-size:]]


# A name cell's words in spaced page text: Han characters only, no figure, no punctuation.
_NAME_TOKEN = re.compile(r"[\u4e00-\u9fff]{1,8}")


def spaced_names(row_text: str) -> tuple[list[str], str]:
    """The name cells that open a row of page text whose cells are set apart by spaces, and the
    rest: "保 证 项 目 安全生产责 任 制 未建立…,扣10分 10" opens with two names, a narrow cell set one
    character per line and a wrapped cell. A wrapped cell's lines are no longer than its first
    line ("施工组织 设 计", "分部分项 工程安全 技术交底"); a longer token starts the next cell."""
    tokens = row_text.split()
    leading = 0
    while leading < len(tokens) - 1 and _NAME_TOKEN.fullmatch(tokens[leading]):
        leading += 1
    if leading == 0 or leading == len(tokens):
        return [], row_text
    names: list[list[str]] = []
    for token in tokens[:leading]:
        if names and len(token) <= len(names[-1][0]):
            names[-1].append(token)
        else:
            names.append([token])
    position = 0
    for token in tokens[:leading]:
        position = row_text.index(token, position) + len(token)
    rest = row_text[position:].strip()
    return ["".join(parts) for parts in names], rest


def _cells(row_text: str, roles: list[Role | None], spaced: Sequence[str] = ()) -> list[str]:
    """A row's text cut into cells under ``roles``: levels, the item's text, trailing values;
    ``spaced`` names, read off the row already (spaced text), fill the hierarchy columns from the item up,
    and the item's text then goes to the description column."""
    cells = [""] * len(roles)
    values = [i for i, r in enumerate(roles) if r in _VALUE_ROLES]
    texts = [i for i, r in enumerate(roles) if r in (*HIERARCHY_ROLES, Role.DESCRIPTION)]
    found, rest = _trailing_values(row_text.strip(), len(values))
    if values and roles[values[-1]] is Role.POINTS:
        found = _split_glued_points(found, len(values))
    # Fewer values than columns: the columns a row fills first take them, in column order.
    chosen = sorted(sorted(values, key=lambda i: _VALUE_PRIORITY[roles[i]])[: len(found)])  # type: ignore[index]
    for column, value in zip(chosen, found, strict=False):
        cells[column] = value
    # Hierarchy columns come before the figures (as _may_follow reads the header): a 内容 column
    # after the targets describes them.
    first_value = min(values, default=len(roles))
    hierarchy = [i for i in texts if roles[i] in HIERARCHY_ROLES and i < first_value]
    item = hierarchy[-1] if hierarchy else next(iter(texts), None)
    description = next((i for i in texts if roles[i] is Role.DESCRIPTION), None)
    if spaced and item is not None and description is not None:
        for column, name in zip(reversed(hierarchy), reversed(spaced), strict=False):
            cells[column] = name
        cells[description] = rest
        return cells
    # Leading names ending in 指标 are level cells above the item; a row names only the levels
    # that start with it (the others were merged down), so they fill the deepest level columns.
    level_columns = hierarchy[:-1]
    names: list[str] = []
    while len(names) < len(level_columns) and (match := _LEVEL.match(rest)) and match.end() < len(rest):
        names.append(match.group())
        rest = rest[match.end() :]
    for column, name in zip(level_columns[len(level_columns) - len(names) :], names, strict=False):
        cells[column] = name
    if item is not None:
        cells[item] = rest
        following = item + 1
        if following < len(roles) and roles[following] is Role.TARGET and not cells[following]:
            cells[item], cells[following], after = _split_target(rest)
            description = next((i for i in texts if i > following), None)
            if after and description is not None and not cells[description]:
                cells[description] = after
            elif after:
                cells[item] = f"{cells[item]}{cells[following]}{after}"
                cells[following] = ""
    return cells


# A target value run on after the indicator's name: "伙食补助发放率90%以上…", "满意度大于90%…";
# a figure after a rule verb ("得10分") is a rule's, not a target.
_RUNON_TARGET = re.compile(
    r"(?<![得扣加减计记奖占\d.])(?:[≥≤><=＞＜＝]|大于|小于|不低于|不少于|不高于|不超过|高于|低于|达到)?"
    r"\d+(?:\.\d+)?(?:%|‰|[个人次件元万天日月年户家所篇份条场期批株亩]{1,3}(?:/[个人次件元天日月年户]{1,2})?)?"
    r"(?:以上|以下|以内)?"
)
_MIN_NAME = 2


def _split_target(text: str) -> tuple[str, str, str]:
    """(name, target, what follows) of a run-on item text whose target column comes next."""
    match = _RUNON_TARGET.search(text, _MIN_NAME)
    if match is None or not re.search(r"[\u4e00-\u9fff]$", text[: match.start()]):
        return text, "", ""
    if re.match(r"\s*分", text[match.end() :]):
        return text, "", ""  # "10分": points, not a target
    return text[: match.start()], match.group(), text[match.end() :]


def _group_rows(number: str, rest: str, roles: list[Role | None]) -> list[tuple[Cell, ...]] | None:
    """A row holding a group and its items (runon_rows.group_items) as the page's table had it:
    one row per item, the number and the group's name merged down over them; each item's mark
    goes to the points column where the header has one."""
    grouped = group_items(rest)
    texts = [i for i, r in enumerate(roles) if r in HIERARCHY_ROLES and i > 0]
    if grouped is None or len(texts) < 2:
        return None
    name, items, totals = grouped
    points = next((i for i, r in enumerate(roles) if r is Role.POINTS), None)
    rows: list[tuple[Cell, ...]] = []
    for index, item in enumerate(items):
        cells = [Cell(text="")] * len(roles)
        cells[0] = Cell(text=number, spanned=index > 0)
        cells[texts[0]] = Cell(text=name, spanned=index > 0)
        if points is not None and (mark := _POINTS_MARK.search(item)) is not None:
            cells[points] = Cell(text=mark.group(1))
            item = item[: mark.start()].strip()
        cells[texts[1]] = Cell(text=item)
        rows.append(tuple(cells))
    if totals:  # the table's totals row, which the last group ran into
        rows.append(tuple(Cell(text=totals if i == texts[0] else "") for i in range(len(roles))))
    return rows


_POINTS_MARK = re.compile(r"[(（]\s*(\d+(?:\.\d+)?)\s*分\s*[)）]$")


def _grouped_grid(
    group_word: str, words: list[str], roles: list[Role | None], cut: list[tuple[str, str, list[str]]],
    groups: list[tuple[str, bool]],
) -> list[tuple[Cell, ...]]:
    """The grid of a run-on table whose group column (before 序号) was read off the row texts:
    each group's title on its first row, merged down over the others."""
    grid = [(Cell(text=group_word), *(Cell(text=w) for w in words))]
    for (number, rest, _), (title, opens) in zip(cut, groups, strict=True):
        cells = _cells(rest, roles[1:])
        grid.append((Cell(text=title, spanned=not opens), Cell(text=number), *(Cell(text=c) for c in cells)))
    return grid


def _runon_table(text: str) -> tuple[str, Table, str] | None:
    found = _header_words(text)
    if found is None:
        return None
    start, end, words = found
    # A title's last words may read as a header word ("…考核评分细则序号…"), a group title may stand
    # before the levels ("绩效指标一级指标…"): the header starts at 序号, else at the first level.
    first = next((i for i, w in enumerate(words) if role_of(w) is Role.INDEX), None)
    # A group column before 序号 (评估项目 | 序号 | …): its titles stand before their rows' numbers.
    group_word = words[first - 1] if first is not None and first > 0 else ""
    group_column = bool(group_word) and role_of(group_word) is Role.SECTION
    if first is None:
        first = next((i for i, w in enumerate(words) if role_of(w) is Role.LEVEL), 0)
    if first:
        start = text.index(words[first][0], start + sum(len(w) for w in words[:first]) - 1)
    words = list(words[first:])  # the cached header words stay as found
    before, data = text[:start].strip(), text[end:]
    roles = [role_of(w) for w in words]
    if roles[0] is Role.LEVEL:
        levelled = levelled_rows(data, roles)
        if levelled is None:
            return None
        grid_rows, used = levelled
        grid = (tuple(Cell(text=w) for w in words), *(tuple(Cell(text=c) for c in row) for row in grid_rows))
        return before, Table(rows=grid), data[used:]
    if roles[0] is not Role.INDEX:
        return unnumbered_table(before, words, roles, data)
    rows = numbered_rows(data)
    if len(rows) < 2:
        return None
    # Page text whose cells stand apart by spaces (the header's words do too): names are read
    # off each row by its spaces before the spaces between Han characters are dropped.
    spaced = len(re.findall(r"\s", text[start:end])) >= len(words) - 1
    last_end = len(data)
    cut: list[tuple[str, str, list[str]]] = []
    for number, row_text in rows:
        note = re.search(r"(?:注|备注|说明)[:：]", row_text)
        if note is not None:
            last_end = data.index(row_text) + note.start()
            row_text = row_text[: note.start()]
        names, rest = spaced_names(row_text) if spaced else ([], row_text)
        cut.append((number, rest, names))
        if note is not None:
            break
    hierarchy = [i for i, r in enumerate(roles) if r in HIERARCHY_ROLES]
    extra = max((len(names) for _, _, names in cut), default=0) - len(hierarchy)
    if hierarchy and extra > 0:
        # A row names more levels than the header has columns: the header word stood over a
        # merged group (检查项目 over 保证项目 and the item); the group gets a column of its own.
        words[hierarchy[0] : hierarchy[0]] = [_GROUP_WORD] * extra
        roles = [role_of(w) for w in words]
    groups = None
    if group_column and not any(names for _, _, names in cut) and (row_one := first_row_start(data)) is not None:
        found_groups = leading_groups(data[:row_one], [rest for _, rest, _ in cut])
        if found_groups is not None:
            groups, texts = found_groups
            cut = [(number, text, names) for (number, _, names), text in zip(cut, texts, strict=True)]
    if groups is not None:
        title = before[: -len(group_word)].strip() if before.endswith(group_word) else before
        return title, Table(rows=tuple(_grouped_grid(group_word, words, roles, cut, groups))), data[last_end:]
    grid = [tuple(Cell(text=w) for w in words)]
    for number, rest, names in cut:
        grouped = None if names else _group_rows(number, _CJK_SPACE.sub("", rest), roles)
        if grouped is not None:
            grid.extend(grouped)
            continue
        cells = _cells(_CJK_SPACE.sub("", rest), roles[1:], names)
        grid.append((Cell(text=number), *(Cell(text=c) for c in cells)))
    after = data[last_end:] if last_end < len(data) else ""
    return before, Table(rows=tuple(grid)), after


def _header_only(text: str) -> list[str] | None:
    """A paragraph that is nothing but a header run (its rows follow, one per paragraph)."""
    found = _header_words(text)
    if found is None or text[: found[0]].strip():
        return None
    rest = re.sub(r"\s+", "", text[found[1] :])
    if rest and not _UNNAMED.fullmatch(rest):
        return None
    return [*found[2], rest] if rest else list(found[2])  # a last label no vocabulary names: 备注


def _row_paragraphs(blocks: Sequence[Block], start: int) -> int:
    """How many paragraphs from ``start`` are rows: up to a totals row, a note, or a non-paragraph."""
    end = start
    while end < len(blocks) and isinstance(blocks[end], Paragraph):
        text = blocks[end].text  # type: ignore[union-attr]
        if _TOTAL.match(text) or re.match(r"(?:注|备注|说明)[:：]", text) or len(text) > 300:
            break
        end += 1
    return end - start


def expand_runon(blocks: Sequence[Block]) -> tuple[Block, ...]:
    """Blocks with every run-on table found in paragraphs read as a table: a paragraph holding a
    header and numbered rows, or a header paragraph followed by one paragraph per row."""
    out: list[Block] = []
    index = 0
    while index < len(blocks):
        block = blocks[index]
        index += 1
        if not isinstance(block, Paragraph):
            out.append(block)
            continue
        header = _header_only(block.text)
        count = _row_paragraphs(blocks, index) if header is not None else 0
        if header is not None and count >= 2:
            roles = [role_of(w) for w in header]
            rows = [tuple(Cell(text=w) for w in header)]
            for row in blocks[index : index + count]:
                rows.append(tuple(Cell(text=c) for c in _cells(_CJK_SPACE.sub("", row.text), roles)))  # type: ignore[union-attr]
            out.append(Table(rows=tuple(rows), page=block.page))
            index += count
            continue
        text, joined = block.text, 0
        if len(text) > 40 and _header_words(text) is not None:
            # A table cut by a page's end goes on in the next paragraph(s).
            while index + joined < len(blocks) and isinstance(nxt := blocks[index + joined], Paragraph):
                more = continuation(text, nxt.text) if _header_words(nxt.text) is None else None
                if more is None:
                    break
                text, joined = text + more, joined + 1
        found = _runon_table(text) if len(text) > 40 else None
        if found is None:
            out.append(block)
            continue
        index += joined
        before, table, after = found
        if before:
            out.append(Paragraph(text=before, page=block.page))
        out.append(table)
        if after:
            out.append(Paragraph(text=after, page=block.page))
    return tuple(out)
