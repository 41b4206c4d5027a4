"""Bulk import of a department's project table in the seed-003 layout."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from core.models import Department, FormKind
from declarations.bulk import parse_project_table, projects_import
from declarations.models import Project
from declarations.records import projects_data
from indicators.models import Scheme
from indicators.services import CategoryIndex
from tests.conftest import TIANHE, seed_text

pytestmark = pytest.mark.usefixtures("seeded")


@pytest.fixture
def index():
    return CategoryIndex.for_scheme(Scheme.objects.for_form(FormKind.PROJECTS, 2024))


def test_the_published_table_reads_as_22_projects_without_a_problem(index):
    table = parse_project_table(seed_text("003"), index)
    assert table.problems == []
    assert len(table.projects) == 22
    assert str(table.total) == "1485.34"
    assert table.department == TIANHE


def test_importing_the_whole_seed_003_table_stores_what_loadseeds_stores():
    department = Department.objects.get(name=TIANHE)
    expected = projects_data(department, 2024)
    Project.objects.filter(department=department, year=2024).delete()
    projects, _warnings = projects_import(department=department, year=2024, text=seed_text("003"))
    assert len(projects) == 22
    assert projects_data(department, 2024) == expected


def test_amounts_to_the_fen_full_width_digits_and_dashes_are_read():
    department = Department.objects.get(name=TIANHE)
    text = seed_text("003")
    for before, after in (
        ("合计\t1,485.34\t1,485.34", "合计\t1,485.340001\t１，４８５．３４０００１"),
        (f"{TIANHE}\t1,485.34\t1,485.34", f"{TIANHE}\t1,485.340001\t1,485.340001"),
        ("82.60\t82.60\t\t\t", "８２．６００００１\t82.600001\t—\t/\t"),
    ):
        assert before in text
        text = text.replace(before, after, 1)
    projects_import(department=department, year=2024, text=text)
    project = Project.objects.get(department=department, year=2024, name="机关业务用房和司法所维修维护费")
    assert project.fiscal_appropriation == Decimal("82.600001")
    assert (project.special_account, project.other_funds) == (0, 0)


def _broken(line_fragment: str, replacement: str) -> str:
    text = seed_text("003")
    assert line_fragment in text
    return text.replace(line_fragment, replacement, 1)


@pytest.mark.parametrize(
    ("fragment", "replacement", "message"),
    [
        ("82.60\t82.60", "82.60\t八十", "第12行“财政拨款”列：“八十”不是数字"),
        (
            "82.60\t82.60",
            "82.61\t82.60",
            "第12行“总计”列：总计82.61不等于财政拨款、财政专户拨款、其他资金之和82.60",
        ),
        (
            "11-数量指标：工程量完成率",
            "99-数量指标：工程量完成率",
            "第12行第1条指标：二级指标编码“99-数量指标”不在指标体系中",
        ),
        ("合计\t1,485.34", "合计\t1,485.00", "“合计”1,485.00不等于各项目总计之和1,485.34"),
        (
            "82.60\t82.60",
            "99,999,999,999,999.99\t82.60",
            "第12行“总计”列：金额不能超过 1,000,000,000 万元（即 10 万亿元），请检查单位是否为万元。",
        ),
        (
            "82.60\t82.60",
            "82.60\t100,000,000,000",
            "第12行“财政拨款”列：金额不能超过 1,000,000,000 万元（即 10 万亿元），请检查单位是否为万元。",
        ),
        # An exponent is no way to write an amount: refused, not read as 10²⁰ (one number grammar).
        ("82.60\t82.60", "82.60\t1e20", "第12行“财政拨款”列：“1e20”不是数字。"),
        ("82.60\t82.60", "82.60\t82.6000001", "第12行“财政拨款”列：“82.6000001”：金额最多保留六位小数"),
        # Compared on the amounts as typed, and told apart below the printed 分.
        (
            "82.60\t82.60",
            "82.600001\t82.60",
            "第12行“总计”列：总计82.600001不等于财政拨款、财政专户拨款、其他资金之和82.60",
        ),
    ],
    ids=[
        "not-a-number",
        "total-mismatch",
        "unknown-code",
        "grand-total",
        "total-above-the-bound",
        "amount-above-the-bound",
        "exponent",
        "seven-decimals",
        "mismatch-below-the-fen",
    ],
)
def test_a_broken_row_blocks_the_import_naming_its_row_and_saves_nothing(fragment, replacement, message):
    department = Department.objects.get(name=TIANHE)
    before = projects_data(department, 2024)
    Project.objects.filter(department=department, year=2024, name="机关业务用房和司法所维修维护费").delete()
    with pytest.raises(ValidationError) as raised:
        projects_import(department=department, year=2024, text=_broken(fragment, replacement))
    assert any(message in problem for problem in raised.value.messages), raised.value.messages
    assert len(projects_data(department, 2024)["projects"]) == len(before["projects"]) - 1


def test_a_table_of_another_department_is_refused():
    department = Department.objects.get(name="广州市越秀区司法局")
    with pytest.raises(ValidationError, match="不是广州市越秀区司法局"):
        projects_import(department=department, year=2024, text=seed_text("003"))


def test_the_page_previews_then_imports(client, preparer):
    from django.urls import reverse

    department = Department.objects.get(name=TIANHE)
    Project.objects.filter(department=department, year=2024).delete()
    url = reverse("project-import", args=[department.pk, 2024])
    client.force_login(preparer)
    preview = client.post(url, {"text": seed_text("003"), "action": "preview"}).content.decode()
    assert "预览：22 个项目，合计 1,485.34 万元" in preview
    assert Project.objects.filter(department=department, year=2024).count() == 0
    response = client.post(url, {"text": seed_text("003"), "action": "import"})
    assert response.status_code == 302
    assert Project.objects.filter(department=department, year=2024).count() == 22


def test_the_page_shows_problems_and_offers_no_import(client, preparer):
    from django.urls import reverse

    department = Department.objects.get(name=TIANHE)
    client.force_login(preparer)
    text = _broken("82.60\t82.60", "82.60\t八十")
    page = client.post(
        reverse("project-import", args=[department.pk, 2024]), {"text": text, "action": "preview"}
    )
    assert page.status_code == 400
    assert "第12行“财政拨款”列" in page.content.decode()
    assert 'value="import"' not in page.content.decode()


def test_only_the_departments_preparer_reaches_the_import(client, other_preparer, reviewer):
    from django.urls import reverse

    department = Department.objects.get(name=TIANHE)
    for user in (other_preparer, reviewer):
        client.force_login(user)
        assert client.get(reverse("project-import", args=[department.pk, 2024])).status_code == 404
