"""Issue 13: the scoring rules of a 项目支出绩效自评表 are enforced where the user meets them.

Each test goes through the pages a preparer and a reviewer use (submit, the entry page's findings, the
review page): a rule that is computed but not wired into ``form_submit`` fails here.
"""

import io
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from openpyxl import load_workbook

from core.checks import form_findings
from core.models import Department, FormStatus, FrozenExport
from evaluations.models import ProjectEvaluation
from evaluations.services import project_evaluation_replace
from tests.conftest import TIANHE

pytestmark = pytest.mark.usefixtures("seeded")


def row(level1, level2, name, annual, actual, weight, score, reason=""):
    return {
        "level1": level1,
        "level2": level2,
        "name": name,
        "annual_value": annual,
        "actual_value": actual,
        "weight": weight,
        "score": score,
        "deviation_reason": reason,
    }


def good_rows():
    """Weights 10 + 50 + 30 + 10, every row at full marks: a form the rules accept."""
    return [
        row("产出指标", "数量指标", "办理法律援助案件数", "≥1000件", "1050件", "25", "25"),
        row("产出指标", "质量指标", "案件质量合格率", "≥95%", "98%", "25", "25"),
        row("效益指标", "社会效益", "受援群众覆盖率", "≥90%", "95%", "30", "30"),
        row("满意度指标", "服务对象满意度", "受援人满意度", "≥90%", "96%", "10", "10"),
    ]


def evaluation(rows=None, **extra) -> ProjectEvaluation:
    data = {
        "project_name": "法律援助补贴和业务经费",
        "expected_goal": "为困难群众提供法律援助。",
        "actual_completion": "全年办理法律援助案件1050件。",
        "budget_weight": "10",
        "level1_weights": {"产出指标": "50", "效益指标": "30", "满意度指标": "10"},
        "funds": {"initial_current": "200.00", "annual_current": "200.00", "executed_current": "200.00"},
        "indicators": good_rows() if rows is None else rows,
        **extra,
    }
    return project_evaluation_replace(department=Department.objects.get(name=TIANHE), year=2024, data=data)


def submit(client, preparer, form) -> list[str]:
    client.force_login(preparer)
    response = client.post(reverse("form-submit", args=["project-self-evaluation", form.pk]))
    assert response.status_code == 302
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_a_form_the_rules_accept_is_submitted(client, preparer):
    form = evaluation()
    assert submit(client, preparer, form) == ["已提交审核。"]
    assert ProjectEvaluation.objects.get(pk=form.pk).status == FormStatus.SUBMITTED


def test_weights_of_a_level1_that_do_not_add_up_refuse_the_submission_naming_the_level1(client, preparer):
    rows = good_rows()
    rows[2].update(weight="20", score="20")  # 效益 20 instead of 30
    form = evaluation(rows)
    messages = submit(client, preparer, form)
    assert "一级指标“效益指标”下各三级指标分值合计20分，应为本表该一级分值30分。" in messages
    assert ProjectEvaluation.objects.get(pk=form.pk).status == FormStatus.DRAFT


def test_the_form_s_own_weights_are_the_rule_not_the_district_default(client, preparer):
    # A real form may weigh 10/60/30: its own 一级 weights, summing to 100 with the budget's.
    rows = good_rows()[:3]
    rows[0].update(weight="30", score="30")
    rows[1].update(weight="30", score="30")
    form = evaluation(rows, level1_weights={"产出指标": "60", "效益指标": "30"})
    assert submit(client, preparer, form) == ["已提交审核。"]


def test_parts_that_do_not_sum_to_100_refuse_the_submission(client, preparer):
    form = evaluation(budget_weight="20")
    messages = submit(client, preparer, form)
    assert any(
        m.startswith("预算执行率分值20分与各一级指标分值") and "合计为110分，应为100分" in m for m in messages
    )


def test_an_unscored_indicator_refuses_the_submission(client, preparer):
    rows = good_rows()
    rows[3]["score"] = None
    messages = submit(client, preparer, evaluation(rows))
    assert any("第4行“受援人满意度”" in m and "未打分" in m for m in messages)


def test_a_score_below_full_weight_needs_a_reason_before_submission(client, preparer):
    rows = good_rows()
    rows[0].update(actual_value="900件", score="22.5")
    form = evaluation(rows)
    messages = submit(client, preparer, form)
    assert any(
        "第1行“办理法律援助案件数”" in m and "得分22.5分低于分值25分，需填写偏差原因" in m for m in messages
    )
    rows[0]["deviation_reason"] = "受疫情影响，来访量下降。"
    assert submit(client, preparer, evaluation(rows))[-1] == "已提交审核。"
    assert ProjectEvaluation.objects.get(pk=form.pk).status == FormStatus.SUBMITTED


def test_an_actual_at_130_percent_of_the_target_needs_a_reason(client, preparer):
    rows = good_rows()
    rows[0].update(actual_value="1400件")
    messages = submit(client, preparer, evaluation(rows))
    assert any("第1行“办理法律援助案件数”" in m and "130%以上" in m for m in messages)


