"""A department publishes an approved form (公开) on its preview page; the history records it."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEntry, Department, FormStatus
from core.workflow import form_approve_and_freeze
from declarations.models import Project
from declarations.services import project_replace
from publication.models import DistrictDisclosure, Publication
from publication.services import document_publish, document_unpublish, form_document, parse_public_from
from tests.conftest import TIANHE
from tests.publication.conftest import adjusted, approved, evaluation, frozen_pdf, reapproved

pytestmark = pytest.mark.usefixtures("seeded")

KIND = "project-self-evaluation"


def preview(client, form):
    return client.get(reverse("form-preview", args=[KIND, form.pk]))


def post(client, form, **data):
    return client.post(reverse("form-publication", args=[KIND, form.pk]), {"document": "form", **data})


def history(form) -> list[str]:
    return list(
        AuditEntry.objects.filter(object_id=form.pk, object_repr__contains=form.project_name).values_list(
            "message", flat=True
        )
    )


def test_the_preparer_publishes_an_approved_form_from_its_preview_page(client, preparer, superuser):
    form = approved("公开按钮项目", superuser)
    client.force_login(preparer)
    page = preview(client, form).content.decode()
    assert 'id="publication-panel"' in page and "未公开" in page and ">公开</button>" in page
    response = post(client, form, action="publish")
    assert response.status_code == 302
    publication = Publication.objects.get()
    assert publication.pdf == frozen_pdf(form) and publication.is_public
    assert publication.created_by == preparer
    page = client.get(response["Location"]).content.decode()
    assert "已公开：" in page and "已公开</span>" in page and "撤销公开" in page
    (message,) = [m for m in history(form) if m.startswith("公开（")]
    assert "即日" in message and publication.pdf.sha256 in message
    assert reverse("publication-file", args=[publication.pdf.sha256, "pdf"]) in page


def test_publication_can_be_scheduled_rescheduled_and_withdrawn(client, preparer, superuser):
    form = approved("预约公开项目", superuser)
    client.force_login(preparer)
    later = timezone.localtime() + timedelta(days=10)
    post(client, form, action="publish", public_from=f"{later:%Y-%m-%dT%H:%M}")
    publication = Publication.objects.get()
    assert not publication.is_public and publication.public_from > timezone.now()
    assert "预约公开" in preview(client, form).content.decode()
    post(client, form, action="publish", public_from="")  # now
    publication.refresh_from_db()
    assert publication.is_public and Publication.objects.count() == 1
    post(client, form, action="unpublish")
    publication.refresh_from_db()
    assert publication.withdrawn_at is not None and publication.withdrawn_by == preparer
    messages = history(form)
    assert any(m.startswith("修改公开时间") for m in messages)
    assert any(m.startswith("撤销公开") for m in messages)
    assert any(m.startswith("公开（") and f"{later:%Y-%m-%d %H:%M}" in m for m in messages)
    # Published again after withdrawal: a new record, the old one kept.
    post(client, form, action="publish")
    assert Publication.objects.count() == 2 and Publication.objects.active().count() == 1


def test_a_bad_publication_time_is_refused_naming_the_field(client, preparer, superuser):
    form = approved("公开时间项目", superuser)
    client.force_login(preparer)
    page = client.get(post(client, form, action="publish", public_from="明天")["Location"]).content.decode()
    assert "公开时间“明天”格式不正确" in page
    far = timezone.localtime() + timedelta(days=5 * 365)
    page = client.get(
        post(client, form, action="publish", public_from=f"{far:%Y-%m-%dT%H:%M}")["Location"]
    ).content.decode()
    assert "最多可预约三年以内" in page
    assert not Publication.objects.exists()
    past = parse_public_from("2001-01-01 08:00")
    assert past >= timezone.now() - timedelta(seconds=5)  # a time past means now


def test_only_an_approved_form_can_be_published(preparer):
    form = evaluation("未审核公开项目")
    with pytest.raises(ValidationError, match="尚未审核通过，不能公开"):
        document_publish(form_document(form, "form"), user=preparer)
    with pytest.raises(ValidationError, match="当前没有公开"):
        document_unpublish(form_document(form, "form"), user=preparer)
    assert not Publication.objects.exists()


def test_personas(client, preparer, other_preparer, reviewer, finance, superuser):
    form = approved("公开权限项目", superuser)
    doc = form_document(form, "form")
    for user in (other_preparer, reviewer, finance, superuser):
        with pytest.raises(PermissionDenied):
            document_publish(doc, user=user)

    # A preparer of another department does not see the form at all.
    client.force_login(other_preparer)
    assert preview(client, form).status_code == 404
    assert post(client, form, action="publish").status_code == 404
    # The reviewer sees the panel's state, without buttons, and cannot post.
    client.force_login(reviewer)
    page = preview(client, form).content.decode()
    assert 'id="publication-panel"' in page and "未公开" in page and ">公开</button>" not in page
    assert post(client, form, action="publish").status_code == 403
    # Anonymous: sent to sign in.
    client.logout()
    response = post(client, form, action="publish")
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert not Publication.objects.exists()
    # The department's preparer may.
    client.force_login(preparer)
    assert post(client, form, action="publish").status_code == 302
    assert Publication.objects.active().count() == 1


def test_a_draft_preview_has_no_publication_panel(client, preparer):
    form = evaluation("草稿面板项目")
    client.force_login(preparer)
    assert 'id="publication-panel"' not in preview(client, form).content.decode()


def test_an_adjustment_keeps_the_approved_text_public_until_the_new_version_is_approved(
    client, preparer, superuser
):
    form = approved("公开后调整项目", superuser)
    document_publish(form_document(form, "form"), user=preparer)
    old = frozen_pdf(form)
    form = adjusted(form, preparer)
    assert form.status == FormStatus.DRAFT
    assert Publication.objects.active().get().pdf == old  # still the approved record
    client.force_login(preparer)
    page = preview(client, form).content.decode()
    assert "公开页继续提供审核通过的版本" in page
    with pytest.raises(ValidationError, match="尚未审核通过"):
        document_publish(form_document(form, "form"), user=preparer)

    form = reapproved(form, superuser)
    assert frozen_pdf(form) != old
    assert not Publication.objects.active().exists()  # the old file is superseded: nothing public
    document_publish(form_document(form, "form"), user=preparer)
    assert Publication.objects.active().get().pdf == frozen_pdf(form)


def test_the_project_table_is_published_from_a_project_once_every_project_is_approved(
    client, preparer, superuser
):
    department = Department.objects.get(name=TIANHE)
    for name in ("公开表甲项目", "公开表乙项目"):
        project_replace(department=department, year=2031, data={"name": name})
    first, second = Project.objects.filter(department=department, year=2031).order_by("name")
    table_preview = reverse("form-preview", args=["projects", first.pk])
    form_approve_and_freeze(first, user=superuser)
    client.force_login(preparer)
    assert 'name="document" value="table"' not in client.get(table_preview).content.decode()  # not frozen yet
    form_approve_and_freeze(second, user=superuser)
    assert 'name="document" value="table"' in client.get(table_preview).content.decode()
    response = client.post(
        reverse("form-publication", args=["projects", first.pk]), {"document": "table", "action": "publish"}
    )
    assert response.status_code == 302
    publication = Publication.objects.active().get()
    assert publication.pdf.project == "" and publication.pdf.kind == "projects"
    # Both projects' histories record it.
    for project in (first, second):
        assert AuditEntry.objects.filter(
            object_id=project.pk, message__startswith="公开（项目支出绩效目标表）"
        ).exists()


def test_the_xlsx_is_pinned_with_the_pdf_and_offered_where_the_district_allows(client, preparer, superuser):
    form = approved("公开表格项目", superuser)
    publication = document_publish(form_document(form, "form"), user=preparer)
    assert publication.xlsx is not None and publication.xlsx.format == "xlsx"
    url = reverse("publication-file", args=[publication.xlsx.sha256, "xlsx"])
    assert client.get(url).status_code == 404
    DistrictDisclosure.objects.create(district=form.department.district, offer_xlsx=True)
    response = client.get(url)
    assert response.status_code == 200 and bytes(response.content) == bytes(publication.xlsx.content)
