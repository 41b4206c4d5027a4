"""Forms in every state a publication can meet, made through the real services (approvals render
and freeze real PDFs and XLSX)."""

import pytest

from core.models import Department, FrozenExport
from core.workflow import form_adjust, form_approve_and_freeze
from evaluations.models import ProjectEvaluation
from evaluations.services import project_evaluation_replace
from publication.services import document_publish, form_document
from tests.conftest import TIANHE

YEAR = 2024


def evaluation(name: str, department: Department | None = None) -> ProjectEvaluation:
    """A 项目支出绩效自评表 of 天河 2024 named ``name`` (a draft)."""
    department = department or Department.objects.get(name=TIANHE)
    project_evaluation_replace(
        department=department,
        year=YEAR,
        data={
            "project_name": name,
            "funds": {"initial_current": "200.00", "annual_current": "180.00", "executed_current": "171.00"},
        },
    )
    return ProjectEvaluation.objects.get(department=department, year=YEAR, project_name=name)


def approved(name: str, admin, department: Department | None = None) -> ProjectEvaluation:
    form = evaluation(name, department)
    form_approve_and_freeze(form, user=admin)
    form.refresh_from_db()
    return form


def published(name: str, admin, preparer, **options) -> ProjectEvaluation:
    form = approved(name, admin)
    document_publish(form_document(form, "form"), user=preparer, **options)
    return form


def with_status(name: str, status: str) -> ProjectEvaluation:
    """A form put in a review state directly (submitted, returned): no file is frozen before approval."""
    form = evaluation(name)
    ProjectEvaluation.objects.filter(pk=form.pk).update(
        status=status, review_tier=1 if status == "submitted" else 0
    )
    form.refresh_from_db()
    return form


def frozen_pdf(form) -> FrozenExport:
    return FrozenExport.objects.current().get(
        kind="project-self-evaluation",
        department=form.department,
        year=form.year,
        project=form.project_name,
        format="pdf",
    )


def adjusted(form, preparer):
    """调整: the approved form reopened as a draft (its frozen files stay current)."""
    return form_adjust(form=form, user=preparer)


def reapproved(form, admin):
    """The adjusted form approved again: new files are frozen, the old ones superseded."""
    form_approve_and_freeze(form, user=admin)
    form.refresh_from_db()
    return form


@pytest.fixture
def tianhe_department(seeded) -> Department:
    return Department.objects.get(name=TIANHE)
