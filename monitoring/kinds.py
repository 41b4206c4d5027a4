"""The monitoring kind as the registry sees it (see ``core/kinds.py``), and what it feeds the self-evaluation.

Everything the shared pages do with a monitoring form — workspace, inbox, entry, preview, downloads,
review, history, the department's and the district's ZIP, the import — they do through this spec.
"""

from core.kinds import KindSpec, Loaded, register
from core.models import FormKind, FormStatus
from evaluations.suggestions import Suggestion, register_provider
from indicators.models import scheme_outline
from monitoring import checks, forms, layouts, records, services
from monitoring.models import REPORTED, STATE_CSS, MonitoringForm, WindowState


def monitoring_load(*, department, year, data, user=None, message="", expected_version=None, instance=None):
    return Loaded(
        services.monitoring_replace(
            department=department,
            year=year,
            data=data,
            user=user,
            message=message,
            expected_version=expected_version,
            instance=instance,
        )
    )


def monitoring_layout(data: dict):
    """Drawn with the scheme of the project targets it monitors (its indicators are theirs)."""
    return layouts.monitoring_layout(data, scheme_outline(FormKind.PROJECTS, data["year"]))


def monitoring_note(form: MonitoringForm) -> tuple[str, str] | None:
    """The inbox's line for a form: its window while it waits for the unit, on time or late once reported."""
    round_ = form.round
    if form.status in REPORTED:
        late = round_.is_late(form.submitted_at)
        return ("逾期报送" if late else "按时报送", "text-bg-warning" if late else "text-bg-success")
    state = round_.state()
    if state in {WindowState.OVERDUE, WindowState.CLOSED}:
        return (f"未报送 · {round_.state_text()}", STATE_CSS[state])
    return (round_.state_text(), STATE_CSS[state])


def monitoring_suggestions(evaluation) -> list[Suggestion]:
    """A project self-evaluation's suggestions: the latest reported monitoring forecasts of that project."""
    form = (
        MonitoringForm.objects.filter(
            department_id=evaluation.department_id,
            year=evaluation.year,
            project_name=evaluation.project_name,
            status__in=REPORTED,
        )
        .select_related("round")
        .order_by("-round__stage", "-round__deadline", "-pk")
        .first()
    )
    if form is None:
        return []
    source = f"{form.round.label}{'（已审核）' if form.status == FormStatus.APPROVED else '（已报送）'}"
    suggestions = [
        Suggestion("executed_current", f"{form.forecast_fiscal:.2f}", f"{source}：财政拨款全年预计执行数"),
        Suggestion("executed_other", f"{form.forecast_other:.2f}", f"{source}：其他资金全年预计执行数"),
    ]
    suggestions += [
        Suggestion("actual_value", row.forecast_value, f"{source}：全年预计完成值", indicator=row.name)
        for row in form.indicators.all()
        if row.forecast_value
    ]
    return suggestions


def register_kinds() -> None:
    register(
        KindSpec(
            kind=records.MONITORING,
            model=MonitoringForm,
            # The cycle: targets (10–30), monitoring, self-evaluation (50–60).
            order=40,
            name_field="name",
            name_label="监控表名称",
            name_noun="项目",
            load=monitoring_load,
            record=records.monitoring_data,
            layout=monitoring_layout,
            read_sheet=lambda sheet: [layouts.monitoring_from_sheet(sheet)],
            findings=checks.monitoring_findings,
            editor=forms.MonitoringEditor,
            key_figure=("执行率（%）", "execution_rate"),
            comparable=False,
            preparer_creates=False,
            sheet_markers=frozenset({"form", "funds", "indicator"}),
            note=monitoring_note,
            related=("round",),
            identity_keys=("kind", "department", "district", "year", "name", "round", "round_type", "stage"),
        )
    )
    register_provider(monitoring_suggestions)


# Discovered by core (``CoreConfig.ready`` imports every app's ``kinds`` module once the models are loaded).
register_kinds()
