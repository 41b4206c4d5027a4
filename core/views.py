"""The preparer's pages: sign-in, the department workspace, and one entry page per form kind.

Every view reaches a form through ``form_for_user`` and a department through ``department_for_user``:
what the user may not see is a 404, never a 403 that confirms it exists.
"""

from dataclasses import dataclass
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_POST

from core.exports.html import render_tables_html
from core.exports.registry import EXPORTERS
from core.kinds import REGISTRY, KindSpec
from core.models import Department, FormBase, FormKind, FormStatus, User
from core.services import EditConflict

# --- access -------------------------------------------------------------------------------------------


def departments_for_user(user):
    """The departments ``user`` may open."""
    departments = Department.objects.select_related("district")
    if user.is_superuser or user.role in {User.Role.FINANCE, User.Role.ADMINISTRATOR}:
        return departments
    if user.role == User.Role.REVIEWER:
        return departments.filter(pk__in=user.reviewed_departments.values("pk"))
    return departments.filter(pk=user.department_id)


def department_for_user(user, pk: int) -> Department:
    return get_object_or_404(departments_for_user(user), pk=pk)


def page_kind(slug: str) -> KindSpec:
    spec = REGISTRY.get(slug)
    if spec is None or spec.kind.value != slug or spec.model is None:
        raise Http404("没有这种表格。")
    return spec


def form_for_user(user, slug: str, pk: int) -> tuple[KindSpec, FormBase]:
    """The form ``pk`` of kind ``slug`` if ``user`` may see it, else 404."""
    spec = page_kind(slug)
    queryset = spec.model.objects.visible_to(user).select_related("department__district", "updated_by")
    return spec, get_object_or_404(queryset, pk=pk)


def can_edit(user, form: FormBase) -> bool:
    """Only the department's own preparers edit, and only drafts and returned forms."""
    if not form.is_editable:
        return False
    return user.role == User.Role.PREPARER and user.department_id == form.department_id


def _require_preparer(user) -> Department:
    if user.role != User.Role.PREPARER or user.department_id is None:
        raise PermissionDenied("只有填报人可以新建或修改表格。")
    return user.department


# --- workspace -----------------------------------------------------------------------------------------


@dataclass
class WorkspaceRow:
    kind: FormKind
    forms: list
    can_create: bool
    needs_name: bool = False


SINGLE_KINDS = (FormKind.DECLARATION, FormKind.TARGET_TABLE, FormKind.SELF_EVALUATION)


@require_GET
@login_required
def workspace(request):
    """A department's forms for one year, by kind, with status and last change."""
    user = request.user
    departments = list(departments_for_user(user))
    if not departments:
        return render(request, "core/workspace_empty.html")
    department = departments[0]
    if request.GET.get("department"):
        department = department_for_user(user, _int(request.GET["department"], 0))
    years = _years(department)
    year = _int(request.GET.get("year"), years[0])
    may_create = user.role == User.Role.PREPARER and user.department_id == department.pk
    rows = []
    for kind in (*SINGLE_KINDS, FormKind.PROJECTS, FormKind.PROJECT_SELF_EVALUATION):
        spec = REGISTRY[kind.value]
        forms = list(spec.model.objects.filter(department=department, year=year).select_related("updated_by"))
        single = kind in SINGLE_KINDS
        rows.append(
            WorkspaceRow(kind, forms, can_create=may_create and not (single and forms), needs_name=not single)
        )
    projects = [form for row in rows if row.kind == FormKind.PROJECTS for form in row.forms]
    notifications = list(user.notifications.filter(read_at__isnull=True)[:20])
    user.notifications.filter(pk__in=[n.pk for n in notifications]).update(read_at=timezone.now())
    return render(
        request,
        "core/workspace.html",
        {
            "department": department,
            "departments": departments,
            "year": year,
            "years": years,
            "rows": rows,
            "projects": projects,
            "may_create": may_create,
            "next_year": date.today().year + 1,
            "inbox": _inbox(user),
            "notifications": notifications,
        },
    )


INBOX_LIMIT = 100


