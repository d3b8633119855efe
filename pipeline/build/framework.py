"""The national performance-indicator framework (财政支出绩效指标体系) names.

Budget performance tables (绩效目标表, 自评表) all use the same first- and second-level names.
Knowing them lets the builder re-anchor a row whose cells were shifted by a lossy text export, and
place an inline "产出指标－数量指标－…" list into the right levels.
"""

from __future__ import annotations

import re

# Level 2 names that belong to exactly one level 1 name. 成本指标 and 满意度指标 are left out:
# depending on the framework's edition they stand at level 1 or level 2.
LEVEL2_PARENT: dict[str, str] = {
    "数量指标": "产出指标",
    "质量指标": "产出指标",
    "时效指标": "产出指标",
    "经济效益指标": "效益指标",
    "社会效益指标": "效益指标",
    "生态效益指标": "效益指标",
    "可持续影响指标": "效益指标",
    "服务对象满意度指标": "满意度指标",
    "经济成本指标": "成本指标",
    "社会成本指标": "成本指标",
    "生态环境成本指标": "成本指标",
}
LEVEL1_NAMES = frozenset({"产出指标", "效益指标", "满意度指标", "成本指标"})


def _key(text: str) -> str:
    return re.sub(r"\s+", "", text)


def is_framework_name(text: str) -> bool:
    """Whether ``text`` is one of the framework's level names, at whichever level (成本指标 too)."""
    key = _key(text)
    return key in LEVEL2_PARENT or key in LEVEL1_NAMES


def framework_level(text: str) -> int | None:
    """2 for an unambiguous level-2 name, 1 for a level-1 name that is never level 2, else None."""
    key = _key(text)
    if key in LEVEL2_PARENT:
        return 2
    if key in ("产出指标", "效益指标"):
        return 1
    return None
