"""``loadseeds`` stores every published form exactly (issue: foundation, item 5)."""

import json
import re
from decimal import Decimal

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from core.exports.registry import document
from core.models import AuditEntry, Department, User
from core.richtext import clean_rich_text
from declarations.models import Declaration, Project, ProjectIndicator, TargetTable, project_totals
from evaluations.models import DepartmentEvaluation
from tests.conftest import REPO_DIR, TIANHE, YUEXIU, seed_text

FIXTURES = REPO_DIR / "fixtures" / "seeds"


def fixture(prefix: str) -> dict:
    (path,) = FIXTURES.glob(f"{prefix}_*.json")
    return json.loads(path.read_text(encoding="utf-8"))


# Long texts are stored in one canonical form (a <p> per paragraph), whatever markup the seed had.
RICH_KEYS = {
    "goal",
    "actual_completion",
    "overall_goal",
    "other_tasks",
    "content",
    "expected_goal",
    "goal_completion",
    "key_project_performance",
    "overall_performance",
    "problems",
    "improvements",
    "expected",
    "completion",
}


def canonical(value, key=""):
    if isinstance(value, dict):
        return {k: canonical(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [canonical(v, key) for v in value]
    if key in RICH_KEYS and isinstance(value, str):
        return clean_rich_text(value)
    return value


def squash(text: str) -> str:
    """Text without whitespace or thousands separators, for comparing with the PDF extraction."""
    return re.sub(r"\s+", "", text).replace(",", "")


pytestmark = pytest.mark.usefixtures("seeded")


def test_the_fixtures_reproduce_the_published_seed_texts():
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, str(REPO_DIR / "fixtures" / "check_seeds.py")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert "TOTAL problems: 0 in 5 files" in result.stdout


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_every_seed_form_reads_back_as_its_fixture(prefix):
    data = fixture(prefix)
    department = Department.objects.get(name=data["department"])
    stored = document(data["kind"], department, data["year"]).record()
    if data["kind"] == "projects":
        # The fixture keeps seed 003's serialized cells; compare everything else field by field.
        for expected, actual in zip(data["projects"], stored["projects"], strict=True):
            assert canonical({k: v for k, v in expected.items() if k != "indicator_text"}) == canonical(
                {k: v for k, v in actual.items() if k != "indicators"}
            )
        return
    for key, value in data.items():
        if key in {"seed", "kind"}:
            continue
        assert canonical(stored[key], key) == canonical(value, key), key


def test_tianhe_2025_declaration_has_every_amount_and_its_totals():
    declaration = Declaration.objects.get(department__name=TIANHE, year=2025)
    assert declaration.basic_expenditure == Decimal("4855.11")
    assert declaration.project_expenditure == Decimal("1484.96")
    assert declaration.special_funds == Decimal("0.00")
    assert declaration.other_development == Decimal("109.40")
    assert declaration.fiscal_appropriation == Decimal("6449.47")
    assert declaration.district_level == Decimal("6449.47")
    assert (
        declaration.expenditure_total
        == declaration.income_total
        == declaration.level_total
        == Decimal("6449.47")
    )
    assert declaration.arithmetic_problems() == []
    assert [(t.name[:8], t.amount) for t in declaration.tasks.all()] == [
        ("加大法治天河建设", Decimal("81.60")),
        ("强化社会经济高质", Decimal("166.87")),
        ("完善公共法律服务", Decimal("556.28")),
        ("加强社会风险隐患", Decimal("711.28")),
    ]
    assert declaration.overall_goal.startswith("<p>全面贯彻党的二十大")


def test_yuexiu_2025_declaration_totals_5236_02():
    declaration = Declaration.objects.get(department__name=YUEXIU, year=2025)
    assert (
        declaration.expenditure_total
        == declaration.income_total
        == declaration.level_total
        == Decimal("5236.02")
    )
    assert declaration.disclosure_label == "表13"
    assert declaration.tasks.count() == 5


@pytest.mark.parametrize(("prefix", "department"), [("000", TIANHE), ("001", YUEXIU)])
def test_declaration_indicators_are_stored_in_order_under_their_categories(prefix, department):
    declaration = Declaration.objects.get(department__name=department, year=2025)
    rows = list(declaration.indicators.select_related("category__parent"))
    expected = fixture(prefix)["indicators"]
    assert [
        (r.category.parent.name, r.category.name, r.name, r.period_value, r.annual_value) for r in rows
    ] == [(e["level1"], e["level2"], e["name"], e["period_value"], e["annual_value"]) for e in expected]
    published = squash(seed_text(prefix))
    for row in rows:
        assert squash(row.name) in published
        assert squash(row.annual_value) in published


def test_tianhe_declaration_has_23_indicators_with_both_values():
    rows = Declaration.objects.get(department__name=TIANHE, year=2025).indicators.all()
    assert len(rows) == 23
    assert rows[0].name == "为区政府购买常年法律顾问服务"
    assert (rows[0].period_value, rows[0].annual_value) == ("3家律师事务所", "3家律师事务所")
    assert rows[22].category.name == "经济成本指标"
    assert rows[22].annual_value == "符合采购标准"


def test_tianhe_2019_target_table_income_and_blocks():
    table = TargetTable.objects.get(department__name=TIANHE, year=2019)
    assert table.income_total == table.fiscal_income == table.general_public_budget == Decimal("5922.53")
    annual, three_year = table.blocks.order_by("period")
    assert (annual.period, three_year.period) == ("annual", "three_year")
    assert annual.key_indicators.count() == 10
    assert three_year.key_indicators.count() == 9
    assert [task.indicators.count() for task in annual.tasks.all()] == [3, 3, 1, 4, 7, 4, 6]
    assert [task.indicators.count() for task in three_year.tasks.all()] == [2, 2, 1, 4, 10, 5, 6]
    assert table.remark.startswith("各个任务的关键性指标和项目并不是一一对应关系")


def test_tianhe_2024_project_targets_22_projects_totalling_1485_34():
    department = Department.objects.get(name=TIANHE)
    projects = list(Project.objects.filter(department=department, year=2024))
    assert len(projects) == 22
    assert project_totals(projects)["total"] == Decimal("1485.34")
    assert project_totals(projects)["fiscal_appropriation"] == Decimal("1485.34")
    assert projects[0].name == "机关业务用房和司法所维修维护费"
    assert projects[0].total == Decimal("82.60")
    assert projects[-1].name == "穗财政【2023】79号专职人民调解服务项目经费"


def test_project_indicators_are_parsed_from_the_serialized_cells():
    legal_aid = Project.objects.get(name="法律援助补贴和业务经费", year=2024)
    rows = list(legal_aid.indicators.select_related("category__parent"))
    assert len(rows) == 11
    assert (rows[0].category.code, rows[0].name) == (
        "11",
        "在审查起诉阶段为犯罪嫌疑人以及在审判阶段为被告人提供法律帮助",
    )
    assert (rows[9].category.code, rows[9].annual_value) == ("24", "长期")
    assert rows[10].category.code == "31"
    assert ProjectIndicator.objects.filter(project__year=2024).count() == sum(
        len(re.findall(r"(?:^|[。>\s])\d+、\d-", p["indicator_text"])) for p in fixture("003")["projects"]
    )


def test_mismatched_first_levels_are_filed_under_the_second_level_and_kept():
    rows = ProjectIndicator.objects.filter(stated_level1__isnull=False).select_related(
        "category__parent", "stated_level1"
    )
    assert sorted(row.project.name for row in rows) == [
        "区管退休干部节日慰问经费",
        "购买行政复议应诉辅助服务经费",
    ]
    for row in rows:
        assert (row.category.code, row.category.parent.code, row.stated_level1.code) == ("31", "3", "2")


def test_tianhe_2022_self_evaluation_derived_figures():
    evaluation = DepartmentEvaluation.objects.get(department__name=TIANHE, year=2022)
    assert evaluation.adjusted_budget == Decimal("5936.28")
    assert evaluation.initial_budget == Decimal("6108.71")
    assert evaluation.actual_spending == Decimal("5931.22")
    assert evaluation.budget_adjustment == Decimal("-172.43")
    assert evaluation.completion_rate == Decimal("99.91")
    assert evaluation.adjustment_rate == Decimal("2.82")
    assert [task.amount for task in evaluation.tasks.all()] == [
        Decimal("8.40"),
        Decimal("56.60"),
        Decimal("691.90"),
        Decimal("327.70"),
    ]
    assert [task.indicators.count() for task in evaluation.tasks.all()] == [4, 5, 9, 5]
    last = evaluation.tasks.all()[2].indicators.last()
    assert last.name == "审判阶段刑事案件回访率"


def test_loading_again_changes_nothing():
    versions = sorted(Declaration.objects.values_list("version", flat=True))
    audit_count = AuditEntry.objects.count()
    call_command("loadseeds", verbosity=0)
    assert sorted(Declaration.objects.values_list("version", flat=True)) == versions
    assert AuditEntry.objects.count() == audit_count
    assert Project.objects.count() == 22


def test_a_dry_run_writes_nothing(db):
    Declaration.objects.all().delete()
    call_command("loadseeds", "--dry-run", verbosity=0)
    assert not Declaration.objects.exists()


def test_a_changed_form_is_restored_and_its_version_bumped():
    declaration = Declaration.objects.get(department__name=TIANHE, year=2025)
    Declaration.objects.filter(pk=declaration.pk).update(basic_expenditure=Decimal("1.00"))
    call_command("loadseeds", verbosity=0)
    declaration.refresh_from_db()
    assert declaration.basic_expenditure == Decimal("4855.11")
    assert declaration.version == 2


def test_demo_users_sign_in_with_their_roles():
    for username in ["tianhe", "yuexiu", "reviewer", "finance", "city", "admin"]:
        assert authenticate(username=username, password="perfbudget-demo") is not None, username
    assert User.objects.get(username="tianhe").department.name == TIANHE
    assert User.objects.get(username="yuexiu").department.name == YUEXIU
    assert set(User.objects.get(username="reviewer").reviewed_departments.values_list("name", flat=True)) == {
        TIANHE,
        YUEXIU,
    }
    assert User.objects.get(username="finance").role == User.Role.FINANCE
    assert set(User.objects.get(username="finance").districts.values_list("name", flat=True)) == {
        "天河区",
        "越秀区",
    }
    assert User.objects.get(username="city").role == User.Role.CITY_FINANCE
    assert User.objects.get(username="admin").is_superuser
