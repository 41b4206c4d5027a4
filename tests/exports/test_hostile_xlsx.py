"""Hostile XLSX files are refused, or read within their real size, before they can exhaust a worker.

Both readers of uploads are covered: the form import (``/forms/import/``, openpyxl in full mode) and
the bulk project import (read-only mode). Each file is a real workbook rewritten at the ZIP/XML level
the way an attacker would: a zip bomb, a sheet declaring the whole grid, a merge or a hyperlink over
the whole grid, a DTD with entities, cells beyond the limits.
"""

import io
import re
import tracemalloc
import zipfile

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.exports.limits import inspect_xlsx
from core.exports.registry import export_form, import_form
from core.models import Department
from declarations.bulk import table_text_from_xlsx
from declarations.models import Declaration, Project
from declarations.records import declaration_data, projects_data
from tests.conftest import TIANHE, seed_text

pytestmark = pytest.mark.usefixtures("seeded")

SHEET = "xl/worksheets/sheet1.xml"


def rewrite(content: bytes, edit, member: str = SHEET) -> bytes:
    """``content`` with one part replaced by ``edit(part)``, deflated as Excel would."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info)
            archive.writestr(info.filename, edit(data) if info.filename == member else data)
    return out.getvalue()


def before_end_of(tag: bytes, extra: bytes):
    return lambda xml: xml.replace(b"</" + tag + b">", extra + b"</" + tag + b">", 1)


def declaring(dimension: bytes):
    return lambda xml: re.sub(
        rb'<dimension ref="[^"]*"', b'<dimension ref="' + dimension + b'"', xml, count=1
    )


def after_sheet_data(extra: bytes):
    return lambda xml: xml.replace(b"</sheetData>", b"</sheetData>" + extra, 1)


@pytest.fixture
def department():
    return Department.objects.get(name=TIANHE)


@pytest.fixture
def form_file(department) -> bytes:
    """Our own export of 天河's 2025 declaration: what the form import expects."""
    return export_form("declaration", "xlsx", department, 2025)[2]


