"""The monitoring form on the shared pages, through its spec: entry, window, lights, submission, review."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import FormStatus, Review
from core.money import round_money
from monitoring.models import MonitoringForm, MonitoringRound
from monitoring.services import round_close, round_reopen
from tests.monitoring.conftest import page_data

EDIT, PREVIEW = "form-edit", "form-preview"


def edit_url(form):
    return reverse(EDIT, args=["monitoring", form.pk])


def fill(data: dict, form: MonitoringForm, *, share="0.6", likelihood="certain", forecast=None, **extra):
    """The page's values with the funds (``share`` of the budget spent) and every indicator reported."""
    values = dict(data)
    values.update(
        {
            "adjusted_fiscal": str(form.initial_fiscal),
            "adjusted_other": str(form.initial_other),
            "executed_fiscal": str(round_money(form.initial_fiscal * Decimal(share))),
            "executed_other": "0",
            "forecast_fiscal": str(form.initial_fiscal),
            "forecast_other": str(form.initial_other),
            "goal_progress": "按计划推进，已完成上半年工作。",
        }
    )
    for index, row in enumerate(form.indicators.order_by("position", "pk")):
        values[f"ind-{index}-progress_value"] = row.annual_value
        values[f"ind-{index}-forecast_value"] = row.annual_value if forecast is None else forecast
        values[f"ind-{index}-likelihood"] = likelihood
    values.update(extra)
    return values


def save(client, form, values):
    return client.post(edit_url(form), {**values, "action": "save"})


# --- who sees what --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "view", "expected"),
    [
        (None, EDIT, 302),
        ("preparer", EDIT, 200),
        ("preparer", PREVIEW, 200),
        ("other_preparer", EDIT, 404),
        ("other_preparer", PREVIEW, 404),
        ("reviewer", EDIT, 302),
        ("reviewer", PREVIEW, 200),
        ("finance", EDIT, 302),
        ("finance", PREVIEW, 200),
    ],
)
def test_the_permission_matrix_of_the_entry_page(request, client, monitoring_form, persona, view, expected):
    if persona:
        client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse(view, args=["monitoring", monitoring_form.pk]))
    assert response.status_code == expected


def test_opening_a_round_prefills_each_form_from_the_approved_targets(open_round, approved):
    assert open_round.forms.count() == len(approved)
    for project in approved:
        form = open_round.forms.get(project=project)
        assert form.name == f"{project.name}（1—7月）"
        assert form.initial_fiscal == project.fiscal_appropriation
        assert form.adjusted_fiscal == project.fiscal_appropriation
        assert form.goal == project.goal
        assert list(form.indicators.values_list("name", "annual_value")) == list(
            project.indicators.values_list("name", "annual_value")
        )


def test_the_entry_page_shows_the_targets_read_only_and_the_window(client, preparer, monitoring_form):
    client.force_login(preparer)
    page = client.get(edit_url(monitoring_form)).content.decode()
    row = monitoring_form.indicators.first()
    assert row.name in page and row.annual_value in page
    assert 'name="ind-0-name"' not in page  # the indicator itself is not an input
    assert "即将到期" not in page and "填报中" in page


