import pytest

from normalizers.rules import Rule, SectionKind, amount_rules, find_rules, item_points, stated_points
from schema.records import Per

# Expected rules as (kind, points, per, cap); per as (count, unit).
Expected = tuple[str, float | None, tuple[float, str] | None, float | None]


def _shape(rules: list[Rule]) -> list[Expected]:
    return [(r.kind, r.points, None if r.per is None else (r.per.count, r.per.unit), r.cap) for r in rules]


@pytest.mark.parametrize(
    ("text", "section", "points", "expected"),
    [
        # --- Real items (南昌 2023 考核细则) ---
        (
            "4、成立并及时调整老干部工作领导小组(1分),每年召开2次以上老干部工作领导小组会议(1分),少1次扣1分;",
            "scored",
            None,
            [("deduct", 1, (1, "次"), None)],
        ),
        (
            "30、在市级以上电视、报纸、杂志、网路等新闻**上用稿达到10篇以上(3分),少一篇扣0.3分;"
            "(不含市委老干部局的演示文稿和**);",
            "scored",
            None,
            [("deduct", 0.3, (1, "篇"), None)],
        ),
        (
            "34、完成《老友》杂志征订任务(2分),完成任务数的70%(1分),完成任务数的50%(0.5分)。",
            "scored",
            None,
            [("tier", 1, None, None), ("tier", 0.5, None, None)],
        ),
        (
            "5、认真开展走访慰问活动。在职县区领导亲自走访慰问老干部(1分),坚持春节、高温期间、老干部生病住院及"
            "家庭发生重大变故时,主要领导或分管领导走访慰问率达100%(4分),少1次扣1分;",
            "scored",
            None,
            [("deduct", 1, (1, "次"), None)],
        ),
        (
            "42、老干部综合工作获省级表彰加5分,获市级表彰加2分;",
            "bonus",
            None,
            [("bonus", 5, None, None), ("bonus", 2, None, None)],
        ),
        (
            "44、老干部工作经验(典型材料)被**、省(含组织部、老干部局)有关会议采用的分别加10分、5分;",
            "bonus",
            None,
            [("bonus", 10, None, None), ("bonus", 5, None, None)],
        ),
        (
            "45、建立工作有特色,成效明显,市委老干部局将其经验向全市推广加2分,若召开现场会另加3分;",
            "bonus",
            None,
            [("bonus", 2, None, None), ("bonus", 3, None, None)],
        ),
        (
            "46、被中组部《组工资讯》、《老干部工作情况交流》采用资讯加5分,被省老干部局《老友》采用资讯、"
            "宣传文章1篇加4分;在中国老年报发表文章1篇加2分;",
            "bonus",
            None,
            [("bonus", 5, None, None), ("bonus", 4, (1, "篇"), None), ("bonus", 2, (1, "篇"), None)],
        ),
        (
            "47、老干部调研文章获市局优秀加1分,获省局优秀加2分。",
            "bonus",
            None,
            [("bonus", 1, None, None), ("bonus", 2, None, None)],
        ),
        ("48、因工作不到位,引发老干部集体上访(5人及以上)(50分);", "deduct", None, [("deduct", 50, None, None)]),
        ("49、因工作不到位,引发老干部**事故(直接定为不达标);", "deduct", None, [("veto", None, None, None)]),
        ("50、老干部工作人员发生违法乱纪行为(20分)。", "deduct", None, [("deduct", 20, None, None)]),
        ("33、老干部资讯库专人负责(0.5分),有专用的办公装置及时提供准确资讯(0.5分);", "scored", None, []),
        ("8、建立离退休干部理论学习、阅读档案、通报情况、走访慰问等制度;", "scored", None, []),
        # "有所增加(2分)" is a requirement worth 2 points, not a bonus.
        ("10、扩大离退休干部党组织覆盖面,离退休干部党支部数有所增加(2分);", "scored", None, []),
        # --- Deductions ---
        ("少1次扣1分", "scored", None, [("deduct", 1, (1, "次"), None)]),
        ("每少一篇扣0.3分", "scored", None, [("deduct", 0.3, (1, "篇"), None)]),
        ("少一篇扣0.3分", "scored", None, [("deduct", 0.3, (1, "篇"), None)]),
        ("每少两次扣一分", "scored", None, [("deduct", 1, (2, "次"), None)]),
        ("每出现一例扣2分", "scored", None, [("deduct", 2, (1, "例"), None)]),
        ("未上报每件扣10分", "scored", None, [("deduct", 10, (1, "件"), None)]),
        ("每缺1项扣0.5分", "scored", None, [("deduct", 0.5, (1, "项"), None)]),
        ("每低1个百分点扣0.5分", "scored", None, [("deduct", 0.5, (1, "个百分点"), None)]),
        ("扣0.5分/次", "scored", None, [("deduct", 0.5, (1, "次"), None)]),
        ("每少1次,扣1分", "scored", None, [("deduct", 1, (1, "次"), None)]),
        ("扣2分", "scored", None, [("deduct", 2, None, None)]),
        ("少１次扣１分；", "scored", None, [("deduct", 1, (1, "次"), None)]),
        # Thresholds, not occurrences: the count is what must be reached.
        ("少于3次扣1分", "scored", None, [("deduct", 1, None, None)]),
        ("满意率低于90%扣2分", "scored", None, [("deduct", 2, None, None)]),
        ("分别扣2分、1分", "scored", None, [("deduct", 2, None, None), ("deduct", 1, None, None)]),
        ("未建立的不得分", "scored", None, [("deduct", None, None, None)]),
        ("未建立的不得分", "scored", 3, [("deduct", 3, None, None)]),
        # Without an explicit item_points a scored item's marks say what it is worth.
        ("建立台账(2分),未建立的不得分", "scored", None, [("deduct", 2, None, None)]),
        ("酌情扣分", "scored", None, [("deduct", None, None, None)]),
        ("酌情扣1-3分", "scored", None, [("deduct", None, None, 3)]),
        # --- Caps ---
        ("每少1次扣1分,扣完为止", "scored", None, [("deduct", 1, (1, "次"), None)]),
        ("每少1次扣1分，扣完为止", "scored", 5, [("deduct", 1, (1, "次"), 5)]),
        ("召开会议(4分),每少1次扣1分,扣完为止", "scored", None, [("deduct", 1, (1, "次"), 4)]),
        ("每少1次扣1分;扣完为止", "scored", 6, [("deduct", 1, (1, "次"), 6)]),
        ("每项扣1分,最多扣5分", "scored", None, [("deduct", 1, (1, "项"), 5)]),
        ("少1次扣1分,扣满5分为止", "scored", None, [("deduct", 1, (1, "次"), 5)]),
        ("每发现一次扣1分,最高扣5分", "scored", None, [("deduct", 1, (1, "次"), 5)]),
        ("每次扣2分,5分扣完为止", "scored", None, [("deduct", 2, (1, "次"), 5)]),
        ("少1次扣1分,扣完为止,最多扣5分", "scored", 10, [("deduct", 1, (1, "次"), 5)]),
        ("每篇加2分,最高加3分", "scored", None, [("bonus", 2, (1, "篇"), 3)]),
        ("酌情扣分,最多扣5分", "scored", None, [("deduct", None, None, 5)]),
        ("获得表彰的最高加3分", "bonus", None, [("bonus", None, None, 3)]),
        (
            "每少1次扣1分,最多扣5分;每篇加1分,最高不超过3分",
            "scored",
            None,
            [("deduct", 1, (1, "次"), 5), ("bonus", 1, (1, "篇"), 3)],
        ),
        # --- Bonuses ---
        ("获省级表彰加5分", "scored", None, [("bonus", 5, None, None)]),
        ("若召开现场会另加3分", "bonus", None, [("bonus", 3, None, None)]),
        ("发表文章1篇加4分", "bonus", None, [("bonus", 4, (1, "篇"), None)]),
        ("每篇加2分", "bonus", None, [("bonus", 2, (1, "篇"), None)]),
        ("分别加10分、5分", "bonus", None, [("bonus", 10, None, None), ("bonus", 5, None, None)]),
        ("参加培训加2分", "scored", None, [("bonus", 2, None, None)]),
        ("获省级表彰(5分)", "bonus", None, [("bonus", 5, None, None)]),
        # The mark repeats the explicit amount: one bonus.
        ("获省级表彰加5分(5分)", "bonus", None, [("bonus", 5, None, None)]),
        ("加分内容", "bonus", None, []),
        # --- Vetoes ---
        ("直接定为不达标", "scored", None, [("veto", None, None, None)]),
        ("一票否决", "scored", None, [("veto", None, None, None)]),
        ("发生重大责任事故的,实行一票否决", "scored", None, [("veto", None, None, None)]),
        ("发生安全事故的,直接评为不合格", "scored", None, [("veto", None, None, None)]),
        ("弄虚作假的,取消评优资格", "scored", None, [("veto", None, None, None)]),
        # One veto stated twice in a sentence is one rule.
        ("实行一票否决,直接定为不达标", "scored", None, [("veto", None, None, None)]),
        # A condition, not an outcome.
        ("被评为不合格的单位扣5分", "scored", None, [("deduct", 5, None, None)]),
        # --- Tiers ---
        (
            "完成任务(2分),基本完成(1分),部分完成(0.5分)",
            "scored",
            None,
            [("tier", 1, None, None), ("tier", 0.5, None, None)],
        ),
        ("完成任务(2分),完成一半(1分)", "scored", None, [("tier", 1, None, None)]),
        ("完成任务(2分),完成半数(1分)", "scored", None, [("tier", 1, None, None)]),
        ("完成任务数的70%(1分)", "scored", None, []),  # a first mark is never a tier
        ("按时报送年度工作安排或要点(1分),半年工作总结(1分)和年终工作总结(1分);", "scored", None, []),
        # Worth more than the mark before it: a second requirement, not a lesser alternative.
        ("建立台账(1分),满意率达95%(2分)", "scored", None, []),
        # Tiers belong to scored sections only.
        ("完成任务(2分),完成任务数的70%(1分)", "bonus", None, [("bonus", 2, None, None), ("bonus", 1, None, None)]),
        # --- 奖 without 励 ---
        (
            "前3名的分别奖10分、5分、3分",
            "bonus",
            None,
            [("bonus", 10, None, None), ("bonus", 5, None, None), ("bonus", 3, None, None)],
        ),
        ("通报表扬的分别奖10分、5分", "bonus", None, [("bonus", 10, None, None), ("bonus", 5, None, None)]),
        ("每多报告一条线索奖0.2分", "bonus", None, [("bonus", 0.2, (1, "条"), None)]),
        ("每多报告一条线索奖励0.2分", "bonus", None, [("bonus", 0.2, (1, "条"), None)]),
        ("若召开现场会另加奖3分", "bonus", None, [("bonus", 3, None, None)]),
        ("获表彰的奖分2分", "bonus", None, [("bonus", 2, None, None)]),
        (
            "获一、二、三等奖的分别奖5分、3分、1分",
            "bonus",
            None,
            [("bonus", 5, None, None), ("bonus", 3, None, None), ("bonus", 1, None, None)],
        ),
        ("合理设置奖项", "scored", None, []),
        # --- Caps on a per-occurrence bonus or deduction, not rules of their own ---
        ("每多报告一条线索奖励0.2分，最高奖励2分", "bonus", None, [("bonus", 0.2, (1, "条"), 2)]),
        ("每多报告一条线索奖0.2分,最高奖2分", "bonus", None, [("bonus", 0.2, (1, "条"), 2)]),
        ("每篇加1分,最多加5分", "bonus", None, [("bonus", 1, (1, "篇"), 5)]),
        ("每篇加1分,加分上限为5分", "bonus", None, [("bonus", 1, (1, "篇"), 5)]),
        ("每篇加1分,其加分上限为5分", "bonus", None, [("bonus", 1, (1, "篇"), 5)]),
        ("每篇奖1分,奖分上限为4分", "bonus", None, [("bonus", 1, (1, "篇"), 4)]),
        ("每次扣1分,最高扣5分", "scored", None, [("deduct", 1, (1, "次"), 5)]),
        ("每次扣1分,扣分上限为5分", "scored", None, [("deduct", 1, (1, "次"), 5)]),
        (
            "每项加1分,最多加3分;每缺1项扣1分,扣分上限为2分",
            "scored",
            None,
            [("bonus", 1, (1, "项"), 3), ("deduct", 1, (1, "项"), 2)],
        ),
        # With nothing to bound, a verbed cap is a rule of unknown size.
        ("获得表彰的最高奖2分", "bonus", None, [("bonus", None, None, 2)]),
        # --- A counted unit followed by what is counted: the noun is not part of the unit ---
        ("每少一次督导扣1分", "scored", None, [("deduct", 1, (1, "次"), None)]),
        ("每少一次督导,扣1分", "scored", None, [("deduct", 1, (1, "次"), None)]),
        ("每缺一个行业扣1分", "scored", None, [("deduct", 1, (1, "个"), None)]),
        ("每个行业扣1分", "scored", None, [("deduct", 1, (1, "个"), None)]),
        ("每班次加1分", "scored", None, [("bonus", 1, (1, "班次"), None)]),
        ("每案加2分", "scored", None, [("bonus", 2, (1, "案"), None)]),
        ("出现1例未处理扣2分", "scored", None, [("deduct", 2, (1, "例"), None)]),
        ("每项加1分", "scored", None, [("bonus", 1, (1, "项"), None)]),
        ("每延迟1天上报扣1分", "scored", None, [("deduct", 1, (1, "天"), None)]),
        ("每超1个月扣2分", "scored", None, [("deduct", 2, (1, "个月"), None)]),
        ("每年加2分", "bonus", None, [("bonus", 2, (1, "年"), None)]),
        # Not occurrences: a period with what happens in it, a rank, a requirement, thresholds.
        ("每年获评先进个人加2分", "bonus", None, [("bonus", 2, None, None)]),
        ("召开2次会议扣1分", "scored", None, [("deduct", 1, None, None)]),
        ("1个月内未整改扣2分", "scored", None, [("deduct", 2, None, None)]),
        ("出现2次以上不合格扣1分", "scored", None, [("deduct", 1, None, None)]),
        ("第1、2名分别奖10分、5分", "bonus", None, [("bonus", 10, None, None), ("bonus", 5, None, None)]),
        ("前3名奖5分", "bonus", None, [("bonus", 5, None, None)]),
        ("获得冠军加8分、四至六名加3分", "bonus", None, [("bonus", 8, None, None), ("bonus", 3, None, None)]),
        # --- Ranges: every separator alike; no fixed size, the upper end is the cap ---
        ("每学年加15〜20分", "bonus", None, [("bonus", None, (1, "学年"), 20)]),
        ("每学年加15～20分", "bonus", None, [("bonus", None, (1, "学年"), 20)]),
        ("每学年加15~20分", "bonus", None, [("bonus", None, (1, "学年"), 20)]),
        ("每学年加15-20分", "bonus", None, [("bonus", None, (1, "学年"), 20)]),
        ("每学年加15－20分", "bonus", None, [("bonus", None, (1, "学年"), 20)]),
        ("每学年加15至20分", "bonus", None, [("bonus", None, (1, "学年"), 20)]),
        ("加15〜20分", "bonus", None, [("bonus", None, None, 20)]),
        ("扣1〜3分", "scored", None, [("deduct", None, None, 3)]),
        # --- Discretionary bonuses ---
        ("酌情奖分", "bonus", None, [("bonus", None, None, None)]),
        ("酌情加分", "bonus", None, [("bonus", None, None, None)]),
        ("酌情奖分,最高奖5分", "bonus", None, [("bonus", None, None, 5)]),
        # --- Alternatives written as 得N分 ---
        (
            "省级媒体以上推广1篇，得3分；市级媒体推广1篇，得2分；县级媒体推广1篇，得1分",
            "scored",
            None,
            # The best alternative is the full mark (shicheng-hezhang-danwei, xiangxi-tejiao): not a tier.
            [("tier", 2, None, None), ("tier", 1, None, None)],
        ),
        (
            "完全达到得5分，基本达到得3分，未达到不得分",
            "scored",
            5,
            # The full mark (5 of 5) is what the item is worth, not an alternative to it.
            [("tier", 3, None, None), ("deduct", 5, None, None)],
        ),
        (
            "完全达到得5分，基本达到得3分，未达到不得分",
            "scored",
            None,
            [("tier", 3, None, None), ("deduct", None, None, None)],
        ),
        (
            "优秀得10分,良好得8分,较差得0分",
            "scored",
            10,
            [("tier", 8, None, None), ("deduct", 10, None, None)],
        ),
        # In a bonus section the alternatives are bonuses.
        ("获国家级表彰得5分,获省级表彰得3分", "bonus", None, [("bonus", 5, None, None), ("bonus", 3, None, None)]),
        # Alternatives stand in one numbered sub-item: the lone 得5分 of sub-item 1 is not one of them.
        (
            "1.按要求每月上报工作开展情况,得5分,每少一次扣0.5分,扣完为止 "
            "2.信息报道受省级媒体推广1篇,得3分;市级媒体推广2篇,得2分;县级媒体推广,得1分。",
            "scored",
            10,
            [("deduct", 0.5, (1, "次"), 10), ("tier", 2, None, None), ("tier", 1, None, None)],
        ),
        # A single 得N分 restates what the item is worth.
        ("按时完成,得5分", "scored", 5, []),
        ("获得3分", "scored", None, []),
        # --- 不得分 costs the mark of its own clause, not a larger enclosing total ---
        ("按时报送，否则不得分（10分）", "scored", 30, [("deduct", 10, None, None)]),
        ("按时报送，否则该项不得分", "scored", 10, [("deduct", 10, None, None)]),
        ("建立台账(2分),按时报送(3分),否则不得分", "scored", None, [("deduct", 5, None, None)]),
        # Marks before it in its clause are what it takes away.
        ("年度总结(2分)、半年总结(1分)未报送不得分", "scored", 10, [("deduct", 3, None, None)]),
        # --- Numbered sub-items: each rule stays in its own ---
        (
            "(1)信息报送每少1次扣1分 (2)河长制信息每篇加1分,最多加3分",
            "scored",
            10,
            [("deduct", 1, (1, "次"), None), ("bonus", 1, (1, "篇"), 3)],
        ),
        # --- Deduct sections ---
        ("该项不得分(20分)", "deduct", None, [("deduct", 20, None, None)]),
        ("每发生一起(10分)", "deduct", None, [("deduct", 10, (1, "起"), None)]),
        ("扣分内容", "deduct", None, []),
        ("", "scored", None, []),
        # --- One unit shared by a list (shicheng-hezhang-xiangzhen, shicheng-hezhang-danwei) ---
        ("河长制工作先进经验获省、市通报表扬并推广的,分别奖20、10分", "mixed", None,
         [("bonus", 20, None, None), ("bonus", 10, None, None)]),
        ("被省、市明查暗访组查实落实不到位点名批评的,分别扣20、10分", "mixed", None,
         [("deduct", 20, None, None), ("deduct", 10, None, None)]),
        ("考核结果列全省、市前3名的分别奖10分、5分、3分", "mixed", None,
         [("bonus", 10, None, None), ("bonus", 5, None, None), ("bonus", 3, None, None)]),
        # --- Credit per counted unit (zhonglou-xinxi-pingfen, a second publisher's wording) ---
        ("按要求完成专题约稿任务的,每篇计2分", "scored", None, [("bonus", 2, (1, "篇"), None)]),
        ("政务及新闻类每篇计10分,理论调研类每篇计20分", "scored", None,
         [("bonus", 10, (1, "篇"), None), ("bonus", 20, (1, "篇"), None)]),
        ("被市级媒体采用的,每件记1分", "scored", None, [("bonus", 1, (1, "件"), None)]),
        # --- Ratios (shicheng-hezhang-xiangzhen) and their general case ---
        ("多投稿一篇按2:1:0.5比例加分", "scored", None,
         [("bonus", 2, (1, "篇"), None), ("bonus", 1, (1, "篇"), None), ("bonus", 0.5, (1, "篇"), None)]),
        ("每少一次按3:2比例扣分", "scored", None, [("deduct", 3, (1, "次"), None), ("deduct", 2, (1, "次"), None)]),
        # --- A space inside a number (a text export), ranges (ducha-gongzuo-xize, a JGJ59 sheet) ---
        ("资料不全的扣0 .5分", "scored", None, [("deduct", 0.5, None, None)]),
        ("区政府重点工作各季度报告不能反映工作实施情况,扣5-10分", "scored", None, [("deduct", None, None, 10)]),
        ("各级各部门未执行责任制的,扣4~6分", "scored", None, [("deduct", None, None, 6)]),
        # --- 不得分 in a numbered sub-item worth its own 得N分 (shicheng-hezhang-xiangzhen) ---
        ("1.成立乡镇护渔队,得1分。2.加大巡查力度,年内无案例不得分,得3分。", "scored", 4, [("deduct", 3, None, None)]),
        # --- 得N分;否则不得分: a requirement of its own (chuangjian-shifancheng, a second wording) ---
        ("持续开展宣传周活动,得3分;否则不得分。开展营养教育,得2分;否则相应扣分。", "scored", 7,
         [("deduct", 3, None, None), ("deduct", None, None, None)]),
        ("建立台账,得2分,否则不得分", "scored", 5, [("deduct", 2, None, None)]),
        # --- Conditions labelled 加:/减: of unstated size (dongnao-banzhuren), 加分项 ---
        ("基准分15分。标准:满意度95%\n加:满意度高于95%\n减:满意度低于95%", "scored", 15,
         [("bonus", None, None, None), ("deduct", None, None, None)]),
        ("扣:迟到、早退等", "scored", None, [("deduct", None, None, None)]),
        ("加分项。参与助教外其他工作", "scored", None, [("bonus", None, None, None)]),
        # --- A rating scale: options below the best are tiers (dianzi-zhengwuyun-manyidu, 5 grades) ---
        ("很满意：10分；较满意：8分；一般：6分；不满意：4分；", "scored", 10,
         [("tier", 8, None, None), ("tier", 6, None, None), ("tier", 4, None, None)]),
        ("无中断:5分;偶尔中断但恢复很快:4分;经常中断:2分;", "scored", None,
         [("tier", 4, None, None), ("tier", 2, None, None)]),
        # The scale's 0-point option loses the item (kehu-zixin-pingfen-biaozhun, whut-qingong-anquanzu)
        ("以我方为准：5分；以对方为准：0分", "scored", 5, [("deduct", 5, None, None)]),
        ("优：10分；良：6分；差：0分", "scored", 10, [("tier", 6, None, None), ("deduct", 10, None, None)]),
        # Grade bands of a rating scale: those below the top are tiers capped at their top
        # (eia-yuangong-yuedu-kaohe, whut-qingong-julebu-yuangong-yuedu-kaohe)
        ("18-20分执行能力强;15-17分执行能力良好;0-12分执行能力较差", "scored", 20,
         [("tier", None, None, 17), ("tier", None, None, 12)]),
        ("优秀(15-20分);良好(10-15分);一般(1-10分)", "scored", None,
         [("tier", None, None, 15), ("tier", None, None, 10)]),
        # A per-unit amount without its verb takes the section's (houqinchu-qingjiegong-kaohe-hant)
        ("门等不擦洗每次2分。", "deduct", None, [("deduct", 2, (1, "次"), None)]),
        ("在省级刊物发表论文每篇2分", "bonus", None, [("bonus", 2, (1, "篇"), None)]),
        ("门等不擦洗每次2分。", "scored", None, []),
        # 增加 and 参加 before a colon are not labels.
        ("增加:新设岗位2个", "scored", None, []),
    ],
)
def test_find_rules(text: str, section: SectionKind, points: float | None, expected: list[Expected]) -> None:
    assert _shape(find_rules(text, section, points)) == expected


