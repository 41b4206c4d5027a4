"""The HTML renderer (screen preview and PDF through WeasyPrint)."""

import atexit
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from core.exports import fonts
from core.exports.layout import Layout
from core.exports.stamp import LIVE_NOTE, Stamp


def _context(layout: Layout) -> dict:
    total = sum(layout.widths)
    return {
        "layout": layout,
        "widths": [round(width * 100 / total, 3) for width in layout.widths],
        "tables": [
            {"header": table.rows[: table.header_rows], "body": table.rows[table.header_rows :]}
            for table in layout.tables
        ],
    }


def render_tables_html(layout: Layout) -> str:
    """The tables alone, for the on-screen preview inside the site's page."""
    return render_to_string("exports/_tables.html", _context(layout))


def render_html(layout: Layout, stamp: Stamp | None = None) -> str:
    """A complete print document; its footer carries the verification ``stamp`` of a frozen file,
    or the note that a live rendering is not the approved text."""
    return render_to_string(
        "exports/document.html", {**_context(layout), "stamp": stamp, "live_note": LIVE_NOTE}
    )


class ForbiddenFetch(ValueError):
    pass


def static_url_fetcher(url: str, *args, **kwargs):
    """Serve only our own static files to WeasyPrint; every other URL is refused.

    A form's text is user input: a stray ``<img src="http://…">`` must never make the server fetch.
    """
    from weasyprint.urls import default_url_fetcher

    prepared = fonts.fetch(url)
    if prepared is not None:
        return prepared
    parts = urlsplit(url)
    if parts.scheme == "data":
        # Inline data (the verification QR code) is decoded locally: nothing is fetched.
        return default_url_fetcher(url)
    path = unquote(parts.path)
    static_prefix = "/" + settings.STATIC_URL.lstrip("/")
    if parts.scheme == "file":
        static_roots = [Path(d).resolve() for d in settings.STATICFILES_DIRS]
        resolved = Path(path).resolve()
        if any(resolved.is_relative_to(root) for root in static_roots):
            return default_url_fetcher(resolved.as_uri())
    elif path.startswith(static_prefix):
        found = finders.find(path[len(static_prefix) :])
        if found:
            return default_url_fetcher(Path(found).resolve().as_uri())
    raise ForbiddenFetch(f"refused to fetch {url!r}")


@cache
def _font_config():
    # One FontConfiguration for the process: building it scans the fonts again every time.
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


@cache
def _stylesheets() -> list:
    """The print stylesheet with the prepared font's ``@font-face`` rules, parsed once per process
    (and the font registered once with the shared FontConfiguration)."""
    from weasyprint import CSS

    css = (
        fonts.font_face_rules()
        + "\n"
        + (settings.BASE_DIR / "templates" / "exports" / "print.css").read_text()
    )
    return [CSS(string=css, font_config=_font_config(), url_fetcher=static_url_fetcher)]


@atexit.register
def _release_fonts() -> None:
    # The FontConfiguration keeps the prepared font in a temporary folder it removes when deleted:
    # delete it while the interpreter is still whole, not during its teardown.
    _stylesheets.cache_clear()
    _font_config.cache_clear()


def render_pdf(layout: Layout, stamp: Stamp | None = None) -> bytes:
    from weasyprint import HTML

    document = HTML(
        string=render_html(layout, stamp), base_url=str(settings.BASE_DIR), url_fetcher=static_url_fetcher
    )
    return document.write_pdf(stylesheets=_stylesheets(), font_config=_font_config())
