"""The district's self-evaluation results at a glance (domain.md §4): rates, scores, grades and charts."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import format_html, format_html_join

from core.exports.xlsx import TextWorkbook, workbook_bytes
from core.money import round_money
from evaluations.models import DepartmentEvaluation, ProjectEvaluation, policy_for

GRADES = ("优", "良", "中", "差")


@dataclass
class ProjectResult:
    evaluation: ProjectEvaluation
    execution_rate: Decimal | None
    total: Decimal | None
    grade: str


@dataclass
class DepartmentResult:
    department: object
    completion_rate: Decimal | None
    evaluation: DepartmentEvaluation | None
    projects: list[ProjectResult]


def district_results(departments, year: int) -> list[DepartmentResult]:
    """Per department: 预算完成率 of its 部门整体 self-evaluation and every project's 总分 and grade.

    Three queries, plus one per district for its scoring policy, whatever the number of projects.
    """
    departments = list(departments)
    evaluations = {
        e.department_id: e for e in DepartmentEvaluation.objects.filter(department__in=departments, year=year)
    }
    projects: dict[int, list[ProjectResult]] = {}
    policies: dict[int, object] = {}
    for evaluation in (
        ProjectEvaluation.objects.filter(department__in=departments, year=year)
        .select_related("department__district")
        .prefetch_related("indicators")
        .order_by("project_name")
    ):
        total = evaluation.total_score(list(evaluation.indicators.all()))
        district = evaluation.department.district
        if district.pk not in policies:
            policies[district.pk] = policy_for(district, year)
        policy = policies[district.pk]
        projects.setdefault(evaluation.department_id, []).append(
            ProjectResult(evaluation, evaluation.execution_rate, total, policy.grade(total))
        )
    return [
        DepartmentResult(
            department,
            evaluations[department.pk].completion_rate if department.pk in evaluations else None,
            evaluations.get(department.pk),
            projects.get(department.pk, []),
        )
        for department in departments
    ]


def grade_counts(results: list[DepartmentResult]) -> list[tuple[str, int]]:
    counts = dict.fromkeys(GRADES, 0)
    for result in results:
        for project in result.projects:
            if project.grade:
                counts[project.grade] += 1
    return list(counts.items())


def completion_rates(results: list[DepartmentResult]) -> list[tuple[str, Decimal]]:
    return [(r.department.name, r.completion_rate) for r in results if r.completion_rate is not None]


def bar_chart_svg(
    items: list[tuple[str, Decimal | int]], *, unit: str = "", maximum: Decimal | int | None = None
):
    """A horizontal bar chart as inline SVG (no script, no CDN); labels are escaped."""
    row, label_width, bar_width = 26, 230, 360
    top = max([Decimal(value) for _label, value in items] + [Decimal(maximum or 0), Decimal(1)])
    bars = format_html_join(
        "",
        '<g transform="translate(0,{})"><text x="{}" y="17" text-anchor="end" font-size="12">{}</text>'
        '<rect x="{}" y="4" width="{}" height="18" fill="#4a78b5"></rect>'
        '<text x="{}" y="17" font-size="12">{}{}</text></g>',
        (
            (
                index * row,
                label_width - 8,
                label,
                label_width,
                round(Decimal(value) / top * bar_width, 1),
                label_width + round(Decimal(value) / top * bar_width, 1) + 6,
                value,
                unit,
            )
            for index, (label, value) in enumerate(items)
        ),
    )
    height = max(len(items), 1) * row + 4
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" role="img" width="100%" viewBox="0 0 {} {}" '
        'font-family="Noto Sans CJK SC, sans-serif">{}</svg>',
        label_width + bar_width + 80,
        height,
        bars,
    )


def results_xlsx(results: list[DepartmentResult], year: int) -> bytes:
    """The results table with the two charts, as native Excel charts."""
    from openpyxl.chart import BarChart, Reference

    book = TextWorkbook()
    sheet = book.active
    sheet.title = "自评结果"
    sheet.append([f"{year}年度绩效自评结果"])
    sheet.append(["部门", "预算完成率（%）", "项目", "执行率（%）", "总分", "自评等级"])
    for result in results:
        rows = result.projects or [None]
        for project in rows:
            sheet.append(
                [
                    result.department.name,
                    result.completion_rate,
                    project.evaluation.project_name if project else "",
                    project.execution_rate if project else None,
                    project.total if project else None,
                    project.grade if project else "",
                ]
            )
    for column, width in zip("ABCDEF", (28, 16, 40, 14, 10, 10), strict=True):
        sheet.column_dimensions[column].width = width
    for cells in sheet.iter_rows(min_row=3, min_col=2, max_col=5):
        for cell in cells:
            cell.number_format = "0.00"

    charts = book.create_sheet("图表")
    charts.append(["自评等级", "项目数"])
    for grade, count in grade_counts(results):
        charts.append([grade, count])
    start = charts.max_row + 2
    charts.cell(row=start, column=1, value="部门")
    charts.cell(row=start, column=2, value="预算完成率（%）")
    for offset, (name, rate) in enumerate(completion_rates(results), start=1):
        charts.cell(row=start + offset, column=1, value=name)
        charts.cell(row=start + offset, column=2, value=round_money(rate))
    grade_chart = BarChart()
    grade_chart.title = "项目自评等级分布"
    grade_chart.add_data(
        Reference(charts, min_col=2, min_row=1, max_row=1 + len(GRADES)), titles_from_data=True
    )
    grade_chart.set_categories(Reference(charts, min_col=1, min_row=2, max_row=1 + len(GRADES)))
    charts.add_chart(grade_chart, "D2")
    rate_chart = BarChart()
    rate_chart.type = "bar"
    rate_chart.title = "各部门预算完成率"
    count = len(completion_rates(results))
    rate_chart.add_data(
        Reference(charts, min_col=2, min_row=start, max_row=start + count), titles_from_data=True
    )
    rate_chart.set_categories(Reference(charts, min_col=1, min_row=start + 1, max_row=start + count))
    charts.add_chart(rate_chart, "D20")
    return workbook_bytes(book)