def _inbox(user) -> list[tuple[KindSpec, FormBase]]:
    """What waits for ``user``: forms to review at their tier, or their department's drafts and returns.

    One query per form kind: ``visible_to`` already limits a reviewer to the departments assigned to
    them (the tier-1 reviewers) and the finance bureau to all (the tier-2 reviewers).
    """
    items = []
    for kind in FormKind:
        spec = REGISTRY[kind.value]
        forms = spec.model.objects.visible_to(user).select_related("department")
        if user.role == User.Role.PREPARER:
            forms = forms.filter(status__in=[FormStatus.DRAFT, FormStatus.RETURNED])
        elif user.role in {User.Role.REVIEWER, User.Role.FINANCE}:
            tier = 1 if user.role == User.Role.REVIEWER else 2
            forms = forms.filter(status=FormStatus.SUBMITTED, review_tier=tier)
        else:
            continue
        items += [(spec, form) for form in forms.order_by("-year", "department__name")[:INBOX_LIMIT]]
    return items


def _int(value, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _years(department: Department) -> list[int]:
    """Years with any form of ``department``, newest first; the coming budget year when there are none."""
    years: set[int] = set()
    for kind in FormKind:
        model = REGISTRY[kind.value].model
        years.update(model.objects.filter(department=department).values_list("year", flat=True).distinct())
    return sorted(years or {date.today().year + 1}, reverse=True)


# --- create, copy --------------------------------------------------------------------------------------


def _empty_data(spec: KindSpec, department: Department, year: int, name: str) -> dict:
    if spec.kind == FormKind.PROJECTS:
        return {"name": name}
    if spec.kind == FormKind.PROJECT_SELF_EVALUATION:
        return _project_evaluation_start(department, year, name)
    if spec.kind == FormKind.SELF_EVALUATION:
        return _department_evaluation_start(department, year)
    return {}


def _targets(kind: FormKind, department: Department, year: int, **identity):
    """The targets a self-evaluation starts from: the approved ones, else the latest there are."""
    forms = REGISTRY[kind.value].model.objects.filter(department=department, year=year, **identity)
    return forms.filter(status=FormStatus.APPROVED).first() or forms.first()


def _department_evaluation_start(department: Department, year: int) -> dict:
    """§2.4: the expected goal and the tasks (with their key indicators) of that year's declared targets."""
    from core.richtext import rich_text_plain

    declaration = _targets(FormKind.DECLARATION, department, year)
    table = _targets(FormKind.TARGET_TABLE, department, year)
    data: dict = {"expected_goal": declaration.overall_goal if declaration else ""}
    if table is not None:
        block = table.blocks.filter(period="annual").prefetch_related("tasks__indicators").first()
        if block is not None:
            data["expected_goal"] = data["expected_goal"] or block.goal
            data["tasks"] = [
                {
                    "name": task.name,
                    "expected": task.goal,
                    "indicators": [
                        {"name": f"{i.name}（{i.standard}）" if i.standard else i.name}
                        for i in task.indicators.all()
                    ],
                }
                for task in block.tasks.all()
            ]
    if declaration is not None and not data.get("tasks"):
        data["tasks"] = [
            {"name": task.name, "expected": rich_text_plain(task.expected_goal), "amount": str(task.amount)}
            for task in declaration.tasks.all()
        ]
    return data


def _project_evaluation_start(department: Department, year: int, name: str) -> dict:
    """§2.5: a project self-evaluation starts from that project's targets: indicators, 年度指标值, weights."""
    from declarations.records import project_data
    from evaluations.models import policy_for
    from evaluations.scoring import spread_weights

    policy = policy_for(department.district, year)
    project = _targets(FormKind.PROJECTS, department, year, name=name)
    if project is None:
        return {
            "project_name": name,
            "competent_department": department.name,
            "budget_weight": str(policy.budget_weight),
        }
    data = project_data(project)
    indicators = [
        {key: row[key] for key in ("level1", "level2", "name", "annual_value")} for row in data["indicators"]
    ]
    for row, weight in zip(
        indicators, spread_weights([row["level1"] for row in indicators], policy), strict=True
    ):
        row["weight"] = str(weight)
    return {
        "project_name": name,
        "competent_department": department.name,
        "implementing_unit": data["unit"],
        "expected_goal": data["goal"],
        "budget_weight": str(policy.budget_weight),
        "funds": {
            "initial_current": data["fiscal_appropriation"],
            "initial_other": str(project.special_account + project.other_funds),
        },
        "indicators": indicators,
    }


@require_POST
@login_required
def form_create(request):
    department = _require_preparer(request.user)
    spec = page_kind(request.POST.get("kind", ""))
    year = _int(request.POST.get("year"), 0)
    name = (request.POST.get("name") or "").strip()
    workspace_url = f"{reverse('workspace')}?year={year}" if year else reverse("workspace")
    if not 2000 <= year <= 2100:
        messages.error(request, "请填写正确的年度（2000—2100）。")
        return redirect(workspace_url)
    if spec.kind in {FormKind.PROJECTS, FormKind.PROJECT_SELF_EVALUATION} and not name:
        messages.error(request, "请填写项目名称。")
        return redirect(workspace_url)
    identity = _identity(spec, name)
    if spec.model.objects.filter(department=department, year=year, **identity).exists():
        messages.error(request, f"{year}年已有{_describe(spec, name)}，请直接打开。")
        return redirect(workspace_url)
    try:
        form = spec.load_one(
            department=department,
            year=year,
            data=_empty_data(spec, department, year, name),
            user=request.user,
            message="新建",
        )
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
        return redirect(workspace_url)
    messages.success(request, f"已新建{_describe(spec, name)}（{year}年）。")
    return redirect(_edit_url(spec, form))


def _identity(spec: KindSpec, name: str) -> dict:
    if spec.kind == FormKind.PROJECTS:
        return {"name": name}
    if spec.kind == FormKind.PROJECT_SELF_EVALUATION:
        return {"project_name": name}
    return {}


def _describe(spec: KindSpec, name: str = "") -> str:
    if spec.kind == FormKind.PROJECTS:
        return f"项目“{name}”的绩效目标"
    if spec.kind == FormKind.PROJECT_SELF_EVALUATION:
        return f"项目“{name}”的{spec.label}"
    return spec.label


def _form_name(form: FormBase) -> str:
    return getattr(form, "name", "") or getattr(form, "project_name", "")


def _edit_url(spec: KindSpec, form: FormBase) -> str:
    return reverse("form-edit", args=[spec.kind.value, form.pk])


@require_POST
@login_required
def form_copy_forward(request, kind: str, pk: int):
    """Copy a form into a new draft of the next year: rows and amounts kept, status reset."""
    spec, form = form_for_user(request.user, kind, pk)
    department = _require_preparer(request.user)
    if department.pk != form.department_id:
        raise Http404
    year = form.year + 1
    name = _form_name(form)
    if spec.model.objects.filter(department=department, year=year, **_identity(spec, name)).exists():
        messages.error(request, f"{year}年已有{_describe(spec, name)}，未复制。")
        return redirect(_edit_url(spec, form))
    data = spec.record(form)
    if spec.kind == FormKind.PROJECTS:
        data = data["projects"][0]
    try:
        with transaction.atomic():
            copy = spec.load_one(
                department=department,
                year=year,
                data=data,
                user=request.user,
                message=f"由{form.year}年复制",
            )
    except ValidationError as error:
        messages.error(request, "复制失败：" + "；".join(error.messages))
        return redirect(_edit_url(spec, form))
    messages.success(request, f"已复制为{year}年的草稿。")
    return redirect(_edit_url(spec, copy))


# --- entry page ----------------------------------------------------------------------------------------


@login_required
def form_edit(request, kind: str, pk: int):
    spec, form = form_for_user(request.user, kind, pk)
    if not can_edit(request.user, form):
        return redirect("form-preview", kind=kind, pk=pk)
    context = {"conflict": None, "service_errors": []}
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "save")
        data = request.POST
        if action in {"paste", "score"}:
            if action == "paste":
                data, notes = _paste_indicators(spec, form, request.POST)
            elif hasattr(spec.editor, "propose_scores"):
                data, notes = spec.editor.propose_scores(form, request.POST)
            else:
                raise Http404
            context["paste_notes"] = notes
            editor = spec.editor(form, data)
            return _render_editor(request, spec, form, editor, context)
        editor = spec.editor(form, data)
        if editor.is_valid():
            expected = editor.expected_version
            if action == "overwrite":
                expected = _int(request.POST.get("overwrite_version"), expected)
            try:
                saved = editor.save(user=request.user, expected_version=expected)
            except EditConflict as conflict:
                context["conflict"] = conflict
                status = 409
            except ValidationError as error:
                context["service_errors"] = error.messages
                status = 400
            else:
                messages.success(request, f"已保存（第{saved.version}版）。")
                return redirect(_edit_url(spec, saved))
        else:
            messages.error(request, f"有 {editor.error_count()} 处填写有误，未保存，请按提示修改。")
            status = 400
    else:
        editor = spec.editor(form)
    return _render_editor(request, spec, form, editor, context, status=status)


