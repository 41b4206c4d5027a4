"""The HTML renderer (screen preview and PDF through WeasyPrint)."""

import atexit
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import mark_safe

from core.exports import fonts
from core.exports.layout import Layout
from core.exports.stamp import LIVE_NOTE, Stamp

# A paragraph longer than this is printed as consecutive <span>s of at most about this many characters.
# WeasyPrint lays out each line of a text box from the rest of that box's text, so one paragraph of
# n characters costs O(n²): a project's indicator cell of 1,500 indicators (77,000 characters in one
# paragraph) took minutes. Spans flow as one paragraph (CJK text breaks between any two characters),
# so the page looks the same and each line is laid out from at most one short span.
SPAN_CHARACTERS = 120
SPAN_BREAKS = "；。，、;,. ）)"


def _spans(paragraph: str) -> list[str]:
    """``paragraph`` cut into pieces of about ``SPAN_CHARACTERS``, after punctuation where there is some."""
    pieces, start = [], 0
    while len(paragraph) - start > SPAN_CHARACTERS:
        window = paragraph[start : start + SPAN_CHARACTERS]
        cut = max(window.rfind(mark) for mark in SPAN_BREAKS)
        end = start + (cut + 1 if cut >= SPAN_CHARACTERS // 2 else SPAN_CHARACTERS)
        pieces.append(paragraph[start:end])
        start = end
    pieces.append(paragraph[start:])
    return pieces


def _paragraph_html(paragraph: str, continued: bool = False) -> str:
    css = ' class="continued"' if continued else ""
    if len(paragraph) <= SPAN_CHARACTERS:
        return f"<p{css}>{escape(paragraph)}</p>"
    return f"<p{css}>" + "".join(f"<span>{escape(piece)}</span>" for piece in _spans(paragraph)) + "</p>"


def _cell_html(cell, tag: str, part=None, joined: bool = False) -> str:
    """One cell; ``part`` is the share of its paragraphs a continuation row prints (``_row_parts``)."""
    attributes = ""
    if cell.colspan > 1:
        attributes += f' colspan="{cell.colspan}"'
    if cell.rowspan > 1:
        attributes += f' rowspan="{cell.rowspan}"'
    classes = f"{cell.style} {cell.horizontal}" + (" joined" if cell.joined or joined else "")
    if part is None and len(cell.paragraphs) == 1 and cell.style != "rich":
        # One plain paragraph prints as the cell's own text, without a <p>: the same lines (a cell's
        # <p> has no margin and no indent), one box fewer to style and lay out (seed 000: 140 -> 9).
        inner = _paragraph_html(cell.paragraphs[0])[3:-4]
    else:
        pieces = [(p, False) for p in cell.paragraphs] if part is None else part
        inner = "".join(_paragraph_html(paragraph, continued) for paragraph, continued in pieces)
    return f'<{tag}{attributes} class="{escape(classes)}">{inner}</{tag}>'


# A row whose cells hold more than this many characters is printed as several table rows, the long
# cells' text continuing from one to the next and the other cells joined to the first (no rule between):
# WeasyPrint lays out a table row spanning many pages again on every page (a project of 1,500
# indicators in one cell took minutes), while many short rows are laid out once each.
ROW_CHARACTERS = 400


def _row_parts(row) -> list[list[list[tuple[str, bool]]]] | None:
    """The paragraphs of each cell of ``row`` shared out over continuation rows, or None for a row
    printed as one (short, or with a cell spanning rows)."""
    if any(cell.rowspan > 1 for cell in row.cells) or not any(
        len(cell.text) > ROW_CHARACTERS for cell in row.cells
    ):
        return None
    per_cell = []
    for cell in row.cells:
        rows: list[list[tuple[str, bool]]] = [[]]
        size = 0
        for paragraph in cell.paragraphs:
            pieces = _spans(paragraph) if len(paragraph) > SPAN_CHARACTERS else [paragraph]
            continued = False
            # Pieces of one paragraph are joined again on each row; a row ends between pieces.
            buffer = ""
            for piece in pieces:
                if size + len(buffer) + len(piece) > ROW_CHARACTERS and (buffer or rows[-1]):
                    if buffer:
                        rows[-1].append((buffer, continued))
                        continued = True
                    rows.append([])
                    size, buffer = 0, ""
                buffer += piece
            if buffer:
                rows[-1].append((buffer, continued))
                size += len(buffer)
        per_cell.append(rows)
    count = max(len(rows) for rows in per_cell)
    return [[rows[i] if i < len(rows) else [] for rows in per_cell] for i in range(count)]


# A row is kept on one page (``break-inside: avoid``) unless a cell of it still holds more text than
# about half a page (a long cell within a row spanning others, printed as one row).
BREAKABLE_CHARACTERS = 500


def _rows_html(rows, tag: str) -> str:
    html = []
    for row in rows:
        parts = _row_parts(row)
        if parts is None:
            long = any(len(cell.text) > BREAKABLE_CHARACTERS for cell in row.cells)
            html.append('<tr class="breakable">' if long else "<tr>")
            html.extend(_cell_html(cell, tag) for cell in row.cells)
            html.append("</tr>")
            continue
        for index, part in enumerate(parts):
            html.append("<tr>")
            html.extend(
                _cell_html(cell, tag, cell_part, joined=index > 0)
                for cell, cell_part in zip(row.cells, part, strict=True)
            )
            html.append("</tr>")
    return "".join(html)


def _context(layout: Layout) -> dict:
    """The tables drawn as HTML in Python: one pass over the cells, linear in their number."""
    total = sum(layout.widths)
    return {
        "layout": layout,
        "widths": [round(width * 100 / total, 3) for width in layout.widths],
        "tables": [
            {
                "header": mark_safe(_rows_html(table.rows[: table.header_rows], "th")),
                "body": mark_safe(_rows_html(table.rows[table.header_rows :], "td")),
            }
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


def pdf_from_html(html: str) -> bytes:
    """WeasyPrint on one print document (``render_html``), our static files only."""
    from weasyprint import HTML

    document = HTML(string=html, base_url=str(settings.BASE_DIR), url_fetcher=static_url_fetcher)
    return document.write_pdf(stylesheets=_stylesheets(), font_config=_font_config())


def render_pdf(layout: Layout, stamp: Stamp | None = None) -> bytes:
    return pdf_from_html(render_html(layout, stamp))
