"""Frozen exports: an approved form's PDF and XLSX, rendered once and served unchanged afterwards.

domain.md §6: "the file that was approved is the file that is downloaded later". Rendering again on
every download would print today's data, today's layout code and today's fonts; instead the files are
rendered inside the approval's transaction, stored with their SHA-256, and every download of an
approved form serves those bytes after checking them against the hash.

Files are frozen per :class:`~core.exports.registry.Document`: one form's own document when it is
approved, and a kind's table (the department's 项目支出绩效目标表) when the approval of a project leaves
every project of that department and year approved. Until then the table is rendered live: a partly
approved table is no approved record.
"""

import hashlib
import logging
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.audit import audit_record
from core.exports.registry import Document, document, exporter
from core.exports.stamp import Stamp, new_code
from core.models import AuditEntry, Department, FormStatus, FrozenExport

logger = logging.getLogger(__name__)

FORMATS = tuple(FrozenExport.Format.values)


class FrozenExportCorrupted(Exception):
    """The stored bytes no longer match their SHA-256: refuse them rather than serve altered files."""


@dataclass(frozen=True)
class ServedExport:
    filename: str
    content_type: str
    content: bytes
    frozen: FrozenExport | None  # None: rendered live from the current data


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


def _unused_code() -> str:
    # 60 random bits: a collision is all but impossible, and checked anyway.
    while True:
        code = new_code()
        if not FrozenExport.objects.filter(verification_code=code).exists():
            return code


def _current(doc: Document):
    return FrozenExport.objects.current().for_form(
        kind=doc.kind, department=doc.department, year=doc.year, project=doc.name
    )


@transaction.atomic
def document_freeze(doc: Document, *, user=None, replace: bool = False) -> list[FrozenExport]:
    """Render and store the PDF and XLSX of an approved document; return its current frozen files.

    Idempotent: a document whose files are already frozen keeps them, nothing is rendered again. With
    ``replace`` (a new approval after a return or an adjustment) both files are rendered again and the
    old ones are marked superseded, kept for the record. Raises ValidationError when the form does not
    exist or is not (every form of the table) approved.
    """
    # Locking the form rows serialises two approvals of the same form and keeps the data still while
    # it is rendered.
    forms = list(doc.forms().select_for_update().order_by("pk"))
    if not forms:
        raise ValidationError(
            f"{doc.department.name}没有{doc.year}年的{doc.spec.describe(doc.name)}，无法冻结导出文件。"
        )
    pending = [form for form in forms if form.status != FormStatus.APPROVED]
    if pending:
        names = "、".join(str(form) for form in pending[:3]) + ("等" if len(pending) > 3 else "")
        raise ValidationError(f"{doc.label}尚未全部审核（{names}），不能冻结导出文件。")

    existing = {frozen.format: frozen for frozen in _current(doc).select_for_update()}
    if not replace and all(format in existing for format in FORMATS):
        return [existing[format] for format in FORMATS]

    version = sum(form.version for form in forms)
    record = doc.record()
    now = timezone.now()
    result, changes = [], {}
    for format in FORMATS:
        old = existing.get(format)
        if old is not None and not replace:
            result.append(old)
            continue
        # The code is part of the file: chosen first, printed by the rendering, stored beside its hash.
        code = _unused_code()
        stamp = Stamp(code, doc.department.name, doc.year, version, timezone.localdate(now))
        filename, _content_type, content = doc.render(format, record, stamp)
        digest = hashlib.sha256(content).hexdigest()
        if old is not None:
            FrozenExport.objects.filter(pk=old.pk).update(superseded_at=now)
        frozen = FrozenExport(
            kind=doc.kind,
            department=doc.department,
            year=doc.year,
            project=doc.name,
            format=format,
            filename=filename,
            content=content,
            sha256=digest,
            size=len(content),
            form_version=version,
            verification_code=code,
            created_by=user if getattr(user, "is_authenticated", False) else None,
        )
        frozen.full_clean(exclude=["content"])
        frozen.save()
        result.append(frozen)
        changes[f"{doc.title}{frozen.get_format_display()} SHA-256"] = [old.sha256 if old else None, digest]

    if changes:
        summary = "；".join(f"{frozen.get_format_display()} SHA-256 {frozen.sha256}" for frozen in result)
        for form in forms:
            audit_record(
                obj=form,
                action=AuditEntry.Action.TRANSITION,
                user=user,
                changes=changes,
                message=f"{'重新' if replace and existing else ''}冻结导出文件（{doc.title}）：{summary}",
            )
    return result


def form_freeze(
    *, kind: str, department: Department, year: int, project: str = "", user=None, replace: bool = False
) -> list[FrozenExport]:
    """``document_freeze`` of the document named by kind, department, year and (project) name."""
    return document_freeze(document(kind, department, year, project), user=user, replace=replace)


def served_export(
    kind: str, format: str, department: Department, year: int, project: str | None = None
) -> ServedExport:
    """The file a download gets: the frozen bytes of an approved document, else a live rendering.

    Raises LookupError for an unknown kind or format or a missing form, FrozenExportCorrupted when the
    stored bytes fail their SHA-256.
    """
    return document_served(document(kind, department, year, project), format)


def document_served(doc: Document, format: str) -> ServedExport:
    chosen = exporter(format)
    frozen = _current(doc).filter(format=format).first()
    if frozen is not None:
        return ServedExport(frozen.filename, chosen.content_type, frozen_content(frozen), frozen)
    filename, content_type, content = doc.render(format)
    return ServedExport(filename, content_type, content, None)


def export_for_download(
    kind: str, format: str, department: Department, year: int, project: str | None = None
) -> tuple[str, str, bytes]:
    """``(filename, content_type, bytes)`` like ``export_form``, but the approved file when frozen."""
    served = served_export(kind, format, department, year, project)
    return served.filename, served.content_type, served.content


def frozen_status(doc: Document) -> dict[str, FrozenExport]:
    """The current frozen files of one document by format, without their content (one query)."""
    return {frozen.format: frozen for frozen in _current(doc).defer("content")}


def approval_summary(doc: Document) -> str:
    """The status of the forms behind one document, in Chinese (“已审核”, “3/10个项目已审核”)."""
    statuses = list(doc.forms().values_list("status", flat=True))
    if not statuses:
        return "无数据"
    if len(statuses) == 1 and not doc.is_table:
        return FormStatus(statuses[0]).label
    approved = statuses.count(FormStatus.APPROVED)
    if approved == len(statuses):
        return FormStatus.APPROVED.label
    return f"{approved}/{len(statuses)}个{doc.spec.name_noun}已审核"
