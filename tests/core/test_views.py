"""Entry pages without a browser: who sees what, query counts, create, copy forward, downloads."""

import io
import zipfile

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import FormStatus
from declarations.models import Declaration, Project, TargetTable
from declarations.records import declaration_data, project_data
from declarations.services import declaration_replace
from evaluations.models import DepartmentEvaluation, ProjectEvaluation
from tests.conftest import TIANHE

pytestmark = pytest.mark.usefixtures("seeded")

KIND_MODELS = {
    "declaration": Declaration,
    "target-table": TargetTable,
    "projects": Project,
    "self-evaluation": DepartmentEvaluation,
}


def tianhe_form(kind: str):
    return KIND_MODELS[kind].objects.filter(department__name=TIANHE).first()


# --- who sees what ------------------------------------------------------------------------------------

EDIT = "form-edit"
PREVIEW = "form-preview"


@pytest.mark.parametrize("kind", list(KIND_MODELS))
@pytest.mark.parametrize(
    ("persona", "view", "expected"),
    [
        (None, EDIT, 302),  # to the sign-in page
        ("preparer", EDIT, 200),
        ("preparer", PREVIEW, 200),
        ("other_preparer", EDIT, 404),  # another department's form does not exist for them
        ("other_preparer", PREVIEW, 404),
        ("reviewer", EDIT, 302),  # read-only: sent to the preview
        ("reviewer", PREVIEW, 200),
        ("finance", PREVIEW, 200),
    ],
)
def test_the_url_role_matrix(request, client, kind, persona, view, expected):
    form = tianhe_form(kind)
    if persona:
        client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse(view, args=[kind, form.pk]))
    assert response.status_code == expected
    if persona is None:
        assert response["Location"].startswith(reverse("login"))


def test_it_returns_404_for_another_departments_download_and_zip(client, other_preparer):
    client.force_login(other_preparer)
    form = tianhe_form("declaration")
    assert client.get(reverse("form-download", args=["declaration", form.pk, "pdf"])).status_code == 404
    assert client.get(reverse("department-zip", args=[form.department_id, 2025])).status_code == 404
    assert client.get(reverse("project-list", args=[form.department_id, 2024])).status_code == 404


def test_a_submitted_form_is_not_editable_even_by_its_preparer(client, preparer):
    form = tianhe_form("declaration")
    Declaration.objects.filter(pk=form.pk).update(status=FormStatus.SUBMITTED)
    client.force_login(preparer)
    response = client.post(reverse(EDIT, args=["declaration", form.pk]), {"version": form.version})
    assert response.status_code == 302
    assert response["Location"] == reverse(PREVIEW, args=["declaration", form.pk])
    assert Declaration.objects.get(pk=form.pk).version == form.version


def test_the_workspace_lists_the_departments_forms_with_status(client, preparer):
    client.force_login(preparer)
    page = client.get(reverse("workspace"), {"year": 2025}).content.decode()
    assert "部门整体预算绩效目标申报表" in page
    assert "草稿" in page
    assert "2,025" not in page


# --- queries do not grow with rows ---------------------------------------------------------------------


def _declaration_with(preparer, rows: int) -> Declaration:
    data = declaration_data(Declaration.objects.get(department=preparer.department, year=2025))
    first = data["indicators"][0]
    data["indicators"] = [{**first, "name": f"指标{n}"} for n in range(rows)]
    data["tasks"] = [{**data["tasks"][0], "name": f"任务{n}"} for n in range(rows)]
    return declaration_replace(department=preparer.department, year=2025, data=data)


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("view", [EDIT, PREVIEW])
def test_the_declaration_pages_run_the_same_queries_for_5_and_200_rows(client, preparer, view):
    client.force_login(preparer)
    counts = {}
    for rows in (5, 200):
        form = _declaration_with(preparer, rows)
        counts[rows] = _queries(client, reverse(view, args=["declaration", form.pk]))
    assert counts[5] == counts[200]


