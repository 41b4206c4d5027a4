"""Writes of the monitoring app: open, close and reopen a round; write one monitoring form. Atomic, audited.

The reporting window is enforced here, in the service every writer goes through (the entry page, the
XLSX import): a person cannot write a form whose round is not open, whatever page they come from. The
submission is refused by the kind's findings (``monitoring/checks.py``), which ``form_submit`` runs.
"""

from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from core.audit import audit_record
from core.constraints import full_clean
from core.models import AuditEntry, Department, District, FormStatus, Notification, User
from core.services import form_upsert, parse_amount, sanitize_fields
from declarations.models import Project, ProjectIndicator
from monitoring.models import (
    ANALYSIS_FIELDS,
    ENTERED_AMOUNTS,
    INITIAL_AMOUNTS,
    Likelihood,
    MonitoringForm,
    MonitoringIndicator,
    MonitoringRound,
    Reason,
    RoundType,
    stage_label,
)

RICH_FIELDS = ("goal_progress", *(name for name, _label in ANALYSIS_FIELDS))
NAME_LENGTH = 200


def _field_messages(error: ValidationError, model) -> list[str]:
    if not hasattr(error, "error_dict"):
        return error.messages
    messages = []
    for name, errors in error.message_dict.items():
        label = "" if name == "__all__" else f"“{model._meta.get_field(name).verbose_name}”："
        messages += [f"{label}{message}" for message in errors]
    return messages


def form_name(project_name: str, stage: int, type: str) -> str:
    """The form's name among the department's forms of the year: “法律援助（1—7月）”."""
    suffix = f"（{stage_label(stage)}{'重点监控' if type == RoundType.KEY else ''}）"
    return project_name[: NAME_LENGTH - len(suffix)] + suffix


# --- rounds -------------------------------------------------------------------------------------------------


def projects_in_scope(district: District, year: int):
    """The projects a 自行监控 round covers: every project of the district and year with approved targets."""
    return Project.objects.filter(department__district=district, year=year, status=FormStatus.APPROVED)


