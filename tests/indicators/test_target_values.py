"""Reading target values (domain.md §3.4)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

import pytest
from hypothesis import given
from hypothesis import strategies as st

from indicators.serialized import parse_indicator_cell
from indicators.target_values import (
    Comparator,
    Direction,
    TargetValue,
    is_percentage_over_100,
    read_target,
    unit_from_name,
)

GE, LE, GT, LT, EQ = Comparator.GE, Comparator.LE, Comparator.GT, Comparator.LT, Comparator.EQ
POS, REV = Direction.POSITIVE, Direction.REVERSE


def seed_path(name: str) -> Path:
    """A seed file: the repository is /work/main and the seeds live in /work/shared/seeds."""
    return Path(__file__).resolve().parents[3] / "shared" / "seeds" / name


class Expected(NamedTuple):
    text: str
    indicator_name: str
    comparator: Comparator | None
    number: str | None
    unit: str
    direction: Direction | None
    quantitative: bool
    measurable: bool
    compound: bool


def num(text: str, name: str, comparator: Comparator, number: str, unit: str) -> Expected:
    """A quantitative row; the direction follows the comparator (checked separately)."""
    direction = REV if comparator in (LE, LT) else POS
    return Expected(text, name, comparator, number, unit, direction, True, True, False)


def qual(text: str, name: str, measurable: bool) -> Expected:
    """A qualitative (定性) row: nothing to read but whether it names a checkable standard."""
    return Expected(text, name, None, None, "", None, False, measurable, False)


def both(text: str, name: str) -> Expected:
    """A compound row of two "≥" clauses."""
    return Expected(text, name, None, None, "", POS, True, True, True)


# Every distinct target value of seeds 000, 001 and 003 (实施周期指标值 and 年度指标值), written by
# hand. A value whose reading depends on the 三级 name appears once per distinct reading (≥8).
SEED_VALUES = [
    # seed 000 (天河, 2025)
    num("3家律师事务所", "为区政府购买常年法律顾问服务", EQ, "3", "家律师事务所"),
    num("1次", "组织开展党政主要负责人述法活动", EQ, "1", "次"),
    num("≥21场", "业务宣传活动（场次）", GE, "21", "场"),
    num("100%", "专题宣传片制作完成率", EQ, "100", "%"),
    num("为符合条件的援助对象提供法律援助率100%", "法律援助案件办理率", EQ, "100", "%"),
    num("32人", "司法社工配置数量", EQ, "32", "人"),
    num("≥8", "实施精准普法重点项目（个）", GE, "8", "个"),
    num("法定期限办结率100%", "行政复议案件办结率", EQ, "100", "%"),
    num("12", "专职人民调解员配置数量（人）", EQ, "12", "人"),
    num("≥90", "法律援助案件质量合格率（%）", GE, "90", "%"),
    both(
        "公职人员统一学法考试参考率不低于85%，及格率不低于85%", "国家工作人员统一学法考试参考率、考试及格率"
    ),
    num("≥95", "对社区法律顾问考核评估合格率（%）", GE, "95", "%"),
    qual("及时", "设备维护及时性", True),
    qual("评估达标", "提升社区矫正工作专业化水平", True),
    qual("行政复议综合纠错率达到考核标准", "行政复议综合纠错率", True),
    qual("通过评审", "法治创新重点项目培育孵化情况", True),
    qual("符合采购标准", "设备购置成本控制", True),
    # seed 001 (越秀, 2025)
    num("≥1", "每季度举办法治讲座（含线上法治讲座）、法治宣传数（场次）", GE, "1", "场次"),
    num("≥55件", "人均年度调解案件数", GE, "55", "件"),
    num("≥90%", "社区矫正对象信息化核查率", GE, "90", "%"),
    num("≥95%", "各区司法局对法律顾问考核评估合格率（%）", GE, "95", "%"),
    num("≤1.8%", "当年刑满释放人员重新犯罪率", LE, "1.8", "%"),
    num("≥85%", "调解服务的满意度", GE, "85", "%"),
    # seed 003 (天河 projects), values not already above
    qual("达标", "保障机构正常运行", True),
    num("≥8", "每月到社区提供法律服务（含非现场服务折抵时间）时间（小时）", GE, "8", "小时"),
    qual("符合文件标准", "社区法律顾问工作经济补贴标准", True),
    qual("符合规范", "采购程序的规范性", True),
    qual("正常运行", "保障机构正常运行", True),
    num("12人", "慰问人次", EQ, "12", "人"),
    num("2次", "慰问活动次数", EQ, "2", "次"),
    num("每个居委调委会调解员不少于3人", "居委调委会调解员配置人数", GE, "3", "人"),
    num("不少于2000次", "全年矛盾纠纷排查次数", GE, "2000", "次"),
    num("调解协议履行率达100%", "调解协议履行率", GE, "100", "%"),
    num("达100%", "调解协议履行率", GE, "100", "%"),
    num("年均3人", "公共法律服务项目人员配置数量", EQ, "3", "人"),
    num("3人", "公共法律服务项目人员配置数量", EQ, "3", "人"),
    qual("运行良好，评估达标。", "实施公共法律服务项目", True),
    qual("项目运行良好，评估达标", "实施公共法律服务项目", True),
    num("≥1次", "开展执法案件评查（次数）", GE, "1", "次"),
    num("≥1场次", "组织培训（场次）", GE, "1", "场次"),
    qual("良好以上", "法治广州建设考评（等级）", True),
    num("每年不少于400宗", "辅助审理行政复议案件（宗）", GE, "400", "宗"),
    num("5人", "配置行政复议应诉辅助人员数量", EQ, "5", "人"),
    num("完成率100%", "代理区政府行政复议案件", EQ, "100", "%"),
    num("15%以下", "区政府应诉案件败诉率", LE, "15", "%"),
    num("年均≥1场次", "组织培训(场次)", GE, "1", "场次"),
    num("1场次", "组织培训(场次)", EQ, "1", "场次"),
    qual("通过考核", "社区矫正工作年度考核", True),
    qual("“两类”人员未发生影响重大的恶性事件。", "预防和减少重新犯罪, 维护社会稳定", True),
    num("社区矫正对象监管率100%", "预防和减少重新犯罪, 维护社会稳定", EQ, "100", "%"),
    num("≥70", "个案服务(个)", GE, "70", "个"),
    num("≥300", "初始评估(例)", GE, "300", "例"),
    num("≥100", "判前社会调查(例)", GE, "100", "例"),
    num("每个司法所每季度至少举行1场", "开展公益活动(场)", GE, "1", "场"),
    num("全年不少于2场", "技能培训(场)", GE, "2", "场"),
    # "两次" is a Chinese numeral: not read, the value is qualitative.
    qual("每年组织两次评估, 项目评估达标。", "提升社区矫正工作专业化水平", True),
    qual("每年组织两次评估, 项目评估达标", "提升社区矫正工作专业化水平", True),
    num("1次以上", "设备运维频率", GE, "1", "次"),
    num("1个", "购买专项法律服务项目(个)", EQ, "1", "个"),
    num("初审合格率100%", "辖内律师事务所年度考核(%)", EQ, "100", "%"),
    qual("在法定期限内处理投诉工作", "做好对律师和律师事务所的投诉处理工作", True),
    num("提供法律帮助率100%", "在审查起诉阶段为犯罪嫌疑人以及在审判阶段为被告人提供法律帮助", EQ, "100", "%"),
    num("≥1场", "法律援助宣传活动(场次)", GE, "1", "场"),
    qual("以法律援助当事人申请为标准指派律师", "法律援助机构指派律师数", False),
    qual("当年指派律师人数", "法律援助机构指派律师数", False),
    qual("运行服务评估达标", "开展法律援助工作服务项目", True),
    qual("符合补贴支付标准", "支付法律援助律师办案补贴合规性", True),
    qual("符合标准", "支付法律援助律师办案补贴合规性", True),
    qual("符合广东省法律援助机构基础设施建设标准, 窗口建设达标。", "服务环境与规范", True),
    num("及时完成率100%", "法律援助案件承办完成率", EQ, "100", "%"),
    qual("法律援助案件全年受援人数", "法律援助受益人数", False),
    qual("全年受援人数", "法律援助受益人数", False),
    qual("长期", "提升法律援助的影响力", False),
    qual("合格以上", "法律援助案件质量评核", True),
    num("≥5个", "实施精准普法项目(个数)", GE, "5", "个"),
    num("完成上级下发的创建要求, 创建率100%", "民主法治示范社区申报创建数", EQ, "100", "%"),
    num("创建率100%", "民主法治示范社区申报创建数", EQ, "100", "%"),
    num("≥2场次", "组织培训(场次)", GE, "2", "场次"),
    both(
        "公职人员统一学法考试参考率不低于85%、及格率不低于85%", "国家工作人员统一学法考试参考率、考试及格率"
    ),
    qual("", "国家工作人员统一学法考试参考率、考试及格率", False),  # the missing 年度指标值
    qual("项目运行良好, 评估达标。", "普法宣传服务项目运行", True),
    num("0", "政策支持规范性", EQ, "0", ""),
    qual("力争正增长", "规模以上律所营收增长率", True),
    num("年均12人", "人员配备情况", EQ, "12", "人"),
    num("≥55", "人均年度调解案件数", GE, "55", ""),
    num("≥80%", "专职人民调解员调解成功率", GE, "80", "%"),
]

# Seed 001 is laid out with spaces, not tabs; its values, copied by hand.
SEED_001_VALUES = {"≥1", "100%", "≥55件", "≥90%", "≥95%", "≤1.8%", "≥85%"}


def seed_000_values() -> set[str]:
    """Both value columns of seed 000's tab-separated indicator rows (after the 三级指标 header)."""
    values = set()
    in_table = False
    for line in seed_path("000_c54e488c525bb6a4.txt").read_text(encoding="utf-8").splitlines():
        columns = line.split("\t")
        in_table = in_table or "三级指标" in columns
        if in_table and len(columns) == 6 and columns[3] and columns[3] != "三级指标" and columns[4]:
            values.update(columns[4:6])
    return values


