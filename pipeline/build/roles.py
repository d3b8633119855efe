"""Column roles decided from content, after the header words have had their say.

Header words are what one publisher called a column; the content is what it holds. These rules
use the content (column profiles, columns.py) and are written for the shapes tables have, not for
any document's words:

1. a column of item numbers (1, 2, 3 / 1.1 / 一、) is the items' numbering, whatever its header
   (项次, 序号, or a sub-column under 考核条目) — never the item's name;
2. an unlabelled column of figures holds points (or, after a points column, scores);
3. an unlabelled column of scoring rules describes the item (its rules become clauses);
4. the item column is the one whose short texts the long ones beside it describe: a column named
   as the item that holds long criteria beside a column of short distinct names gives way to it
   (考核项目 | 考核指标 where 考核指标 holds the criteria), and a column merged down over row spans
   groups the rows, the first unmerged text column right of it holding the items;
5. 考核内容 is the item itself unless another column names the item; of several columns named as
   the item, the last is the item and the others group it;
6. a column of short texts left of the items whose header no vocabulary names (新"八有" | 指标 |
   考评内容) groups the rows above them;
7. an item column of rules only, one per row, under a merged column whose cells state their points
   (项目（分值）"重大危险源（10分）" | 评估内容 "存在一级…的，扣10分"): the merged cells are the items
   and the rules describe them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from pipeline.build.columns import Column, ColumnProfile, HeaderMap, Role, profile, role_of
from pipeline.build.vocabulary import HIERARCHY_ROLES
from schema.records import Cell

# Roles whose column content has its own meaning: never re-read from content.
_VALUE_ROLES = (Role.TARGET, Role.ACTUAL, Role.BASIS, Role.REASON, Role.MEASURES)
_TEXT_ROLES = (*HIERARCHY_ROLES, Role.DESCRIPTION)
# A criteria column is long; an item name beside it is a good deal shorter.
_CRITERIA_LENGTH = 30
_NAME_RATIO = 2.5


# Rows a column's role is decided from: far more than any assessment table has (the largest in
# the corpora has 120), so that a table of hundreds of thousands of rows costs no more to type.
PROFILED_ROWS = 2000


def decide_roles(header: HeaderMap, rows: Sequence[tuple[Cell, ...]]) -> HeaderMap:
    """Refine a word-recognised header with what its data rows hold (the first PROFILED_ROWS)."""
    rows = rows[:PROFILED_ROWS]
    profiles = {index: profile(rows, index) for index in range(header.width)}
    header = _without_empty_columns(header, profiles, rows)
    header = _numbering_columns(header, profiles)
    header = _grouping_left_of_levels(header, profiles)
    header = _signed_columns(header, profiles)
    header = _words_are_not_figures(header, profiles)
    header = _figure_columns(header, profiles)
    header = _rule_columns(header, profiles)
    if not header.hierarchy:
        header = _item_from_text(header, profiles)
    header = _content_is_description(header, profiles)
    header = _levels_name_the_items(header, profiles)
    header = _criteria_give_way(header, profiles)
    header = _grouping_gives_way(header, profiles)
    header = _unnamed_groups(header, profiles)
    header = _unnamed_items(header, profiles)
    header = _rules_under_scored_groups(header, profiles)
    return _numbered_items(header, profiles)


def _without_empty_columns(
    header: HeaderMap, profiles: dict[int, ColumnProfile], rows: Sequence[tuple[Cell, ...]]
) -> HeaderMap:
    """Columns that hold nothing, and hierarchy columns that repeat an earlier one cell for cell
    (二级指标(长期) | … | 二级指标(年度)), say nothing: the columns that hold the data serve instead."""
    if not rows:
        return header
    kept: list[Column] = []
    seen: set[tuple[str | None, ...]] = set()  # the cells of the hierarchy columns kept
    for column in header.columns:
        stats = profiles[column.index]
        if stats.filled == 0 and stats.merged == 0 and stats.rows >= 1:
            continue
        if column.role in HIERARCHY_ROLES:
            cells = _cells_of(rows, column.index)
            if cells is not None and cells in seen:
                continue
            if cells is not None:
                seen.add(cells)
        kept.append(column)
    if not any(c.role in HIERARCHY_ROLES for c in kept):
        return header
    return HeaderMap(header.width, tuple(kept), header.texts)


def _cells_of(rows: Sequence[tuple[Cell, ...]], index: int) -> tuple[str | None, ...] | None:
    """A column's cell texts, row by row (None where a row is too short), to be compared with
    another's in one look-up; None for a column of fewer than two rows or no text."""
    cells = tuple(row[index].text.strip() if len(row) > index else None for row in rows)
    if sum(cell is not None for cell in cells) < 2 or not any(cells):
        return None
    return cells


