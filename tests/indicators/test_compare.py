"""Two years of a department's indicators: added, removed, raised, lowered."""

import copy

import pytest
from django.urls import reverse

from declarations.models import Declaration
from declarations.records import declaration_data
from declarations.services import declaration_replace
from indicators.compare import ADDED, CHANGED, LOWERED, RAISED, REMOVED, indicator_changes
from tests.conftest import TIANHE


def row(name, value, level2="数量指标"):
    return {"level1": "产出指标", "level2": level2, "name": name, "annual_value": value}


@pytest.mark.parametrize(
    ("before", "after", "status"),
    [
        ("≥21场", "≥25场", RAISED),
        ("≥21场", "≥18场", LOWERED),
        ("≤1.8%", "≤1.5%", RAISED),  # a lower ceiling is harder to meet
        ("≤1.8%", "≤2%", LOWERED),
        ("3家律师事务所", "4家律师事务所", RAISED),
        ("≥21场", "≥21次", CHANGED),  # another unit: not comparable
        ("及时", "按期完成", CHANGED),
    ],
)
def test_a_changed_target_is_read_as_raised_or_lowered(before, after, status):
    (change,) = indicator_changes([row("活动", before)], [row("活动", after)])
    assert change.status == status and (change.before, change.after) == (before, after)


def test_added_and_removed_indicators_and_the_two_schemes_second_levels_match():
    before = [row("甲", "1次"), row("乙", "≥90%", level2="社会效益")]
    after = [row("甲", "1次"), row("乙", "≥90%", level2="社会效益指标"), row("丙", "100%")]
    assert [(c.status, c.name) for c in indicator_changes(before, after)] == [(ADDED, "丙")]
    assert [(c.status, c.name) for c in indicator_changes(after, before)] == [(REMOVED, "丙")]


@pytest.mark.usefixtures("seeded")
def test_the_page_shows_two_years_of_a_declaration_side_by_side(client, preparer):
    declaration = Declaration.objects.get(department__name=TIANHE, year=2025)
    data = copy.deepcopy(declaration_data(declaration))
    data["indicators"][2]["annual_value"] = "≥30场"  # 业务宣传活动（场次） ≥21场 → ≥30场
    data["indicators"].pop(0)
    data["budget"]["basic_expenditure"] = "5000.00"
    declaration_replace(department=declaration.department, year=2026, data=data)
    client.force_login(preparer)
    page = client.get(
        reverse("years-compare", args=[declaration.department_id]),
        {"kind": "declaration", "from": 2025, "to": 2026},
    ).content.decode()
    assert "目标提高" in page and "≥30场" in page
    assert "删除" in page and "为区政府购买常年法律顾问服务" in page
    assert "5000.00" in page


@pytest.mark.usefixtures("seeded")
def test_another_departments_years_are_404(client, other_preparer):
    declaration = Declaration.objects.get(department__name=TIANHE, year=2025)
    client.force_login(other_preparer)
    assert client.get(reverse("years-compare", args=[declaration.department_id])).status_code == 404
