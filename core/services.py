"""Writes shared by every form kind: upsert a form's own fields, replace its rows, audit both.

Every form kind's ``<kind>_replace`` service is built from these two, so that the seed loader, the
XLSX import and (later) the entry pages validate and record changes the same way.
"""

from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F
from django.utils import timezone

from core.audit import audit_record, diff_fields
from core.constraints import full_clean
from core.exports.prerender import prerender_on_commit
from core.models import AuditEntry, Department, FormBase
from core.money import read_amount
from core.richtext import clean_rich_text
from core.text import control_message


def parse_amount(value, *, label: str) -> Decimal:
    """An amount from fixture or import data: ``"4,855.11"``, ``"４８５５．１１"``, ``4855.11``, blank or “—” (0).

    Refused, naming ``label``: not a number, more than six decimals, negative, above the bound.
    """
    try:
        return read_amount(value)
    except ValueError as error:
        raise ValidationError(f"{label}：{error}") from None


def _labelled(error: ValidationError, model: type[models.Model], prefix: str) -> ValidationError:
    """Re-raise a model's field errors as one list of messages that each name the row and the field."""
    messages = []
    if hasattr(error, "error_dict"):
        for field_name, errors in error.message_dict.items():
            if field_name == "__all__":
                messages.extend(f"{prefix}：{message}" for message in errors)
                continue
            verbose = model._meta.get_field(field_name).verbose_name
            messages.extend(f"{prefix}“{verbose}”：{message}" for message in errors)
    else:
        messages.extend(f"{prefix}：{message}" for message in error.messages)
    return ValidationError(messages)


def control_errors(instance: models.Model, prefix: str) -> list[str]:
    """Every text field of ``instance`` holding a control character, named like ``_labelled`` names them.

    The entry pages refuse them field by field; this is the same rule for every other path that stores
    text (new forms, XLSX import, bulk import, seeds), so none of them can store what XLSX cannot hold.
    """
    messages = []
    for field in instance._meta.concrete_fields:
        if isinstance(field, models.CharField | models.TextField):
            message = control_message(f"{prefix}“{field.verbose_name}”", getattr(instance, field.attname))
            if message:
                messages.append(message)
    return messages


def sanitize_fields(values: dict, rich_fields: Iterable[str]) -> dict:
    return {key: clean_rich_text(value) if key in rich_fields else value for key, value in values.items()}


class EditConflict(ValidationError):
    """Somebody saved the form after the editor loaded it: the editor's save is refused, not merged."""

    def __init__(self, form: FormBase, expected_version: int):
        self.form = form
        who = form.updated_by.display_name if form.updated_by else "其他用户"
        when = timezone.localtime(form.updated_at).strftime("%Y-%m-%d %H:%M:%S")
        super().__init__(
            f"未保存：{who}已于{when}保存了此表（第{form.version}版），您打开的是第{expected_version}版。"
            "您的输入仍在本页，请核对对方的修改后重新保存。",
            code="conflict",
        )


def form_upsert(
    model: type[FormBase],
    *,
    department: Department,
    year: int,
    identity: dict | None = None,
    values: dict,
    user=None,
    message: str = "",
    expected_version: int | None = None,
) -> tuple[FormBase, bool]:
    """Create or update the form identified by department, year (and ``identity``) with ``values``.

    Must run inside a transaction: the existing row is locked so two writers cannot interleave.
    A submitted or approved form is read-only; updating it raises ValidationError. With
    ``expected_version`` (the version an editor loaded) a form saved meanwhile raises EditConflict.
    """
    lookup = {"department": department, "year": year, **(identity or {})}
    form = model.objects.select_for_update().filter(**lookup).first()
    created = form is None
    before = None
    if created:
        form = model(**lookup)
    else:
        if not form.is_editable:
            raise ValidationError(f"“{form}”状态为{form.get_status_display()}，不能修改。")
        if expected_version is not None and form.version != expected_version:
            raise EditConflict(form, expected_version)
        before = model.objects.get(pk=form.pk)
    for name, value in values.items():
        setattr(form, name, value)
    form.updated_by = user if getattr(user, "is_authenticated", False) else None
    prefix = str(model._meta.verbose_name)
    errors = control_errors(form, prefix)
    try:
        full_clean(form)
    except ValidationError as error:
        errors.extend(_labelled(error, model, prefix).messages)
    if errors:
        raise ValidationError(errors)
    form.save()
    if not created:
        model.objects.filter(pk=form.pk).update(version=F("version") + 1)
        form.refresh_from_db(fields=["version"])
    audit_fields = [
        field.name for field in model._meta.concrete_fields if field.name not in {"updated_at", "version"}
    ]
    audit_record(
        obj=form,
        action=AuditEntry.Action.CREATE if created else AuditEntry.Action.UPDATE,
        user=user,
        changes=diff_fields(before, form, audit_fields),
        message=message,
    )
    # Its PDFs are rendered in the worker once it stays unchanged (core/exports/prerender.py).
    prerender_on_commit(form)
    return form, created


