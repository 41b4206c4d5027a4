"""Entry at the speed of Excel (issue 15): grids pasted from a workbook, pages that help, first screens.

Pastes go through the real clipboard and Ctrl+V, as a preparer pastes a block copied in Excel or WPS.
"""

import json
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from core.kinds import get_kind
from core.models import Department
from core.richtext import rich_text_plain
from declarations.models import Declaration, Project
from declarations.records import declaration_data
from evaluations.models import DepartmentEvaluation
from evaluations.records import department_evaluation_data
from tests.conftest import REPO_DIR, TIANHE, YUEXIU
from tests.core.test_foreign_import_page import broken_declaration
from tests.exports import handmade

FIXTURES = REPO_DIR / "fixtures" / "seeds"


def fixture(prefix: str) -> dict:
    (path,) = FIXTURES.glob(f"{prefix}_*.json")
    return json.loads(path.read_text(encoding="utf-8"))


def excel_cell(text: str) -> str:
    """A cell as Excel puts it on the clipboard: quoted when it holds a line break, a tab or a quote."""
    text = str(text)
    if any(mark in text for mark in '\n\t"'):
        return '"' + text.replace('"', '""') + '"'
    return text


def tsv(rows) -> str:
    return "".join("\t".join(excel_cell(cell) for cell in row) + "\r\n" for row in rows)


def task_rows(seed: dict):
    return [
        [t["name"], rich_text_plain(t["content"]), t["amount"], rich_text_plain(t["expected_goal"])]
        for t in seed["tasks"]
    ]


def indicator_rows(indicators, *, classic: bool = False):
    """一级 and 二级 written once for their block, as a sheet shows merged cells when copied."""
    rows, last = [], (None, None)
    for item in indicators:
        level2 = item["level2"]
        if classic and level2.endswith(("效益指标", "满意度指标")):
            level2 = level2.removesuffix("指标")
        rows.append(
            [
                item["level1"] if item["level1"] != last[0] else "",
                level2 if (item["level1"], item["level2"]) != last else "",
                item["name"],
                item["period_value"],
                item["annual_value"],
            ]
        )
        last = (item["level1"], item["level2"])
    return rows


@pytest.fixture
def clipboard(page, context):
    context.grant_permissions(["clipboard-read", "clipboard-write"])

    def paste(locator, text: str):
        page.evaluate("text => navigator.clipboard.writeText(text)", text)
        locator.click()
        page.keyboard.press("Control+V")

    return paste


def new_form(page, kind: str, year: int):
    page.select_option("#kind", kind)
    page.fill("#create-year", str(year))
    page.click("#create-form button")
    page.wait_for_url(re.compile(r"/forms/.+/\d+/$"))


def test_seed_001_tasks_and_indicators_are_pasted_from_a_workbook(demo, sign_in, page, clipboard, screenshot):
    department = Department.objects.get(name=YUEXIU)
    expected = declaration_data(Declaration.objects.get(department=department, year=2025))
    Declaration.objects.filter(department=department, year=2025).delete()
    seed = fixture("001")
    sign_in("yuexiu")
    new_form(page, "declaration", 2025)
    page.locator("[data-formset=tasks] [data-add]").click()
    clipboard(page.locator("[name=tasks-0-name]"), tsv(task_rows(seed)))
    expect(page.locator("[data-formset=tasks] tbody[data-rows] > tr[data-row]")).to_have_count(5)
    expect(page.locator("#total-tasks")).to_have_text("754.96")
    clipboard(page.locator(".tree-paste"), tsv(indicator_rows(seed["indicators"], classic=True)))
    expect(page.locator(".paste-notice[data-for=tree]")).to_contain_text("填入 15 条指标")
    screenshot("excel-pasted-declaration")
    page.locator(".toolbar button[value=save]").click()
    expect(page.locator(".alert-success")).to_contain_text("已保存")
    stored = declaration_data(Declaration.objects.get(department=department, year=2025))
    assert stored["tasks"] == expected["tasks"]
    assert stored["indicators"] == expected["indicators"]


