"""Control characters: refused wherever text is typed or imported, dropped wherever stored text is written.

An ESC (``\\x1b``) typed into a field used to be stored; then the form's XLSX, the department ZIP and the
reviewer's approval (which freezes the XLSX) failed on openpyxl's IllegalCharacterError.
"""

import io
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.exports.registry import export_form
from core.models import FormStatus, FrozenExport
from declarations.models import Declaration, DeclarationTask, Project
from declarations.records import declaration_data, projects_data
from tests.conftest import TIANHE, seed_text
from tests.core.test_views import _post_data

pytestmark = pytest.mark.usefixtures("seeded")


@pytest.fixture
def declaration():
    return Declaration.objects.get(department__name=TIANHE, year=2025)


def test_the_entry_page_refuses_an_escape_in_a_field_naming_it(client, preparer):
    project = Project.objects.filter(department__name=TIANHE, year=2024).first()
    url = reverse("form-edit", args=["projects", project.pk])
    client.force_login(preparer)
    response = client.post(url, {**_post_data(client.get(url)), "name": "法律\x1b援助", "action": "save"})
    assert response.status_code == 400
    assert "“项目名称”含有不可见的控制字符（U+001B），请删除后重新填写。" in response.content.decode()
    assert Project.objects.get(pk=project.pk).name == project.name


@pytest.mark.parametrize("character", ["\x1b", "\x7f", "\x9b", "\x0c"])
def test_the_entry_page_refuses_control_characters_in_rows_and_rich_text(
    client, preparer, declaration, character
):
    url = reverse("form-edit", args=["declaration", declaration.pk])
    before = declaration_data(declaration)
    client.force_login(preparer)
    fields = _post_data(client.get(url))
    posted = {
        **fields,
        "tasks-0-name": f"任{character}务",
        "overall_goal": f"目{character}标",
        "action": "save",
    }
    page = client.post(url, posted).content.decode()
    code = f"U+{ord(character):04X}"
    assert f"“名称”含有不可见的控制字符（{code}）" in page
    assert f"“总体绩效目标”含有不可见的控制字符（{code}）" in page
    assert declaration_data(Declaration.objects.get(pk=declaration.pk)) == before


def test_tabs_and_line_breaks_are_not_control_characters_here(client, preparer, declaration):
    url = reverse("form-edit", args=["declaration", declaration.pk])
    client.force_login(preparer)
    fields = _post_data(client.get(url))
    response = client.post(url, {**fields, "overall_goal": "第一段\r\n第二段\t完", "action": "save"})
    assert response.status_code == 302
    assert "第二段\t完" in Declaration.objects.get(pk=declaration.pk).overall_goal


def test_a_form_stored_with_an_escape_is_approved_on_the_review_page_and_downloads(
    client, preparer, reviewer, declaration
):
    # Stored before this rule existed (or by a path that skipped it): written straight to the table.
    Declaration.objects.filter(pk=declaration.pk).update(overall_goal="<p>全面\x1b提升公共法律服务</p>")
    task = DeclarationTask.objects.filter(declaration=declaration).order_by("position").first()
    DeclarationTask.objects.filter(pk=task.pk).update(name=f"{task.name}\x1b\x7f")

    client.force_login(preparer)
    xlsx = client.get(reverse("form-download", args=["declaration", declaration.pk, "xlsx"]))
    assert xlsx.status_code == 200
    texts = _texts(xlsx.content)
    assert "全面提升公共法律服务" in texts and task.name in texts
    assert client.post(reverse("form-submit", args=["declaration", declaration.pk])).status_code == 302
    assert Declaration.objects.get(pk=declaration.pk).status == FormStatus.SUBMITTED

    client.force_login(reviewer)
    response = client.post(
        reverse("form-review", args=["declaration", declaration.pk]), {"grade": "优", "entry_complete": "1"}
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Declaration.objects.get(pk=declaration.pk).status == FormStatus.APPROVED
    frozen = FrozenExport.objects.current().get(
        kind="declaration", department=declaration.department, year=2025, format="xlsx"
    )
    assert "全面提升公共法律服务" in _texts(bytes(frozen.content))

    approved = client.get(reverse("form-download", args=["declaration", declaration.pk, "xlsx"]))
    assert approved.status_code == 200 and "全面提升公共法律服务" in _texts(approved.content)
    bundle = client.get(reverse("department-zip", args=[declaration.department_id, 2025]))
    assert bundle.status_code == 200
    assert zipfile.ZipFile(io.BytesIO(bundle.content)).testzip() is None


def test_an_xlsx_import_refuses_a_control_character_naming_the_cell(client, preparer, declaration):
    before = declaration_data(declaration)
    book = openpyxl.load_workbook(
        io.BytesIO(export_form("declaration", "xlsx", declaration.department, 2025)[2])
    )
    sheet = book.active
    cell = next(c for row in sheet.iter_rows() for c in row if c.value == "为区政府购买常年法律顾问服务")
    cell.value = "为区政府购买\x9b常年法律顾问服务"  # a C1 character: XML can carry it, openpyxl writes it
    buffer = io.BytesIO()
    book.save(buffer)
    client.force_login(preparer)
    response = client.post(reverse("form-import"), {"file": SimpleUploadedFile("d.xlsx", buffer.getvalue())})
    assert response.status_code == 400
    assert f"单元格{cell.coordinate}：含有不可见的控制字符（U+009B）" in response.content.decode()
    assert declaration_data(Declaration.objects.get(pk=declaration.pk)) == before


def test_a_bulk_import_refuses_a_control_character_naming_row_and_column(client, preparer):
    department = preparer.department
    before = projects_data(department, 2024)
    text = seed_text("003").replace("法律援助补贴和业务经费", "法律援助\x1b补贴和业务经费", 1)
    client.force_login(preparer)
    response = client.post(
        reverse("project-import", args=[department.pk, 2024]), {"text": text, "action": "import"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "“项目名称（资金使用单位）”列含有不可见的控制字符（U+001B）" in page
    assert projects_data(department, 2024) == before


def test_a_new_form_named_with_a_control_character_is_refused(client, preparer):
    client.force_login(preparer)
    response = client.post(
        reverse("form-create"), {"kind": "projects", "year": 2026, "name": "新项目\x1b"}, follow=True
    )
    assert "“项目名称”含有不可见的控制字符（U+001B）" in response.content.decode()
    assert not Project.objects.filter(department=preparer.department, year=2026).exists()


def test_a_review_comment_with_a_control_character_is_refused(client, preparer, reviewer, declaration):
    client.force_login(preparer)
    client.post(reverse("form-submit", args=["declaration", declaration.pk]))
    client.force_login(reviewer)
    response = client.post(
        reverse("form-review", args=["declaration", declaration.pk]),
        {"grade": "中", "comment": "请\x1b修改", "entry_complete": "1"},
    )
    assert response.status_code == 400
    assert "“审核意见”含有不可见的控制字符（U+001B）" in response.content.decode()
    assert Declaration.objects.get(pk=declaration.pk).status == FormStatus.SUBMITTED


def _texts(content: bytes) -> str:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return "\n".join(
        str(c.value) for sheet in book.worksheets for row in sheet.iter_rows() for c in row if c.value
    )