# Rows per table of a form (a form's indicators, its tasks, one task's key indicators, all key
# indicators of its tasks): the largest real forms have a few dozen; every export renders each row,
# and a PDF of a few hundred rows already takes seconds (docs/benchmarks.md).
MAX_TABLE_ROWS = 300


def check_row_count(count: int, label: str) -> None:
    if count > MAX_TABLE_ROWS:
        raise ValidationError(
            f"{label}最多 {MAX_TABLE_ROWS} 行（现有 {count} 行），未保存：行数过多的表格无法在合理时间内导出 PDF。"
            "请合并或精简后再保存。",
            code="too_many_rows",
        )


def rows_replace(
    model: type[models.Model],
    *,
    parent_field: str,
    parent: models.Model,
    rows: Sequence[dict],
    label: str,
    rich_fields: Iterable[str] = (),
    save_each: bool = False,
) -> list[models.Model]:
    """Replace every row of ``parent`` with ``rows``, validating each row before anything is written.

    Messages name the table and the row (“年度重点工作任务第2行“名称”：…”). ``save_each`` saves rows one by
    one so that their primary keys are known for nested rows.
    """
    check_row_count(len(rows), label)
    objects = []
    errors = []
    rich_fields = set(rich_fields)
    # Related rows passed as instances were fetched by the caller (a scheme's categories): checking
    # that each still exists would cost a query per row.
    resolved = {
        field.name
        for field in model._meta.concrete_fields
        if field.is_relation and any(isinstance(values.get(field.name), models.Model) for values in rows)
    }
    for number, values in enumerate(rows, start=1):
        row = model(**{parent_field: parent, "position": number, **sanitize_fields(values, rich_fields)})
        errors.extend(control_errors(row, f"{label}第{number}行"))
        try:
            full_clean(row, exclude=[parent_field, *resolved], validate_unique=False)
        except ValidationError as error:
            errors.extend(_labelled(error, model, f"{label}第{number}行").messages)
        objects.append(row)
    if errors:
        raise ValidationError(errors)
    model._default_manager.filter(**{parent_field: parent}).delete()
    if save_each:
        for row in objects:
            row.save()
        return objects
    return model._default_manager.bulk_create(objects)


def task_rows_replace(
    task_model: type[models.Model],
    indicator_model: type[models.Model],
    *,
    parent_field: str,
    parent: models.Model,
    tasks: Sequence[tuple[dict, list[dict]]],
    label: str,
    indicator_label: str,
    rich_fields: Iterable[str] = (),
) -> list[models.Model]:
    """Replace a form's tasks and each task's key indicators: ``tasks`` is ``[(task, [indicator, …]), …]``.

    ``indicator_label`` is formatted with the task's ``number`` (“主要任务第{number}项的关键指标”).
    """
    check_row_count(sum(len(indicators) for _task, indicators in tasks), f"{label}的关键指标（各项合计）")
    saved = rows_replace(
        task_model,
        parent_field=parent_field,
        parent=parent,
        rows=[task for task, _indicators in tasks],
        label=label,
        rich_fields=rich_fields,
        save_each=True,
    )
    for number, (task, (_values, indicators)) in enumerate(zip(saved, tasks, strict=True), start=1):
        rows_replace(
            indicator_model,
            parent_field="task",
            parent=task,
            rows=indicators,
            label=indicator_label.format(number=number),
        )
    return saved
