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
    "other_finance",
    "city_finance",
    "superuser",
]


@pytest.fixture
def other_finance(db) -> User:
    """The 财政局 of another district: 天河's forms do not exist for it."""
    from core.models import District

    user = User.objects.create_user("finance-elsewhere", password="x", role=User.Role.FINANCE)
    user.districts.set([District.objects.create(name="番禺区")])
    return user


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


#            anonymous preparer other  reviewer stranger finance finance-elsewhere city superuser
EXPECTED = {
    "workspace": (302, 200, 200, 200, 200, 200, 200, 200, 200),
    "edit": (302, 200, 404, 302, 404, 302, 404, 302, 302),
    "preview": (302, 200, 404, 200, 404, 200, 404, 200, 200),
    "history": (302, 200, 404, 200, 404, 200, 404, 200, 200),
    "review": (302, 200, 404, 200, 404, 200, 404, 200, 200),
    "download": (302, 200, 404, 200, 404, 200, 404, 200, 200),
    "projects": (302, 200, 404, 200, 404, 200, 404, 200, 200),
    "projects-download": (302, 200, 404, 200, 404, 200, 404, 200, 200),
    "zip": (302, 200, 404, 200, 404, 200, 404, 200, 200),
    "overview": (302, 404, 404, 200, 200, 200, 200, 200, 200),
    "results": (302, 404, 404, 200, 200, 200, 200, 200, 200),
    "years-compare": (302, 200, 404, 200, 404, 200, 404, 200, 200),
    "project-import": (302, 200, 404, 404, 404, 404, 404, 404, 404),
    "suggest": (302, 200, 200, 200, 200, 200, 200, 200, 200),
    "import": (302, 200, 200, 403, 403, 403, 403, 403, 403),
    "admin": (302, 302, 302, 302, 302, 302, 302, 302, 200),
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
    response = client.post(
        reverse("form-review", args=["declaration", declaration.pk]), {"grade": "优", "entry_complete": "1"}
    )
    assert response.status_code == 404
    assert Declaration.objects.get(pk=declaration.pk).status == "submitted"


def test_nobody_edits_history_through_the_admin(client, superuser):
    client.force_login(superuser)
    from core.models import AuditEntry

    entry = AuditEntry.objects.first()
    response = client.post(reverse("admin:core_auditentry_change", args=[entry.pk]), {"message": "改写"})
    assert response.status_code == 403


# --- 财政局 users are tied to the districts they serve (issue 14 item 9) ---------------------------------


def test_a_finance_bureau_reads_the_districts_it_serves_and_the_city_reads_all(
    finance, other_finance, city_finance
):
    from core.models import Department, District

    District.objects.create(name="黄埔区").departments.create(name="广州市黄埔区司法局")
    assert set(Department.objects.visible_to(finance).values_list("district__name", flat=True)) == {
        "天河区",
        "越秀区",
    }
    assert not Department.objects.visible_to(other_finance).exists()
    assert Department.objects.visible_to(city_finance).count() == Department.objects.count()


def test_the_second_tier_is_reviewed_by_the_districts_own_finance_bureau_only(
    client, preparer, reviewer, finance, other_finance, city_finance
):
    from core.workflow import form_review, form_submit, tier_reviewers

    declaration = Declaration.objects.get(department__name=TIANHE, year=2025)
    district = declaration.department.district
    district.review_tiers = 2
    district.save()
    waiting = form_review(form=form_submit(form=declaration, user=preparer), user=reviewer, grade="优")
    waiting = Declaration.objects.get(pk=declaration.pk)
    # The district's bureaus: this one and loadseeds' demo “finance”, both serving 天河区.
    assert set(tier_reviewers(waiting, 2).values_list("username", flat=True)) == {finance.username, "finance"}
    # The finance bureau of another district and the city's bureau cannot decide; nothing changes.
    url = reverse("form-review", args=["declaration", waiting.pk])
    client.force_login(other_finance)
    assert client.post(url, {"grade": "优"}).status_code == 404
    client.force_login(city_finance)
    assert client.get(url).status_code == 200  # reads it
    assert client.post(url, {"grade": "优"}).status_code == 403  # “您不是此表当前层级的审核人。”
    assert Declaration.objects.get(pk=waiting.pk).status == "submitted"
    # The district's own bureau has it in its inbox and approves it.
    client.force_login(finance)
    assert waiting.department.name in client.get(reverse("workspace")).content.decode()
    client.post(url, {"grade": "优", "entry_complete": "1"})
    assert Declaration.objects.get(pk=waiting.pk).status == "approved"


def test_the_admin_edits_the_districts_a_finance_user_serves(client, superuser, finance):
    client.force_login(superuser)
    page = client.get(reverse("admin:core_user_change", args=[finance.pk])).content.decode()
    assert 'name="districts"' in page and "服务的区" in page