def _numbering_columns(header: HeaderMap, profiles: dict[int, ColumnProfile]) -> HeaderMap:
    for index, column in profiles.items():
        role = header.role_at(index)
        if column.numbering and (role is None or role in _TEXT_ROLES) and role is not Role.INDEX:
            header = header.with_role(index, Role.INDEX)
    return header


def _signed_columns(header: HeaderMap, profiles: dict[int, ColumnProfile]) -> HeaderMap:
    """Amounts written with their sign ("-20", "+5") are what the row's condition adds or takes."""
    for index, column in profiles.items():
        role = header.role_at(index)
        if column.filled >= 2 and column.share(column.signed) >= 0.8 and role in (None, Role.POINTS, Role.SCORE):
            header = header.with_role(index, Role.AMOUNT)
    return header


def _words_are_not_figures(header: HeaderMap, profiles: dict[int, ColumnProfile]) -> HeaderMap:
    """A column headed as points or scores that holds sentences describes ("对应检查内容及分值")."""
    for column in header.columns:
        stats = profiles[column.index]
        sentences = stats.filled >= 2 and stats.share(stats.figures) < 0.3 and stats.mean_length > 10
        if column.role in (Role.POINTS, Role.SCORE) and sentences:
            header = header.with_role(column.index, Role.DESCRIPTION)
    return header


def _grouping_left_of_levels(header: HeaderMap, profiles: dict[int, ColumnProfile]) -> HeaderMap:
    """A column named as a grouping left of the 一级指标 column labels the whole block when it
    holds one text (绩效指标 over every row: the header leaves it out); holding several that state
    their points, merged over the rows of each (类别 "学校发展计划的制定(40分)" | "…的实施(60分)"),
    it is a level above 一级."""
    first_level = next((c.index for c in header.columns if c.role is Role.LEVEL), None)
    if first_level is None:
        return header
    for index in range(first_level):
        column = profiles[index]
        named = header.role_at(index) is None and role_of(_header_text(header, index)) in HIERARCHY_ROLES
        if named and column.distinct >= 2 and column.marked >= 2 and column.grouping:
            header = header.with_role(index, Role.SECTION)
    return header


def _figure_columns(header: HeaderMap, profiles: dict[int, ColumnProfile]) -> HeaderMap:
    """Figures under no words, or under item or criteria words that do not fit them (赋分标准
    over "10分", "20分"), are points or scores."""
    for index, column in profiles.items():
        role = header.role_at(index)
        unlabelled = role is None and not _header_text(header, index)
        if not column.numeric or not (unlabelled or role in _TEXT_ROLES):
            continue
        if header.first(Role.POINTS) is None:
            header = header.with_role(index, Role.POINTS)
        elif header.first(Role.SCORE) is None and unlabelled:
            header = header.with_role(index, Role.SCORE)
    return header


def _header_text(header: HeaderMap, index: int) -> str:
    return header.texts[index].strip() if index < len(header.texts) else ""


def _rule_columns(header: HeaderMap, profiles: dict[int, ColumnProfile]) -> HeaderMap:
    for index, column in profiles.items():
        if header.role_at(index) is None and column.filled >= 2 and column.share(column.rules) >= 0.5:
            header = header.with_role(index, Role.DESCRIPTION)
    return header


def _item_from_text(header: HeaderMap, profiles: dict[int, ColumnProfile]) -> HeaderMap:
    """No column is named as the item (序号 | 考核细则 | 扣分标准): the first text column that is
    not all rules names the items — unless a later one states what each row is worth and it does
    not (评价要点 "社会共治" | 对应检查内容 "…,得2分;…,得3分"): the scored texts are the items, the
    labels before them group them."""
    candidates = [
        column for column in header.columns
        if column.role in (Role.DESCRIPTION, Role.CONTENT) and profiles[column.index].filled
        and (profiles[column.index].share(profiles[column.index].rules) < 0.5
             or profiles[column.index].share(profiles[column.index].stated) >= 0.5)
    ]
    if not candidates:
        return header
    first = candidates[0]
    scored = next((c for c in candidates[1:] if profiles[c.index].share(profiles[c.index].stated) >= 0.5), None)
    if scored is not None and profiles[first.index].share(profiles[first.index].stated) < 0.2:
        return header.with_role(first.index, Role.SECTION).with_role(scored.index, Role.NAME)
    return header.with_role(first.index, Role.NAME)


