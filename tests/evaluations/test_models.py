from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from core.models import FormStatus
from evaluations.models import DepartmentEvaluation, ProjectEvaluation, ProjectEvaluationIndicator, grade_for
from evaluations.services import project_evaluation_replace


@pytest.mark.parametrize(
    ("total", "grade"),
    [
        (Decimal("100"), "优"),
        (Decimal("90.00"), "优"),
        (Decimal("89.99"), "良"),
        (Decimal("80"), "良"),
        (Decimal("79.99"), "中"),
        (Decimal("60"), "中"),
        (Decimal("59.99"), "差"),
        (None, ""),
    ],
)
def test_grades_follow_the_default_bands(total, grade):
    assert grade_for(total) == grade


def test_rates_are_undefined_without_a_budget(tianhe):
    evaluation = DepartmentEvaluation(department=tianhe, year=2022, actual_spending=Decimal("5"))
    assert evaluation.completion_rate is None and evaluation.adjustment_rate is None
    evaluation.status = FormStatus.SUBMITTED
    with pytest.raises(ValidationError, match="部门调整预算收入为0"):
        evaluation.full_clean()


PROJECT = {
    "project_name": "法律援助补贴和业务经费",
    "implementing_unit": "广州市天河区司法局",
    "funds": {"initial_current": "200.00", "annual_current": "180.00", "executed_current": "171.00"},
    "indicators": [
        {
            "level1": "产出指标",
            "level2": "数量指标",
            "name": "法律援助宣传活动(场次)",
            "annual_value": "≥1场",
            "actual_value": "3场",
            "weight": "25",
            "score": "25",
        },
        {
            "level1": "产出指标",
            "level2": "质量指标",
            "name": "服务环境与规范",
            "annual_value": "达标",
            "actual_value": "达标",
            "weight": "25",
            "score": "22.5",
        },
        {
            "level1": "效益指标",
            "level2": "社会效益",
            "name": "法律援助受益人数",
            "annual_value": "全年受援人数",
            "actual_value": "1981人",
            "weight": "30",
            "score": "30",
        },
        {
            "level1": "满意度指标",
            "level2": "服务对象满意度",
            "name": "满意度",
            "annual_value": "≥90%",
            "actual_value": "95%",
            "weight": "10",
            "score": "10",
        },
    ],
}


def test_a_project_self_evaluation_computes_execution_rate_score_and_grade(tianhe):
    evaluation = project_evaluation_replace(department=tianhe, year=2024, data=PROJECT)
    assert evaluation.column_total("annual") == Decimal("180.00")
    assert evaluation.execution_rate == Decimal("95.00")
    assert evaluation.budget_score == Decimal("9.50")
    assert evaluation.total_score() == Decimal("97.00")
    assert grade_for(evaluation.total_score()) == "优"


def test_the_total_is_unknown_while_an_indicator_is_unscored(tianhe):
    data = {**PROJECT, "indicators": [{**PROJECT["indicators"][0], "score": ""}]}
    assert project_evaluation_replace(department=tianhe, year=2024, data=data).total_score() is None


def test_a_score_above_its_weight_is_refused_naming_the_row(tianhe):
    data = {**PROJECT, "indicators": [PROJECT["indicators"][0], {**PROJECT["indicators"][1], "score": "26"}]}
    with pytest.raises(ValidationError) as error:
        project_evaluation_replace(department=tianhe, year=2024, data=data)
    assert error.value.messages == ["绩效指标第2行：得分不能超过分值。"]
    assert not ProjectEvaluation.objects.exists()


def test_the_database_refuses_a_score_above_its_weight(tianhe):
    evaluation = project_evaluation_replace(department=tianhe, year=2024, data={**PROJECT, "indicators": []})
    category = ProjectEvaluationIndicator._meta.get_field("category").related_model.objects.get(
        code="11", scheme__slug="classic"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        evaluation.indicators.create(category=category, name="x", weight=Decimal("25"), score=Decimal("26"))
