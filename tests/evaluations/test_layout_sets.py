"""Issue 18: the 项目支出绩效自评表 in the layouts a district chooses.

The real form ``d-anhui-tianchang-shuiliju-shuihanzaihai-2022`` (the 财政部 standard 项目支出绩效自评表 of
财预〔2020〕10号) is entered through the entry page in the national layout, and its PDF is compared with
the stored copy's text fragments (``pdftotext -raw``); its XLSX reads back to the same record.
"""

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from core.exports.registry import export_form, import_form
from core.kinds import REGISTRY
from core.models import Department, District, LayoutChoice, User
from evaluations.models import ProjectEvaluation
from evaluations.services import project_evaluation_replace
from indicators.models import Category, Scheme, scheme_outline
from scripts.loadtest import form_values
from tests.conftest import TIANHE
from tests.realforms import REALFORMS, missing_fragments, pdf_text, squash

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
    # The layout's precision: amounts as the form prints them (880), where Guangzhou's print 880.00.
    printed = squash(pdf_text(content, tmp_path))
    assert "年度资金总额:880880880" in printed and "880.00" not in printed


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


# --- Hubei's 项目绩效自评表: rows grouped by 年度绩效目标, 预算执行 20 points ------------------------------

HUBEI = "黄冈市"
INSTITUTE = "黄冈市水土保持与农田水利科研所"
MONITORING = "水土保持监测"
HUBEI_HEADER = {
    "project_name": MONITORING,
    "competent_department": "黄冈市水利和湖泊局",
    "implementing_unit": "本单位",
    "filled_on": "2021-03-10",
    "budget_weight": "20",
    "annual_current": "10",
    "executed_current": "10",
}
# (年度绩效目标, 二级, 三级, 年初目标值, 实际完成值, 分值, 得分); the 分值 are implicit on the printed form
# (each goal's 40 points over its rows; the scores of rows met in full).
HUBEI_ROWS = [
    ("1", "质量指标", "监测数据必须合格", "100%", "100%", "10", "10"),
    ("1", "时效指标", "取得2018-2022监测资料", "100%", "100%", "10", "10"),
    ("1", "服务对象满意度", "整编资料审核", "98%", "98%", "20", "19.6"),
    ("2", "质量指标", "监测数据资料整编", "100%", "100%", "20", "20"),
    ("2", "时效指标", "完成年度资料上报", "100%", "100%", "20", "20"),
]
# The stored copy is in traditional characters with garbled pinyin glosses and its cells run together:
# its fragments, transcribed cell by cell in simplified characters, up to where the copy is cut.
HUBEI_FRAGMENTS = [
    "2020年度水土保持监测项目绩效自评表",
    "单位名称:黄冈市水土保持与农田水利科研所",
    "填报日期:2021年3月10日",
    "项目名称", "水土保持监测", "主管部门", "黄冈市水利和湖泊局", "项目实施单位", "本单位",
    "项目类别", "1、上级专项", "2、本级专项",
    "项目属性", "1、持续性项目", "2、新增性项目",
    "项目类型", "1、常年性项目", "2、延续性项目", "3、一次性项目",
    "预算执行情况(万元)(20分)", "预算数(A)", "执行数(B)", "执行率(B/A)", "得分(20分*执行率)",
    "年度财政资金总额", "10", "10", "100%", "20",
    "年度绩效目标1(40分)",
    "一级指标", "二级指标", "三级指标", "年初目标值(A)", "实际完成值(B)", "得分",
    "产出指标", "质量指标", "监测数据必须合格", "100%", "100%", "10",
    "进度指标", "取得2018-2022监测资料", "100%", "100%", "10",
    "效益指标", "满意度指标", "服务对象满意度指标", "整编资料审核", "98%", "98%", "19.6",
    "年度绩效目标2(40分)",
    "一级指标", "二级指标", "三级指标", "年初目标值(A)", "实际完成值(B)", "得分",
    "产出指标", "质量指标", "监测数据资料整编", "100%", "100%", "20",
    "进度指标", "完成年度资料上报", "100%", "100%", "20",
    "效益指标", "社会效益指标", "满意度指标", "服务对象满意度指标",
    "总分", "99.6",
    "偏差大或目标未完成原因分析", "改进措施及结果应用方案",
    "备注:1.预算执行情况口径:预算数为调整后财政资金",
]  # fmt: skip


@pytest.fixture
def institute():
    district = District.objects.create(name=HUBEI)
    LayoutChoice.objects.create(district=district, kind=KIND, from_year=2020, layout="hubei")
    return Department.objects.create(name=INSTITUTE, district=district)


@pytest.fixture
def institute_preparer(institute) -> User:
    return User.objects.create_user(
        "huanggang", password="pw-hg-2020", role=User.Role.PREPARER, department=institute
    )


def enter_hubei(client, evaluation, header=HUBEI_HEADER, rows=HUBEI_ROWS, expect=302):
    url = reverse("form-edit", args=[KIND, evaluation.pk])
    values = form_values(client.get(url).content.decode())
    values.update(header)
    for goal, level2, name, annual, actual, weight, score in rows:
        prefix = category_prefix(level2, evaluation.year)
        n = int(values[f"{prefix}-TOTAL_FORMS"])
        values.update(
            {
                f"{prefix}-{n}-goal": goal,
                f"{prefix}-{n}-name": name,
                f"{prefix}-{n}-annual_value": annual,
                f"{prefix}-{n}-actual_value": actual,
                f"{prefix}-{n}-weight": weight,
                f"{prefix}-{n}-score": score,
                f"{prefix}-TOTAL_FORMS": str(n + 1),
            }
        )
    response = client.post(url, {**values, "action": "save"})
    assert response.status_code == expect, response.content.decode()[:3000]
    return response


