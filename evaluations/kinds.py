"""The self-evaluation kinds as the registry sees them (see ``core/kinds.py``): one spec per kind."""

from core.kinds import KindSpec, Loaded, Variant, get_kind, register
from core.models import FormKind, FormStatus
from core.richtext import rich_text_plain
from declarations.models import Declaration, Project, TargetTable
from declarations.records import project_data
from evaluations import checks, forms, layouts, records, scorecard, services
from evaluations.models import DepartmentEvaluation, ProjectEvaluation, ProjectEvaluationIndicator, policy_for
from evaluations.scoring import spread_weights
from indicators.models import scheme_outline


def department_evaluation_load(
    *, department, year, data, user=None, message="", expected_version=None, instance=None
):
    return Loaded(
        services.department_evaluation_replace(
            department=department,
            year=year,
            data=data,
            user=user,
            message=message,
            expected_version=expected_version,
        )
    )


def department_evaluation_record(evaluation: DepartmentEvaluation) -> dict:
    """The record, naming the layout its district chose for the year (if not Guangzhou's)."""
    data = records.department_evaluation_data(evaluation)
    return get_kind(FormKind.SELF_EVALUATION.value).with_layout(data, evaluation.department, evaluation.year)


def project_evaluation_load(
    *, department, year, data, user=None, message="", expected_version=None, instance=None
):
    return Loaded(
        services.project_evaluation_replace(
            department=department,
            year=year,
            data=data,
            user=user,
            message=message,
            expected_version=expected_version,
            instance=instance,
        )
    )


def _targets(model, department, year: int, **identity):
    """The targets a self-evaluation starts from: the approved ones, else the latest there are."""
    forms = model.objects.filter(department=department, year=year, **identity)
    return forms.filter(status=FormStatus.APPROVED).first() or forms.first()


def department_evaluation_start(department, year: int, name: str = "") -> dict:
    """§2.4: the expected goal and the tasks (with their key indicators) of that year's declared targets."""
    declaration = _targets(Declaration, department, year)
    table = _targets(TargetTable, department, year)
    data: dict = {"expected_goal": declaration.overall_goal if declaration else ""}
    if table is not None:
        block = table.blocks.filter(period="annual").prefetch_related("tasks__indicators").first()
        if block is not None:
            data["expected_goal"] = data["expected_goal"] or block.goal
            data["tasks"] = [
                {
                    "name": task.name,
                    "expected": task.goal,
                    "indicators": [
                        {"name": f"{i.name}（{i.standard}）" if i.standard else i.name}
                        for i in task.indicators.all()
                    ],
                }
                for task in block.tasks.all()
            ]
    if declaration is not None and not data.get("tasks"):
        data["tasks"] = [
            {"name": task.name, "expected": rich_text_plain(task.expected_goal), "amount": str(task.amount)}
            for task in declaration.tasks.all()
        ]
    return data


def project_evaluation_start(department, year: int, name: str) -> dict:
    """§2.5: a project self-evaluation starts from that project's targets: indicators, 年度指标值, weights."""
    policy = policy_for(department.district, year)
    project = _targets(Project, department, year, name=name)
    if project is None:
        return {
            "project_name": name,
            "competent_department": department.name,
            "budget_weight": str(policy.budget_weight),
            "level1_weights": {name: str(weight) for name, weight in policy.level1_weights.items()},
        }
    data = project_data(project)
    indicators = [
        {key: row[key] for key in ("level1", "level2", "name", "annual_value")} for row in data["indicators"]
    ]
    for row, weight in zip(
        indicators, spread_weights([row["level1"] for row in indicators], policy), strict=True
    ):
        row["weight"] = str(weight)
    return {
        "project_name": name,
        "competent_department": department.name,
        "implementing_unit": data["unit"],
        "expected_goal": data["goal"],
        "budget_weight": str(policy.budget_weight),
        "level1_weights": {name: str(weight) for name, weight in policy.level1_weights.items()},
        "funds": {
            "initial_current": data["fiscal_appropriation"],
            "initial_other": str(project.special_account + project.other_funds),
        },
        "indicators": indicators,
    }


