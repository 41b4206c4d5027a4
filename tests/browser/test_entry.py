"""A preparer types whole published forms into empty entry pages (issue: entry pages, tests 1)."""

import json
import re

from playwright.sync_api import expect

from core.models import Department
from core.richtext import rich_text_plain
from declarations.models import Declaration, Project
from declarations.records import declaration_data, project_data
from evaluations.models import DepartmentEvaluation
from evaluations.records import department_evaluation_data
from tests.conftest import REPO_DIR, TIANHE

FIXTURES = REPO_DIR / "fixtures" / "seeds"


def fixture(prefix: str) -> dict:
    (path,) = FIXTURES.glob(f"{prefix}_*.json")
    return json.loads(path.read_text(encoding="utf-8"))


def create_form(page, kind: str, year: int, name: str = ""):
    page.select_option("#kind", kind)
    page.fill("#create-year", str(year))
    if name:
        page.fill("#name", name)
    page.click("#create-form button")
    page.wait_for_url(re.compile(r"/forms/.+/\d+/$"))


def add_row(page, container_selector: str):
    """Click the add button of a row group and return the new (last) row."""
    container = page.locator(container_selector).first
    container.locator("[data-add]").last.click()
    rows = container.locator(":scope > table > tbody > tr[data-row], :scope > tr[data-row]")
    return rows.last


def fill_row(row, values: dict):
    for field, value in values.items():
        row.locator(f"[name$='-{field}']").first.fill(value)


def fill_indicators(page, indicators: list[dict], fields=("name", "period_value", "annual_value")):
    for item in indicators:
        row = add_row(page, f"tbody[data-category='{item['level1']}/{item['level2']}']")
        fill_row(row, {field: item[field] for field in fields})


def save(page):
    page.locator(".toolbar button[value=save]").click()
    expect(page.locator(".alert-success")).to_contain_text("已保存")


def test_a_preparer_types_the_tianhe_2025_declaration_and_it_equals_the_seed(demo, sign_in, page, screenshot):
    department = Department.objects.get(name=TIANHE)
    expected = declaration_data(Declaration.objects.get(department=department, year=2025))
    Declaration.objects.filter(department=department, year=2025).delete()
    seed = fixture("000")

    sign_in("tianhe")
    screenshot("workspace")
    create_form(page, "declaration", 2025)
    screenshot("declaration-empty")

    page.fill("[name=department_label]", seed["department_label"])
    page.fill("[name=disclosure_label]", seed["disclosure_label"])
    for field, amount in seed["budget"].items():
        page.fill(f"[name={field}]", f"{float(amount):,.2f}")
    expect(page.locator("#total-expenditure")).to_have_text("6,449.47")
    expect(page.locator("output[data-same]")).to_have_text("三个合计相等")
    page.fill("[name=overall_goal]", rich_text_plain(seed["overall_goal"]))
    for task in seed["tasks"]:
        row = add_row(page, "[data-formset=tasks]")
        fill_row(
            row,
            {
                "name": task["name"],
                "content": rich_text_plain(task["content"]),
                "amount": task["amount"],
                "expected_goal": rich_text_plain(task["expected_goal"]),
            },
        )
    task_total = sum(float(task["amount"]) for task in seed["tasks"])
    expect(page.locator("#total-tasks")).to_have_text(f"{task_total:,.2f}")
    page.fill("[name=other_tasks]", rich_text_plain(seed["other_tasks"]))
    fill_indicators(page, seed["indicators"])
    screenshot("declaration-filled")
    save(page)

    page.reload()
    stored = declaration_data(Declaration.objects.get(department=department, year=2025))
    assert stored == expected
    screenshot("declaration-saved")
    page.click("text=预览")
    expect(page.locator(".preview-frame")).to_contain_text("4,855.11")
    screenshot("declaration-preview")


def test_a_preparer_enters_a_seed_003_project_by_pasting_its_indicator_cell(demo, sign_in, page, screenshot):
    department = Department.objects.get(name=TIANHE)
    seed = next(p for p in fixture("003")["projects"] if p["name"] == "购买行政复议应诉辅助服务经费")
    expected = project_data(Project.objects.get(department=department, year=2024, name=seed["name"]))
    Project.objects.filter(department=department, year=2024, name=seed["name"]).delete()

    sign_in("tianhe")
    page.goto(page.url + "?year=2024")
    create_form(page, "projects", 2024, seed["name"])
    for field in ("fiscal_appropriation", "special_account", "other_funds"):
        page.fill(f"[name={field}]", seed[field])
    expect(page.locator("#project-total")).to_have_text(f"{float(seed['fiscal_appropriation']):,.2f}")
    page.fill("[name=goal]", rich_text_plain(seed["goal"]))
    page.fill("#paste_text", seed["indicator_text"])
    page.click("button[value=paste]")
    expect(page.locator("#paste-notes")).to_contain_text("已按指标体系填入")
    # The pasted rows are on the page, filed under their 二级, but not yet stored.
    assert page.locator("tbody[data-category='产出指标/数量指标'] tr[data-row]").count() >= 1
    screenshot("project-pasted")
    save(page)

    stored = project_data(Project.objects.get(department=department, year=2024, name=seed["name"]))
    assert stored == expected
    assert any("stated_level1_code" in row for row in stored["indicators"])
    screenshot("project-saved")


def test_a_preparer_types_the_tianhe_2022_self_evaluation_and_it_equals_the_seed(
    demo, sign_in, page, screenshot
):
    department = Department.objects.get(name=TIANHE)
    expected = department_evaluation_data(DepartmentEvaluation.objects.get(department=department, year=2022))
    DepartmentEvaluation.objects.filter(department=department, year=2022).delete()
    seed = fixture("004")

    sign_in("tianhe")
    page.goto(page.url + "?year=2022")
    create_form(page, "self-evaluation", 2022)
    page.fill("[name=disclosure_label]", seed["attachment_label"])
    for field, amount in seed["funds"].items():
        page.fill(f"[name={field}]", amount)
    expect(page.locator("#budget-adjustment")).to_have_text("−172.43")
    expect(page.locator("#completion-rate")).to_have_text("99.91%")
    expect(page.locator("#adjustment-rate")).to_have_text("2.82%")
    for field in (
        "expected_goal",
        "goal_completion",
        "key_project_performance",
        "overall_performance",
        "problems",
        "improvements",
    ):
        page.fill(f"[name={field}]", rich_text_plain(seed[field]))
    for task in seed["tasks"]:
        row = add_row(page, "[data-formset=tasks]")
        fill_row(
            row,
            {
                "name": task["name"],
                "expected": rich_text_plain(task["expected"]),
                "completion": rich_text_plain(task["completion"]),
                "amount": task["amount"],
            },
        )
        nested = row.locator("[data-formset$='-indicators']")
        for number, indicator in enumerate(task["indicators"]):
            # A new task starts with one empty key-indicator row; add the others.
            if number:
                nested.locator("[data-add]").click()
            fill_row(nested.locator("tr[data-row]").nth(number), indicator)
    screenshot("self-evaluation-filled")
    save(page)

    stored = department_evaluation_data(DepartmentEvaluation.objects.get(department=department, year=2022))
    assert stored == expected
    screenshot("self-evaluation-saved")
