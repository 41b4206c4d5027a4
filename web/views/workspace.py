"""The department workspace, creating a form for a year, copying a form forward."""

from dataclasses import dataclass
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_GET, require_POST

from core.exports.bundle import department_year_zip
from core.kinds import KindSpec, kinds
from core.models import Department, FormBase, FormStatus, User
from core.pages import (
    attachment,
    department_for_user,
    departments_for_user,
    edit_url,
    form_for_user,
    int_param,
    page_kind,
    require_preparer,
)
from core.text import control_message

# --- workspace -----------------------------------------------------------------------------------------


@dataclass
class WorkspaceRow:
    spec: KindSpec
    forms: list
    can_create: bool

    @property
    def kind(self):
        return self.spec.kind

    @property
    def needs_name(self) -> bool:
        return self.spec.named

    @property
    def items(self) -> list[tuple[FormBase, str, tuple[str, str] | None]]:
        """Each form with its name and its note (``KindSpec.note``, e.g. a deadline)."""
        return [(form, self.spec.name_of(form), self.spec.note_for(form)) for form in self.forms]


@require_GET
@login_required
def workspace(request):
    """A department's forms for one year, by kind, with status and last change."""
    user = request.user
    departments = list(departments_for_user(user))
    if not departments:
        return render(request, "web/workspace_empty.html")
    inbox = _inbox(user)
    department = departments[0]
    waiting = inbox[0][1] if inbox and not user.is_preparer else None
    if request.GET.get("department"):
        department = department_for_user(user, int_param(request.GET["department"], 0))
    elif waiting is not None:
        department = waiting.department  # a reviewer opens on what waits for them
    years = department_years(department)
    default_year = (
        waiting.year if waiting is not None and waiting.department_id == department.pk else years[0]
    )
    year = int_param(request.GET.get("year"), default_year)
    may_create = user.prepares(department)
    # One form a year first (the department's own), then the kinds with a form per project.
    specs = sorted(kinds(), key=lambda spec: spec.named)
    rows = []
    for spec in specs:
        forms = list(spec.listed(spec.forms_of(department, year)).select_related("updated_by"))
        creates = may_create and spec.preparer_creates and (spec.named or not forms)
        rows.append(WorkspaceRow(spec, forms, can_create=creates))
    # Kinds whose forms are rows of one table (the 项目支出绩效目标表) link to the table's page.
    tables = {
        row.spec.slug: reverse(row.spec.table.url_name, args=[department.pk, year])
        for row in rows
        if row.spec.table is not None and row.spec.table.url_name
    }
    names = sorted({name for row in rows for _form, name, _note in row.items if name})
    notifications = list(user.notifications.filter(read_at__isnull=True)[:20])
    user.notifications.filter(pk__in=[n.pk for n in notifications]).update(read_at=timezone.now())
    return render(
        request,
        "web/workspace.html",
        {
            "department": department,
            "departments": departments,
            "year": year,
            "years": years,
            "rows": rows,
            "tables": tables,
            "names": names,
            "may_create": may_create,
            "next_year": date.today().year + 1,
            "inbox": inbox,
            "notifications": notifications,
        },
    )


INBOX_LIMIT = 100


def _inbox(user) -> list[tuple[KindSpec, FormBase, tuple[str, str] | None]]:
    """What waits for ``user``: forms to review at their tier, or their department's drafts and returns.

    One query per form kind: ``visible_to`` already limits a reviewer to the departments assigned to
    them (the tier-1 reviewers) and the finance bureau to all (the tier-2 reviewers).
    """
    if user.is_preparer:
        wanted = {"status__in": [FormStatus.DRAFT, FormStatus.RETURNED]}
    elif user.role in {User.Role.REVIEWER, User.Role.FINANCE}:
        wanted = {"status": FormStatus.SUBMITTED, "review_tier": 1 if user.role == User.Role.REVIEWER else 2}
    else:
        return []
    items = []
    for spec in kinds():
        forms = spec.listed(spec.model.objects.visible_to(user)).filter(**wanted)
        items += [
            (spec, form, spec.note_for(form))
            for form in forms.order_by("-year", "department__name")[:INBOX_LIMIT]
        ]
    return items


