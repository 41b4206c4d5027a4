"""Issue 18: layout sets as data — a district chooses, per kind and year, the official layout its forms
print in; the entry page, preview, PDF, XLSX and import follow the choice.

The real form ``b-anhui-luan-jinan-tiyuju-2025`` (two projects of a county's 项目支出绩效目标表, one per
page) is entered through the entry page in the Anhui layout its district would choose, and its PDF is
compared with the stored copy's text fragments (``pdftotext -raw``).
"""

import pytest
from django.urls import reverse

from core.exports.registry import export_form, import_form
from core.kinds import REGISTRY
from core.models import Department, District, LayoutChoice, User
from declarations.layouts import joined_value, split_value
from declarations.models import Project
from declarations.services import project_replace
from indicators.models import Category, Scheme
from scripts.loadtest import form_values
from tests.conftest import TIANHE
from tests.realforms import REALFORMS, pdf_text, squash

pytestmark = pytest.mark.usefixtures("seeded")

ANHUI = REALFORMS / "b-anhui-luan-jinan-tiyuju-2025.txt"
COUNTY = "六安市金安区"
BUREAU = "六安市金安区体育局"

FIRST = {
    "name": "2025金安国际网球公开赛(国际系列赛事)",
    "manager": "",
    "competent": "[042]六安市金安区体育局",
    "unit": BUREAU,
    "source": "本级申报项目",
    "period": "3年",
    "fiscal_appropriation": "1000.00",
    "special_account": "",
    "other_funds": "0.00",
    "goal": "打造金安国际网球公开赛等一系列的品牌赛事,提升六安城市的知名度和美誉度。",
}
FIRST_INDICATORS = [
    ("数量指标", "开展运动种类", "1种"),
    ("数量指标", "打造品牌赛事种类", "1种"),
    ("质量指标", "经费支出合规率", "100%"),
    ("质量指标", "赛事完成率", "100%"),
    ("时效指标", "完成时间", "2025年年底前"),
    ("成本指标", "项目总成本", "≤1000万元"),
    ("经济效益", "提升六安城市知名度和美誉度,推动体育消费、“网球+”产业深度融合", "经济效益良好"),
    ("社会效益", "打造金安国际网球公开赛等系列品牌赛事,提升六安城市的知名度和美誉度。", "效果良好"),
    ("生态效益", "本项目不适用此指标", "无"),
    ("可持续影响", "打造金安国际网球公开赛等系列品牌赛事", "影响可持续"),
    ("服务对象满意度", "群众满意度", "≥95%"),
]
# The stored page is cut after project 2's first indicator heading: it has no indicators here.
SECOND = {
    **FIRST,
    "name": "安徽省常规赛费用",
    "fiscal_appropriation": "1200.00",
    "goal": "因财政资金紧张,结转2024年六运会项目资金",
}


def form_fragments() -> list[list[str]]:
    """The stored copy's text fragments (cells, and lines within a cell), per project page."""
    lines = ANHUI.read_text().splitlines()[1:]
    pages: list[list[str]] = []
    for line in lines:
        if line.startswith("[TRUNCATED"):
            break
        for piece in line.split("|"):
            piece = squash(piece)
            if piece == "项目支出绩效目标表":
                pages.append([])
            if piece:
                pages[-1].append(piece)
    return pages


@pytest.fixture
def county():
    district = District.objects.create(name=COUNTY)
    LayoutChoice.objects.create(district=district, kind="projects", from_year=2025, layout="anhui")
    return Department.objects.create(name=BUREAU, district=district)


@pytest.fixture
def county_preparer(county) -> User:
    return User.objects.create_user(
        "jinan",
        password="pw-jinan-2025",
        role=User.Role.PREPARER,
        department=county,
    )


def category_prefix(level2: str) -> str:
    scheme = Scheme.objects.for_form("projects", 2025)
    category = Category.objects.filter(scheme=scheme, name=level2, parent__isnull=False).get()
    return f"ind{category.pk}"


def enter(client, project: Project, header: dict, indicators) -> None:
    """Fill the project's entry page as a preparer would and save it."""
    url = reverse("form-edit", args=["projects", project.pk])
    values = form_values(client.get(url).content.decode())
    values.update(header)
    for level2, name, value in indicators:
        prefix = category_prefix(level2)
        n = int(values[f"{prefix}-TOTAL_FORMS"])
        values[f"{prefix}-{n}-name"] = name
        values[f"{prefix}-{n}-annual_value"] = value
        values[f"{prefix}-TOTAL_FORMS"] = str(n + 1)
    response = client.post(url, {**values, "action": "save"})
    assert response.status_code == 302, response.content.decode()[:2000]


