"""Writes to self-evaluations. Each is atomic and audited."""

import datetime
import re
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F

from core.audit import audit_record
from core.models import AuditEntry, Department, FormKind
from core.money import ZERO, is_empty_mark
from core.services import form_upsert, parse_amount, rows_replace, sanitize_fields, task_rows_replace
from core.workflow import can_review
from declarations.models import Project
from evaluations.models import (
    DEPARTMENT_EVALUATION_AMOUNTS,
    EVALUATION_DETAILS,
    EVALUATION_RICH_DETAILS,
    PROJECT_EVALUATION_AMOUNTS,
    DepartmentEvaluation,
    DepartmentEvaluationCriterion,
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
    """Create or overwrite the 部门整体支出绩效自评表 from ``data`` (shape of seed 004's fixture).

    A scored record (one with ``criteria``, the 评分表 rows) writes them; what it does not carry (the
    funds, the narratives, the tasks: a 评分表 prints none of them) keeps its stored values.
    """
    scored = "criteria" in data
    funds = data.get("funds", {})
    values = sanitize_fields(
        {
            "disclosure_label": data.get("attachment_label", data.get("disclosure_label", "")),
            **{field: data.get(field, "") for field in NARRATIVE_FIELDS if not scored or field in data},
            **{
                field: parse_amount(
                    funds.get(field), label=str(DepartmentEvaluation._meta.get_field(field).verbose_name)
                )
                for field in DEPARTMENT_EVALUATION_AMOUNTS
                if not scored or "funds" in data
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
    if scored:
        criteria_replace(evaluation, data["criteria"])
    if scored and "tasks" not in data:
        return evaluation
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


CRITERION_POINTS = (
    ("level1_weight", "一级指标分值"),
    ("level2_weight", "二级指标分值"),
    ("weight", "分值"),
    ("score", "自评得分"),
)


def _points(value, *, label: str) -> Decimal | None:
    """A 分值 or 自评得分 as the amount grammar reads it; blank (or “—”, “/”) is not stated."""
    if value is None or (isinstance(value, str) and (not value.strip() or is_empty_mark(value))):
        return None
    return parse_amount(value, label=label)


def criteria_replace(evaluation: DepartmentEvaluation, criteria: list[dict]) -> None:
    """The 评分表 rows of a scored department evaluation, every row checked before any is written."""
    rows, errors = [], []
    for number, row in enumerate(criteria, start=1):
        values = {key: row.get(key) or "" for key in ("level1", "level2", "name", "standard", "reason")}
        for key, text in CRITERION_POINTS:
            try:
                values[key] = _points(row.get(key), label=f"评分表第{number}行“{text}”")
            except ValidationError as error:
                errors.extend(error.messages)
                values[key] = None
        rows.append(values)
    if errors:
        raise ValidationError(errors)
    rows_replace(
        DepartmentEvaluationCriterion,
        parent_field="evaluation",
        parent=evaluation,
        rows=rows,
        label="评分表",
    )


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
    level1/level2 names, 年度指标值, 实际完成值, 分值, 得分 and 偏差原因 (and the 年度绩效目标 they
    measure, in layouts that group by goal). The goals and the optional fields (``EVALUATION_DETAILS``)
    are written only when ``data`` has them: a layout's page that does not show one keeps its value.
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
        **{field: data[field] or "" for field in ("expected_goal", "actual_completion") if field in data},
        **{field: data[field] or "" for field in EVALUATION_DETAILS if field in data},
        **{
            field: parse_amount(
                funds.get(field), label=str(ProjectEvaluation._meta.get_field(field).verbose_name)
            )
            for field in PROJECT_EVALUATION_AMOUNTS
        },
    }
    if "filled_on" in values:
        values["filled_on"] = _date(values["filled_on"], label="填报日期")
    if "budget_weight" in data:
        values["budget_weight"] = parse_amount(data["budget_weight"], label="预算执行率分值")
    if "level1_weights" in data:
        values["level1_weights"] = {
            name: str(parse_amount(weight, label=f"{name}分值"))
            for name, weight in (data["level1_weights"] or {}).items()
            if weight not in (None, "")
        }
    evaluation, _ = form_upsert(
        ProjectEvaluation,
        department=department,
        year=year,
        identity={"pk": instance.pk} if instance is not None else {"project_name": name},
        values=sanitize_fields(
            {**values, "project_name": name}, {"expected_goal", "actual_completion", *EVALUATION_RICH_DETAILS}
        ),
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
                "goal": _goal_number(row.get("goal"), label=f"{label}年度绩效目标"),
            }
        )
    rows_replace(
        ProjectEvaluationIndicator, parent_field="evaluation", parent=evaluation, rows=rows, label="绩效指标"
    )
    return evaluation


def _date(value, *, label: str):
    """A date typed as 2021-03-10 (what the page's date input sends) or read as 2021年3月10日."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip()
    match = re.fullmatch(r"(\d{4})(?:-|年)(\d{1,2})(?:-|月)(\d{1,2})日?", text)
    try:
        if match:
            return datetime.date(*map(int, match.groups()))
    except ValueError:
        pass
    raise ValidationError(f"{label}“{text[:20]}”不是有效日期，请按“2021-03-10”填写。")


def _goal_number(value, *, label: str) -> int | None:
    """The 年度绩效目标 a row measures: 1 to 20, or none."""
    if value in (None, ""):
        return None
    text = str(value).strip()
    if not text.isdigit() or not 1 <= int(text) <= 20:
        raise ValidationError(f"{label}应为1到20之间的整数（第几个年度绩效目标），收到“{text[:20]}”。")
    return int(text)


@transaction.atomic
def project_evaluation_rescore(
    *, evaluation: ProjectEvaluation, user, scores: dict[int, tuple[Decimal | None, str]]
) -> ProjectEvaluation:
    """The reviewer's own scores of a submitted 项目支出绩效自评表 (``{row id: (score, reason)}``).

    Only the reviewer of the form's current tier, while it waits for them; each score within its row's
    分值, and a reason for every score that differs from the preparer's. The preparer's scores are kept
    beside the reviewer's; 总分 and the grade follow the reviewer's. Audited row by row; the version is
    bumped so that a page still open on the old scores cannot save over them.
    """
    locked = (
        ProjectEvaluation.objects.select_for_update()
        .select_related("department__district")
        .get(pk=evaluation.pk)
    )
    if not can_review(user, locked):
        raise PermissionDenied("只有此表当前层级的审核人可以调整得分。")
    rows = {row.pk: row for row in locked.indicators.select_related("category__parent")}
    problems, changes, changed = [], {}, []
    for number, row in enumerate(rows.values(), start=1):
        if row.pk not in scores:
            continue
        score, reason = scores[row.pk]
        reason = (reason or "").strip()
        where = f"绩效指标第{number}行“{row.name}”"
        if score is not None and not ZERO <= score <= row.weight:
            problems.append(f"{where}：审核人评分{score}分应在0至分值{row.weight}分之间。")
            continue
        if score is not None and score != row.score and not reason:
            problems.append(f"{where}：审核人评分与填报得分不同，请填写调整理由。")
            continue
        if (score, reason) != (row.reviewer_score, row.reviewer_reason):
            changes[f"{where}审核人评分"] = [
                None if row.reviewer_score is None else str(row.reviewer_score),
                None if score is None else f"{score}（填报{row.score}分；理由：{reason or '无'}）",
            ]
            row.reviewer_score, row.reviewer_reason = score, reason if score is not None else ""
            changed.append(row)
    if problems:
        raise ValidationError(problems)
    if changed:
        ProjectEvaluationIndicator.objects.bulk_update(changed, ["reviewer_score", "reviewer_reason"])
        ProjectEvaluation.objects.filter(pk=locked.pk).update(version=F("version") + 1)
        locked.refresh_from_db()
        audit_record(
            obj=locked, action=AuditEntry.Action.UPDATE, user=user, changes=changes, message="审核人调整得分"
        )
    return locked
