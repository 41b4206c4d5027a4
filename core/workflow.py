"""The review workflow of domain.md §5: submit, withdraw, review (one or two tiers), adjust after approval.

Every transition is a service that locks the form's row (``select_for_update``) and checks its state
after the lock: of two clicks at once, the second sees the first one's result and is refused with a
message, instead of both succeeding. Each transition bumps the version (so an entry page still open on
the old state cannot save over it) and writes an audit entry in the same transaction.
"""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from core.audit import audit_record
from core.checks import form_findings
from core.exports.frozen import document_freeze
from core.exports.prerender import prerender_on_commit
from core.exports.registry import document_for, table_for
from core.kinds import spec_for
from core.models import AuditEntry, FormBase, FormStatus, FrozenExport, Notification, Review, User
from core.text import control_message


class TransitionRefused(ValidationError):
    """The form is no longer in the state the user saw (someone else acted first)."""


def _lock(form: FormBase) -> FormBase:
    return type(form).objects.select_for_update().select_related("department__district").get(pk=form.pk)


def _require_state(form: FormBase, *states: str, action: str) -> None:
    if form.status not in states:
        raise TransitionRefused(
            f"此表当前状态为“{form.get_status_display()}”，不能{action}（可能已被他人处理，请刷新页面）。"
        )


def _move(form: FormBase, *, user, status: str, message: str, **fields) -> FormBase:
    before = form.get_status_display()
    type(form).objects.filter(pk=form.pk).update(
        status=status, version=F("version") + 1, updated_by=user, updated_at=timezone.now(), **fields
    )
    form.refresh_from_db()
    audit_record(
        obj=form,
        action=AuditEntry.Action.TRANSITION,
        user=user,
        changes={"status": [before, form.get_status_display()]},
        message=message,
    )
    # Reviewers download what was submitted; an approval freezes its files itself (then skipped).
    prerender_on_commit(form)
    return form


def _notify(users, message: str, form: FormBase) -> None:
    url = reverse("form-preview", args=[spec_for(form).slug, form.pk])
    Notification.objects.bulk_create([Notification(user=user, message=message, url=url) for user in users])


def _preparers(form: FormBase):
    return User.objects.filter(role=User.Role.PREPARER, department_id=form.department_id, is_active=True)


def tier_reviewers(form: FormBase, tier: int):
    """Who reviews ``form`` at ``tier``: the department's assigned reviewers, then the finance bureau
    of the department's district (the 财政局 users serving it; the city's bureau only reads)."""
    if tier == 1:
        return User.objects.filter(
            role=User.Role.REVIEWER, reviewed_departments=form.department_id, is_active=True
        )
    return User.objects.filter(
        role=User.Role.FINANCE, districts=form.department.district_id, is_active=True
    ).distinct()


def can_review(user, form: FormBase) -> bool:
    if form.status != FormStatus.SUBMITTED or not user.is_authenticated:
        return False
    return tier_reviewers(form, form.review_tier).filter(pk=user.pk).exists()


def _require_preparer(user, form: FormBase) -> None:
    if not user.prepares(form.department_id):
        raise PermissionDenied("只有本部门的填报人可以提交、撤回或调整此表。")


@transaction.atomic
def form_submit(*, form: FormBase, user) -> FormBase:
    """Submit a draft or a returned form; blocking check findings refuse it, naming each."""
    locked = _lock(form)
    _require_preparer(user, locked)
    _require_state(locked, FormStatus.DRAFT, FormStatus.RETURNED, action="提交")
    blocking = [finding.message for finding in form_findings(locked) if finding.blocking]
    if blocking:
        raise ValidationError(["未提交，请先处理以下问题：", *blocking])
    locked = _move(
        locked,
        user=user,
        status=FormStatus.SUBMITTED,
        message="提交审核",
        review_tier=1,
        submitted_at=timezone.now(),
    )
    _notify(tier_reviewers(locked, 1), f"{locked.department}提交了{locked}，待审核。", locked)
    return locked


@transaction.atomic
def form_withdraw(*, form: FormBase, user) -> FormBase:
    """Take back a submission nobody has reviewed yet (撤回)."""
    locked = _lock(form)
    _require_preparer(user, locked)
    _require_state(locked, FormStatus.SUBMITTED, action="撤回")
    if locked.review_tier != 1:
        raise TransitionRefused("主管部门已审核通过，不能撤回。")
    return _move(locked, user=user, status=FormStatus.DRAFT, message="撤回提交", review_tier=0)


