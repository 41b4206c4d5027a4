"""A monitoring form as plain data: what the layout draws, the checks read and ``load`` writes back."""

from core.kinds import KindName
from core.records import amounts
from monitoring.models import ANALYSIS_FIELDS, MONITORING_AMOUNTS, MonitoringForm, thresholds_for

# The kind as the registry names it: not a member of ``FormKind`` (see docs/architecture.md).
MONITORING = KindName("monitoring", "项目支出绩效目标执行监控表")
KIND = MONITORING.value


def indicator_data(row) -> dict:
    return {
        "level1": row.category.parent.name,
        "level2": row.category.name,
        "name": row.name,
        "annual_value": row.annual_value,
        "progress_value": row.progress_value,
        "forecast_value": row.forecast_value,
        # Stored JSON is whatever the admin typed: only a list of texts is a list of reasons.
        "reasons": [str(reason) for reason in row.reasons] if isinstance(row.reasons, list) else [],
        "reason_text": row.reason_text,
        "likelihood": row.likelihood,
        "remark": row.remark,
    }


def monitoring_data(form: MonitoringForm, thresholds=None) -> dict:
    """The record of one form; ``thresholds`` (of its district and year) spares reading them again."""
    round_ = form.round
    district = form.department.district
    thresholds = thresholds if thresholds is not None else thresholds_for(district, form.year)
    return {
        "kind": KIND,
        "department": form.department.name,
        "district": district.name,
        "year": form.year,
        "name": form.name,
        "round": round_.label,
        "round_type": round_.type,
        "stage": round_.stage,
        "project_name": form.project_name,
        "competent_department": form.competent_department,
        "implementing_unit": form.implementing_unit,
        "funds": amounts(form, MONITORING_AMOUNTS),
        "goal": form.goal,
        "goal_progress": form.goal_progress,
        **{name: getattr(form, name) for name, _label in ANALYSIS_FIELDS},
        "indicators": [indicator_data(row) for row in form.indicators.select_related("category__parent")],
        "thresholds": thresholds.as_data(),
    }
