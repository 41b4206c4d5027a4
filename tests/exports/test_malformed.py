"""A folder of malformed XLSX files, each refused by the import with a message, nothing saved."""

import io
import os

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.exports.registry import export_form, import_form
from core.models import Department
from declarations.models import Declaration
from declarations.records import declaration_data
from tests.conftest import TIANHE

pytestmark = pytest.mark.usefixtures("seeded")


def _save(book) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _amount_cell(sheet):
    return next(
        c for row in sheet.iter_rows() for c in row if isinstance(c.value, int | float) and c.value > 1000
    )


@pytest.fixture
def malformed(tmp_path) -> dict[str, bytes]:
    """Writes the folder and returns its files: name → bytes."""
    department = Department.objects.get(name=TIANHE)
    good = export_form("declaration", "xlsx", department, 2025)[2]
    files = {"truncated.xlsx": good[: len(good) // 2]}

    book = openpyxl.load_workbook(io.BytesIO(good))
    book.create_sheet("说明", 0)  # another sheet first: ours is no longer the first one
    files["wrong-sheet.xlsx"] = _save(book)

    book = openpyxl.load_workbook(io.BytesIO(good))
    sheet = book.active
    # The 一级 column's vertical merge of the indicator table, moved one column right over the 二级.
    merged = next(
        r
        for r in sheet.merged_cells.ranges
        if r.max_row > r.min_row and sheet.cell(r.min_row, r.min_col).value == "产出指标"
    )
    sheet.unmerge_cells(str(merged))
    sheet.merge_cells(
        start_row=merged.min_row,
        start_column=merged.min_col + 1,
        end_row=merged.max_row,
        end_column=merged.max_col + 1,
    )
    files["merged-cells-moved.xlsx"] = _save(book)

    book = openpyxl.load_workbook(io.BytesIO(good))
    sheet = book.active
    cell = next(c for row in sheet.iter_rows() for c in row if c.value == "为区政府购买常年法律顾问服务")
    sheet.merge_cells(
        start_row=cell.row, start_column=cell.column, end_row=cell.row, end_column=cell.column + 1
    )
    files["merged-over-a-field.xlsx"] = _save(book)

    book = openpyxl.load_workbook(io.BytesIO(good))
    _amount_cell(book.active).value = "=4800+55.11"
    files["formula.xlsx"] = _save(book)

    book = openpyxl.load_workbook(io.BytesIO(good))
    _amount_cell(book.active).value = "四千八百"
    files["not-a-number.xlsx"] = _save(book)

    rows = openpyxl.Workbook(write_only=True)
    big = rows.create_sheet("数据")
    for _ in range(90000):  # random text does not compress: about 11 MB
        big.append([os.urandom(24).hex() for _ in range(4)])
    files["ten-megabytes-of-rows.xlsx"] = _save(rows)

    folder = tmp_path / "malformed"
    folder.mkdir()
    for name, content in files.items():
        (folder / name).write_bytes(content)
    return files


def test_every_malformed_file_is_refused_with_a_message_and_nothing_is_saved(malformed, client, preparer):
    before = declaration_data(Declaration.objects.get(department__name=TIANHE, year=2025))
    client.force_login(preparer)
    for name, content in malformed.items():
        response = client.post(reverse("form-import"), {"file": SimpleUploadedFile(name, content)})
        assert response.status_code == 400, name
        page = response.content.decode()
        assert "未导入" in page or "文件超过" in page, name
    assert declaration_data(Declaration.objects.get(department__name=TIANHE, year=2025)) == before


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("truncated.xlsx", "不是有效的 XLSX 工作簿"),
        ("wrong-sheet.xlsx", "单元格A1"),
        ("formula.xlsx", "公式"),
        ("merged-cells-moved.xlsx", "绩效指标第2行"),  # the 一级 of its rows is gone
        ("merged-over-a-field.xlsx", "合并单元格已被移动或改动"),
        ("not-a-number.xlsx", "不是数字"),
    ],
)
def test_each_message_names_what_is_wrong(malformed, name, message):
    department = Department.objects.get(name=TIANHE)
    with pytest.raises(ValidationError) as raised:
        import_form(malformed[name], department=department)
    assert any(message in text for text in raised.value.messages), raised.value.messages


def test_a_file_over_ten_megabytes_is_refused_before_it_is_read(malformed, client, preparer):
    content = malformed["ten-megabytes-of-rows.xlsx"]
    client.force_login(preparer)
    response = client.post(reverse("form-import"), {"file": SimpleUploadedFile("big.xlsx", content)})
    assert len(content) > 10 * 1024 * 1024
    assert response.status_code == 400
    assert "文件超过 10 MB" in response.content.decode()
