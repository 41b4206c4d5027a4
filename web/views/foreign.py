"""Importing a workbook we did not write: read by its labels, previewed, then imported or refused.

The upload stays in the session between the preview and the confirmation (the same bytes are read
twice, so what is imported is what was previewed); a refused file is offered back with every problem
written as a comment on its cell.
"""

import base64
import json
from datetime import date
from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from core.exports.foreign import ForeignImport, annotated, import_foreign
from core.exports.html import render_tables_html
from core.pages import attachment, edit_url, int_param, require_preparer

SESSION_KEY = "foreign_import"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def stash(request, content: bytes, filename: str):
    """Keep an upload without our marker for its preview, and go there."""
    request.session[SESSION_KEY] = {"content": base64.b64encode(content).decode(), "filename": filename}
    return redirect("form-import-preview")


def _stashed(request) -> tuple[bytes, str] | None:
    stashed = request.session.get(SESSION_KEY)
    if not stashed:
        return None
    return base64.b64decode(stashed["content"]), stashed["filename"]


def _year(value) -> int | None:
    year = int_param(value, 0)
    return year if 2000 <= year <= 2100 else None


def _preview_layout(result: ForeignImport):
    """What will be stored, drawn in the official layout (a project table: the whole table of the year)."""
    spec = result.spec
    if result.table is not None:
        return spec.table.layout(result.table)
    if len(result.stored) == 1:
        return spec.draw(result.stored[0])
    return None


def _render(request, result: ForeignImport, filename: str, year: int | None, status: int = 200):
    layout = None if result.refused else _preview_layout(result)
    this_year = date.today().year
    years = sorted(
        {*range(this_year - 6, this_year + 3), *([result.year] if result.year else [])}, reverse=True
    )
    replaced = [name or result.spec.label for name in result.versions] if result.spec else []
    return render(
        request,
        "web/import_preview.html",
        {
            "result": result,
            "filename": filename,
            "layout": layout,
            "tables": render_tables_html(layout) if layout is not None else "",
            "years": years,
            "chosen_year": year,
            "versions": json.dumps(result.versions, ensure_ascii=False),
            "replaced": replaced,
        },
        status=status,
    )


@login_required
def import_preview(request):
    """GET: what the stashed workbook would store; POST: import it (all or nothing)."""
    department = require_preparer(request.user)
    stashed = _stashed(request)
    if stashed is None:
        messages.info(request, "请先选择要导入的 XLSX 文件。")
        return redirect("form-import")
    content, filename = stashed
    source = request.POST if request.method == "POST" else request.GET
    year = _year(source.get("year"))
    if request.method != "POST":
        result = import_foreign(content, department=department, year=year, user=request.user)
        return _render(request, result, filename, year, status=400 if result.refused else 200)
    try:
        versions = json.loads(request.POST.get("versions") or "{}")
    except ValueError:
        versions = {}
    result = import_foreign(
        content, department=department, year=year, user=request.user, commit=True, versions=versions
    )
    if result.refused:
        return _render(request, result, filename, year, status=400)
    del request.session[SESSION_KEY]
    spec, forms = result.spec, [loaded.form for loaded in result.loaded]
    if len(forms) == 1:
        messages.success(
            request,
            f"已导入{spec.describe(spec.name_of(forms[0]))}（{result.year}年），请核对后保存或提交。",
        )
        return redirect(edit_url(spec, forms[0]))
    messages.success(
        request, f"已导入{spec.label}（{result.year}年，{len(forms)}个{spec.name_noun}），请逐一核对后提交。"
    )
    if spec.table is not None and spec.table.url_name:
        return redirect(reverse(spec.table.url_name, args=[department.pk, result.year]))
    return redirect(f"{reverse('workspace')}?year={result.year}")


@require_GET
@login_required
def import_annotated(request):
    """The user's own workbook back, each problem (and each cell not imported) as a comment on its cell."""
    department = require_preparer(request.user)
    stashed = _stashed(request)
    if stashed is None:
        return redirect("form-import")
    content, filename = stashed
    result = import_foreign(
        content, department=department, year=_year(request.GET.get("year")), user=request.user
    )
    marked = annotated(content, result.problems, result.notes)
    stem = PurePath(filename).stem or "导入"
    return attachment(marked, f"{stem}-导入问题.xlsx", XLSX)
