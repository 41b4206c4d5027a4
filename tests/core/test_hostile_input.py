"""Hostile input answered with a message in Chinese, never a server error, nothing saved (issue 14 item 11).

Each attack takes the attacker's path: the page or the upload. NUL bytes matter on PostgreSQL, which
cannot store or even compare a text holding one (the suite runs on both databases); the identity cells
of a form import are in tests/core/test_import_page.py.
"""

import io
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from declarations.models import Declaration, Project
from declarations.records import projects_data
from tests.conftest import TIANHE, seed_text

pytestmark = pytest.mark.usefixtures("seeded")


@pytest.fixture
def signed_in(client, preparer):
    client.force_login(preparer)
    return client


def stored_projects():
    return projects_data(preparer_department(), 2024)


def preparer_department():
    return Project.objects.filter(department__name=TIANHE).first().department


# --- NUL bytes -----------------------------------------------------------------------------------------


def test_a_new_project_named_with_nul_is_refused_naming_the_field(signed_in):
    before = Project.objects.count()
    response = signed_in.post(
        reverse("form-create"), {"kind": "projects", "year": 2026, "name": "法律\x00援助"}, follow=True
    )
    assert response.status_code == 200
    assert "未新建：“项目名称”含有不可见的控制字符（U+0000），请删除后重新填写。" in response.content.decode()
    assert Project.objects.count() == before


def test_a_new_project_self_evaluation_named_with_nul_is_refused(signed_in):
    response = signed_in.post(
        reverse("form-create"),
        {"kind": "project-self-evaluation", "year": 2024, "name": "\x00"},
        follow=True,
    )
    assert "“项目名称”含有不可见的控制字符（U+0000）" in response.content.decode()


def test_the_suggestions_ignore_a_nul_and_say_so(signed_in):
    response = signed_in.get(reverse("indicator-suggest"), {"level2": "数量指标", "q": "\x00"})
    assert response.status_code == 200
    assert response.json()["message"] == "搜索词含有不可见的控制字符（U+0000），已忽略该字符。"
    assert "\x00" not in response.content.decode()
    response = signed_in.get(reverse("indicator-suggest"), {"level2": "数量\x00指标", "q": "调\x00解"})
    assert response.status_code == 200 and "message" in response.json()


def test_a_pasted_project_table_with_nul_is_refused_naming_row_and_column(signed_in):
    department = preparer_department()
    before = stored_projects()
    lines = seed_text("003").splitlines()
    header = next(n for n, line in enumerate(lines) if line.startswith("项目名称"))
    lines[header + 3] = lines[header + 3].replace("\t", "\x00\t", 1)
    lines[0] = "部门名称：天河\x00"  # the department line is only compared, never queried
    response = signed_in.post(
        reverse("project-import", args=[department.pk, 2024]), {"text": "\n".join(lines), "action": "import"}
    )
    assert response.status_code == 400
    assert (
        f"第{header + 4}行“项目名称（资金使用单位）”列含有不可见的控制字符（U+0000）"
        in response.content.decode()
    )
    assert stored_projects() == before


def test_an_uploaded_project_table_with_nul_in_a_cell_or_its_name_is_refused(signed_in):
    department = preparer_department()
    before = stored_projects()
    text = seed_text("003").replace("法律援助", "法律\x00援助", 1).encode()
    response = signed_in.post(
        reverse("project-import", args=[department.pk, 2024]),
        {"file": SimpleUploadedFile("项目\x00表.txt", text), "action": "import"},
    )
    assert response.status_code == 400
    assert "含有不可见的控制字符（U+0000）" in response.content.decode()
    assert stored_projects() == before


# --- XML tricks on the bulk import ---------------------------------------------------------------------


def seed_table_xlsx() -> bytes:
    book = openpyxl.Workbook()
    for line in seed_text("003").splitlines():
        book.active.append(line.split("\t"))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def rewritten(content: bytes, member: str, edit) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info)
            archive.writestr(info.filename, edit(data) if info.filename == member else data)
    return out.getvalue()


XXE = b'<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
LAUGHS = b'<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'


@pytest.mark.parametrize(
    ("member", "edit", "message"),
    [
        (
            "xl/worksheets/sheet1.xml",
            lambda xml: XXE + xml.replace(b"<t>", b"<t>&xxe;", 1),
            "文件中的“xl/worksheets/sheet1.xml”含有文档类型声明（DTD）",
        ),
        ("xl/worksheets/sheet1.xml", lambda xml: LAUGHS + xml, "含有文档类型声明（DTD）"),
        ("xl/worksheets/sheet1.xml", lambda xml: xml[: len(xml) // 3], "不是有效的 XML"),
        ("[Content_Types].xml", lambda xml: xml.replace(b"<Types", b"<Types <<", 1), "不是有效的 XML"),
    ],
    ids=["xxe", "billion-laughs", "broken-sheet", "broken-content-types"],
)
def test_hostile_xml_in_a_bulk_import_is_refused_and_nothing_is_saved(signed_in, member, edit, message):
    department = preparer_department()
    before = stored_projects()
    content = rewritten(seed_table_xlsx(), member, edit)
    for action in ("preview", "import"):
        response = signed_in.post(
            reverse("project-import", args=[department.pk, 2024]),
            {"file": SimpleUploadedFile("table.xlsx", content), "action": action},
        )
        assert response.status_code == 400
        assert message in response.content.decode()
    assert stored_projects() == before


# --- ids beyond 64 bits (SQLite cannot compare them) ---------------------------------------------------


def test_an_out_of_range_district_on_the_overview_gets_a_message(client, finance):
    client.force_login(finance)
    response = client.get(reverse("overview"), {"district": "99999999999999999999", "year": 2025})
    assert response.status_code == 200
    assert "所选的区（编号“99999999999999999999”）无效，已显示全部区。" in response.content.decode()
    response = client.get(reverse("overview"), {"district": "9223372036854775807", "year": 2025})
    assert "不存在或无权查看，已显示全部区。" in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/forms/declaration/99999999999999999999/",
        "/forms/declaration/9223372036854775808/preview/",
        "/departments/99999999999999999999/2024/projects/",
        "/jobs/99999999999999999999/",
    ],
)
def test_an_out_of_range_id_in_a_url_is_not_found(signed_in, url):
    assert signed_in.get(url).status_code == 404


def test_out_of_range_numbers_in_the_workspace_and_results(client, finance, preparer):
    client.force_login(finance)
    assert client.get(reverse("results"), {"district": "9" * 30, "year": "9" * 30}).status_code == 200
    client.force_login(preparer)
    assert client.get(reverse("workspace"), {"department": "9" * 30, "year": "9" * 30}).status_code in {
        200,
        404,
    }
    assert Declaration.objects.filter(year__gt=2100).count() == 0
