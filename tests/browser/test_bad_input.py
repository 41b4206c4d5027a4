"""Bad input is named next to its field, nothing is half-saved, and two editors never lose an update."""

import re

import pytest
from playwright.sync_api import expect

from declarations.models import Declaration
from tests.conftest import TIANHE

pytestmark = pytest.mark.usefixtures("demo")


@pytest.fixture
def declaration(demo):
    return Declaration.objects.get(department__name=TIANHE, year=2025)


@pytest.fixture
def edit_page(sign_in, page, live_server, declaration):
    sign_in("tianhe")
    page.goto(f"{live_server.url}/forms/declaration/{declaration.pk}/")
    return page


def save(page):
    page.locator(".toolbar button[value=save]").click()


def field_error(page, name: str):
    return page.locator(f"[name={name}] ~ .invalid-feedback, [name={name}] + .invalid-feedback").first


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("四千八百", "请输入数字"),
        ("-5.00", "金额不能为负数"),
        ("4855.1111111", "金额最多保留六位小数"),
        ("99,999,999,999,999.99", "金额不能超过 1,000,000,000 万元"),
    ],
    ids=["not-a-number", "negative", "seven-decimals", "above-the-bound"],
)
def test_a_bad_amount_is_named_next_to_its_field_and_nothing_is_saved(
    edit_page, declaration, typed, message, screenshot
):
    page = edit_page
    page.fill("[name=overall_goal]", "改过的总体目标")
    page.fill("[name=basic_expenditure]", typed)
    save(page)
    expect(page.locator("#id_basic_expenditure")).to_have_class(re.compile("is-invalid"))
    expect(page.locator("#id_basic_expenditure").locator("xpath=..")).to_contain_text(message)
    expect(page.locator(".alert-danger")).to_contain_text("未保存")
    # What was typed stays on the page, the good and the bad.
    expect(page.locator("[name=basic_expenditure]")).to_have_value(typed)
    expect(page.locator("[name=overall_goal]")).to_have_value("改过的总体目标")
    screenshot(f"bad-amount-{message}")
    fresh = Declaration.objects.get(pk=declaration.pk)
    assert fresh.version == declaration.version
    assert fresh.overall_goal == declaration.overall_goal


def test_a_row_without_its_required_text_is_named_and_nothing_is_saved(edit_page, declaration):
    page = edit_page
    first_task = page.locator("[data-formset=tasks] tbody[data-rows] > tr[data-row]").first
    first_task.locator("[name$='-name']").fill("")
    save(page)
    expect(first_task.locator("[name$='-name']")).to_have_class(re.compile("is-invalid"))
    expect(page.locator("[data-formset=tasks]")).to_contain_text("请填写“名称”")
    assert Declaration.objects.get(pk=declaration.pk).tasks.first().name == declaration.tasks.first().name


def test_scripts_and_handlers_never_reach_a_page(edit_page, live_server, declaration):
    page = edit_page
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.fill(
        "[name=overall_goal]",
        '<script>alert("x")</script>第一段\n<img src=x onerror=alert("y")>第二段',
    )
    save(page)
    expect(page.locator(".alert-success")).to_contain_text("已保存")
    assert Declaration.objects.get(pk=declaration.pk).overall_goal == "<p>第一段</p><p>第二段</p>"
    expect(page.locator("[name=overall_goal]")).to_have_value("第一段\n第二段")
    page.goto(f"{live_server.url}/forms/declaration/{declaration.pk}/preview/")
    expect(page.locator(".preview-frame")).to_contain_text("第二段")
    html = page.content()
    assert "onerror" not in html
    assert "alert(" not in html
    assert dialogs == []


def test_the_second_of_two_editors_is_refused_and_keeps_their_input(
    edit_page, browser, live_server, declaration, screenshot
):
    first = edit_page
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    other = context.new_page()
    other.goto(f"{live_server.url}/accounts/login/")
    other.fill("input[name=username]", "tianhe")
    other.fill("input[name=password]", "perfbudget-demo")
    other.click("button[type=submit]")
    other.goto(f"{live_server.url}/forms/declaration/{declaration.pk}/")

    first.fill("[name=overall_goal]", "第一位填报人的目标")
    save(first)
    expect(first.locator(".alert-success")).to_contain_text("已保存")

    other.fill("[name=overall_goal]", "第二位填报人的目标")
    other.locator(".toolbar button[value=save]").click()
    conflict = other.locator("#conflict")
    expect(conflict).to_contain_text("已于")
    expect(conflict).to_contain_text(f"第{declaration.version + 1}版")
    expect(other.locator("[name=overall_goal]")).to_have_value("第二位填报人的目标")
    screenshot("conflict", full_page=False)
    assert Declaration.objects.get(pk=declaration.pk).overall_goal == "<p>第一位填报人的目标</p>"

    # Having looked, the second editor may deliberately save over the newer version.
    other.locator("#conflict button[value=overwrite]").click()
    expect(other.locator(".alert-success")).to_contain_text("已保存")
    assert Declaration.objects.get(pk=declaration.pk).overall_goal == "<p>第二位填报人的目标</p>"
    context.close()


def test_live_totals_read_full_width_digits_dashes_and_amounts_to_the_fen(edit_page):
    page = edit_page
    # 4,855.115 + 1,484.955 + 0 + 109.40 = 6,449.47 exactly: the totals compare the values typed.
    page.fill("[name=basic_expenditure]", "４，８５５．１１５")
    page.fill("[name=project_expenditure]", "1484.955")
    page.fill("[name=special_funds]", "—")
    expect(page.locator("#total-expenditure")).to_have_text("6,449.47")
    expect(page.locator("output[data-same]")).to_have_text("三个合计相等")
    page.fill("[name=other_funds]", "0.004")  # prints as 6,449.47 too, yet the totals differ
    expect(page.locator("#total-income")).to_have_text("6,449.47")
    expect(page.locator("output[data-same]")).to_have_text("三个合计不相等：提交前须一致")
