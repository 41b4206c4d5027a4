"""Every URL of the app × every persona: what may be seen is seen, anything else is a 404 (or sign-in)."""

import pytest
from django.urls import reverse

from core.models import User
from declarations.models import Declaration, TargetTable
from tests.conftest import TIANHE

pytestmark = pytest.mark.usefixtures("seeded")

PERSONAS = [
    "anonymous",
    "preparer",
    "other_preparer",
    "reviewer",
    "stranger_reviewer",
    "finance",
    "superuser",
]


@pytest.fixture
def stranger_reviewer(yuexiu) -> User:
    """A reviewer assigned to 越秀 only."""
    user = User.objects.create_user("reviewer-yuexiu", password="x", role=User.Role.REVIEWER)
    user.reviewed_departments.set([yuexiu])
    return user


def urls() -> dict[str, str]:
    declaration = Declaration.objects.get(department__name=TIANHE, year=2025)
    table = TargetTable.objects.get(department__name=TIANHE)
    department = declaration.department_id
    form = ["declaration", declaration.pk]
    return {
        "workspace": reverse("workspace"),
        "edit": reverse("form-edit", args=form),
        "preview": reverse("form-preview", args=form),
        "history": reverse("form-history", args=form),
        "review": reverse("form-review", args=form),
        "download": reverse("form-download", args=[*form, "xlsx"]),
        "projects": reverse("project-list", args=[department, 2024]),
        "projects-download": reverse("project-list-download", args=[department, 2024, "xlsx"]),
        "zip": reverse("department-zip", args=[department, table.year]),
        "overview": reverse("overview") + "?year=2025",
        "results": reverse("results") + "?year=2022",
        "years-compare": reverse("years-compare", args=[department]),
        "project-import": reverse("project-import", args=[department, 2024]),
        "suggest": reverse("indicator-suggest") + "?level2=数量指标",
        "import": reverse("form-import"),
        "admin": reverse("admin:declarations_declaration_change", args=[declaration.pk]),
    }


#            anonymous preparer other  reviewer stranger finance superuser
EXPECTED = {
    "workspace": (302, 200, 200, 200, 200, 200, 200),
    "edit": (302, 200, 404, 302, 404, 302, 302),
    "preview": (302, 200, 404, 200, 404, 200, 200),
    "history": (302, 200, 404, 200, 404, 200, 200),
    "review": (302, 200, 404, 200, 404, 200, 200),
    "download": (302, 200, 404, 200, 404, 200, 200),
    "projects": (302, 200, 404, 200, 404, 200, 200),
    "projects-download": (302, 200, 404, 200, 404, 200, 200),
    "zip": (302, 200, 404, 200, 404, 200, 200),
    "overview": (302, 404, 404, 200, 200, 200, 200),
    "results": (302, 404, 404, 200, 200, 200, 200),
    "years-compare": (302, 200, 404, 200, 404, 200, 200),
    "project-import": (302, 200, 404, 404, 404, 404, 404),
    "suggest": (302, 200, 200, 200, 200, 200, 200),
    "import": (302, 200, 200, 403, 403, 403, 403),
    "admin": (302, 302, 302, 302, 302, 302, 200),
}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", list(EXPECTED))
def test_the_url_persona_matrix(request, client, name, persona):
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    response = client.get(urls()[name])
    assert response.status_code == EXPECTED[name][PERSONAS.index(persona)]


@pytest.mark.parametrize("action", ["form-submit", "form-withdraw", "form-adjust", "form-copy-forward"])
@pytest.mark.parametrize("persona", ["other_preparer", "stranger_reviewer"])
def test_transitions_on_another_departments_form_are_404(request, client, action, persona):
    client.force_login(request.getfixturevalue(persona))
    declaration = Declaration.objects.get(department__name=TIANHE, year=2025)
    assert client.post(reverse(action, args=["declaration", declaration.pk])).status_code == 404
    assert Declaration.objects.get(pk=declaration.pk).version == declaration.version


def test_a_reviewer_cannot_decide_on_a_form_of_a_department_they_do_not_review(
    client, preparer, stranger_reviewer
):
    from core.workflow import form_submit

    declaration = form_submit(form=Declaration.objects.get(department__name=TIANHE, year=2025), user=preparer)
    client.force_login(stranger_reviewer)
    response = client.post(reverse("form-review", args=["declaration", declaration.pk]), {"grade": "优"})
    assert response.status_code == 404
    assert Declaration.objects.get(pk=declaration.pk).status == "submitted"


def test_nobody_edits_history_through_the_admin(client, superuser):
    client.force_login(superuser)
    from core.models import AuditEntry

    entry = AuditEntry.objects.first()
    response = client.post(reverse("admin:core_auditentry_change", args=[entry.pk]), {"message": "改写"})
    assert response.status_code == 403