def department_years(department: Department) -> list[int]:
    """Years with any form of ``department``, newest first; the coming budget year when there are none."""
    years: set[int] = set()
    for spec in kinds():
        years.update(
            spec.model.objects.filter(department=department).values_list("year", flat=True).distinct()
        )
    return sorted(years or {date.today().year + 1}, reverse=True)


# --- create, copy --------------------------------------------------------------------------------------


@require_POST
@login_required
def form_create(request):
    department = require_preparer(request.user)
    spec = page_kind(request.POST.get("kind", ""))
    year = int_param(request.POST.get("year"), 0)
    name = (request.POST.get("name") or "").strip() if spec.named else ""
    workspace_url = f"{reverse('workspace')}?year={year}" if year else reverse("workspace")
    if not spec.preparer_creates:
        messages.error(request, f"{spec.label}不由填报人新建。")
        return redirect(workspace_url)
    if not 2000 <= year <= 2100:
        messages.error(request, "请填写正确的年度（2000—2100）。")
        return redirect(workspace_url)
    if spec.named and not name:
        messages.error(request, f"请填写{spec.name_label}。")
        return redirect(workspace_url)
    # Refused before any query: PostgreSQL cannot even compare a text holding NUL.
    if problem := control_message(f"“{spec.name_label}”", name):
        messages.error(request, f"未新建：{problem}")
        return redirect(workspace_url)
    existing = spec.forms_of(department, year).filter(**spec.identity(name)).first()
    if existing is not None:
        messages.error(
            request,
            format_html(
                '{}年已有{}，未新建。<a class="alert-link" href="{}">打开这张表</a>',
                year,
                spec.describe(name),
                edit_url(spec, existing)
                if existing.is_editable
                else reverse("form-preview", args=[spec.slug, existing.pk]),
            ),
        )
        return redirect(workspace_url)
    try:
        form = spec.load(
            department=department,
            year=year,
            data=spec.start_data(department, year, name),
            user=request.user,
            message="新建",
        ).form
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
        return redirect(workspace_url)
    messages.success(request, f"已新建{spec.describe(name)}（{year}年）。")
    return redirect(edit_url(spec, form))


@require_POST
@login_required
def form_copy_forward(request, kind: str, pk: int):
    """Copy a form into a new draft of the next year: rows and amounts kept, status reset."""
    spec, form = form_for_user(request.user, kind, pk)
    department = require_preparer(request.user)
    if department.pk != form.department_id:
        raise Http404
    if not spec.preparer_creates:
        messages.error(request, f"{spec.label}不能复制为下一年。")
        return redirect(edit_url(spec, form))
    year = form.year + 1
    name = spec.name_of(form)
    if spec.forms_of(department, year).filter(**spec.identity(name)).exists():
        messages.error(request, f"{year}年已有{spec.describe(name)}，未复制。")
        return redirect(edit_url(spec, form))
    try:
        with transaction.atomic():
            copy = spec.load(
                department=department,
                year=year,
                data=spec.record(form),
                user=request.user,
                message=f"由{form.year}年复制",
            ).form
    except ValidationError as error:
        messages.error(request, "复制失败：" + "；".join(error.messages))
        return redirect(edit_url(spec, form))
    messages.success(request, f"已复制为{year}年的草稿。")
    return redirect(edit_url(spec, copy))


@require_GET
@login_required
def department_zip(request, department: int, year: int):
    """Every form of a department and year in one ZIP (approved ones as their frozen files)."""
    department = department_for_user(request.user, department)
    try:
        filename, content = department_year_zip(department, year)
    except LookupError as error:
        raise Http404(str(error)) from None
    return attachment(content, filename, "application/zip")
