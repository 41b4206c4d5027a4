"""Background export jobs: start, progress, download, retry."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from core.exports.registry import EXPORTERS
from core.models import ExportJob
from core.pages import attachment, departments_for_user, int_param, require_district_reader
from web.tasks import export_job_retry, export_job_start

# --- background export jobs -----------------------------------------------------------------------------


@require_POST
@login_required
def job_start(request):
    """Queue a district's ZIP or a year's results workbook; the job page shows its progress."""
    require_district_reader(request.user)
    kind = request.POST.get("kind", "")
    if kind not in ExportJob.Kind.values:
        raise Http404
    district = int_param(request.POST.get("district"), 0)
    if not departments_for_user(request.user).filter(district_id=district).exists():
        raise Http404
    year = int_param(request.POST.get("year"), 0)
    formats = [f for f in request.POST.getlist("formats") if f in EXPORTERS] or ["pdf", "xlsx"]
    job = export_job_start(
        user=request.user, kind=kind, params={"district": district, "year": year, "formats": formats}
    )
    return redirect("job-detail", pk=job.pk)


def _job_for_user(user, pk: int):
    """The user's own job; a running one whose worker stopped sending heartbeats is failed first."""
    ExportJob.objects.filter(pk=pk, user=user).expire_stale()
    return get_object_or_404(ExportJob.objects.defer("content"), pk=pk, user=user)


@require_GET
@login_required
def job_detail(request, pk: int):
    return render(request, "web/job.html", {"job": _job_for_user(request.user, pk)})


@require_POST
@login_required
def job_retry(request, pk: int):
    """Queue a failed job again (重试)."""
    job = _job_for_user(request.user, pk)
    if job.status != ExportJob.Status.FAILED:
        messages.info(request, f"此任务当前为“{job.get_status_display()}”，不需要重试。")
    else:
        export_job_retry(job)
        messages.success(request, "已重新排队，稍后在此下载。")
    return redirect("job-detail", pk=job.pk)


@require_GET
@login_required
def job_status(request, pk: int):
    job = _job_for_user(request.user, pk)
    return JsonResponse(
        {
            "status": job.status,
            "status_label": job.get_status_display(),
            "done": job.done,
            "total": job.total,
            "percent": job.percent,
            "error": job.error,
            "download": reverse("job-download", args=[job.pk]) if job.status == job.Status.DONE else "",
        },
        json_dumps_params={"ensure_ascii": False},
    )


@require_GET
@login_required
def job_download(request, pk: int):
    job = get_object_or_404(ExportJob, pk=pk, user=request.user, status=ExportJob.Status.DONE)
    content_type = "application/zip" if job.filename.endswith(".zip") else EXPORTERS["xlsx"].content_type
    return attachment(bytes(job.content), job.filename, content_type)
