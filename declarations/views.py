"""A department's 项目支出绩效目标表: the table of its projects (list, totals, preview, download) and the
bulk import of a whole table. Each project's own form goes through the shared entry pages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from core.exports.frozen import document_served
from core.exports.html import render_tables_html
from core.exports.registry import EXPORTERS, Document
from core.kinds import get_kind
from core.models import FormKind, FormStatus
from core.pages import attachment, department_for_user, prepared_department
from declarations.bulk import parse_project_table, projects_import, table_text_from_xlsx
from declarations.models import Project, project_totals
from indicators.models import Scheme
from indicators.services import CategoryIndex


def _table(department, year: int) -> Document:
    return Document(get_kind(FormKind.PROJECTS.value), department, year)


@require_GET
@login_required
def project_list(request, department: int, year: int):
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
            "may_create": request.user.prepares(department),
            "statuses": FormStatus,
        },
    )


@require_GET
@login_required
def project_list_preview(request, department: int, year: int):
    """The department's whole table in its official layout, as its PDF and XLSX print it."""
    department = department_for_user(request.user, department)
    table = _table(department, year)
    try:
        layout = table.layout()
    except LookupError as error:
        raise Http404(str(error)) from None
    return render(
        request,
        "declarations/project_table_preview.html",
        {
            "department": department,
            "year": year,
            "table": table,
            "layout": layout,
            "tables": render_tables_html(layout),
        },
    )


@require_GET
@login_required
def project_list_download(request, department: int, year: int, fmt: str):
    """The whole table: its frozen file once every project is approved, else rendered from the data."""
    department = department_for_user(request.user, department)
    if fmt not in EXPORTERS:
        raise Http404
    try:
        served = document_served(_table(department, year), fmt)
    except LookupError as error:
        raise Http404(str(error)) from None
    return attachment(served.content, served.filename, served.content_type)


@login_required
def project_import(request, department: int, year: int):
    """Paste or upload a whole 项目支出绩效目标表; a preview lists what will be created and every problem."""
    department = prepared_department(request.user, department)
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
                Project.objects.filter(department=department, year=year).values_list("name", flat=True)
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
