"""Table understanding by structure and content: column roles, section rows, items.

Each rule is tested on rows of at least two real documents (tests/fixtures/real), cut down to
the cells that show it, or on its own general case.
"""

from __future__ import annotations

import pytest

from pipeline.build.columns import find_header, numbering_rank, role_of
from pipeline.build.roles import decide_roles
from pipeline.build.table import table_indicators
from pipeline.build.vocabulary import Role
from schema.records import Cell, Table


def _row(*texts: str, spanned: tuple[int, ...] = ()) -> tuple[Cell, ...]:
    return tuple(Cell(text=t, spanned=i in spanned) for i, t in enumerate(texts))


def _table(*rows: tuple[Cell, ...]) -> Table:
    return Table(rows=tuple(rows))


def _leaves(table: Table) -> list[tuple[str, str, float | None]]:
    """(top-level name, leaf name, points) of every leaf."""
    out = []
    for root in table_indicators(table).roots:
        for leaf in root.leaves():
            out.append((root.name, leaf.name, leaf.points))
    return out


def _roles(*rows: tuple[Cell, ...]) -> list[Role | None]:
    found = find_header(rows)
    assert found is not None
    index, header = found
    header = decide_roles(header, rows[index + 1 :])
    return [header.role_at(i) for i in range(header.width)]


@pytest.mark.parametrize(
    ("header", "role"),
    [
        ("项次", Role.INDEX),  # yunnan-laoganbu-lianghua
        ("序号", Role.INDEX),  # shicheng-hezhang-xiangzhen, zhonglou-xinxi-pingfen
        ("标准分", Role.POINTS),  # yunnan-laoganbu-lianghua, guojia-zhuyuanyishi
        ("基准分", Role.POINTS),
        ("配分", Role.POINTS),
        ("应得分数", Role.POINTS),  # JGJ59 安全检查评分表
        ("实得分", Role.SCORE),
        ("考核条目", Role.SECTION),  # ducha-gongzuo-xize
        ("评估内容", Role.CONTENT),  # quanguo-zhupei, guojia-zhuyuanyishi
        ("检查内容", Role.CONTENT),
        ("考核项", Role.NAME),  # dongnao-banzhuren
        ("扣分标准", Role.DESCRIPTION),  # JGJ59
        ("评(扣分标准)", Role.DESCRIPTION),  # xiangxi-tejiao: the words inside the brackets
        ("加减分", Role.AMOUNT),  # wendeng-xinyong-pingjia
        ("加减分条件", Role.DESCRIPTION),  # dongnao-banzhuren
        ("负责考核部门", None),
        # One column holding the item and its criteria (safehoo-zerenzhi; "考核内容及评分标准" forms).
        ("责任制考核内容及标准", Role.CONTENT),
        ("考核内容及评分标准", Role.CONTENT),
        ("检查内容和要求", Role.CONTENT),
        # Alternatives written together: the words after the slash (sdp-xuexiao; "分值/权重" forms).
        ("指导/评估时的关注内容", Role.CONTENT),
        ("分值/权重", Role.POINTS),
    ],
)
def test_header_words(header: str, role: Role | None) -> None:
    assert role_of(header) is role


def test_number_only_column_is_the_numbering_whatever_its_header() -> None:
    # yunnan-laoganbu-lianghua: 项次 numbers the items; ducha-gongzuo-xize: a sub-column of 考核条目.
    yunnan = _roles(
        _row("项目", "项次", "检查考评内容", "标准分", "量化评分标准"),
        _row("组织领导20分", "1", "成立老干部工作领导小组", "10", "未列入考核内容的扣1分"),
        _row("组织领导20分", "2", "坚持联系制度", "5", "走访看望少一次扣1分", spanned=(0,)),
        _row("组织领导20分", "3", "机构设置符合规定", "5", "经费未列入预算的扣2分", spanned=(0,)),
    )
    assert yunnan[:3] == [Role.SECTION, Role.INDEX, Role.CONTENT]
    ducha = _roles(
        _row("考核条目", "考核条目", "考核细则", "考核细则", spanned=(1, 3)),
        _row("区政府重点工作", "1", "上报区政府重点工作实施方案。", "未报扣10分"),
        _row("区政府重点工作", "2", "实施方案无阶段性目标。", "扣5分", spanned=(0,)),
        _row("区政府重点工作", "3", "上报半年实施情况报告。", "未报扣10分", spanned=(0,)),
    )
    assert ducha == [Role.SECTION, Role.INDEX, Role.NAME, Role.DESCRIPTION]