def hubei_form(client, institute, institute_preparer):
    client.force_login(institute_preparer)
    evaluation = project_evaluation_replace(
        department=institute, year=2020, data={"project_name": MONITORING}
    )
    enter_hubei(client, evaluation)
    evaluation.refresh_from_db()
    return evaluation


def test_the_hubei_form_entered_in_its_layout_prints_its_text(
    client, institute, institute_preparer, tmp_path
):
    evaluation = hubei_form(client, institute, institute_preparer)
    assert sorted(evaluation.indicators.values_list("goal", flat=True)) == [1, 1, 1, 2, 2]
    assert evaluation.budget_score == 20
    assert evaluation.total_score() == Decimal("99.60")  # 总分 99.6, as printed
    _name, _type, content = export_form(KIND, "pdf", institute, 2020, MONITORING)
    fragments = [squash(piece) for piece in HUBEI_FRAGMENTS]
    missing = missing_fragments(fragments, content, tmp_path)
    coverage = (len(fragments) - len(missing)) / len(fragments)
    print(f"Hubei: {len(fragments)} fragments, {coverage:.1%} printed; missing: {missing}")
    # Not printed: the 备注, whose text the stored copy cuts after its first words.
    assert missing == [squash("备注:1.预算执行情况口径:预算数为调整后财政资金")]
    assert coverage >= 0.97


def test_the_hubei_entry_page_asks_for_its_fields_and_no_others(
    client, institute, institute_preparer, preparer
):
    client.force_login(institute_preparer)
    evaluation = project_evaluation_replace(
        department=institute, year=2020, data={"project_name": MONITORING}
    )
    page = client.get(reverse("form-edit", args=[KIND, evaluation.pk])).content.decode()
    for name in (
        "category",
        "attribute",
        "project_type",
        "filled_on",
        "deviation_analysis",
        "improvement_plan",
    ):
        assert f'name="{name}"' in page
    assert 'name="expected_goal"' not in page and 'name="initial_current"' not in page
    assert 'name="level1_weight_0"' not in page and "-goal" in page
    assert "预算数（A）" in page and "年度财政资金总额" in page
    # Guangzhou's page of the same kind has none of them.
    tianhe = Department.objects.get(name=TIANHE)
    other = project_evaluation_replace(department=tianhe, year=2022, data={"project_name": "甲"})
    client.force_login(preparer)
    page = client.get(reverse("form-edit", args=[KIND, other.pk])).content.decode()
    assert 'name="category"' not in page and 'name="expected_goal"' in page and "-goal" not in page


def test_a_bad_goal_number_or_date_is_named_and_nothing_is_saved(client, institute, institute_preparer):
    evaluation = hubei_form(client, institute, institute_preparer)
    version = evaluation.version
    bad_goal = [("x", *HUBEI_ROWS[0][1:])]
    response = enter_hubei(client, evaluation, rows=bad_goal, expect=400)
    assert "“年度绩效目标”应填序号（1、2…）。" in response.content.decode()
    response = enter_hubei(
        client, evaluation, header={**HUBEI_HEADER, "filled_on": "2021-02-30"}, rows=[], expect=400
    )
    assert "“填报日期”不是有效日期" in response.content.decode()
    evaluation.refresh_from_db()
    assert evaluation.version == version and evaluation.indicators.count() == len(HUBEI_ROWS)


def test_the_hubei_score_of_weight_times_actual_blocks_submit_until_the_form_explains_it(
    client, institute, institute_preparer
):
    """The README's error: 整编资料审核 scored 19.6 = 20 × 98% where full marks were due. In Hubei's layout
    the reason belongs in the form's 偏差大或目标未完成原因分析; 预算执行 20 + 40 + 40 = 100 passes."""
    evaluation = hubei_form(client, institute, institute_preparer)
    url = reverse("form-submit", args=[KIND, evaluation.pk])
    response = client.post(url)
    page = " ".join(str(message) for message in get_messages(response.wsgi_request))
    where = "年度绩效目标1第3行“整编资料审核”（满意度指标/服务对象满意度）"
    assert f"{where}：得分19.6分低于分值20分，需在“偏差大或目标未完成原因分析”中说明原因。" in page
    assert "应为100分" not in page  # 20 + 40 + 40
    evaluation.refresh_from_db()
    assert evaluation.status == "draft"
    explained = {**HUBEI_HEADER, "deviation_analysis": "整编资料审核按98%计分，经复核应为满分，已说明。"}
    values_page = client.get(reverse("form-edit", args=[KIND, evaluation.pk])).content.decode()
    values = {**form_values(values_page), **explained, "action": "save"}
    assert client.post(reverse("form-edit", args=[KIND, evaluation.pk]), values).status_code == 302
    client.post(url)
    evaluation.refresh_from_db()
    assert evaluation.status == "submitted"


def test_the_hubei_xlsx_reads_back_to_the_same_record(client, institute, institute_preparer):
    evaluation = hubei_form(client, institute, institute_preparer)
    ProjectEvaluation.objects.filter(pk=evaluation.pk).update(
        category="本级专项", improvement_plan="<p>加强复核。</p>"
    )
    spec = REGISTRY[KIND]
    evaluation.refresh_from_db()
    before = spec.record(evaluation)
    assert before["layout"] == "hubei" and before["filled_on"] == "2021-03-10"
    _name, _type, content = export_form(KIND, "xlsx", institute, 2020, MONITORING)
    evaluation.indicators.all().delete()
    ProjectEvaluation.objects.filter(pk=evaluation.pk).update(category="", filled_on=None, budget_weight=10)
    import_form(content, department=institute, year=2020, user=institute_preparer, confirmed=None)
    evaluation.refresh_from_db()
    assert spec.record(evaluation) == before
