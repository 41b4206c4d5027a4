"""Every quality check fires on the problem it names and stays quiet on the published 天河 declaration."""

import copy

import pytest

from core.checks import BLOCKING, WARNING, form_findings
from declarations.models import Declaration, Project, TargetTable
from declarations.records import declaration_data
from declarations.services import declaration_replace
from evaluations.models import DepartmentEvaluation
from tests.conftest import TIANHE

pytestmark = pytest.mark.usefixtures("seeded")


def tianhe_2025() -> Declaration:
    return Declaration.objects.get(department__name=TIANHE, year=2025)


def with_changes(change) -> list:
    declaration = tianhe_2025()
    data = copy.deepcopy(declaration_data(declaration))
    change(data)
    changed = declaration_replace(department=declaration.department, year=2025, data=data)
    return [(finding.level, finding.message) for finding in form_findings(changed)]


def set_indicator(field, value, row=0):
    def change(data):
        data["indicators"][row][field] = value

    return change


def test_the_published_declaration_has_no_finding():
    assert form_findings(tianhe_2025()) == []


def _unbalance(data):
    data["budget"]["other_funds"] = "1.00"


def _drop_goal(data):
    data["overall_goal"] = ""


def _drop_satisfaction(data):
    data["indicators"] = [row for row in data["indicators"] if row["level1"] != "满意度指标"]


def _duplicate_name(data):
    data["indicators"][1]["name"] = data["indicators"][0]["name"]


def _cost_with_ge(data):
    row = next(row for row in data["indicators"] if row["level1"] == "成本指标")
    row["annual_value"] = row["period_value"] = "≥100万元"


def _drop_both_values(data):
    data["indicators"][0]["annual_value"] = data["indicators"][0]["period_value"] = ""


def _contradiction(data):
    data["indicators"][0]["period_value"] = "≥3家"
    data["indicators"][0]["annual_value"] = "≤3家"


@pytest.mark.parametrize(
    ("change", "level", "text"),
    [
        (_unbalance, BLOCKING, "三个合计不相等"),
        (_drop_goal, BLOCKING, "“总体绩效目标”未填写"),
        # A 一级 left out is a warning: published, accepted forms do it (seed 001 has no 成本指标).
        (_drop_satisfaction, WARNING, "一级指标“满意度指标”下没有三级指标"),
        (
            _drop_both_values,
            BLOCKING,
            "第1行“为区政府购买常年法律顾问服务”（产出指标/数量指标）：年度指标值未填写",
        ),
        (set_indicator("annual_value", "≥**个"), WARNING, "模板占位符"),
        (set_indicator("annual_value", "XX人"), WARNING, "模板占位符"),
        (set_indicator("annual_value", "120%"), WARNING, "超过100%"),
        (set_indicator("annual_value", "长期"), WARNING, "难以衡量"),
        (_cost_with_ge, WARNING, "成本一般应为“≤”"),
        (_duplicate_name, WARNING, "三级指标名称重复"),
        (_contradiction, WARNING, "相互矛盾"),
        (
            set_indicator("name", "培训场次（≥**场）"),
            WARNING,
            "指标名称“培训场次（≥**场）”含有未替换的模板占位符",
        ),
        (set_indicator("name", "*调解成功率"), WARNING, "指标名称“*调解成功率”含有未替换的模板占位符"),
        (set_indicator("name", "指标1:"), WARNING, "指标名称“指标1:”是模板示例或占位"),
        (set_indicator("name", "……"), WARNING, "指标名称“……”是模板示例或占位"),
        (set_indicator("annual_value", ">=90%"), WARNING, "年度指标值“>=90%”用了半角“>=”，已按“≥”理解"),
        (set_indicator("annual_value", "<=5%"), WARNING, "年度指标值“<=5%”用了半角“<=”，已按“≤”理解"),
    ],
    ids=[
        "arithmetic",
        "empty-goal",
        "level1-without-indicator",
        "empty-target",
        "placeholder-stars",
        "placeholder-xx",
        "over-100-percent",
        "unmeasurable",
        "cost-with-ge",
        "duplicate",
        "contradiction",
        "placeholder-in-name",
        "name-starting-with-star",
        "scaffolding-name",
        "scaffolding-ellipsis",
        "ascii-ge",
        "ascii-le",
    ],
)
def test_each_check_fires_and_names_the_row(change, level, text):
    findings = with_changes(change)
    assert any(found_level == level and text in message for found_level, message in findings), findings


def test_a_yearly_count_above_the_period_count_contradicts():
    findings = with_changes(lambda data: data["indicators"][0].update(period_value="3次", annual_value="5次"))
    assert any("相互矛盾" in message for _level, message in findings)


def test_equal_period_and_annual_values_do_not_contradict():
    findings = with_changes(
        lambda data: data["indicators"][0].update(period_value="≥90%", annual_value="≥90%")
    )
    assert findings == []


def test_the_other_published_forms_pass_the_blocking_checks():
    for form in (TargetTable.objects.get(), DepartmentEvaluation.objects.get()):
        assert [f.message for f in form_findings(form) if f.blocking] == []


def test_seed_003s_own_flags_are_found():
    """The published project table has what reviewers flag: unmeasurable values, a duplicate, no 满意度."""
    messages = [f.message for project in Project.objects.all() for f in form_findings(project)]
    assert any("“长期”难以衡量" in message for message in messages)
    assert any("“当年指派律师人数”难以衡量" in message for message in messages)
    assert any("三级指标名称重复" in message for message in messages)
    assert any("一级指标“满意度指标”下没有三级指标" in message for message in messages)


def test_a_project_goal_that_gives_a_reason_is_named():
    project = Project.objects.filter(department__name=TIANHE, year=2024).first()
    project.goal = "因财政资金紧张，结转2024年项目资金"
    project.save()
    messages = [f.message for f in form_findings(project) if not f.blocking]
    assert (
        "“项目绩效目标”写的是原因（“因财政资金紧张，结转2024年项目资金”），不是可考核的绩效目标。" in messages
    )
