"""The serialized 绩效指标 cell of seed 003 (domain.md §3.3)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from indicators.serialized import (
    ParsedCell,
    SerializedIndicator,
    level_name_is_valid,
    parse_indicator_cell,
    reserved_text,
    serialize_indicators,
)

SEED_003 = "003_fbe7460060ce89e9.txt"


def seed_path(name: str) -> Path:
    """A seed file: the repository is /work/main and the seeds live in /work/shared/seeds."""
    return Path(__file__).resolve().parents[3] / "shared" / "seeds" / name


@cache
def seed_003_cells() -> dict[str, str]:
    """{project name: 绩效指标 cell} for the 22 project rows of seed 003 (tab-separated)."""
    cells = {}
    for line in seed_path(SEED_003).read_text(encoding="utf-8").splitlines():
        columns = line.split("\t")
        if len(columns) == 7 and columns[6].strip() and columns[0] != "项目名称（资金使用单位）":
            cells[columns[0]] = columns[6]
    return cells


def cell(project: str) -> str:
    return seed_003_cells()[project]


def ind(level1: str, level2: str, name: str, period: str, annual: str | None = None) -> SerializedIndicator:
    """Shorthand: ind("1-产出指标", "11-数量指标", "工程量完成率", "100%") (annual defaults to period)."""
    level1_code, level1_name = level1.split("-", 1)
    level2_code, level2_name = level2.split("-", 1)
    return SerializedIndicator(
        level1_code=level1_code,
        level1_name=level1_name,
        level2_code=level2_code,
        level2_name=level2_name,
        name=name,
        period_value=period,
        annual_value=period if annual is None else annual,
    )


OUTPUT, BENEFIT, SATISFACTION = "1-产出指标", "2-效益指标", "3-满意度指标"
QUANTITY, QUALITY, TIMELINESS = "11-数量指标", "12-质量指标", "13-时效指标"
ECONOMIC, SOCIAL, SUSTAINABLE, CLIENTS = "21-经济效益", "22-社会效益", "24-可持续影响", "31-服务对象满意度"

# Counted by hand from the seed: the number of the last entry of each project's cell.
INDICATORS_PER_PROJECT = {
    "机关业务用房和司法所维修维护费": 5,
    "天河区一村（社区）法律顾问公益法律服务工作经费": 7,
    "业务装备购置经费": 5,
    "区管退休干部节日慰问经费": 4,
    "居委调委会调解员工作补贴": 3,
    "人民调解案件补贴": 3,
    "基层工作和司法所经费": 5,
    "法制业务经费": 5,
    "购买行政复议应诉辅助服务经费": 4,
    "行政复议应诉经费": 4,
    "社区矫正和安置帮教经费": 5,
    "购买司法社工服务经费": 8,
    "天河区司法局政法网设备运维项目(2022-2025年)": 4,
    "天河区司法局智能化社区矫正中心运维项目(2022-2025年)": 5,
    "律师管理业务经费": 5,
    "法律援助补贴和业务经费": 11,
    "普法宣传业务经费": 7,
    "律师行业政策支持资金": 4,
    "专职人民调解服务项目经费": 5,
    "天河区社区矫正中心物业管理服务": 3,
    "穗财政【2023】79号一村(社区)一法律顾问公益法律服务工作经费": 4,
    "穗财政【2023】79号专职人民调解服务项目经费": 4,
}

MISMATCH = "二级指标“31-服务对象满意度”不属于一级指标“2-效益指标”，已按二级指标归入“3-满意度指标”"

# Every problem the reader reports on seed 003, by project; the other projects have none.
PROBLEMS = {
    "区管退休干部节日慰问经费": [f"第4条：{MISMATCH}"],
    "购买行政复议应诉辅助服务经费": [f"第4条：{MISMATCH}"],
    "天河区司法局智能化社区矫正中心运维项目(2022-2025年)": ["第5条与第4条完全相同"],
    "普法宣传业务经费": ["第5条：缺少年度指标值"],
}


# --- the seed -------------------------------------------------------------------------------


def test_seed_003_has_22_projects() -> None:
    assert list(seed_003_cells()) == list(INDICATORS_PER_PROJECT)


@pytest.mark.parametrize("project", list(INDICATORS_PER_PROJECT))
def test_indicator_count_per_project(project: str) -> None:
    assert len(parse_indicator_cell(cell(project)).indicators) == INDICATORS_PER_PROJECT[project]


def test_seed_003_has_110_indicators() -> None:
    assert sum(len(parse_indicator_cell(text).indicators) for text in seed_003_cells().values()) == 110


@pytest.mark.parametrize("project", list(INDICATORS_PER_PROJECT))
def test_problems_reported_on_seed_003(project: str) -> None:
    assert parse_indicator_cell(cell(project)).problems == PROBLEMS.get(project, [])


@pytest.mark.parametrize("project", list(INDICATORS_PER_PROJECT))
def test_every_seed_cell_survives_a_round_trip(project: str) -> None:
    indicators = parse_indicator_cell(cell(project)).indicators
    assert parse_indicator_cell(serialize_indicators(indicators)).indicators == indicators


def test_first_project() -> None:
    assert parse_indicator_cell(cell("机关业务用房和司法所维修维护费")) == ParsedCell(
        indicators=[
            ind(OUTPUT, QUANTITY, "工程量完成率", "100%"),
            ind(OUTPUT, QUALITY, "已完工程验收合格率", "100%"),
            ind(OUTPUT, TIMELINESS, "工程完成及时性", "及时"),
            ind(OUTPUT, TIMELINESS, "维护维修及时性", "及时"),
            ind(BENEFIT, SOCIAL, "保障机构正常运行", "达标"),
        ],
        problems=[],
    )


def test_canonical_form_is_that_of_the_first_project() -> None:
    text = cell("机关业务用房和司法所维修维护费")
    assert serialize_indicators(parse_indicator_cell(text).indicators) == text


def test_cell_with_p_wrappers_and_full_width_colons() -> None:
    parsed = parse_indicator_cell(cell("穗财政【2023】79号专职人民调解服务项目经费"))
    assert parsed.indicators == [
        ind(OUTPUT, QUANTITY, "人均年度调解案件数", "≥55"),
        ind(OUTPUT, QUANTITY, "矛盾纠纷案件调解率", "100%"),
        ind(BENEFIT, SOCIAL, "人均案件调解成功率（%）", "≥80%"),
        ind(SATISFACTION, CLIENTS, "调解服务满意度", "≥85%"),
    ]
    assert parsed.problems == []


def test_satisfaction_with_semicolon_after_level2() -> None:
    parsed = parse_indicator_cell(cell("天河区一村（社区）法律顾问公益法律服务工作经费"))
    assert parsed.indicators[6] == ind(SATISFACTION, CLIENTS, "村（居）委、群众等服务对象满意度", "≥90%")


@pytest.mark.parametrize(
    ("project", "expected"),
    [
        ("区管退休干部节日慰问经费", ind(BENEFIT, CLIENTS, "慰问对象满意度", "100%")),
        ("购买行政复议应诉辅助服务经费", ind(BENEFIT, CLIENTS, "服务项目满意度", "评估达标")),
    ],
)
def test_mismatched_levels_are_kept_as_written(project: str, expected: SerializedIndicator) -> None:
    parsed = parse_indicator_cell(cell(project))
    assert parsed.indicators[3] == expected
    assert parsed.mismatched == [3]
    assert expected.is_mismatched
    assert expected.filed_level1_code == "3"
    assert parsed.problems == [f"第4条：{MISMATCH}"]


def test_matching_levels_are_not_mismatched() -> None:
    assert not ind(SATISFACTION, CLIENTS, "调解服务满意度", "≥85%").is_mismatched
    assert parse_indicator_cell(cell("法律援助补贴和业务经费")).mismatched == []


def test_entry_without_annual_value() -> None:
    parsed = parse_indicator_cell(cell("普法宣传业务经费"))
    assert parsed.indicators[4] == ind(
        OUTPUT,
        QUALITY,
        "国家工作人员统一学法考试参考率、考试及格率",
        "公职人员统一学法考试参考率不低于85%、及格率不低于85%",
        "",
    )
    assert parsed.indicators[5] == ind(
        OUTPUT, QUALITY, "普法宣传服务项目运行", "项目运行良好, 评估达标。", "评估达标"
    )
    assert parsed.problems == ["第5条：缺少年度指标值"]


def test_missing_annual_value_is_serialized_without_its_label() -> None:
    indicator = ind(OUTPUT, QUALITY, "考试及格率", "不低于85%", "")
    text = serialize_indicators([indicator])
    assert text == "1、1-产出指标：12-质量指标：考试及格率；实施周期指标值:不低于85%。"
    assert parse_indicator_cell(text).indicators == [indicator]


def test_value_ending_in_full_stop_keeps_it() -> None:
    parsed = parse_indicator_cell(cell("基层工作和司法所经费"))
    assert parsed.indicators[3] == ind(
        OUTPUT, QUALITY, "实施公共法律服务项目", "运行良好，评估达标。", "项目运行良好，评估达标"
    )


def test_ascii_punctuation_with_spaces_and_commas_in_names() -> None:
    parsed = parse_indicator_cell(cell("社区矫正和安置帮教经费"))
    assert parsed.indicators[2] == ind(OUTPUT, QUANTITY, "组织培训(场次)", "年均≥1场次", "1场次")
    assert parsed.indicators[4] == ind(
        BENEFIT,
        SOCIAL,
        "预防和减少重新犯罪, 维护社会稳定",
        "“两类”人员未发生影响重大的恶性事件。",
        "社区矫正对象监管率100%",
    )


def test_space_before_semicolon_is_trimmed() -> None:
    parsed = parse_indicator_cell(cell("律师管理业务经费"))
    assert parsed.indicators[1] == ind(OUTPUT, QUALITY, "辖内律师事务所年度考核(%)", "初审合格率100%")


def test_other_level2_codes() -> None:
    aid = parse_indicator_cell(cell("法律援助补贴和业务经费")).indicators
    assert aid[9] == ind(BENEFIT, SUSTAINABLE, "提升法律援助的影响力", "长期")
    lawyers = parse_indicator_cell(cell("律师行业政策支持资金")).indicators
    assert lawyers[3] == ind(BENEFIT, ECONOMIC, "规模以上律所营收增长率", "力争正增长")


# --- unreadable input ---------------------------------------------------------------------


def test_empty_cell_has_no_indicators_and_no_problems() -> None:
    assert parse_indicator_cell("") == ParsedCell([], [])
    assert parse_indicator_cell("  <p></p> ") == ParsedCell([], [])


@pytest.mark.parametrize(
    "text", ["随便写的文字", "1、没有编码的指标；实施周期指标值:100%", "<p>&nbsp;???</p>", "1-产出指标"]
)
def test_garbage_gives_no_indicators_and_a_problem(text: str) -> None:
    parsed = parse_indicator_cell(text)
    assert parsed.indicators == []
    assert len(parsed.problems) == 1
    assert parsed.problems[0].startswith("未能识别任何绩效指标")


def test_unreadable_entry_is_skipped_and_reported() -> None:
    parsed = parse_indicator_cell(
        "1、1-产出指标。2、1-产出指标：11-数量指标：a；实施周期指标值:1；年度指标值:1。"
    )
    assert parsed.indicators == [ind(OUTPUT, QUANTITY, "a", "1")]
    assert parsed.problems == ["第1条：无法识别一级、二级指标，已跳过：“1-产出指标”"]


def test_numbering_and_leading_text_are_reported() -> None:
    parsed = parse_indicator_cell(
        "说明 1、1-产出指标：11-数量指标：a；实施周期指标值:1；年度指标值:1。3、1-产出指标：11-数量指标：b。"
    )
    assert [i.name for i in parsed.indicators] == ["a", "b"]
    assert parsed.problems == [
        "第1条之前有无法识别的内容，已忽略：“说明”",
        "第2条的编号写作“3、”，已按第2条读取",
        "第2条：缺少实施周期指标值",
        "第2条：缺少年度指标值",
    ]


def test_html_entities_are_decoded_only_in_html_cells() -> None:
    html_cell = "<p>1、1-产出指标：11-数量指标：A&amp;B；实施周期指标值:1；年度指标值:1。</p>"
    assert parse_indicator_cell(html_cell).indicators[0].name == "A&B"
    plain_cell = "1、1-产出指标：11-数量指标：A&amp;B；实施周期指标值:1；年度指标值:1。"
    assert parse_indicator_cell(plain_cell).indicators[0].name == "A&amp;B"


def test_mismatch_message_without_a_known_level1_name() -> None:
    parsed = parse_indicator_cell("1、1-产出指标：71-其他：a；实施周期指标值:1；年度指标值:1。")
    assert parsed.problems == ["第1条：二级指标“71-其他”不属于一级指标“1-产出指标”，已按二级指标归入“7”"]


# --- round trip of generated indicators ---------------------------------------------------

# Names and values may hold any text except what the format reserves (see reserved_text): the
# labels 实施周期指标值/年度指标值, an entry start ("。" or whitespace, then "<n>、<code>-") and an
# HTML tag opener ("<" then a letter or "/"); they are trimmed. 一级/二级 names additionally hold no
# colon or semicolon and are not empty. The pieces lean on the delimiters so that the reader's
# edge cases get exercised.
_TRICKY_CHARS = "：:；;。、,， \u3000\t\n0123456789-%≥≤<>()（）p/实施周期指标值年度"
_TRICKY = [*_TRICKY_CHARS, "</p>", "&amp;", "。2、1-"]
_PIECES = st.one_of(st.sampled_from(_TRICKY), st.characters(exclude_categories=("Cs",)))


def _text(min_size: int, max_size: int) -> st.SearchStrategy[str]:
    """Text built from single characters and delimiter-like pieces."""
    return st.lists(_PIECES, min_size=min_size, max_size=max_size).map("".join)


_FIELD = _text(0, 20).map(str.strip).filter(lambda text: not reserved_text(text))
_LEVEL_NAME = _text(1, 8).map(str.strip).filter(level_name_is_valid)
_CODE = st.from_regex(r"[0-9]{1,3}", fullmatch=True)

indicator_strategy = st.builds(
    SerializedIndicator,
    level1_code=_CODE,
    level1_name=_LEVEL_NAME,
    level2_code=_CODE,
    level2_name=_LEVEL_NAME,
    name=_FIELD,
    period_value=_FIELD,
    annual_value=_FIELD,
)


@given(st.lists(indicator_strategy, max_size=6))
def test_parse_serialize_round_trip(indicators: list[SerializedIndicator]) -> None:
    assert parse_indicator_cell(serialize_indicators(indicators)).indicators == indicators


@given(_text(0, 80))
def test_parse_never_raises(text: str) -> None:
    parsed = parse_indicator_cell(text)
    assert isinstance(parsed.problems, list)