def project_evaluation_layout(data: dict):
    """The layout of one evaluation, drawn with its year's scheme outline (the builder takes data)."""
    return layouts.project_evaluation_layout(
        data, scheme_outline(FormKind.PROJECT_SELF_EVALUATION, data["year"])
    )


def project_evaluation_record(evaluation: ProjectEvaluation) -> dict:
    """One evaluation's record, naming the layout its district chose for the year (if not Guangzhou's)."""
    data = records.project_evaluation_data(evaluation)
    spec = get_kind(FormKind.PROJECT_SELF_EVALUATION.value)
    return spec.with_layout(data, evaluation.department, evaluation.year)


def _evaluation_variant(sheet, builder, reader) -> Variant:
    """A layout of the evaluation drawn and read with its year's scheme outline."""
    kind = FormKind.PROJECT_SELF_EVALUATION

    def build(data: dict):
        return builder(data, scheme_outline(kind, data["year"]), sheet)

    def read(read_sheet) -> list[dict]:
        return [reader(read_sheet, scheme_outline(kind, read_sheet.meta["year"]), sheet)]

    return Variant(
        name=sheet.name,
        label=sheet.label,
        build=build,
        read_sheet=read,
        fields=sheet.fields,
        sheet_markers=frozenset({"form", "funds", "indicator", "goal"}),
    )


PROJECT_EVALUATION_VARIANTS = (
    *(
        _evaluation_variant(sheet, layouts.project_evaluation_layout, layouts.project_evaluation_from_sheet)
        for sheet in layouts.EVALUATION_SHEETS
    ),
    _evaluation_variant(
        layouts.HUBEI_EVALUATION, layouts.goal_grouped_layout, layouts.goal_grouped_from_sheet
    ),
)


def project_evaluation_split(data: dict) -> list[dict]:
    """A file of several evaluations (``{"evaluations": [...]}``) or one evaluation's record."""
    return list(data["evaluations"]) if "evaluations" in data else [data]


def _approved_project_evaluation_uses():
    return ProjectEvaluationIndicator.objects.filter(evaluation__status=FormStatus.APPROVED).values_list(
        "evaluation__department__name", "category__parent__name", "category__name", "name", "annual_value"
    )


def register_kinds() -> None:
    register(
        KindSpec(
            kind=FormKind.SELF_EVALUATION,
            order=50,
            model=DepartmentEvaluation,
            aliases=("department_evaluation",),
            load=department_evaluation_load,
            record=department_evaluation_record,
            layout=layouts.department_evaluation_layout,
            read_sheet=lambda sheet: [layouts.department_evaluation_from_sheet(sheet)],
            template=layouts.department_evaluation_template,
            sheet_markers=frozenset({"funds", "form", "task"}),
            findings=checks.department_evaluation_findings,
            editor=forms.DepartmentEvaluationEditor,
            start=department_evaluation_start,
            key_figure=("实际支出数", "actual_spending"),
            variants=(scorecard.HUNAN,),
        )
    )
    register(
        KindSpec(
            kind=FormKind.PROJECT_SELF_EVALUATION,
            order=60,
            model=ProjectEvaluation,
            name_field="project_name",
            name_label="项目名称",
            name_noun="项目",
            load=project_evaluation_load,
            record=project_evaluation_record,
            layout=project_evaluation_layout,
            read_sheet=lambda sheet: [layouts.project_evaluation_from_sheet(sheet)],
            template=layouts.project_evaluation_template,
            sheet_markers=frozenset({"form", "funds", "indicator"}),
            findings=checks.project_evaluation_findings,
            editor=forms.ProjectEvaluationEditor,
            review_form=forms.ReviewerScoreForm,
            start=project_evaluation_start,
            split=project_evaluation_split,
            approved_indicator_uses=_approved_project_evaluation_uses,
            key_figure=("执行率（%）", "execution_rate"),
            comparable=False,
            variants=PROJECT_EVALUATION_VARIANTS,
        )
    )


# Discovered by core (``CoreConfig.ready`` imports every app's ``kinds`` module once the models are loaded).
register_kinds()
