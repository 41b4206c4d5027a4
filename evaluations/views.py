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
    job_district,
    require_district_reader,
)
from evaluations.models import DepartmentEvaluation, ProjectEvaluation
from evaluations.results import bar_chart_svg, completion_rates, district_results, grade_counts, results_xlsx


def evaluated_years(user) -> list[int]:
    """Years with a self-evaluation the user may see, newest first."""
    years: set[int] = set()
    for model in (DepartmentEvaluation, ProjectEvaluation):
        years.update(model.objects.visible_to(user).values_list("year", flat=True).distinct())
    return sorted(years, reverse=True)


@require_GET
@login_required
def results(request):
    """预算完成率, 总分 and grade per department and project, with charts; as XLSX with native charts."""
    require_district_reader(request.user)
    years = evaluated_years(request.user)
    # The first screen lands on data: the latest year evaluated, every district the user may see.
    year = int_param(request.GET.get("year"), years[0] if years else date.today().year - 1)
    districts = list(districts_for_user(request.user))
    district = int_param(request.GET.get("district"), 0)
    departments = departments_for_user(request.user)
    if district:
        departments = departments.filter(district_id=district)
    rows = district_results(departments, year)
    grades, rates = grade_counts(rows), completion_rates(rows)
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
            "grade_chart": bar_chart_svg(grades, unit="个"),
            "graded": any(count for _grade, count in grades),
            "rated": bool(rates),
            "districts": districts,
            "district": district,
            "job_district": job_district(districts, district),
            "years": years,
            "evaluated": any(row.evaluation or row.projects for row in rows),
            "rate_chart": bar_chart_svg(rates, unit="%", maximum=100),
        },
    )
