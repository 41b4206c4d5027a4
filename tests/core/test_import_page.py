"""The import page reads our XLSX back into a draft of the preparer's own department."""

import io
import json

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.exports.registry import export_form
from core.models import Department, FormStatus, PendingImport, User
from declarations.models import Declaration
from declarations.records import declaration_data
from declarations.services import declaration_replace
from evaluations.models import DepartmentEvaluation
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


# --- versions, deletions, new forms, unknown rows (issue 14 item 5) -------------------------------------


def declaration() -> Declaration:
    return Declaration.objects.get(department__name=TIANHE, year=2025)


def edited(content: bytes, change) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(content))
    change(book.active)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def unchanged(before_version: int, before_record: dict) -> None:
    stored = declaration()
    assert stored.version == before_version
    assert declaration_data(stored) == before_record


def test_the_export_writes_the_forms_version_into_a2(client, preparer):
    sheet = openpyxl.load_workbook(io.BytesIO(exported(TIANHE))).active
    assert json.loads(sheet["A2"].value)["version"] == declaration().version


def test_a_stale_file_is_refused_naming_who_saved_since(client, preparer, tianhe):
    old_file = exported(TIANHE)
    old_version = declaration().version
    colleague = User.objects.create_user(
        "colleague",
        password="x",
        role=User.Role.PREPARER,
        department=tianhe,
        last_name="王",
        first_name="同事",
    )
    data = declaration_data(declaration())
    data["overall_goal"] = "同事刚保存的总体目标"
    declaration_replace(department=tianhe, year=2025, data=data, user=colleague, message="网页填报")
    before = declaration_data(declaration())
    client.force_login(preparer)
    response = upload(client, old_file)
    page = response.content.decode()
    assert response.status_code == 400
    assert f"此文件是部门整体预算绩效目标申报表的第{old_version}版，之后{colleague.display_name}于" in page
    assert f"保存了第{old_version + 1}版；导入会覆盖这些修改，未导入" in page
    unchanged(old_version + 1, before)
    assert not PendingImport.objects.exists()


def test_a_signed_sheet_without_rows_asks_first_and_saves_nothing_until_confirmed(client, preparer):
    meta = openpyxl.load_workbook(io.BytesIO(exported(TIANHE))).active["A2"].value
    book = openpyxl.Workbook()
    book.active["A1"], book.active["A2"] = "perfbudget/declaration/1", meta
    buffer = io.BytesIO()
    book.save(buffer)
    version, before = declaration().version, declaration_data(declaration())
    tasks = len(before["tasks"])
    client.force_login(preparer)
    response = upload(client, buffer.getvalue())
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="import-confirm"' in page
    assert f"导入将删除部门整体预算绩效目标申报表中的内容：任务：现有{tasks}项，将只剩0项" in page
    assert "总体绩效目标：现为" in page and "将被清空" in page
    unchanged(version, before)
    pending = PendingImport.objects.get(user=preparer)
    # 取消: nothing saved, the file forgotten.
    response = client.post(reverse("form-import"), {"pending": pending.pk, "action": "cancel"})
    assert response.status_code == 302
    unchanged(version, before)
    assert not PendingImport.objects.exists()
    # Again, and 确认导入: now the file's (empty) content is the draft.
    upload(client, buffer.getvalue())
    pending = PendingImport.objects.get(user=preparer)
    response = client.post(reverse("form-import"), {"pending": pending.pk, "action": "confirm"})
    assert response.status_code == 302
    assert declaration().version == version + 1
    assert declaration_data(declaration())["tasks"] == []
    assert not PendingImport.objects.exists()


def test_a_file_with_fewer_tasks_asks_first(client, preparer):
    before = declaration_data(declaration())
    version = declaration().version

    def drop_first_task(sheet):
        row = next(
            r for r in range(1, sheet.max_row + 1) if str(sheet.cell(r, 1).value or "").startswith("task|")
        )
        for column in range(2, sheet.max_column + 1):
            if type(sheet.cell(row, column)).__name__ == "Cell":
                sheet.cell(row, column).value = None

    client.force_login(preparer)
    response = upload(client, edited(exported(TIANHE), drop_first_task))
    assert response.status_code == 200
    assert (
        f"任务：现有{len(before['tasks'])}项，将只剩{len(before['tasks']) - 1}项" in response.content.decode()
    )
    unchanged(version, before)


