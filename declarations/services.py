"""Writes to declarations, target tables and project targets. Each is atomic and audited."""

from django.core.exceptions import ValidationError
from django.db import transaction

from core.constraints import full_clean
from core.models import Department, FormKind
from core.services import (
    check_row_count,
    control_errors,
    form_upsert,
    parse_amount,
    rows_replace,
    sanitize_fields,
    task_rows_replace,
)
from declarations.models import (
    DECLARATION_AMOUNTS,
    PROJECT_AMOUNTS,
    PROJECT_DETAILS,
    TARGET_TABLE_INCOMES,
    Declaration,
    DeclarationIndicator,
    DeclarationTask,
    KeyIndicator,
    Project,
    ProjectIndicator,
    TargetBlock,
    TargetTable,
    TargetTask,
    TargetTaskIndicator,
)
from indicators.models import Scheme
from indicators.services import CategoryIndex, parse_cell_rows

DECLARATION_RICH = {"overall_goal", "other_tasks"}
TASK_RICH = {"content", "expected_goal"}


def _amounts(data: dict, fields, model) -> dict:
    return {
        field: parse_amount(data.get(field), label=str(model._meta.get_field(field).verbose_name))
        for field in fields
    }


@transaction.atomic
def declaration_replace(
    *,
    department: Department,
    year: int,
    data: dict,
    user=None,
    message: str = "",
    expected_version: int | None = None,
) -> Declaration:
    """Create or overwrite the 部门整体预算绩效目标申报表 of ``department`` and ``year`` from ``data``.

    ``data`` has the shape of ``fixtures/seeds/000_*.json`` (see ``declarations.records``).
    """
    values = sanitize_fields(
        {
            "overall_goal": data.get("overall_goal", ""),
            "other_tasks": data.get("other_tasks", ""),
            "disclosure_label": data.get("disclosure_label", ""),
            "department_label": data.get("department_label", ""),
            **_amounts(data.get("budget", {}), DECLARATION_AMOUNTS, Declaration),
        },
        DECLARATION_RICH,
    )
    declaration, _ = form_upsert(
        Declaration,
        department=department,
        year=year,
        values=values,
        user=user,
        message=message,
        expected_version=expected_version,
    )
    tasks = [
        {
            "name": task.get("name", ""),
            "content": task.get("content", ""),
            "amount": parse_amount(task.get("amount"), label=f"年度重点工作任务第{number}行拟投入的资金"),
            "expected_goal": task.get("expected_goal", ""),
        }
        for number, task in enumerate(data.get("tasks", []), start=1)
    ]
    rows_replace(
        DeclarationTask,
        parent_field="declaration",
        parent=declaration,
        rows=tasks,
        label="年度重点工作任务",
        rich_fields=TASK_RICH,
    )
    index = CategoryIndex.for_scheme(Scheme.objects.for_form(FormKind.DECLARATION, year))
    indicators = [
        {
            "category": index.second_level(
                row.get("level1", ""), row.get("level2", ""), row=f"绩效指标第{number}行"
            ),
            "name": row.get("name", ""),
            "period_value": row.get("period_value", ""),
            "annual_value": row.get("annual_value", ""),
        }
        for number, row in enumerate(data.get("indicators", []), start=1)
    ]
    rows_replace(
        DeclarationIndicator,
        parent_field="declaration",
        parent=declaration,
        rows=indicators,
        label="绩效指标",
    )
    return declaration