def _render_editor(request, spec, form, editor, context, status=200):
    context.update(
        spec=spec,
        form=form,
        editor=editor,
        kind=spec.kind,
        warnings=[] if editor.is_bound else _warnings(form, editor),
        can_edit=True,
        has_approval=_has_approval(form),
        **(editor.summary() if hasattr(editor, "summary") else {}),
    )
    return render(request, editor.template_name, context, status=status)


def _has_approval(form: FormBase) -> bool:
    """An adjusted form has an approved version to compare with."""
    from core.workflow import approved_snapshot

    return (
        form.status != FormStatus.APPROVED
        and form.reviewed_at is not None
        and approved_snapshot(form) is not None
    )


def _warnings(form: FormBase, editor) -> list:
    """The quality findings of the stored form: a draft keeps them, a submission needs the blocking ones fixed."""
    from core.checks import form_findings

    return form_findings(form)


def _paste_indicators(spec, form, post):
    """Add the rows of a pasted seed-003 indicator cell to the page (nothing is saved yet)."""
    from indicators.services import parse_cell_rows

    data = post.copy()
    text = data.get("paste_text", "")
    data["paste_text"] = ""
    editor = spec.editor(form, data)
    if editor.tree is None or not text.strip():
        return data, ["请先粘贴指标文本。"]
    try:
        rows, warnings = parse_cell_rows(text, editor.tree.index, row="粘贴的指标")
    except ValidationError as error:
        data["paste_text"] = text
        return data, error.messages
    if not rows:
        data["paste_text"] = text
        return data, [
            "没有识别出指标。格式如：1、1-产出指标：11-数量指标：名称；实施周期指标值:100%；年度指标值:100%。"
        ]
    editor.tree.append(data, rows)
    return data, [f"已按指标体系填入 {len(rows)} 条指标，请核对后保存。", *warnings]