def test_what_cannot_be_placed_is_listed_before_anything_is_added(demo, sign_in, page, clipboard):
    declaration = Declaration.objects.get(department__name=TIANHE, year=2025)
    before = declaration.indicators.count()
    sign_in("tianhe")
    page.goto(f"{page.url.rstrip('/')}/forms/declaration/{declaration.pk}/")
    rows = [["产出指标", "数量指标", "新指标甲", "1次", "1次"], ["", "数里指标", "新指标乙", "2次", "2次"]]
    messages = []

    def refuse(dialog):
        messages.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", refuse)
    clipboard(page.locator(".tree-paste"), tsv(rows))
    expect(page.locator(".paste-notice")).to_have_count(0)
    assert "第2行：指标体系中没有“产出指标 / 数里指标”" in messages[0]
    assert "其余 1 行照常填入吗" in messages[0]
    assert (
        page.locator("[name$='-name']").evaluate_all("els => els.filter(e => e.value === '新指标甲').length")
        == 0
    )
    page.remove_listener("dialog", refuse)
    page.on("dialog", lambda dialog: dialog.accept())
    clipboard(page.locator(".tree-paste"), tsv(rows))
    expect(page.locator(".paste-notice[data-for=tree]")).to_contain_text("填入 1 条指标")
    page.locator(".toolbar button[value=save]").click()
    expect(page.locator(".alert-success")).to_contain_text("已保存")
    assert declaration.indicators.count() == before + 1


def test_a_self_evaluation_task_table_is_pasted_with_its_headings(demo, sign_in, page, clipboard, screenshot):
    """Columns in the official order (关键指标 between 目标完成情况 and 任务涉及资金), a task written once."""
    department = Department.objects.get(name=TIANHE)
    evaluation = DepartmentEvaluation.objects.get(department=department, year=2022)
    expected = department_evaluation_data(evaluation)["tasks"]
    evaluation.tasks.all().delete()
    grid = [["主要任务", "预期目标", "目标完成情况", "关键指标", "指标完成情况", "任务涉及资金"]]
    for task in expected:
        for index, item in enumerate(task["indicators"]):
            head = [task["name"], rich_text_plain(task["expected"]), rich_text_plain(task["completion"])]
            grid.append(
                [
                    *(head if index == 0 else ["", "", ""]),
                    item["name"],
                    rich_text_plain(item["completion"]),
                    task["amount"] if index == 0 else "",
                ]
            )
    sign_in("tianhe")
    page.goto(f"{page.url.rstrip('/')}/forms/self-evaluation/{evaluation.pk}/")
    page.locator("[data-formset=tasks] > [data-add]").click()
    clipboard(page.locator("[name=tasks-0-name]"), tsv(grid))
    expect(page.locator(".paste-notice[data-for=tasks]")).to_contain_text(f"填入 {len(expected)} 行")
    screenshot("excel-pasted-self-evaluation")
    page.locator(".toolbar button[value=save]").click()
    expect(page.locator(".alert-success")).to_contain_text("已保存")
    stored = department_evaluation_data(DepartmentEvaluation.objects.get(pk=evaluation.pk))["tasks"]
    assert [(t["name"], t["amount"], [i["name"] for i in t["indicators"]]) for t in stored] == [
        (t["name"], t["amount"], [i["name"] for i in t["indicators"]]) for t in expected
    ]


def test_typing_an_amount_gives_the_number_typed(demo, sign_in, page):
    Declaration.objects.filter(department__name=YUEXIU, year=2025).delete()
    sign_in("yuexiu")
    new_form(page, "declaration", 2025)
    amount = page.locator("[name=basic_expenditure]")
    expect(amount).to_have_value("")
    expect(amount).to_have_attribute("placeholder", "0.00")
    amount.click()
    page.keyboard.type("12.5")
    expect(amount).to_have_value("12.5")
    expect(page.locator("#total-expenditure")).to_have_text("12.50")
    page.locator(".toolbar button[value=save]").click()
    expect(page.locator(".alert-success")).to_contain_text("已保存")
    assert Declaration.objects.get(department__name=YUEXIU, year=2025).basic_expenditure == Decimal("12.5")
    expect(page.locator("[name=basic_expenditure]")).to_have_value("12.50")
    expect(page.locator("[name=project_expenditure]")).to_have_value("")


