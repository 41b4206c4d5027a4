"""The review workflow of domain.md §5, as services."""

import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from core.models import AuditEntry, FormStatus, FrozenExport, Notification, Review
from core.workflow import (
    TransitionRefused,
    approved_snapshot,
    form_adjust,
    form_review,
    form_submit,
    form_withdraw,
)
from declarations.models import Declaration
from tests.conftest import TIANHE, YUEXIU

pytestmark = pytest.mark.usefixtures("seeded")


@pytest.fixture
def declaration():
    return Declaration.objects.get(department__name=TIANHE, year=2025)


@pytest.fixture
def submitted(declaration, preparer, reviewer):
    return form_submit(form=declaration, user=preparer)


def test_a_preparer_submits_a_clean_form_and_the_reviewer_is_told(submitted, reviewer):
    assert submitted.status == FormStatus.SUBMITTED
    assert submitted.review_tier == 1
    assert submitted.submitted_at is not None
    assert AuditEntry.objects.filter(action=AuditEntry.Action.TRANSITION, message="提交审核").exists()
    assert Notification.objects.filter(user=reviewer, message__contains="待审核").exists()


def test_blocking_findings_refuse_a_submission_naming_each(other_preparer):
    yuexiu = Declaration.objects.get(department__name=YUEXIU, year=2025)
    Declaration.objects.filter(pk=yuexiu.pk).update(overall_goal="")
    with pytest.raises(ValidationError) as raised:
        form_submit(form=yuexiu, user=other_preparer)
    assert "“总体绩效目标”未填写。" in raised.value.messages
    assert Declaration.objects.get(pk=yuexiu.pk).status == FormStatus.DRAFT


def test_only_the_departments_preparer_submits(declaration, other_preparer, reviewer):
    with pytest.raises(PermissionDenied):
        form_submit(form=declaration, user=other_preparer)
    with pytest.raises(PermissionDenied):
        form_submit(form=declaration, user=reviewer)


def test_a_submission_nobody_reviewed_can_be_withdrawn(submitted, preparer):
    assert form_withdraw(form=submitted, user=preparer).status == FormStatus.DRAFT


def test_returning_needs_a_reason_then_the_fixed_form_is_approved_and_frozen(submitted, preparer, reviewer):
    with pytest.raises(ValidationError, match="必须填写审核意见"):
        form_review(form=submitted, user=reviewer, grade="中")
    form_review(form=submitted, user=reviewer, grade="中", comment="第3项任务的目标写得太笼统。")
    returned = Declaration.objects.get(pk=submitted.pk)
    assert returned.status == FormStatus.RETURNED
    assert returned.is_editable
    assert Notification.objects.filter(user=preparer, message__contains="太笼统").exists()

    resubmitted = form_submit(form=returned, user=preparer)
    review = form_review(
        form=resubmitted, user=reviewer, grade="良", checklist={"completeness": True, "feasibility": True}
    )
    approved = Declaration.objects.get(pk=submitted.pk)
    assert approved.status == FormStatus.APPROVED
    assert review.checklist == {
        "completeness": True,
        "relevance": False,
        "appropriateness": False,
        "feasibility": True,
    }
    assert approved_snapshot(approved).snapshot["budget"]["basic_expenditure"] == "4855.11"
    assert FrozenExport.objects.current().filter(department=approved.department, year=2025).count() == 2


def test_a_poor_grade_rejects_the_form_for_good(submitted, reviewer):
    form_review(form=submitted, user=reviewer, grade="差", comment="目标与职能无关。")
    rejected = Declaration.objects.get(pk=submitted.pk)
    assert rejected.status == FormStatus.REJECTED
    assert not rejected.is_editable


def test_two_tiers_go_to_the_finance_bureau_after_the_competent_department(
    submitted, reviewer, finance, preparer
):
    district = submitted.department.district
    district.review_tiers = 2
    district.save()
    form_review(form=submitted, user=reviewer, grade="优")
    waiting = Declaration.objects.get(pk=submitted.pk)
    assert (waiting.status, waiting.review_tier) == (FormStatus.SUBMITTED, 2)
    with pytest.raises(TransitionRefused):
        form_withdraw(form=waiting, user=preparer)
    with pytest.raises(PermissionDenied):
        form_review(form=waiting, user=reviewer, grade="优")
    form_review(form=waiting, user=finance, grade="良")
    assert Declaration.objects.get(pk=submitted.pk).status == FormStatus.APPROVED
    assert list(Review.objects.values_list("tier", flat=True).order_by("decided_at")) == [1, 2]


def test_an_unassigned_reviewer_cannot_review(submitted, yuexiu):
    from core.models import User

    stranger = User.objects.create_user("reviewer-yuexiu", role=User.Role.REVIEWER)
    stranger.reviewed_departments.set([yuexiu])
    with pytest.raises(PermissionDenied):
        form_review(form=submitted, user=stranger, grade="优")


def test_the_second_of_two_decisions_is_refused(submitted, reviewer):
    form_review(form=submitted, user=reviewer, grade="优")
    with pytest.raises(TransitionRefused, match="已审核"):
        form_review(form=submitted, user=reviewer, grade="中", comment="晚了一步")
    assert Review.objects.count() == 1


def test_an_adjustment_reopens_an_approved_form_and_keeps_the_approved_version(submitted, preparer, reviewer):
    form_review(form=submitted, user=reviewer, grade="优")
    frozen = set(FrozenExport.objects.current().values_list("sha256", flat=True))
    adjusted = form_adjust(form=submitted, user=preparer)
    assert adjusted.status == FormStatus.DRAFT and adjusted.is_editable
    assert approved_snapshot(adjusted) is not None
    assert set(FrozenExport.objects.current().values_list("sha256", flat=True)) == frozen


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs two real database connections")
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_decisions_on_one_form_exactly_one_succeeds(reviewer, finance):
    """Two threads (two connections) decide at once; select_for_update makes the second wait and fail."""
    from core.models import User

    second_reviewer = User.objects.create_user("reviewer-two", role=User.Role.REVIEWER)
    second_reviewer.reviewed_departments.set(reviewer.reviewed_departments.all())
    preparer = User.objects.get(username="tianhe")
    form = form_submit(form=Declaration.objects.get(department__name=TIANHE, year=2025), user=preparer)
    barrier = threading.Barrier(2)
    outcomes = []

    def decide(user, grade, comment):
        barrier.wait()
        try:
            form_review(form=form, user=user, grade=grade, comment=comment)
            outcomes.append("ok")
        except TransitionRefused:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=decide, args=(reviewer, "优", "")),
        threading.Thread(target=decide, args=(second_reviewer, "中", "请补充")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok", "refused"]
    assert Review.objects.count() == 1


def test_an_adjusted_form_prints_its_current_data_and_keeps_its_approved_file(
    client, submitted, preparer, reviewer
):
    from django.urls import reverse

    form_review(form=submitted, user=reviewer, grade="优")
    client.force_login(preparer)
    approved_xlsx = client.get(reverse("form-download", args=["declaration", submitted.pk, "xlsx"])).content
    form_adjust(form=submitted, user=preparer)
    Declaration.objects.filter(pk=submitted.pk).update(basic_expenditure="4900.00")
    url = reverse("form-download", args=["declaration", submitted.pk, "xlsx"])
    assert client.get(url).content != approved_xlsx
    assert client.get(url, {"version": "approved"}).content == approved_xlsx
