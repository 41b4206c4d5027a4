"""Publishing an approved document (公开) and withdrawing it; what the public pages list.

A department publishes a *document* (``core.exports.registry.Document``): one form's own file, or a
kind's table once every form of it is approved (the department's 项目支出绩效目标表). What becomes
public is that document's current frozen PDF (and XLSX), pinned by the :class:`Publication`; see
``publication/models.py`` for what an adjustment does to it. Every publish, reschedule and withdrawal
is written to the history (``AuditEntry``) of each form behind the document, in the same transaction.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.audit import audit_record
from core.exports.registry import Document, document_for, table_for
from core.kinds import get_kind, kinds
from core.models import AuditEntry, District, FormBase, FormStatus, FrozenExport
from publication.models import Publication, offers_xlsx

# How far ahead a publication may be scheduled.
MAX_SCHEDULE = timedelta(days=3 * 366)
PAGE_SIZE = 50
QUERY_MAX_LENGTH = 50


def _current_files(doc: Document) -> dict[str, FrozenExport]:
    return {
        frozen.format: frozen
        for frozen in FrozenExport.objects.current()
        .for_form(kind=doc.kind, department=doc.department, year=doc.year, project=doc.name)
        .defer("content")
    }


def _standing(doc: Document):
    return Publication.objects.standing().filter(
        pdf__kind=doc.kind, pdf__department=doc.department, pdf__year=doc.year, pdf__project=doc.name
    )


def _require_preparer(user, doc: Document) -> None:
    if not (user.is_authenticated and user.prepares(doc.department)):
        raise PermissionDenied("只有本部门的填报人可以公开或撤销公开此表。")


def _audit(forms, user, message: str, changes: dict) -> None:
    for form in forms:
        audit_record(
            obj=form, action=AuditEntry.Action.TRANSITION, user=user, changes=changes, message=message
        )


def _when(value: datetime) -> str:
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"


def parse_public_from(text: str, *, now: datetime | None = None) -> datetime:
    """The 公开时间 typed on the page (``2025-03-01T09:00`` from a datetime field, or with a space);
    empty means now, a time already past is now. ValidationError naming the field otherwise."""
    now = now or timezone.now()
    text = (text or "").strip()
    if not text:
        return now
    try:
        value = datetime.fromisoformat(text.replace(" ", "T"))
    except ValueError:
        raise ValidationError(
            f"公开时间“{text[:40]}”格式不正确，应为如 2025-03-01 09:00 的日期和时间。"
        ) from None
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if value > now + MAX_SCHEDULE:
        raise ValidationError(f"公开时间“{text[:40]}”太远：最多可预约三年以内的公开时间。")
    return max(value, now)


@transaction.atomic
def document_publish(doc: Document, *, user, public_from: datetime | None = None) -> Publication:
    """Publish the document's approved files from ``public_from`` (default now); publishing a document
    already published only changes the time. Only the department's preparers may."""
    _require_preparer(user, doc)
    forms = list(doc.forms().select_for_update().order_by("pk"))
    if not forms or any(form.status != FormStatus.APPROVED for form in forms):
        raise ValidationError(f"{doc.title}尚未审核通过，不能公开。")
    files = _current_files(doc)
    if "pdf" not in files:
        raise ValidationError(f"{doc.title}没有审核通过时冻结的 PDF，不能公开；请联系系统管理员。")
    now = timezone.now()
    public_from = max(public_from or now, now)
    pdf, xlsx = files["pdf"], files.get("xlsx")
    publication = _standing(doc).select_for_update().filter(pdf=pdf).first()
    if publication is not None:
        before = publication.public_from
        publication.public_from = public_from
        publication.save(update_fields=["public_from"])
        _audit(
            forms,
            user,
            f"修改公开时间（{doc.title}）：自{_when(public_from)}起公开",
            {"公开时间": [_when(before), _when(public_from)]},
        )
        return publication
    publication = Publication.objects.create(pdf=pdf, xlsx=xlsx, public_from=public_from, created_by=user)
    scheduled = "即日" if public_from <= now else _when(public_from)
    _audit(
        forms,
        user,
        f"公开（{doc.title}）：自{scheduled}起在公开页提供审核通过的原件，PDF SHA-256 {pdf.sha256}",
        {"公开": [None, _when(public_from)]},
    )
    return publication


@transaction.atomic
def document_unpublish(doc: Document, *, user) -> int:
    """Withdraw the document's publication (public or scheduled); returns how many were withdrawn."""
    _require_preparer(user, doc)
    forms = list(doc.forms().select_for_update().order_by("pk"))
    standing = list(_standing(doc).select_for_update())
    if not standing:
        raise ValidationError(f"{doc.title}当前没有公开，无需撤销。")
    now = timezone.now()
    Publication.objects.filter(pk__in=[p.pk for p in standing]).update(withdrawn_at=now, withdrawn_by=user)
    _audit(
        forms,
        user,
        f"撤销公开（{doc.title}）：公开页不再提供此表",
        {"公开": [_when(standing[0].public_from), None]},
    )
    return len(standing)


# --- the panel on an approved form's preview page ---------------------------------------------------