def test_a_confirmation_after_a_colleagues_save_is_refused(client, preparer, tianhe):
    meta = openpyxl.load_workbook(io.BytesIO(exported(TIANHE))).active["A2"].value
    book = openpyxl.Workbook()
    book.active["A1"], book.active["A2"] = "perfbudget/declaration/1", meta
    buffer = io.BytesIO()
    book.save(buffer)
    client.force_login(preparer)
    upload(client, buffer.getvalue())
    pending = PendingImport.objects.get(user=preparer)
    declaration_replace(department=tianhe, year=2025, data=declaration_data(declaration()), user=preparer)
    version, before = declaration().version, declaration_data(declaration())
    response = client.post(reverse("form-import"), {"pending": pending.pk, "action": "confirm"})
    assert response.status_code == 400
    assert "在您确认之前" in response.content.decode() and "又有变动，未导入" in response.content.decode()
    unchanged(version, before)


def test_a_file_of_a_year_without_the_form_asks_before_creating_it(client, preparer):
    def year_2027(sheet):
        meta = json.loads(sheet["A2"].value)
        sheet["A2"] = json.dumps({**meta, "year": 2027}, ensure_ascii=False)

    client.force_login(preparer)
    response = upload(client, edited(exported(TIANHE), year_2027))
    assert response.status_code == 200
    assert "将新建2027年的部门整体预算绩效目标申报表（系统中还没有这张表）" in response.content.decode()
    assert not Declaration.objects.filter(department__name=TIANHE, year=2027).exists()
    pending = PendingImport.objects.get(user=preparer)
    client.post(reverse("form-import"), {"pending": pending.pk, "action": "confirm"})
    assert Declaration.objects.filter(department__name=TIANHE, year=2027).exists()


def test_a_sheet_relabelled_as_another_kind_is_refused_by_its_rows(client, preparer):
    client.force_login(preparer)
    relabelled = edited(
        exported(TIANHE), lambda sheet: setattr(sheet["A1"], "value", "perfbudget/self-evaluation/1")
    )
    response = upload(client, relabelled)
    page = response.content.decode()
    assert response.status_code == 400
    assert "A列的行标识无法识别" in page and "（“budget”）" in page
    assert not DepartmentEvaluation.objects.filter(department__name=TIANHE, year=2025).exists()


def test_a_row_with_an_unknown_marker_is_reported_not_dropped(client, preparer):
    version, before = declaration().version, declaration_data(declaration())

    def mislabel(sheet):
        row = next(
            r for r in range(1, sheet.max_row + 1) if str(sheet.cell(r, 1).value or "").startswith("task|")
        )
        sheet.cell(row, 1).value = sheet.cell(row, 1).value.replace("task|", "taks|")
        mislabel.row = row

    client.force_login(preparer)
    response = upload(client, edited(exported(TIANHE), mislabel))
    assert response.status_code == 400
    assert f"第{mislabel.row}行（“taks”）" in response.content.decode()
    unchanged(version, before)


@pytest.mark.parametrize(
    ("a1", "a2", "message"),
    [
        ("perfbudget/bogus/1", None, "单元格A1：未知的表格类型“bogus”"),
        (None, '{"department": "广州市天河区司法局", "year": "abc"}', "表格标识中的年度“abc”无效"),
        (None, "[1, 2]", "单元格A2：表格标识已损坏"),
        (None, '{"department": ["x"], "year": 2025}', "表格标识中的部门已损坏"),
        (None, '{"department": "广州市天河区司法局", "year": 2025, "version": "5"}', "版本号“5”无效"),
    ],
    ids=["bogus-kind", "year-not-a-number", "meta-a-list", "department-a-list", "version-a-string"],
)
def test_a_hostile_identity_cell_gets_a_message_not_a_server_error(client, preparer, a1, a2, message):
    version, before = declaration().version, declaration_data(declaration())

    def change(sheet):
        if a1:
            sheet["A1"] = a1
        if a2:
            sheet["A2"] = a2

    client.force_login(preparer)
    response = upload(client, edited(exported(TIANHE), change))
    assert response.status_code == 400
    assert message in response.content.decode()
    unchanged(version, before)


