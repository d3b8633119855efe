"""Run-on level tables: a 一级/二级/三级指标 table run together on one line (pipeline.build.runon).

"…产出指标(70分)数量指标安装坡面水标尺10≥266米≥266米10水标尺宽度10…" is cut into atoms — level
names (words ending in 指标), values (a comparator starts one, a % or a unit ends one) and words —
and the atoms into rows: each row its level names, its item's words, one atom per value column.
"""

from __future__ import annotations

import re

from pipeline.build.vocabulary import Role

# Columns of values (what trails a row's words), as the run-on reader places them.
VALUE_ROLES = (Role.POINTS, Role.SCORE, Role.TARGET, Role.ACTUAL)


# Atoms of a level table's run-on text: a level name, a value (a comparator starts one, a % or a
# unit ends one), or words.
_ATOM = re.compile(
    r"(?P<level>[\u4e00-\u9fff]{1,10}?指标(?:[(（]\d+(?:\.\d+)?分[)）])?)"
    r"|(?P<value>(?:[≥≤><=]|不少于|不低于|不超过)\s*\d+(?:\.\d+)?(?:%|[\u4e00-\u9fff]{1,3})?|\d+(?:\.\d+)?(?:%|万元|元|人次|人|个|次|天)?)"
    r"|(?P<text>[^≥≤><=\d]+?(?=[≥≤><=\d]|[\u4e00-\u9fff]{1,10}?指标|$))"
)
_END = re.compile(r"(?:……|…|总分|合计|注[:：])")


def _atoms(data: str) -> list[tuple[str, str]]:
    atoms = [(m.lastgroup or "text", m.group()) for m in _ATOM.finditer(data) if m.group().strip()]
    out: list[tuple[str, str]] = []
    for kind, text in atoms:
        # A share glued to the figure before it: "20100%" is 20 points and a 100% target.
        glued = re.fullmatch(r"(\d{1,2})(100(?:\.\d+)?%|\d{2}(?:\.\d+)?%)", text) if kind == "value" else None
        if glued and len(text) > 4:
            out += [("value", glued.group(1)), ("value", glued.group(2))]
            continue
        out.append((kind, text))
    return out


def levelled_rows(data: str, roles: list[Role | None]) -> tuple[list[list[str]], int] | None:
    """Rows of a 一级/二级/三级指标 table run together on one line: each row its level names (the
    ones it starts), its item's words, then one atom per value column — "安装坡面水标尺10≥266米≥266米10"
    is a name, 10 points, a target, an actual value and a score."""
    end = _END.search(data)
    stop = end.start() if end else len(data)
    levels = [i for i, r in enumerate(roles) if r is Role.LEVEL]
    values = [i for i, r in enumerate(roles) if r in VALUE_ROLES]
    if len(levels) < 2 or not values:
        return None
    above = levels[:-1]  # level columns above the item
    rows: list[list[str]] = []
    atoms = _atoms(data[:stop])
    index = 0
    while index < len(atoms):
        row = [""] * len(roles)
        names: list[str] = []
        while index < len(atoms) and atoms[index][0] == "level":
            names.append(atoms[index][1])
            index += 1
        if len(names) > len(above):
            # More level names than level columns: the first opens the top level, the ones before
            # the last are levels left without items (经济效益指标), the last the row's own.
            row[above[0]] = names[0]
            for empty in names[1:-1]:
                rows.append([*([""] * len(roles))])
                rows[-1][above[-1]] = empty
            names = names[-1:]
        for column, name in zip(above[len(above) - len(names) :], names, strict=False):
            row[column] = name
        if index < len(atoms) and atoms[index][0] == "text":
            row[levels[-1]] = atoms[index][1]
            index += 1
        elif names:
            rows.append(row)
            continue
        position = 0
        while position < len(values) and index < len(atoms) and atoms[index][0] != "level":
            kind, text = atoms[index]
            column = values[position]
            doubled = len(text) % 2 == 0 and text[: len(text) // 2] * 2 == text
            if kind == "text" and doubled and position + 1 < len(values):
                # The target and the actual value written alike and run together: "显著提升显著提升".
                row[column], row[values[position + 1]] = text[: len(text) // 2], text[len(text) // 2 :]
                position += 2
            elif roles[column] is Role.POINTS and (split := _POINTS_THEN_VALUE.fullmatch(text)):
                row[column] = split.group(1)  # "1020万元": 10 points, then a 20万元 target
                atoms[index] = ("value", split.group(2))
                position += 1
                continue
            else:
                row[column] = text
                position += 1
            index += 1
        rows.append(row)
    filled = [row for row in rows if row[levels[-1]]]
    return (rows, stop) if len(filled) >= 2 else None


_POINTS_THEN_VALUE = re.compile(r"(\d{1,2})(\d+(?:\.\d+)?(?:万元|元|人次|人|个|次|天))")
