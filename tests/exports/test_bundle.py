"""One ZIP per department and year: every existing form, approved ones as their frozen files."""

import hashlib
import io
import zipfile
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from core.exports.bundle import MANIFEST_NAME, department_year_zip
from core.models import Department, FrozenExport
from core.workflow import form_approve_and_freeze
from declarations.models import Project
from evaluations.models import ProjectEvaluation
from evaluations.services import project_evaluation_replace
from tests.conftest import TIANHE

pytestmark = pytest.mark.usefixtures("seeded")

EVALUATIONS = ["法律援助补贴和业务经费", "人民调解以案代补经费"]


@pytest.fixture
def tianhe_2024() -> Department:
    """天河 2024: the project table of seed 003 and two project self-evaluations."""
    department = Department.objects.get(name=TIANHE)
    for name in EVALUATIONS:
        project_evaluation_replace(
            department=department,
            year=2024,
            data={"project_name": name, "funds": {"annual_current": "180.00", "executed_current": "171.00"}},
        )
    return department


def open_zip(content: bytes) -> zipfile.ZipFile:
    archive = zipfile.ZipFile(io.BytesIO(content))
    assert archive.testzip() is None
    return archive


def test_the_zip_holds_every_form_of_the_department_and_year_in_both_formats(tianhe_2024):
    filename, content = department_year_zip(tianhe_2024, 2024)
    assert filename == f"{TIANHE}-2024-预算绩效表格.zip"
    names = open_zip(content).namelist()
    expected = [
        f"{TIANHE}-2024-项目支出绩效目标表.pdf",
        f"{TIANHE}-2024-项目支出绩效目标表.xlsx",
        *[
            f"{TIANHE}-2024-项目支出绩效自评表-{project}.{format}"
            for project in sorted(EVALUATIONS)
            for format in ("pdf", "xlsx")
        ],
        MANIFEST_NAME,
    ]
    assert names == expected  # declaration, target table and department self-evaluation: none in 2024


def test_every_file_in_the_zip_opens(tianhe_2024):
    archive = open_zip(department_year_zip(tianhe_2024, 2024)[1])
    for name in archive.namelist():
        data = archive.read(name)
        if name.endswith(".pdf"):
            assert data.startswith(b"%PDF")
        elif name.endswith(".xlsx"):
            assert load_workbook(io.BytesIO(data)).worksheets[0]["A1"].value.startswith("perfbudget/")


def test_pdfs_are_stored_as_they_are_and_the_rest_deflated(tianhe_2024):
    """A PDF's streams are compressed already; deflating it again is CPU for nothing."""
    infos = open_zip(department_year_zip(tianhe_2024, 2024)[1]).infolist()
    methods = {info.filename.rsplit(".", 1)[1]: set() for info in infos}
    for info in infos:
        methods[info.filename.rsplit(".", 1)[1]].add(info.compress_type)
    assert methods == {
        "pdf": {zipfile.ZIP_STORED},
        "xlsx": {zipfile.ZIP_DEFLATED},
        "txt": {zipfile.ZIP_DEFLATED},
    }


def test_the_entry_names_are_chinese_and_flagged_as_utf8():
    archive = open_zip(department_year_zip(Department.objects.get(name=TIANHE), 2025, formats=("xlsx",))[1])
    infos = archive.infolist()
    assert [info.filename for info in infos] == [
        f"{TIANHE}-2025-部门整体预算绩效目标申报表.xlsx",
        MANIFEST_NAME,
    ]
    assert all(info.flag_bits & 0x800 for info in infos)  # the language-encoding flag: names are UTF-8


def test_missing_forms_are_skipped_and_an_empty_year_is_refused():
    department = Department.objects.get(name=TIANHE)
    names = open_zip(department_year_zip(department, 2022, formats=("xlsx",))[1]).namelist()
    assert names == [f"{TIANHE}-2022-部门整体支出绩效自评表.xlsx", MANIFEST_NAME]
    with pytest.raises(LookupError, match="没有2031年的任何表格"):
        department_year_zip(department, 2031)


def test_approved_forms_are_their_frozen_files_and_the_manifest_says_so(tianhe_2024, superuser):
    for project in Project.objects.filter(department=tianhe_2024, year=2024):
        form_approve_and_freeze(project, user=superuser)
    Project.objects.filter(year=2024).update(other_funds=Decimal("99.00"))
    archive = open_zip(department_year_zip(tianhe_2024, 2024)[1])
    for frozen in FrozenExport.objects.filter(kind="projects", project=""):
        assert archive.read(frozen.filename) == bytes(frozen.content)

    manifest = archive.read(MANIFEST_NAME).decode("utf-8-sig")
    lines = {line.split("\t")[0]: line for line in manifest.splitlines() if "\t" in line}
    frozen_pdf = FrozenExport.objects.get(kind="projects", project="", format="pdf")
    assert "已审核\t审核通过时冻结的原件" in lines[frozen_pdf.filename]
    assert f"SHA-256 {frozen_pdf.sha256}" in lines[frozen_pdf.filename]
    live = f"{TIANHE}-2024-项目支出绩效自评表-{EVALUATIONS[0]}.xlsx"
    assert "草稿\t按当前数据生成" in lines[live]
    assert f"SHA-256 {hashlib.sha256(archive.read(live)).hexdigest()}" in lines[live]
    assert "文件数：6" in manifest


def test_unsafe_characters_in_a_project_name_do_not_make_folders(tianhe_2024):
    ProjectEvaluation.objects.filter(project_name=EVALUATIONS[0]).update(project_name="司法/行政:经费")
    names = open_zip(department_year_zip(tianhe_2024, 2024, formats=("xlsx",))[1]).namelist()
    assert f"{TIANHE}-2024-项目支出绩效自评表-司法_行政_经费.xlsx" in names
    assert not any("/" in name for name in names)


def test_the_export_zip_command_writes_the_file(tmp_path):
    call_command("export_zip", department=TIANHE, year=2025, format=["xlsx"], output=tmp_path)
    (path,) = tmp_path.iterdir()
    assert path.name == f"{TIANHE}-2025-预算绩效表格.zip"
    assert len(open_zip(path.read_bytes()).namelist()) == 2
    with pytest.raises(CommandError, match="部门“不存在的局”不存在"):
        call_command("export_zip", department="不存在的局", year=2025, output=tmp_path / "x.zip")
    with pytest.raises(CommandError, match="没有2031年的任何表格"):
        call_command("export_zip", department=TIANHE, year=2031, output=tmp_path / "x.zip")
