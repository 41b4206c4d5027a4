"""Every page opens without a script error at 1366×768; rows move and disappear in place."""

import pytest
from playwright.sync_api import expect

from core.models import Department
from declarations.models import Declaration, Project
from evaluations.models import DepartmentEvaluation
from tests.conftest import TIANHE


@pytest.fixture
def script_errors(page):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    return errors


def test_every_page_of_a_preparer_opens_cleanly(demo, sign_in, page, live_server, screenshot, script_errors):
    department = Department.objects.get(name=TIANHE)
    project = Project.objects.filter(department=department, year=2024).first()
    sign_in("tianhe")
    page.goto(f"{live_server.url}/?year=2024")
    page.fill("#name", project.name)
    page.select_option("#kind", "project-self-evaluation")
    page.fill("#create-year", "2024")
    page.click("#create-form button")
    expect(page.locator(".alert-success")).to_contain_text("已新建")
    screenshot("project-self-evaluation-edit")
    pages = {
        "workspace-2019": "/?year=2019",
        "target-table-edit": f"/forms/target-table/{department.declarations_targettable_set.get().pk}/",
        "project-edit": f"/forms/projects/{project.pk}/",
        "project-list": f"/departments/{department.pk}/2024/projects/",
        "self-evaluation-preview": f"/forms/self-evaluation/{DepartmentEvaluation.objects.get(department=department).pk}/preview/",
        "target-table-preview": f"/forms/target-table/{department.declarations_targettable_set.get().pk}/preview/",
        "import": "/forms/import/",
    }
    for name, path in pages.items():
        response = page.goto(live_server.url + path)
        assert response.status == 200, name
        screenshot(name)
    assert script_errors == []


def test_a_reviewer_sees_the_preview_not_the_editor(demo, sign_in, page, live_server):
    declaration = Declaration.objects.get(department__name=TIANHE, year=2025)
    sign_in("reviewer")
    page.goto(f"{live_server.url}/forms/declaration/{declaration.pk}/")
    expect(page).to_have_url(f"{live_server.url}/forms/declaration/{declaration.pk}/preview/")
    expect(page.locator(".preview-frame")).to_contain_text("部门整体预算绩效目标申报表")


def test_rows_are_moved_and_removed_in_place_and_saved_in_page_order(
    demo, sign_in, page, live_server, script_errors
):
    declaration = Declaration.objects.get(department__name=TIANHE, year=2025)
    names = [task.name for task in declaration.tasks.all()]
    sign_in("tianhe")
    page.goto(f"{live_server.url}/forms/declaration/{declaration.pk}/")
    rows = page.locator("[data-formset=tasks] tbody[data-rows] > tr[data-row]")
    rows.nth(1).locator("[data-move=up]").click()
    rows.nth(3).locator("[data-remove]").click()
    expect(rows).to_have_count(3)
    expect(page.locator("input[name=tasks-TOTAL_FORMS]")).to_have_value("3")
    expect(rows.nth(0).locator("[name=tasks-0-name]")).to_have_value(names[1])
    indicator_rows = page.locator("tbody[data-category='产出指标/数量指标'] > tr[data-row]")
    first_indicator = indicator_rows.nth(0).locator("[name$='-name']").input_value()
    indicator_rows.nth(0).locator("[data-move=down]").click()
    page.locator(".toolbar button[value=save]").click()
    expect(page.locator(".alert-success")).to_contain_text("已保存")
    stored = Declaration.objects.get(pk=declaration.pk)
    assert [task.name for task in stored.tasks.all()] == [names[1], names[0], names[2]]
    assert list(stored.indicators.values_list("name", flat=True))[1] == first_indicator
    assert script_errors == []


def test_typing_an_indicator_suggests_from_the_library(demo, sign_in, page, live_server):
    declaration = Declaration.objects.get(department__name=TIANHE, year=2025)
    sign_in("tianhe")
    page.goto(f"{live_server.url}/forms/declaration/{declaration.pk}/")
    group = page.locator("tbody[data-category='产出指标/数量指标']")
    group.locator("[data-add]").click()
    name = group.locator("tr[data-row]").last.locator("[name$='-name']")
    name.fill("调解")
    # The list is refilled as the user types: wait for the answer, then read it.
    option = page.locator(".suggest-list [data-value='人均年度调解案件数']")
    expect(option).to_be_visible()
    expect(option).to_contain_text("≥55")
    # Picking one fills the name (keyboard or mouse).
    option.click()
    expect(name).to_have_value("人均年度调解案件数")
    expect(page.locator(".suggest-list")).to_have_count(0)
