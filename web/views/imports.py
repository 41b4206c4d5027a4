"""Reading an XLSX edited offline back into a draft."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from core.exports.foreign import is_ours
from core.exports.registry import ImportNeedsConfirmation, import_form
from core.forms import ImportForm
from core.models import PendingImport
from core.pages import edit_url, int_param, require_preparer
from web.views.foreign import stash

PENDING_KEPT = timedelta(days=1)

# --- XLSX import ---------------------------------------------------------------------------------------


@login_required
def form_import(request):
    """Read our XLSX, edited offline, back into drafts of the user's department; all or nothing.

    An import that would delete content, create a form or overwrite a form of unknown version is shown
    first (what it would do) and waits for 确认导入: the file is kept as a ``PendingImport`` until then.
    """
    department = require_preparer(request.user)
    PendingImport.objects.filter(created_at__lt=timezone.now() - PENDING_KEPT).delete()
    if request.method == "POST" and "pending" in request.POST:
        return _confirm(request, department)
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read()
        if not _ours(content):
            # Not written by us: read by its printed labels, and shown before anything is stored.
            return stash(request, content, upload.name)
        try:
            spec, loaded = import_form(content, department=department, user=request.user)
        except ImportNeedsConfirmation as pending:
            PendingImport.objects.filter(user=request.user).delete()
            kept = PendingImport.objects.create(
                user=request.user,
                filename=upload.name[:200],
                content=content,
                versions=pending.versions,
                warnings=pending.warnings,
            )
            return render(request, "web/import.html", {"form": ImportForm(), "pending": kept}, status=200)
        except ValidationError as error:
            errors = error.messages
        else:
            return _imported(request, spec, loaded)
    status = 400 if request.method == "POST" else 200
    return render(request, "web/import.html", {"form": form, "errors": errors}, status=status)


def _ours(content: bytes) -> bool:
    """Whether the file carries our marker; a broken file goes on to ``import_form``, which says why."""
    try:
        return is_ours(content)
    except ValidationError:
        return True


def _confirm(request, department):
    pending = PendingImport.objects.filter(
        user=request.user, pk=int_param(request.POST["pending"], 0)
    ).first()
    if pending is None:
        messages.error(
            request, "这次导入已取消或已过期（上传后一天内有效），未保存任何内容，请重新上传文件。"
        )
        return redirect("form-import")
    if request.POST.get("action") != "confirm":
        pending.delete()
        messages.info(request, f"已取消导入“{pending.filename}”，未保存任何内容。")
        return redirect("form-import")
    try:
        spec, loaded = import_form(
            bytes(pending.content), department=department, user=request.user, confirmed=pending.versions
        )
    except (ValidationError, ImportNeedsConfirmation) as error:
        pending.delete()
        problems = error.messages if isinstance(error, ValidationError) else error.warnings
        return render(request, "web/import.html", {"form": ImportForm(), "errors": problems}, status=400)
    pending.delete()
    return _imported(request, spec, loaded)


def _imported(request, spec, loaded):
    first = loaded[0].form
    if len(loaded) == 1:
        messages.success(
            request,
            f"已导入{spec.describe(spec.name_of(first))}（{first.year}年），请核对后保存或提交。",
        )
        return redirect(edit_url(spec, first))
    messages.success(
        request,
        f"已导入{spec.label}（{first.year}年，{len(loaded)}个{spec.name_noun}），请逐一核对后提交。",
    )
    return redirect(f"{reverse('workspace')}?year={first.year}")
