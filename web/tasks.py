"""Batch exports as background jobs (django-tasks, database backend: app servers and workers share
only the database). A job records its progress so the page can show a progress bar.

The queue stores each task by its dotted path (``web.tasks.run_export_job``); the migration
``web/migrations/0001_move_task_paths.py`` moved jobs queued under the path this module had before.
"""

import logging

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_tasks import task
from django_tasks.signals import task_started

from core.exports.bundle import departments_year_zip
from core.models import ExportJob
from core.pages import departments_for_user
from evaluations.results import district_results, results_xlsx

logger = logging.getLogger(__name__)


def export_job_start(*, user, kind: str, params: dict) -> ExportJob:
    """Record the job and queue it; the enqueued task row is written in the same transaction."""
    with transaction.atomic():
        job = ExportJob.objects.create(user=user, kind=kind, params=params)
        run_export_job.enqueue(job.pk, job.attempt)
    return job


def export_job_retry(job: ExportJob) -> ExportJob:
    """Queue a failed job again as a new attempt; a worker still busy with an old attempt is ignored."""
    with transaction.atomic():
        locked = ExportJob.objects.select_for_update().get(pk=job.pk)
        if locked.status != ExportJob.Status.FAILED:
            return locked
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportJob.Status.QUEUED,
            attempt=F("attempt") + 1,
            done=0,
            total=0,
            error="",
            heartbeat_at=None,
            finished_at=None,
        )
        locked.refresh_from_db()
        run_export_job.enqueue(locked.pk, locked.attempt)
    return locked


def _departments(job: ExportJob):
    """The departments of the job's district that its user may see (checked again in the worker)."""
    departments = departments_for_user(job.user)
    if job.params.get("district"):
        departments = departments.filter(district_id=job.params["district"])
    return list(departments)


class AttemptAbandoned(Exception):
    """This run's attempt was expired (no heartbeat within the lease) or replaced by a retry."""


@task()
def run_export_job(job_id: int, attempt: int = 1) -> None:
    # Tasks queued before attempts existed pass no attempt: they are the job's first.
    mine = ExportJob.objects.filter(pk=job_id, attempt=attempt)
    if not mine.filter(status=ExportJob.Status.QUEUED).update(
        status=ExportJob.Status.RUNNING, heartbeat_at=timezone.now()
    ):
        logger.warning("export job %s attempt %s is no longer queued; skipped", job_id, attempt)
        return
    running = mine.filter(status=ExportJob.Status.RUNNING)
    job = ExportJob.objects.select_related("user").get(pk=job_id)

    def progress(done: int, total: int) -> None:
        # The heartbeat: a job without one for the lease is failed by ExportJob.objects.expire_stale.
        if not running.update(done=done, total=total, heartbeat_at=timezone.now()):
            raise AttemptAbandoned

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
    except AttemptAbandoned:
        logger.warning("export job %s attempt %s was expired or retried; stopped", job_id, attempt)
        return
    except Exception as error:  # a failed job must say so on its page, whatever went wrong
        logger.exception("export job %s failed", job_id)
        running.update(status=ExportJob.Status.FAILED, error=str(error)[:2000], finished_at=timezone.now())
        return
    running.update(
        status=ExportJob.Status.DONE, filename=filename, content=content, finished_at=timezone.now()
    )


def _expire_stale_jobs(sender, **kwargs) -> None:
    """Whenever a worker starts a task (a restarted worker's first), the jobs of dead workers are failed."""
    expired = ExportJob.objects.expire_stale()
    if expired:
        logger.warning("%s export job(s) without a heartbeat within the lease marked failed", expired)


# The worker imports this module to run its tasks, before it sends task_started.
task_started.connect(_expire_stale_jobs, dispatch_uid="perfbudget-expire-stale-jobs")


__all__ = ["export_job_retry", "export_job_start", "run_export_job"]
