"""Every page carries the Content-Security-Policy and holds no inline script; signed-in pages and
downloads are never cached (issue 14 item 14)."""

import re

import pytest
from django.urls import reverse

from core.models import Department, ExportJob
from declarations.models import Declaration, Project, TargetTable
from evaluations.models import DepartmentEvaluation
from tests.conftest import TIANHE

pytestmark = pytest.mark.usefixtures("seeded")

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
JAVASCRIPT_URL = re.compile(r"(href|src|action)\s*=\s*[\"']?\s*javascript:", re.I)


def preparer_pages() -> list[str]:
    department = Department.objects.get(name=TIANHE)
    declaration = Declaration.objects.get(department=department, year=2025)
    pages = [
        reverse("workspace"),
        reverse("form-import"),
        reverse("form-preview", args=["declaration", declaration.pk]),
        reverse("form-history", args=["declaration", declaration.pk]),
        reverse("form-review", args=["declaration", declaration.pk]),
        reverse("project-list", args=[department.pk, 2024]),
        reverse("project-import", args=[department.pk, 2024]),
        reverse("years-compare", args=[department.pk]),
    ]
    for kind, form in [
        ("declaration", declaration),
        ("target-table", TargetTable.objects.get(department=department)),
        ("projects", Project.objects.filter(department=department).first()),
        ("self-evaluation", DepartmentEvaluation.objects.get(department=department)),
    ]:
        pages.append(reverse("form-edit", args=[kind, form.pk]))
    return pages


def assert_clean(response, url: str) -> None:
    assert response.status_code == 200, url
    policy = response["Content-Security-Policy"]
    assert (
        "script-src 'self'" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    )
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    page = response.content.decode()
    assert not INLINE_SCRIPT.search(page), (url, INLINE_SCRIPT.search(page))
    assert not HANDLER.search(page), (url, HANDLER.search(page).group(0)[:200])
    assert not JAVASCRIPT_URL.search(page), url


def test_a_preparers_pages_have_the_policy_no_inline_script_and_are_not_cached(client, preparer):
    client.force_login(preparer)
    for url in preparer_pages():
        response = client.get(url)
        assert_clean(response, url)
        assert response["Cache-Control"] == "private, no-store", url


def test_the_finance_pages_and_the_job_page(client, finance):
    client.force_login(finance)
    job = ExportJob.objects.create(user=finance, kind=ExportJob.Kind.RESULTS, params={"year": 2022})
    for url in [
        reverse("overview") + "?year=2025",
        reverse("results") + "?year=2022",
        reverse("job-detail", args=[job.pk]),
    ]:
        response = client.get(url)
        assert_clean(response, url)
        assert response["Cache-Control"] == "private, no-store", url


def test_the_admin_keeps_to_the_policy(client, superuser):
    client.force_login(superuser)
    declaration = Declaration.objects.get(department__name=TIANHE, year=2025)
    for url in [
        reverse("admin:index"),
        reverse("admin:declarations_declaration_changelist"),
        reverse("admin:declarations_declaration_change", args=[declaration.pk]),
        reverse("admin:core_user_changelist"),
    ]:
        response = client.get(url)
        assert_clean(response, url)
        assert response["Cache-Control"] == "private, no-store", url


@pytest.mark.parametrize("fmt", ["pdf", "xlsx"])
def test_downloads_are_private_and_not_stored(client, preparer, fmt):
    client.force_login(preparer)
    declaration = Declaration.objects.get(department__name=TIANHE, year=2025)
    response = client.get(reverse("form-download", args=["declaration", declaration.pk, fmt]))
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Cache-Control"] == "private, no-store"


def test_the_sign_in_page_has_the_policy(client):
    response = client.get(reverse("login"))
    assert_clean(response, "login")
