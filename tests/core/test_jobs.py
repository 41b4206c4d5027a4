"""Batch exports as background jobs on the django-tasks database backend, run by its real worker."""

import io
import os
import subprocess
import sys
import time
import zipfile

import openpyxl
import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from core.models import Department, ExportJob
from tests.conftest import REPO_DIR, TIANHE

pytestmark = pytest.mark.usefixtures("seeded")


def start(client, kind: str, district: int, year: int, formats=("xlsx",)):
    response = client.post(
        reverse("job-start"), {"kind": kind, "district": district, "year": year, "formats": list(formats)}
    )
    assert response.status_code == 302, response.content[:500]
    return ExportJob.objects.latest("pk")


@pytest.mark.django_db(transaction=True)  # the worker opens its own transactions
def test_a_district_zip_is_queued_run_by_the_worker_and_downloaded(client, finance):
    client.force_login(finance)
    district = Department.objects.get(name=TIANHE).district_id
    job = start(client, "district-zip", district, 2024)
    assert client.get(reverse("job-status", args=[job.pk])).json()["status"] == "queued"
    page = client.get(reverse("job-detail", args=[job.pk])).content.decode()
    assert 'role="progressbar"' in page
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    status = client.get(reverse("job-status", args=[job.pk])).json()
    assert (status["status"], status["percent"], status["done"], status["total"]) == ("done", 100, 1, 1)
    archive = zipfile.ZipFile(io.BytesIO(client.get(status["download"]).content))
    names = archive.namelist()
    assert any(name.startswith(f"{TIANHE}/") and "项目支出绩效目标表" in name for name in names), names
    assert "清单.txt" in names


@pytest.mark.django_db(transaction=True)
def test_a_results_workbook_job(client, finance):
    client.force_login(finance)
    district = Department.objects.get(name=TIANHE).district_id
    job = start(client, "results", district, 2022)
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE
    book = openpyxl.load_workbook(io.BytesIO(bytes(job.content)))
    assert book.sheetnames == ["自评结果", "图表"]


def test_jobs_are_private_and_preparers_cannot_start_them(client, finance, reviewer, preparer):
    client.force_login(finance)
    job = start(client, "results", Department.objects.get(name=TIANHE).district_id, 2022)
    client.force_login(reviewer)
    assert client.get(reverse("job-detail", args=[job.pk])).status_code == 404
    client.force_login(preparer)
    assert (
        client.post(reverse("job-start"), {"kind": "results", "district": 1, "year": 2022}).status_code == 404
    )


def test_a_reviewer_cannot_pack_a_district_they_do_not_review(client, yuexiu):
    from core.models import District, User

    other = District.objects.create(name="其他区")
    reviewer = User.objects.create_user("r-yuexiu", role=User.Role.REVIEWER)
    reviewer.reviewed_departments.set([yuexiu])
    client.force_login(reviewer)
    assert (
        client.post(
            reverse("job-start"), {"kind": "district-zip", "district": other.pk, "year": 2024}
        ).status_code
        == 404
    )


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="a worker process needs the shared PostgreSQL database"
)
@pytest.mark.django_db(transaction=True)
def test_a_separate_worker_process_runs_the_job(client, finance):
    """App and worker share only PostgreSQL: a `db_worker` process picks the job up and finishes it."""
    client.force_login(finance)
    district = Department.objects.get(name=TIANHE).district_id
    job = start(client, "results", district, 2022)
    settings_db = connection.settings_dict
    env = {
        **os.environ,
        "PERFBUDGET_ENV": "test",
        "DATABASE_URL": f"postgres://{settings_db['USER']}@{settings_db['HOST']}:{settings_db['PORT']}/{settings_db['NAME']}",
    }
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay", "--no-reload"],
        cwd=REPO_DIR,
        env=env,
    )
    try:
        worker.wait(timeout=120)
    finally:
        worker.kill()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status == ExportJob.Status.DONE:
            break
        time.sleep(0.2)
    assert job.status == ExportJob.Status.DONE


# --- a worker that dies (issue 14 item 7) ---------------------------------------------------------------


def _running_job(finance, *, minutes_ago: int) -> ExportJob:
    """A job as a worker that died left it: 进行中 5%, its last heartbeat ``minutes_ago``."""
    from datetime import timedelta

    from django.utils import timezone

    district = Department.objects.get(name=TIANHE).district_id
    job = ExportJob.objects.create(
        user=finance,
        kind=ExportJob.Kind.RESULTS,
        params={"district": district, "year": 2022, "formats": ["xlsx"]},
        status=ExportJob.Status.RUNNING,
        done=1,
        total=20,
        heartbeat_at=timezone.now() - timedelta(minutes=minutes_ago),
    )
    return job


@pytest.mark.django_db(transaction=True)
def test_a_job_whose_worker_died_is_failed_on_its_page_and_retried(client, finance):
    job = _running_job(finance, minutes_ago=6)
    client.force_login(finance)
    page = client.get(reverse("job-detail", args=[job.pk])).content.decode()
    assert "失败" in page
    assert (
        "后台处理中断：超过5分钟没有进展（处理它的后台进程可能已停止），任务未完成。请点击“重试”重新生成。"
        in page
    )
    assert 'id="job-retry" class=""' in page
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED
    assert client.get(reverse("job-status", args=[job.pk])).json()["status"] == "failed"
    # 重试: queued again as attempt 2, run by the real worker to the end.
    response = client.post(reverse("job-retry", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.status, job.attempt, job.error, job.done) == (ExportJob.Status.QUEUED, 2, "", 0)
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    status = client.get(reverse("job-status", args=[job.pk])).json()
    assert (status["status"], status["percent"]) == ("done", 100)
    job.refresh_from_db()
    assert job.heartbeat_at is not None


def test_a_job_with_a_recent_heartbeat_stays_running(client, finance):
    job = _running_job(finance, minutes_ago=2)
    client.force_login(finance)
    assert client.get(reverse("job-status", args=[job.pk])).json()["status"] == "running"
    assert client.post(reverse("job-retry", args=[job.pk])).status_code == 302
    job.refresh_from_db()
    assert (job.status, job.attempt) == (ExportJob.Status.RUNNING, 1)


@pytest.mark.django_db(transaction=True)
def test_a_restarted_worker_fails_the_jobs_of_dead_workers_and_an_expired_attempt_cannot_finish(
    client, finance
):
    from web.tasks import run_export_job

    dead = _running_job(finance, minutes_ago=30)
    client.force_login(finance)
    # Another job queued: the restarted worker's first task start expires the dead worker's job.
    fresh = start(client, "results", Department.objects.get(name=TIANHE).district_id, 2022)
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    dead.refresh_from_db()
    fresh.refresh_from_db()
    assert dead.status == ExportJob.Status.FAILED and "后台处理中断" in dead.error
    assert fresh.status == ExportJob.Status.DONE
    # The dead attempt's worker, were it only slow, can no longer write the job.
    run_export_job.call(dead.pk, 1)
    dead.refresh_from_db()
    assert dead.status == ExportJob.Status.FAILED and not dead.content
