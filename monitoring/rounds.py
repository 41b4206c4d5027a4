"""The bureau's view of one round: every project with both lights, reported on time / late / missing.

The lights are those of each form's record (``lights_for``), computed from the stored values and the
district's thresholds read once for the round: a few queries whatever the number of projects.
"""

from dataclasses import dataclass
from io import BytesIO

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from openpyxl import Workbook
from openpyxl.styles import PatternFill

from core.records import amounts
from monitoring.lights import COLOR_LABELS, GREEN, NONE, RED, YELLOW, Lights, lights_for
from monitoring.models import (
    MONITORING_AMOUNTS,
    REPORTED,
    MonitoringForm,
    MonitoringIndicator,
    MonitoringRound,
    WindowState,
    thresholds_for,
)

ON_TIME, LATE, MISSING, WAITING = "on_time", "late", "missing", "waiting"
REPORT_LABELS = {ON_TIME: "按时报送", LATE: "逾期报送", MISSING: "未报送（已逾期）", WAITING: "待报送"}
COLOR_FILLS = {RED: "F8D7DA", YELLOW: "FFF3CD", GREEN: "D1E7DD", NONE: "E9ECEF"}
CHART_COLORS = {RED: "#dc3545", YELLOW: "#ffc107", GREEN: "#198754", NONE: "#adb5bd"}


@dataclass
class RoundRow:
    form: MonitoringForm
    lights: Lights
    report: str

    @property
    def report_label(self) -> str:
        return REPORT_LABELS[self.report]

    @property
    def budget_reasons(self) -> str:
        return "；".join(self.lights.budget.reasons)

    @property
    def target_reasons(self) -> str:
        return "；".join(self.lights.target.reasons)

    @property
    def reported(self) -> bool:
        """Only a reported form's lights are the unit's report; a draft's are provisional, not counted."""
        return self.report in {ON_TIME, LATE}


def report_state(round_: MonitoringRound, form: MonitoringForm) -> str:
    if form.status in REPORTED:
        return LATE if round_.is_late(form.submitted_at) else ON_TIME
    past = round_.state() == WindowState.CLOSED or timezone.localdate() > round_.deadline
    return MISSING if past else WAITING


def round_rows(round_: MonitoringRound, departments) -> list[RoundRow]:
    """Every form of the round in ``departments`` (those the user may read), with lights and report state."""
    thresholds = thresholds_for(round_.district, round_.year).as_data()
    forms = (
        round_.forms.filter(department__in=departments)
        .select_related("department")
        .prefetch_related(
            Prefetch("indicators", queryset=MonitoringIndicator.objects.order_by("position", "pk"))
        )
        .order_by("department__name", "project_name")
    )
    rows = []
    for form in forms:
        record = {
            "stage": round_.stage,
            "thresholds": thresholds,
            "funds": amounts(form, MONITORING_AMOUNTS),
            "indicators": [
                {
                    "name": row.name,
                    "annual_value": row.annual_value,
                    "progress_value": row.progress_value,
                    "forecast_value": row.forecast_value,
                    "likelihood": row.likelihood,
                }
                for row in form.indicators.all()
            ],
        }
        rows.append(RoundRow(form, lights_for(record), report_state(round_, form)))
    return rows


def filtered(
    rows: list[RoundRow],
    *,
    department: int = 0,
    budget: str = "",
    target: str = "",
    report: str = "",
    gap: bool = False,
):
    return [
        row
        for row in rows
        if (not department or row.form.department_id == department)
        and (not budget or (row.reported and row.lights.budget.color == budget))
        and (not target or (row.reported and row.lights.target.color == target))
        and (not report or row.report == report)
        and (not gap or (row.reported and row.lights.gap_flagged))
    ]


def summary(rows: list[RoundRow]) -> dict:
    counts = {"forms": len(rows), **dict.fromkeys(REPORT_LABELS, 0)}
    for row in rows:
        counts[row.report] += 1
    reported = [row for row in rows if row.reported]
    for which in ("budget", "target"):
        for color in (RED, YELLOW, GREEN, NONE):
            counts[f"{which}_{color}"] = sum(
                1 for row in reported if getattr(row.lights, which).color == color
            )
    counts["gap"] = sum(1 for row in reported if row.lights.gap_flagged)
    return counts


def by_department(rows: list[RoundRow]) -> list[tuple[str, dict[str, dict[str, int]]]]:
    """Per department: the count of each colour of the reported forms' budget and target lights."""
    departments: dict[str, dict[str, dict[str, int]]] = {}
    for row in rows:
        if not row.reported:
            continue
        counts = departments.setdefault(
            row.form.department.name,
            {
                "budget": dict.fromkeys((RED, YELLOW, GREEN, NONE), 0),
                "target": dict.fromkeys((RED, YELLOW, GREEN, NONE), 0),
            },
        )
        counts["budget"][row.lights.budget.color] += 1
        counts["target"][row.lights.target.color] += 1
    return list(departments.items())


