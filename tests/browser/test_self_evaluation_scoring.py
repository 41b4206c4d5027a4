"""The approved 天河 project 法律援助补贴和业务经费 evaluated end to end (issue: self-evaluation scoring)."""

import re
import subprocess
from decimal import Decimal

from playwright.sync_api import expect

from core.models import FormStatus, User
from core.workflow import form_review, form_submit
from declarations.models import Project
from evaluations.models import ProjectEvaluation
from tests.browser.conftest import SCREENSHOT_DIR
from tests.conftest import TIANHE

NAME = "法律援助补贴和业务经费"
ACTUAL = {
    "在审查起诉阶段为犯罪嫌疑人以及在审判阶段为被告人提供法律帮助": "提供法律帮助率100%",
    "法律援助宣传活动(场次)": "3场",
    "法律援助机构指派律师数": "全年指派律师326人次",
    "法律援助案件办理率": "98%",
    "开展法律援助工作服务项目": "评估达标",
    "支付法律援助律师办案补贴合规性": "符合标准",
    "服务环境与规范": "达标",
    "法律援助案件承办完成率": "100%",
    "法律援助受益人数": "全年受援1,820人",
    "提升法律援助的影响力": "影响力持续提升",
    "法律援助案件质量评核": "合格以上",
}


def row_of(page, name):
    # The 三级指标 is a growing text box: its text is its value, not an attribute to select on.
    rows = page.locator("tr[data-row]")
    rows.first.wait_for()
    for index in range(rows.count()):
        row = rows.nth(index)
        if row.locator("[name$='-name']").input_value() == name:
            return row
    raise AssertionError(f"no row named {name}")


def test_a_project_is_evaluated_from_its_approved_targets_to_an_exported_scored_form(
    demo, sign_in, page, live_server, screenshot, tmp_path
):
    project = Project.objects.get(department__name=TIANHE, year=2024, name=NAME)
    tianhe, reviewer = User.objects.get(username="tianhe"), User.objects.get(username="reviewer")
    form_review(form=form_submit(form=project, user=tianhe), user=reviewer, grade="优")
    assert Project.objects.get(pk=project.pk).status == FormStatus.APPROVED

    sign_in("tianhe")
    page.goto(f"{live_server.url}/?year=2024")
    page.select_option("#kind", "project-self-evaluation")
    page.fill("#create-year", "2024")
    page.fill("#name", NAME)
    page.click("#create-form button")
    expect(page.locator(".alert-success")).to_contain_text("已新建")
    # Pre-filled from the approved targets: every indicator with its 年度指标值 and an even weight.
    expect(row_of(page, "法律援助宣传活动(场次)").locator("[name$='-annual_value']")).to_have_value("≥1场")
    expect(row_of(page, "法律援助宣传活动(场次)").locator("[name$='-weight']")).to_have_value("6.25")

    budget = project.fiscal_appropriation
    page.fill("[name=annual_current]", str(budget))
    page.fill("[name=executed_current]", str((budget * Decimal("0.95")).quantize(Decimal("0.01"))))
    expect(page.locator("#execution-rate")).to_have_text("95.00%")
    page.fill("[name=actual_completion]", "全年法律援助工作按计划完成。")
    for name, actual in ACTUAL.items():
        row_of(page, name).locator("[name$='-actual_value']").fill(actual)
    page.click("button[value=score]")
    expect(page.locator("#score-notes")).to_contain_text("建议得分")
    shortfall = row_of(page, "法律援助案件办理率")
    expect(shortfall.locator("[name$='-score']")).to_have_value("6.13")
    expect(shortfall.locator(".row-note")).to_contain_text("实际 98% ÷ 目标 100% × 6.25 分 = 6.13 分")
    qualitative = row_of(page, "服务环境与规范")
    expect(qualitative.locator(".row-note")).to_contain_text("达成年度指标 5.00–6.25分")
    # The engine never guesses a 定性 score: the preparer picks one inside the band.
    for name in (
        "法律援助机构指派律师数",
        "开展法律援助工作服务项目",
        "支付法律援助律师办案补贴合规性",
        "服务环境与规范",
    ):
        row_of(page, name).locator("[name$='-score']").fill("6.25")
    for name, points in (
        ("法律援助受益人数", "15"),
        ("提升法律援助的影响力", "15"),
        ("法律援助案件质量评核", "10"),
    ):
        row_of(page, name).locator("[name$='-score']").fill(points)
    shortfall.locator("[name$='-deviation_reason']").fill(
        "个别案件因当事人撤回申请未能办理，下一步加强跟踪。"
    )
    # Far above its target (domain.md §4: ≥ 130%): the rule asks why, before submission.
    row_of(page, "法律援助宣传活动(场次)").locator("[name$='-deviation_reason']").fill(
        "结合普法宣传月增加了宣传场次，下年度按实际需要调高目标。"
    )
    page.locator(".toolbar button[value=save]").click()
    expect(page.locator(".alert-success")).to_contain_text("已保存")
    # 9.50 (预算执行率) + 50 − 6.25 + 6.13 + 30 + 10
    expect(page.locator("#total-score")).to_have_text("99.38")
    expect(page.locator("#grade")).to_have_text("优")
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT_DIR / "project-self-evaluation-scored.png"), full_page=True)
    page.click("#submit-form button")
    expect(page.locator(".alert-success")).to_contain_text("已提交审核")

    evaluation = ProjectEvaluation.objects.get(department__name=TIANHE, year=2024, project_name=NAME)
    assert evaluation.project == project
    form_review(form=evaluation, user=reviewer, grade="优", checklist={"completeness": True})
    assert ProjectEvaluation.objects.get(pk=evaluation.pk).status == FormStatus.APPROVED

    with page.expect_download() as download:
        page.goto(f"{live_server.url}/forms/project-self-evaluation/{evaluation.pk}/preview/")
        page.click("text=下载 PDF")
    pdf = tmp_path / "evaluation.pdf"
    download.value.save_as(pdf)
    text = subprocess.run(
        ["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert NAME in text
    assert re.search(r"总分\s+100\s+99\.38", text)  # weights and scores print the decimals they have
    assert "自评等级：优" in text