def test_criteria_named_as_the_item_give_way_to_the_short_names_beside_them() -> None:
    # shicheng-hezhang-xiangzhen: 考核项目 holds the items, 考核指标 the criteria.
    rows = (
        _row("序号", "考核项目", "各项分值", "考核指标"),
        _row("1", "完善“四个到位”", "5", "进一步健全河长制湖长制组织体系、责任体系、制度体系、监督检查和考核评估。"),
        _row("2", "强化督查督办", "4", "严格执行已出台的河长制工作督查制度和督办制度，推动问题清单有效解决。"),
        _row("3", "完善考核方案", "2", "2018年7月底前修订完善乡镇河长制工作考核方案，报县河长办备案审核。"),
    )
    assert [name for _, name, _ in _leaves(_table(*rows))] == ["完善“四个到位”", "强化督查督办", "完善考核方案"]
    # nanchang-kaohe: a 考核内容 item beside a merged 专案 column keeps its role.
    merged = (
        _row("专案", "考核内容", "分值"),
        _row("一、领导重视(20分)", "1、县(区)委把老干部工作摆上议事日程,纳入党建工作总体规划(2分)", "2"),
        _row("一、领导重视(20分)", "2、把离退休干部党组织建设纳入党建工作总体规划,统一部署(2分)", "2", spanned=(0,)),
        _row("一、领导重视(20分)", "3、每年召开全县(区)老干部工作会,分管领导参加全市会议(1分)", "1", spanned=(0,)),
    )
    assert [name[:2] for _, name, _ in _leaves(_table(*merged))] == ["1、", "2、", "3、"]


def test_section_rows_by_numbering_even_with_text_in_other_cells() -> None:
    # shicheng-hezhang-xiangzhen: "三、" rows carry criteria text; "五、" has no items and is a leaf.
    rows = (
        _row("序号", "考核项目", "各项分值", "考核指标"),
        _row("三、", "水岸联动，推进措施", "15",
             "落实属地管理责任，建立湖长体系，向社会公布湖长名单，规范湖长制公示牌设置。"),
        _row("8", "继续强化城镇生活污水治理", "3",
             "进一步加强城镇生活污水处理设施和配套管网建设，提升污水处理率，实现无害化处理处置。"),
        _row("9", "继续推动畜禽养殖污染控制", "7",
             "1.加强监督管理，防止禁养区养殖场反弹。得5分。2.建立限养区养殖场台帐，得2分。"),
        _row("五、", "加强宣传舆论、信息报送工作", "7",
             "1.每个乡镇省级用稿1篇，市级用稿2篇，县级用稿2篇，得5分。2.按时上报半年工作小结，得2分"),
    )
    assert _leaves(_table(*rows)) == [
        ("三、水岸联动，推进措施", "继续强化城镇生活污水治理", 3),
        ("三、水岸联动，推进措施", "继续推动畜禽养殖污染控制", 7),
        ("五、加强宣传舆论、信息报送工作", "五、加强宣传舆论、信息报送工作", 7),
    ]
    # shicheng-hezhang-danwei: "一、" in the 序号 column over items numbered 1, 2.
    danwei = (
        _row("序号", "考核项目", "各项分值", "考核内容", "评分标准"),
        _row("一、", "通用考核项目", "40", "", ""),
        _row("1", "组织领导", "8", "组织领导", "积极配合开展工作（8分）"),
        _row("2", "日常工作", "7", "调整领导小组", "成立领导小组（1分）"),
    )
    assert [(top, points) for top, _, points in _leaves(_table(*danwei))] == [
        ("一、通用考核项目", 8), ("一、通用考核项目", 7),
    ]


@pytest.mark.parametrize(
    ("text", "rank"),
    [("一、", 1), ("二、巩固成果", 1), ("（一）", 2), ("1", 3), ("12、报送情况", 3), ("1.1.2", 4), ("(3)", 5), ("②", 6),
     ("组织领导", None)],
)
def test_numbering_rank(text: str, rank: int | None) -> None:
    assert numbering_rank(text) == rank


def test_levels_name_the_items_and_content_describes_them() -> None:
    # quanguo-zhupei-quanke and guojia-zhuyuanyishi: 评估内容 right of 三级指标.
    rows = (
        _row("一级指标", "二级指标", "三级指标", "评估内容", "评分标准", "分值"),
        _row("1.基本条件（20分）", "1.1机构条件", "1.1.1机构资质", "设置社区卫生服务中心", "符合标准，得满分", "1"),
        _row("1.基本条件（20分）", "1.1机构条件", "1.1.2辖区人口数", "≥5万人", "不达标准，不得分", "2", spanned=(0, 1)),
        _row("1.基本条件（20分）", "1.2组织管理", "1.2.1联合管理办法", "有联合培养协议", "无，不得分", "2",
             spanned=(0,)),
    )
    leaves = table_indicators(_table(*rows)).roots[0].leaves()
    first, second, third = list(leaves)
    assert (first.name, second.name, third.name) == ("1.1.1机构资质", "1.1.2辖区人口数", "1.2.1联合管理办法")
    # No target column: a requirement stating one threshold is the target.
    target = second.target
    assert target is not None and (target.op, target.value, target.unit) == (">=", 5, "万人")


def test_several_columns_named_as_the_item_the_last_is_the_item() -> None:
    # ningjin-zhuxuejin: 评价指标 | 评价内容 | 指标名称.
    rows = (
        _row("评价指标", "评价内容", "指标名称", "指标说明", "目标值", "分值"),
        _row("项目年度绩效目标", "制度指标", "规章制度建立与否", "", "", "20"),
        _row("项目年度绩效目标", "产出数量指标", "享受资助人数", "达到预计值", "2100", "10", spanned=(0,)),
        _row("项目年度绩效目标", "产出数量指标", "资金支出率", "达到目标值", "95%", "10", spanned=(0, 1)),
    )
    assert [(name, points) for _, name, points in _leaves(_table(*rows))] == [
        ("规章制度建立与否", 20), ("享受资助人数", 10), ("资金支出率", 10),
    ]