def test_the_declaration_entry_page_runs_a_fixed_number_of_queries(
    client, preparer, django_assert_num_queries
):
    form = _declaration_with(preparer, 200)
    client.force_login(preparer)
    # session, user, the form (with department, district, updated_by); the form's record, read once
    # for the editor and the quality checks: tasks, indicators (with their categories); the scheme,
    # read once for the tree and the checks: its usage, its categories; the signed-in user's
    # department for the page header: 8 queries whatever the number of rows (13 before the record and
    # the scheme were shared).
    with django_assert_num_queries(8):
        client.get(reverse(EDIT, args=["declaration", form.pk]))


@pytest.mark.parametrize("kind", ["target-table", "projects", "self-evaluation"])
def test_every_other_entry_page_runs_the_same_queries_whatever_its_rows(client, preparer, kind):
    client.force_login(preparer)
    form = tianhe_form(kind)
    url = reverse(EDIT, args=[kind, form.pk])
    before = _queries(client, url)
    # Double every row group by copying the form's rows through its own page.
    page = client.get(url)
    data = _post_data(page)
    for key in [k for k in data if k.endswith("-TOTAL_FORMS")]:
        prefix = key[: -len("-TOTAL_FORMS")]
        total = int(data[key])
        for index in range(total):
            # Nested rows (a task's key indicators) and their management form travel with their row.
            for field in [k for k in data if k.startswith(f"{prefix}-{index}-")]:
                data[field.replace(f"{prefix}-{index}-", f"{prefix}-{index + total}-", 1)] = data[field]
        data[key] = str(total * 2)
    response = client.post(url, {**data, "action": "save"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert _queries(client, url) == before


def _post_data(response) -> dict:
    """The values of every input and textarea of an entry page, as a browser would send them."""
    from scripts.loadtest import form_values

    values = form_values(response.content.decode())
    values.pop("csrfmiddlewaretoken", None)
    return values


def test_an_unchanged_page_saves_back_the_same_record(client, preparer):
    client.force_login(preparer)
    form = tianhe_form("declaration")
    before = declaration_data(form)
    url = reverse(EDIT, args=["declaration", form.pk])
    response = client.post(url, {**_post_data(client.get(url)), "action": "save"})
    assert response.status_code == 302
    assert declaration_data(Declaration.objects.get(pk=form.pk)) == before


# --- create, copy forward -------------------------------------------------------------------------------


def test_a_preparer_creates_an_empty_form_for_a_year_once(client, preparer):
    client.force_login(preparer)
    response = client.post(reverse("form-create"), {"kind": "declaration", "year": 2027})
    created = Declaration.objects.get(department=preparer.department, year=2027)
    assert response["Location"] == reverse(EDIT, args=["declaration", created.pk])
    assert created.status == FormStatus.DRAFT
    client.post(reverse("form-create"), {"kind": "declaration", "year": 2027})
    assert Declaration.objects.filter(department=preparer.department, year=2027).count() == 1


def test_a_reviewer_cannot_create_forms(client, reviewer):
    client.force_login(reviewer)
    response = client.post(reverse("form-create"), {"kind": "declaration", "year": 2027})
    assert response.status_code == 403


def test_copying_forward_keeps_rows_and_amounts_and_resets_the_status(client, preparer):
    form = tianhe_form("declaration")
    Declaration.objects.filter(pk=form.pk).update(status=FormStatus.APPROVED)
    client.force_login(preparer)
    client.post(reverse("form-copy-forward", args=["declaration", form.pk]))
    copy = Declaration.objects.get(department=preparer.department, year=2026)
    assert copy.status == FormStatus.DRAFT
    original, copied = declaration_data(form), declaration_data(copy)
    assert {**copied, "year": 2025} == original


def test_copying_a_project_forward_copies_its_indicators(client, preparer):
    project = Project.objects.filter(department=preparer.department, year=2024).first()
    client.force_login(preparer)
    client.post(reverse("form-copy-forward", args=["projects", project.pk]))
    copy = Project.objects.get(department=preparer.department, year=2025, name=project.name)
    assert project_data(copy) == project_data(project)


def test_a_project_self_evaluation_starts_from_the_project_targets(client, preparer):
    project = Project.objects.filter(department=preparer.department, year=2024).first()
    client.force_login(preparer)
    client.post(
        reverse("form-create"), {"kind": "project-self-evaluation", "year": 2024, "name": project.name}
    )
    evaluation = ProjectEvaluation.objects.get(department=preparer.department, year=2024)
    assert evaluation.project == project
    assert [row.name for row in evaluation.indicators.all()] == [row.name for row in project.indicators.all()]
    assert evaluation.initial_current == project.fiscal_appropriation
    response = client.get(reverse(EDIT, args=["project-self-evaluation", evaluation.pk]))
    assert response.status_code == 200


# --- downloads ------------------------------------------------------------------------------------------


def test_a_form_page_downloads_pdf_and_xlsx_with_a_chinese_file_name(client, preparer):
    client.force_login(preparer)
    form = tianhe_form("declaration")
    pdf = client.get(reverse("form-download", args=["declaration", form.pk, "pdf"]))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert "filename*=utf-8''" in pdf["Content-Disposition"]
    xlsx = client.get(reverse("form-download", args=["declaration", form.pk, "xlsx"]))
    assert xlsx.content.startswith(b"PK")


def test_the_workspace_zip_holds_every_form_of_the_year(client, preparer):
    client.force_login(preparer)
    response = client.get(reverse("department-zip", args=[preparer.department_id, 2024]))
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert any(name.endswith(".pdf") for name in names)
    assert any("项目支出绩效目标表" in name for name in names)


def test_the_history_lists_who_changed_which_row_from_what_to_what(client, preparer):
    from core.models import AuditEntry

    client.force_login(preparer)
    form = tianhe_form("declaration")
    url = reverse(EDIT, args=["declaration", form.pk])
    data = _post_data(client.get(url))
    data["tasks-0-amount"] = "90.00"
    client.post(url, {**data, "action": "save"})
    entry = AuditEntry.objects.filter(object_id=form.pk, action=AuditEntry.Action.UPDATE).first()
    assert entry.user == preparer
    assert entry.changes["任务第1项 / 资金"] == ["81.60", "90.00"]
    page = client.get(reverse("form-history", args=["declaration", form.pk])).content.decode()
    assert "任务第1项 / 资金" in page
    assert "81.60 → 90.00" in page


def test_a_department_self_evaluation_starts_from_the_years_declared_tasks(client, preparer):
    from declarations.models import DeclarationTask

    client.force_login(preparer)
    client.post(reverse("form-create"), {"kind": "self-evaluation", "year": 2025})
    evaluation = DepartmentEvaluation.objects.get(department=preparer.department, year=2025)
    declaration = tianhe_form("declaration")
    assert evaluation.expected_goal == declaration.overall_goal
    tasks = list(evaluation.tasks.all())
    assert [t.name for t in tasks] == list(
        DeclarationTask.objects.filter(declaration=declaration).values_list("name", flat=True)
    )
    assert tasks[0].amount == declaration.tasks.first().amount


def test_a_2019_self_evaluation_takes_the_target_tables_tasks_with_their_key_indicators(client, preparer):
    client.force_login(preparer)
    client.post(reverse("form-create"), {"kind": "self-evaluation", "year": 2019})
    evaluation = DepartmentEvaluation.objects.get(department=preparer.department, year=2019)
    table = TargetTable.objects.get(department=preparer.department, year=2019)
    annual = table.blocks.get(period="annual")
    assert [t.name for t in evaluation.tasks.all()] == [t.name for t in annual.tasks.all()]
    first = evaluation.tasks.first()
    assert first.indicators.count() == annual.tasks.first().indicators.count() > 0


def test_a_project_self_evaluation_gets_the_policy_weights_spread_over_its_indicators(client, preparer):
    from decimal import Decimal

    project = Project.objects.get(department=preparer.department, year=2024, name="法律援助补贴和业务经费")
    client.force_login(preparer)
    client.post(
        reverse("form-create"), {"kind": "project-self-evaluation", "year": 2024, "name": project.name}
    )
    evaluation = ProjectEvaluation.objects.get(department=preparer.department, year=2024)
    by_level1: dict = {}
    for row in evaluation.indicators.select_related("category__parent"):
        by_level1[row.category.parent.name] = by_level1.get(row.category.parent.name, 0) + row.weight
    assert by_level1 == {"产出指标": Decimal("50"), "效益指标": Decimal("30"), "满意度指标": Decimal("10")}
