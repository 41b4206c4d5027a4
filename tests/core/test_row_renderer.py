"""The entry pages' rows written in Python (``core/templatetags/rows.py``) are the template's, byte for
byte: every kind's entry page is drawn both ways and compared, and a page with errors takes the
template for its rows in error."""

import re

import pytest
from django.urls import reverse

from core.kinds import kinds
from core.models import Department, District, LayoutChoice, User
from core.templatetags import rows
from evaluations.services import project_evaluation_replace
from scripts.loadtest import form_values

pytestmark = pytest.mark.usefixtures("seeded")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


@pytest.fixture
def forms_of_every_kind():
    district = District.objects.create(name="黄冈市")
    LayoutChoice.objects.create(
        district=district, kind="project-self-evaluation", from_year=2020, layout="hubei"
    )
    institute = Department.objects.create(name="黄冈市某所", district=district)
    project_evaluation_replace(
        department=institute,
        year=2020,
        data={
            "project_name": "监测",
            "indicators": [
                {
                    "level1": "产出指标",
                    "level2": "质量指标",
                    "name": "合格率",
                    "annual_value": "100%",
                    "goal": 2,
                }
            ],
        },
    )
    found = {spec.kind.value: spec.model.objects.order_by("pk").first() for spec in kinds()}
    return {slug: form for slug, form in found.items() if form is not None}


def page(client, slug: str, form) -> str:
    """The entry page as the form's department's preparer sees it."""
    user, _ = User.objects.get_or_create(
        username=f"row-{form.department.pk}",
        defaults={"role": User.Role.PREPARER, "department": form.department},
    )
    client.force_login(user)
    response = client.get(reverse("form-edit", args=[slug, form.pk]))
    assert response.status_code == 200, (slug, response.status_code)
    # The CSRF token is new on every request; the rest of the page must not change.
    return CSRF.sub('name="csrfmiddlewaretoken" value="…"', response.content.decode())


def pages(client, forms) -> dict[str, str]:
    return {slug: page(client, slug, form) for slug, form in forms.items()}


def test_every_kind_s_entry_page_is_the_same_written_in_python(client, forms_of_every_kind, monkeypatch):
    assert len(forms_of_every_kind) >= 5
    fast = pages(client, forms_of_every_kind)
    monkeypatch.setattr(rows, "_plain", lambda form: False)
    slow = pages(client, forms_of_every_kind)
    for slug in fast:
        assert fast[slug].count("<tr data-row") >= 2, slug
        assert fast[slug] == slow[slug], slug


def test_a_row_in_error_is_drawn_by_the_template(client, forms_of_every_kind):
    form = forms_of_every_kind["declaration"]
    url = reverse("form-edit", args=["declaration", form.pk])
    values = form_values(page(client, "declaration", form))
    amount = next(key for key in values if key.startswith("tasks-") and key.endswith("-amount"))
    response = client.post(url, {**values, amount: "1e5", "action": "save"})
    html = response.content.decode()
    assert response.status_code == 400
    assert '<tr data-row class="table-danger">' in html and "is-invalid" in html
