"""PDFs rendered once per print document and served from the database afterwards.

A PDF costs tens of milliseconds of CPU (``core/exports/pdf.py``; it took WeasyPrint 0.2–1 s); under
load (50 users, a PDF every few rounds) renders still add up. A form that did not change draws the
same layout, so the key of a stored PDF is the SHA-256 of that layout as drawn — every cell, span and
style, the title block and the stamp — plus the typesetter's version: a download of an unchanged
form costs one layout (milliseconds) and one indexed read. A form saved since draws another layout
and gets its own render — nothing can serve a stale file, and there is nothing to invalidate. Approved forms are served from their frozen files (``core/exports/frozen.py``) before this.
"""

import hashlib
import logging
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.exports.layout import Layout
from core.exports.pdf import ENGINE, render_pdf
from core.exports.stamp import Stamp
from core.models import RenderedPdf

logger = logging.getLogger(__name__)


def pdf_key(layout: Layout, stamp: Stamp | None = None) -> str:
    """The key of the PDF of ``layout`` (with ``stamp``): the dataclasses' ``repr`` holds every value
    they print, in order, and :data:`~core.exports.pdf.ENGINE` changes when the typesetter's output does."""
    return hashlib.sha256(f"{ENGINE}\n{layout!r}\n{stamp!r}".encode()).hexdigest()


def stored_pdf(key: str) -> bytes | None:
    """The stored PDF of the print document whose key is ``key``, or None."""
    stored = RenderedPdf.objects.filter(key=key).values_list("content", flat=True).first()
    return None if stored is None else bytes(stored)


def store_pdf(key: str, content: bytes) -> None:
    """Store ``content`` as the PDF of ``key`` (a concurrent render may have stored it first)."""
    store_pdfs([(key, content)])


def store_pdfs(rendered: list[tuple[str, bytes]]) -> None:
    """Store each ``(key, content)`` in one transaction (one commit for a batch of a ZIP's PDFs)."""
    if not rendered:
        return
    with transaction.atomic():
        for key, content in rendered:
            try:
                # A savepoint: a concurrent render of the same document may have stored it first.
                with transaction.atomic():
                    RenderedPdf.objects.create(key=key, content=content, size=len(content))
            except IntegrityError:
                pass
        _prune()


def render_pdf_stored(layout: Layout, stamp: Stamp | None = None) -> bytes:
    """The PDF of ``layout`` (with its verification ``stamp``, if frozen): the stored one if this exact
    document was rendered before, else rendered now and stored."""
    key = pdf_key(layout, stamp)
    stored = stored_pdf(key)
    if stored is not None:
        return stored
    content = render_pdf(layout, stamp)
    store_pdf(key, content)
    return content


def _prune() -> None:
    days = getattr(settings, "PDF_CACHE_DAYS", 30)
    RenderedPdf.objects.filter(created_at__lt=timezone.now() - timedelta(days=days)).delete()
