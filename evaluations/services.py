"""Writes to self-evaluations. Each is atomic and audited."""

from django.core.exceptions import ValidationError
from django.db import transaction

from core.models import Department, FormKind
from core.services import form_upsert, parse_amount, rows_replace, sanitize_fields, task_rows_replace
from declarations.models import Project
from evaluations.models import (
    DEPARTMENT_EVALUATION_AMOUNTS,
    PROJECT_EVALUATION_AMOUNTS,
    DepartmentEvaluation,
    EvaluationTask,
    EvaluationTaskIndicator,
    ProjectEvaluation,
    ProjectEvaluationIndicator,
)
from indicators.models import Scheme
from indicators.services import CategoryIndex

NARRATIVE_FIELDS = (
    "expected_goal",
    "goal_completion",
    "key_project_performance",
    "overall_performance",
    "problems",
    "improvements",
)


@transaction.atomic
def department_evaluation_replace(
    *,
    department: Department,
    year: int,
    data: dict,
    user=None,
    message: str = "",
    expected_version: int | None = None,
) -> DepartmentEvaluation:
    """Create or overwrite the 部门整体支出绩效自评表 from ``data`` (shape of seed 004's fixture)."""
    funds = data.get("funds", {})
    values = sanitize_fields(
        {
            "disclosure_label": data.get("attachment_label", data.get("disclosure_label", "")),
            **{field: data.get(field, "") for field in NARRATIVE_FIELDS},
            **{
                field: parse_amount(
                    funds.get(field), label=str(DepartmentEvaluation._meta.get_field(field).verbose_name)
                )
                for field in DEPARTMENT_EVALUATION_AMOUNTS
            },
        },
        NARRATIVE_FIELDS,
    )
    evaluation, _ = form_upsert(
        DepartmentEvaluation,
        department=department,
        year=year,
        values=values,
        user=user,
        message=message,
        expected_version=expected_version,
    )
    task_rows_replace(
        EvaluationTask,
        EvaluationTaskIndicator,
        parent_field="evaluation",
        parent=evaluation,
        tasks=[
            (
                {
                    "name": task.get("name", ""),
                    "expected": task.get("expected", ""),
                    "completion": task.get("completion", ""),
                    "amount": parse_amount(task.get("amount"), label=f"主要任务第{number}行任务涉及资金"),
                },
                [
                    {"name": i.get("name", ""), "completion": i.get("completion", "")}
                    for i in task.get("indicators", [])
                ],
            )
            for number, task in enumerate(data.get("tasks", []), start=1)
        ],
        label="主要任务",
        indicator_label="主要任务第{number}项的关键指标",
        rich_fields={"expected", "completion"},
    )
    return evaluation


@transaction.atomic
def project_evaluation_replace(
    *,
    department: Department,
    year: int,
    data: dict,
    user=None,
    message: str = "",
    expected_version: int | None = None,
    instance: ProjectEvaluation | None = None,
) -> ProjectEvaluation:
    """Create or overwrite one 项目支出绩效自评表 from ``data``.

    ``data["funds"]`` maps ``<column>_<source>`` (e.g. ``annual_current``) to amounts; indicators carry
    level1/level2 names, 年度指标值, 实际完成值, 分值, 得分 and 偏差原因.
    """
    name = (data.get("project_name") or "").strip()
    if not name:
        raise ValidationError("项目名称不能为空。")
    funds = data.get("funds", {})
    project = Project.objects.filter(department=department, year=year, name=name).first()
    values = {
        "project": project,
        "competent_department": data.get("competent_department", department.name),
        "implementing_unit": data.get("implementing_unit", ""),
        "expected_goal": data.get("expected_goal", ""),
        "actual_completion": data.get("actual_completion", ""),
        **{
            field: parse_amount(
                funds.get(field), label=str(ProjectEvaluation._meta.get_field(field).verbose_name)
            )
            for field in PROJECT_EVALUATION_AMOUNTS
        },
    }
    if "budget_weight" in data:
        values["budget_weight"] = parse_amount(data["budget_weight"], label="预算执行率分值")
    evaluation, _ = form_upsert(
        ProjectEvaluation,
        department=department,
        year=year,
        identity={"pk": instance.pk} if instance is not None else {"project_name": name},
        values=sanitize_fields({**values, "project_name": name}, {"expected_goal", "actual_completion"}),
        user=user,
        message=message,
        expected_version=expected_version,
    )
    index = CategoryIndex.for_scheme(Scheme.objects.for_form(FormKind.PROJECT_SELF_EVALUATION, year))
    rows = []
    for number, row in enumerate(data.get("indicators", []), start=1):
        label = f"绩效指标第{number}行"
        score = row.get("score")
        rows.append(
            {
                "category": index.second_level(row.get("level1", ""), row.get("level2", ""), row=label),
                "name": row.get("name", ""),
                "annual_value": row.get("annual_value", ""),
                "actual_value": row.get("actual_value", ""),
                "weight": parse_amount(row.get("weight"), label=f"{label}分值"),
                "score": None if score in (None, "") else parse_amount(score, label=f"{label}得分"),
                "deviation_reason": row.get("deviation_reason", ""),
            }
        )
    rows_replace(
        ProjectEvaluationIndicator, parent_field="evaluation", parent=evaluation, rows=rows, label="绩效指标"
    )
    return evaluation