@pytest.fixture
def table_file() -> bytes:
    """The published seed-003 project table as a workbook, one cell per tab-separated value."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "项目表"
    for line in seed_text("003").splitlines():
        sheet.append(line.split("\t"))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def zip_bomb(content: bytes) -> bytes:
    # 160,000 identical rows of one cell: about 6 MB of XML that deflates to a few kilobytes.
    rows = b'<row><c t="n"><v>1</v></c></row>' * 160_000
    return rewrite(content, lambda xml: xml.replace(b"</sheetData>", rows + b"</sheetData>", 1))


def post_form(client, content: bytes):
    return client.post(reverse("form-import"), {"file": SimpleUploadedFile("form.xlsx", content)})


def post_table(client, department, content: bytes, action: str = "import"):
    return client.post(
        reverse("project-import", args=[department.pk, 2024]),
        {"file": SimpleUploadedFile("table.xlsx", content), "action": action},
    )


def peak_memory(read) -> int:
    """The peak of Python allocations (bytes) while ``read()`` runs; it must refuse."""
    tracemalloc.start()
    try:
        with pytest.raises(ValidationError):
            read()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


# --- a zip bomb ---------------------------------------------------------------------------------------


def test_a_zip_bomb_is_refused_by_both_imports_and_nothing_is_saved(
    client, preparer, department, form_file, table_file
):
    declaration = Declaration.objects.get(department=department, year=2025)
    before = (declaration_data(declaration), projects_data(department, 2024))
    client.force_login(preparer)
    for response in (
        post_form(client, zip_bomb(form_file)),
        post_table(client, department, zip_bomb(table_file)),
    ):
        assert response.status_code == 400
        page = response.content.decode()
        assert f"文件中的“{SHEET}”压缩比为" in page and "超过上限 100:1" in page, page[:3000]
    assert (
        declaration_data(Declaration.objects.get(pk=declaration.pk)),
        projects_data(department, 2024),
    ) == before


def test_a_zip_bomb_is_refused_before_it_is_inflated(department, form_file, table_file):
    # openpyxl would hold 160,000 cells (tens of megabytes); the check reads the ZIP directory only.
    form_bomb, table_bomb = zip_bomb(form_file), zip_bomb(table_file)
    assert peak_memory(lambda: import_form(form_bomb, department=department)) < 5 * 1024 * 1024
    assert peak_memory(lambda: table_text_from_xlsx(table_bomb)) < 5 * 1024 * 1024


def test_the_inflated_size_is_limited_whatever_the_ratio(settings, department, table_file):
    settings.XLSX_LIMITS = {"uncompressed_bytes": 20 * 1024}
    with pytest.raises(ValidationError) as raised:
        table_text_from_xlsx(table_file)
    (message,) = raised.value.messages
    assert message.startswith("文件解压后为") and "超过上限 20 KB" in message, message


# --- declared and real sizes --------------------------------------------------------------------------


@pytest.fixture
def row_widths(monkeypatch) -> list[int]:
    """The width of every row openpyxl's read-only sheet really yields to the bulk reader (not a mock:
    the real iteration, watched). A row as wide as the declared dimension stops the test at once."""
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    real, widths = ReadOnlyWorksheet.iter_rows, []

    def watched(self, *args, **kwargs):
        for row in real(self, *args, **kwargs):
            widths.append(len(row))
            assert len(row) <= 50, f"the reader iterates {len(row)} columns, not the sheet's real ones"
            yield row

    monkeypatch.setattr(ReadOnlyWorksheet, "iter_rows", watched)
    return widths


def test_a_declared_dimension_is_ignored_the_reader_iterates_the_real_cells(row_widths, table_file):
    hostile = rewrite(table_file, declaring(b"A1:XFD1048576"))
    assert b'<dimension ref="A1:XFD1048576"' in zipfile.ZipFile(io.BytesIO(hostile)).read(SHEET)
    lines = seed_text("003").splitlines()
    assert table_text_from_xlsx(hostile) == "\n".join(line.rstrip("\t") for line in lines)
    assert row_widths == [7] * len(lines)  # the seven columns of the table, as many rows as it has
    sizes = inspect_xlsx(hostile)
    assert (sizes["项目表"].rows, sizes["项目表"].columns) == (len(lines), 7)


def test_a_sheet_declaring_the_whole_grid_imports_through_the_page(client, preparer, department, table_file):
    Project.objects.filter(department=department, year=2024).delete()
    client.force_login(preparer)
    response = post_table(client, department, rewrite(table_file, declaring(b"A1:XFD1048576")))
    assert response.status_code == 302
    assert Project.objects.filter(department=department, year=2024).count() == 22


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            after_sheet_data(b'<mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells>'),
            "工作表“{sheet}”的区域A1:XFD1048576用到第1048576行，超过上限 10000 行",
        ),
        (
            before_end_of(
                b"worksheet", b'<hyperlinks><hyperlink ref="B1:B1048576" display="x"/></hyperlinks>'
            ),
            "工作表“{sheet}”的区域B1:B1048576用到第1048576行，超过上限 10000 行",
        ),
        (
            before_end_of(b"sheetData", b'<row r="1048576"><c r="B1048576" t="n"><v>1</v></c></row>'),
            "工作表“{sheet}”用到第1048576行，超过上限 10000 行",
        ),
        (
            before_end_of(b"sheetData", b'<row r="9999"><c r="XFD9999" t="n"><v>1</v></c></row>'),
            "工作表“{sheet}”用到第XFD列（第16384列），超过上限 50 列",
        ),
    ],
    ids=["merge-over-the-grid", "hyperlink-over-a-column", "last-row", "far-cell"],
)
def test_ranges_and_cells_beyond_the_limits_are_refused_by_both_imports(
    client, preparer, department, form_file, table_file, extra, message
):
    declaration = Declaration.objects.get(department=department, year=2025)
    before = (declaration_data(declaration), projects_data(department, 2024))
    client.force_login(preparer)
    form_sheet = openpyxl.load_workbook(io.BytesIO(form_file)).active.title
    for response, sheet in (
        (post_form(client, rewrite(form_file, extra)), form_sheet),
        (post_table(client, department, rewrite(table_file, extra)), "项目表"),
    ):
        assert response.status_code == 400
        assert message.format(sheet=sheet) in response.content.decode()
    assert (
        declaration_data(Declaration.objects.get(pk=declaration.pk)),
        projects_data(department, 2024),
    ) == before


def test_a_column_beyond_the_limit_is_refused_naming_it(table_file):
    hostile = rewrite(table_file, before_end_of(b"row", b'<c r="BA1" t="n"><v>1</v></c>'))
    with pytest.raises(ValidationError) as raised:
        table_text_from_xlsx(hostile)
    assert raised.value.messages == [
        "工作表“项目表”用到第BA列（第53列），超过上限 50 列，不予读取；请删除多余的列后重新上传。"
    ]


def test_the_cells_of_all_sheets_and_merges_count_against_one_limit(settings, form_file, department):
    cells = sum(
        1
        for sheet in openpyxl.load_workbook(io.BytesIO(form_file)).worksheets
        for row in sheet.iter_rows()
        for c in row
        if c.value is not None
    )
    settings.XLSX_LIMITS = {"cells": cells}  # every real cell fits, but merged ranges count cell by cell
    with pytest.raises(ValidationError) as raised:
        import_form(form_file, department=department)
    assert raised.value.messages == [
        f"文件的单元格（合并单元格按其包含的单元格计）超过上限 {cells} 个，不予读取。"
    ]
    settings.XLSX_LIMITS = {}
    import_form(form_file, department=department)  # within the default limits: imported


# --- XML tricks ---------------------------------------------------------------------------------------


def test_a_dtd_with_entities_is_refused_by_both_imports(client, preparer, department, form_file, table_file):
    laughs = b'<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    client.force_login(preparer)
    for response in (
        post_form(client, rewrite(form_file, lambda xml: laughs + xml)),
        post_table(client, department, rewrite(table_file, lambda xml: laughs + xml)),
    ):
        assert response.status_code == 400
        assert f"文件中的“{SHEET}”含有文档类型声明（DTD）" in response.content.decode()


def test_broken_xml_and_a_broken_zip_are_refused_with_a_message(client, preparer, department, table_file):
    client.force_login(preparer)
    broken_xml = rewrite(table_file, lambda xml: xml[: len(xml) // 2])
    page = post_table(client, department, broken_xml).content.decode()
    assert f"文件中的“{SHEET}”不是有效的 XML" in page
    page = post_table(client, department, table_file[: len(table_file) // 2]).content.decode()
    assert "不是有效的 XLSX 工作簿，或文件已损坏" in page