def seed_003_values() -> set[str]:
    values = set()
    for line in seed_path("003_fbe7460060ce89e9.txt").read_text(encoding="utf-8").splitlines():
        columns = line.split("\t")
        if len(columns) == 7 and "、1-" in columns[6]:
            for indicator in parse_indicator_cell(columns[6]).indicators:
                values.update((indicator.period_value, indicator.annual_value))
    return values


def test_table_covers_every_seed_value() -> None:
    seed_001 = seed_path("001_d1a73e039ac2dbf7.txt").read_text(encoding="utf-8")
    assert all(value in seed_001 for value in SEED_001_VALUES)
    assert len(seed_000_values()) == 17
    assert len(seed_003_values()) == 74
    covered = {row.text for row in SEED_VALUES}
    assert seed_000_values() | SEED_001_VALUES | seed_003_values() <= covered


@pytest.mark.parametrize(
    "row", SEED_VALUES, ids=[f"{r.text or '(empty)'}|{r.indicator_name}" for r in SEED_VALUES]
)
def test_seed_value(row: Expected) -> None:
    value = read_target(row.text, row.indicator_name)
    read = Expected(
        value.text,
        row.indicator_name,
        value.comparator,
        None if value.number is None else str(value.number),
        value.unit,
        value.direction,
        value.quantitative,
        value.measurable,
        value.compound,
    )
    assert read == row
    assert not value.placeholder