def test_tab_goes_from_field_to_field_and_rows_are_numbered_as_findings_number_them(demo, sign_in, page):
    declaration = Declaration.objects.get(department__name=TIANHE, year=2025)
    rows = declaration_data(declaration)["indicators"]
    sign_in("tianhe")
    page.goto(f"{page.url.rstrip('/')}/forms/declaration/{declaration.pk}/")
    page.locator("[name=tasks-0-name]").click()
    order = []
    for _ in range(5):
        page.keyboard.press("Tab")
        order.append(page.evaluate("document.activeElement.name || document.activeElement.textContent"))
    assert order == [
        "tasks-0-content",
        "tasks-0-amount",
        "tasks-0-expected_goal",
        "tasks-1-name",
        "tasks-1-content",
    ]
    # The tree numbers its rows through the whole table: the findings' “绩效指标第N行”.
    number = next(i for i, row in enumerate(rows, start=1) if row["level1"] == "效益指标")
    row = page.locator("tr[data-row]", has=page.locator(f"textarea:text-is('{rows[number - 1]['name']}')"))
    expect(row.locator(".row-number")).to_have_text(str(number))
    # Emptying that row's 年度指标值 gives a finding naming the same number.
    row.locator("[name$='-annual_value']").fill("")
    row.locator("[name$='-period_value']").fill("")
    page.locator(".toolbar button[value=save]").click()
    expect(page.locator("#warnings")).to_contain_text(f"绩效指标第{number}行“{rows[number - 1]['name']}”")
    # A row added above renumbers the rows below it.
    page.locator("tbody[data-category='产出指标/数量指标'] [data-add]").click()
    expect(row.locator(".row-number")).to_have_text(str(number + 1))


def test_unsaved_input_is_not_lost_silently(demo, sign_in, page, live_server):
    declaration = Declaration.objects.get(department__name=TIANHE, year=2025)
    sign_in("tianhe")
    page.goto(f"{live_server.url}/forms/declaration/{declaration.pk}/")
    page.locator("[name=tasks-0-name]").fill("改了但没保存")
    dialogs = []

    def stay(dialog):
        dialogs.append((dialog.type, dialog.message))
        dialog.dismiss()

    page.on("dialog", stay)
    page.locator("#submit-form button").click()
    expect(page.locator("[name=tasks-0-name]")).to_have_value("改了但没保存")
    assert dialogs[0][0] == "confirm" and "未保存的修改" in dialogs[0][1]
    assert Declaration.objects.get(pk=declaration.pk).status == "draft"
    page.locator(".toolbar a", has_text="返回工作台").click()
    page.wait_for_timeout(500)
    assert dialogs[-1][0] == "beforeunload"
    assert page.url.endswith(f"/forms/declaration/{declaration.pk}/")


def test_screenshots_of_every_changed_page(demo, sign_in, page, live_server, screenshot, tmp_path):
    """Each page this issue changed, at 1366×768, for a person to look at (written to .screenshots/)."""
    tianhe = Department.objects.get(name=TIANHE)
    sign_in("tianhe")
    screenshot("issue15-workspace-preparer", full_page=False)
    page.goto(f"{live_server.url}/?year=2026")
    screenshot("issue15-workspace-empty-year", full_page=False)
    for kind, year in (("declaration", 2025), ("target-table", 2019), ("self-evaluation", 2022)):
        form = get_kind(kind).forms_of(tianhe, year).get()
        page.goto(f"{live_server.url}/forms/{kind}/{form.pk}/")
        screenshot(f"issue15-entry-{kind}", full_page=False)
        page.mouse.wheel(0, 2400)
        screenshot(f"issue15-entry-{kind}-lower", full_page=False)
    project = Project.objects.filter(department=tianhe, year=2024).first()
    page.goto(f"{live_server.url}/forms/projects/{project.pk}/")
    page.mouse.wheel(0, 600)
    screenshot("issue15-entry-project", full_page=False)
    # A project self-evaluation, started from that project's targets; creating it again links to it.
    for attempt in range(2):
        page.goto(f"{live_server.url}/?year=2024")
        page.select_option("#kind", "project-self-evaluation")
        page.fill("#create-year", "2024")
        page.fill("#name", project.name)
        page.click("#create-form button")
        if attempt == 0:
            page.wait_for_url(re.compile(r"/forms/project-self-evaluation/\d+/$"))
            expect(page.locator(".indicator-tree")).to_be_visible()
            screenshot("issue15-entry-project-self-evaluation", full_page=False)
            page.locator(".indicator-tree").scroll_into_view_if_needed()
            screenshot("issue15-entry-project-self-evaluation-tree", full_page=False)
    expect(page.locator(".alert-danger a", has_text="打开这张表")).to_be_visible()
    screenshot("issue15-create-existing", full_page=False)
    # The import page, a preview, a refusal.
    page.goto(f"{live_server.url}/forms/import/")
    screenshot("issue15-import", full_page=False)
    for name, content in (
        ("财政局模板-天河2025.xlsx", handmade.declaration(handmade.seed("000"), variant=1)),
        ("有错的模板.xlsx", broken_declaration()),
    ):
        path = tmp_path / name
        path.write_bytes(content)
        page.goto(f"{live_server.url}/forms/import/")
        page.set_input_files("input[type=file]", str(path))
        page.click("form button.btn-primary")
        page.wait_for_url(re.compile(r"/forms/import/preview/"))
        if "有错" in name:
            expect(page.locator("#import-errors")).to_be_visible()
            screenshot("issue15-import-refused", full_page=False)
        else:
            expect(page.locator("#confirm-import")).to_be_visible()
            screenshot("issue15-import-preview", full_page=False)
            page.mouse.wheel(0, 700)
            screenshot("issue15-import-preview-lower", full_page=False)
    # The reviewer's first screen and the review page; the finance bureau's overview and results.
    declaration = Declaration.objects.get(department=tianhe, year=2025)
    page.goto(f"{live_server.url}/forms/declaration/{declaration.pk}/")
    page.locator("#submit-form button").click()
    expect(page.locator(".alert-success")).to_be_visible()
    for user, pages in (
        (
            "reviewer",
            [("workspace-reviewer", "/"), ("review", f"/forms/declaration/{declaration.pk}/review/")],
        ),
        (
            "finance",
            [
                ("overview", "/overview/"),
                ("overview-empty", "/overview/?kind=project-self-evaluation&year=2031"),
                ("results", "/results/"),
                ("results-empty", "/results/?year=2030"),
            ],
        ),
    ):
        page.context.clear_cookies()
        sign_in(user)
        for name, url in pages:
            page.goto(f"{live_server.url}{url}")
            screenshot(f"issue15-{name}", full_page=False)