def test_numbered_rules_one_per_row_are_the_items() -> None:
    # zhonghua-jiaoxue-pingfen (and its sibling zhonghua-fuwu): 考评项目 merged over numbered rules.
    rows = (
        _row("考评项目", "评分细项及标准"),
        _row("学生专题指导", "1.带领学生参加竞赛，获国际性奖加10分。"),
        _row("学生专题指导", "2.申请通过国科会大专生专题计划者加3分。", spanned=(0,)),
        _row("学生专题指导", "3.辅导学生取得专业证照，甲级加1分。 4.指导学生参加本校竞赛，第一名加3分。", spanned=(0,)),
        _row("上课出勤情形", "1.经学校排定监考而无故未到，每次扣1分。"),
    )
    names = [name[:2] for _, name, _ in _leaves(_table(*rows))]
    assert names == ["1.", "2.", "3.", "4.", "1."]


def test_signed_amounts_are_rules_and_empty_columns_say_nothing() -> None:
    # wendeng-xinyong-pingjia: 加减分 "-20"; qingshan-jiaoyu: the 长期 columns are all empty.
    result = table_indicators(_table(
        _row("评价类别", "分项", "评价标准", "加减分"),
        _row("商务领域失信信息", "合同履约", "未按照合同履行义务的", "-20"),
        _row("商务领域失信信息", "银行信贷", "有拖欠还贷记录的", "-10", spanned=(0,)),
        _row("商务领域失信信息", "民间借贷", "违法放贷被查处的", "-5至-50", spanned=(0,)),
    ))
    assert [leaf.amount for leaf in result.roots[0].leaves()] == ["-20", "-10", "-5至-50"]
    roles = _roles(
        _row("一级指标", "二级指标(长期)", "三级指标(长期)", "二级指标(年度)", "三级指标(年度)", "指标值(年度)"),
        _row("产出指标", "数量指标", "", "数量指标", "重点建设工程安排数量", "2"),
        _row("产出指标", "质量指标", "", "质量指标", "重点建设工程验收合格率", "100%"),
    )
    assert roles == [Role.LEVEL, Role.LEVEL, None, None, Role.LEVEL, Role.TARGET]


def test_a_bonus_section_scored_in_the_points_column_stays_indicators() -> None:
    # jiangsu-zhupei: 5.加分项目 items have their own 分值 and count in the 总计.
    from pipeline.build.clauses import extract_clauses

    result = table_indicators(_table(
        _row("一级指标", "二级指标", "三级指标", "评分标准", "分值"),
        _row("5.加分项目（10分）", "5.1培训合格率", "5.1.1结业考核通过率", "排名前5位，得1分", "1"),
        _row("5.加分项目（10分）", "5.2教学激励", "5.2.1奖励专项", "有，得1分", "1", spanned=(0,)),
    ))
    scored, clauses = extract_clauses(result.roots)
    assert [leaf.name for leaf in scored[0].leaves()] == ["5.1.1结业考核通过率", "5.2.1奖励专项"]
    # nanchang-kaohe: items of a 加分内容 section scored only in their text are document rules.
    result = table_indicators(_table(
        _row("专案", "考核内容", "分值"),
        _row("九、加分内容", "42、老干部综合工作获省级表彰加5分,获市级表彰加2分;", ""),
        _row("九、加分内容", "43、老干部单项工作获省级表彰加3分,获市级表彰加1分;", "", spanned=(0,)),
    ))
    scored, clauses = extract_clauses(result.roots)
    assert scored == [] and [c.rule.points for c in clauses] == [5, 2, 3, 1]


def test_placeholder_and_subtotal_rows_are_not_indicators() -> None:
    # zhongjiang-shuili: a "……" row before 总分; JGJ59 sheets: 小计 rows.
    assert _leaves(_table(
        _row("一级指标", "二级指标", "三级指标", "分值"),
        _row("产出指标", "数量指标", "安装坡面水标尺", "10"),
        _row("满意度指标", "满意度指标", "……", ""),
        _row("小计", "", "", "10"),
    )) == [("产出指标", "安装坡面水标尺", 10)]


def test_without_an_item_header_the_column_stating_points_holds_the_items() -> None:
    # chuangjian-shifancheng: 评价要点 labels, 对应检查内容及分值 the scored requirements ("…得2分").
    rows = (
        _row("评价要点", "对应检查内容及分值", "评分标准"),
        _row("11.社会共治", "落实普法责任制,得2分;否则相应扣分。开展宣传周活动,得3分;否则不得分。",
             "每发现一次扣0.5分。"),
        _row("20.过程控制", "严格执行食品经营安全规范,得3分;否则相应扣分。", "存在无证经营商家的,扣0.5分。"),
    )
    assert _leaves(_table(*rows)) == [
        ("11.社会共治", "落实普法责任制,得2分;否则相应扣分。开展宣传周活动,得3分;否则不得分。", 5),
        ("20.过程控制", "严格执行食品经营安全规范,得3分;否则相应扣分。", 3),
    ]
    # Its general case the other way round: labels that state no points beside rules that state
    # none either (序号 | 考核细则 | 扣分标准) — the first text column holds the items.
    plain = (
        _row("序号", "考核细则", "扣分标准"),
        _row("1", "上报区政府重点工作实施方案。", "未报扣10分"),
        _row("2", "上报半年实施情况报告。", "未报扣10分"),
    )
    names = [name for _, name, _ in _leaves(_table(*plain))]
    assert names == ["上报区政府重点工作实施方案。", "上报半年实施情况报告。"]


