"""Reading an XLSX edited offline back into a draft."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from core.exports.foreign import is_ours
from core.exports.registry import import_form
from core.forms import ImportForm
from core.pages import edit_url, require_preparer
from web.views.foreign import stash

# --- XLSX import ---------------------------------------------------------------------------------------


@login_required
def form_import(request):
    """Read our XLSX, edited offline, back into drafts of the user's department; all or nothing."""
    department = require_preparer(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        content = form.cleaned_data["file"].read()
        if not _ours(content):
            # Not written by us: read by its printed labels, and shown before anything is stored.
            return stash(request, content, form.cleaned_data["file"].name)
        try:
            spec, loaded = import_form(content, department=department, user=request.user)
        except ValidationError as error:
            errors = error.messages
        else:
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
    status = 400 if request.method == "POST" else 200
    return render(request, "web/import.html", {"form": form, "errors": errors}, status=status)


def _ours(content: bytes) -> bool:
    """Whether the file carries our marker; a broken file goes on to ``import_form``, which says why."""
    try:
        return is_ours(content)
    except ValidationError:
        return True