@require_GET
@login_required
def form_preview(request, kind: str, pk: int):
    """The form in its official layout, as the PDF prints it."""
    spec, form = form_for_user(request.user, kind, pk)
    layout = spec.layout(spec.record(form))
    return render(
        request,
        "core/preview.html",
        {
            "spec": spec,
            "form": form,
            "kind": spec.kind,
            "layout": layout,
            "tables": render_tables_html(layout),
            "can_edit": can_edit(request.user, form),
            "has_approval": _has_approval(form),
        },
    )


@require_GET
@login_required
def form_download(request, kind: str, pk: int, fmt: str):
    spec, form = form_for_user(request.user, kind, pk)
    if fmt not in EXPORTERS:
        raise Http404
    project = form.project_name if spec.kind == FormKind.PROJECT_SELF_EVALUATION else None
    if (
        form.status != FormStatus.APPROVED
        and spec.kind != FormKind.PROJECTS
        and request.GET.get("version") != "approved"
    ):
        # A form being adjusted prints what it holds now; its approved file stays one click away.
        from core.exports.registry import export_form

        filename, content_type, content = export_form(
            spec.kind.value, fmt, form.department, form.year, project
        )
    else:
        filename, content_type, content = _export(spec.kind.value, fmt, form.department, form.year, project)
    return attachment(content, filename, content_type)


def _export(kind, fmt, department, year, project=None):
    """An approved form's frozen file, any other form rendered from its current data."""
    from core.exports.frozen import export_for_download

    return export_for_download(kind, fmt, department, year, project)