def test_a_preparer_saves_a_report_and_the_page_shows_the_lights_with_reasons(
    client, preparer, monitoring_form
):
    client.force_login(preparer)
    page = client.get(edit_url(monitoring_form))
    response = save(
        client, monitoring_form, fill(page_data(page.content.decode()), monitoring_form, share="0.01")
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    monitoring_form.refresh_from_db()
    assert monitoring_form.executed_fiscal == round_money(monitoring_form.initial_fiscal / 100)
    assert monitoring_form.version == 2
    page = client.get(edit_url(monitoring_form)).content.decode()
    # 1.00 of the whole budget by the end of July is far below the 6月末 floor of 40%: red, in words.
    assert "红灯" in page and "低于6月末执行进度下限40.00%" in page


def test_an_unchanged_page_saves_back_the_same_record(client, preparer, monitoring_form):
    from monitoring.records import monitoring_data

    client.force_login(preparer)
    page = client.get(edit_url(monitoring_form))
    values = fill(page_data(page.content.decode()), monitoring_form)
    assert save(client, monitoring_form, values).status_code == 302
    monitoring_form.refresh_from_db()
    before = monitoring_data(monitoring_form)
    page = client.get(edit_url(monitoring_form))
    assert save(client, monitoring_form, page_data(page.content.decode())).status_code == 302
    assert monitoring_data(MonitoringForm.objects.get(pk=monitoring_form.pk)) == before


def test_bad_input_names_the_field_and_saves_nothing(client, preparer, monitoring_form):
    client.force_login(preparer)
    page = client.get(edit_url(monitoring_form))
    values = fill(page_data(page.content.decode()), monitoring_form)
    values["executed_fiscal"] = "十万"
    values["ind-0-likelihood"] = "maybe"
    response = save(client, monitoring_form, values)
    assert response.status_code == 400
    text = response.content.decode()
    assert "请输入数字" in text and "请从列表中选择完成目标可能性" in text
    monitoring_form.refresh_from_db()
    assert monitoring_form.version == 1 and monitoring_form.executed_fiscal == 0


def test_a_preparer_cannot_create_or_copy_a_monitoring_form(client, preparer, monitoring_form):
    client.force_login(preparer)
    response = client.post(reverse("form-create"), {"kind": "monitoring", "year": 2024, "name": "新项目"})
    assert response.status_code == 302
    assert MonitoringForm.objects.count() == 1 * monitoring_form.round.forms.count()
    workspace = client.get(reverse("workspace") + "?year=2024").content.decode()
    assert '<option value="monitoring">' not in workspace
    client.post(reverse("form-copy-forward", args=["monitoring", monitoring_form.pk]))
    assert not MonitoringForm.objects.filter(year=2025).exists()


# --- the window --------------------------------------------------------------------------------------


def _move_window(round_: MonitoringRound, opens: int, closes: int) -> None:
    today = timezone.localdate()
    MonitoringRound.objects.filter(pk=round_.pk).update(
        opens_on=today + timedelta(days=opens), deadline=today + timedelta(days=closes)
    )


@pytest.mark.parametrize(("opens", "closes", "state"), [(2, 9, "未开始"), (-20, -1, "已逾期")])
def test_outside_the_window_the_entry_page_sends_the_preparer_to_the_preview(
    client, preparer, monitoring_form, opens, closes, state
):
    _move_window(monitoring_form.round, opens, closes)
    client.force_login(preparer)
    response = client.get(edit_url(monitoring_form))
    assert response.status_code == 302 and response["Location"].endswith("/preview/")
    workspace = client.get(reverse("workspace") + "?year=2024").content.decode()
    assert state in workspace


def test_a_save_posted_after_the_deadline_is_refused_by_the_service(client, preparer, monitoring_form):
    client.force_login(preparer)
    page = client.get(edit_url(monitoring_form))
    values = fill(page_data(page.content.decode()), monitoring_form)
    _move_window(monitoring_form.round, -20, -1)  # the deadline passes while the page is open
    response = save(client, monitoring_form, values)
    assert response.status_code == 302 and response["Location"].endswith("/preview/")
    monitoring_form.refresh_from_db()
    assert monitoring_form.version == 1


def test_the_import_of_a_form_outside_its_window_is_refused(client, preparer, monitoring_form):
    content = client_download(client, preparer, monitoring_form)
    _move_window(monitoring_form.round, -20, -1)
    response = client.post(reverse("form-import"), {"file": _upload(content)})
    assert response.status_code == 400
    assert "不在填报期内不能填报或提交" in response.content.decode()


def client_download(client, user, form) -> bytes:
    client.force_login(user)
    return client.get(reverse("form-download", args=["monitoring", form.pk, "xlsx"])).content


def _upload(content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("monitoring.xlsx", content)


def test_the_warning_days_show_due_soon_in_the_inbox(client, preparer, monitoring_form):
    _move_window(monitoring_form.round, -5, 2)
    client.force_login(preparer)
    inbox = client.get(reverse("workspace")).content.decode()
    assert "即将到期（剩2天" in inbox


def test_the_bureau_reopens_a_closed_round_and_a_late_report_is_marked(
    client, preparer, finance, monitoring_form
):
    round_ = monitoring_form.round
    _move_window(round_, -20, -1)
    round_.refresh_from_db()
    round_close(round=round_, user=finance)
    client.force_login(preparer)
    assert client.get(edit_url(monitoring_form)).status_code == 302
    round_reopen(round=round_, until=timezone.localdate() + timedelta(days=5), user=finance)
    page = client.get(edit_url(monitoring_form))
    assert page.status_code == 200 and "补报中" in page.content.decode()
    values = fill(page_data(page.content.decode()), monitoring_form, share="0.9")
    assert save(client, monitoring_form, values).status_code == 302
    response = client.post(reverse("form-submit", args=["monitoring", monitoring_form.pk]), follow=True)
    assert "已提交审核" in response.content.decode(), response.content.decode()[:3000]
    workspace = client.get(reverse("workspace") + "?year=2024").content.decode()
    assert "逾期报送" in workspace


# --- submission and review -------------------------------------------------------------------------------


def test_a_red_light_blocks_submission_until_reasons_and_measures_are_given(
    client, preparer, monitoring_form
):
    client.force_login(preparer)
    page = client.get(edit_url(monitoring_form))
    values = fill(page_data(page.content.decode()), monitoring_form, share="0.9")
    values["ind-0-likelihood"] = "impossible"
    assert save(client, monitoring_form, values).status_code == 302
    submit = reverse("form-submit", args=["monitoring", monitoring_form.pk])
    response = client.post(submit, follow=True)
    text = response.content.decode()
    assert "未提交" in text and "须选择偏差原因" in text and "须在监控分析中填写“改进措施”" in text
    assert MonitoringForm.objects.get(pk=monitoring_form.pk).status == FormStatus.DRAFT
    page = client.get(edit_url(monitoring_form))
    values = page_data(page.content.decode())
    values.update(
        {
            "ind-0-reasons": ["经费保障", "其他"],
            "ind-0-reason_text": "上级资金未到位，采购延后。",
            "measures": "加快采购进度，九月底前完成招标。",
        }
    )
    assert save(client, monitoring_form, values).status_code == 302
    response = client.post(submit, follow=True)
    assert "已提交审核" in response.content.decode()
    assert MonitoringForm.objects.get(pk=monitoring_form.pk).status == FormStatus.SUBMITTED


def test_the_reviewer_sees_the_lights_and_approves_which_freezes_the_files(
    client, preparer, reviewer, monitoring_form
):
    client.force_login(preparer)
    page = client.get(edit_url(monitoring_form))
    assert (
        save(
            client, monitoring_form, fill(page_data(page.content.decode()), monitoring_form, share="0.9")
        ).status_code
        == 302
    )
    client.post(reverse("form-submit", args=["monitoring", monitoring_form.pk]))
    client.force_login(reviewer)
    inbox = client.get(reverse("workspace")).content.decode()
    assert monitoring_form.name in inbox
    review_url = reverse("form-review", args=["monitoring", monitoring_form.pk])
    page = client.get(review_url).content.decode()
    assert "预算执行" in page and "绿灯" in page
    response = client.post(review_url, {"grade": Review.Grade.GOOD, "comment": "", "entry_complete": "1"})
    assert response.status_code == 302
    monitoring_form.refresh_from_db()
    assert monitoring_form.status == FormStatus.APPROVED
    pdf = client.get(reverse("form-download", args=["monitoring", monitoring_form.pk, "pdf"]))
    assert pdf.content.startswith(b"%PDF")
    history = client.get(reverse("form-history", args=["monitoring", monitoring_form.pk])).content.decode()
    assert "提交审核" in history and "开启监控任务" in history