# --- layouts of stop 16 (tests/fixtures/real SOURCES.md section 4) ------------------------------


def test_a_title_row_across_the_table_is_its_section() -> None:
    # shequ-yanglao-fuwuzhan: one table per part, each titled "安全部分（50分）" above its header;
    # the same with a section numeral ("一、组织领导") and no points.
    for title, name, points in (("安全部分（50分）", "安全部分", 50.0), ("一、组织领导", "一、组织领导", None)):
        rows = (
            _row(title, title, title, title, spanned=(1, 2, 3)),
            _row("序号", "标准要求", "分值", "评分标准"),
            _row("1", "年内无责任事故", "10", "发生责任事故不得分"),
            _row("2", "有安全出口、疏散通道", "2", "每有一项不符合要求扣1分"),
        )
        found = table_indicators(_table(*rows)).roots
        assert [(r.name, r.points) for r in found] == [(name, points)]
        assert [leaf.name for leaf in found[0].leaves()] == ["年内无责任事故", "有安全出口、疏散通道"]


@pytest.mark.parametrize(
    "title",
    [
        "社区养老服务站星级评定标准",  # the document's own title: no points, no numeral
        "学校安全工作考核评分表（100分）",  # a document title that states the total
    ],
)
def test_a_document_title_row_is_no_section(title: str) -> None:
    rows = (
        _row(title, title, title, title, spanned=(1, 2, 3)),
        _row("序号", "标准要求", "分值", "评分标准"),
        _row("1", "年内无责任事故", "10", "发生责任事故不得分"),
        _row("2", "有安全出口", "2", "每有一项不符合要求扣1分"),
    )
    assert [r.name for r in table_indicators(_table(*rows)).roots] == ["年内无责任事故", "有安全出口"]


def test_a_title_over_levels_only_groups_them() -> None:
    # qingshen-fagai-ziping: "绩效指标(90分)" over 一级/二级/三级指标: 一级指标 is the top level.
    rows = (
        _row("绩效指标(90分)", "绩效指标(90分)", "绩效指标(90分)", "绩效指标(90分)", spanned=(1, 2, 3)),
        _row("一级指标", "二级指标", "三级指标", "分值"),
        _row("产出指标", "数量指标", "发放覆盖率", "60"),
        _row("效益指标", "社会效益指标", "足额保障率", "30"),
    )
    assert [root for root, _, _ in _leaves(_table(*rows))] == ["产出指标", "效益指标"]


def test_an_unnamed_column_of_short_texts_left_of_the_items_groups_them() -> None:
    # boruocun-xin-bayou: 新"八有" (no vocabulary word) | 指标 | 考评内容 | 分值.
    rows = (
        _row("新“八有”", "指标", "考评内容", "分值"),
        _row("有群众拥护的“双强”班子", "班子工作满意度", "80%以上得满分,每少5%减1分", "10"),
        _row("有科学合理的发展规划", "规划达标率", "按规划执行得满分", "10"),
        _row("有持续稳定的集体收入", "集体经营性收入", "每少1万元扣2分", "30"),
    )
    assert _leaves(_table(*rows)) == [
        ("有群众拥护的“双强”班子", "班子工作满意度", 10),
        ("有科学合理的发展规划", "规划达标率", 10),
        ("有持续稳定的集体收入", "集体经营性收入", 30),
    ]
    # An unnamed column of figures (a score column left unlabelled) groups nothing.
    figures = (
        _row("", "指标", "分值"),
        _row("1", "班子工作满意度", "10"),
        _row("2", "规划达标率", "10"),
    )
    assert [root for root, _, _ in _leaves(_table(*figures))] == ["班子工作满意度", "规划达标率"]


def test_each_level_reads_its_own_points_column_and_repeated_headers_are_skipped() -> None:
    # zhijian-yiqing-yibing: 一级指标 | 权重 | 二级指标 | 分值 | 三级指标 | 计量单位 | 目标值 | 分值, the
    # header printed again over each part of the table.
    header = _row("一级指标", "权重", "二级指标", "分值", "三级指标", "计量单位", "目标值(标准)", "分值")
    rows = (
        header,
        _row("预算绩效", "50", "预算管理", "75", "预算执行进度", "%", "40%", "7"),
        _row("预算绩效", "50", "预算管理", "75", "预算调整次数", "次", "0", "5", spanned=(0, 1, 2, 3)),
        header,
        _row("项目产出", "25", "产出数量", "24", "检疫完成率", "%", "100%", "8"),
    )
    roots = table_indicators(_table(*rows)).roots
    assert [(r.name, r.points) for r in roots] == [("预算绩效", 50), ("项目产出", 25)]
    assert [(c.name, c.points) for c in roots[0].children] == [("预算管理", 75)]
    assert [(leaf.name, leaf.points) for leaf in roots[0].leaves()] == [("预算执行进度", 7), ("预算调整次数", 5)]


