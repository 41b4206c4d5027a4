"""A preparer types whole published forms into empty entry pages (issue: entry pages, tests 1)."""

import json
import re

import pytest
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
