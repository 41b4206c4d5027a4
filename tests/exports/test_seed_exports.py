"""Every seed form exported to PDF and XLSX reproduces the published text, and XLSX reads back."""

import io
import re
import subprocess
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from core.exports.registry import document, export_form, import_form
from core.models import Department
from core.richtext import rich_text_paragraphs
from declarations.models import ProjectIndicator
from indicators.serialized import parse_indicator_cell
from tests.conftest import TIANHE, YUEXIU, seed_text

pytestmark = pytest.mark.usefixtures("seeded")

SEEDS = [
    ("000", "declaration", TIANHE, 2025),
    ("001", "declaration", YUEXIU, 2025),
    ("002", "target-table", TIANHE, 2019),
    ("003", "projects", TIANHE, 2024),
    ("004", "self-evaluation", TIANHE, 2022),
]


def squash(text: str) -> str:
    """No whitespace, no thousands separators, full-width/ASCII punctuation folded, no markup."""
    text = re.sub(r"</?p>", "", text)
    text = text.replace(",", "").replace("：", ":").replace("；", ";").replace("（", "(").replace("）", ")")
    return re.sub(r"\s+", "", text)


def seed_cells(prefix: str) -> list[str]:
    """The seed's cells: tab-separated pieces, or whole lines where the extraction kept no tabs."""
    text = seed_text(prefix)
    cells = []
    for line in text.splitlines():
        cells.extend(piece for piece in line.split("\t") if piece.strip())
    return cells


def department(name: str) -> Department:
    return Department.objects.get(name=name)


def pdf_text(content: bytes, tmp_path, raw: bool = True) -> str:
    path = tmp_path / "form.pdf"
    path.write_bytes(content)
    args = ["pdftotext", "-raw", str(path), "-"] if raw else ["pdftotext", str(path), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize(("prefix", "kind", "name", "year"), SEEDS)
def test_the_pdf_reproduces_every_cell_of_the_seed(prefix, kind, name, year, tmp_path):
    _filename, content_type, content = export_form(kind, "pdf", department(name), year)
    assert content_type == "application/pdf" and content.startswith(b"%PDF")
    printed = squash(pdf_text(content, tmp_path))
    missing = []
    for cell in seed_cells(prefix):
        piece = squash(cell)
        if prefix == "003" and re.match(r"^(<p>)?1、", cell.strip()):
            continue  # serialized indicator cells are compared as parsed indicators below
        # Each wrapped line of the extraction must appear; long cells are checked line by line.
        if piece and piece not in printed:
            missing.append(cell.strip()[:40])
    assert missing == []
    assert "第1页共" in printed


def test_the_project_table_pdf_carries_every_projects_indicators(tmp_path):
    data = document("projects", department(TIANHE), 2024).record()
    printed = squash(pdf_text(export_form("projects", "pdf", department(TIANHE), 2024)[2], tmp_path))
    for project in data["projects"]:
        for indicator in project["indicators"]:
            assert squash(indicator["name"]) in printed
            assert squash(indicator["annual_value"]) in printed


@pytest.mark.parametrize(("prefix", "kind", "name", "year"), SEEDS[:1] + SEEDS[3:4])
def test_the_pdf_embeds_the_chinese_serif_font(prefix, kind, name, year, tmp_path):
    path = tmp_path / "form.pdf"
    path.write_bytes(export_form(kind, "pdf", department(name), year)[2])
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = [line for line in fonts.splitlines() if "Noto-Serif-CJK-SC" in line]
    assert rows, fonts
    assert all(" yes " in row for row in rows)  # embedded (and subset)


def workbook(kind, name, year):
    content = export_form(kind, "xlsx", department(name), year)[2]
    return content, load_workbook(io.BytesIO(content)).worksheets[0]


def sheet_texts(sheet) -> str:
    pieces = []
    for row in sheet.iter_rows(min_col=2):
        for cell in row:
            if cell.value is None:
                continue
            value = cell.value
            if isinstance(value, (int, float, Decimal)):
                number = Decimal(str(value))
                value = f"{number * 100:.2f}%" if cell.number_format == "0.00%" else f"{number:.2f}"
            pieces.append(str(value))
    return squash("".join(pieces))


@pytest.mark.parametrize(("prefix", "kind", "name", "year"), SEEDS)
def test_the_xlsx_reproduces_every_cell_of_the_seed(prefix, kind, name, year):
    _content, sheet = workbook(kind, name, year)
    stored = sheet_texts(sheet)
    missing = [
        cell.strip()[:40]
        for cell in seed_cells(prefix)
        if squash(cell) and squash(cell) not in stored and not (prefix == "003" and "1、1-" in cell)
    ]
    assert missing == []


def test_xlsx_amounts_are_numbers_with_the_money_format_and_rates_are_percentages():
    _content, sheet = workbook("self-evaluation", TIANHE, 2022)
    cells = {cell.coordinate: cell for row in sheet.iter_rows() for cell in row}
    amounts = [c for c in cells.values() if c.number_format == "#,##0.00"]
    assert Decimal(str(max(c.value for c in amounts))) == Decimal("6108.71")
    rates = sorted(Decimal(str(c.value)) for c in cells.values() if c.number_format == "0.00%")
    assert [round(r * 100, 2) for r in rates] == [Decimal("2.82"), Decimal("99.91")]


def test_xlsx_merges_the_first_and_second_levels_and_sets_up_the_page():
    _content, sheet = workbook("declaration", TIANHE, 2025)
    merged = {str(r) for r in sheet.merged_cells.ranges}
    spans = {sheet[r.split(":")[0]].value: r for r in merged}
    assert "产出指标" in spans and "数量指标" in spans  # 一级 and 二级 span their rows
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.fitToWidth == 1
    assert "&P" in sheet.oddFooter.center.text
    assert sheet.print_title_rows


def test_text_that_looks_like_a_formula_is_stored_as_text(tianhe):
    from declarations.services import declaration_replace

    declaration_replace(
        department=tianhe, year=2026, data={"tasks": [{"name": '=HYPERLINK("http://x")', "amount": "1"}]}
    )
    _content, sheet = workbook("declaration", TIANHE, 2026)
    (cell,) = [
        c for row in sheet.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith("=")
    ]
    assert cell.data_type == "s"


def normalised(data: dict) -> dict:
    """Data with rich text compared by its paragraphs and project cells by their parsed indicators."""

    def walk(value):
        if isinstance(value, dict):
            return {k: walk(v) for k, v in value.items() if k not in {"seed", "kind"}}
        if isinstance(value, list):
            return [walk(v) for v in value]
        if isinstance(value, str):
            return tuple(rich_text_paragraphs(value)) or ""
        return value

    return walk(data)


@pytest.mark.parametrize(("prefix", "kind", "name", "year"), SEEDS)
def test_export_import_export_is_identical(prefix, kind, name, year):
    before = document(kind, department(name), year).record()
    first, _sheet = workbook(kind, name, year)
    import_form(first)
    after = document(kind, department(name), year).record()
    assert normalised(after) == normalised(before)
    second, _sheet = workbook(kind, name, year)
    assert sheet_texts(load_workbook(io.BytesIO(second)).worksheets[0]) == sheet_texts(
        load_workbook(io.BytesIO(first)).worksheets[0]
    )


def test_an_offline_edit_is_read_back():
    _content, sheet = workbook("declaration", TIANHE, 2025)
    target = next(
        c for row in sheet.iter_rows() for c in row if c.value == Decimal("4855.11") or c.value == 4855.11
    )
    target.value = 4900.5
    buffer = io.BytesIO()
    sheet.parent.save(buffer)
    import_form(buffer.getvalue())
    data = document("declaration", department(TIANHE), 2025).record()
    assert data["budget"]["basic_expenditure"] == "4900.50"


def edited(kind, name, year, change) -> bytes:
    _content, sheet = workbook(kind, name, year)
    change(sheet)
    buffer = io.BytesIO()
    sheet.parent.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda s: setattr(s["A1"], "value", "something else"), "单元格A1：不是本系统导出的表格"),
        (
            lambda s: setattr(
                next(c for r in s.iter_rows() for c in r if c.number_format == "#,##0.00"), "value", "abc"
            ),
            "“abc”不是数字",
        ),
        (
            lambda s: setattr(
                next(c for r in s.iter_rows() for c in r if c.number_format == "#,##0.00"), "value", "=1+2"
            ),
            "含有公式",
        ),
    ],
    ids=["not-ours", "not-a-number", "formula"],
)
def test_a_bad_file_names_sheet_and_cell_and_saves_nothing(change, message):
    before = document("declaration", department(TIANHE), 2025).record()
    with pytest.raises(ValidationError) as error:
        import_form(edited("declaration", TIANHE, 2025, change))
    assert "工作表“部门整体预算绩效目标申报表”" in error.value.messages[0]
    assert message in error.value.messages[0]
    assert document("declaration", department(TIANHE), 2025).record() == before


