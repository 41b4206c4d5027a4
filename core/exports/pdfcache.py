"""PDFs rendered once per print document and served from the database afterwards.

WeasyPrint takes 0.2–1 s of CPU per form; under load (50 users, a PDF every few rounds) the renders
saturate the cores and every request waits. A form that did not change prints the same HTML, so the
key of a stored PDF is the SHA-256 of that HTML (plus the renderer's version): a download of an
unchanged form costs one render of the HTML (milliseconds) and one indexed read. A form saved since
prints other HTML and gets its own render — nothing can serve a stale file, and there is nothing to
invalidate. Approved forms are served from their frozen files (``core/exports/frozen.py``) before this.
"""

import hashlib
import logging
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.exports.html import pdf_from_html, render_html
from core.exports.layout import Layout
from core.exports.stamp import Stamp
from core.models import RenderedPdf

logger = logging.getLogger(__name__)

# Bump when fonts or the PDF step change in a way the HTML does not show (a new WeasyPrint version
# changes the key by itself).
RENDERER = "1"


def _renderer() -> str:
    import weasyprint

    return f"weasyprint {weasyprint.__version__}; perfbudget {RENDERER}"


def pdf_key(html: str) -> str:
    return hashlib.sha256(f"{_renderer()}\n{html}".encode()).hexdigest()


def stored_pdf(key: str) -> bytes | None:
    """The stored PDF of the print document whose key is ``key``, or None."""
    stored = RenderedPdf.objects.filter(key=key).values_list("content", flat=True).first()
    return None if stored is None else bytes(stored)


def store_pdf(key: str, content: bytes) -> None:
    """Store ``content`` as the PDF of ``key`` (a concurrent render may have stored it first)."""
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
    html = render_html(layout, stamp)
    key = pdf_key(html)
    stored = stored_pdf(key)
    if stored is not None:
        return stored
    content = pdf_from_html(html)
    store_pdf(key, content)
    return content


def _prune() -> None:
    days = getattr(settings, "PDF_CACHE_DAYS", 30)
    RenderedPdf.objects.filter(created_at__lt=timezone.now() - timedelta(days=days)).delete()
