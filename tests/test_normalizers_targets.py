import pytest

from normalizers.targets import joined_target, parse_target, single_threshold
from schema.records import Target, TargetOp


@pytest.mark.parametrize(
    ("raw", "op", "value", "unit"),
    [
        ("≥100", ">=", 100.0, None),
        (">＝85%", ">=", 85.0, "%"),
        ("＞＝８５％", ">=", 85.0, "%"),
        (">=5.", ">=", 5.0, None),
        ("≥200人", ">=", 200.0, "人"),
        ("≥ 200 人", ">=", 200.0, "人"),
        ("90%以上", ">=", 90.0, "%"),
        ("不少于6篇", ">=", 6.0, "篇"),
        ("不低于95%", ">=", 95.0, "%"),
        ("≤5%", "<=", 5.0, "%"),
        ("<=3天", "<=", 3.0, "天"),
        ("不超过10万元", "<=", 10.0, "万元"),
        ("低于3%", "<", 3.0, "%"),
        ("大于50", ">", 50.0, None),
        ("=100%", "=", 100.0, "%"),
        ("100%", "=", 100.0, "%"),
        ("30%以内", "<=", 30.0, "%"),
        ("5次以下", "<=", 5.0, "次"),
        ("达到10篇以上", ">=", 10.0, "篇"),
        ("达到100%", ">=", 100.0, "%"),
        ("至少2次", ">=", 2.0, "次"),
        # Quantities of works and rates (yueyang-gaobiao-nongtian, nanyue-fupin-jidi 绩效目标申报表).
        (">=20平方米", ">=", 20.0, "平方米"),
        ("≥100公里", ">=", 100.0, "公里"),
        ("<=475元/亩", "<=", 475.0, "元/亩"),
        ("≥1人/年", ">=", 1.0, "人/年"),
        ("帮扶特殊困难离退休干部及离休干部遗孀≥200人", ">=", 200.0, "人"),
        ("帮扶特殊困难离退休\n干部及离休干部遗孀\n≥200人", ">=", 200.0, "人"),
        ("资助贫困学生≥220人", ">=", 220.0, "人"),
        ("≥100老年大学全年开展课程次数", ">=", 100.0, None),
        ("≥80对青少年开展教学活动", ">=", 80.0, None),
        ("≥11个学年度的教学目标", ">=", 11.0, None),
        ("指标值为>＝150", ">=", 150.0, None),
        ("≥90%", ">=", 90.0, "%"),
        ("≥90分", ">=", 90.0, "分"),
        ("不少于一篇", ">=", 1.0, "篇"),
        ("两个以上", ">=", 2.0, "个"),
        ("3年以上", ">=", 3.0, "年"),
        ("1.5万人次以上", ">=", 1.5, "万人次"),
        ("≥5万人", ">=", 5.0, "万人"),
        ("6000元", "=", 6000.0, "元"),
        ("大于等于60", ">=", 60.0, None),
        ("小于等于2小时", "<=", 2.0, "小时"),
        ("超过3项", ">", 3.0, "项"),
        ("不少於兩個", ">=", 2.0, "个"),
        ("不超過10萬元", "<=", 10.0, "万元"),
        ("举办1次全区离退休干部趣味运动会，参赛队伍达到40支以上。", ">=", 40.0, "支"),
        # 百分比 written out is the percent sign.
        ("≥100百分比", ">=", 100.0, "%"),
        ("≤5百分比", "<=", 5.0, "%"),
        ("不低于95百分比", ">=", 95.0, "%"),
        ("90百分比以上", ">=", 90.0, "%"),
        ("100百分比", "=", 100.0, "%"),
    ],
)
def test_parse_target(raw: str, op: TargetOp, value: float, unit: str | None) -> None:
    assert parse_target(raw) == Target(op, value, unit, raw.strip())


@pytest.mark.parametrize(
    "raw",
    [
        "2021年人均约6000元",
        "2021年人均约6000\n元",
        "按时下拨",
        "",
        "   ",
        "新创建市级网络课堂示范站点2个、市级示范性离退休干部党支部3个",
        "市级验收通报后一个\n月内经费下拨",
        "8-9月对审核符合要求的对象进行现金资助",
        "2021年",
        "30分",
        "达到一定规模",
        # A bound without a number is no target.
        "不超预算",
        "不超过预算",
        "支出不超过预算",
    ],
)
def test_parse_target_none(raw: str) -> None:
    assert parse_target(raw) is None


def test_parse_target_keeps_stripped_input_as_text() -> None:
    target = parse_target("  ≥90%\n")
    assert target is not None
    assert target.text == "≥90%"


@pytest.mark.parametrize(
    ("raw", "op", "value", "unit"),
    [
        # the threshold of the full mark, whatever the criteria say after it (boruocun-xin-bayou,
        # a 村 考核表; wangcheng-ziping's "95%以上得满分" in its 评分标准)
        ("参加测评的党员满意度票数与总票数之比，80%以上得满分，每少5%减1分，低于50%不得分", ">=", 80.0, "%"),
        ("特色产业带动低收入农户数与总数之比，50%以上得满分，每减少5%减1分", ">=", 50.0, "%"),
        ("投诉率在1%以内的得满分;每超过1个百分点扣1分", "<=", 1.0, "%"),
        # one threshold written on both sides of its quantity
        ("集体经营性收入要达到15万元以上。各年度考核时每少1万元扣2分", ">=", 15.0, "万元"),
        ("辖区人口数≥5万人", ">=", 5.0, "万人"),
    ],
)
def test_single_threshold(raw: str, op: TargetOp, value: float, unit: str | None) -> None:
    target = single_threshold(raw)
    assert target is not None
    assert (target.op, target.value, target.unit) == (op, value, unit)


@pytest.mark.parametrize(
    "raw",
    ["按时完成得满分", "床位数≥200张，年收治≥3400人次", "未建立制度扣2分", ""],
)
def test_single_threshold_none(raw: str) -> None:
    assert single_threshold(raw) is None


@pytest.mark.parametrize(
    ("comparator", "value", "unit", "joined"),
    [
        # 指标性质 | 指标值 | 度量单位 (jingyan-mata-cunzu 申报表; the spaced forms of wuhai-gongxiao).
        ("≥", "95", "%", "≥95%"),
        ("≤", "3", "天", "≤3天"),
        ("", "230", "个", "230个"),
        ("正向指标", "95", "", "95"),  # no comparator beside the value
        ("≥", "有所提升", "%", "有所提升"),  # a value in words takes nothing from its neighbours
        ("≥", "95", "保障学校正常运行", "≥95"),  # no unit
    ],
)
def test_joined_target(comparator: str, value: str, unit: str, joined: str) -> None:
    assert joined_target(comparator, value, unit) == joined
