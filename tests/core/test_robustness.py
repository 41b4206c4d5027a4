"""Hostile input never breaks a page or reaches one: random payloads posted to every entry page.

Each example takes a real entry page's fields, replaces some with hostile values (huge text, control
characters, emoji, markup and scripts, numbers out of range) and posts them. The answer is a save, a
refusal with messages, or a conflict — never a server error — and no script is ever stored.
"""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from declarations.models import Declaration, Project, TargetTable
from evaluations.models import DepartmentEvaluation, ProjectEvaluation
from tests.conftest import TIANHE
from tests.core.test_views import _post_data

HOSTILE = st.one_of(
    st.sampled_from(
        [
            '<script>alert("x")</script>',
            "<img src=x onerror=alert(1)>",
            "javascript:alert(1)",
            "\x00\x01\x02",
            "😀🇨🇳𠀀",
            "‮反向文字",
            "1e20",
            "-0.001",
            "99999999999999999999.99",
            "NaN",
            "Infinity",
            "１２３．４５",
            "=cmd|' /C calc'!A0",
            "x" * 60000,
            "\r\n" * 500,
            "",
        ]
    ),
    st.text(max_size=200),
)

KINDS = {
    "declaration": Declaration,
    "target-table": TargetTable,
    "projects": Project,
    "self-evaluation": DepartmentEvaluation,
}


@pytest.fixture
def pages(seeded, client, preparer):
    client.force_login(preparer)
    urls = {kind: reverse("form-edit", args=[kind, model.objects.filter(department__name=TIANHE).first().pk])
            for kind, model in KINDS.items()}  # fmt: skip
    client.post(
        reverse("form-create"),
        {"kind": "project-self-evaluation", "year": 2024, "name": "法律援助补贴和业务经费"},
    )
    evaluation = ProjectEvaluation.objects.get(department__name=TIANHE)
    urls["project-self-evaluation"] = reverse("form-edit", args=["project-self-evaluation", evaluation.pk])
    return {kind: (url, _post_data(client.get(url))) for kind, url in urls.items()}


def stored_text() -> str:
    """Every text a form or row holds, as one string."""
    from declarations.records import declaration_data, project_data, target_table_data
    from evaluations.records import department_evaluation_data, project_evaluation_data

    parts = [declaration_data(d) for d in Declaration.objects.all()]
    parts += [target_table_data(t) for t in TargetTable.objects.all()]
    parts += [project_data(p) for p in Project.objects.all()]
    parts += [department_evaluation_data(e) for e in DepartmentEvaluation.objects.all()]
    parts += [project_evaluation_data(e) for e in ProjectEvaluation.objects.all()]
    return repr(parts)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_hostile_posts_never_cause_a_server_error_or_a_stored_script(client, pages, data):
    kind = data.draw(st.sampled_from(sorted(pages)))
    url, fields = pages[kind]
    names = sorted(
        name
        for name in fields
        if not name.endswith(("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS"))
        and name != "version"
    )
    chosen = data.draw(st.lists(st.sampled_from(names), min_size=1, max_size=6, unique=True))
    posted = dict(fields)
    for name in chosen:
        posted[name] = data.draw(HOSTILE)
    # The version of the page as loaded: a concurrent example's save makes it a conflict, not a 500.
    response = client.post(url, {**posted, "action": data.draw(st.sampled_from(["save", "paste"]))})
    assert response.status_code in {200, 302, 400, 409}, response.status_code
    text = stored_text()
    assert "<script" not in text and "onerror" not in text


def test_a_huge_rich_text_is_refused_with_its_length(client, pages):
    url, fields = pages["declaration"]
    response = client.post(url, {**fields, "overall_goal": "长" * 60000, "action": "save"})
    assert response.status_code == 400
    assert "最多 50000 个字（现有 60000 个）" in response.content.decode()


def test_control_characters_are_refused_not_stored(client, pages):
    url, fields = pages["declaration"]
    response = client.post(url, {**fields, "department_label": "天河\x00局", "action": "save"})
    assert response.status_code == 400
    assert "\x00" not in stored_text()