def test_the_anhui_form_entered_in_its_own_layout_prints_its_text(client, county, county_preparer, tmp_path):
    client.force_login(county_preparer)
    pages = form_fragments()
    assert len(pages) == 2
    coverage = []
    for header, indicators, fragments in ((FIRST, FIRST_INDICATORS, pages[0]), (SECOND, [], pages[1])):
        project, _ = project_replace(department=county, year=2025, data={"name": header["name"]})
        enter(client, project, header, indicators)
        project.refresh_from_db()
        assert (project.competent, project.source, project.period) == (
            "[042]六安市金安区体育局",
            "本级申报项目",
            "3年",
        )
        assert project.indicators.count() == len(indicators)

        _name, _type, content = export_form("projects", "pdf", county, 2025, project.name)
        printed = squash(pdf_text(content, tmp_path))
        missing = [piece for piece in fragments if piece not in printed]
        coverage.append((len(fragments) - len(missing)) / len(fragments))
        assert missing == [], missing
    assert min(coverage) >= 0.97


def test_the_entry_page_shows_the_optional_fields_only_where_the_layout_prints_them(
    client, county, county_preparer, preparer
):
    anhui_project, _ = project_replace(department=county, year=2025, data={"name": "甲"})
    client.force_login(county_preparer)
    page = client.get(reverse("form-edit", args=["projects", anhui_project.pk])).content.decode()
    assert 'name="source"' in page and "项目来源" in page and 'name="period"' in page
    assert 'name="overall_goal"' not in page  # the Anhui layout prints 年度目标 only
    assert "指标值</th>" in page and "实施周期指标值" not in page.split("indicator-tree")[1]
    # The same kind in a district that chose nothing: Guangzhou's page, without them.
    tianhe = Project.objects.filter(department__name=TIANHE, year=2024).first()
    client.force_login(preparer)
    page = client.get(reverse("form-edit", args=["projects", tianhe.pk])).content.decode()
    assert 'name="source"' not in page and 'name="competent"' not in page


def test_the_choice_applies_from_its_year_and_a_later_choice_overrides_it(county):
    spec = REGISTRY["projects"]
    assert spec.chosen_layout(county, 2024) == ""
    assert spec.chosen_layout(county, 2025) == "anhui"
    LayoutChoice.objects.create(district=county.district, kind="projects", from_year=2027, layout="national")
    assert spec.chosen_layout(county, 2026) == "anhui"
    assert spec.chosen_layout(county, 2030) == "national"


def test_the_xlsx_in_the_chosen_layout_reads_back_to_the_same_data(client, county, county_preparer):
    client.force_login(county_preparer)
    project, _ = project_replace(department=county, year=2025, data={"name": FIRST["name"]})
    enter(client, project, FIRST, FIRST_INDICATORS)
    spec = REGISTRY["projects"]
    project.refresh_from_db()
    before = spec.record(project)
    assert before["layout"] == "anhui"
    _name, _type, content = export_form("projects", "xlsx", county, 2025, project.name)
    Project.objects.filter(pk=project.pk).update(source="改过", period="")
    project.indicators.all().delete()
    import_form(content, department=county, year=2025, user=county_preparer, confirmed=None)
    project.refresh_from_db()
    after = spec.record(project)
    assert after == before


def test_guangzhou_forms_print_as_before():
    """A district with no choice prints the project as its row of the 项目支出绩效目标表."""
    project = Project.objects.filter(department__name=TIANHE, year=2024).first()
    record = REGISTRY["projects"].record(project)
    assert "layout" not in record
    assert REGISTRY["projects"].draw(record).title == "项目支出绩效目标表（含转移支付项目）"


def test_the_national_layout_prints_the_single_project_grid(county, tmp_path):
    LayoutChoice.objects.filter(district=county.district).update(layout="national")
    project, _ = project_replace(
        department=county,
        year=2025,
        data={
            **FIRST,
            "manager": "王某 0564-1234567",
            "attribute": "延续项目",
            "overall_goal": "三年内打造品牌赛事。",
        },
    )
    _name, _type, content = export_form("projects", "pdf", county, 2025, project.name)
    printed = squash(pdf_text(content, tmp_path))
    for piece in (
        "项目支出绩效目标申报表",
        "(2025年度)",
        "项目负责人及电话",
        "王某0564-1234567",
        "主管部门及代码[042]六安市金安区体育局",
        "项目属性延续项目",
        "年度资金总额1000.00",
        "总体目标(实施期)三年内打造品牌赛事。",
        "一级指标二级指标三级指标指标值",
    ):
        assert piece in printed


def admin_post(client, district, kind: str, layout: str):
    return client.post(
        reverse("admin:core_district_change", args=[district.pk]),
        {
            "name": district.name,
            "review_tiers": district.review_tiers,
            "layout_choices-TOTAL_FORMS": "1",
            "layout_choices-INITIAL_FORMS": "0",
            "layout_choices-MIN_NUM_FORMS": "0",
            "layout_choices-MAX_NUM_FORMS": "1000",
            "layout_choices-0-kind": kind,
            "layout_choices-0-from_year": "2026",
            "layout_choices-0-layout": layout,
            "_save": "保存",
        },
    )


