"""The district's self-evaluation results: 预算完成率, 总分 and grade per department and project."""

from datetime import date

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.pages import (
    attachment,
    departments_for_user,
    districts_for_user,
    int_param,
    require_district_reader,
)
from evaluations.results import bar_chart_svg, completion_rates, district_results, grade_counts, results_xlsx


@require_GET
@login_required
def results(request):
    """预算完成率, 总分 and grade per department and project, with charts; as XLSX with native charts."""
    require_district_reader(request.user)
    year = int_param(request.GET.get("year"), date.today().year - 1)
    districts = list(districts_for_user(request.user))
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