def test_a_broken_file_is_refused():
    with pytest.raises(ValidationError, match="不是有效的 XLSX"):
        import_form(b"PK\x03\x04 truncated")


def test_the_export_command_writes_files_and_explains_bad_arguments(tmp_path):
    out = tmp_path / "decl.pdf"
    call_command("export", department=TIANHE, year=2025, form="declaration", format="pdf", output=out)
    assert out.read_bytes().startswith(b"%PDF")
    with pytest.raises(CommandError, match="部门“不存在的局”不存在"):
        call_command(
            "export", department="不存在的局", year=2025, form="declaration", format="pdf", output=out
        )
    with pytest.raises(CommandError, match="没有2031年的部门整体预算绩效目标申报表"):
        call_command("export", department=TIANHE, year=2031, form="declaration", format="pdf", output=out)
    with pytest.raises(CommandError, match="需要指定项目名称"):
        call_command(
            "export", department=TIANHE, year=2024, form="project-self-evaluation", format="pdf", output=out
        )


def test_the_importform_command_reads_a_file_back(tmp_path):
    path = tmp_path / "projects.xlsx"
    path.write_bytes(export_form("projects", "xlsx", department(TIANHE), 2024)[2])
    call_command("importform", str(path))
    with pytest.raises(CommandError, match="不存在"):
        call_command("importform", str(tmp_path / "missing.xlsx"))


def test_project_indicator_cells_survive_the_round_trip():
    _content, sheet = workbook("projects", TIANHE, 2024)
    cells = [
        c.value
        for row in sheet.iter_rows()
        for c in row
        if isinstance(c.value, str) and c.value.startswith("1、")
    ]
    assert len(cells) == 22
    stored = ProjectIndicator.objects.filter(project__year=2024, project__department__name=TIANHE).count()
    assert sum(len(parse_indicator_cell(cell).indicators) for cell in cells) == stored


@pytest.mark.parametrize(("prefix", "kind", "name", "year"), SEEDS)
def test_every_row_marker_a_layout_writes_is_one_its_import_knows(prefix, kind, name, year):
    """An import refuses rows with a marker its kind does not declare: the declaration must follow the layouts."""
    doc = document(kind, department(name), year)
    written = {row.marker for table in doc.layout().tables for row in table.rows if row.marker}
    assert written and written <= doc.spec.sheet_markers