@dataclass
class DocumentState:
    """One document of a form as the preview page shows it: its files and publication."""

    doc: Document
    key: str  # "form" or "table": which of the form's documents a button acts on
    approved: bool
    files: dict[str, FrozenExport]
    publication: Publication | None

    @property
    def is_public(self) -> bool:
        return self.publication is not None and self.publication.is_public

    @property
    def can_publish(self) -> bool:
        return self.approved and "pdf" in self.files


def form_documents(form: FormBase) -> list[tuple[str, Document]]:
    """The documents a form stands behind: its own, and its kind's table if it prints one."""
    documents = [("form", document_for(form))]
    table = table_for(form)
    if table is not None:
        documents.append(("table", table))
    return documents


def form_document(form: FormBase, key: str) -> Document:
    for candidate, doc in form_documents(form):
        if candidate == key:
            return doc
    raise LookupError(f"没有此表的“{key}”文档。")


def document_states(form: FormBase) -> list[DocumentState]:
    states = []
    for key, doc in form_documents(form):
        statuses = list(doc.forms().values_list("status", flat=True))
        approved = bool(statuses) and all(status == FormStatus.APPROVED for status in statuses)
        files = _current_files(doc)
        publication = _standing(doc).without_content().first()
        if key == "table" and not files and publication is None:
            continue  # a table not yet frozen: nothing to publish, nothing to say
        states.append(DocumentState(doc, key, approved, files, publication))
    return states


def preview_panel(user, form: FormBase) -> dict | None:
    """The context of the publication panel on a form's preview page, or None where there is none
    (a form that was never approved). The buttons are for the department's preparers only."""
    states = (
        document_states(form) if form.reviewed_at is not None or form.status == FormStatus.APPROVED else []
    )
    states = [state for state in states if state.files or state.publication]
    if not states:
        return None
    return {
        "states": states,
        "may_publish": user.is_authenticated and user.prepares(form.department_id),
        "now": timezone.localtime(),
    }


# --- the public pages ---------------------------------------------------------------------------------


def public_districts() -> list[dict]:
    """Districts with something public now, each with the years it has."""
    rows = (
        Publication.objects.active()
        .values_list("pdf__department__district_id", "pdf__department__district__name", "pdf__year")
        .distinct()
    )
    districts: dict[int, dict] = {}
    for district_id, name, year in rows:
        districts.setdefault(district_id, {"id": district_id, "name": name, "years": set()})["years"].add(
            year
        )
    return [
        {**entry, "years": sorted(entry["years"], reverse=True)}
        for entry in sorted(districts.values(), key=lambda entry: entry["name"])
    ]


@dataclass
class PublicRow:
    publication: Publication
    label: str  # the document as listed: “项目支出绩效目标表”, “项目支出绩效自评表（X项目）”
    xlsx: FrozenExport | None


def public_listing(district: District, year: int, query: str = ""):
    """The district's publications of ``year`` that are public now, searchable by department and
    project name; ordered by department, then kind (domain.md §2), then project."""
    query = (query or "").strip()[:QUERY_MAX_LENGTH]
    publications = Publication.objects.active().filter(pdf__department__district=district, pdf__year=year)
    if query:
        publications = publications.filter(
            Q(pdf__department__name__icontains=query) | Q(pdf__project__icontains=query)
        )
    return publications.without_content().order_by(
        "pdf__department__name", "pdf__kind", "pdf__project", "pk"
    ), query


def public_rows(publications, district: District) -> list[PublicRow]:
    order = {spec.slug: position for position, spec in enumerate(kinds())}
    xlsx = offers_xlsx(district.pk)
    rows = []
    for publication in publications:
        pdf = publication.pdf
        try:
            spec = get_kind(pdf.kind)
        except LookupError:  # a kind no longer registered: still list the stored file under its name
            label = pdf.get_kind_display()
        else:
            label = Document(spec, pdf.department, pdf.year, pdf.project).label + (
                f"（{pdf.project}）" if pdf.project else ""
            )
        current_xlsx = (
            publication.xlsx if xlsx and publication.xlsx and publication.xlsx.superseded_at is None else None
        )
        rows.append(PublicRow(publication, label, current_xlsx))
    rows.sort(key=lambda row: (row.publication.pdf.department.name, order.get(row.publication.pdf.kind, 99)))
    return rows


def public_file(sha256: str, format: str) -> FrozenExport | None:
    """A frozen file the public pages serve: a current PDF of a publication public now, or its XLSX
    where the district offers XLSX. None for anything else."""
    active = Publication.objects.active()
    if format == "pdf":
        candidates = FrozenExport.objects.filter(format="pdf", sha256=sha256, publications__in=active)
    elif format == "xlsx":
        candidates = FrozenExport.objects.filter(
            format="xlsx",
            sha256=sha256,
            xlsx_publications__in=active,
            department__district__disclosure__offer_xlsx=True,
        )
    else:
        return None
    return candidates.current().select_related("department").distinct().first()


def public_publication_of(frozen: FrozenExport) -> Publication | None:
    """The publication under which ``frozen`` is public now, if any."""
    active = Publication.objects.active()
    if frozen.format == "pdf":
        return active.filter(pdf=frozen).first()
    if offers_xlsx(frozen.department.district_id):
        return active.filter(xlsx=frozen, xlsx__superseded_at__isnull=True).first()
    return None
