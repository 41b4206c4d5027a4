"""An approved form's PDF and XLSX are stored once and every later download serves exactly those bytes."""

import hashlib
import io
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from openpyxl import load_workbook

from core.exports.frozen import FrozenExportCorrupted, export_for_download, form_freeze
from core.exports.registry import Document, export_form
from core.models import AuditEntry, Department, FormStatus, FrozenExport
from core.workflow import form_approve_and_freeze
from declarations.models import Declaration, Project, TargetTable
from evaluations.models import DepartmentEvaluation, ProjectEvaluation
from evaluations.services import project_evaluation_replace
from tests.conftest import TIANHE, YUEXIU

pytestmark = pytest.mark.usefixtures("seeded")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def department(name: str = TIANHE) -> Department:
    return Department.objects.get(name=name)


def declaration(name: str = TIANHE) -> Declaration:
    return Declaration.objects.get(department__name=name, year=2025)


def sheet_values(content: bytes) -> set:
    """Every value of the sheet, numbers as Decimal (openpyxl reads them back as floats)."""
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    return {
        Decimal(str(cell.value)) if isinstance(cell.value, int | float) else cell.value
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    }


def project_evaluation(name: str = "法律援助补贴和业务经费") -> ProjectEvaluation:
    return project_evaluation_replace(
        department=department(),
        year=2024,
        data={
            "project_name": name,
            "funds": {"initial_current": "200.00", "annual_current": "180.00", "executed_current": "171.00"},
        },
    )


def test_approving_a_form_stores_its_pdf_and_xlsx_with_their_sha256(superuser):
    form = declaration()
    files = form_approve_and_freeze(form, user=superuser)
    assert sorted(f.format for f in files) == ["pdf", "xlsx"]
    for stored in FrozenExport.objects.all():
        content = bytes(stored.content)
        assert stored.sha256 == hashlib.sha256(content).hexdigest()
        assert stored.size == len(content)
        assert stored.kind == "declaration" and stored.project == "" and stored.year == 2025
        assert stored.form_version == form.version
        assert stored.created_by == superuser
        assert stored.filename == f"{TIANHE}-2025-部门整体预算绩效目标申报表.{stored.format}"
    form.refresh_from_db()
    assert form.status == FormStatus.APPROVED


def test_the_approval_bumps_the_version_and_is_audited(superuser):
    form = declaration()
    version = form.version
    form_approve_and_freeze(form, user=superuser)
    assert Declaration.objects.get(pk=form.pk).version == version + 1
    entries = AuditEntry.objects.filter(object_id=form.pk, action=AuditEntry.Action.TRANSITION)
    messages = [entry.message for entry in entries]
    assert "标记为已审核" in messages
    (freeze,) = [m for m in messages if m.startswith("冻结导出文件")]
    pdf = FrozenExport.objects.get(format="pdf")
    assert f"PDF SHA-256 {pdf.sha256}" in freeze
    assert all(entry.user == superuser for entry in entries)


def test_it_serves_the_frozen_bytes_after_the_data_changed(superuser):
    form = declaration()
    form_approve_and_freeze(form, user=superuser)
    stored = {f.format: bytes(f.content) for f in FrozenExport.objects.all()}
    Declaration.objects.filter(pk=form.pk).update(basic_expenditure=Decimal("1.23"))

    for format, content_type in [("pdf", "application/pdf"), ("xlsx", XLSX)]:
        filename, served_type, content = export_for_download("declaration", format, department(), 2025)
        assert content == stored[format]
        assert served_type == content_type
        assert filename.endswith(f".{format}")
    assert Decimal("4855.11") in sheet_values(stored["xlsx"])
    _filename, _type, live = export_form("declaration", "xlsx", department(), 2025)
    assert Decimal("1.23") in sheet_values(live)


def test_a_form_that_is_not_approved_is_rendered_from_the_current_data():
    Declaration.objects.filter(pk=declaration().pk).update(basic_expenditure=Decimal("1.23"))
    _filename, _type, content = export_for_download("declaration", "xlsx", department(), 2025)
    assert Decimal("1.23") in sheet_values(content)
    assert not FrozenExport.objects.exists()


