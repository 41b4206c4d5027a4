"""Issue 18 in the browser: a preparer in a district that chose the Anhui layout creates a project, sees
the fields that layout prints (项目来源, 项目期, 主管部门及代码, 项目责任人), saves them and previews the
project on its own page in that layout."""

import re

from playwright.sync_api import expect

from core.models import Department, District, LayoutChoice, User
from declarations.models import Project
from evaluations.models import ProjectEvaluation
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


def test_a_preparer_fills_the_hubei_self_evaluation_grouped_by_goal(
    demo, sign_in, page, live_server, screenshot
):
    """Hubei's layout: 项目类别 chosen from its options, 填报日期, 预算执行 at 20 points, a row that names
    its 年度绩效目标; saved, then previewed with the goal's table."""
    city = District.objects.create(name="黄冈市")
    LayoutChoice.objects.create(district=city, kind="project-self-evaluation", from_year=2020, layout="hubei")
    institute = Department.objects.create(name="黄冈市水土保持与农田水利科研所", district=city)
    User.objects.create_user("huanggang", password=PASSWORD, role=User.Role.PREPARER, department=institute)
    sign_in("huanggang")
    page.select_option("#kind", "project-self-evaluation")
    page.fill("#create-year", "2020")
    page.fill("#name", "水土保持监测")
    page.click("#create-form button")
    page.wait_for_url(re.compile(r"/forms/project-self-evaluation/\d+/$"))
    expect(page.get_by_label("年度总体目标：预期目标")).to_have_count(0)
    page.get_by_label("项目类别").select_option("本级专项")
    page.get_by_label("填报日期").fill("2021-03-10")
    page.get_by_label("预算执行率分值").fill("20")
    page.locator('input[name="annual_current"]').fill("10")
    page.locator('input[name="executed_current"]').fill("10")
    page.get_by_role("button", name="＋ 在“质量指标”下添加三级指标").click()
    row = page.locator(
        "tbody[data-category='产出指标/质量指标'] tr.row-form, tbody[data-category='产出指标/质量指标'] tr"
    ).last
    row.locator("input[name$='-goal']").fill("1")
    row.locator("[name$='-name']").fill("监测数据必须合格")
    row.locator("[name$='-annual_value']").fill("100%")
    row.locator("[name$='-actual_value']").fill("100%")
    row.locator("[name$='-weight']").fill("80")
    row.locator("[name$='-score']").fill("80")
    screenshot("layout-hubei-entry", full_page=False)
    page.get_by_role("button", name="保存").first.click()
    expect(page.locator(".alert-success").first).to_be_visible()
    evaluation = ProjectEvaluation.objects.get(department=institute, project_name="水土保持监测")
    assert (evaluation.category, str(evaluation.filled_on), evaluation.budget_weight) == (
        "本级专项",
        "2021-03-10",
        20,
    )
    assert list(evaluation.indicators.values_list("goal", "name")) == [(1, "监测数据必须合格")]
    page.goto(f"{live_server.url}/forms/project-self-evaluation/{evaluation.pk}/preview/")
    expect(page.get_by_text("年度绩效目标1（80分）")).to_be_visible()
    expect(page.get_by_text("√2、本级专项").first).to_be_visible()
    screenshot("layout-hubei-preview", full_page=False)