def test_a_project_table_refuses_a_file_older_than_one_of_its_projects(client, preparer, tianhe):
    from core.kinds import REGISTRY
    from declarations.models import Project

    spec = REGISTRY["projects"]
    table = export_form("projects", "xlsx", tianhe, 2024)[2]
    project = Project.objects.filter(department=tianhe, year=2024).order_by("pk")[3]
    spec.load(department=tianhe, year=2024, data=spec.record(project), user=preparer, instance=project)
    versions = dict(Project.objects.filter(department=tianhe, year=2024).values_list("pk", "version"))
    client.force_login(preparer)
    response = upload(client, table, "项目表.xlsx")
    assert response.status_code == 400
    assert (
        f"此文件是项目“{project.name}”的项目支出绩效目标表的第{project.version}版"
        in response.content.decode()
    )
    assert dict(Project.objects.filter(department=tianhe, year=2024).values_list("pk", "version")) == versions


def test_the_importform_command_lists_what_a_file_would_delete_and_needs_confirm(tmp_path, tianhe):
    from django.core.management import CommandError, call_command

    meta = openpyxl.load_workbook(io.BytesIO(exported(TIANHE))).active["A2"].value
    book = openpyxl.Workbook()
    book.active["A1"], book.active["A2"] = "perfbudget/declaration/1", meta
    path = tmp_path / "empty.xlsx"
    book.save(path)
    version = declaration().version
    with pytest.raises(CommandError, match=r"任务：现有4项，将只剩0项.*--confirm"):
        call_command("importform", str(path))
    assert declaration().version == version
    call_command("importform", str(path), "--confirm")
    assert declaration().version == version + 1


def test_a_row_with_data_but_no_marker_is_reported_and_nothing_is_saved(client, preparer):
    version, before = declaration().version, declaration_data(declaration())

    def add_unmarked_row(sheet):
        # A finance officer types a task into a row below the tables, leaving the hidden column A
        # empty (instead of copying a task row). (openpyxl's insert_rows would not move the merges.)
        row = sheet.max_row + 2
        sheet.cell(row, 3).value = "离线新增的任务：社区法律服务"
        sheet.cell(row, 6).value = 12.5
        add_unmarked_row.row = row

    client.force_login(preparer)
    response = upload(client, edited(exported(TIANHE), add_unmarked_row))
    page = response.content.decode()
    assert response.status_code == 400
    assert f"第{add_unmarked_row.row}行（“离线新增的任务：社区法律服务 12.5”）填有内容" in page
    assert "隐藏的A列没有行标识" in page and "未导入" in page
    unchanged(version, before)


def test_blank_rows_and_our_own_label_rows_import_fine(client, preparer):
    content = exported(TIANHE)
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    # Every printed row of our file is marked: data rows by their kind, titles and headers as labels.
    markers = [sheet.cell(r, 1).value for r in range(3, sheet.max_row + 1)]
    assert "label" in markers
    for r in range(3, sheet.max_row + 1):
        if sheet.cell(r, 1).value is None:
            assert all(sheet.cell(r, c).value in (None, "") for c in range(2, sheet.max_column + 1)), r

    def add_blank_rows(sheet):
        # Rows below the tables holding only blanks: nothing to report.
        sheet.cell(sheet.max_row + 2, 3).value = "   "
        sheet.cell(sheet.max_row + 3, 4).value = ""

    client.force_login(preparer)
    response = upload(client, edited(content, add_blank_rows))
    assert response.status_code == 302, response.content.decode()[-3000:]