@pytest.mark.parametrize(
    "text",
    [
        "公职人员统一学法考试参考率不低于85%，及格率不低于85%",
        "公职人员统一学法考试参考率不低于85%、及格率不低于85%",
    ],
)
def test_compound_parts(text: str) -> None:
    value = read_target(text, "国家工作人员统一学法考试参考率、考试及格率")
    assert [(p.text, p.comparator, p.number, p.unit, p.direction) for p in value.parts] == [
        ("公职人员统一学法考试参考率不低于85%", GE, Decimal(85), "%", POS),
        ("及格率不低于85%", GE, Decimal(85), "%", POS),
    ]


def test_single_measurable_clause_is_not_compound() -> None:
    value = read_target("完成上级下发的创建要求, 创建率100%")
    assert value.parts == ()
    assert not value.compound


def test_numbers_are_decimals() -> None:
    assert read_target("≤1.8%").number == Decimal("1.8")
    assert isinstance(read_target("≤1.8%").number, Decimal)
    assert read_target("不少于2,000次").number == Decimal(2000)


@pytest.mark.parametrize(
    ("text", "comparator", "number", "unit"),
    [
        ("不超过5%", LE, "5", "%"),
        ("不高于2次", LE, "2", "次"),
        ("5次以内", LE, "5", "次"),
        ("低于3%", LT, "3", "%"),
        ("<3%", LT, "3", "%"),
        (">10人", GT, "10", "人"),
        ("超过10人", GT, "10", "人"),
        ("=100%", EQ, "100", "%"),
        (">=90%", GE, "90", "%"),
        ("≥９０％", GE, "90", "%"),
        ("3人及以上", GE, "3", "人"),
        ("达到95%", GE, "95", "%"),
        ("2025年完成率100%", EQ, "100", "%"),
    ],
)
def test_comparator_words_and_symbols(text: str, comparator: Comparator, number: str, unit: str) -> None:
    value = read_target(text)
    assert (value.comparator, value.number, value.unit) == (comparator, Decimal(number), unit)
    assert value.text == text


