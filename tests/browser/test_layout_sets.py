"""Issue 18 in the browser: a preparer in a district that chose the Anhui layout creates a project, sees
the fields that layout prints (项目来源, 项目期, 主管部门及代码, 项目责任人), saves them and previews the
project on its own page in that layout."""

import re

from playwright.sync_api import expect

from core.models import Department, District, LayoutChoice, User
from declarations.models import Project
from tests.browser.conftest import PASSWORD


def test_a_preparer_fills_the_anhui_project_form_and_previews_it(
    demo, sign_in, page, live_server, screenshot
):
    county = District.objects.create(name="六安市金安区")
    LayoutChoice.objects.create(district=county, kind="projects", from_year=2025, layout="anhui")
    bureau = Department.objects.create(name="六安市金安区体育局", district=county)
    User.objects.create_user("jinan", password=PASSWORD, role=User.Role.PREPARER, department=bureau)
    sign_in("jinan")
    page.select_option("#kind", "projects")
    page.fill("#create-year", "2025")
    page.fill("#name", "安徽省常规赛费用")
    page.click("#create-form button")
    page.wait_for_url(re.compile(r"/forms/projects/\d+/$"))
    expect(page.get_by_label("项目来源")).to_be_visible()
    expect(page.get_by_label("总体目标（实施期）")).to_have_count(0)
    page.get_by_label("主管部门及代码").fill("[042]六安市金安区体育局")
    page.get_by_label("项目来源").fill("本级申报项目")
    page.get_by_label("项目期").fill("3年")
    page.get_by_label("项目负责人及电话").fill("张三 0564-3300000")
    page.get_by_label("财政拨款").fill("1,200.00")
    screenshot("layout-anhui-entry", full_page=False)
    page.get_by_role("button", name="保存").first.click()
    expect(page.locator(".alert-success").first).to_be_visible()
    project = Project.objects.get(department=bureau, name="安徽省常规赛费用")
    assert (project.source, project.period, project.manager) == ("本级申报项目", "3年", "张三 0564-3300000")
    page.goto(f"{live_server.url}/forms/projects/{project.pk}/preview/")
    expect(page.get_by_text("项目来源").first).to_be_visible()
    expect(page.get_by_text("[042]六安市金安区体育局").first).to_be_visible()
    screenshot("layout-anhui-preview", full_page=False)
