"""The tables of an official layout as HTML, for the on-screen preview inside the site's pages.

The PDF is set from the same :class:`~core.exports.layout.Layout` by ``core/exports/pdf.py``; this is
only what a browser shows (the site's stylesheet draws the rules), so it carries no print furniture.
"""

from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import mark_safe

from core.exports.layout import Layout


def _cell_html(cell, tag: str) -> str:
    attributes = ""
    if cell.colspan > 1:
        attributes += f' colspan="{cell.colspan}"'
    if cell.rowspan > 1:
        attributes += f' rowspan="{cell.rowspan}"'
    classes = f"{cell.style} {cell.horizontal}" + (" joined" if cell.joined else "")
    paragraphs = cell.paragraphs
    if len(paragraphs) == 1 and cell.style != "rich":
        inner = escape(paragraphs[0])  # one plain paragraph: the cell's own text
    else:
        inner = "".join(f"<p>{escape(paragraph)}</p>" for paragraph in paragraphs)
    return f'<{tag}{attributes} class="{escape(classes)}">{inner}</{tag}>'


def _rows_html(rows, tag: str) -> str:
    html = []
    for row in rows:
        html.append("<tr>")
        html.extend(_cell_html(cell, tag) for cell in row.cells)
        html.append("</tr>")
    return "".join(html)


def render_tables_html(layout: Layout) -> str:
    """The tables drawn as HTML in one pass over the cells (linear in their number)."""
    total = sum(layout.widths) or 1
    return render_to_string(
        "exports/_tables.html",
        {
            "layout": layout,
            "widths": [round(width * 100 / total, 3) for width in layout.widths],
            "tables": [
                {
                    "header": mark_safe(_rows_html(table.rows[: table.header_rows], "th")),
                    "body": mark_safe(_rows_html(table.rows[table.header_rows :], "td")),
                }
                for table in layout.tables
            ],
        },
    )