@transaction.atomic
def round_open(
    *,
    district: District,
    year: int,
    stage: int,
    type: str,
    opens_on: date,
    deadline: date,
    warning_days: int = 3,
    user=None,
    projects=None,
) -> MonitoringRound:
    """Open a round and create a monitoring form per project in scope, pre-filled from the approved targets.

    ``projects`` (ids or objects) are the picked projects of a 重点监控 round; a 自行监控 round covers every
    project of the district and year with approved targets. All or nothing: a problem creates nothing.
    """
    round_ = MonitoringRound(
        district=district,
        year=year,
        stage=stage,
        type=type,
        opens_on=opens_on,
        deadline=deadline,
        warning_days=warning_days,
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    try:
        round_.full_clean()
    except ValidationError as error:
        raise ValidationError(_field_messages(error, MonitoringRound)) from None
    scope = projects_in_scope(district, year)
    if type == RoundType.KEY:
        picked = {getattr(project, "pk", project) for project in projects or []}
        if not picked:
            raise ValidationError("重点监控须选择至少一个项目。")
        found = set(scope.filter(pk__in=picked).values_list("pk", flat=True))
        missing = picked - found
        if missing:
            names = Project.objects.filter(pk__in=missing).values_list("name", flat=True)
            listed = "、".join(names) or "、".join(str(pk) for pk in sorted(missing))
            raise ValidationError(
                f"以下项目不是{district}{year}年已审核的项目目标，不能纳入重点监控：{listed}。"
            )
        scope = scope.filter(pk__in=picked)
    chosen = list(
        scope.select_related("department").prefetch_related(
            Prefetch("indicators", queryset=ProjectIndicator.objects.select_related("category"))
        )
    )
    if not chosen:
        raise ValidationError(f"{district}{year}年没有已审核的项目目标，无法开启监控任务。")
    round_.save()
    audit_record(
        obj=round_,
        action=AuditEntry.Action.CREATE,
        user=user,
        message=f"开启{round_.label}：{len(chosen)}个项目，{opens_on:%Y-%m-%d}至{deadline:%Y-%m-%d}",
    )
    forms = [_prefilled(round_, project, user) for project in chosen]
    MonitoringForm.objects.bulk_create(forms, batch_size=500)
    MonitoringIndicator.objects.bulk_create(
        (
            MonitoringIndicator(
                form=form,
                category=row.category,
                name=row.name,
                annual_value=row.annual_value,
                position=row.position,
            )
            for form, project in zip(forms, chosen, strict=True)
            for row in project.indicators.all()
        ),
        batch_size=1000,
    )
    content_type = ContentType.objects.get_for_model(MonitoringForm)
    author = user if getattr(user, "is_authenticated", False) else None
    AuditEntry.objects.bulk_create(
        (
            AuditEntry(
                user=author,
                action=AuditEntry.Action.CREATE,
                content_type=content_type,
                object_id=form.pk,
                object_repr=str(form)[:300],
                message=f"开启监控任务：{round_.label}，由批复的项目目标生成",
            )
            for form in forms
        ),
        batch_size=1000,
    )
    departments = {form.department_id for form in forms}
    Notification.objects.bulk_create(
        Notification(
            user=preparer,
            message=f"财政局开启了{round_.label}，请于{round_.deadline:%Y-%m-%d}前填报项目支出绩效目标执行监控表。",
            url=reverse("workspace") + f"?year={year}",
        )
        for preparer in User.objects.filter(
            role=User.Role.PREPARER, department_id__in=departments, is_active=True
        )
    )
    return round_


def _prefilled(round_: MonitoringRound, project: Project, user) -> MonitoringForm:
    other = project.special_account + project.other_funds
    return MonitoringForm(
        round=round_,
        department=project.department,
        year=round_.year,
        project=project,
        name=form_name(project.name, round_.stage, round_.type),
        project_name=project.name,
        competent_department=project.department.name,
        implementing_unit=project.unit_name,
        initial_fiscal=project.fiscal_appropriation,
        initial_other=other,
        adjusted_fiscal=project.fiscal_appropriation,
        adjusted_other=other,
        goal=project.goal,
        updated_by=user if getattr(user, "is_authenticated", False) else None,
    )


def _lock_round(round_: MonitoringRound) -> MonitoringRound:
    return MonitoringRound.objects.select_for_update().get(pk=round_.pk)


@transaction.atomic
def round_close(*, round: MonitoringRound, user=None) -> MonitoringRound:
    """End a round: nothing more is entered; reports still missing stay missing."""
    locked = _lock_round(round)
    if locked.closed_at is not None:
        raise ValidationError(
            f"{locked.label}已于{timezone.localtime(locked.closed_at):%Y-%m-%d %H:%M}结束。"
        )
    locked.closed_at = timezone.now()
    locked.save(update_fields=["closed_at"])
    audit_record(obj=locked, action=AuditEntry.Action.TRANSITION, user=user, message=f"结束{locked.label}")
    return locked


@transaction.atomic
def round_reopen(*, round: MonitoringRound, until: date, user=None) -> MonitoringRound:
    """Reopen a round for late reports (补报) until ``until``; reports submitted after the deadline are late."""
    locked = _lock_round(round)
    today = timezone.localdate()
    if until is None or until < today:
        raise ValidationError("“补报截止日期”不能早于今天。")
    if until <= locked.deadline:
        raise ValidationError(f"“补报截止日期”应晚于原截止日期{locked.deadline:%Y-%m-%d}。")
    before = locked.reopened_until
    locked.reopened_until = until
    locked.closed_at = None
    locked.save(update_fields=["reopened_until", "closed_at"])
    audit_record(
        obj=locked,
        action=AuditEntry.Action.TRANSITION,
        user=user,
        changes={"reopened_until": [str(before) if before else None, str(until)]},
        message=f"重新开放{locked.label}，补报至{until:%Y-%m-%d}",
    )
    return locked


# --- one form -----------------------------------------------------------------------------------------------


def _choice(value, choices, *, label: str) -> str:
    """A stored choice from its key or its label (“有可能”), or ValidationError naming the field."""
    text = str(value or "").strip()
    if not text:
        return ""
    by_label = {choice_label: key for key, choice_label in choices.choices}
    if text in choices.values:
        return text
    if text in by_label:
        return by_label[text]
    raise ValidationError(f"{label}：“{text}”不是可选项（可选：{'、'.join(by_label)}）。")


def _reasons(value, *, label: str) -> list[str]:
    items = value if isinstance(value, list) else [part for part in str(value or "").split("、")]
    reasons = [str(item).strip() for item in items if str(item).strip()]
    unknown = [reason for reason in reasons if reason not in Reason.values]
    if unknown:
        raise ValidationError(
            f"{label}：“{'、'.join(unknown)}”不是可选的偏差原因（可选：{'、'.join(Reason.values)}）。"
        )
    return list(dict.fromkeys(reasons))


@transaction.atomic
def monitoring_replace(
    *,
    department: Department,
    year: int,
    data: dict,
    user=None,
    message: str = "",
    expected_version: int | None = None,
    instance: MonitoringForm | None = None,
) -> MonitoringForm:
    """Write what a unit reports on one monitoring form (the record's shape, ``monitoring/records.py``).

    The form exists (a round created it); the project, its indicators, 年度指标值 and 年初预算数 come from
    the approved targets and cannot be changed. A person (``user``) writes only inside the round's window.
    """
    if instance is not None:
        form = instance
    else:
        form = MonitoringForm.objects.filter(
            department=department, year=year, name=data.get("name", "")
        ).first()
    if form is None or form.department_id != department.pk:
        raise ValidationError(
            f"{department.name}{year}年没有“{data.get('name', '')}”的监控表：监控表由财政局开启监控任务时生成，不能新建。"
        )
    round_ = MonitoringRound.objects.get(pk=form.round_id)
    if user is not None and not round_.accepts_entries():
        raise ValidationError(round_.closed_message())
    stage = round_.stage
    funds = data.get("funds", {})
    errors = []
    for name in INITIAL_AMOUNTS:
        if name in funds:
            try:
                given = parse_amount(funds[name], label="年初预算数")
            except ValidationError as error:
                errors += error.messages
                continue
            if given != getattr(form, name):
                errors.append(
                    f"{MonitoringForm._meta.get_field(name).verbose_name}来自批复的项目目标"
                    f"（{getattr(form, name):,.2f}），不能修改为{given:,.2f}。"
                )
    amounts = {}
    for name in ENTERED_AMOUNTS:
        label = str(MonitoringForm._meta.get_field(name).verbose_name).replace("N", str(stage))
        try:
            amounts[name] = parse_amount(funds.get(name), label=label)
        except ValidationError as error:
            errors += error.messages
    stored = list(form.indicators.select_related("category__parent"))
    incoming = list(data.get("indicators", []))
    if len(incoming) != len(stored):
        errors.append(
            f"绩效指标应有{len(stored)}行（来自批复的项目目标），收到{len(incoming)}行：监控表的指标不能增删。"
        )
        incoming = []
    for number, (row, item) in enumerate(zip(stored, incoming, strict=False), start=1):
        where = f"绩效指标第{number}行"
        if (item.get("name") or "").strip() != row.name or (
            item.get("annual_value") or ""
        ).strip() != row.annual_value:
            errors.append(
                f"{where}：三级指标“{item.get('name', '')}”（{item.get('annual_value', '')}）与批复的目标"
                f"“{row.name}”（{row.annual_value}）不一致，指标和年度指标值不能修改。"
            )
            continue
        try:
            row.likelihood = _choice(item.get("likelihood"), Likelihood, label=f"{where}“完成目标可能性”")
            row.reasons = _reasons(item.get("reasons"), label=f"{where}“偏差原因”")
        except ValidationError as error:
            errors += error.messages
            continue
        row.progress_value = str(item.get("progress_value") or "").strip()
        row.forecast_value = str(item.get("forecast_value") or "").strip()
        row.reason_text = str(item.get("reason_text") or "").strip()
        row.remark = str(item.get("remark") or "").strip()
        try:
            full_clean(row, exclude=["form", "category"])
        except ValidationError as error:
            errors += [f"{where}{message}" for message in _field_messages(error, MonitoringIndicator)]
    if errors:
        raise ValidationError(errors)
    values = {
        "competent_department": data.get("competent_department", form.competent_department) or "",
        "implementing_unit": data.get("implementing_unit", form.implementing_unit) or "",
        **{name: data.get(name, "") or "" for name in RICH_FIELDS},
        **amounts,
    }
    saved, _created = form_upsert(
        MonitoringForm,
        department=department,
        year=year,
        identity={"pk": form.pk},
        values=sanitize_fields(values, RICH_FIELDS),
        user=user,
        message=message,
        expected_version=expected_version,
    )
    MonitoringIndicator.objects.bulk_update(
        stored, ["progress_value", "forecast_value", "reasons", "reason_text", "likelihood", "remark"]
    )
    return saved
