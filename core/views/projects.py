"""A department's 项目支出绩效目标表 (list, totals, download, bulk import) and the ZIP of its year."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from core.exports.registry import EXPORTERS
from core.kinds import REGISTRY
from core.models import FormKind, FormStatus, User
from core.views.access import attachment, department_for_user
from core.views.entry import export_file

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
        filename, content_type, content = export_file(FormKind.PROJECTS.value, fmt, department, year)
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
