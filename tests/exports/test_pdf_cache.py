"""A form's PDF is rendered once per print document and then served from the database (issue 14
item 13); any change to the form prints another document and gets its own render."""

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


def test_the_department_zip_renders_in_workers_without_the_database(client, preparer, tianhe):
    # Known regression of the merge (session 3 note): ZIP files are rendered in spawned worker
    # processes, which must not touch the database, so a ZIP neither reads nor fills the PDF store.
    client.force_login(preparer)
    assert client.get(reverse("department-zip", args=[tianhe.pk, 2025])).status_code == 200
    assert RenderedPdf.objects.count() == 0
