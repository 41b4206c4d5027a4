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


@pytest.mark.parametrize(
    "model_path",
    [
        "declarations.models.Declaration",
        "declarations.models.Project",
        "evaluations.models.DepartmentEvaluation",
        "evaluations.models.ProjectEvaluation",
    ],
)
def test_a_generated_demo_form_saves_back_unchanged_through_its_entry_page(client, model_path):
    """Demo rows hold what their entry page holds: no markup in plain-text fields, rich text as the
    page stores it, so saving a demo form unchanged is accepted and changes nothing."""
    from django.urls import reverse
    from django.utils.module_loading import import_string

    from core.kinds import spec_for
    from core.records import data_differences
    from scripts.loadtest import form_values
    from web.demo import generate_demo

    generate_demo(1)
    model = import_string(model_path)
    preparer = User.objects.get(username="demo0001")
    client.force_login(preparer)
    forms = model.objects.filter(department=preparer.department).order_by("year", "pk")
    for form in forms:
        model.objects.filter(pk=form.pk).update(status=FormStatus.DRAFT)
        form.refresh_from_db()
        spec = spec_for(form)
        before = spec.record(form)
        url = reverse("form-edit", args=[spec.slug, form.pk])
        values = form_values(client.get(url).content.decode())
        response = client.post(url, {**values, "action": "save"})
        assert response.status_code == 302, (form, response.content.decode()[:3000])
        after = spec.record(model.objects.get(pk=form.pk))
        assert after == before, (form, data_differences(before, after)[:5])