@transaction.atomic
def form_review(
    *, form: FormBase, user, grade: str, comment: str = "", checklist: dict | None = None
) -> Review:
    """Record a reviewer's decision: 优/良 pass the tier (the last tier approves and freezes the files),
    中 returns the form for revision, 差 rejects it. Returning or rejecting needs a comment."""
    locked = _lock(form)
    _require_state(locked, FormStatus.SUBMITTED, action="审核")
    if not can_review(user, locked):
        raise PermissionDenied("您不是此表当前层级的审核人。")
    if grade not in Review.Grade.values:
        raise ValidationError("请选择审核等级（优、良、中、差）。")
    decision = {
        Review.Grade.EXCELLENT: Review.Decision.APPROVE,
        Review.Grade.GOOD: Review.Decision.APPROVE,
        Review.Grade.FAIR: Review.Decision.RETURN,
        Review.Grade.POOR: Review.Decision.REJECT,
    }[grade]
    comment = (comment or "").strip()
    if control_message("“审核意见”", comment):
        raise ValidationError(control_message("“审核意见”", comment))
    if decision != Review.Decision.APPROVE and not comment:
        raise ValidationError("退回或不予通过时必须填写审核意见，说明需要修改的内容。")
    tier = locked.review_tier
    last_tier = tier >= locked.department.district.review_tiers
    final = decision != Review.Decision.APPROVE or last_tier
    label = f"{'主管部门' if tier == 1 else '财政局'}审核（{grade}）"
    checklist = {key: bool((checklist or {}).get(key)) for key, _label in Review.CHECKLIST}
    if decision == Review.Decision.APPROVE and final:
        review, _files = _approve(
            locked,
            user=user,
            tier=tier,
            grade=grade,
            comment=comment,
            checklist=checklist,
            message=f"{label}通过",
        )
        return review
    review = Review.objects.create(
        content_type=ContentType.objects.get_for_model(locked),
        object_id=locked.pk,
        form_version=locked.version,
        tier=tier,
        reviewer=user,
        decision=decision,
        grade=grade,
        comment=comment,
        checklist=checklist,
    )
    if decision == Review.Decision.APPROVE:
        _move(
            locked,
            user=user,
            status=FormStatus.SUBMITTED,
            message=f"{label}通过，转财政局审核",
            review_tier=tier + 1,
        )
        _notify(tier_reviewers(locked, tier + 1), f"{locked}已通过主管部门审核，待财政局审核。", locked)
    else:
        status = FormStatus.RETURNED if decision == Review.Decision.RETURN else FormStatus.REJECTED
        _move(
            locked,
            user=user,
            status=status,
            message=f"{label}{review.get_decision_display()}：{comment}",
            review_tier=0,
            reviewed_at=timezone.now(),
        )
        _notify(_preparers(locked), f"{locked}被{review.get_decision_display()}：{comment}", locked)
    return review


def _approve(
    locked: FormBase, *, user, tier: int, grade: str, comment: str, checklist: dict, message: str
) -> tuple[Review, list[FrozenExport]]:
    """The final approval, whoever gives it: the review record with the approved data, the status,
    the frozen files and the preparers' notification, in the caller's transaction."""
    review = Review.objects.create(
        content_type=ContentType.objects.get_for_model(locked),
        object_id=locked.pk,
        form_version=locked.version,
        tier=tier,
        reviewer=user,
        decision=Review.Decision.APPROVE,
        grade=grade,
        comment=comment,
        checklist=checklist,
        snapshot=spec_for(locked).record(locked),
    )
    _move(
        locked,
        user=user,
        status=FormStatus.APPROVED,
        message=message,
        review_tier=0,
        reviewed_at=timezone.now(),
    )
    files = _freeze(locked, user, replace=True)
    _notify(_preparers(locked), f"{locked}已审核通过。", locked)
    return review, files


def _freeze(form: FormBase, user, *, replace: bool) -> list[FrozenExport]:
    """Render the approved form's PDF and XLSX once; later downloads serve those bytes (§6).

    A form that is a row of its kind's table (a project) also freezes the table once every form of
    it is approved.
    """
    files = document_freeze(document_for(form), user=user, replace=replace)
    table = table_for(form)
    if table is not None and not table.forms().exclude(status=FormStatus.APPROVED).exists():
        files += document_freeze(table, user=user, replace=replace)
    return files


ADMIN_APPROVAL = "管理后台标记为已审核"


@transaction.atomic
def form_approve_and_freeze(form: FormBase, *, user) -> list[FrozenExport]:
    """The administrator's approval (the admin's “标记为已审核并冻结导出文件”): the same approval as
    a reviewer's final one — review record, approved data, status, frozen files — without the tiers.

    The arithmetic of domain.md blocks it as it blocks submission. Running it on an approved form only
    freezes what is missing. Returns the form's frozen files (and its table's, once complete).
    """
    locked = _lock(form)
    if locked.status == FormStatus.APPROVED:
        files = _freeze(locked, user, replace=False)
    else:
        problems = locked.arithmetic_problems()
        if problems:
            raise ValidationError(problems)
        _review, files = _approve(
            locked,
            user=user,
            tier=locked.department.district.review_tiers,
            grade=Review.Grade.GOOD,
            comment=ADMIN_APPROVAL,
            checklist={},
            message="标记为已审核",
        )
    form.status, form.version = locked.status, locked.version
    return files


@transaction.atomic
def form_adjust(*, form: FormBase, user) -> FormBase:
    """Open an approved form for a change (调整): a new version that goes through review again.

    The approved version stays readable: its frozen files are served until the new version is
    approved, and the data approved is kept in the approving review for comparison.
    """
    locked = _lock(form)
    _require_preparer(user, locked)
    _require_state(locked, FormStatus.APPROVED, action="调整")
    return _move(
        locked,
        user=user,
        status=FormStatus.DRAFT,
        message="调整（审核通过后修改，须重新审核）",
        review_tier=0,
    )


def reviews_of(form: FormBase):
    return Review.objects.filter(
        content_type=ContentType.objects.get_for_model(form), object_id=form.pk
    ).select_related("reviewer")


def approved_snapshot(form: FormBase) -> Review | None:
    """The last final approval of ``form``, with the data that was approved."""
    return reviews_of(form).filter(decision=Review.Decision.APPROVE).exclude(snapshot={}).first()