def test_the_district_chooses_its_layout_in_the_admin_and_a_layout_of_another_kind_is_refused(
    client, superuser
):
    district = District.objects.create(name="某县")
    client.force_login(superuser)
    response = admin_post(client, district, "declaration", "anhui")
    assert response.status_code == 200
    assert "部门整体预算绩效目标申报表没有此格式，可选：广州市格式。" in response.content.decode()
    assert not LayoutChoice.objects.filter(district=district).exists()
    response = admin_post(client, district, "projects", "national")
    assert response.status_code == 302
    choice = LayoutChoice.objects.get(district=district)
    assert (choice.kind, choice.from_year, choice.layout) == ("projects", 2026, "national")
    page = client.get(reverse("admin:core_district_change", args=[district.pk])).content.decode()
    assert "财政部标准格式" in page and "安徽省格式" in page


def test_a_value_the_layout_does_not_print_is_kept_when_the_page_is_saved(client, county, county_preparer):
    """实施周期 values entered before the district chose a one-value layout survive a save of its page."""
    indicator = {
        "level1": "产出指标",
        "level2": "数量指标",
        "name": "场次",
        "period_value": "3场",
        "annual_value": "1场",
    }
    project, _ = project_replace(
        department=county, year=2025, data={"name": "乙", "source": "上级专项", "indicators": [indicator]}
    )
    client.force_login(county_preparer)
    enter(client, project, {"period": "1年"}, [])
    project.refresh_from_db()
    assert (project.source, project.period) == ("上级专项", "1年")
    assert list(project.indicators.values_list("period_value", "annual_value")) == [("3场", "1场")]


def test_a_hunan_style_form_prints_the_value_in_three_columns_and_the_seal_rows(
    client, county, county_preparer, tmp_path
):
    """Issue 18: 联系电话, 财务负责人, 指标性质 / 指标值 / 度量单位 and the three 审核意见（盖章） rows — asked for
    on the entry page, printed, and read back from the XLSX as one 指标值."""
    LayoutChoice.objects.filter(district=county.district).update(layout="hunan-project")
    project, _ = project_replace(department=county, year=2025, data={"name": FIRST["name"]})
    client.force_login(county_preparer)
    page = client.get(reverse("form-edit", args=["projects", project.pk])).content.decode()
    assert 'name="phone"' in page and 'name="finance_officer"' in page and 'name="source"' not in page
    header = {**FIRST, "manager": "王某", "phone": "0564-3300000", "finance_officer": "李某"}
    del header["source"]
    enter(client, project, header, FIRST_INDICATORS)
    project.refresh_from_db()
    assert (project.phone, project.finance_officer) == ("0564-3300000", "李某")
    _name, _type, content = export_form("projects", "pdf", county, 2025, project.name)
    printed = squash(pdf_text(content, tmp_path))
    for piece in (
        "联系电话0564-3300000",
        "财务负责人李某",
        "三级指标指标性质指标值度量单位",
        "群众满意度≥95%",  # ≥ / 95 / %
        "项目总成本≤1000万元",
        "完成时间定性2025年年底前",
        "单位审核意见(盖章)",
        "主管部门审核意见(盖章)",
        "财政部门审核意见(盖章)",
    ):
        assert piece in printed, piece
    spec = REGISTRY["projects"]
    before = spec.record(project)
    _name, _type, content = export_form("projects", "xlsx", county, 2025, project.name)
    Project.objects.filter(pk=project.pk).update(phone="", finance_officer="")
    project.indicators.all().delete()
    import_form(content, department=county, year=2025, user=county_preparer, confirmed=None)
    project.refresh_from_db()
    assert spec.record(project) == before


@pytest.mark.parametrize(
    ("text", "columns"),
    [
        ("≥95%", ("≥", "95", "%")),
        ("1种", ("=", "1", "种")),
        ("≤1000万元", ("≤", "1000", "万元")),
        ("100平方米", ("=", "100", "平方米")),
        ("2025年年底前", ("定性", "2025年年底前", "")),
        ("3日内", ("定性", "3日内", "")),
        ("效果良好", ("定性", "效果良好", "")),
        ("", ("", "", "")),
    ],
)
def test_a_value_splits_into_nature_value_and_unit_and_joins_back(text, columns):
    assert split_value(text) == columns
    assert joined_value(*columns) == text


def test_every_layout_name_has_one_label():
    """The admin lists layouts by name: two kinds' layouts of one name must mean the same layout set."""
    labels: dict[str, set[str]] = {}
    for spec in REGISTRY.values():
        for variant in spec.variants:
            labels.setdefault(variant.name, set()).add(variant.label)
    assert {name: found for name, found in labels.items() if len(found) > 1} == {}
