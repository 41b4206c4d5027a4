"""Issue 18 in the browser: a preparer of a district that chose Hunan's 评分表 layout opens the
department evaluation, sees the 评分表 rows (and not the Guangzhou funds and tasks), gives the missing
扣分原因, adds a row, saves, and the PDF prints in that layout (``.screenshots/scorecard-hunan-pdf-1.png``)."""

import subprocess

from playwright.sync_api import expect

from core.exports.registry import export_form
from core.models import Department, District, LayoutChoice, User
from evaluations.models import DepartmentEvaluation
from evaluations.services import department_evaluation_replace
from tests.browser.conftest import PASSWORD, SCREENSHOT_DIR
from tests.evaluations.test_scorecard import ROWS, as_record_rows


def test_a_preparer_edits_the_hunan_scorecard(demo, sign_in, page, live_server, screenshot):
    district = District.objects.create(name="岳阳市")
    LayoutChoice.objects.create(district=district, kind="self-evaluation", from_year=2018, layout="hunan")
    bureau = Department.objects.create(name="岳阳市审计局", district=district)
    User.objects.create_user("yueyang", password=PASSWORD, role=User.Role.PREPARER, department=bureau)
    form = department_evaluation_replace(
        department=bureau,
        year=2018,
        data={"attachment_label": "附件3-1", "criteria": as_record_rows(ROWS)},
    )
    sign_in("yueyang")
    page.goto(f"{live_server.url}/forms/self-evaluation/{form.pk}/")
    expect(page.get_by_role("heading", name="部门整体支出绩效评价评分表")).to_be_visible()
    expect(page.locator("[name=adjusted_budget]")).to_have_count(0)
    expect(page.locator("[name=criteria-5-name]")).to_have_value("资金结余")
    page.fill("[name=criteria-5-reason]", "年末有结余，未超过上年结转。")
    page.get_by_role("button", name="＋ 添加评分指标").click()
    for field, value in (
        ("level1", "过程"),
        ("level1_weight", "40"),
        ("level2", "预算管理"),
        ("level2_weight", "15"),
        ("name", "政府采购规范性"),
        ("weight", "3"),
        ("score", "3"),
    ):
        page.fill(f"[name=criteria-9-{field}]", value)
    screenshot("scorecard-hunan-entry")
    page.get_by_role("button", name="保存").first.click()
    expect(page.locator(".alert-success").first).to_be_visible()
    form = DepartmentEvaluation.objects.get(pk=form.pk)
    rows = list(form.criteria.values_list("name", "reason"))
    assert rows[5] == ("资金结余", "年末有结余，未超过上年结转。")
    assert rows[-1] == ("政府采购规范性", "")

    _name, _type, content = export_form("self-evaluation", "pdf", bureau, 2018)
    pdf = SCREENSHOT_DIR / "scorecard-hunan.pdf"
    pdf.write_bytes(content)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "80", str(pdf), str(SCREENSHOT_DIR / "scorecard-hunan-pdf")], check=True
    )
    assert (SCREENSHOT_DIR / "scorecard-hunan-pdf-1.png").exists()