def test_a_named_item_column_merged_over_rows_with_their_own_marks_groups_them() -> None:
    # anjian-qiye-anquan-shengchan-xinyong-pingfen: 要素 (named as the item) and 分值 merged over the
    # requirements, each "…（2分）"; the merged 分值 is the group's.
    rows = (
        _row("序号", "要素", "分值", "基本规范要求", "评审办法"),
        _row("2", "安全方针", "4", "有科学的安全理念的具体表述。（2分）", "有成文的安全理念的得2分,否则不得分。"),
        _row("2", "安全方针", "4", "建立企业安全文化。（2分）", "开展活动的得1分,否则不得分。", spanned=(0, 1, 2)),
        _row("3", "组织保障", "8", "设置安全生产管理机构。（5分）", "建立专门机构的得4分,否则不得分。"),
        _row("3", "组织保障", "8", "配备安全管理人员。（3分）", "每缺一人扣0.5分。", spanned=(0, 1, 2)),
    )
    roots = table_indicators(_table(*rows)).roots
    assert [(r.name, r.points) for r in roots] == [("安全方针", 4), ("组织保障", 8)]
    assert [leaf.points for root in roots for leaf in root.leaves()] == [2, 2, 5, 3]


def test_rules_one_per_row_under_a_merged_item_stating_its_points_describe_it() -> None:
    # weihua-fengxian-pinggu: 类别 | 项目（分值） merged over 评估内容 rules, one per row.
    rows = (
        _row("类别", "项目（分值）", "评估内容", "扣分值"),
        _row("1.固有危险性", "重大危险源（10分）", "存在一级重大危险源的,扣10分", ""),
        _row("1.固有危险性", "重大危险源（10分）", "存在二级重大危险源的,扣8分", "", spanned=(0, 1)),
        _row("1.固有危险性", "物质危险性（5分）", "生产爆炸品的,扣5分", "", spanned=(0,)),
        _row("1.固有危险性", "物质危险性（5分）", "生产氯气的,扣3分", "", spanned=(0, 1)),
    )
    assert _leaves(_table(*rows)) == [("1.固有危险性", "重大危险源", 10), ("1.固有危险性", "物质危险性", 5)]


def test_points_header_over_a_section_column_and_an_item_column() -> None:
    # bumen-dangfeng-lianzheng-banian-zicha.html: 分值 spans two sub-columns left of the content,
    # the section's points merged down its rows and the item's points per row.
    table = _table(
        _row("自查项目", "分值", "分值", "自查内容", "自查标准", "得分", spanned=(2,)),
        _row("完善工作机制", "20", "4", "1、制订年度工作计划。", "未制订不得分。", ""),
        _row("完善工作机制", "20", "16", "2、每季度专题研究。", "未研究的扣2分。", "", spanned=(0, 1)),
        _row("严格执行规定", "25", "25", "1、遵守廉洁从政规定。", "受处分的不得分。", ""),
    )
    assert [(root.name, root.points) for root in table_indicators(table).roots] == [
        ("完善工作机制", 20.0), ("严格执行规定", 25.0)]
    assert [points for _, _, points in _leaves(table)] == [4.0, 16.0, 25.0]


def test_level_points_columns_each_serve_their_own_level() -> None:
    # jiangsu-zhupei-jidi-pinggu: 一级指标 | 权重 | 二级指标 | 分值, one points column per level.
    table = _table(
        _row("一级指标", "权重", "二级指标", "分值", "评分标准"),
        _row("基本条件", "30", "床位数", "10", "不足扣5分"),
        _row("基本条件", "30", "设备", "20", "缺1台扣2分", spanned=(0, 1)),
    )
    assert [(root.name, root.points) for root in table_indicators(table).roots] == [("基本条件", 30.0)]
    assert [points for _, _, points in _leaves(table)] == [10.0, 20.0]


