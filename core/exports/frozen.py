"""Frozen exports: an approved form's PDF and XLSX, rendered once and served unchanged afterwards.

domain.md §6: "the file that was approved is the file that is downloaded later". Rendering again on
every download would print today's data, today's layout code and today's fonts; instead the files are
rendered inside the approval's transaction, stored with their SHA-256, and every download of an
approved form serves those bytes after checking them against the hash.

Which forms stand behind one export (see ``FORM_SOURCES``):

- declaration, target-table, self-evaluation: the one form of the department and year;
- project-self-evaluation: the one evaluation of the department, year and project name;
- projects (项目支出绩效目标表): every ``declarations.Project`` of the department and year. Each project
  is approved on its own, but the table is one document, so it is frozen when the approval of a
  project leaves every project of that department and year approved. Until then the table is
  rendered live: a partly approved table is no approved record.
"""

import hashlib
import logging
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from core.audit import audit_record
from core.exports.registry import EXPORTERS, export_form
from core.kinds import get_kind
from core.models import AuditEntry, Department, FormBase, FormKind, FormStatus, FrozenExport

logger = logging.getLogger(__name__)

FORMATS = tuple(FrozenExport.Format.values)


@dataclass(frozen=True)
class FormSource:
    """The model whose rows make up one export, and the field (if any) that names the project."""

    model: str
    project_field: str = ""


FORM_SOURCES = {
    FormKind.DECLARATION: FormSource("declarations.Declaration"),
    FormKind.TARGET_TABLE: FormSource("declarations.TargetTable"),
    FormKind.PROJECTS: FormSource("declarations.Project"),
    FormKind.SELF_EVALUATION: FormSource("evaluations.DepartmentEvaluation"),
    FormKind.PROJECT_SELF_EVALUATION: FormSource("evaluations.ProjectEvaluation", "project_name"),
}


class FrozenExportCorrupted(Exception):
    """The stored bytes no longer match their SHA-256: refuse them rather than serve altered files."""


@dataclass(frozen=True)
class FormKey:
    """What identifies one exported document: kind, department, year and ('' or) project name."""

    kind: FormKind
    department: Department
    year: int
    project: str = ""


@dataclass(frozen=True)
class ServedExport:
    filename: str
    content_type: str
    content: bytes
    frozen: FrozenExport | None  # None: rendered live from the current data


def form_key(form_obj: FormBase) -> FormKey:
    """The export a form object belongs to (a ``Project`` belongs to its department's table)."""
    label = form_obj._meta.label
    for kind, source in FORM_SOURCES.items():
        if source.model == label:
            project = getattr(form_obj, source.project_field) if source.project_field else ""
            return FormKey(kind, form_obj.department, form_obj.year, project)
    raise LookupError(f"{form_obj._meta.verbose_name}没有对应的导出表格。")


def form_sources(key: FormKey) -> models.QuerySet:
    """The form rows behind one export (one row, or every project of the table). Lazy: no query yet."""
    source = FORM_SOURCES[key.kind]
    lookup = {"department": key.department, "year": key.year}
    if source.project_field:
        lookup[source.project_field] = key.project
    return apps.get_model(source.model)._default_manager.filter(**lookup)


def _key(kind: str, department: Department, year: int, project: str | None) -> FormKey:
    spec = get_kind(kind)  # accepts aliases; LookupError with a Chinese message otherwise
    project = (project or "") if spec.kind == FormKind.PROJECT_SELF_EVALUATION else ""
    return FormKey(spec.kind, department, year, project)


def frozen_content(frozen: FrozenExport) -> bytes:
    """The stored bytes, after checking them against the size and SHA-256 recorded at freezing."""
    content = bytes(frozen.content)
    if len(content) != frozen.size or hashlib.sha256(content).hexdigest() != frozen.sha256:
        logger.error("Frozen export %s (%s) does not match its SHA-256", frozen.pk, frozen.filename)
        raise FrozenExportCorrupted(
            f"存档文件“{frozen.filename}”与审核时记录的 SHA-256 不一致，可能已被篡改，已拒绝提供下载；"
            "请联系系统管理员。"
        )
    return content


