"""The import page takes a workbook we did not write: a preview first, then all of it or nothing."""

import io
import json

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.exports.registry import document
from core.kinds import get_kind
from core.models import Department
from declarations.models import Declaration
from tests.conftest import TIANHE, YUEXIU
from tests.exports import handmade

pytestmark = pytest.mark.usefixtures("seeded")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload(client, content: bytes, name: str = "财政局模板.xlsx"):
    file = SimpleUploadedFile(name, content, content_type=XLSX)
    return client.post(reverse("form-import"), {"file": file})


def broken_declaration() -> bytes:
    """Seed 000 typed by hand, with an amount that is not a number and a 二级 that is no scheme's."""
    book = openpyxl.load_workbook(io.BytesIO(handmade.declaration(handmade.seed("000"))))
    sheet = book.active
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value == "基本支出":
                sheet.cell(cell.row, cell.column + 1).value = "四千八百"
            if cell.value == "时效指标":
                cell.value = "时限指标"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_handmade_declaration_is_previewed_then_imported(client, preparer):
    department = Department.objects.get(name=TIANHE)
    before = document("declaration", department, 2025).record()
    version = Declaration.objects.get(department=department, year=2025).version
    client.force_login(preparer)
    response = upload(client, handmade.declaration(handmade.seed("000"), variant=1))
    assert response["Location"] == reverse("form-import-preview")
    page = client.get(response["Location"])
    text = page.content.decode()
    assert page.status_code == 200
    assert "按版式识别为<strong>部门整体预算绩效目标申报表</strong>" in text
    assert "将替换现有的草稿" in text and 'id="confirm-import"' in text
    assert "为区政府购买常年法律顾问服务" in text  # the official layout of what will be stored
    assert "单元格B49：“填表人：张三”不在部门整体预算绩效目标申报表的版式中，未导入" in text
    # Nothing is stored by the preview.
    assert Declaration.objects.get(department=department, year=2025).version == version
    response = client.post(
        reverse("form-import-preview"), {"year": "2025", "versions": json.dumps({"": version})}
    )
    declaration = Declaration.objects.get(department=department, year=2025)
    assert response["Location"] == reverse("form-edit", args=["declaration", declaration.pk])
    assert declaration.version == version + 1
    after = document("declaration", department, 2025).record()
    assert after["indicators"] == before["indicators"] and after["budget"] == before["budget"]


def test_a_copy_without_a_year_asks_for_one(client, other_preparer):
    client.force_login(other_preparer)
    upload(client, handmade.declaration(handmade.seed("001")))
    page = client.get(reverse("form-import-preview"))
    assert page.status_code == 400
    assert "表中没有写明年度" in page.content.decode()
    page = client.get(reverse("form-import-preview"), {"year": "2025"})
    assert page.status_code == 200 and 'id="confirm-import"' in page.content.decode()


def test_a_refused_file_names_each_cell_and_comes_back_annotated(client, preparer):
    department = Department.objects.get(name=TIANHE)
    version = Declaration.objects.get(department=department, year=2025).version
    client.force_login(preparer)
    upload(client, broken_declaration())
    page = client.get(reverse("form-import-preview"))
    text = page.content.decode()
    assert page.status_code == 400 and 'id="confirm-import"' not in text
    assert "单元格C6：“四千八百”不是数字" in text
    assert "“产出指标 / 时限指标”" in text  # every problem of the file at once
    # A confirmation sent anyway is refused the same way: nothing saved.
    response = client.post(reverse("form-import-preview"), {"year": "2025", "versions": "{}"})
    assert response.status_code == 400
    assert Declaration.objects.get(department=department, year=2025).version == version
    download = client.get(reverse("form-import-annotated"))
    assert download["Content-Type"] == XLSX
    sheet = openpyxl.load_workbook(io.BytesIO(download.content)).active
    assert "“四千八百”不是数字" in sheet["C6"].comment.text
    assert sheet["C6"].value == "四千八百"  # the user's own workbook, as it was
    assert (
        "张三"
        in next(
            c for row in sheet.iter_rows() for c in row if c.comment and "张三" in c.comment.text
        ).comment.text
    )


def test_an_unknown_second_level_is_written_beside_its_cell(client, preparer):
    book = openpyxl.load_workbook(io.BytesIO(handmade.declaration(handmade.seed("000"))))
    sheet = book.active
    cell = next(c for row in sheet.iter_rows() for c in row if c.value == "时效指标")
    cell.value = "时限指标"
    buffer = io.BytesIO()
    book.save(buffer)
    client.force_login(preparer)
    upload(client, buffer.getvalue())
    text = client.get(reverse("form-import-preview")).content.decode()
    assert f"单元格{cell.coordinate}：" in text and "“产出指标 / 时限指标”" in text


def test_another_departments_form_is_refused(client, preparer):
    client.force_login(preparer)
    upload(client, handmade.declaration(handmade.seed("001"), variant=1))
    text = client.get(reverse("form-import-preview"), {"year": "2025"}).content.decode()
    assert f"此文件是{YUEXIU}的表格，不能导入{TIANHE}" in text


def test_a_handmade_project_table_imports_every_project(client, preparer):
    department = Department.objects.get(name=TIANHE)
    get_kind("projects").forms_of(department, 2024).delete()
    client.force_login(preparer)
    upload(client, handmade.projects(handmade.seed("003")))
    page = client.get(reverse("form-import-preview"), {"year": "2024"})
    assert page.status_code == 200 and "将新建草稿" in page.content.decode()
    response = client.post(reverse("form-import-preview"), {"year": "2024", "versions": "{}"})
    assert response["Location"] == reverse("project-list", args=[department.pk, 2024])
    assert get_kind("projects").forms_of(department, 2024).count() == 22


def test_the_preview_needs_an_upload_first(client, preparer):
    client.force_login(preparer)
    assert client.get(reverse("form-import-preview"))["Location"] == reverse("form-import")