def test_section_numeral_alone_in_its_index_cell_titles_a_section() -> None:
    # xinjiang-peiwang-nongwang-keyan-pingshen.html: "一" | 必备条件 over rows whose 序号 cell
    # continues the "一" merged down; a description-headed column (评审要点) merged over the rows
    # left of the items groups them; an item merged over a few empty rows still holds items.
    table = _table(
        _row("序号", "评审要点", "评审内容", "具体要求", "分值"),
        _row("一", "必备条件", "", "", ""),
        _row("一", "评价条件", "（一）规划意见", "取得规划部门的支持性意见。", "", spanned=(0,)),
        _row("一", "评价条件", "（二）国土意见", "取得国土部门的支持性意见。", "", spanned=(0, 1)),
        _row("二", "文本评价", "（一）文本装订", "文本按要求装订、盖章。", "2"),
        _row("二", "文本评价", "（二）章节完整", "1.目录完整。没有目录扣0.5分。", "1", spanned=(0, 1)),
        _row("二", "文本评价", "（二）章节完整", "2.执行管理办法。未执行扣2分。", "2", spanned=(0, 1, 2)),
        _row("二", "文本评价", "（二）章节完整", "2.执行管理办法。未执行扣2分。", "2", spanned=(0, 1, 2, 3, 4)),
        _row("二", "文本评价", "（二）章节完整", "3.规程完整。不全扣1分。", "2", spanned=(0, 1, 2)),
        _row("二", "文本评价", "（二）章节完整", "4.按乡镇编制。未按乡镇编制扣2分。", "2", spanned=(0, 1, 2)),
        _row("二", "文本评价", "（二）章节完整", "5.规模清楚。不清楚扣2分。", "2", spanned=(0, 1, 2)),
    )
    roots = table_indicators(table).roots
    assert [root.name for root in roots] == ["必备条件", "文本评价"]
    assert [child.name for child in roots[0].children] == ["评价条件"]
    chapters = roots[1].children[1]
    assert chapters.name == "（二）章节完整"
    assert [(leaf.name[:2], leaf.points) for leaf in chapters.children] == [
        ("1.", 1.0), ("2.", 2.0), ("3.", 2.0), ("4.", 2.0), ("5.", 2.0)]


def test_numbered_rules_under_a_merged_unscored_name_column_are_its_items() -> None:
    # A 考核表 whose 考核指标 column (named as the item) is merged over rules numbered one per row
    # and states no points, nor does any points column: the rules are the group's items. Where
    # the named cells carry points ("安全方针 4", test above) they stay the items.
    rows = (
        _row("考核指标", "考核内容", "得分"),
        _row("工作纪律", "1、迟到一次扣1分。", ""),
        _row("工作纪律", "2、早退一次扣1分。", "", spanned=(0,)),
        _row("工作纪律", "3、旷工一次扣3分。", "", spanned=(0,)),
        _row("工作质量", "1、报表出错每次扣2分。", ""),
        _row("工作质量", "2、资料缺失每份扣1分。", "", spanned=(0,)),
    )
    assert [(root, leaf[:4]) for root, leaf, _ in _leaves(_table(*rows))] == [
        ("工作纪律", "1、迟到"), ("工作纪律", "2、早退"), ("工作纪律", "3、旷工"),
        ("工作质量", "1、报表"), ("工作质量", "2、资料"),
    ]


def test_rules_numbered_in_a_column_of_their_own_under_a_merged_group_are_its_items() -> None:
    # xinxi-gongcheng-xueyuan-jiaoshi-lianghua-kaohe: 考核项 merged over rules numbered 1, 2, 3 in a
    # column of their own under 等级说明; the rules are the items, not the group's description.
    rows = (
        _row("考核项", "基础分值", "等级说明", "等级说明", "得分", spanned=(3,)),
        _row("履行岗位职责", "30分", "1", "未按时完成一次扣5分。", ""),
        _row("履行岗位职责", "30分", "2", "不服从领导指令一次扣10分。", "", spanned=(0, 1)),
        _row("考勤情况", "20分", "3", "未完成请假手续一次扣2分。", ""),
        _row("考勤情况", "20分", "4", "无故迟到早退一次扣5分。", "", spanned=(0, 1)),
    )
    assert [(root, leaf[:4]) for root, leaf, _ in _leaves(_table(*rows))] == [
        ("履行岗位职责", "未按时完"), ("履行岗位职责", "不服从领"), ("考勤情况", "未完成请"), ("考勤情况", "无故迟到"),
    ]


def test_an_item_merged_over_rows_of_its_own_numbered_scored_criteria_groups_them() -> None:
    # caigou-pingbiao (a 评标 scoring standard): 技术评价 merged over five rows, each with its own
    # 分值 and a numbered 评分标准; like the 要素 rows of anjian-qiye (numbered requirements with
    # their own marks) the rows are the items. Unnumbered rows of one name stay one item's rows.
    from pipeline.build.regroup import regroup_numbered_repeats

    rows = (
        _row("序号", "项目", "评议内容", "分值", "评分标准"),
        _row("1", "资信(10分)", "市场准入规则", "2", "提供有效的市场准入证得2分"),
        _row("2", "资信(10分)", "公司综合实力评价", "3", "评价其应标产品的科研和制造的规模和实力", spanned=(1,)),
        _row("3", "资信(10分)", "质量体系认证", "1", "生产厂家通过ISO9000质量体系认证,可得1分", spanned=(1,)),
        _row("4", "技术(50分)", "技术评价", "40", "1.完全满足主要技术要求得基本分40分"),
        _row("5", "技术(50分)", "技术评价", "3", "2.产品外观设计美观,合理加1分", spanned=(1, 2)),
        _row("6", "技术(50分)", "技术评价", "2", "3.产品有第三方检验报告加2分", spanned=(1, 2)),
    )
    roots = regroup_numbered_repeats(table_indicators(_table(*rows)).roots)
    technical = roots[1]
    assert [c.name for c in technical.children] == ["技术评价"]
    assert [(leaf.name[:6], leaf.points) for leaf in technical.children[0].children] == [
        ("1.完全满足", 40.0), ("2.产品外观", 3.0), ("3.产品有第", 2.0)
    ]
    assert [leaf.name for leaf in roots[0].leaves()] == ["市场准入规则", "公司综合实力评价", "质量体系认证"]


