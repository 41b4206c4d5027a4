"""The finance bureau's monitoring pages: the rounds, opening one, a round's view, closing and reopening.

The monitoring forms themselves are entered, previewed, reviewed and downloaded on the shared pages
(``web/views``), through the kind's spec. These pages are the district's: a preparer gets a 404, a
reviewer reads the rounds of the departments assigned to them, the finance bureau opens and closes.
"""

from datetime import date, timedelta
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from core.models import FormStatus, User
from core.pages import (
    attachment,
    departments_for_user,
    districts_for_user,
    int_param,
    require_district_reader,
)
from monitoring.lights import COLOR_LABELS, GREEN, NONE, RED, YELLOW
from monitoring.models import STATE_CSS, MonitoringRound, RoundType
from monitoring.rounds import (
    REPORT_LABELS,
    by_department,
    filtered,
    lights_chart_svg,
    round_rows,
    round_xlsx,
    summary,
)
from monitoring.services import projects_in_scope, round_close, round_open, round_reopen

ROUND_PAGE_SIZE = 100
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def may_manage(user) -> bool:
    """Opening, closing and reopening rounds is a district finance bureau's (for the districts it
    serves: the pages offer only those) and the administrator's; the city's bureau reads them."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or user.role in {User.Role.FINANCE, User.Role.ADMINISTRATOR}


def _require_manager(user) -> None:
    if not may_manage(user):
        raise PermissionDenied("只有财政局可以开启、结束或重新开放监控任务。")


def visible_rounds(user):
    return MonitoringRound.objects.filter(district__in=districts_for_user(user)).select_related("district")


class RoundOpenForm(forms.Form):
    district = forms.ModelChoiceField(
        label="区", queryset=None, error_messages={"required": "请选择区。", "invalid_choice": "请选择区。"}
    )
    year = forms.IntegerField(
        label="年度",
        min_value=2000,
        max_value=2100,
        error_messages={
            "required": "请填写“年度”。",
            "invalid": "“年度”应为数字。",
            "min_value": "“年度”应在2000—2100之间。",
            "max_value": "“年度”应在2000—2100之间。",
        },
    )
    stage = forms.TypedChoiceField(
        label="监控阶段（数据截至）",
        choices=[(month, f"1—{month}月") for month in range(1, 13)],
        coerce=int,
        initial=7,
        error_messages={"required": "请选择“监控阶段”。", "invalid_choice": "请选择“监控阶段”（1—12月）。"},
    )
    type = forms.ChoiceField(
        label="监控类型",
        choices=RoundType.choices,
        initial=RoundType.SELF,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择“监控类型”。", "invalid_choice": "请选择“监控类型”。"},
    )
    opens_on = forms.DateField(
        label="开始填报日期",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": "请填写“开始填报日期”。",
            "invalid": "“开始填报日期”格式应为 2025-08-01。",
        },
    )
    deadline = forms.DateField(
        label="截止日期",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "请填写“截止日期”。", "invalid": "“截止日期”格式应为 2025-08-15。"},
    )
    warning_days = forms.IntegerField(
        label="到期提醒天数",
        min_value=0,
        max_value=60,
        initial=3,
        error_messages={
            "required": "请填写“到期提醒天数”。",
            "invalid": "“到期提醒天数”应为整数。",
            "min_value": "“到期提醒天数”不能为负数。",
            "max_value": "“到期提醒天数”最多60天。",
        },
    )
    projects = forms.TypedMultipleChoiceField(
        label="重点监控的项目",
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "所选项目不在可选范围内，请刷新页面后重新选择。"},
    )

    def __init__(self, *args, user, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts_for_user(user)
        for name, field in self.fields.items():
            if name in {"district", "stage"}:
                field.widget.attrs["class"] = "form-select"
            elif name not in {"type", "projects"}:
                field.widget.attrs["class"] = "form-control"
        self.fields["projects"].choices = [(p.pk, f"{p.department.name} · {p.name}") for p in candidates]

    def clean(self):
        cleaned = super().clean()
        opens_on, deadline = cleaned.get("opens_on"), cleaned.get("deadline")
        if opens_on and deadline and deadline < opens_on:
            self.add_error("deadline", "“截止日期”不能早于“开始填报日期”。")
        if cleaned.get("type") == RoundType.KEY and not cleaned.get("projects"):
            self.add_error("projects", "重点监控须选择至少一个项目。")
        return cleaned


def _candidates(user, district_id: int, year: int):
    """The approved projects a 重点监控 round of that district and year may pick."""
    district = districts_for_user(user).filter(pk=district_id).first()
    if district is None or not 2000 <= year <= 2100:
        return []
    return list(
        projects_in_scope(district, year)
        .select_related("department")
        .order_by("department__name", "position")
    )


@login_required
def rounds(request):
    """Every round the user may read, with its window and reporting counts; the bureau opens one here."""
    require_district_reader(request.user)
    user = request.user
    districts = list(districts_for_user(user))
    source = request.POST if request.method == "POST" else request.GET
    district_id = int_param(source.get("district"), districts[0].pk if districts else 0)
    year = int_param(source.get("year"), timezone.localdate().year)
    candidates = _candidates(user, district_id, year)
    today = timezone.localdate()
    initial = {
        "district": district_id,
        "year": year,
        "opens_on": today,
        "deadline": today + timedelta(days=14),
    }
    form = RoundOpenForm(request.POST or None, user=user, candidates=candidates, initial=initial)
    errors: list[str] = []
    if request.method == "POST":
        _require_manager(user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                opened = round_open(
                    district=data["district"],
                    year=data["year"],
                    stage=data["stage"],
                    type=data["type"],
                    opens_on=data["opens_on"],
                    deadline=data["deadline"],
                    warning_days=data["warning_days"],
                    user=user,
                    projects=data["projects"],
                )
            except ValidationError as error:
                errors = error.messages
            else:
                messages.success(request, f"已开启{opened}，生成{opened.forms.count()}张监控表。")
                return redirect("monitoring-round", pk=opened.pk)
    listed = (
        visible_rounds(user)
        .annotate(
            form_count=Count("forms", distinct=True),
            reported=Count(
                "forms",
                filter=Q(forms__status__in=[FormStatus.SUBMITTED, FormStatus.APPROVED]),
                distinct=True,
            ),
        )
        .order_by("-year", "-stage", "district__name")
    )
    return render(
        request,
        "monitoring/rounds.html",
        {
            "rounds": [(item, item.state_text(today), STATE_CSS[item.state(today)]) for item in listed],
            "form": form,
            "errors": errors,
            "may_manage": may_manage(user),
            "candidates": candidates,
            "district": district_id,
            "year": year,
        },
        status=400 if request.method == "POST" else 200,
    )


@require_GET
@login_required
def round_detail(request, pk: int):
    """One round: every visible project with both lights, reported on time / late / missing; filters; XLSX."""
    require_district_reader(request.user)
    round_ = get_object_or_404(visible_rounds(request.user), pk=pk)
    rows = round_rows(round_, departments_for_user(request.user))
    choices = {color: COLOR_LABELS[color] for color in (RED, YELLOW, GREEN, NONE)}
    wanted = {
        "department": int_param(request.GET.get("department"), 0),
        "budget": request.GET.get("budget", "") if request.GET.get("budget") in choices else "",
        "target": request.GET.get("target", "") if request.GET.get("target") in choices else "",
        "report": request.GET.get("report", "") if request.GET.get("report") in REPORT_LABELS else "",
        "gap": request.GET.get("gap") == "1",
    }
    shown = filtered(rows, **wanted)
    if request.GET.get("format") == "xlsx":
        return attachment(round_xlsx(round_, shown), f"{round_.district}{round_.label}监控结果.xlsx", XLSX)
    departments = sorted(
        {(row.form.department_id, row.form.department.name) for row in rows}, key=lambda item: item[1]
    )
    today = timezone.localdate()
    page = Paginator(shown, ROUND_PAGE_SIZE).get_page(request.GET.get("page"))
    query = urlencode({key: value for key, value in request.GET.items() if key not in {"page", "format"}})
    return render(
        request,
        "monitoring/round.html",
        {
            "round": round_,
            "state": round_.state_text(today),
            "state_css": STATE_CSS[round_.state(today)],
            "rows": page.object_list,
            "page": page,
            "query": query,
            "counts": summary(rows),
            "shown_counts": summary(shown),
            "chart": lights_chart_svg(by_department(shown)),
            "departments": departments,
            "colors": choices,
            "reports": REPORT_LABELS,
            "wanted": wanted,
            "may_manage": may_manage(request.user),
            "reopen_default": max(today, round_.deadline) + timedelta(days=7),
        },
    )


@require_POST
@login_required
def round_close_view(request, pk: int):
    require_district_reader(request.user)
    round_ = get_object_or_404(visible_rounds(request.user), pk=pk)
    _require_manager(request.user)
    try:
        round_close(round=round_, user=request.user)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(request, f"已结束{round_}；未报送的项目记为未报送。")
    return redirect("monitoring-round", pk=pk)


@require_POST
@login_required
def round_reopen_view(request, pk: int):
    require_district_reader(request.user)
    round_ = get_object_or_404(visible_rounds(request.user), pk=pk)
    _require_manager(request.user)
    try:
        until = date.fromisoformat(request.POST.get("until", ""))
    except ValueError:
        messages.error(request, "“补报截止日期”格式应为 2025-08-31。")
        return redirect("monitoring-round", pk=pk)
    try:
        round_reopen(round=round_, until=until, user=request.user)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(
            request, f"已重新开放{round_}，补报截止{until:%Y-%m-%d}；截止日期后提交的记为逾期报送。"
        )
    return redirect("monitoring-round", pk=pk)
