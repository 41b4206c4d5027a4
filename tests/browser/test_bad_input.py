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
        ("4855.111", "金额最多保留两位小数"),
    ],
    ids=["not-a-number", "negative", "three-decimals"],
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
