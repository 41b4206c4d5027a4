"""Issue 18: the 项目支出绩效自评表 in the layouts a district chooses.

The real form ``d-anhui-tianchang-shuiliju-shuihanzaihai-2022`` (the 财政部 standard 项目支出绩效自评表 of
财预〔2020〕10号) is entered through the entry page in the national layout, and its PDF is compared with
the stored copy's text fragments (``pdftotext -raw``); its XLSX reads back to the same record.
"""

import pytest
from django.urls import reverse

from core.exports.registry import export_form, import_form
from core.kinds import REGISTRY
from core.models import Department, District, LayoutChoice, User
from evaluations.models import ProjectEvaluation
from evaluations.services import project_evaluation_replace
from indicators.models import Category, Scheme, scheme_outline
from scripts.loadtest import form_values
from tests.conftest import TIANHE
from tests.realforms import REALFORMS, missing_fragments, squash

pytestmark = pytest.mark.usefixtures("seeded")

KIND = "project-self-evaluation"
TIANCHANG = REALFORMS / "d-anhui-tianchang-shuiliju-shuihanzaihai-2022.txt"
CITY = "天长市"
BUREAU = "天长市水利局"
PROJECT = "水旱灾害防御经费"

TIANCHANG_HEADER = {
    "project_name": PROJECT,
    "competent_department": "",
    "implementing_unit": BUREAU,
    "budget_weight": "10",
    "initial_current": "880",
    "annual_current": "880",
    "executed_current": "880",
    "expected_goal": "完成年度防汛工作,完成中型灌区节水改造项目和农业综合水价改革项目。",
    "actual_completion": "完成年度目标。",
}
TIANCHANG_WEIGHTS = {"产出指标": "50", "效益指标": "30", "满意度指标": "10"}
# (二级, 三级, 年度指标值, 实际完成值, 分值, 得分): every row as printed, the template's “指标2:” / “……”
# included (the lost 一级 names come from the scheme, their 分值 from “(50分)”/“(30分)”/“(10分)”).
TIANCHANG_ROWS = [
    ("数量指标", "指标1:完成中型灌区节水改造项目数量", "1", "1", "10", "10"),
    ("数量指标", "指标2:完成农业综合水价改革项目", "1", "1", "10", "10"),
    ("数量指标", "……", "", "", "", ""),
    ("质量指标", "指标1:工程质量合格", "", "", "10", "10"),
    ("质量指标", "指标2:", "", "", "", ""),
    ("质量指标", "……", "", "", "", ""),
    ("时效指标", "指标1:年度资金支付完成率100%", "", "", "10", "10"),
    ("时效指标", "指标2:", "", "", "", ""),
    ("时效指标", "……", "", "", "", ""),
    ("成本指标", "指标1:资金执行在预算范围内", "", "", "10", "10"),
    ("成本指标", "指标2:", "", "", "", ""),
    ("成本指标", "……", "", "", "", ""),
    ("经济效益", "指标1:全市安全度汛", "", "", "10", "10"),
    ("经济效益", "指标2:", "", "", "", ""),
    ("经济效益", "……", "", "", "", ""),
    ("社会效益", "指标1:保护全市人口财产不受损失", "", "", "10", "10"),
    ("社会效益", "指标2:", "", "", "", ""),
    ("社会效益", "……", "", "", "", ""),
    ("生态效益", "指标1:/", "/", "/", "", ""),
    ("生态效益", "指标2:", "", "", "", ""),
    ("生态效益", "……", "", "", "", ""),
    ("可持续影响", "指标1:已建工程良性运行", "", "", "10", "10"),
    ("可持续影响", "指标2:", "", "", "", ""),
    ("可持续影响", "……", "", "", "", ""),
    ("服务对象满意度", "指标1:服务对象满意度", "90%", "100%", "10", "10"),
    ("服务对象满意度", "指标2:", "", "", "", ""),
    ("服务对象满意度", "……", "", "", "", ""),
]


def tianchang_fragments() -> list[str]:
    """The stored copy's text from the form's title on: each line's cells (the page ran them together
    separated by spaces), up to where the copy is cut."""
    lines = TIANCHANG.read_text().splitlines()
    start = next(n for n, line in enumerate(lines) if line.strip() == "项目支出绩效自评表")
    fragments = []
    for line in lines[start:]:
        if line.startswith("[TRUNCATED"):
            break
        fragments += [squash(piece) for piece in line.split() if squash(piece)]
    return fragments