def test_freezing_an_already_frozen_form_keeps_the_stored_bytes(superuser, monkeypatch):
    form_approve_and_freeze(declaration(), user=superuser)
    before = {f.pk: f.sha256 for f in FrozenExport.objects.all()}
    monkeypatch.setattr(Document, "render", lambda *a, **k: pytest.fail("rendered again"))
    again = form_freeze(kind="declaration", department=department(), year=2025, user=superuser)
    assert {f.pk: f.sha256 for f in again} == before
    form_approve_and_freeze(declaration(), user=superuser)  # approving an approved form: nothing new
    assert {f.pk: f.sha256 for f in FrozenExport.objects.all()} == before
    assert AuditEntry.objects.filter(message__startswith="冻结导出文件").count() == 1


def test_a_form_that_is_not_approved_cannot_be_frozen():
    with pytest.raises(ValidationError, match="尚未全部审核"):
        form_freeze(kind="declaration", department=department(), year=2025)
    with pytest.raises(ValidationError, match="没有2031年的部门整体预算绩效目标申报表"):
        form_freeze(kind="declaration", department=department(), year=2031)
    assert not FrozenExport.objects.exists()


def test_a_form_whose_totals_disagree_cannot_be_approved(superuser):
    form = declaration()
    Declaration.objects.filter(pk=form.pk).update(basic_expenditure=Decimal("1.23"))
    with pytest.raises(ValidationError, match="三个合计不相等"):
        form_approve_and_freeze(form, user=superuser)
    assert Declaration.objects.get(pk=form.pk).status == FormStatus.DRAFT
    assert not FrozenExport.objects.exists()


def test_tampered_content_is_refused(superuser):
    form_approve_and_freeze(declaration(), user=superuser)
    stored = FrozenExport.objects.get(format="pdf")
    altered = bytes(stored.content).replace(b"%PDF", b"%PDX", 1)
    FrozenExport.objects.filter(pk=stored.pk).update(content=altered)
    with pytest.raises(FrozenExportCorrupted, match="SHA-256 不一致"):
        export_for_download("declaration", "pdf", department(), 2025)


def test_a_stored_file_and_its_hash_replaced_together_do_not_pass_the_size_check(superuser):
    form_approve_and_freeze(declaration(), user=superuser)
    stored = FrozenExport.objects.get(format="xlsx")
    FrozenExport.objects.filter(pk=stored.pk).update(content=b"x", sha256=hashlib.sha256(b"x").hexdigest())
    with pytest.raises(FrozenExportCorrupted):
        export_for_download("declaration", "xlsx", department(), 2025)


def test_each_project_freezes_its_own_file_and_the_table_once_every_project_is_approved(superuser):
    projects = list(Project.objects.filter(department__name=TIANHE, year=2024).order_by("pk"))
    assert len(projects) > 1
    for project in projects[:-1]:
        files = form_approve_and_freeze(project, user=superuser)
        assert {(f.kind, f.project, f.format) for f in files} == {
            ("projects", project.name, "pdf"),
            ("projects", project.name, "xlsx"),
        }
    assert not FrozenExport.objects.filter(project="").exists()
    files = form_approve_and_freeze(projects[-1], user=superuser)
    table = [f for f in files if f.project == ""]
    assert {(f.kind, f.format) for f in table} == {("projects", "pdf"), ("projects", "xlsx")}
    assert all(f.form_version == sum(p.version for p in Project.objects.filter(year=2024)) for f in table)
    # Every project's history records the freezing of the table it belongs to.
    frozen_entries = AuditEntry.objects.filter(message__startswith="冻结导出文件（项目支出绩效目标表）")
    assert {entry.object_id for entry in frozen_entries} == {p.pk for p in projects}


def test_a_project_self_evaluation_is_frozen_under_its_project_name(superuser):
    first = project_evaluation("法律援助补贴和业务经费")
    project_evaluation("人民调解以案代补经费")
    files = form_approve_and_freeze(first, user=superuser)
    assert {f.project for f in files} == {"法律援助补贴和业务经费"}
    ProjectEvaluation.objects.filter(pk=first.pk).update(executed_current=Decimal("1.00"))
    _name, _type, content = export_for_download(
        "project-self-evaluation", "xlsx", department(), 2024, "法律援助补贴和业务经费"
    )
    assert content == bytes(FrozenExport.objects.get(format="xlsx").content)
    _name, _type, other = export_for_download(
        "project-self-evaluation", "xlsx", department(), 2024, "人民调解以案代补经费"
    )
    assert other != content  # not frozen: rendered live


