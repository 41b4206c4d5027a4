"""The review workflow pages: submit, withdraw, adjust, review, history, comparison with the approved version."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from core.checks import form_findings
from core.exports.html import render_tables_html
from core.forms import TRUNCATED_MESSAGE, post_is_complete
from core.models import AuditEntry, Review
from core.pages import form_for_user
from core.records import data_differences
from core.workflow import (
    approved_snapshot,
    can_review,
    form_adjust,
    form_review,
    form_submit,
    form_withdraw,
    reviews_of,
)

# --- workflow -------------------------------------------------------------------------------------------


def _transition(request, kind: str, pk: int, service, done: str):
    _spec, form = form_for_user(request.user, kind, pk)
    try:
        service(form=form, user=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    target = "form-edit" if type(form).objects.get(pk=form.pk).editable_by(request.user) else "form-preview"
    return redirect(target, kind=kind, pk=pk)


@require_POST
@login_required
def form_submit_view(request, kind: str, pk: int):
    return _transition(request, kind, pk, form_submit, "已提交审核。")


@require_POST
@login_required
def form_withdraw_view(request, kind: str, pk: int):
    return _transition(request, kind, pk, form_withdraw, "已撤回，可继续修改。")


@require_POST
@login_required
def form_adjust_view(request, kind: str, pk: int):
    return _transition(
        request, kind, pk, form_adjust, "已打开调整：修改后须重新提交审核；已审核的版本仍可查看和下载。"
    )


@login_required
def form_review_view(request, kind: str, pk: int):
    """The reviewer's page: the official layout, the check findings, earlier reviews, the decision.

    A kind may add the reviewer's own part (``KindSpec.review_form``, e.g. their scores); it is saved
    with the decision in one transaction, so a refused decision keeps nothing of it.
    """
    spec, form = form_for_user(request.user, kind, pk)
    errors: list[str] = []
    may_review = can_review(request.user, form)
    posted = request.POST
    truncated = request.method == "POST" and may_review and not post_is_complete(request.POST)
    if truncated:
        # Cut short (a dropped connection): no decision and no score is taken from the fragment, and
        # the page starts again from the stored form rather than from the fragment.
        errors, posted = [f"{TRUNCATED_MESSAGE}（审核结论和审核人评分均未保存。）"], {}
    extra = None
    if spec.review_form is not None and may_review:
        extra = spec.review_form(form, request.POST if request.method == "POST" and not truncated else None)
    if request.method == "POST" and not truncated:
        try:
            with transaction.atomic():
                if extra is not None:
                    if not extra.is_valid():
                        raise ValidationError(extra.problems())
                    extra.save(user=request.user)
                form_review(
                    form=form,
                    user=request.user,
                    grade=request.POST.get("grade", ""),
                    comment=request.POST.get("comment", ""),
                    checklist={key: request.POST.get(key) == "on" for key, _label in Review.CHECKLIST},
                )
        except ValidationError as error:
            errors = error.messages
            form.refresh_from_db()
        else:
            messages.success(request, "审核结论已保存。")
            return redirect("workspace")
    record = spec.record(form)
    layout = spec.draw(record)
    return render(
        request,
        "web/review.html",
        {
            "spec": spec,
            "form": form,
            "kind": spec.kind,
            "layout": layout,
            "tables": render_tables_html(layout),
            "findings": form_findings(form, record),
            "reviews": reviews_of(form),
            "may_review": may_review,
            "review_form": extra,
            "grades": Review.Grade,
            "checklist": Review.CHECKLIST,
            "errors": errors,
            "posted": posted,
        },
        status=400 if errors else 200,
    )


@require_GET
@login_required
def form_history(request, kind: str, pk: int):
    """Every change and transition of a form, newest first; nobody edits history through the app."""
    spec, form = form_for_user(request.user, kind, pk)
    entries = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(form), object_id=form.pk
    ).select_related("user")
    return render(
        request,
        "web/history.html",
        {"spec": spec, "form": form, "kind": spec.kind, "entries": entries, "reviews": reviews_of(form)},
    )


# --- adjustment: the approved version beside the current one -------------------------------------------


@require_GET
@login_required
def form_compare(request, kind: str, pk: int):
    """The approved version and the current (adjusted) one side by side, with the differences listed."""
    spec, form = form_for_user(request.user, kind, pk)
    approval = approved_snapshot(form)
    if approval is None:
        raise Http404("此表没有审核通过的版本。")
    current = spec.record(form)
    skip = set(spec.identity_keys)
    before = {k: v for k, v in approval.snapshot.items() if k not in skip}
    after = {k: v for k, v in current.items() if k not in skip}
    return render(
        request,
        "web/compare.html",
        {
            "spec": spec,
            "form": form,
            "kind": spec.kind,
            "approval": approval,
            "differences": data_differences(before, after),
            "approved_tables": render_tables_html(spec.draw(approval.snapshot)),
            "current_tables": render_tables_html(spec.draw(current)),
        },
    )