@pytest.fixture
def city():
    district = District.objects.create(name=CITY)
    LayoutChoice.objects.create(district=district, kind=KIND, from_year=2022, layout="national")
    return Department.objects.create(name=BUREAU, district=district)


@pytest.fixture
def city_preparer(city) -> User:
    return User.objects.create_user(
        "tianchang", password="pw-tc-2022", role=User.Role.PREPARER, department=city
    )


def category_prefix(level2: str, year: int) -> str:
    scheme = Scheme.objects.for_form(KIND, year)
    category = Category.objects.filter(scheme=scheme, name=level2, parent__isnull=False).get()
    return f"ind{category.pk}"


def enter(client, evaluation, header: dict, weights: dict, rows) -> None:
    """Fill the evaluation's entry page as a preparer would, and save it."""
    url = reverse("form-edit", args=[KIND, evaluation.pk])
    page = client.get(url).content.decode()
    values = form_values(page)
    values.update(header)
    # One 分值 input per 一级, in the order of the year's scheme.
    for index, (level1, _children) in enumerate(scheme_outline(KIND, evaluation.year).tree):
        if level1 in weights:
            values[f"level1_weight_{index}"] = weights[level1]
    for level2, name, annual, actual, weight, score in rows:
        prefix = category_prefix(level2, evaluation.year)
        n = int(values[f"{prefix}-TOTAL_FORMS"])
        values.update(
            {
                f"{prefix}-{n}-name": name,
                f"{prefix}-{n}-annual_value": annual,
                f"{prefix}-{n}-actual_value": actual,
                f"{prefix}-{n}-weight": weight,
                f"{prefix}-{n}-score": score,
                f"{prefix}-{n}-deviation_reason": "",
                f"{prefix}-TOTAL_FORMS": str(n + 1),
            }
        )
    response = client.post(url, {**values, "action": "save"})
    assert response.status_code == 302, response.content.decode()[:3000]


def test_the_tianchang_form_entered_in_the_national_layout_prints_its_text(
    client, city, city_preparer, tmp_path
):
    client.force_login(city_preparer)
    evaluation = project_evaluation_replace(department=city, year=2022, data={"project_name": PROJECT})
    enter(client, evaluation, TIANCHANG_HEADER, TIANCHANG_WEIGHTS, TIANCHANG_ROWS)
    evaluation.refresh_from_db()
    assert evaluation.indicators.count() == len(TIANCHANG_ROWS)
    assert evaluation.total_score() == 100  # 总分 100, as printed
    _name, _type, content = export_form(KIND, "pdf", city, 2022, PROJECT)
    fragments = tianchang_fragments()
    missing = missing_fragments(fragments, content, tmp_path)
    coverage = (len(fragments) - len(missing)) / len(fragments)
    print(f"Tianchang: {len(fragments)} fragments, {coverage:.1%} printed; missing: {missing}")
    assert coverage >= 0.97, missing
    assert missing == []


def test_the_national_xlsx_reads_back_to_the_same_record(client, city, city_preparer):
    client.force_login(city_preparer)
    evaluation = project_evaluation_replace(department=city, year=2022, data={"project_name": PROJECT})
    enter(client, evaluation, TIANCHANG_HEADER, TIANCHANG_WEIGHTS, TIANCHANG_ROWS)
    spec = REGISTRY[KIND]
    evaluation.refresh_from_db()
    before = spec.record(evaluation)
    assert before["layout"] == "national"
    assert "经济效益指标" in [
        cell.value for table in spec.draw(before).tables for row in table.rows for cell in row.cells
    ]
    _name, _type, content = export_form(KIND, "xlsx", city, 2022, PROJECT)
    evaluation.indicators.all().delete()
    ProjectEvaluation.objects.filter(pk=evaluation.pk).update(actual_completion="改过")
    import_form(content, department=city, year=2022, user=city_preparer, confirmed=None)
    evaluation.refresh_from_db()
    assert spec.record(evaluation) == before


def test_a_district_that_chose_nothing_prints_guangzhou_s_evaluation():
    evaluation = ProjectEvaluation.objects.filter(department__name=TIANHE).first()
    if evaluation is None:
        tianhe = Department.objects.get(name=TIANHE)
        evaluation = project_evaluation_replace(department=tianhe, year=2022, data={"project_name": "甲"})
    record = REGISTRY[KIND].record(evaluation)
    assert "layout" not in record
    layout = REGISTRY[KIND].draw(record)
    assert "layout" not in layout.meta
    texts = {cell.value for table in layout.tables for row in table.rows for cell in row.cells}
    assert "全年预算数" in texts and "全年预算数（A）" not in texts and "年度绩效指标完成情况" not in texts