@transaction.atomic
def form_freeze(
    *, kind: str, department: Department, year: int, project: str = "", user=None, replace: bool = False
) -> list[FrozenExport]:
    """Render and store the PDF and XLSX of an approved form; return the current frozen files.

    Idempotent: a form whose files are already frozen keeps them, nothing is rendered again. With
    ``replace`` (a new approval after a return or an adjustment) both files are rendered again and the
    old ones are marked superseded, kept for the record. Raises ValidationError when the form does not
    exist or is not (every project of it) approved.
    """
    key = _key(kind, department, year, project)
    # Locking the form rows serialises two approvals of the same form and keeps the data still while
    # it is rendered.
    forms = list(form_sources(key).select_for_update().order_by("pk"))
    spec = get_kind(key.kind)
    if not forms:
        raise ValidationError(f"{department.name}没有{year}年的{spec.label}，无法冻结导出文件。")
    pending = [form for form in forms if form.status != FormStatus.APPROVED]
    if pending:
        names = "、".join(str(form) for form in pending[:3]) + ("等" if len(pending) > 3 else "")
        raise ValidationError(f"{spec.label}尚未全部审核（{names}），不能冻结导出文件。")

    existing = {
        frozen.format: frozen
        for frozen in FrozenExport.objects.current()
        .for_form(kind=key.kind, department=department, year=year, project=key.project)
        .select_for_update()
    }
    if not replace and all(format in existing for format in FORMATS):
        return [existing[format] for format in FORMATS]

    version = sum(form.version for form in forms)
    now = timezone.now()
    result, changes = [], {}
    for format in FORMATS:
        old = existing.get(format)
        if old is not None and not replace:
            result.append(old)
            continue
        filename, _content_type, content = export_form(
            key.kind, format, department, year, key.project or None
        )
        digest = hashlib.sha256(content).hexdigest()
        if old is not None:
            if old.sha256 == digest:
                result.append(old)
                continue
            FrozenExport.objects.filter(pk=old.pk).update(superseded_at=now)
        frozen = FrozenExport(
            kind=key.kind,
            department=department,
            year=year,
            project=key.project,
            format=format,
            filename=filename,
            content=content,
            sha256=digest,
            size=len(content),
            form_version=version,
            created_by=user if getattr(user, "is_authenticated", False) else None,
        )
        frozen.full_clean(exclude=["content"])
        frozen.save()
        result.append(frozen)
        changes[f"{frozen.get_format_display()} SHA-256"] = [old.sha256 if old else None, digest]

    if changes:
        summary = "；".join(f"{frozen.get_format_display()} SHA-256 {frozen.sha256}" for frozen in result)
        for form in forms:
            audit_record(
                obj=form,
                action=AuditEntry.Action.TRANSITION,
                user=user,
                changes=changes,
                message=f"{'重新' if replace and existing else ''}冻结导出文件：{summary}",
            )
    return result


@transaction.atomic
def form_approve_and_freeze(form_obj: FormBase, *, user) -> list[FrozenExport]:
    """Mark one form approved and freeze its export; return the frozen files.

    The status change goes through a queryset update that also bumps ``version``, like every other
    write, so an entry page still holding the draft is refused. A form that was not yet approved is a
    new approval and replaces any files frozen at an earlier approval; running this again on an
    approved form only freezes what is missing. For a project the department's project table is
    frozen once every project of it is approved; until then the list is empty.

    The review workflow calls ``form_freeze`` from its own approval service in the same way.
    """
    model = type(form_obj)
    form = model.objects.select_for_update().get(pk=form_obj.pk)
    newly_approved = form.status != FormStatus.APPROVED
    if newly_approved:
        before = form.get_status_display()
        form.status = FormStatus.APPROVED
        form.clean()  # the arithmetic of domain.md blocks approval as it blocks submission
        model.objects.filter(pk=form.pk).update(
            status=FormStatus.APPROVED,
            version=F("version") + 1,
            updated_by=user if getattr(user, "is_authenticated", False) else None,
            updated_at=timezone.now(),
        )
        form.refresh_from_db()
        audit_record(
            obj=form,
            action=AuditEntry.Action.TRANSITION,
            user=user,
            changes={"status": [before, form.get_status_display()]},
            message="标记为已审核",
        )
    form_obj.status, form_obj.version = form.status, form.version

    key = form_key(form)
    if key.kind == FormKind.PROJECTS and form_sources(key).exclude(status=FormStatus.APPROVED).exists():
        return []
    return form_freeze(
        kind=key.kind,
        department=key.department,
        year=key.year,
        project=key.project,
        user=user,
        replace=newly_approved,
    )


def served_export(
    kind: str, format: str, department: Department, year: int, project: str | None = None
) -> ServedExport:
    """The file a download gets: the frozen bytes of an approved form, else a live rendering.

    Raises LookupError for an unknown kind or format or a missing form, FrozenExportCorrupted when the
    stored bytes fail their SHA-256.
    """
    key = _key(kind, department, year, project)
    try:
        exporter = EXPORTERS[format]
    except KeyError:
        raise LookupError(f"未知的导出格式“{format}”，可选：pdf、xlsx") from None
    frozen = (
        FrozenExport.objects.current()
        .for_form(kind=key.kind, department=department, year=year, project=key.project)
        .filter(format=format)
        .first()
    )
    if frozen is not None:
        return ServedExport(frozen.filename, exporter.content_type, frozen_content(frozen), frozen)
    filename, content_type, content = export_form(key.kind, format, department, year, key.project or None)
    return ServedExport(filename, content_type, content, None)


def export_for_download(
    kind: str, format: str, department: Department, year: int, project: str | None = None
) -> tuple[str, str, bytes]:
    """``(filename, content_type, bytes)`` like ``export_form``, but the approved file when frozen."""
    served = served_export(kind, format, department, year, project)
    return served.filename, served.content_type, served.content


def frozen_status(key: FormKey) -> dict[str, FrozenExport]:
    """The current frozen files of one form by format, without their content (one query)."""
    return {
        frozen.format: frozen
        for frozen in FrozenExport.objects.current()
        .for_form(kind=key.kind, department=key.department, year=key.year, project=key.project)
        .defer("content")
    }


def approval_summary(key: FormKey) -> str:
    """The status of the forms behind one export, in Chinese (“已审核”, “3/10个项目已审核”)."""
    statuses = list(form_sources(key).values_list("status", flat=True))
    if not statuses:
        return "无数据"
    if len(statuses) == 1:
        return FormStatus(statuses[0]).label
    approved = statuses.count(FormStatus.APPROVED)
    if approved == len(statuses):
        return FormStatus.APPROVED.label
    return f"{approved}/{len(statuses)}个项目已审核"