@pytest.mark.parametrize(
    ("text", "section", "expected"),
    [
        ("4、成立老干部工作领导小组(1分),每年召开2次以上会议(1分),少1次扣1分;", "scored", ["少1次扣1分"]),
        (
            "34、完成《老友》杂志征订任务(2分),完成任务数的70%(1分),完成任务数的50%(0.5分)。",
            "scored",
            ["完成任务数的70%(1分)", "完成任务数的50%(0.5分)"],
        ),
        (
            "42、老干部综合工作获省级表彰加5分,获市级表彰加2分;",
            "bonus",
            ["老干部综合工作获省级表彰加5分", "获市级表彰加2分"],
        ),
        # Punctuation inside brackets does not cut the clause.
        (
            "采用的(含组织部,老干部局)分别加10分、5分",
            "bonus",
            ["采用的(含组织部,老干部局)分别加10分、5分"] * 2,
        ),
        ("49、因工作不到位,引发老干部**事故(直接定为不达标);", "deduct", ["引发老干部**事故(直接定为不达标)"]),
        ("每少1次,扣1分", "scored", ["每少1次,扣1分"]),
        ("每多报告一条线索奖励0.2分，最高奖励2分", "bonus", ["每多报告一条线索奖励0.2分"]),
        # A rule's text stops where the next numbered sub-item starts, and the next starts after its number.
        (
            "1.信息报送及时,每少1次扣1分(扣完为止) 2.河长制相关信息报道及时(5分)",
            "scored",
            ["每少1次扣1分(扣完为止)"],
        ),
        (
            "每少1次扣1分,扣完为止) 2.河长制相关信息报道每篇加1分",
            "scored",
            ["每少1次扣1分", "河长制相关信息报道每篇加1分"],
        ),
        # A line wrap undone: "止2." is numbering all the same.
        (
            "每少1次扣1分,扣完为止\n2.河长制相关信息报道每篇加1分",
            "scored",
            ["每少1次扣1分", "河长制相关信息报道每篇加1分"],
        ),
        (
            "省级媒体以上推广1篇，得3分；市级媒体推广1篇，得2分；县级媒体推广1篇，得1分",
            "scored",
            ["市级媒体推广1篇,得2分", "县级媒体推广1篇,得1分"],
        ),
        (
            "完全达到得5分，基本达到得3分，未达到不得分",
            "scored",
            ["基本达到得3分", "未达到不得分"],
        ),
        ("按时报送，否则不得分（10分）", "scored", ["否则不得分(10分)"]),
        ("完全达到得5分基本达到得3分", "scored", ["基本达到得3分"]),
        ("符合要求,得满分;达到规定数的90%,得2分;达到80%,得1分", "scored", ["达到规定数的90%,得2分", "达到80%,得1分"]),
    ],
)
def test_find_rules_text(text: str, section: SectionKind, expected: list[str]) -> None:
    assert [r.text for r in find_rules(text, section)] == expected