def test_evaluation_rows_and_key_indicators_are_pasted(demo, sign_in, page, live_server, clipboard):
    """A project self-evaluation's indicator rows with headings (一级 with its weight); 2.2 key indicators."""
    tianhe = Department.objects.get(name=TIANHE)
    spec = get_kind("project-self-evaluation")
    name = "机关业务用房和司法所维修维护费"
    evaluation = spec.load(
        department=tianhe, year=2024, data={**spec.start_data(tianhe, 2024, name), "indicators": []}
    ).form
    sign_in("tianhe")
    page.goto(f"{live_server.url}/forms/project-self-evaluation/{evaluation.pk}/")
    grid = [
        [
            "一级指标",
            "二级指标",
            "三级指标",
            "年度指标值",
            "实际完成值",
            "分值",
            "得分",
            "偏差原因分析及改进措施",
        ],
        ["产出指标（50分）", "数量指标", "工程量完成率", "100%", "100%", "25", "25", ""],
        ["", "时效指标", "工程完成及时性", "及时", "及时", "25", "25", ""],
        [
            "效益指标(30分)",
            "社会效益指标",
            "保障机构正常运行",
            "达标",
            "达标",
            "30",
            "28",
            "个别维修\n延期一周",
        ],
    ]
    clipboard(page.locator(".tree-paste"), tsv(grid))
    expect(page.locator(".paste-notice[data-for=tree]")).to_contain_text("填入 3 条指标")
    page.locator(".toolbar button[value=save]").click()
    expect(page.locator(".alert-success")).to_contain_text("已保存")
    rows = spec.record(spec.model.objects.get(pk=evaluation.pk))["indicators"]
    assert [(r["level2"], r["name"], r["actual_value"], r["weight"], r["score"]) for r in rows] == [
        ("数量指标", "工程量完成率", "100%", "25.00", "25.00"),
        ("时效指标", "工程完成及时性", "及时", "25.00", "25.00"),
        ("社会效益", "保障机构正常运行", "达标", "30.00", "28.00"),
    ]
    assert rows[2]["deviation_reason"].replace("\r\n", "\n") == "个别维修\n延期一周"  # a form sends CRLF

    table = get_kind("target-table").forms_of(tianhe, 2019).get()
    page.goto(f"{live_server.url}/forms/target-table/{table.pk}/")
    keys = page.locator("[data-formset=annual-key] tbody[data-rows] > tr[data-row]")
    before = keys.count()
    first_name = keys.nth(0).locator("[name$='-name']").input_value()
    clipboard(
        keys.last.locator("[name$='-name']"), tsv([["新增关键指标甲", "≥2场"], ["新增关键指标乙", "100%"]])
    )
    expect(keys).to_have_count(before + 1)  # the last row is filled, one row added
    expect(keys.last.locator("[name$='-value']")).to_have_value("100%")
    expect(keys.nth(0).locator("[name$='-name']")).to_have_value(first_name)
