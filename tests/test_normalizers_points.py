import pytest

from normalizers.points import inline_points, parse_points, split_name_points, trailing_points


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("35", 35.0),
        ("30分", 30.0),
        ("（400分）", 400.0),
        ("(400分)", 400.0),
        ("(400\n分)", 400.0),
        ("1.5", 1.5),
        ("98.9\n2", 98.92),
        ("5 分", 5.0),
        ("０.５分", 0.5),
        ("十分", 10.0),
        ("0", 0.0),
        ("", None),
        ("--", None),
        ("分值", None),
        ("无", None),
        ("少1次扣1分", None),
        ("每项1分", None),
    ],
)
def test_parse_points(raw: str, expected: float | None) -> None:
    assert parse_points(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("围绕中心履职尽责（400分）", ("围绕中心履职尽责", 400.0)),
        ("一、领导重视(20分)", ("一、领导重视", 20.0)),
        ("领导重视 (20分)", ("领导重视", 20.0)),
        ("阵地建设和学习活动开展情况(10分)", ("阵地建设和学习活动开展情况", 10.0)),
        ("一、領導重視(20分)", ("一、領導重視", 20.0)),
        ("基本待遇（２０分）  ", ("基本待遇", 20.0)),
        ("学习活动(0.5 分)", ("学习活动", 0.5)),
        ("  领导重视  ", ("领导重视", None)),
        ("重点（职能）工作", ("重点（职能）工作", None)),
        (
            "成立老干部工作领导小组(1分),每年召开2次以上",
            ("成立老干部工作领导小组(1分),每年召开2次以上", None),
        ),
        (
            "工作制度健全(1分)、工作规范有序(1分)、活动有记录(1分)",
            ("工作制度健全(1分)、工作规范有序(1分)、活动有记录(1分)", None),
        ),
        ("", ("", None)),
    ],
)
def test_split_name_points(raw: str, expected: tuple[str, float | None]) -> None:
    assert split_name_points(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("工作制度健全(1分)、工作规范有序(1分)、活动有记录(1分)", [1.0, 1.0, 1.0]),
        ("建立了困难离休干部登记制度(0.5分),及时走访慰问(0.5分)", [0.5, 0.5]),
        ("纳入考核内容（3分），党委每年至少听取一次（2分）", [3.0, 2.0]),
        ("在职县区领导亲自走访慰问老干部(1\n分)", [1.0]),
        ("老干部局组织报告会两次以上(不含保健讲座)(1分)", [1.0]),
        ("少1次扣1分", []),
        ("采用信息加5分", []),
        ("领导重视(20分)", [20.0]),
        ("（１０分）", [10.0]),
        ("", []),
    ],
)
def test_inline_points(raw: str, expected: list[float]) -> None:
    assert inline_points(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # dachuan-chenjia-shipin-kaohe (a 乡 食品安全考核办法 published as web text): "…; 5分"
        ("村(居、社区)重视食品安全工作,相关工作制度上墙; 5分", 5.0),
        ("配合相关部门开展食品安全执法检查活动; 10分", 10.0),
        # a points column run into its line (ningjin, xuexiao-anquan web text): after a sentence end
        ("查看会议记录。10分", 10.0),
        ("建立工作台账 2.5分。", 2.5),
        ("按时报送 １０分", 10.0),
        # a rule's amount is no item's points, written apart or not
        ("每少一次扣 5分", None),
        ("未按时报送的扣2分", None),
        ("获市级表彰加 3分", None),
        ("分别计 2分", None),
        ("5分", None),  # a bare figure is a points cell, not an item's trailing points
        ("", None),
    ],
)
def test_trailing_points(raw: str, expected: float | None) -> None:
    assert trailing_points(raw) == expected
