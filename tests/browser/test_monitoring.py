"""Issue 16 as it will be checked: the bureau opens a round, a unit reports with a deviation, sees the lights
and their reasons, submits, the reviewer approves, the bureau reads the round and downloads its files."""

from playwright.sync_api import expect

from core.models import FormStatus
from declarations.models import Project
from monitoring.models import MonitoringForm
from tests.browser.conftest import SCREENSHOT_DIR
from tests.browser.test_review_cycle import sign_in_as
from tests.conftest import TIANHE


def shot(page, name: str) -> None:
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT_DIR / f"{name}.png"), full_page=True)


def test_open_a_round_report_a_deviation_submit_review_and_read_the_round(demo, browser, live_server):
    projects = list(Project.objects.filter(department__name=TIANHE, year=2024).order_by("position")[:2])
    Project.objects.filter(pk__in=[p.pk for p in projects]).update(status=FormStatus.APPROVED)

    # The bureau opens a 1—7月 自行监控 round for 天河区 2024.
    bureau = sign_in_as(browser, live_server, "finance")
    bureau.goto(f"{live_server.url}/monitoring/")
    bureau.select_option("#id_district", label="天河区")
    bureau.fill("#id_year", "2024")
    bureau.select_option("#id_stage", "7")
    shot(bureau, "monitoring-open-round")
    bureau.click("button[value=open]")
    expect(bureau.locator(".alert-success")).to_contain_text("生成2张监控表")
    expect(bureau.locator("#round-rows")).to_contain_text(projects[0].name)

    # The unit fills its form: little spent by the end of July, one indicator at risk.
    unit = sign_in_as(browser, live_server, "tianhe")
    expect(unit.locator("#inbox")).to_contain_text("填报中")
    form = MonitoringForm.objects.get(project=projects[0])
    edit_url = f"{live_server.url}/forms/monitoring/{form.pk}/"
    unit.locator(f"#inbox a[href='/forms/monitoring/{form.pk}/']").click()
    expect(unit).to_have_url(edit_url)
    unit.fill("[name=executed_fiscal]", f"{form.initial_fiscal / 10:.2f}")
    unit.fill("[name=forecast_fiscal]", f"{form.initial_fiscal:.2f}")
    expect(unit.locator("#execution-rate")).to_contain_text("10.00%")
    unit.fill("[name=goal_progress]", "上半年完成采购准备，合同待签订。")
    rows = unit.locator("tr[data-indicator]")
    for index in range(rows.count()):
        annual = rows.nth(index).locator("td").nth(3).inner_text().strip()
        unit.fill(f"[name=ind-{index}-progress_value]", annual)
        unit.fill(f"[name=ind-{index}-forecast_value]", annual)
        unit.select_option(f"[name=ind-{index}-likelihood]", "certain")
    unit.select_option("[name=ind-0-likelihood]", "possible")
    unit.locator(".toolbar button[value=save]").click()
    expect(unit.locator(".alert-success")).to_contain_text("已保存")
    expect(unit.locator("#budget-light")).to_contain_text("红灯")
    expect(unit.locator("#budget-light")).to_contain_text("低于6月末执行进度下限40.00%")
    expect(unit.locator("#target-light")).to_contain_text("黄灯")
    expect(unit.locator("#target-light")).to_contain_text("完成目标可能性为“有可能”")

    # Submitting without the reasons and measures is refused, naming what is missing.
    unit.click("#submit-form button")
    expect(unit.locator(".alert-danger").first).to_contain_text("未提交")
    expect(unit.locator("body")).to_contain_text("须选择偏差原因")
    expect(unit.locator("body")).to_contain_text("须在监控分析中填写“改进措施”")
    unit.check("[name=ind-0-reasons][value=经费保障]")
    unit.fill("[name=ind-0-reason_text]", "财政资金下达较晚，采购延后。")
    unit.fill("[name=deviation]", "资金支付进度滞后于序时进度。")
    unit.fill("[name=measures]", "八月底前完成合同签订和首笔支付。")
    unit.locator(".toolbar button[value=save]").click()
    expect(unit.locator(".alert-success")).to_contain_text("已保存")
    shot(unit, "monitoring-entry")
    unit.click("#submit-form button")
    expect(unit.locator(".alert-success")).to_contain_text("已提交审核")
    assert MonitoringForm.objects.get(pk=form.pk).status == FormStatus.SUBMITTED

    # The reviewer reads the layout with the lights and approves.
    reviewer = sign_in_as(browser, live_server, "reviewer")
    reviewer.locator(f"#inbox a[href='/forms/monitoring/{form.pk}/review/']").click()
    expect(reviewer.locator("body")).to_contain_text("监控结果（系统计算）")
    expect(reviewer.locator("body")).to_contain_text("预算执行红灯")
    reviewer.check("#grade-1")
    shot(reviewer, "monitoring-review")
    reviewer.click("#decision button")
    expect(reviewer.locator(".alert-success")).to_contain_text("审核结论已保存")
    assert MonitoringForm.objects.get(pk=form.pk).status == FormStatus.APPROVED

    # The bureau reads the round: lights, reporting, chart; downloads the round's XLSX and the form's PDF.
    bureau.goto(f"{live_server.url}/monitoring/{form.round_id}/")
    expect(bureau.locator("#count-on-time")).to_have_text("1")
    expect(bureau.locator("#lights-chart svg")).to_be_visible()
    expect(bureau.locator("#round-rows")).to_contain_text("红灯")
    shot(bureau, "monitoring-round")
    bureau.select_option("#f-budget", "red")
    bureau.click("#round-filters button:has-text('筛选')")
    expect(bureau.locator("#round-rows")).to_contain_text(projects[0].name)
    expect(bureau.locator("#round-rows")).not_to_contain_text(projects[1].name)
    with bureau.expect_download() as download:
        bureau.click("#round-xlsx")
    assert download.value.suggested_filename.endswith("监控结果.xlsx")
    assert open(download.value.path(), "rb").read(2) == b"PK"
    bureau.goto(f"{live_server.url}/forms/monitoring/{form.pk}/preview/")
    with bureau.expect_download() as download:
        bureau.click("text=下载 PDF")
    assert open(download.value.path(), "rb").read(4) == b"%PDF"
    for page in (bureau, unit, reviewer):
        page.context.close()