def test_rows_sharing_one_merged_points_cell_and_rule_are_one_item_measured_by_them() -> None:
    # bgp-haishang-xiangmu-kaohe (a 项目考核 form): 动遣指标's 30 points and its rule merged over
    # the five 明细指标 rows; rows that each state the same points and rule stay items.
    from pipeline.build.regroup import collapse_shared_cells

    rows = (
        _row("指标名称", "明细指标", "单位", "分值", "考核标准"),
        _row("动遣指标", "航行", "天", "30", "超出1天扣5分,扣完为止"),
        _row("动遣指标", "靠港", "天", "30", "超出1天扣5分,扣完为止", spanned=(0, 3, 4)),
        _row("动遣指标", "放缆", "天", "30", "超出1天扣5分,扣完为止", spanned=(0, 3, 4)),
        _row("效率指标", "采集天数", "天", "50", "超过1天扣10分"),
        _row("效率指标", "作业时效", "天", "20", "超过1天扣5分", spanned=(0,)),
        _row("日常管理", "会议记录", "次", "5", "缺一次扣1分"),
        _row("日常管理", "台账资料", "份", "5", "缺一次扣1分", spanned=(0,)),
    )
    roots = collapse_shared_cells(table_indicators(_table(*rows)).roots)
    assert [(r.name, r.points, [c.name for c in r.children]) for r in roots] == [
        ("动遣指标", 30.0, []),
        ("效率指标", None, ["采集天数", "作业时效"]),
        ("日常管理", None, ["会议记录", "台账资料"]),
    ]
    assert roots[0].description is not None and roots[0].description.endswith("航行、靠港、放缆")


def test_figures_under_criteria_words_are_the_points() -> None:
    # fengxian-yuedu-kaohe-bingqu: 赋分标准 holds "10分", "20分"; the rules are under 评分标准.
    rows = (
        _row("考核内容", "赋分标准", "评分标准", "得分"),
        _row("轮转时间", "20分", "累计缺一工作日扣2分", ""),
        _row("管床数", "10分", "不达标不得分", ""),
        _row("病房值班", "20分", "少值班1次扣10分", ""),
    )
    assert _roles(*rows)[:3] == [Role.CONTENT, Role.POINTS, Role.DESCRIPTION]
    assert [(name, points) for _, name, points in _leaves(_table(*rows))] == [
        ("轮转时间", 20.0), ("管床数", 10.0), ("病房值班", 20.0)
    ]


def test_a_grouping_column_left_of_the_levels_that_states_points_is_a_level() -> None:
    # sdp-xuexiao-fazhan-jihua-pinggu-zhibiao: 类别 "学校发展计划的制定(40分)" over 一级/二级 指标.
    rows = (
        _row("类别", "一级指标", "二级指标", "指导/评估时的关注内容", "分值(分)"),
        _row("计划的制定(40分)", "制定的规范性(25分)", "组织建设(5分)", "1.建立了管理委员会。", "5"),
        _row("计划的制定(40分)", "制定的规范性(25分)", "工具使用(20分)", "1.采用SWOT分析法。", "20",
             spanned=(0, 1)),
        _row("计划的制定(40分)", "文本的合理性(15分)", "文本撰写(15分)", "1.完整填写文本。", "15", spanned=(0,)),
        _row("计划的实施(60分)", "实施的过程(60分)", "活动开展(60分)", "1.按计划开展活动。", "60"),
        _row("计划的实施(60分)", "实施的过程(60分)", "资料管理(0分)", "1.资料齐全。", "0", spanned=(0, 1)),
    )
    assert _roles(*rows)[:3] == [Role.SECTION, Role.LEVEL, Role.LEVEL]
    assert [root.name for root in table_indicators(_table(*rows)).roots] == ["计划的制定", "计划的实施"]


