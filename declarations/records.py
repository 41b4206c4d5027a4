"""Declarations, target tables and project tables as plain data (the shape of ``fixtures/seeds``).

The same shape is loaded by the services, written by the seed fixtures and read back from XLSX, so
"what loadseeds stores" and "what the browser stored" can be compared as data.
"""

from django.db.models import Prefetch

from core.records import amount_text, amounts
from declarations.models import (
    DECLARATION_AMOUNTS,
    PROJECT_AMOUNTS,
    PROJECT_DETAILS,
    TARGET_TABLE_INCOMES,
    Declaration,
    Project,
    ProjectIndicator,
    TargetTable,
)


def _header(form, kind: str) -> dict:
    return {
        "kind": kind,
        "department": form.department.name,
        "district": form.department.district.name,
        "year": form.year,
    }


def indicator_rows(rows, *, period: bool = True) -> list[dict]:
    result = []
    for row in rows:
        item = {"level1": row.category.parent.name, "level2": row.category.name, "name": row.name}
        if period:
            item["period_value"] = row.period_value
        item["annual_value"] = row.annual_value
        result.append(item)
    return result


def declaration_data(declaration: Declaration) -> dict:
    indicators = declaration.indicators.select_related("category__parent")
    return {
        **_header(declaration, "declaration"),
        "department_label": declaration.department_label,
        "disclosure_label": declaration.disclosure_label,
        "budget": amounts(declaration, DECLARATION_AMOUNTS),
        "overall_goal": declaration.overall_goal,
        "tasks": [
            {
                "name": task.name,
                "content": task.content,
                "amount": amount_text(task.amount),
                "expected_goal": task.expected_goal,
            }
            for task in declaration.tasks.all()
        ],
        "other_tasks": declaration.other_tasks,
        "indicators": indicator_rows(indicators),
    }


def target_table_data(table: TargetTable) -> dict:
    blocks = {}
    for block in table.blocks.prefetch_related("key_indicators", "tasks__indicators"):
        blocks[block.period] = {
            "goal": block.goal,
            "budget_completion_rate": block.budget_completion_rate,
            "key_indicators": [{"name": k.name, "value": k.value} for k in block.key_indicators.all()],
            "tasks": [
                {
                    "name": task.name,
                    "goal": task.goal,
                    "projects": task.projects,
                    "indicators": [{"name": i.name, "standard": i.standard} for i in task.indicators.all()],
                }
                for task in block.tasks.all()
            ],
        }
    return {
        **_header(table, "target_table"),
        "disclosure_label": table.disclosure_label,
        "duties": table.duties,
        "income": amounts(table, TARGET_TABLE_INCOMES),
        "blocks": blocks,
        "other_notes": table.other_notes,
        "remark": table.remark,
    }


def _indicator_rows():
    return ProjectIndicator.objects.select_related("category__parent", "stated_level1")


def project_data(project: Project) -> dict:
    # A table's projects come with their rows prefetched (``projects_data``); one project reads its own.
    rows = getattr(project, "indicator_rows", None)
    if rows is None:
        rows = list(_indicator_rows().filter(project=project))
    indicators = indicator_rows(rows)
    for item, row in zip(indicators, rows, strict=True):
        if row.stated_level1_id:
            item["stated_level1_code"] = row.stated_level1.code
    return {
        "name": project.name,
        "unit": project.unit_name,
        **amounts(project, PROJECT_AMOUNTS),
        "goal": project.goal,
        # The optional fields travel only when filled: a Guangzhou record is what it always was.
        **{field: getattr(project, field) for field in PROJECT_DETAILS if getattr(project, field)},
        "indicators": indicators,
    }


def project_table_data(project: Project) -> dict:
    """One project as data for the 项目支出绩效目标表 layout (a table of one row)."""
    return {**_header(project, "projects"), "projects": [project_data(project)]}


def projects_data(department, year: int) -> dict:
    projects = (
        Project.objects.filter(department=department, year=year)
        .select_related("department__district")
        .prefetch_related(Prefetch("indicators", queryset=_indicator_rows(), to_attr="indicator_rows"))
    )
    return {
        "kind": "projects",
        "department": department.name,
        "district": department.district.name,
        "year": year,
        "projects": [project_data(project) for project in projects],
    }
