"""A form's PDF is rendered once per print document and then served from the database (issue 14
item 13); any change to the form prints another document and gets its own render."""

import io
import zipfile

import pytest
from django.urls import reverse

from core.models import RenderedPdf
from declarations.models import Declaration
from declarations.records import declaration_data
from declarations.services import declaration_replace
from tests.conftest import TIANHE

pytestmark = pytest.mark.usefixtures("seeded")


def download(client, form):
    response = client.get(reverse("form-download", args=["declaration", form.pk, "pdf"]))
    assert response.status_code == 200
    return response.content


def test_an_unchanged_form_is_served_from_storage_and_a_changed_one_rendered_again(client, preparer, tianhe):
    form = Declaration.objects.get(department__name=TIANHE, year=2025)
    client.force_login(preparer)
    first = download(client, form)
    assert first.startswith(b"%PDF")
    (stored,) = RenderedPdf.objects.all()
    assert bytes(stored.content) == first and stored.size == len(first)
    # The stored bytes are what the next download serves (marked here to tell them from a new render).
    RenderedPdf.objects.filter(pk=stored.pk).update(content=b"%PDF-stored")
    assert download(client, form) == b"%PDF-stored"
    assert RenderedPdf.objects.count() == 1
    # A save changes the document: a new render, the old entry left alone.
    data = declaration_data(form)
    data["overall_goal"] = "修改后的总体绩效目标"
    declaration_replace(department=tianhe, year=2025, data=data, user=preparer)
    third = download(client, form)
    assert third.startswith(b"%PDF-1") and third != first
    assert RenderedPdf.objects.count() == 2


def zip_pdfs(client, department) -> dict[str, bytes]:
    response = client.get(reverse("department-zip", args=[department.pk, 2025]))
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    return {name: archive.read(name) for name in archive.namelist() if name.endswith(".pdf")}


def test_the_department_zip_serves_and_fills_the_stored_pdfs(client, preparer, tianhe):
    # Issue 17: the ZIP's renderer (core/exports/parallel.py) looks each PDF up in the store and
    # stores what it renders, in the parent process (workers never touch the database).
    form = Declaration.objects.get(department__name=TIANHE, year=2025)
    client.force_login(preparer)
    first = zip_pdfs(client, tianhe)
    assert first and RenderedPdf.objects.count() == len(first)
    assert {bytes(content) for content in RenderedPdf.objects.values_list("content", flat=True)} == set(
        first.values()
    )
    # The declaration's download is the ZIP's stored render, byte for byte.
    (declaration_pdf,) = [content for name, content in first.items() if "申报表" in name]
    assert download(client, form) == declaration_pdf
    assert RenderedPdf.objects.count() == len(first)
    # A second ZIP renders nothing: it serves the stored bytes (marked here to tell them from a render).
    RenderedPdf.objects.update(content=b"%PDF-stored")
    second = zip_pdfs(client, tianhe)
    assert second.keys() == first.keys() and set(second.values()) == {b"%PDF-stored"}
    assert RenderedPdf.objects.count() == len(first)
