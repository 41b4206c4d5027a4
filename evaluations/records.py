"""Self-evaluations as plain data (the shape of ``fixtures/seeds/004_*.json``)."""

from core.records import amount_text, amounts
from declarations.records import indicator_rows
from evaluations.models import (
    DEPARTMENT_EVALUATION_AMOUNTS,
    EVALUATION_DETAILS,
    PROJECT_EVALUATION_AMOUNTS,
    DepartmentEvaluation,
    ProjectEvaluation,
    policy_for,
)
from evaluations.services import NARRATIVE_FIELDS


def _points(value) -> str | None:
    return None if value is None else amount_text(value)


def criteria_data(evaluation: DepartmentEvaluation) -> list[dict]:
    """The 评分表 rows of a scored department evaluation (none for Guangzhou's layout)."""
    return [
        {
            "level1": row.level1,
            "level1_weight": _points(row.level1_weight),
            "level2": row.level2,
            "level2_weight": _points(row.level2_weight),
            "name": row.name,
            "standard": row.standard,
            "weight": _points(row.weight),
            "score": _points(row.score),
            "reason": row.reason,
        }
        for row in evaluation.criteria.all()
    ]


def department_evaluation_data(evaluation: DepartmentEvaluation) -> dict:
    criteria = criteria_data(evaluation)
    return {
        "kind": "department_evaluation",
        "department": evaluation.department.name,
        "district": evaluation.department.district.name,
        "year": evaluation.year,
        "attachment_label": evaluation.disclosure_label,
        "funds": amounts(evaluation, DEPARTMENT_EVALUATION_AMOUNTS),
        **{field: getattr(evaluation, field) for field in NARRATIVE_FIELDS},
        "tasks": [
            {
                "name": task.name,
                "expected": task.expected,
                "completion": task.completion,
                "amount": amount_text(task.amount),
                "indicators": [{"name": i.name, "completion": i.completion} for i in task.indicators.all()],
            }
            for task in evaluation.tasks.prefetch_related("indicators")
        ],
        # Only a scored form has them: Guangzhou's records (and the seed exports) stay as they were.
        **({"criteria": criteria} if criteria else {}),
    }


def project_evaluation_data(evaluation: ProjectEvaluation) -> dict:
    policy = policy_for(evaluation.department.district, evaluation.year)
    rows = list(evaluation.indicators.select_related("category__parent"))
    indicators = indicator_rows(rows, period=False)
    for item, row in zip(indicators, rows, strict=True):
        item.update(
            actual_value=row.actual_value,
            weight=amount_text(row.weight),
            score=None if row.score is None else amount_text(row.score),
            deviation_reason=row.deviation_reason,
            reviewer_score=None if row.reviewer_score is None else amount_text(row.reviewer_score),
            reviewer_reason=row.reviewer_reason,
        )
        if row.goal is not None:
            item["goal"] = row.goal
    details = {
        field: getattr(evaluation, field) for field in EVALUATION_DETAILS if getattr(evaluation, field)
    }
    if details.get("filled_on"):
        details["filled_on"] = details["filled_on"].isoformat()
    return {
        "kind": "project_evaluation",
        "department": evaluation.department.name,
        "district": evaluation.department.district.name,
        "year": evaluation.year,
        "project_name": evaluation.project_name,
        "competent_department": evaluation.competent_department,
        "implementing_unit": evaluation.implementing_unit,
        "budget_weight": amount_text(evaluation.budget_weight),
        "level1_weights": {
            name: amount_text(weight) for name, weight in evaluation.weights_of_level1(policy).items()
        },
        "funds": amounts(evaluation, PROJECT_EVALUATION_AMOUNTS),
        "expected_goal": evaluation.expected_goal,
        "actual_completion": evaluation.actual_completion,
        "indicators": indicators,
        # Only the optional fields the form has: a Guangzhou record stays as it was.
        **details,
        "grade": policy.grade(evaluation.total_score(rows)),
    }
