"""Reading an XLSX edited offline back into a draft."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from core.views.access import edit_url, require_preparer

# --- XLSX import ---------------------------------------------------------------------------------------


@login_required
def form_import(request):
    """Read our XLSX, edited offline, back into a draft of the user's department; all or nothing."""
    from core.exports.registry import import_form
    from core.forms import ImportForm

    department = require_preparer(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            spec, result = import_form(
                form.cleaned_data["file"].read(), department=department, user=request.user
            )
        except ValidationError as error:
            errors = error.messages
        else:
            imported = result[0] if isinstance(result, tuple | list) else result
            imported = imported[0] if isinstance(imported, list) else imported
            messages.success(request, f"已导入{spec.label}（{imported.year}年），请核对后保存或提交。")
            if spec.model is not None and isinstance(imported, spec.model):
                return redirect(edit_url(spec, imported))
            return redirect(f"{reverse('workspace')}?year={imported.year}")
    status = 400 if request.method == "POST" else 200
    return render(request, "core/import.html", {"form": form, "errors": errors}, status=status)
