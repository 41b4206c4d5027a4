"""The entry page of every form kind, its preview and its downloads."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from core.checks import form_findings
from core.exports.frozen import document_served
from core.exports.html import render_tables_html
from core.exports.registry import EXPORTERS, document_for
from core.forms import TRUNCATED_MESSAGE, post_is_complete
from core.models import FormBase, FormStatus
from core.pages import attachment, edit_url, form_for_user, int_param
from core.services import EditConflict
from core.workflow import approved_snapshot
from indicators.services import parse_cell_rows
from publication.services import preview_panel

# --- entry page ----------------------------------------------------------------------------------------


@login_required
def form_edit(request, kind: str, pk: int):
    spec, form = form_for_user(request.user, kind, pk)
    if not form.editable_by(request.user):
        return redirect("form-preview", kind=kind, pk=pk)
    context = {"conflict": None, "service_errors": []}
    status = 200
    if request.method == "POST":
        if not post_is_complete(request.POST):
            # Cut short (a dropped connection): the stored form is shown again, not the fragment, so
            # that saving this page cannot store the fragment either.
            messages.error(request, f"{TRUNCATED_MESSAGE}（本页显示已保存的第{form.version}版。）")
            editor = spec.editor(form, record=spec.record(form))
            return _render_editor(request, spec, form, editor, context, status=400)
        action = request.POST.get("action", "save")
        data = request.POST
        if action in {"paste", "score"}:
            if action == "paste":
                data, notes = _paste_indicators(spec, form, request.POST)
            elif hasattr(spec.editor, "propose_scores"):
                data, notes = spec.editor.propose_scores(form, request.POST)
            else:
                raise Http404
            context["paste_notes"] = notes
            editor = spec.editor(form, data)
            return _render_editor(request, spec, form, editor, context)
        editor = spec.editor(form, data)
        if editor.is_valid():
            expected = editor.expected_version
            if action == "overwrite":
                expected = int_param(request.POST.get("overwrite_version"), expected)
            try:
                saved = editor.save(user=request.user, expected_version=expected)
            except EditConflict as conflict:
                context["conflict"] = conflict
                status = 409
            except ValidationError as error:
                context["service_errors"] = error.messages
                status = 400
            else:
                messages.success(request, f"已保存（第{saved.version}版）。")
                return redirect(edit_url(spec, saved))
        else:
            messages.error(request, f"有 {editor.error_count()} 处填写有误，未保存，请按提示修改。")
            status = 400
    else:
        editor = spec.editor(form, record=spec.record(form))
    return _render_editor(request, spec, form, editor, context, status=status)


def _render_editor(request, spec, form, editor, context, status=200):
    context.update(
        spec=spec,
        form=form,
        editor=editor,
        kind=spec.kind,
        # The findings of the stored form: a draft keeps them, a submission needs the blocking ones
        # fixed. They read the record the editor started from (one read of the form per page).
        warnings=[] if editor.is_bound else form_findings(form, editor.record),
        can_edit=True,
        has_approval=_has_approval(form),
        **(editor.summary() if hasattr(editor, "summary") else {}),
    )
    return render(request, editor.template_name, context, status=status)


def _has_approval(form: FormBase) -> bool:
    """An adjusted form has an approved version to compare with."""
    return (
        form.status != FormStatus.APPROVED
        and form.reviewed_at is not None
        and approved_snapshot(form) is not None
    )


def _paste_indicators(spec, form, post):
    """Add the rows of a pasted seed-003 indicator cell to the page (nothing is saved yet)."""
    data = post.copy()
    text = data.get("paste_text", "")
    data["paste_text"] = ""
    editor = spec.editor(form, data)
    if editor.tree is None or not text.strip():
        return data, ["请先粘贴指标文本。"]
    try:
        rows, warnings = parse_cell_rows(text, editor.tree.index, row="粘贴的指标")
    except ValidationError as error:
        data["paste_text"] = text
        return data, error.messages
    if not rows:
        data["paste_text"] = text
        return data, [
            "没有识别出指标。格式如：1、1-产出指标：11-数量指标：名称；实施周期指标值:100%；年度指标值:100%。"
        ]
    editor.tree.append(data, rows)
    return data, [f"已按指标体系填入 {len(rows)} 条指标，请核对后保存。", *warnings]


@require_GET
@login_required
def form_preview(request, kind: str, pk: int):
    """The form's own document in its official layout, as its PDF prints it."""
    spec, form = form_for_user(request.user, kind, pk)
    layout = spec.draw(spec.record(form))
    return render(
        request,
        "web/preview.html",
        {
            "spec": spec,
            "form": form,
            "kind": spec.kind,
            "layout": layout,
            "tables": render_tables_html(layout),
            "can_edit": form.editable_by(request.user),
            "has_approval": _has_approval(form),
            "publication_panel": preview_panel(request.user, form),
        },
    )


@require_GET
@login_required
def form_download(request, kind: str, pk: int, fmt: str):
    """The form's own document: an approved form's frozen file, a form being adjusted as it is now
    (its approved file one click away, ``?version=approved``)."""
    _spec, form = form_for_user(request.user, kind, pk)
    if fmt not in EXPORTERS:
        raise Http404
    doc = document_for(form)
    if form.status != FormStatus.APPROVED and request.GET.get("version") != "approved":
        filename, content_type, content = doc.render(fmt)
    else:
        served = document_served(doc, fmt)
        filename, content_type, content = served.filename, served.content_type, served.content
    return attachment(content, filename, content_type)