def _content_is_description(header: HeaderMap, profiles: dict[int, ColumnProfile]) -> HeaderMap:
    """With a column named as the item, 考核内容 right of it describes the item and one left of it
    groups the rows; so do item-named columns left of the last one (评价指标 | 评价内容 | 指标名称).

    Where the named column is merged over groups that a short content column right of it divides
    again (指标名称 "企业基本情况" over 评价内容 "注册资本金", "企业性质", each merged over its own
    rows), the named column groups and the content column holds the items.
    """
    names = header.all(Role.NAME)
    if not names:
        return header
    finer = _finer_content(header, profiles, names[-1])
    for index in header.all(Role.CONTENT):
        if index == finer:
            continue
        header = header.with_role(index, Role.DESCRIPTION if index > names[-1] else Role.SECTION)
    for index in names[:-1]:
        header = header.with_role(index, Role.SECTION)
    if finer is not None:
        header = header.with_role(names[-1], Role.SECTION).with_role(finer, Role.NAME)
    return header


def _finer_content(header: HeaderMap, profiles: dict[int, ColumnProfile], name: int) -> int | None:
    """The content column right of the item-named column that groups its rows more finely."""
    item = profiles[name]
    if not item.grouping:
        return None
    for index in header.all(Role.CONTENT):
        stats = profiles[index]
        if index <= name or not stats.grouping or stats.mean_length >= _CRITERIA_LENGTH:
            continue
        if stats.distinct > item.distinct and stats.share(stats.figures) < 0.2 and stats.share(stats.rules) < 0.5:
            return index
    return None


def _levels_name_the_items(header: HeaderMap, profiles: dict[int, ColumnProfile]) -> HeaderMap:
    """一级/二级/三级指标 columns whose last level has a cell per row name the items themselves: an
    评估内容 or 考核内容 column right of them describes the item (when the last level only groups
    the rows, the content column right of it is the item)."""
    levels = [c.index for c in header.columns if c.role is Role.LEVEL]
    if not levels or profiles[levels[-1]].grouping or profiles[levels[-1]].filled < 2:
        return header
    for column in header.columns:
        if column.index > levels[-1] and column.role is Role.CONTENT:
            header = header.with_role(column.index, Role.DESCRIPTION)
    return header


def _criteria_give_way(header: HeaderMap, profiles: dict[int, ColumnProfile]) -> HeaderMap:
    """An item column of long criteria beside a column of short, distinct, unmerged names: the
    names are the items and the criteria describe them."""
    hierarchy = header.hierarchy
    if len(hierarchy) < 2:
        return header
    item, before = profiles[hierarchy[-1].index], profiles[hierarchy[-2].index]
    if (
        item.mean_length >= _CRITERIA_LENGTH
        and item.mean_length >= _NAME_RATIO * max(before.mean_length, 1.0)
        and before.rows >= 3
        and not before.grouping
        and before.filled * 5 >= before.rows * 3
        and before.distinct * 5 >= before.filled * 4
    ):
        return header.with_role(hierarchy[-1].index, Role.DESCRIPTION)
    return header


def _numbered_items(header: HeaderMap, profiles: dict[int, ColumnProfile]) -> HeaderMap:
    """Mark an item column whose cells each open with an item number: a cell holding several
    numbers ("3.…4.…5.…") then packs several items into one cell."""
    hierarchy = header.hierarchy
    if not hierarchy:
        return header
    item = hierarchy[-1]
    stats = profiles[item.index]
    if stats.filled < 3 or stats.share(stats.numbered) < 0.6:
        return header
    columns = tuple(replace(c, numbered=True) if c.index == item.index else c for c in header.columns)
    return HeaderMap(header.width, columns, header.texts)


def _rules_under_scored_groups(header: HeaderMap, profiles: dict[int, ColumnProfile]) -> HeaderMap:
    hierarchy = header.hierarchy
    if len(hierarchy) < 2 or hierarchy[-1].role is Role.NAME:
        return header
    item, group = profiles[hierarchy[-1].index], profiles[hierarchy[-2].index]
    rules_only = item.filled >= 3 and item.share(item.rules) >= 0.9 and item.share(item.marked) < 0.2
    if rules_only and group.grouping and group.share(group.marked) >= 0.6:
        return header.with_role(hierarchy[-1].index, Role.DESCRIPTION)
    return header


