"""The bureau's pages: open a round, read it (lights, on time / late / missing, filters, XLSX, chart), close it."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from core.models import AuditEntry, Department, FormStatus, Notification
from core.workflow import form_submit
from declarations.models import Project
from evaluations.services import project_evaluation_replace
from monitoring.models import MonitoringForm, MonitoringRound, RoundType
from monitoring.records import monitoring_data
from monitoring.services import monitoring_replace
from tests.conftest import TIANHE

ROUNDS = reverse("monitoring-rounds")


def open_data(district, **extra):
    today = timezone.localdate()
    return {
        "district": district.pk,
        "year": 2024,
        "stage": 7,
        "type": RoundType.SELF,
        "opens_on": today.isoformat(),
        "deadline": (today + timedelta(days=14)).isoformat(),
        "warning_days": 3,
        "action": "open",
        **extra,
    }


@pytest.mark.parametrize(
    ("persona", "expected"),
    [(None, 302), ("preparer", 404), ("reviewer", 200), ("finance", 200), ("superuser", 200)],
)
def test_who_reads_the_rounds_page(request, client, approved, persona, expected):
    if persona:
        client.force_login(request.getfixturevalue(persona))
    assert client.get(ROUNDS).status_code == expected


@pytest.mark.parametrize(("persona", "expected"), [("preparer", 404), ("reviewer", 403)])
def test_only_the_bureau_opens_a_round(request, client, approved, persona, expected):
    district = Department.objects.get(name=TIANHE).district
    client.force_login(request.getfixturevalue(persona))
    assert client.post(ROUNDS, open_data(district)).status_code == expected
    assert not MonitoringRound.objects.exists()


def test_the_bureau_opens_a_self_monitoring_round_for_every_approved_project(
    client, finance, preparer, approved
):
    district = Department.objects.get(name=TIANHE).district
    client.force_login(finance)
    response = client.post(ROUNDS, open_data(district))
    assert response.status_code == 302, response.content.decode()[:3000]
    round_ = MonitoringRound.objects.get()
    assert response["Location"] == reverse("monitoring-round", args=[round_.pk])
    assert set(round_.forms.values_list("project", flat=True)) == {p.pk for p in approved}
    # Only approved targets are monitored; the drafts of the same year are not.
    assert Project.objects.filter(department__name=TIANHE, year=2024).count() > len(approved)
    assert Notification.objects.filter(user=preparer, message__contains="2024年1—7月自行监控").exists()
    # The preparer finds them in the inbox, with the window.
    client.force_login(preparer)
    inbox = client.get(reverse("workspace")).content.decode()
    assert all(form.name in inbox for form in round_.forms.all()) and "填报中" in inbox


def test_a_key_round_covers_only_the_picked_projects(client, finance, approved):
    district = Department.objects.get(name=TIANHE).district
    client.force_login(finance)
    page = client.get(ROUNDS + f"?district={district.pk}&year=2024").content.decode()
    assert approved[1].name in page  # the candidates are listed
    response = client.post(ROUNDS, open_data(district, type=RoundType.KEY, projects=[approved[1].pk]))
    assert response.status_code == 302
    round_ = MonitoringRound.objects.get()
    assert list(round_.forms.values_list("project", flat=True)) == [approved[1].pk]
    assert round_.forms.get().name.endswith("（1—7月重点监控）")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"deadline": "2020-01-01"}, "“截止日期”不能早于“开始填报日期”"),
        ({"year": "二〇二四"}, "“年度”应为数字"),
        ({"type": RoundType.KEY}, "重点监控须选择至少一个项目"),
        ({"year": 2031}, "2031年没有已审核的项目目标"),
    ],
)
def test_bad_round_input_is_refused_with_a_message_and_nothing_is_created(
    client, finance, approved, changes, message
):
    district = Department.objects.get(name=TIANHE).district
    client.force_login(finance)
    response = client.post(ROUNDS, open_data(district, **changes))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not MonitoringRound.objects.exists() and not MonitoringForm.objects.exists()


def test_the_same_round_twice_is_refused(client, finance, open_round):
    client.force_login(finance)
    response = client.post(ROUNDS, open_data(open_round.district))
    assert response.status_code == 400
    assert "同一阶段、同一类型的监控任务已存在" in response.content.decode()
    assert MonitoringRound.objects.count() == 1


# --- the round's view ----------------------------------------------------------------------------------


def report(form: MonitoringForm, *, share: str, likelihood: str = "certain", submit_user=None) -> None:
    data = monitoring_data(form)
    for item in data["indicators"]:
        item.update(
            progress_value=item["annual_value"],
            forecast_value=item["annual_value"],
            likelihood=likelihood,
            reasons=["经费保障"],
            reason_text="说明",
        )
    data["funds"].update(
        executed_fiscal=f"{form.initial_fiscal * Decimal(share):.2f}",
        forecast_fiscal=f"{form.initial_fiscal:.2f}",
    )
    data.update(goal_progress="<p>推进中。</p>", deviation="<p>偏慢。</p>", measures="<p>加快。</p>")
    monitoring_replace(department=form.department, year=form.year, data=data)
    if submit_user is not None:
        form_submit(form=MonitoringForm.objects.get(pk=form.pk), user=submit_user)


@pytest.fixture
def reported_round(open_round, preparer):
    forms = list(open_round.forms.order_by("project__position"))
    report(forms[0], share="0.9", submit_user=preparer)  # green, on time
    report(forms[1], share="0.1", likelihood="impossible", submit_user=preparer)  # red, red
    report(forms[2], share="0.35", likelihood="possible")  # yellow, yellow; not submitted
    # The second was submitted after the deadline: late.
    MonitoringForm.objects.filter(pk=forms[1].pk).update(submitted_at=timezone.now() + timedelta(days=30))
    return open_round, forms


def test_the_round_view_shows_both_lights_and_the_reporting_per_project(client, finance, reported_round):
    round_, forms = reported_round
    client.force_login(finance)
    page = client.get(reverse("monitoring-round", args=[round_.pk])).content.decode()
    assert all(form.project_name in page for form in forms)
    assert '按时 <strong id="count-on-time">1</strong>' in page
    assert '逾期 <strong id="count-late">1</strong>' in page
    assert "<svg" in page and "各部门监控灯情况" in page and "红灯：1个" in page
    assert "完成目标可能性为“完全不可能”" in page


def test_the_round_view_filters_by_light_and_report(client, finance, reported_round):
    round_, forms = reported_round
    client.force_login(finance)
    url = reverse("monitoring-round", args=[round_.pk])
    red = client.get(url + "?target=red").content.decode()
    assert forms[1].project_name in red and forms[0].project_name not in red
    waiting = client.get(url + "?report=waiting").content.decode()
    assert forms[2].project_name in waiting and forms[1].project_name not in waiting
    # A filter value that is not one is ignored, not an error.
    assert client.get(url + "?target=purple&department=x").status_code == 200


def test_the_round_xlsx_lists_every_project_with_lights_and_reasons(client, finance, reported_round):
    round_, forms = reported_round
    client.force_login(finance)
    response = client.get(reverse("monitoring-round", args=[round_.pk]) + "?format=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert len(rows) == len(forms)
    by_project = {row[1]: row for row in rows}
    late = by_project[forms[1].project_name]
    assert late[3] == "逾期报送" and late[11] == "红灯" and "完全不可能" in late[12]
    assert by_project[forms[0].project_name][8] == "绿灯"


def test_closing_marks_the_missing_reports_and_stops_entry(client, finance, preparer, reported_round):
    round_, forms = reported_round
    client.force_login(finance)
    response = client.post(reverse("monitoring-round-close", args=[round_.pk]), follow=True)
    page = response.content.decode()
    assert "已结束" in page and '未报送（已逾期） <strong id="count-missing">1</strong>' in page
    assert AuditEntry.objects.filter(object_id=round_.pk, message__startswith="结束", user=finance).exists()
    client.force_login(preparer)
    assert client.get(reverse("form-edit", args=["monitoring", forms[2].pk])).status_code == 302
    response = client.post(reverse("form-submit", args=["monitoring", forms[2].pk]), follow=True)
    assert "不在填报期内不能填报或提交" in response.content.decode()
    assert MonitoringForm.objects.get(pk=forms[2].pk).status == FormStatus.DRAFT


def test_a_reviewer_reads_the_round_but_cannot_close_it(client, reviewer, reported_round):
    round_, _forms = reported_round
    client.force_login(reviewer)
    assert client.get(reverse("monitoring-round", args=[round_.pk])).status_code == 200
    assert client.post(reverse("monitoring-round-close", args=[round_.pk])).status_code == 403
    assert MonitoringRound.objects.get(pk=round_.pk).closed_at is None


def test_a_reopen_date_before_today_is_refused(client, finance, open_round):
    client.force_login(finance)
    response = client.post(
        reverse("monitoring-round-reopen", args=[open_round.pk]), {"until": "2020-01-01"}, follow=True
    )
    assert "“补报截止日期”不能早于今天" in response.content.decode()
    response = client.post(
        reverse("monitoring-round-reopen", args=[open_round.pk]), {"until": "明天"}, follow=True
    )
    assert "格式应为" in response.content.decode()


# --- feeding the self-evaluation ------------------------------------------------------------------------------


def test_a_self_evaluation_started_after_the_round_offers_the_forecasts_without_copying(
    client, preparer, reported_round
):
    _round, forms = reported_round
    form = forms[0]
    client.force_login(preparer)
    response = client.post(
        reverse("form-create"), {"kind": "project-self-evaluation", "year": 2024, "name": form.project_name}
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    row = form.indicators.first()
    assert f"建议：<strong>{row.forecast_value}</strong>" in page
    assert "2024年1—7月自行监控（已报送）：全年预计完成值" in page
    assert f'data-value="{form.forecast_fiscal:.2f}"' in page
    evaluation = form.department.evaluations_projectevaluation_set.get(project_name=form.project_name)
    # Nothing copied: the self-evaluation's own values stay empty until the preparer takes a suggestion.
    assert evaluation.executed_current == 0
    assert not evaluation.indicators.exclude(actual_value="").exists()


def test_a_draft_monitoring_report_suggests_nothing(client, preparer, reported_round):
    _round, forms = reported_round
    department = forms[2].department
    evaluation = project_evaluation_replace(
        department=department, year=2024, data={"project_name": forms[2].project_name}
    )
    client.force_login(preparer)
    page = client.get(reverse("form-edit", args=["project-self-evaluation", evaluation.pk])).content.decode()
    assert "data-suggestion" not in page
