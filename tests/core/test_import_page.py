"""The import page reads our XLSX back into a draft of the preparer's own department."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.exports.registry import export_form
from core.models import Department, FormStatus
from declarations.models import Declaration
from tests.conftest import TIANHE, YUEXIU

pytestmark = pytest.mark.usefixtures("seeded")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def exported(department_name: str, year: int = 2025) -> bytes:
    department = Department.objects.get(name=department_name)
    return export_form("declaration", "xlsx", department, year)[2]


def upload(client, content: bytes, name: str = "申报表.xlsx"):
    return client.post(reverse("form-import"), {"file": SimpleUploadedFile(name, content, content_type=XLSX)})


def test_an_edited_file_becomes_the_draft(client, preparer):
    book = openpyxl.load_workbook(io.BytesIO(exported(TIANHE)))
    sheet = book.active
    cell = next(c for row in sheet.iter_rows() for c in row if c.value == "为区政府购买常年法律顾问服务")
    cell.value = "为区政府购买常年法律顾问服务（离线修改）"
    buffer = io.BytesIO()
    book.save(buffer)
    client.force_login(preparer)
    response = upload(client, buffer.getvalue())
    declaration = Declaration.objects.get(department__name=TIANHE, year=2025)
    assert response["Location"] == reverse("form-edit", args=["declaration", declaration.pk])
    assert declaration.indicators.filter(name="为区政府购买常年法律顾问服务（离线修改）").exists()


def test_another_departments_file_is_refused_naming_the_cell(client, preparer):
    client.force_login(preparer)
    before = Declaration.objects.get(department__name=TIANHE, year=2025).version
    response = upload(client, exported(YUEXIU))
    assert response.status_code == 400
    assert "单元格A2" in response.content.decode()
    assert "不能导入" in response.content.decode()
    assert Declaration.objects.get(department__name=TIANHE, year=2025).version == before


def test_a_file_that_is_not_ours_is_refused_and_nothing_changes(client, preparer):
    client.force_login(preparer)
    book = openpyxl.Workbook()
    book.active["B2"] = "随便一个表"
    buffer = io.BytesIO()
    book.save(buffer)
    response = upload(client, buffer.getvalue(), name="随便.xlsx")
    # Without our marker the file is read by its labels, and shown before anything is stored.
    assert response["Location"] == reverse("form-import-preview")
    response = client.get(response["Location"])
    assert response.status_code == 400
    assert "工作表“Sheet”：未能识别表格类型" in response.content.decode()
    assert 'id="confirm-import"' not in response.content.decode()


def test_a_broken_file_gets_a_message(client, preparer):
    client.force_login(preparer)
    response = upload(client, b"not a zip at all")
    assert response.status_code == 400
    assert 'id="import-errors"' in response.content.decode()


def test_an_approved_form_is_not_overwritten_by_an_import(client, preparer):
    Declaration.objects.filter(department__name=TIANHE, year=2025).update(status=FormStatus.APPROVED)
    client.force_login(preparer)
    response = upload(client, exported(TIANHE))
    assert response.status_code == 400
    assert "不能修改" in response.content.decode()


def test_only_preparers_import(client, reviewer):
    client.force_login(reviewer)
    assert client.get(reverse("form-import")).status_code == 403
