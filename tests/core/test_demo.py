"""generate_demo: realistic forms for N departments, bulk-inserted, idempotent."""

import pytest
from django.core.management import call_command

from core.models import Department, FormStatus, User
from declarations.models import Declaration, Project
from evaluations.models import ProjectEvaluation

pytestmark = pytest.mark.usefixtures("seeded")


def test_it_creates_every_form_kind_for_three_years_and_is_idempotent():
    call_command("generate_demo", departments=3, verbosity=0)
    demo = Department.objects.filter(name__startswith="演示区")
    assert demo.count() == 3
    assert Declaration.objects.filter(department__in=demo).count() == 9
    assert Project.objects.filter(department__in=demo).count() == 45
    assert set(Declaration.objects.filter(department__in=demo).values_list("year", flat=True)) == {
        2023,
        2024,
        2025,
    }
    evaluation = ProjectEvaluation.objects.filter(department__in=demo).first()
    assert evaluation.indicators.exclude(actual_value="").exists()
    assert evaluation.total_score() is not None
    assert User.objects.filter(username="demo0001", department__in=demo).exists()
    counts = (Declaration.objects.count(), Project.objects.count())
    call_command("generate_demo", departments=3, verbosity=0)
    assert (Declaration.objects.count(), Project.objects.count()) == counts


def test_its_declarations_balance_and_statuses_are_mixed():
    call_command("generate_demo", departments=10, verbosity=0)
    declarations = Declaration.objects.filter(department__name__startswith="演示区")
    assert all(not d.arithmetic_problems() for d in declarations)
    assert {FormStatus.APPROVED, FormStatus.DRAFT} <= set(declarations.values_list("status", flat=True))


def test_each_demo_district_has_its_own_finance_bureau():
    from core.models import District, User
    from web.demo import generate_demo

    generate_demo(2)
    district = District.objects.get(name="演示区01")
    finance = User.objects.get(username="finance01")
    assert finance.role == User.Role.FINANCE
    assert list(finance.districts.all()) == [district]
    assert set(Department.objects.visible_to(finance)) == set(district.departments.all())
