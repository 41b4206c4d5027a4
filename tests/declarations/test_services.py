from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from core.models import AuditEntry, FormStatus
from declarations.models import Declaration, Project
from declarations.records import declaration_data
from declarations.services import declaration_replace, project_replace

DATA = {
    "budget": {
        "basic_expenditure": "4,855.11",
        "fiscal_appropriation": "4855.11",
        "district_level": "4855.11",
    },
    "overall_goal": "<p>目标</p><script>alert(1)</script><p onclick='x()'>第二段</p>",
    "tasks": [{"name": "任务一", "content": "内容", "amount": "81.6", "expected_goal": "目标"}],
    "indicators": [
        {
            "level1": "产出指标",
            "level2": "数量指标",
            "name": "讲座场次",
            "period_value": "≥4场",
            "annual_value": "≥4场",
        },
        {
            "level1": "成本指标",
            "level2": "经济成本指标",
            "name": "成本控制",
            "period_value": "",
            "annual_value": "≤10万元",
        },
    ],
}


def test_a_declaration_is_created_from_data_with_an_audit_entry(tianhe, preparer):
    declaration = declaration_replace(department=tianhe, year=2025, data=DATA, user=preparer)
    assert declaration.basic_expenditure == declaration.expenditure_total == declaration.income_total
    assert [row.category.name for row in declaration.indicators.all()] == ["数量指标", "经济成本指标"]
    assert declaration.tasks.get().amount == Decimal("81.60")
    entry = AuditEntry.objects.get(object_id=declaration.pk)
    assert (entry.user, entry.action) == (preparer, AuditEntry.Action.CREATE)


def test_rich_text_keeps_paragraphs_and_drops_scripts_and_handlers(tianhe):
    declaration = declaration_replace(department=tianhe, year=2025, data=DATA)
    assert declaration.overall_goal == "<p>目标</p><p>第二段</p>"


def test_saving_again_bumps_the_version_and_records_what_changed(tianhe, preparer):
    declaration_replace(department=tianhe, year=2025, data=DATA, user=preparer)
    changed = {**DATA, "budget": {**DATA["budget"], "basic_expenditure": "1.00"}}
    declaration = declaration_replace(department=tianhe, year=2025, data=changed, user=preparer)
    assert declaration.version == 2
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.UPDATE).get()
    assert entry.changes["basic_expenditure"] == ["4855.11", "1.00"]


def test_a_bad_row_names_the_table_row_and_field_and_nothing_is_saved(tianhe):
    bad = {**DATA, "tasks": [DATA["tasks"][0], {"name": "", "amount": "12"}]}
    with pytest.raises(ValidationError) as error:
        declaration_replace(department=tianhe, year=2025, data=bad)
    assert any(m.startswith("年度重点工作任务第2行“名称”") for m in error.value.messages)
    assert not Declaration.objects.exists()


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("abc", "“abc”不是数字"),
        ("1.2345678", "最多保留六位小数"),
        ("-3", "金额不能为负数"),
        ("99,999,999,999,999.99", "金额不能超过 1,000,000,000 万元"),
        ("1000000000.01", "金额不能超过 1,000,000,000 万元"),
    ],
)
def test_bad_amounts_are_refused_with_a_message_naming_the_field(tianhe, amount, message):
    bad = {**DATA, "budget": {**DATA["budget"], "project_expenditure": amount}}
    with pytest.raises(ValidationError) as error:
        declaration_replace(department=tianhe, year=2025, data=bad)
    assert any("项目支出" in m and message in m for m in error.value.messages)
    assert not Declaration.objects.exists()


def test_a_task_amount_above_the_bound_is_refused_naming_its_row(tianhe):
    task = {**DATA["tasks"][0], "amount": "99999999999999.99"}
    with pytest.raises(ValidationError) as error:
        declaration_replace(department=tianhe, year=2025, data={**DATA, "tasks": [task]})
    assert error.value.messages == [
        "年度重点工作任务第1行拟投入的资金：金额不能超过 1,000,000,000 万元（即 10 万亿元），请检查单位是否为万元。"
    ]
    assert not Declaration.objects.exists()


def test_full_width_amounts_dashes_and_six_decimals_are_read(tianhe):
    budget = {
        **DATA["budget"],
        "basic_expenditure": "４，８５５．１１",
        "project_expenditure": "132.912",
        "special_funds": "—",
        "other_development": "968.1918",
    }
    declaration = declaration_replace(department=tianhe, year=2025, data={**DATA, "budget": budget})
    assert declaration.basic_expenditure == Decimal("4855.11")
    assert declaration.special_funds == 0
    stored = declaration_data(Declaration.objects.get(pk=declaration.pk))["budget"]
    assert (stored["project_expenditure"], stored["other_development"]) == ("132.912", "968.1918")
    assert stored["basic_expenditure"] == "4855.11"


def test_an_indicator_outside_the_scheme_is_refused(tianhe):
    bad = {**DATA, "indicators": [{"level1": "产出指标", "level2": "成本指标", "name": "x"}]}
    with pytest.raises(
        ValidationError, match="绩效指标第1行：指标体系“广州市部门整体绩效指标体系（2025年起）”中没有"
    ):
        declaration_replace(department=tianhe, year=2025, data=bad)


def test_the_classic_scheme_applies_before_2025(tianhe):
    data = {
        **DATA,
        "indicators": [{"level1": "产出指标", "level2": "成本指标", "name": "成本", "annual_value": "≤5"}],
    }
    declaration = declaration_replace(department=tianhe, year=2024, data=data)
    assert declaration.indicators.get().category.scheme.slug == "classic"


def test_a_submitted_form_cannot_be_overwritten(tianhe):
    declaration = declaration_replace(department=tianhe, year=2025, data=DATA)
    Declaration.objects.filter(pk=declaration.pk).update(status=FormStatus.SUBMITTED)
    with pytest.raises(ValidationError, match="状态为已提交，不能修改"):
        declaration_replace(department=tianhe, year=2025, data=DATA)


def test_a_project_is_loaded_from_a_serialized_cell_with_warnings(tianhe):
    cell = (
        "1、1-产出指标：11-数量指标：慰问人次；实施周期指标值:12人；年度指标值:12人。"
        "2、2-效益指标：31-服务对象满意度；慰问对象满意度；实施周期指标值:100%；年度指标值:100%。"
    )
    project, warnings = project_replace(
        department=tianhe,
        year=2024,
        data={"name": "慰问经费", "fiscal_appropriation": "1.20", "indicator_text": cell},
    )
    assert project.total == Project.objects.get().total
    assert [row.category.code for row in project.indicators.all()] == ["11", "31"]
    assert project.indicators.last().stated_level1.code == "2"
    assert len(warnings) == 1 and "第2条" in warnings[0]
