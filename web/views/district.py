"""The finance bureau's overview, and two years of a department's form side by side."""

from datetime import date
from io import BytesIO

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Max
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from core.exports.html import render_tables_html
from core.exports.registry import Document
from core.exports.xlsx import TextWorkbook
from core.kinds import KindSpec, kinds
from core.models import FormStatus
from core.pages import (
    attachment,
    department_for_user,
    districts_for_user,
    int_param,
    job_district,
    page_kind,
    require_district_reader,
)
from core.records import data_differences
from indicators.compare import indicator_changes
from web.views.workspace import department_years

# --- the finance bureau's overview ----------------------------------------------------------------------


OVERVIEW_PAGE_SIZE = 100


def _overview_rows(user, spec: KindSpec, year: int, status: str = "", district: int = 0):
    forms = spec.model.objects.visible_to(user).filter(year=year).select_related("department__district")
    if status:
        forms = forms.filter(status=status)
    if district:
        forms = forms.filter(department__district_id=district)
    return forms.order_by("department__district__name", "department__name")


def _key_totals(spec: KindSpec, form) -> list[tuple[str, object]]:
    """The one figure a finance officer scans a form by (``KindSpec.key_figure``)."""
    if spec.key_figure is None:
        return []
    label, attribute = spec.key_figure
    return [(label, getattr(form, attribute))]


def _with_totals(spec: KindSpec, forms) -> list[dict]:
    return [{"form": form, "totals": _key_totals(spec, form)} for form in forms]


@require_GET
@login_required
def overview(request):
    """Every visible department's forms of one kind and year: status, dates, key totals."""
    require_district_reader(request.user)
    spec = page_kind(request.GET.get("kind") or kinds()[0].slug)
    # The first screen lands on data: the latest year with a form of this kind the user may see.
    latest = spec.model.objects.visible_to(request.user).aggregate(latest=Max("year"))["latest"]
    year = int_param(request.GET.get("year"), latest or date.today().year)
    status = request.GET.get("status", "")
    district = int_param(request.GET.get("district"), 0)  # 0: every district the user may see
    if district and not districts_for_user(request.user).filter(pk=district).exists():
        messages.warning(
            request, f"所选的区（编号“{request.GET['district'][:20]}”）不存在或无权查看，已显示全部区。"
        )
        district = 0
    elif request.GET.get("district") and not district:
        messages.warning(request, f"所选的区（编号“{request.GET['district'][:20]}”）无效，已显示全部区。")
    rows = _overview_rows(request.user, spec, year, status if status in FormStatus.values else "", district)
    districts = list(districts_for_user(request.user))
    if request.GET.get("format") == "xlsx":
        return _overview_xlsx(spec, year, _with_totals(spec, rows))
    page = Paginator(rows, OVERVIEW_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "web/overview.html",
        {
            "spec": spec,
            "kind": spec.kind,
            "kinds": kinds(),
            "year": year,
            "rows": _with_totals(spec, page.object_list),
            "page": page,
            "count": page.paginator.count,
            "status": status,
            "statuses": FormStatus,
            "districts": districts,
            "district": district,
            "job_district": job_district(districts, district),
            "years_with_forms": [] if rows.exists() else _years_with_forms(request.user, spec),
        },
    )


def _years_with_forms(user, spec: KindSpec) -> list[int]:
    years = spec.model.objects.visible_to(user).values_list("year", flat=True).distinct()
    return sorted(set(years), reverse=True)[:8]


def _overview_xlsx(spec, year, rows):
    book = TextWorkbook()
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


# --- two years of a department side by side ----------------------------------------------------------------


def _year_record(doc: Document) -> dict | None:
    try:
        return doc.record()
    except LookupError:
        return None


@require_GET
@login_required
def years_compare(request, department: int):
    """A department's form of one kind in two years: indicators added, removed, raised or lowered.

    A kind with a form per project compares its table: projects added or removed, and each kept
    project's indicators.
    """
    department = department_for_user(request.user, department)
    comparable = [spec for spec in kinds() if spec.comparable]
    kind_value = request.GET.get("kind") or comparable[0].slug
    spec = next((spec for spec in comparable if spec.slug == kind_value), None)
    if spec is None:
        raise Http404
    years = department_years(department)
    later = int_param(request.GET.get("to"), years[0])
    earlier = int_param(request.GET.get("from"), later - 1)
    before_doc, after_doc = Document(spec, department, earlier), Document(spec, department, later)
    before, after = _year_record(before_doc), _year_record(after_doc)
    changes, projects, differences = [], [], []
    if before and after:
        if spec.indicator_groups is not None:
            old, new = spec.indicator_groups(before), spec.indicator_groups(after)
            projects = [(f"新增{spec.name_noun}", name) for name in new if name not in old]
            projects += [(f"删除{spec.name_noun}", name) for name in old if name not in new]
            for name in [name for name in new if name in old]:
                changes += [(name, change) for change in indicator_changes(old[name], new[name])]
        skip = {*spec.identity_keys, "indicators"}
        if spec.table is not None:
            skip.add(spec.table.items_key)
        differences = data_differences(
            {k: v for k, v in before.items() if k not in skip},
            {k: v for k, v in after.items() if k not in skip},
        )
    return render(
        request,
        "web/years_compare.html",
        {
            "department": department,
            "spec": spec,
            "kinds": [spec.kind for spec in comparable],
            "years": years,
            "earlier": earlier,
            "later": later,
            "before": before,
            "after": after,
            "changes": changes,
            "added_removed": projects,
            "differences": differences,
            "before_tables": render_tables_html(before_doc.layout(before)) if before else "",
            "after_tables": render_tables_html(after_doc.layout(after)) if after else "",
        },
    )