@pytest.mark.parametrize("text", ["达标", "良好以上", "合格以上", "送达及时"])
def test_comparator_words_without_a_number_are_qualitative(text: str) -> None:
    value = read_target(text)
    assert (value.comparator, value.number, value.direction, value.quantitative) == (None, None, None, False)


# --- placeholders -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "comparator", "unit"),
    [
        ("≥**个", GE, "个"),
        ("*", None, ""),
        ("＊", None, ""),
        ("XX人", None, "人"),
        ("xx%", None, "%"),
        ("≤XX%", LE, "%"),
        ("不少于___场", GE, "场"),
    ],
)
def test_placeholder(text: str, comparator: Comparator | None, unit: str) -> None:
    value = read_target(text)
    assert value.placeholder
    assert (value.comparator, value.number, value.unit) == (comparator, None, unit)
    assert not value.quantitative
    assert not value.measurable


def test_placeholder_in_one_part_of_a_compound_value() -> None:
    value = read_target("参考率不低于85%，及格率不低于**%")
    assert value.compound
    assert value.placeholder
    assert not value.measurable
    assert [p.placeholder for p in value.parts] == [False, True]


@pytest.mark.parametrize("text", ["Excel台账完整", "APP使用率100%"])
def test_latin_words_are_not_placeholders(text: str) -> None:
    assert not read_target(text).placeholder


# --- percentages over 100 ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name", "over"),
    [
        ("120%", "", True),
        ("≥105%", "", True),
        ("150", "完成率（%）", True),
        ("100%", "", False),
        ("≥100", "合格率（%）", False),
        ("120人", "", False),
        ("参考率不低于85%，及格率不低于185%", "", True),
        ("达标", "", False),
    ],
)
def test_percentage_over_100(text: str, name: str, over: bool) -> None:
    value = read_target(text, name)
    assert is_percentage_over_100(value) is over
    if text == "120%":
        assert value.number == Decimal(120)  # the reader just reads it


# --- unit from the 三级 name ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "unit"),
    [
        ("合格率（%）", "%"),
        ("辖内律师事务所年度考核(%) ", "%"),
        ("业务宣传活动（场次）", "场次"),
        ("时间（小时）", "小时"),
        ("信息管理系统工作日志和台账填写情况（比率）", "%"),
        ("实施精准普法项目(个数)", "个"),
        ("开展执法案件评查（次数）", "次"),
        ("法律顾问每季度举办法治讲座（含线上）", ""),
        ("调解服务满意度", ""),
        ("", ""),
    ],
)
def test_unit_from_name(name: str, unit: str) -> None:
    assert unit_from_name(name) == unit


def test_unit_in_name_is_used_only_when_the_value_has_none() -> None:
    assert read_target("≥90", "合格率（%）").unit == "%"
    assert read_target("≥5个", "实施精准普法项目(个数)").unit == "个"
    assert read_target("3人", "合格率（%）").unit == "人"
    assert read_target("达标", "合格率（%）").unit == ""


def test_zero() -> None:
    value = read_target("0", "政策支持规范性")
    assert (value.comparator, value.number, value.unit, value.direction) == (EQ, Decimal(0), "", POS)
    assert value.quantitative and value.measurable


# --- properties -------------------------------------------------------------------------------

_PIECES = st.one_of(
    st.sampled_from(
        [
            "≥",
            "≤",
            ">",
            "<",
            "=",
            "%",
            "％",
            "不少于",
            "以上",
            "以下",
            "达",
            "，",
            "、",
            "。",
            ",",
            ".",
            "*",
            "X",
            "x",
            "_",
            "(",
            "）",
            "（",
            "１",
            "0",
            "9",
            "12",
            "2,000",
            "-",
            " ",
        ]
    ),
    st.characters(exclude_categories=("Cs",)),
)
_TEXT = st.lists(_PIECES, max_size=30).map("".join)


@given(st.one_of(_TEXT, st.text()), st.one_of(_TEXT, st.text()))
def test_read_target_never_raises_and_keeps_the_text(text: str, name: str) -> None:
    value = read_target(text, name)
    assert value.text == text
    assert isinstance(value, TargetValue)
    for part in (value, *value.parts):
        assert part.number is None or isinstance(part.number, Decimal)
        assert part.quantitative == (part.number is not None) or part is value
        if part.comparator is not None:
            assert part.direction == (REV if part.comparator in (LE, LT) else POS)
        assert part.text in text
    assert value.compound == (len(value.parts) >= 2)
