"""Every XLSX the application writes stores text as text: a name that looks like a formula stays a string.

A project named ``=HYPERLINK("http://…","click")`` used to reach the finance bureau's results and
overview workbooks as a live formula. The workbooks are read back here as Excel would read them.
"""

import io

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from core.exports.xlsx import TextWorkbook, workbook_bytes
from core.models import Department, ExportJob
from declarations.models import Project
from evaluations.models import ProjectEvaluation
from tests.conftest import TIANHE

pytestmark = pytest.mark.usefixtures("seeded")

FORMULA = '=HYPERLINK("http://evil.example/","click")'


def cells_with(content: bytes, text: str) -> list:
    book = openpyxl.load_workbook(io.BytesIO(content))  # data_only=False: a formula would read as "f"
    return [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row if text in str(c.value)]


@pytest.fixture
def formula_project():
    project = Project.objects.filter(department__name=TIANHE, year=2024).order_by("name").first()
    Project.objects.filter(pk=project.pk).update(name=FORMULA)
    return project


@pytest.fixture
def formula_evaluation(client, preparer):
    client.force_login(preparer)
    client.post(
        reverse("form-create"),
        {"kind": "project-self-evaluation", "year": 2024, "name": "法律援助补贴和业务经费"},
    )
    evaluation = ProjectEvaluation.objects.get(department__name=TIANHE, year=2024)
    ProjectEvaluation.objects.filter(pk=evaluation.pk).update(project_name=FORMULA)
    return evaluation


def test_the_results_workbook_writes_a_formula_like_project_name_as_text(client, finance, formula_evaluation):
    client.force_login(finance)
    district = Department.objects.get(name=TIANHE).district_id
    response = client.get(reverse("results"), {"year": 2024, "district": district, "format": "xlsx"})
    (cell,) = cells_with(response.content, "HYPERLINK")
    assert (cell.value, cell.data_type, cell.quotePrefix) == (FORMULA, "s", True)


def test_the_overview_workbook_writes_a_formula_like_name_as_text(client, finance, formula_project):
    Department.objects.filter(name=TIANHE).update(name="=1+1")
    client.force_login(finance)
    response = client.get(reverse("overview"), {"kind": "projects", "year": 2024, "format": "xlsx"})
    cells = cells_with(response.content, "HYPERLINK") + cells_with(response.content, "=1+1")
    assert {c.value for c in cells} >= {f"{FORMULA}（2024年）", "=1+1"}
    assert {(c.data_type, c.quotePrefix) for c in cells} == {("s", True)}


def test_a_form_export_writes_a_formula_like_name_as_text(client, preparer, formula_project):
    client.force_login(preparer)
    response = client.get(reverse("form-download", args=["projects", formula_project.pk, "xlsx"]))
    cells = cells_with(response.content, "HYPERLINK")
    assert cells and {(c.value, c.data_type) for c in cells} == {(FORMULA, "s")}


def test_the_writer_keeps_numbers_and_never_leaves_a_formula():
    book = TextWorkbook()
    sheet = book.active
    sheet.append([FORMULA, 12.5, "-3", "@SUM(A1)", "普通\x1b文字"])
    sheet["A2"] = "+1"
    sheet.cell(3, 1, "=2")
    sheet.cell(4, 1).value = "=3"  # a cell assigned directly, bypassing the sheet: fixed when saved
    other = book.create_sheet("二")
    other.append(["=4"])
    read = openpyxl.load_workbook(io.BytesIO(workbook_bytes(book)))
    values = [
        (c.value, c.data_type) for s in read.worksheets for row in s.iter_rows() for c in row if c.value
    ]
    assert values == [
        (FORMULA, "s"),
        (12.5, "n"),
        ("-3", "s"),
        ("@SUM(A1)", "s"),
        ("普通文字", "s"),
        ("+1", "s"),
        ("=2", "s"),
        ("=3", "s"),
        ("=4", "s"),
    ]


@pytest.mark.django_db(transaction=True)  # the worker opens its own transactions
def test_the_results_job_writes_text_as_text_and_the_zip_job_survives_a_control_character(
    client, finance, formula_evaluation
):
    ProjectEvaluation.objects.filter(pk=formula_evaluation.pk).update(expected_goal="<p>目标\x1b说明</p>")
    Project.objects.filter(department__name=TIANHE, year=2024, name="法律援助补贴和业务经费").update(
        goal="<p>绩效\x1b目标</p>"
    )
    client.force_login(finance)
    district = Department.objects.get(name=TIANHE).district_id
    for kind, year in (("results", 2024), ("district-zip", 2024)):
        response = client.post(
            reverse("job-start"), {"kind": kind, "district": district, "year": year, "formats": ["xlsx"]}
        )
        assert response.status_code == 302
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    results, bundle = ExportJob.objects.order_by("pk")
    assert (results.status, bundle.status) == (ExportJob.Status.DONE, ExportJob.Status.DONE), (
        results.error,
        bundle.error,
    )
    (cell,) = cells_with(bytes(results.content), "HYPERLINK")
    assert (cell.value, cell.data_type) == (FORMULA, "s")