def test_a_new_approval_after_a_return_replaces_the_files_and_keeps_the_old_ones(superuser):
    form = declaration()
    form_approve_and_freeze(form, user=superuser)
    old = {f.format: f.sha256 for f in FrozenExport.objects.all()}
    Declaration.objects.filter(pk=form.pk).update(status=FormStatus.RETURNED, overall_goal="调整后的目标")
    form_approve_and_freeze(form, user=superuser)
    current = FrozenExport.objects.current()
    assert current.count() == 2
    assert FrozenExport.objects.filter(superseded_at__isnull=False).count() == 2
    assert {f.sha256 for f in current}.isdisjoint(old.values())
    _name, _type, content = export_for_download("declaration", "xlsx", department(), 2025)
    assert "调整后的目标" in sheet_values(content)


def test_one_form_has_one_current_file_per_format(superuser):
    form_approve_and_freeze(declaration(), user=superuser)
    stored = FrozenExport.objects.get(format="pdf")
    stored.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        stored.save()


# --- the admin --------------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


def run_action(admin_client, model, objects):
    opts = model._meta
    return admin_client.post(
        reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
        {"action": "approve_and_freeze", "_selected_action": [obj.pk for obj in objects]},
        follow=True,
    )


def test_the_admin_action_approves_and_freezes_the_selected_forms(admin_client):
    forms = [declaration(TIANHE), declaration(YUEXIU)]
    response = run_action(admin_client, Declaration, forms)
    assert response.status_code == 200
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert "已将2张表标记为已审核，已冻结的导出文件共4个。" in messages
    assert set(Declaration.objects.values_list("status", flat=True)) == {FormStatus.APPROVED}
    assert FrozenExport.objects.count() == 4


def test_the_admin_action_says_which_projects_table_is_still_waiting(admin_client):
    first = Project.objects.filter(year=2024).order_by("pk").first()
    response = run_action(admin_client, Project, [first])
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert f"{TIANHE}2024年项目支出绩效目标表尚有项目未审核，全部审核后再冻结导出文件。" in messages
    # The project's own form is frozen; the department's table waits for every project.
    assert set(FrozenExport.objects.values_list("project", flat=True)) == {first.name}
    run_action(admin_client, Project, Project.objects.filter(year=2024))
    assert FrozenExport.objects.filter(kind="projects", project="").count() == 2


def test_the_admin_action_reports_a_form_it_cannot_approve(admin_client):
    form = declaration()
    Declaration.objects.filter(pk=form.pk).update(basic_expenditure=Decimal("1.23"))
    response = run_action(admin_client, Declaration, [form])
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert any(m.startswith(f"“{form}”未能审核：预算整体情况三个合计不相等") for m in messages)


def download_url(obj, format: str) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_download", args=[obj.pk, format])


@pytest.mark.parametrize(("format", "content_type"), [("pdf", "application/pdf"), ("xlsx", XLSX)])
@pytest.mark.parametrize(
    "model",
    [Declaration, TargetTable, Project, DepartmentEvaluation, ProjectEvaluation],
    ids=lambda m: m.__name__,
)
def test_the_admin_download_returns_an_attachment_with_a_chinese_filename(
    admin_client, model, format, content_type
):
    project_evaluation()
    obj = model.objects.filter(department__name=TIANHE).first()
    response = admin_client.get(download_url(obj, format))
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    disposition = response["Content-Disposition"]
    assert disposition.lower().startswith("attachment; filename*=utf-8''")
    assert "%E5%B9%BF%E5%B7%9E" in disposition  # 广州, percent-encoded as RFC 5987 asks
    content = response.content
    if format == "pdf":
        assert content.startswith(b"%PDF")
    else:
        assert load_workbook(io.BytesIO(content)).worksheets[0]["A1"].value.startswith("perfbudget/")


