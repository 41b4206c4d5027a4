"""The public pages (no sign-in): the disclosure index, a district's year, the files, verification;
and the preparer's publish / withdraw buttons on an approved form's preview page."""

import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseNotModified
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.exports.frozen import FrozenExportCorrupted, frozen_content
from core.exports.registry import EXPORTERS, Document
from core.exports.stamp import display_code, normalize_code
from core.kinds import get_kind
from core.models import District, FrozenExport
from core.pages import form_for_user, int_param
from publication.services import (
    PAGE_SIZE,
    QUERY_MAX_LENGTH,
    document_publish,
    document_unpublish,
    form_document,
    parse_public_from,
    public_districts,
    public_file,
    public_listing,
    public_publication_of,
    public_rows,
)

# A frozen file never changes: its URL names its SHA-256, so caches may keep it as long as they like.
IMMUTABLE = "public, max-age=31536000, immutable"
# What a multipart upload adds around the file itself, at most (boundaries, headers, the CSRF field).
UPLOAD_SLACK = 64 * 1024
# The listings change when a department publishes: cached briefly.
LISTING = "public, max-age=60"


def _listing_response(request, template: str, context: dict, status: int = 200) -> HttpResponse:
    response = render(request, template, context, status=status)
    response["Cache-Control"] = LISTING
    return response


@require_GET
def public_index(request):
    """Every district with published forms, and its years."""
    return _listing_response(request, "publication/index.html", {"districts": public_districts()})


@require_GET
def public_district(request, district: int, year: int):
    """The forms a district's departments have published for ``year``, by department and kind."""
    district = get_object_or_404(District, pk=district)
    publications, query = public_listing(district, year, request.GET.get("q", ""))
    page = Paginator(publications, PAGE_SIZE).get_page(int_param(request.GET.get("page"), 1))
    return _listing_response(
        request,
        "publication/district.html",
        {
            "district": district,
            "year": year,
            "query": query,
            "query_max_length": QUERY_MAX_LENGTH,
            "page": page,
            "rows": public_rows(page.object_list, district),
            "years": next((d["years"] for d in public_districts() if d["id"] == district.pk), []),
        },
    )


def _etag(frozen: FrozenExport) -> str:
    return f'"{frozen.sha256}"'


@require_GET
def public_download(request, sha256: str, fmt: str):
    """A published file, by its SHA-256: the frozen bytes, checked against the hash, cached forever."""
    frozen = public_file(sha256.lower(), fmt) if fmt in EXPORTERS else None
    if frozen is None:
        raise Http404("没有此公开文件。")
    etag = _etag(frozen)
    if etag in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponseNotModified()
    else:
        try:
            content = frozen_content(frozen)
        except FrozenExportCorrupted as error:
            return render(request, "publication/unavailable.html", {"message": str(error)}, status=503)
        response = HttpResponse(content, content_type=EXPORTERS[fmt].content_type)
        response["Content-Disposition"] = content_disposition_header(fmt != "pdf", frozen.filename)
        response["Content-Length"] = str(len(content))
    response["ETag"] = etag
    response["Cache-Control"] = IMMUTABLE
    return response


# --- verification -------------------------------------------------------------------------------------


def _title(frozen: FrozenExport) -> str:
    try:
        spec = get_kind(frozen.kind)
    except LookupError:
        return frozen.get_kind_display()
    return Document(spec, frozen.department, frozen.year, frozen.project).title


@require_GET
def verify_lookup(request):
    """Type the code printed on a copy; the page of that code follows."""
    typed = request.GET.get("code", "")
    code = normalize_code(typed)
    if code:
        return redirect("publication-verify", code=code)
    context = {
        "typed": typed[:40],
        "error": "校验码应为12位字母和数字（如 ABCD-EFGH-JKMN），请核对后重新输入。" if typed else "",
    }
    return render(request, "publication/verify_lookup.html", context, status=400 if typed else 200)


@require_http_methods(["GET", "POST"])
def verify(request, code: str):
    """What the code's file is (identity, approval date, SHA-256), and whether an uploaded copy is
    byte for byte that file."""
    canonical = normalize_code(code)
    if canonical and canonical != code:
        return redirect("publication-verify", code=canonical)
    frozen = (
        FrozenExport.objects.filter(verification_code=canonical)
        .select_related("department")
        .defer("content")
        .first()
        if canonical
        else None
    )
    if frozen is None:
        return render(request, "publication/verify_unknown.html", {"code": code[:40]}, status=404)
    result, error = None, ""
    if (
        request.method == "POST"
        and int_param(request.META.get("CONTENT_LENGTH"), 0) > frozen.size + UPLOAD_SLACK
    ):
        # Far larger than the original: not it, and not worth receiving.
        result = {
            "genuine": False,
            "name": "上传的文件",
            "size": int_param(request.META["CONTENT_LENGTH"], 0),
        }
    elif request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            error = "请选择要核验的文件（上传文件）。"
        else:
            # A copy longer than the original cannot be it: read one byte more than the original at most.
            data = upload.read(frozen.size + 1)
            digest = hashlib.sha256(data).hexdigest()
            result = {
                "genuine": len(data) == frozen.size and digest == frozen.sha256,
                "name": upload.name[:200],
                "size": upload.size,
                "sha256": digest if upload.size <= frozen.size + 1 else "",
            }
    publication = public_publication_of(frozen)
    return render(
        request,
        "publication/verify.html",
        {
            "frozen": frozen,
            "title": _title(frozen),
            "display_code": display_code(frozen.verification_code),
            "publication": publication,
            "result": result,
            "error": error,
        },
        status=400 if error else 200,
    )


# --- the preparer's buttons ---------------------------------------------------------------------------


@require_POST
@login_required
def form_publication(request, kind: str, pk: int):
    """Publish, reschedule or withdraw one of the form's documents (``document``: form or table)."""
    _spec, form = form_for_user(request.user, kind, pk)
    try:
        doc = form_document(form, request.POST.get("document", "form"))
    except LookupError:
        raise Http404 from None
    try:
        if request.POST.get("action") == "unpublish":
            document_unpublish(doc, user=request.user)
            messages.success(request, f"已撤销公开：{doc.title}。")
        else:
            publication = document_publish(
                doc, user=request.user, public_from=parse_public_from(request.POST.get("public_from", ""))
            )
            messages.success(
                request,
                f"已公开：{doc.title}。"
                if publication.is_public
                else f"已预约公开：{doc.title}，将于{timezone.localtime(publication.public_from):%Y-%m-%d %H:%M}起在公开页提供。",
            )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect("form-preview", kind=kind, pk=pk)
