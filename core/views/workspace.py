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
from django.views.decorators.http import require_GET, require_POST

from core.kinds import REGISTRY, KindSpec
from core.models import Department, FormBase, FormKind, FormStatus, User
from core.views.access import (
    department_for_user,
    departments_for_user,
    edit_url,
    form_for_user,
    int_param,
    page_kind,
    require_preparer,
)

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
        department = department_for_user(user, int_param(request.GET["department"], 0))
    years = department_years(department)
    year = int_param(request.GET.get("year"), years[0])
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


def department_years(department: Department) -> list[int]:
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
    department = require_preparer(request.user)
    spec = page_kind(request.POST.get("kind", ""))
    year = int_param(request.POST.get("year"), 0)
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
    return redirect(edit_url(spec, form))


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


@require_POST
@login_required
def form_copy_forward(request, kind: str, pk: int):
    """Copy a form into a new draft of the next year: rows and amounts kept, status reset."""
    spec, form = form_for_user(request.user, kind, pk)
    department = require_preparer(request.user)
    if department.pk != form.department_id:
        raise Http404
    year = form.year + 1
    name = _form_name(form)
    if spec.model.objects.filter(department=department, year=year, **_identity(spec, name)).exists():
        messages.error(request, f"{year}年已有{_describe(spec, name)}，未复制。")
        return redirect(edit_url(spec, form))
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
        return redirect(edit_url(spec, form))
    messages.success(request, f"已复制为{year}年的草稿。")
    return redirect(edit_url(spec, copy))