def test_the_admin_download_of_an_approved_form_is_the_frozen_file(admin_client, superuser):
    form = declaration()
    form_approve_and_freeze(form, user=superuser)
    Declaration.objects.filter(pk=form.pk).update(basic_expenditure=Decimal("1.23"))
    response = admin_client.get(download_url(form, "pdf"))
    assert response.content == bytes(FrozenExport.objects.get(format="pdf").content)


def test_the_admin_refuses_to_download_a_tampered_file(admin_client, superuser):
    form = declaration()
    form_approve_and_freeze(form, user=superuser)
    FrozenExport.objects.filter(format="pdf").update(content=b"%PDF-forged")
    response = admin_client.get(download_url(form, "pdf"), follow=True)
    assert response.redirect_chain[0][0] == reverse("admin:declarations_declaration_change", args=[form.pk])
    assert any("SHA-256 不一致" in str(m) for m in get_messages(response.wsgi_request))


def test_the_admin_download_of_an_unknown_format_is_not_found(admin_client):
    assert admin_client.get(download_url(declaration(), "docx")).status_code == 404


@pytest.mark.parametrize(
    "model_and_lookup",
    [(Declaration, {}), (Project, {}), (ProjectEvaluation, {})],
    ids=["declaration", "project", "project-evaluation"],
)
def test_the_change_page_and_the_changelist_show_the_download_links(admin_client, model_and_lookup):
    model, lookup = model_and_lookup
    if model is ProjectEvaluation:
        project_evaluation()
    obj = model.objects.filter(**lookup).first()
    opts = model._meta
    change = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]))
    page = change.content.decode()
    assert download_url(obj, "pdf") in page and download_url(obj, "xlsx") in page
    assert "下载 PDF" in page and "尚未冻结" in page
    listing = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    assert download_url(obj, "xlsx") in listing.content.decode()


def test_the_change_page_shows_the_frozen_hashes(admin_client, superuser):
    form = declaration()
    form_approve_and_freeze(form, user=superuser)
    page = admin_client.get(reverse("admin:declarations_declaration_change", args=[form.pk])).content.decode()
    for stored in FrozenExport.objects.all():
        assert stored.sha256 in page


def test_the_frozen_export_admin_is_read_only_and_downloads_the_stored_file(admin_client, superuser):
    form_approve_and_freeze(declaration(), user=superuser)
    stored = FrozenExport.objects.get(format="xlsx")
    listing = admin_client.get(reverse("admin:core_frozenexport_changelist"))
    assert listing.status_code == 200 and "已冻结导出文件" in listing.content.decode()
    page = admin_client.get(reverse("admin:core_frozenexport_change", args=[stored.pk])).content.decode()
    assert stored.sha256 in page and 'name="_save"' not in page
    assert admin_client.get(reverse("admin:core_frozenexport_add")).status_code == 403
    response = admin_client.get(reverse("admin:core_frozenexport_download", args=[stored.pk]))
    assert response.content == bytes(stored.content)
    assert "filename*=utf-8''" in response["Content-Disposition"].lower()


def test_the_benchmark_times_the_frozen_pdf_and_leaves_the_database_as_it_was():
    out = io.StringIO()
    call_command("bench_exports", frozen_only=True, frozen_repeat=3, stdout=out)
    assert "frozen 000 declaration pdf (fetch + SHA-256 check, 3 runs): median" in out.getvalue()
    assert not FrozenExport.objects.exists()
    assert declaration().status == FormStatus.DRAFT


def test_the_export_command_writes_the_frozen_file_of_an_approved_form(superuser, tmp_path):
    form = declaration()
    form_approve_and_freeze(form, user=superuser)
    Declaration.objects.filter(pk=form.pk).update(basic_expenditure=Decimal("1.23"))
    out, path = io.StringIO(), tmp_path / "decl.xlsx"
    call_command(
        "export", department=TIANHE, year=2025, form="declaration", format="xlsx", output=path, stdout=out
    )
    assert path.read_bytes() == bytes(FrozenExport.objects.get(format="xlsx").content)
    assert "审核时冻结的原件" in out.getvalue()