def test_rule_fields() -> None:
    assert find_rules("少1次扣1分,扣完为止", item_points=2) == [
        Rule(kind="deduct", points=1.0, text="少1次扣1分", per=Per(count=1, unit="次"), cap=2.0)
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("工作制度健全(1分)、工作规范有序(1分)、活动有记录(1分);", 3.0),
        ("34、完成《老友》杂志征订任务(2分),完成任务数的70%(1分),完成任务数的50%(0.5分)。", 2.0),
        (
            "建立、健全老干部信访工作制度(0.5分),对老干部来信来访有登记,有回复(0.5分),信访诉求能得到妥善处臵(0.5分);",
            1.5,
        ),
        ("信访诉求能得到妥善处臵(0.5\n分);有登记(0.5 分)", 1.0),
        ("无老干部越级上访、集体上访、联名上访(1.5分)。", 1.5),
        ("基本待遇（２分）", 2.0),
        ("完成任务(2分),基本完成(1分)", 2.0),
        ("5、走访慰问老干部(1分),走访慰问率达100%(4分),少1次扣1分;", 5.0),
        ("少1次扣1分", None),
        ("建立离退休干部理论学习等制度;", None),
        ("", None),
    ],
)
def test_item_points(text: str, expected: float | None) -> None:
    assert item_points(text) == expected