def _unnamed_groups(header: HeaderMap, profiles: dict[int, ColumnProfile]) -> HeaderMap:
    """A text column left of the items, under a header no vocabulary names, holding short texts
    in most rows (some merged over several, or one merged over the whole table: 信息属性 "守信信息"):
    a level grouping the items; between two hierarchy columns it must be merged down (信息层级
    "区村级" over 评价标准 rows). Figures, numbers and long texts (notes, criteria) are no group names."""
    hierarchy = header.hierarchy
    if not hierarchy or header.first(Role.LEVEL) is not None:
        return header  # 一级指标 is the top level: a column left of it ("绩效指标(90分)") only titles them
    first = hierarchy[0].index
    for index in range(hierarchy[-1].index):
        stats = profiles[index]
        if index > first and not stats.grouping:
            continue  # between the levels only a column merged over their rows groups them
        # A header read as a description (评审要点) over short texts merged down over the rows
        # left of the items groups them all the same: descriptions stand right of what they describe.
        described = header.role_at(index) is Role.DESCRIPTION and stats.grouping
        if (header.role_at(index) is not None and not described) or not _header_text(header, index):
            continue
        names = stats.filled >= 1 and stats.share(stats.figures) < 0.2 and stats.share(stats.enumerators) < 0.2
        if names and stats.mean_length < _CRITERIA_LENGTH and (stats.filled + stats.merged) * 5 >= stats.rows * 4:
            header = header.with_role(index, Role.SECTION)
    return header


def _unnamed_items(header: HeaderMap, profiles: dict[int, ColumnProfile]) -> HeaderMap:
    """An unnamed column right of the hierarchy and left of every criteria and figure column,
    merged over row spans more finely than the groups left of it (项目 "工作绩效" | 考核方面
    "工作执行力", each over the rows of its rating scale): it holds the items."""
    hierarchy = header.hierarchy
    if not hierarchy or header.first(Role.NAME) is not None:
        return header
    last = hierarchy[-1].index
    later = [c.index for c in header.columns if c.index > last]
    if not later or not profiles[last].grouping:
        return header
    for index in range(last + 1, min(later)):
        stats = profiles[index]
        if header.role_at(index) is not None or not _header_text(header, index) or not stats.grouping:
            continue
        names = stats.filled >= 2 and stats.share(stats.figures) < 0.2 and stats.share(stats.enumerators) < 0.2
        if names and stats.mean_length < _CRITERIA_LENGTH and stats.distinct > profiles[last].distinct:
            return header.with_role(index, Role.NAME)
    return header


def _grouping_gives_way(header: HeaderMap, profiles: dict[int, ColumnProfile]) -> HeaderMap:
    """An item column merged down over row spans only groups the rows: the first unmerged text
    column right of it holds the items when its cells are items — statements rather than bare
    rules, rules numbered one per row, or scored on their own (inline marks, or an unmerged points
    column beside them).

    A column named as the item (任务要点名称, 要素) gives way only to rows that state their own
    points inline ("…并在企业内部认真贯彻。（2分）"): those are the items, the named column their group;
    or to rules numbered one per row where neither the named cells nor a points column score them.
    """
    hierarchy = header.hierarchy
    if not hierarchy:
        return header
    item = hierarchy[-1].index
    named = hierarchy[-1].role is Role.NAME
    if not profiles[item].grouping:
        return header
    points = header.first(Role.POINTS)
    own_points = points is not None and not profiles[points].grouping and profiles[points].filled >= 3
    for column in header.columns:
        if column.index <= item or column.role not in (Role.DESCRIPTION, Role.CONTENT):
            continue
        stats = profiles[column.index]
        if stats.share(stats.bands) >= 0.5:
            return header  # rows of the item's rating scale ("18-20分" | 执行能力强…): grades, not items
        # Most rows have a cell of their own; a few may lie under one merged over them.
        if stats.grouping or (stats.filled + stats.merged) * 5 < stats.rows * 4:
            continue
        numbered_rules = stats.share(stats.numbered) >= 0.6  # "1.…加3分" "2.…扣1分": one rule per row
        # …or numbered in a column of their own, right of the group: 1 | 接受工作任务…一次扣5分
        numbered_rules = numbered_rules or any(
            c.role is Role.INDEX and c.index > item and profiles[c.index].numbering
            and profiles[c.index].filled * 5 >= stats.filled * 4
            for c in header.columns
        )
        if named:
            # Rules numbered one per row under a merged name that states no points of its own
            # (加分项 | 1、…每次加3分 | 2、…) are items of a group; under "安全方针 4" they are its rules.
            unscored = profiles[item].stated == 0 and not own_points
            if stats.share(stats.marked) >= 0.5 or (numbered_rules and unscored):
                return header.with_role(item, Role.SECTION).with_role(column.index, Role.NAME)
            return header
        if stats.share(stats.marked) >= 0.5 or numbered_rules or (stats.share(stats.rules) < 0.5 and own_points) or (
            stats.share(stats.rules) < 0.3 and stats.mean_length < _CRITERIA_LENGTH * 2
        ):
            return header.with_role(item, Role.SECTION).with_role(column.index, Role.NAME)
        return header
    return header
