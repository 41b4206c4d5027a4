"""Jobs queued before the background tasks moved from ``core.jobs`` to ``web.tasks`` keep running.

django-tasks stores each queued task by its dotted path and imports it in the worker; a row still
naming the old module would fail in the worker with an import error.
"""

from django.db import migrations

MOVES = {"core.jobs.run_export_job": "web.tasks.run_export_job"}


def forwards(apps, schema_editor):
    results = apps.get_model("django_tasks_database", "DBTaskResult")
    for old, new in MOVES.items():
        results.objects.filter(task_path=old).update(task_path=new)


def backwards(apps, schema_editor):
    results = apps.get_model("django_tasks_database", "DBTaskResult")
    for old, new in MOVES.items():
        results.objects.filter(task_path=new).update(task_path=old)


class Migration(migrations.Migration):
    dependencies = [("django_tasks_database", "0016_remove_dbtaskresult_django_task_new_ordering_idx_and_more")]

    operations = [migrations.RunPython(forwards, backwards)]
