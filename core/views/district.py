"""The finance bureau's pages: the overview, the self-evaluation results, two years side by side."""

from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from core.exports.html import render_tables_html
from core.kinds import REGISTRY
from core.models import FormKind, FormStatus, User
from core.views.access import attachment, department_for_user, departments_for_user, int_param
from core.views.workspace import department_years

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
    year = int_param(request.GET.get("year"), date.today().year)
    status = request.GET.get("status", "")
    district = int_param(request.GET.get("district"), 0)
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

    from core.exports.xlsx import TextWorkbook as Workbook

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
    year = int_param(request.GET.get("year"), date.today().year - 1)
    districts = list(_districts(request.user))
    # One district at a time on screen (a province is hundreds of departments); the background job
    # builds any district's workbook.
    district = int_param(request.GET.get("district"), districts[0].pk if districts else 0)
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
    years = department_years(department)
    later = int_param(request.GET.get("to"), years[0])
    earlier = int_param(request.GET.get("from"), later - 1)
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