def test_grade_rows_under_a_merged_item_are_one_item_worth_its_best_grade() -> None:
    # kehu-zixin-pingfen-biaozhun (a credit scoring standard): 指标名称 merged over 评价内容 groups,
    # each 评价内容 merged over one row per grade with its own 满分; a 评标 table grades 服务承诺 the
    # same way (优 10 / 良 6 / 差 0). Rows of one item whose points do not fall are its parts.
    from pipeline.build.regroup import fold_graded_options

    rows = (
        _row("指标名称", "评价内容", "评价标准", "满分", "计分标准说明"),
        _row("企业基本情况", "注册资本金", "20000万元以上", "20", "符合"),
        _row("企业基本情况", "注册资本金", "5000～20000万元", "10", "符合", spanned=(0, 1, 4)),
        _row("企业基本情况", "注册资本金", "1000～5000万元", "5", "符合", spanned=(0, 1, 4)),
        _row("企业基本情况", "企业性质", "央企", "10", "国有参股企业也算", spanned=(0,)),
        _row("企业基本情况", "企业性质", "省级国企", "9", "国有参股企业也算", spanned=(0, 1, 4)),
        _row("企业基本情况", "企业性质", "其他", "1", "国有参股企业也算", spanned=(0, 1, 4)),
        _row("合同条款", "验收标准", "以我方为准", "5", ""),
        _row("合同条款", "验收标准", "以对方为准", "0", "", spanned=(0, 1)),
        _row("合同条款", "服务", "响应及时", "5", ""),
        _row("合同条款", "服务", "上门维修", "5", "", spanned=(0, 1)),
    )
    assert _roles(*rows)[:3] == [Role.SECTION, Role.NAME, Role.DESCRIPTION]
    roots = fold_graded_options(table_indicators(_table(*rows)).roots)
    assert [(r.name, [(c.name, c.points) for c in r.children]) for r in roots] == [
        ("企业基本情况", [("注册资本金", 20.0), ("企业性质", 10.0)]),
        ("合同条款", [("验收标准", 5.0), ("服务", 5.0), ("服务", 5.0)]),
    ]
    capital, kind = roots[0].children
    assert capital.description == "20000万元以上：20分；5000～20000万元：10分；1000～5000万元：5分\n符合"
    assert kind.description is not None and kind.description.startswith("央企：10分；省级国企：9分；其他：1分")
    assert roots[1].children[0].description == "以我方为准：5分；以对方为准：0分"


def test_unnamed_columns_merged_over_the_rows_are_levels_and_items() -> None:
    # wendeng-nongcun-xinyong-dangjian-wenming: 信息属性 "守信信息" merged over the whole table and
    # 信息层级 "区村级" between the levels; eia-yuangong-yuedu-kaohe: 考核方面 "工作执行力" merged over
    # the rows of its rating scale ("18-20分" | descriptor), right of 项目.
    rows = (
        _row("信息属性", "信息类别", "信息层级", "评价标准", "信用赋分"),
        _row("守信信息", "党建领域", "区村级", "在落实急难险重任务中成效突出的", "+5"),
        _row("守信信息", "党建领域", "区村级", "党建工作扎实,被评为示范点的", "+10", spanned=(0, 1, 2)),
        _row("守信信息", "党建领域", "村级", "村内设立信用超市的", "+5", spanned=(0, 1)),
        _row("守信信息", "党建领域", "村级", "村内设立暖心食堂的", "+2", spanned=(0, 1, 2)),
    )
    assert _roles(*rows) == [Role.SECTION, Role.SECTION, Role.SECTION, Role.NAME, Role.AMOUNT]
    bands = (
        _row("项目", "考核方面", "分值", "评分标准", "评分标准"),
        _row("工作绩效", "工作执行力", "20", "18-20分", "执行能力强"),
        _row("工作绩效", "工作执行力", "20", "15-17分", "执行能力良好", spanned=(0, 1, 2)),
        _row("工作绩效", "工作执行力", "20", "0-14分", "执行能力较差", spanned=(0, 1, 2)),
        _row("工作绩效", "工作业绩", "20", "18-20分", "工作质量优秀", spanned=(0,)),
        _row("工作绩效", "工作业绩", "20", "15-17分", "工作质量良好", spanned=(0, 1, 2)),
        _row("工作绩效", "工作业绩", "20", "0-14分", "工作质量较差", spanned=(0, 1, 2)),
    )
    assert _roles(*bands)[:2] == [Role.SECTION, Role.NAME]
    assert [(name, points) for _, name, points in _leaves(_table(*bands))] == [("工作执行力", 20.0), ("工作业绩", 20.0)]


def test_scored_section_headings_over_tables_are_their_sections() -> None:
    # A 考核细则 in parts, each a heading line "一、组织领导（20分）" over the table of its items (DOCX
    # and PDF prints alike); one scored heading alone, or an unnumbered line, titles no section.
    from pipeline.build import build
    from schema.records import Paragraph, ParsedDocument

    header = _row("序号", "考核内容", "分值", "评分标准")

    def blocks(first: str, second: str) -> tuple[Paragraph | Table, ...]:
        return (
            Paragraph(text="某县安全生产工作考核细则"),
            Paragraph(text=first),
            _table(header, _row("1", "领导机构", "10", "未成立扣10分"), _row("2", "工作例会", "10", "少1次扣2分")),
            Paragraph(text=second),
            _table(header, _row("1", "排查制度", "15", "未建立扣5分"), _row("2", "整改落实", "15", "每处扣1分")),
        )

    def tree(first: str, second: str) -> list[tuple[int, str, float | None]]:
        doc = ParsedDocument(source="parts.docx", format="docx", blocks=blocks(first, second))
        return [(i.level, i.name, i.points) for i in build(doc, "0" * 64).indicators]

    assert tree("一、组织领导（20分）", "二、隐患排查（30分）") == [
        (1, "一、组织领导", 20.0), (2, "领导机构", 10.0), (2, "工作例会", 10.0),
        (1, "二、隐患排查", 30.0), (2, "排查制度", 15.0), (2, "整改落实", 15.0),
    ]
    assert [level for level, _, _ in tree("组织领导", "一、隐患排查（30分）")] == [1, 1, 1, 1]
