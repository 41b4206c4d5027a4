"""A request body cut short (a dropped connection) is refused on every entry page, never saved as complete.

Each kind's real entry page is read, posted back as a browser encodes it (fields in page order, the
clicked button where it stands), and cut at several points: every cut is refused with the message, the
stored record and the version stay as they were; the whole body saves.
"""

import urllib.parse

import pytest
from django.urls import reverse

from core.forms import COMPLETE_FIELD, TRUNCATED_MESSAGE
from core.kinds import REGISTRY
from declarations.models import Declaration, Project, TargetTable
from evaluations.models import DepartmentEvaluation, ProjectEvaluation
from scripts.loadtest import form_values
from tests.conftest import TIANHE

MODELS = {
    "declaration": Declaration,
    "target-table": TargetTable,
    "projects": Project,
    "self-evaluation": DepartmentEvaluation,
    "project-self-evaluation": ProjectEvaluation,
}


@pytest.fixture
def forms_by_kind(seeded, client, preparer):
    client.force_login(preparer)
    client.post(
        reverse("form-create"),
        {"kind": "project-self-evaluation", "year": 2024, "name": "法律援助补贴和业务经费"},
    )
    return {kind: model.objects.filter(department__name=TIANHE).first() for kind, model in MODELS.items()}


def browser_body(html: str) -> bytes:
    """The page's form as a browser posts it on 保存草稿: page order, the toolbar button after the version
    (the CSRF token left out: it changes with every page and the test client does not check it)."""
    fields = []
    values = form_values(html)
    values.pop("csrfmiddlewaretoken", None)
    for name, value in values.items():
        fields.append((name, value))
        if name == "version":
            fields.append(("action", "save"))
    return urllib.parse.urlencode(fields).encode()


def cuts(body: bytes) -> list[int]:
    sentinel = len(f"&{COMPLETE_FIELD}=1")
    fractions = [int(len(body) * f) for f in (0.05, 0.25, 0.5, 0.75, 0.95)]
    # Just before the last input, inside its name, and with its value missing.
    return [*fractions, len(body) - sentinel, len(body) - 4, len(body) - 1]


@pytest.mark.parametrize("kind", list(MODELS))
def test_every_cut_of_a_real_entry_post_is_refused_and_nothing_is_saved(client, forms_by_kind, kind):
    form = forms_by_kind[kind]
    spec = REGISTRY[kind]
    url = reverse("form-edit", args=[kind, form.pk])
    page = client.get(url).content.decode()
    # The sentinel really is the form's last input, after every row and text of the page.
    entry_form = page[page.index('id="entry-form"') : page.index("</form>", page.index('id="entry-form"'))]
    assert entry_form.rstrip().endswith(f'<input type="hidden" name="{COMPLETE_FIELD}" value="1">')
    body = browser_body(page)
    before = spec.record(form)
    for cut in cuts(body):
        response = client.post(url, body[:cut], content_type="application/x-www-form-urlencoded")
        assert response.status_code == 400, (kind, cut)
        assert TRUNCATED_MESSAGE in response.content.decode(), (kind, cut)
        stored = type(form).objects.get(pk=form.pk)
        assert stored.version == form.version, (kind, cut)
        assert spec.record(stored) == before, (kind, cut)
    # The refusal page shows the stored form again (not the fragment), ready to be saved as it was.
    refused = client.post(url, body[: len(body) // 2], content_type="application/x-www-form-urlencoded")
    assert browser_body(refused.content.decode()) == body
    response = client.post(url, body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 302, response.content.decode()[:2000]
    assert type(form).objects.get(pk=form.pk).version == form.version + 1


def test_an_editor_bound_to_a_body_without_its_last_input_is_not_valid(forms_by_kind):
    form = forms_by_kind["self-evaluation"]
    editor = REGISTRY["self-evaluation"].editor(form, {"version": str(form.version)})
    assert editor.truncated and not editor.is_valid()