def test_a_typed_score_that_differs_from_the_rule_is_a_warning_naming_both_numbers(
    client, reviewer, preparer
):
    rows = good_rows()
    rows[1].update(actual_value="90%", score="20", deviation_reason="部分案件质量评查未达标。")
    form = evaluation(rows)
    findings = [f for f in form_findings(form) if not f.blocking]
    assert any("填写的得分20分，按评分规则应得23.68分" in f.message for f in findings), findings
    # A warning, not a block: the reviewer decides, and sees it on the review page.
    assert submit(client, preparer, form) == ["已提交审核。"]
    client.force_login(reviewer)
    page = client.get(reverse("form-review", args=["project-self-evaluation", form.pk])).content.decode()
    assert "按评分规则应得23.68分" in page


def test_a_score_computed_as_weight_times_the_actual_value_is_named(client, preparer):
    # Hubei 2020: target 98%, actual 98%, weight 20, scored 19.6 (= 20 × 98%) where full marks were due.
    rows = good_rows()
    rows[0].update(weight="5", score="5")
    rows[1].update(
        annual_value="98%", actual_value="98%", weight="20", score="19.6", deviation_reason="见说明"
    )
    rows.insert(2, row("产出指标", "时效指标", "完成及时率", "100%", "100%", "25", "25"))
    form = evaluation(rows)
    messages = [f.message for f in form_findings(form)]
    assert any("得分19.6分等于分值×实际完成值（20×98%）" in m and "应得20分" in m for m in messages), messages


# --- the reviewer's score --------------------------------------------------------------------------------


def review(client, reviewer, form, **post):
    client.force_login(reviewer)
    return client.post(
        reverse("form-review", args=["project-self-evaluation", form.pk]), {**post, "entry_complete": "1"}
    )


def test_the_reviewer_rescores_a_row_and_the_total_grade_and_layout_follow(client, preparer, reviewer):
    form = evaluation()
    submit(client, preparer, form)
    first = form.indicators.get(name="办理法律援助案件数")
    response = review(
        client,
        reviewer,
        form,
        **{f"rescore-score_{first.pk}": "15", f"rescore-reason_{first.pk}": "案件数统计口径有误，核减。"},
        grade="良",
    )
    assert response.status_code == 302, response.content.decode()[-6000:]
    form.refresh_from_db()
    first.refresh_from_db()
    assert (first.score, first.reviewer_score) == (Decimal("25.00"), Decimal("15.00"))
    assert form.status == FormStatus.APPROVED
    assert form.total_score() == Decimal("90.00")  # 100 − 10: the reviewer's score counts
    history = client.get(reverse("form-history", args=["project-self-evaluation", form.pk])).content.decode()
    assert "审核人调整得分" in history and "案件数统计口径有误" in history
    # The approved (frozen) layout prints the final score.
    frozen = FrozenExport.objects.get(kind="project-self-evaluation", format="xlsx", superseded_at=None)
    sheet = load_workbook(io.BytesIO(bytes(frozen.content))).worksheets[0]
    values = [cell.value for row in sheet.iter_rows() for cell in row]
    assert "90.00" in [str(v) for v in values] or 90 in values or Decimal("90") in values


def test_a_rescore_without_a_reason_is_refused_and_nothing_is_kept(client, preparer, reviewer):
    form = evaluation()
    submit(client, preparer, form)
    first = form.indicators.get(name="办理法律援助案件数")
    response = review(client, reviewer, form, **{f"rescore-score_{first.pk}": "15"}, grade="良")
    assert response.status_code == 400
    assert "请填写调整理由" in response.content.decode()
    first.refresh_from_db()
    form.refresh_from_db()
    assert first.reviewer_score is None and form.status == FormStatus.SUBMITTED


def test_a_rescore_above_the_weight_is_refused(client, preparer, reviewer):
    form = evaluation()
    submit(client, preparer, form)
    first = form.indicators.get(name="办理法律援助案件数")
    response = review(
        client,
        reviewer,
        form,
        **{f"rescore-score_{first.pk}": "30", f"rescore-reason_{first.pk}": "x"},
        grade="优",
    )
    assert response.status_code == 400 and "应在0至分值25" in response.content.decode()


def test_only_the_current_reviewer_sees_the_rescoring(client, preparer, reviewer):
    form = evaluation()
    submit(client, preparer, form)
    client.force_login(preparer)
    page = client.get(reverse("form-review", args=["project-self-evaluation", form.pk])).content.decode()
    assert "reviewer-scores" not in page
    client.force_login(reviewer)
    page = client.get(reverse("form-review", args=["project-self-evaluation", form.pk])).content.decode()
    assert "reviewer-scores" in page and "办理法律援助案件数" in page


def test_a_non_finite_weight_typed_on_the_entry_page_is_an_error_not_a_crash(client, preparer):
    from scripts.loadtest import form_values

    form = evaluation()
    client.force_login(preparer)
    url = reverse("form-edit", args=["project-self-evaluation", form.pk])
    values = form_values(client.get(url).content.decode())
    weight = next(key for key in values if key.endswith("-weight"))
    response = client.post(url, {**values, weight: "Infinity", "action": "save"})
    assert response.status_code == 400
    assert ProjectEvaluation.objects.get(pk=form.pk).version == form.version
