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
from core.workflow import reviews_of
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


# --- the review page ---------------------------------------------------------------------------------


def review_body(html: str, **chosen) -> bytes:
    """The review page's decision form as a browser posts it: page order (the reviewer's scores, the
    checklist, the grade, the comment, the sentinel), ``chosen`` values filled in, unticked boxes and
    unchosen radios left out."""
    start = html.index('<form method="post">', html.index('id="decision"'))
    values = form_values(html[start : html.index("</form>", start) + len("</form>")])
    values.pop("csrfmiddlewaretoken", None)
    fields = []
    for name, value in values.items():
        if name in chosen:
            fields.append((name, chosen[name]))
        elif name == COMPLETE_FIELD or name.startswith("rescore-") or name == "comment":
            fields.append((name, value))
    return urllib.parse.urlencode(fields).encode()


def test_every_cut_of_a_real_review_post_with_reviewer_scores_is_refused_and_nothing_is_saved(
    client, seeded, preparer, reviewer
):
    from tests.evaluations.test_rules import evaluation, submit

    form = evaluation()
    submit(client, preparer, form)
    form.refresh_from_db()
    first = form.indicators.get(name="办理法律援助案件数")
    client.force_login(reviewer)
    url = reverse("form-review", args=["project-self-evaluation", form.pk])
    page = client.get(url).content.decode()
    decision = page[page.index('id="decision"') :]
    decision = decision[: decision.index("</form>")]
    assert decision.rstrip().endswith(f'<input type="hidden" name="{COMPLETE_FIELD}" value="1">')
    body = review_body(
        page,
        **{
            f"rescore-score_{first.pk}": "15",
            f"rescore-reason_{first.pk}": "案件数统计口径有误，核减。",
            "grade": "中",
            "comment": "请补充案件统计口径的说明，并核对满意度调查的样本数量后重新提交。",
        },
    )
    spec = REGISTRY["project-self-evaluation"]
    before = spec.record(form)
    for cut in cuts(body):
        response = client.post(url, body[:cut], content_type="application/x-www-form-urlencoded")
        assert response.status_code == 400, cut
        text = response.content.decode()
        assert TRUNCATED_MESSAGE in text and "审核结论和审核人评分均未保存" in text, cut
        stored = ProjectEvaluation.objects.get(pk=form.pk)
        assert (stored.status, stored.version) == (form.status, form.version), cut
        assert spec.record(stored) == before, cut
        assert not stored.indicators.exclude(reviewer_score=None).exists(), cut
        assert not reviews_of(stored).exists(), cut
        # The page shows the stored form again, not the fragment of the comment.
        assert "请补充案件统计口径" not in text, cut
    response = client.post(url, body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 302, response.content.decode()[-3000:]
    stored = ProjectEvaluation.objects.get(pk=form.pk)
    assert stored.status == "returned" and stored.version > form.version
    assert stored.indicators.get(pk=first.pk).reviewer_score == 15


def test_a_cut_declaration_review_is_refused_before_the_decision(client, seeded, preparer, reviewer):
    form = Declaration.objects.get(department__name=TIANHE, year=2025)
    client.force_login(preparer)
    assert client.post(reverse("form-submit", args=["declaration", form.pk])).status_code == 302
    form.refresh_from_db()
    client.force_login(reviewer)
    url = reverse("form-review", args=["declaration", form.pk])
    body = review_body(client.get(url).content.decode(), grade="优")
    # Cut just before the sentinel: the grade arrived, the rest did not; no approval.
    response = client.post(
        url, body[: body.index(COMPLETE_FIELD.encode())], content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400 and TRUNCATED_MESSAGE in response.content.decode()
    assert Declaration.objects.get(pk=form.pk).status == "submitted"
    assert client.post(url, body, content_type="application/x-www-form-urlencoded").status_code == 302
    assert Declaration.objects.get(pk=form.pk).status == "approved"