def lights_chart_svg(items: list[tuple[str, dict[str, dict[str, int]]]]):
    """Lights per department as inline SVG: two stacked bars each (预算执行, 绩效目标), colours by count."""
    row_height, label_width, bar_width = 44, 240, 420
    largest = max([sum(counts["budget"].values()) for _name, counts in items] + [1])
    groups = []
    for index, (name, counts) in enumerate(items):
        segments = []
        for line, (which, title) in enumerate((("budget", "预算"), ("target", "目标"))):
            x = label_width
            y = 4 + line * 18
            segments.append(
                format_html(
                    '<text x="{}" y="{}" font-size="10" text-anchor="end">{}</text>',
                    label_width - 4,
                    y + 12,
                    title,
                )
            )
            for color in (RED, YELLOW, GREEN, NONE):
                count = counts[which][color]
                if not count:
                    continue
                width = round(count / largest * bar_width, 1)
                segments.append(
                    format_html(
                        '<rect x="{}" y="{}" width="{}" height="15" fill="{}"><title>{}{}：{}个</title></rect>'
                        '<text x="{}" y="{}" font-size="10" fill="{}">{}</text>',
                        x,
                        y,
                        width,
                        CHART_COLORS[color],
                        title,
                        COLOR_LABELS[color],
                        count,
                        x + 3,
                        y + 11,
                        "#000" if color == YELLOW else "#fff",
                        count,
                    )
                )
                x += width
        groups.append(
            format_html(
                '<g transform="translate(0,{})"><text x="{}" y="20" text-anchor="end" font-size="12">{}</text>{}</g>',
                index * row_height,
                label_width - 30,
                name,
                format_html_join("", "{}", ((segment,) for segment in segments)),
            )
        )
    legend = format_html_join(
        "",
        '<rect x="{}" y="{}" width="12" height="12" fill="{}"></rect><text x="{}" y="{}" font-size="11">{}</text>',
        (
            (
                label_width + offset * 80,
                len(items) * row_height + 6,
                CHART_COLORS[color],
                label_width + offset * 80 + 16,
                len(items) * row_height + 16,
                COLOR_LABELS[color],
            )
            for offset, color in enumerate((RED, YELLOW, GREEN, NONE))
        ),
    )
    height = len(items) * row_height + 28
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="各部门监控灯情况" width="100%" '
        'viewBox="0 0 {} {}" font-family="Noto Sans CJK SC, sans-serif">{}{}</svg>',
        label_width + bar_width + 40,
        height,
        format_html_join("", "{}", ((group,) for group in groups)),
        legend,
    )


HEADERS = (
    ("部门", 28),
    ("项目", 36),
    ("状态", 8),
    ("报送情况", 14),
    ("提交时间", 17),
    ("调整后预算数（万元）", 14),
    ("执行数（万元）", 14),
    ("执行率（%）", 10),
    ("预算执行灯", 10),
    ("预算执行说明", 50),
    ("指标完成进度（%）", 12),
    ("绩效目标灯", 10),
    ("绩效目标说明", 60),
    ("最大预计偏离（%）", 12),
    ("目标与预算偏离", 50),
)


def round_xlsx(round_: MonitoringRound, rows: list[RoundRow]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "监控结果"
    sheet.append([f"{round_.district}{round_.label}监控结果（截止日期{round_.deadline:%Y-%m-%d}）"])
    sheet.append([title for title, _width in HEADERS])
    for row in rows:
        form, lights = row.form, row.lights
        sheet.append(
            [
                form.department.name,
                form.project_name,
                form.get_status_display(),
                row.report_label,
                timezone.localtime(form.submitted_at).strftime("%Y-%m-%d %H:%M") if form.submitted_at else "",
                form.column_total("adjusted"),
                form.column_total("executed"),
                lights.execution_rate,
                lights.budget.label if row.reported else "—",
                "；".join(lights.budget.reasons),
                lights.achievement,
                lights.target.label if row.reported else "—",
                "；".join(lights.target.reasons),
                lights.largest_deviation,
                lights.gap_text,
            ]
        )
        number = sheet.max_row
        for column in (6, 7):
            sheet.cell(number, column).number_format = "#,##0.00"
        for column in (8, 11, 14):
            sheet.cell(number, column).number_format = "0.00"
        for column, color in ((9, lights.budget.color), (12, lights.target.color)):
            if row.reported:
                sheet.cell(number, column).fill = PatternFill("solid", fgColor=COLOR_FILLS[color])
    for index, (_title, width) in enumerate(HEADERS, start=1):
        sheet.column_dimensions[sheet.cell(2, index).column_letter].width = width
    sheet.freeze_panes = "C3"
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
