"""Issue 12: one rule in one place, one document per form, queued jobs surviving the move."""

import importlib
import io

import pytest
from django.apps import apps
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from core.models import Department, ExportJob, FormStatus, Review, User
from declarations import layouts
from declarations.models import Declaration, Project
from declarations.records import projects_data
from indicators.models import scheme_outline
from tests.conftest import REPO_DIR, TIANHE, YUEXIU

pytestmark = pytest.mark.usefixtures("seeded")


def sheet_text(content: bytes) -> str:
    book = load_workbook(io.BytesIO(content))
    return "\n".join(str(cell.value) for row in book.worksheets[0].iter_rows() for cell in row if cell.value)


# --- one rule, one place ---------------------------------------------------------------------------


def test_department_visibility_is_one_rule_for_every_role(preparer, reviewer, finance, superuser):
    tianhe, yuexiu = Department.objects.get(name=TIANHE), Department.objects.get(name=YUEXIU)
    assert list(Department.objects.visible_to(preparer)) == [tianhe]
    assert set(Department.objects.visible_to(reviewer)) == {tianhe, yuexiu}
    assert set(Department.objects.visible_to(finance)) >= {tianhe, yuexiu}
    assert set(Department.objects.visible_to(superuser)) >= {tianhe, yuexiu}
    # The forms follow the departments.
    assert set(Declaration.objects.visible_to(preparer).values_list("department", flat=True)) == {tianhe.pk}


def test_only_a_department_s_own_preparer_prepares_it(preparer, reviewer, finance):
    tianhe, yuexiu = Department.objects.get(name=TIANHE), Department.objects.get(name=YUEXIU)
    assert preparer.prepares(tianhe) and not preparer.prepares(yuexiu)
    assert not reviewer.prepares(tianhe) and not finance.prepares(tianhe)
    form = Declaration.objects.get(department=tianhe, year=2025)
    assert form.editable_by(preparer) and not form.editable_by(reviewer)


def test_the_admin_approval_is_the_workflow_s_approval_with_a_review_record(client, superuser):
    form = Declaration.objects.get(department__name=TIANHE, year=2025)
    client.force_login(superuser)
    response = client.post(
        reverse("admin:declarations_declaration_changelist"),
        {"action": "approve_and_freeze", ACTION_CHECKBOX_NAME: [form.pk]},
    )
    assert response.status_code == 302
    form.refresh_from_db()
    assert form.status == FormStatus.APPROVED and form.reviewed_at is not None
    review = Review.objects.get(object_id=form.pk, decision=Review.Decision.APPROVE)
    assert review.reviewer == superuser and review.snapshot["overall_goal"] == form.overall_goal
    # Adjusted afterwards, the form has an approved version to compare with (it had none before).
    preparer = User.objects.get(username="tianhe")
    client.force_login(preparer)
    client.post(reverse("form-adjust", args=["declaration", form.pk]))
    assert client.get(reverse("form-compare", args=["declaration", form.pk])).status_code == 200


# --- one document per form ---------------------------------------------------------------------------


def test_a_project_s_preview_and_its_download_are_the_project_s_own_form(client, preparer):
    projects = list(Project.objects.filter(department__name=TIANHE, year=2024).order_by("position"))
    first, other = projects[0], projects[1]
    client.force_login(preparer)
    preview = client.get(reverse("form-preview", args=["projects", first.pk])).content.decode()
    assert first.name in preview and other.name not in preview
    text = sheet_text(client.get(reverse("form-download", args=["projects", first.pk, "xlsx"])).content)
    assert first.name in text and other.name not in text
    pdf = client.get(reverse("form-download", args=["projects", first.pk, "pdf"]))
    assert pdf.content.startswith(b"%PDF") and "%E9%A1%B9%E7%9B%AE" in pdf["Content-Disposition"]


def test_the_department_s_project_table_has_its_own_page_and_file(client, preparer):
    department = Department.objects.get(name=TIANHE)
    names = list(Project.objects.filter(department=department, year=2024).values_list("name", flat=True))
    client.force_login(preparer)
    page = client.get(reverse("project-list-preview", args=[department.pk, 2024])).content.decode()
    assert all(name in page for name in names)
    text = sheet_text(
        client.get(reverse("project-list-download", args=[department.pk, 2024, "xlsx"])).content
    )
    assert all(name in text for name in names)
    assert client.get(reverse("project-list-preview", args=[department.pk, 2031])).status_code == 404


# --- queued jobs survive the move ----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_job_queued_under_the_old_task_path_still_runs(client, finance):
    client.force_login(finance)
    district = Department.objects.get(name=TIANHE).district_id
    client.post(reverse("job-start"), {"kind": "results", "district": district, "year": 2022})
    job = ExportJob.objects.latest("pk")
    results = apps.get_model("django_tasks_database", "DBTaskResult")
    assert (
        results.objects.filter(task_path="web.tasks.run_export_job").update(
            task_path="core.jobs.run_export_job"
        )
        == 1
    )
    migration = importlib.import_module("web.migrations.0001_move_task_paths")
    migration.forwards(apps, None)
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE


def test_the_architecture_doc_and_readme_name_the_layers():
    text = (REPO_DIR / "docs" / "architecture.md").read_text(encoding="utf-8")
    assert "core" in text and "web" in text and "KindSpec" in text


# --- less work per request -------------------------------------------------------------------------------


def test_layout_builders_take_data_and_run_no_query(django_assert_num_queries):
    department = Department.objects.get(name=TIANHE)
    table = projects_data(department, 2024)
    outline = scheme_outline("projects", 2024)
    with django_assert_num_queries(0):
        layout = layouts.projects_layout(table, outline)
    assert len(layout.tables[0].rows) > len(table["projects"])


def test_a_project_table_preview_reads_the_scheme_once_whatever_its_projects(
    client, preparer, django_assert_num_queries
):
    department = Department.objects.get(name=TIANHE)
    assert Project.objects.filter(department=department, year=2024).count() == 22
    client.force_login(preparer)
    # session, user, the department (with its district); the table: whether it has projects, the
    # projects, their indicators (with categories); the scheme: usage, categories; the projects'
    # versions (printed into the file for the import's version check); the signed-in user's
    # department for the page header. Before, each project read the scheme again (2 × 22).
    with django_assert_num_queries(10):
        assert client.get(reverse("project-list-preview", args=[department.pk, 2024])).status_code == 200
