from django.apps import AppConfig


class EvaluationsConfig(AppConfig):
    """Self-evaluation after the year: department-wide and per project."""

    name = "evaluations"
    verbose_name = "绩效自评"

    def ready(self) -> None:
        from core.kinds import KindSpec, register
        from core.models import FormKind
        from evaluations import records, services
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
            )
        )
        register(KindSpec(FormKind.PROJECT_SELF_EVALUATION, load_projects, dump_projects))
