"""A full review cycle in the browser: submit, return with a reason, fix, resubmit, approve, adjust."""

from playwright.sync_api import expect

from core.models import FormStatus, FrozenExport
from declarations.models import Declaration
from tests.browser.conftest import SCREENSHOT_DIR
from tests.conftest import TIANHE


def sign_in_as(browser, live_server, username):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "perfbudget-demo")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    return page


def test_submit_return_fix_resubmit_approve_then_adjust(demo, browser, live_server):
    declaration = Declaration.objects.get(department__name=TIANHE, year=2025)
    edit_url = f"{live_server.url}/forms/declaration/{declaration.pk}/"
    preparer = sign_in_as(browser, live_server, "tianhe")
    reviewer = sign_in_as(browser, live_server, "reviewer")

    preparer.goto(edit_url)
    preparer.click("#submit-form button")
    expect(preparer.locator(".alert-success")).to_contain_text("已提交审核")
    expect(preparer).to_have_url(edit_url + "preview/")

    reviewer.goto(f"{live_server.url}/")
    expect(reviewer.locator("#inbox")).to_contain_text("待审核")
    reviewer.locator("#inbox a", has_text="审核").first.click()
    expect(reviewer.locator("#findings")).to_contain_text("未发现问题")
    reviewer.check("#grade-3")  # 中: returned for revision
    reviewer.click("#decision button")
    expect(reviewer.locator("#decision")).to_contain_text("必须填写审核意见")
    reviewer.fill("#comment", "请把第1项任务的资金写清楚。")
    reviewer.check("#grade-3")
    reviewer.click("#decision button")
    expect(reviewer.locator(".alert-success")).to_contain_text("审核结论已保存")
    assert Declaration.objects.get(pk=declaration.pk).status == FormStatus.RETURNED

    preparer.goto(f"{live_server.url}/")
    expect(preparer.locator("#notifications")).to_contain_text("请把第1项任务的资金写清楚")
    preparer.goto(edit_url)
    preparer.locator("[name=tasks-0-amount]").fill("90.00")
    preparer.locator(".toolbar button[value=save]").click()
    expect(preparer.locator(".alert-success")).to_contain_text("已保存")
    preparer.click("#submit-form button")
    expect(preparer.locator(".alert-success")).to_contain_text("已提交审核")

    reviewer.goto(f"{live_server.url}/forms/declaration/{declaration.pk}/review/")
    expect(reviewer.locator("#history")).to_contain_text("退回修改")
    for key in ("completeness", "relevance", "appropriateness", "feasibility"):
        reviewer.check(f"#check-{key}")
    reviewer.check("#grade-1")  # 优
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    reviewer.screenshot(path=str(SCREENSHOT_DIR / "review-page.png"))
    reviewer.click("#decision button")
    approved = Declaration.objects.get(pk=declaration.pk)
    assert approved.status == FormStatus.APPROVED
    assert FrozenExport.objects.current().filter(department=approved.department, year=2025).count() == 2

    # An approved form is read-only; a change is an adjustment that goes through review again.
    preparer.goto(edit_url)
    expect(preparer).to_have_url(edit_url + "preview/")
    preparer.click("text=调整（修改后重新审核）")
    expect(preparer).to_have_url(edit_url)
    preparer.locator("[name=tasks-0-amount]").fill("95.00")
    preparer.locator(".toolbar button[value=save]").click()
    # The save's page first: a click on the old page's link could load the comparison before it.
    expect(preparer.locator(".alert-success")).to_contain_text("已保存")
    preparer.click("text=与审核通过版本对比")
    expect(preparer.locator("#differences")).to_contain_text("90.00")
    expect(preparer.locator("#differences")).to_contain_text("95.00")
    assert Declaration.objects.get(pk=declaration.pk).status == FormStatus.DRAFT
    preparer.goto(f"{live_server.url}/forms/declaration/{declaration.pk}/history/")
    expect(preparer.locator("#audit")).to_contain_text("调整")
    expect(preparer.locator("#reviews")).to_contain_text("通过")
    preparer.context.close()
    reviewer.context.close()
