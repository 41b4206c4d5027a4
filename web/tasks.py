"""Batch exports as background jobs (django-tasks, database backend: app servers and workers share
only the database). A job records its progress so the page can show a progress bar.

The queue stores each task by its dotted path (``web.tasks.run_export_job``); the migration
``web/migrations/0001_move_task_paths.py`` moved jobs queued under the path this module had before.
"""

import logging

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from core.exports.bundle import departments_year_zip
from core.models import ExportJob
from core.pages import departments_for_user
from evaluations.results import district_results, results_xlsx

logger = logging.getLogger(__name__)


def export_job_start(*, user, kind: str, params: dict) -> ExportJob:
    """Record the job and queue it; the enqueued task row is written in the same transaction."""
    with transaction.atomic():
        job = ExportJob.objects.create(user=user, kind=kind, params=params)
        run_export_job.enqueue(job.pk)
    return job


def _departments(job: ExportJob):
    """The departments of the job's district that its user may see (checked again in the worker)."""
    departments = departments_for_user(job.user)
    if job.params.get("district"):
        departments = departments.filter(district_id=job.params["district"])
    return list(departments)


@task()
def run_export_job(job_id: int) -> None:
    ExportJob.objects.filter(pk=job_id).update(status=ExportJob.Status.RUNNING)
    job = ExportJob.objects.select_related("user").get(pk=job_id)

    def progress(done: int, total: int) -> None:
        ExportJob.objects.filter(pk=job_id).update(done=done, total=total)

    try:
        year = int(job.params["year"])
        if job.kind == ExportJob.Kind.DISTRICT_ZIP:
            filename, content = departments_year_zip(
                _departments(job), year, tuple(job.params.get("formats", ["pdf", "xlsx"])), progress=progress
            )
        else:
            progress(0, 1)
            content = results_xlsx(district_results(_departments(job), year), year)
            filename = f"{year}年度绩效自评结果.xlsx"
            progress(1, 1)
    except Exception as error:  # a failed job must say so on its page, whatever went wrong
        logger.exception("export job %s failed", job_id)
        ExportJob.objects.filter(pk=job_id).update(
            status=ExportJob.Status.FAILED, error=str(error)[:2000], finished_at=timezone.now()
        )
        return
    ExportJob.objects.filter(pk=job_id).update(
        status=ExportJob.Status.DONE, filename=filename, content=content, finished_at=timezone.now()
    )


__all__ = ["export_job_start", "run_export_job"]
