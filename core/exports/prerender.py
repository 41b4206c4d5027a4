"""PDFs rendered ahead of the download, in the background worker (``manage.py db_worker``).

A download of an unchanged form reads its stored PDF (``core/exports/pdfcache.py``); the render that
fills the store should not be the download's. So:

- every save of a form (``core.services.form_upsert``) and every workflow transition queues, once the
  transaction commits, a render of the form's print documents — its own and the table it is a row of
  — for ``PDF_PRERENDER_DELAY`` later. A draft being edited is saved again and again: the task carries
  the version it was queued for and does nothing if the form has been saved since (the later save's
  task renders), so a form under edit costs no renders and a form left alone costs one.
- forms written in bulk without a save (demo data, a restored database) are filled by
  ``manage.py prerender_pdfs`` (``pdfs_prerender``), rendered in ``PERFBUDGET_EXPORT_WORKERS``
  processes.

A download that finds nothing stored (within the delay after a save, or before the worker caught up)
still renders the file itself, as before: the user always gets the file in one click.
An approved form whose files are frozen is served from them and is skipped here.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from core.exports.frozen import frozen_status
from core.exports.parallel import RenderPool
from core.exports.registry import Document, document_for, table_for
from core.kinds import kinds
from core.models import FormBase

logger = logging.getLogger(__name__)

# Below the export jobs' default 0: a user waiting for a district ZIP goes first.
PRIORITY = -50


def _delay() -> timedelta:
    return getattr(settings, "PDF_PRERENDER_DELAY", timedelta(seconds=60))


def _documents(form: FormBase) -> list[Document]:
    documents = [document_for(form)]
    table = table_for(form)
    if table is not None:
        documents.append(table)
    return documents


def _unfrozen(doc: Document) -> bool:
    return "pdf" not in frozen_status(doc)


def prerender_on_commit(form: FormBase) -> None:
    """Queue the render of ``form``'s PDFs for when the current transaction commits."""
    label, pk, version = form._meta.label, form.pk, form.version

    def enqueue() -> None:
        try:
            render_form_pdfs.using(priority=PRIORITY, run_after=timezone.now() + _delay()).enqueue(
                label, pk, version
            )
        except Exception:  # the save is committed; a missing render only makes a download slower
            logger.exception("could not queue the PDF render of %s %s", label, pk)

    transaction.on_commit(enqueue)


@task()
def render_form_pdfs(model_label: str, pk: int, version: int) -> int:
    """Render and store the PDFs of one form's documents if it is still at ``version``; return how
    many were rendered (0: saved since, deleted, frozen, or already stored)."""
    form = apps.get_model(model_label).objects.select_related("department__district").filter(pk=pk).first()
    if form is None or form.version != version:
        return 0
    documents = [doc for doc in _documents(form) if _unfrozen(doc)]
    with RenderPool(workers=1) as pool:
        for doc in documents:
            pool.submit("pdf", doc.layout())
    return len(documents) - pool.stored


@dataclass(frozen=True)
class Prerendered:
    documents: int  # documents looked at
    rendered: int  # rendered now and stored
    stored: int  # found already stored
    frozen: int  # approved and frozen: served from their frozen files, not rendered


def pdfs_prerender(
    *,
    years: Iterable[int] | None = None,
    kinds_named: Iterable[str] | None = None,
    workers: int | None = None,
) -> Prerendered:
    """Fill the store with the PDF of every document of every form (of ``years``, of the kinds named),
    as a download of it would print it now; documents already stored or frozen are left alone."""
    years = set(years or ())
    wanted = set(kinds_named or ())
    seen: set[tuple] = set()
    documents = frozen = 0
    with RenderPool(workers) as pool:
        for spec in kinds():
            if wanted and not wanted & {spec.slug, spec.kind.value, *spec.aliases}:
                continue
            forms = spec.model.objects.select_related("department__district").order_by("pk")
            if years:
                forms = forms.filter(year__in=years)
            for form in forms.iterator(chunk_size=200):
                for doc in _documents(form):
                    identity = (doc.kind, doc.department.pk, doc.year, doc.name)
                    if identity in seen:
                        continue
                    seen.add(identity)
                    documents += 1
                    if not _unfrozen(doc):
                        frozen += 1
                        continue
                    pool.submit("pdf", doc.layout())
    return Prerendered(documents, documents - frozen - pool.stored, pool.stored, frozen)


__all__ = ["Prerendered", "pdfs_prerender", "prerender_on_commit", "render_form_pdfs"]