@pytest.mark.parametrize(
    ("text", "points"),
    [
        # Inline marks, and a first mark its parts add up to (xx-xiang-dui-cun, a second layout).
        ("工作制度健全(1分)、工作规范有序(1分)、活动有记录(1分)", 3),
        ("意识形态工作(3分)清理破损标语(0.5分);舆情风险排查表(0.5分);活动室整洁(2分)", 3),
        ("党建工作(20分):组织(8分)、纪检(8分)、宣传(4分)", 20),
        # A stated share or base (ducha-gongzuo-xize, dongnao-banzhuren).
        ("区政府领导对实施情况的评价。占20分", 20),
        ("该项占10。标准:考察班主任和讲师的配合", 10),
        ("基准分15分。标准:满意度95%", 15),
        # Full marks 得N分: the best alternative of each numbered sub-item (xiangxi-tejiao, shicheng).
        ("按标准发放得10分,每少1元扣1分", 10),
        ("良好得10分,一般得8分,差得0分", 10),
        ("1.推进APP巡河信息平台建设,得2分。2.按制度要求开展巡河,得3分。", 5),
        # Requirements of their own add up (chuangjian-shifancheng).
        ("落实普法责任制,得2分;否则相应扣分。开展宣传周活动,得3分;否则不得分。开展营养教育,得2分;否则相应扣分。", 7),
        # A rating scale's options, each "label:N分" (dianzi-zhengwuyun-manyidu; a 5-grade scale).
        ("很满意：10分；较满意：8分；一般：6分；不满意：4分；", 10),
        ("很好:5分;较好:4分;一般:3分;较差:2分;很差:1分;", 5),
        # 计N分 states it as 得N分 does (lizhen-jindu-kaoping; nongcun-mubiao's 目标责任书 wording).
        ("成立禁毒工作领导小组,有档案、有组织计10分。", 10),
        # No worth stated: rules alone, per-unit credits.
        ("未报扣10分", None),
        ("每篇计2分", None),
        ("每篇得2分", None),
    ],
)
def test_stated_points(text: str, points: float | None) -> None:
    assert stated_points(text) == points


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # 加减分 cells (wendeng-xinyong-pingjia): the sign says which.
        ("-20", [("deduct", 20, None, None)]),
        ("+5", [("bonus", 5, None, None)]),
        ("-5至-50", [("deduct", None, None, 50)]),
        ("-1~-3分", [("deduct", None, None, 3)]),
        ("5", [("bonus", 5, None, None)]),
    ],
)
def test_amount_rules(text: str, expected: list[Expected]) -> None:
    assert _shape(amount_rules(text)) == expected
