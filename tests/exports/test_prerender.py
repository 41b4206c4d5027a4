"""PDFs of unchanged forms are rendered ahead of the download, in the background worker (issue 14,
load): a save queues the render, the worker stores it, the download reads it; forms written in bulk
are filled by ``manage.py prerender_pdfs``."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks.backends.database.models import DBTaskResult

from core.exports.pdfcache import pdf_key
from core.exports.prerender import render_form_pdfs
from core.exports.registry import document_for, table_for
from core.models import RenderedPdf
from declarations.models import Declaration, Project
from scripts.loadtest import form_values
from tests.conftest import TIANHE

pytestmark = [pytest.mark.usefixtures("seeded"), pytest.mark.django_db(transaction=True)]


def run_worker():
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)


def stored_key(doc) -> str:
    return pdf_key(doc.layout())


def save_entry_page(client, form, **changes):
    url = reverse("form-edit", args=["declaration", form.pk])
    values = form_values(client.get(url).content.decode())
    values.update(changes, action="save")
    response = client.post(url, values)
    assert response.status_code == 302, response.content.decode()[:2000]


def download(client, form) -> bytes:
    response = client.get(reverse("form-download", args=["declaration", form.pk, "pdf"]))
    assert response.status_code == 200
    return response.content


def test_a_save_queues_the_render_the_worker_stores_it_and_the_download_reads_it(client, preparer, settings):
    settings.PDF_PRERENDER_DELAY = timedelta(0)
    form = Declaration.objects.get(department__name=TIANHE, year=2025)
    client.force_login(preparer)
    RenderedPdf.objects.all().delete()
    DBTaskResult.objects.all().delete()
    save_entry_page(client, form, overall_goal="预先生成 PDF 的总体绩效目标")
    form.refresh_from_db()
    (queued,) = DBTaskResult.objects.filter(task_path__endswith="render_form_pdfs")
    assert queued.args_kwargs["args"] == ["declarations.Declaration", form.pk, form.version]
    assert not RenderedPdf.objects.exists()  # nothing rendered on the request thread
    run_worker()
    (stored,) = RenderedPdf.objects.all()
    assert stored.key == stored_key(document_for(form))
    assert bytes(stored.content).startswith(b"%PDF")
    # The download serves the stored bytes (marked to tell them from a render of its own).
    RenderedPdf.objects.filter(pk=stored.pk).update(content=b"%PDF-prerendered")
    assert download(client, form) == b"%PDF-prerendered"


def test_a_save_is_rendered_after_the_delay_and_a_render_for_an_older_version_does_nothing(client, preparer):
    form = Declaration.objects.get(department__name=TIANHE, year=2025)
    client.force_login(preparer)
    DBTaskResult.objects.all().delete()
    RenderedPdf.objects.all().delete()
    before = timezone.now()
    save_entry_page(client, form, overall_goal="第一次保存")
    (queued,) = DBTaskResult.objects.all()
    # The default delay: a preparer still editing saves again before it is due.
    assert queued.run_after >= before + timedelta(seconds=55)
    run_worker()
    assert DBTaskResult.objects.get().status == "READY" and not RenderedPdf.objects.exists()
    # Saved since: the task queued for the older version renders nothing.
    save_entry_page(client, form, overall_goal="第二次保存")
    stale = DBTaskResult.objects.order_by("enqueued_at").first()
    assert render_form_pdfs.call(*stale.args_kwargs["args"]) == 0
    assert not RenderedPdf.objects.exists()


def test_a_project_save_renders_its_own_document_and_its_department_table(settings):
    settings.PDF_PRERENDER_DELAY = timedelta(0)
    project = Project.objects.filter(department__name=TIANHE).order_by("pk").first()
    RenderedPdf.objects.all().delete()
    assert render_form_pdfs.call("declarations.Project", project.pk, project.version) == 2
    keys = set(RenderedPdf.objects.values_list("key", flat=True))
    assert keys == {stored_key(document_for(project)), stored_key(table_for(project))}
    # Already stored: nothing rendered again.
    assert render_form_pdfs.call("declarations.Project", project.pk, project.version) == 0


def test_the_command_fills_the_store_for_forms_written_in_bulk(client, preparer):
    forms = list(Declaration.objects.filter(year=2025).order_by("pk"))
    assert forms
    RenderedPdf.objects.all().delete()
    out = io.StringIO()
    call_command("prerender_pdfs", "--kind", "declaration", "--year", "2025", "--workers", "1", stdout=out)
    assert f"{len(forms)} 份文件：新生成 {len(forms)} 份" in out.getvalue()
    assert set(RenderedPdf.objects.values_list("key", flat=True)) == {
        stored_key(document_for(form)) for form in forms
    }
    # A second run finds them stored; the download of an unchanged form reads the stored bytes.
    out = io.StringIO()
    call_command("prerender_pdfs", "--kind", "declaration", "--year", "2025", "--workers", "1", stdout=out)
    assert f"新生成 0 份，已保存的 {len(forms)} 份" in out.getvalue()
    tianhe_form = next(form for form in forms if form.department.name == TIANHE)
    RenderedPdf.objects.filter(key=stored_key(document_for(tianhe_form))).update(content=b"%PDF-bulk")
    client.force_login(preparer)
    assert download(client, tianhe_form) == b"%PDF-bulk"


def test_the_command_refuses_an_unknown_kind():
    with pytest.raises(Exception, match="未知的表格类型：nonsense"):
        call_command("prerender_pdfs", "--kind", "nonsense")