@transaction.atomic
def target_table_replace(
    *,
    department: Department,
    year: int,
    data: dict,
    user=None,
    message: str = "",
    expected_version: int | None = None,
) -> TargetTable:
    """Create or overwrite the 部门整体绩效目标表 (本年 and 三年期 blocks) from ``data``."""
    values = {
        "duties": data.get("duties", ""),
        "other_notes": data.get("other_notes", ""),
        "remark": data.get("remark", ""),
        "disclosure_label": data.get("disclosure_label", ""),
        **_amounts(data.get("income", {}), TARGET_TABLE_INCOMES, TargetTable),
    }
    table, _ = form_upsert(
        TargetTable,
        department=department,
        year=year,
        values=values,
        user=user,
        message=message,
        expected_version=expected_version,
    )
    blocks = data.get("blocks", {})
    unknown = set(blocks) - set(TargetBlock.Period.values)
    if unknown:
        raise ValidationError(f"部门整体绩效目标表：未知的期间 {', '.join(sorted(unknown))}。")
    TargetBlock.objects.filter(table=table).delete()
    for period in TargetBlock.Period:
        block_data = blocks.get(period.value, {})
        block = TargetBlock(
            table=table,
            period=period,
            goal=block_data.get("goal", ""),
            budget_completion_rate=block_data.get("budget_completion_rate", "100%"),
        )
        if errors := control_errors(block, period.label):
            raise ValidationError(errors)
        full_clean(block, exclude=["table"])
        block.save()
        rows_replace(
            KeyIndicator,
            parent_field="block",
            parent=block,
            rows=[
                {"name": k.get("name", ""), "value": k.get("value", "")}
                for k in block_data.get("key_indicators", [])
            ],
            label=f"{period.label}部门整体支出目标",
        )
        task_rows_replace(
            TargetTask,
            TargetTaskIndicator,
            parent_field="block",
            parent=block,
            tasks=[
                (
                    {"name": t.get("name", ""), "goal": t.get("goal", ""), "projects": t.get("projects", "")},
                    [
                        {"name": i.get("name", ""), "standard": i.get("standard", "")}
                        for i in t.get("indicators", [])
                    ],
                )
                for t in block_data.get("tasks", [])
            ],
            label=f"{period.label}主要支出计划",
            indicator_label=f"{period.label}主要支出计划第{{number}}项任务的关键性指标",
        )
    return table


@transaction.atomic
def project_replace(
    *,
    department: Department,
    year: int,
    data: dict,
    position: int | None = None,
    user=None,
    message: str = "",
    expected_version: int | None = None,
    instance: Project | None = None,
) -> tuple[Project, list[str]]:
    """Create or overwrite one project's targets; returns the project and the parser's warnings.

    Indicators come either structured (``indicators``: level1, level2, name, values) or as the
    serialized cell of seed 003 (``indicator_text``), which is parsed with ``indicators.serialized``.
    The project is found by ``instance`` when given (an entry page, which may rename it), else by name.
    """
    name = (data.get("name") or "").strip()
    if not name:
        raise ValidationError("项目名称不能为空。")
    values = sanitize_fields(
        {
            "unit": data.get("unit", "") if data.get("unit", "") != department.name else "",
            "goal": data.get("goal", ""),
            **_amounts(data, PROJECT_AMOUNTS, Project),
            # An optional field is written when the data has it (a layout without it keeps what is stored).
            **{field: data[field] or "" for field in PROJECT_DETAILS if field in data},
        },
        {"goal", "overall_goal"},
    )
    if position is not None:
        values["position"] = position
    # An entry page edits one project by its id, so the project can be renamed.
    identity = {"pk": instance.pk} if instance is not None else {"name": name}
    others = Project.objects.filter(department=department, year=year)
    if instance is None and not others.filter(name=name).exists():
        # The projects are the rows of the department's 项目支出绩效目标表.
        check_row_count(others.count() + 1, f"{year}年的项目支出绩效目标表")
    project, _ = form_upsert(
        Project,
        department=department,
        year=year,
        identity=identity,
        values={**values, "name": name},
        user=user,
        message=message,
        expected_version=expected_version,
    )
    index = CategoryIndex.for_scheme(Scheme.objects.for_form(FormKind.PROJECTS, year))
    warnings: list[str] = []
    if "indicator_text" in data:
        rows, warnings = parse_cell_rows(data["indicator_text"], index, row=f"项目“{name}”")
    else:
        rows = [
            {
                "category": index.second_level(
                    r.get("level1", ""), r.get("level2", ""), row=f"项目“{name}”第{n}条指标"
                ),
                "stated_level1": index.by_code.get(r["stated_level1_code"])
                if r.get("stated_level1_code")
                else None,
                "name": r.get("name", ""),
                "period_value": r.get("period_value", ""),
                "annual_value": r.get("annual_value", ""),
            }
            for n, r in enumerate(data.get("indicators", []), start=1)
        ]
    rows_replace(
        ProjectIndicator, parent_field="project", parent=project, rows=rows, label=f"项目“{name}”绩效指标"
    )
    return project, warnings


@transaction.atomic
def projects_replace(
    *, department: Department, year: int, data: dict, user=None, message: str = ""
) -> tuple[list[Project], list[str]]:
    """Load a department's whole 项目支出绩效目标表 (seed-003 shape): one project target per row, in order."""
    projects, warnings = [], []
    check_row_count(len(data.get("projects", [])), f"{year}年的项目支出绩效目标表")
    for position, project_data in enumerate(data.get("projects", []), start=1):
        project, project_warnings = project_replace(
            department=department, year=year, data=project_data, position=position, user=user, message=message
        )
        projects.append(project)
        warnings.extend(project_warnings)
    return projects, warnings
