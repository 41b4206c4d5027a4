from django.apps import AppConfig


class EvaluationsConfig(AppConfig):
    """Self-evaluation after the year: department-wide and per project."""

    name = "evaluations"
    verbose_name = "绩效自评"

    def ready(self) -> None:
        from core.kinds import KindSpec, register
        from core.models import FormKind
        from evaluations import forms, layouts, records, services
        from evaluations.models import DepartmentEvaluation, ProjectEvaluation

        def dump_department(department, year):
            form = DepartmentEvaluation.objects.filter(department=department, year=year).first()
            return None if form is None else records.department_evaluation_data(form)

        def dump_projects(department, year):
            forms = ProjectEvaluation.objects.filter(department=department, year=year).order_by(
                "project_name"
            )
            if not forms:
                return None
            return {
                "kind": FormKind.PROJECT_SELF_EVALUATION.value,
                "department": department.name,
                "year": year,
                "evaluations": [records.project_evaluation_data(form) for form in forms],
            }

        def load_projects(*, department, year, data, user=None, message=""):
            return [
                services.project_evaluation_replace(
                    department=department, year=year, data=item, user=user, message=message
                )
                for item in data.get("evaluations", [])
            ]

        register(
            KindSpec(
                FormKind.SELF_EVALUATION,
                services.department_evaluation_replace,
                dump_department,
                aliases=("department_evaluation",),
                layout=layouts.department_evaluation_layout,
                from_sheet=layouts.department_evaluation_from_sheet,
                model=DepartmentEvaluation,
                record=records.department_evaluation_data,
                load_one=services.department_evaluation_replace,
                editor=forms.DepartmentEvaluationEditor,
            )
        )

        def layout_one(data):
            # One 项目支出绩效自评表 per project: the export names the project.
            return layouts.project_evaluation_layout(data)

        def from_sheet_one(sheet):
            return {"evaluations": [layouts.project_evaluation_from_sheet(sheet)]}

        register(
            KindSpec(
                FormKind.PROJECT_SELF_EVALUATION,
                load_projects,
                dump_projects,
                layout=layout_one,
                from_sheet=from_sheet_one,
                model=ProjectEvaluation,
                record=records.project_evaluation_data,
                load_one=services.project_evaluation_replace,
                editor=forms.ProjectEvaluationEditor,
            )
        )
