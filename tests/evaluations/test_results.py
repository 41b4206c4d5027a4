"""The finance bureau's results page: rates, scores, grades, charts on the page and in the XLSX."""

import io
import zipfile

import openpyxl
import pytest
from django.urls import reverse

from core.models import Department, District
from evaluations.results import bar_chart_svg
from evaluations.services import project_evaluation_replace
from tests.conftest import TIANHE

pytestmark = pytest.mark.usefixtures("seeded")


@pytest.fixture
def scored_project():
    department = Department.objects.get(name=TIANHE)
    indicators = [
        {"level1": "产出指标", "level2": "数量指标", "name": "宣传活动", "annual_value": "≥1场",
         "actual_value": "2场", "weight": "50.00", "score": "50.00"},
        {"level1": "效益指标", "level2": "社会效益", "name": "受益人数", "annual_value": "≥100人",
         "actual_value": "90人", "weight": "30.00", "score": "27.00"},
        {"level1": "满意度指标", "level2": "服务对象满意度", "name": "满意度", "annual_value": "≥90%",
         "actual_value": "95%", "weight": "10.00", "score": "10.00"},
    ]  # fmt: skip
    return project_evaluation_replace(
        department=department,
        year=2022,
        data={
            "project_name": "法律援助补贴和业务经费",
            "funds": {"annual_current": "100.00", "executed_current": "80.00"},
            "indicators": indicators,
        },
    )


def test_finance_sees_rates_scores_grades_and_charts(client, finance, scored_project):
    client.force_login(finance)
    page = client.get(reverse("results"), {"year": 2022}).content.decode()
    assert "99.91%" in page  # 天河 2022 预算完成率 (seed 004)
    assert "法律援助补贴和业务经费" in page
    assert "95.00" in page  # 8.00 + 50 + 27 + 10
    assert "<svg" in page and page.count("<rect") >= 5
    assert ">优<" in page or "<td>优</td>" in page


def test_the_results_download_holds_the_table_and_native_charts(client, finance, scored_project):
    client.force_login(finance)
    content = client.get(reverse("results"), {"year": 2022, "format": "xlsx"}).content
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["自评结果", "图表"]
    rows = list(book["自评结果"].iter_rows(min_row=3, values_only=True))
    assert (TIANHE, 99.91, "法律援助补贴和业务经费", 80, 95, "优") in [
        (r[0], float(r[1]), r[2], float(r[3]), float(r[4]), r[5]) for r in rows if r[2]
    ]
    charts = [
        name for name in zipfile.ZipFile(io.BytesIO(content)).namelist() if name.startswith("xl/charts/")
    ]
    assert len(charts) == 2


def test_preparers_do_not_see_the_district_results(client, preparer):
    client.force_login(preparer)
    assert client.get(reverse("results")).status_code == 404


def test_chart_labels_are_escaped():
    district = District.objects.create(name="测试区")
    department = Department.objects.create(name="<script>alert(1)</script>局", district=district)
    svg = str(bar_chart_svg([(department.name, 50)], unit="%"))
    assert "<script>" not in svg and "&lt;script&gt;" in svg


def test_an_unscored_project_shows_no_grade(client, finance, scored_project):
    scored_project.indicators.update(score=None)
    client.force_login(finance)
    page = client.get(reverse("results"), {"year": 2022}).content.decode()
    assert "未评定" in page