def attachment(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


# --- XLSX import ---------------------------------------------------------------------------------------


@login_required
def form_import(request):
    """Read our XLSX, edited offline, back into a draft of the user's department; all or nothing."""
    from core.exports.registry import import_form
    from core.forms import ImportForm

    department = _require_preparer(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            spec, result = import_form(
                form.cleaned_data["file"].read(), department=department, user=request.user
            )
        except ValidationError as error:
            errors = error.messages
        else:
            imported = result[0] if isinstance(result, tuple | list) else result
            imported = imported[0] if isinstance(imported, list) else imported
            messages.success(request, f"已导入{spec.label}（{imported.year}年），请核对后保存或提交。")
            if spec.model is not None and isinstance(imported, spec.model):
                return redirect(_edit_url(spec, imported))
            return redirect(f"{reverse('workspace')}?year={imported.year}")
    status = 400 if request.method == "POST" else 200
    return render(request, "core/import.html", {"form": form, "errors": errors}, status=status)


# --- the department's project list (项目支出绩效目标表) --------------------------------------------------


@require_GET
@login_required
def project_list(request, department: int, year: int):
    from declarations.models import Project, project_totals

    department = department_for_user(request.user, department)
    projects = list(Project.objects.filter(department=department, year=year).select_related("updated_by"))
    units: dict[str, list] = {}
    for project in projects:
        units.setdefault(project.unit or department.name, []).append(project)
    return render(
        request,
        "declarations/project_list.html",
        {
            "department": department,
            "year": year,
            "projects": projects,
            "totals": project_totals(projects),
            "units": [(unit, project_totals(items)) for unit, items in units.items()],
            "may_create": request.user.role == User.Role.PREPARER
            and request.user.department_id == department.pk,
            "statuses": FormStatus,
        },
    )


@require_GET
@login_required
def project_list_download(request, department: int, year: int, fmt: str):
    department = department_for_user(request.user, department)
    if fmt not in EXPORTERS:
        raise Http404
    try:
        filename, content_type, content = _export(FormKind.PROJECTS.value, fmt, department, year)
    except LookupError as error:
        raise Http404(str(error)) from None
    return attachment(content, filename, content_type)


@require_GET
@login_required
def department_zip(request, department: int, year: int):
    """Every form of a department and year in one ZIP (approved ones as their frozen files)."""
    from core.exports.bundle import department_year_zip

    department = department_for_user(request.user, department)
    try:
        filename, content = department_year_zip(department, year)
    except LookupError as error:
        raise Http404(str(error)) from None
    return attachment(content, filename, "application/zip")


# --- workflow -------------------------------------------------------------------------------------------


def _transition(request, kind: str, pk: int, service, done: str):
    _spec, form = form_for_user(request.user, kind, pk)
    try:
        service(form=form, user=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    target = "form-edit" if can_edit(request.user, type(form).objects.get(pk=form.pk)) else "form-preview"
    return redirect(target, kind=kind, pk=pk)


@require_POST
@login_required
def form_submit_view(request, kind: str, pk: int):
    from core.workflow import form_submit

    return _transition(request, kind, pk, form_submit, "已提交审核。")


@require_POST
@login_required
def form_withdraw_view(request, kind: str, pk: int):
    from core.workflow import form_withdraw

    return _transition(request, kind, pk, form_withdraw, "已撤回，可继续修改。")


@require_POST
@login_required
def form_adjust_view(request, kind: str, pk: int):
    from core.workflow import form_adjust

    return _transition(
        request, kind, pk, form_adjust, "已打开调整：修改后须重新提交审核；已审核的版本仍可查看和下载。"
    )


@login_required
def form_review_view(request, kind: str, pk: int):
    """The reviewer's page: the official layout, the check findings, earlier reviews, the decision."""
    from core.checks import form_findings
    from core.models import Review
    from core.workflow import can_review, form_review, reviews_of

    spec, form = form_for_user(request.user, kind, pk)
    errors: list[str] = []
    if request.method == "POST":
        try:
            form_review(
                form=form,
                user=request.user,
                grade=request.POST.get("grade", ""),
                comment=request.POST.get("comment", ""),
                checklist={key: request.POST.get(key) == "on" for key, _label in Review.CHECKLIST},
            )
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, "审核结论已保存。")
            return redirect("workspace")
    layout = spec.layout(spec.record(form))
    return render(
        request,
        "core/review.html",
        {
            "spec": spec,
            "form": form,
            "kind": spec.kind,
            "layout": layout,
            "tables": render_tables_html(layout),
            "findings": form_findings(form),
            "reviews": reviews_of(form),
            "may_review": can_review(request.user, form),
            "grades": Review.Grade,
            "checklist": Review.CHECKLIST,
            "errors": errors,
            "posted": request.POST,
        },
        status=400 if errors else 200,
    )


@require_GET
@login_required
def form_history(request, kind: str, pk: int):
    """Every change and transition of a form, newest first; nobody edits history through the app."""
    from django.contrib.contenttypes.models import ContentType

    from core.models import AuditEntry
    from core.workflow import reviews_of

    spec, form = form_for_user(request.user, kind, pk)
    entries = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(form), object_id=form.pk
    ).select_related("user")
    return render(
        request,
        "core/history.html",
        {"spec": spec, "form": form, "kind": spec.kind, "entries": entries, "reviews": reviews_of(form)},
    )


# --- the finance bureau's overview ----------------------------------------------------------------------


OVERVIEW_PAGE_SIZE = 100


def _overview_rows(user, kind: FormKind, year: int, status: str = "", district: int = 0):
    spec = REGISTRY[kind.value]
    forms = spec.model.objects.visible_to(user).filter(year=year).select_related("department__district")
    if status:
        forms = forms.filter(status=status)
    if district:
        forms = forms.filter(department__district_id=district)
    return spec, forms.order_by("department__district__name", "department__name")


def _with_totals(forms) -> list[dict]:
    return [{"form": form, "totals": _key_totals(form)} for form in forms]


def _key_totals(form) -> list[tuple[str, object]]:
    """The one or two figures a finance officer scans a form by."""
    for attribute, label in (
        ("expenditure_total", "预算支出合计"),
        ("income_total", "预算收入总额"),
        ("total", "项目资金总计"),
        ("actual_spending", "实际支出数"),
    ):
        if hasattr(form, attribute):
            return [(label, getattr(form, attribute))]
    if hasattr(form, "execution_rate"):
        return [("执行率（%）", form.execution_rate)]
    return []


@require_GET
@login_required
def overview(request):
    """Every visible department's forms of one kind and year: status, dates, key totals."""
    if request.user.role == User.Role.PREPARER:
        raise Http404
    kind_value = request.GET.get("kind") or FormKind.DECLARATION.value
    if kind_value not in FormKind.values:
        raise Http404
    kind = FormKind(kind_value)
    year = _int(request.GET.get("year"), date.today().year)
    status = request.GET.get("status", "")
    district = _int(request.GET.get("district"), 0)
    spec, rows = _overview_rows(
        request.user, kind, year, status if status in FormStatus.values else "", district
    )
    if request.GET.get("format") == "xlsx":
        return _overview_xlsx(spec, year, _with_totals(rows))
    from django.core.paginator import Paginator

    page = Paginator(rows, OVERVIEW_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "core/overview.html",
        {
            "spec": spec,
            "kind": kind,
            "kinds": FormKind,
            "year": year,
            "rows": _with_totals(page.object_list),
            "page": page,
            "count": page.paginator.count,
            "status": status,
            "statuses": FormStatus,
            "districts": _districts(request.user),
            "district": district,
        },
    )


def _districts(user):
    from core.models import District

    return District.objects.filter(departments__in=departments_for_user(user)).distinct().order_by("name")


def _overview_xlsx(spec, year, rows):
    from io import BytesIO

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "汇总"
    sheet.append([f"{year}年{spec.label}填报情况"])
    sheet.append(["区", "部门", "表格", "状态", "提交时间", "审核时间", "版本", "关键数"])
    for row in rows:
        form = row["form"]
        figure = row["totals"][0][1] if row["totals"] else None
        sheet.append(
            [
                form.department.district.name,
                form.department.name,
                str(form),
                form.get_status_display(),
                timezone.localtime(form.submitted_at).strftime("%Y-%m-%d %H:%M") if form.submitted_at else "",
                timezone.localtime(form.reviewed_at).strftime("%Y-%m-%d %H:%M") if form.reviewed_at else "",
                form.version,
                figure,
            ]
        )
        sheet.cell(row=sheet.max_row, column=8).number_format = "#,##0.00"
    for column, width in zip("ABCDEFGH", (10, 28, 46, 10, 18, 18, 8, 16), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = BytesIO()
    book.save(buffer)
    return attachment(
        buffer.getvalue(),
        f"{year}年{spec.label}填报情况.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


# --- adjustment: the approved version beside the current one -------------------------------------------


@require_GET
@login_required
def form_compare(request, kind: str, pk: int):
    """The approved version and the current (adjusted) one side by side, with the differences listed."""
    from core.records import data_differences
    from core.workflow import approved_snapshot

    spec, form = form_for_user(request.user, kind, pk)
    approval = approved_snapshot(form)
    if approval is None:
        raise Http404("此表没有审核通过的版本。")
    current = spec.record(form)
    skip = {"kind", "department", "district", "year"}
    before = {k: v for k, v in approval.snapshot.items() if k not in skip}
    after = {k: v for k, v in current.items() if k not in skip}
    return render(
        request,
        "core/compare.html",
        {
            "spec": spec,
            "form": form,
            "kind": spec.kind,
            "approval": approval,
            "differences": data_differences(before, after),
            "approved_tables": render_tables_html(spec.layout(approval.snapshot)),
            "current_tables": render_tables_html(spec.layout(current)),
        },
    )


# --- the district's self-evaluation results ---------------------------------------------------------------


@require_GET
@login_required
def results(request):
    """预算完成率, 总分 and grade per department and project, with charts; as XLSX with native charts."""
    from evaluations.results import (
        bar_chart_svg,
        completion_rates,
        district_results,
        grade_counts,
        results_xlsx,
    )

    if request.user.role == User.Role.PREPARER:
        raise Http404
    year = _int(request.GET.get("year"), date.today().year - 1)
    districts = list(_districts(request.user))
    # One district at a time on screen (a province is hundreds of departments); the background job
    # builds any district's workbook.
    district = _int(request.GET.get("district"), districts[0].pk if districts else 0)
    rows = district_results(departments_for_user(request.user).filter(district_id=district), year)
    if request.GET.get("format") == "xlsx":
        return attachment(
            results_xlsx(rows, year),
            f"{year}年度绩效自评结果.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    return render(
        request,
        "evaluations/results.html",
        {
            "year": year,
            "rows": rows,
            "grade_chart": bar_chart_svg(grade_counts(rows), unit="个"),
            "districts": districts,
            "district": district,
            "rate_chart": bar_chart_svg(completion_rates(rows), unit="%", maximum=100),
        },
    )


@login_required
def project_import(request, department: int, year: int):
    """Paste or upload a whole 项目支出绩效目标表; a preview lists what will be created and every problem."""
    from declarations.bulk import parse_project_table, projects_import, table_text_from_xlsx
    from indicators.models import Scheme
    from indicators.services import CategoryIndex

    department = department_for_user(request.user, department)
    if request.user.role != User.Role.PREPARER or request.user.department_id != department.pk:
        raise Http404
    text, table, errors = "", None, []
    if request.method == "POST":
        text = request.POST.get("text", "")
        upload = request.FILES.get("file")
        if upload is not None:
            try:
                raw = upload.read()
                text = (
                    table_text_from_xlsx(raw)
                    if upload.name.lower().endswith(".xlsx")
                    else raw.decode("utf-8-sig")
                )
            except (ValidationError, UnicodeDecodeError) as error:
                errors = getattr(error, "messages", ["文件不是 UTF-8 文本或 XLSX。"])
        if text and not errors:
            if request.POST.get("action") == "import":
                try:
                    projects, _warnings = projects_import(
                        department=department, year=year, text=text, user=request.user
                    )
                except ValidationError as error:
                    errors = error.messages
                else:
                    messages.success(request, f"已导入 {len(projects)} 个项目（草稿）。")
                    return redirect("project-list", department=department.pk, year=year)
            index = CategoryIndex.for_scheme(Scheme.objects.for_form(FormKind.PROJECTS, year))
            table = parse_project_table(text, index)
            if table.department and table.department != department.name:
                table.problems.insert(0, f"表中部门名称为“{table.department}”，不是{department.name}。")
            existing = set(
                REGISTRY[FormKind.PROJECTS.value]
                .model.objects.filter(department=department, year=year)
                .values_list("name", flat=True)
            )
            table.warnings += [
                f"项目“{p['name']}”已存在，导入后将被替换。" for p in table.projects if p["name"] in existing
            ]
    return render(
        request,
        "declarations/project_import.html",
        {"department": department, "year": year, "text": text, "table": table, "errors": errors},
        status=400 if errors or (table and table.problems) else 200,
    )


# --- two years of a department side by side ----------------------------------------------------------------


@require_GET
@login_required
def years_compare(request, department: int):
    """A department's form of one kind in two years: indicators added, removed, raised or lowered."""
    from core.records import data_differences
    from indicators.compare import indicator_changes

    department = department_for_user(request.user, department)
    kind_value = request.GET.get("kind") or FormKind.DECLARATION.value
    if kind_value not in FormKind.values or kind_value == FormKind.PROJECT_SELF_EVALUATION:
        raise Http404
    spec = REGISTRY[kind_value]
    years = _years(department)
    later = _int(request.GET.get("to"), years[0])
    earlier = _int(request.GET.get("from"), later - 1)
    before, after = spec.dump(department, earlier), spec.dump(department, later)
    changes, projects, differences = [], [], []
    if before and after:
        if spec.kind == FormKind.PROJECTS:
            old = {p["name"]: p for p in before["projects"]}
            new = {p["name"]: p for p in after["projects"]}
            projects = [("新增项目", name) for name in new if name not in old]
            projects += [("删除项目", name) for name in old if name not in new]
            for name in new.keys() & old.keys():
                changes += [
                    (name, change)
                    for change in indicator_changes(old[name]["indicators"], new[name]["indicators"])
                ]
        elif "indicators" in after:
            changes = [
                ("", change) for change in indicator_changes(before["indicators"], after["indicators"])
            ]
        skip = {"year", "indicators", "projects", "kind", "department", "district"}
        differences = data_differences(
            {k: v for k, v in before.items() if k not in skip},
            {k: v for k, v in after.items() if k not in skip},
        )
    return render(
        request,
        "core/years_compare.html",
        {
            "department": department,
            "spec": spec,
            "kinds": [kind for kind in FormKind if kind != FormKind.PROJECT_SELF_EVALUATION],
            "years": years,
            "earlier": earlier,
            "later": later,
            "before": before,
            "after": after,
            "changes": changes,
            "projects": projects,
            "differences": differences,
            "before_tables": render_tables_html(spec.layout(before)) if before else "",
            "after_tables": render_tables_html(spec.layout(after)) if after else "",
        },
    )


# --- background export jobs -----------------------------------------------------------------------------


@require_POST
@login_required
def job_start(request):
    """Queue a district's ZIP or a year's results workbook; the job page shows its progress."""
    from core.jobs import export_job_start
    from core.models import ExportJob

    if request.user.role == User.Role.PREPARER:
        raise Http404
    kind = request.POST.get("kind", "")
    if kind not in ExportJob.Kind.values:
        raise Http404
    district = _int(request.POST.get("district"), 0)
    if not departments_for_user(request.user).filter(district_id=district).exists():
        raise Http404
    year = _int(request.POST.get("year"), 0)
    formats = [f for f in request.POST.getlist("formats") if f in EXPORTERS] or ["pdf", "xlsx"]
    job = export_job_start(
        user=request.user, kind=kind, params={"district": district, "year": year, "formats": formats}
    )
    return redirect("job-detail", pk=job.pk)


def _job_for_user(user, pk: int):
    from core.models import ExportJob

    return get_object_or_404(ExportJob.objects.defer("content"), pk=pk, user=user)


@require_GET
@login_required
def job_detail(request, pk: int):
    return render(request, "core/job.html", {"job": _job_for_user(request.user, pk)})


@require_GET
@login_required
def job_status(request, pk: int):
    from django.http import JsonResponse

    job = _job_for_user(request.user, pk)
    return JsonResponse(
        {
            "status": job.status,
            "status_label": job.get_status_display(),
            "done": job.done,
            "total": job.total,
            "percent": job.percent,
            "error": job.error,
            "download": reverse("job-download", args=[job.pk]) if job.status == job.Status.DONE else "",
        },
        json_dumps_params={"ensure_ascii": False},
    )


@require_GET
@login_required
def job_download(request, pk: int):
    from core.models import ExportJob

    job = get_object_or_404(ExportJob, pk=pk, user=request.user, status=ExportJob.Status.DONE)
    content_type = "application/zip" if job.filename.endswith(".zip") else EXPORTERS["xlsx"].content_type
    return attachment(bytes(job.content), job.filename, content_type)
