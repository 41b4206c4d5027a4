"""``{% entry_row form number %}``: one row of an entry page's table, as ``forms/_row.html`` draws it.

An entry page has hundreds of rows (an indicator tree, tasks, a 评分表), and the include of
``forms/_row.html`` with its cell includes was most of the page's CPU. A row without errors,
suggestions or nested rows — nearly every row — is written here in Python, to the byte what the
template writes (``tests/core/test_row_renderer.py`` compares both on every kind's page); any other row
is drawn by the template.
"""

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

register = template.Library()

ROW = "forms/_row.html"
ACTIONS = (
    '\n    \n    <button type="button" class="btn btn-sm btn-outline-secondary" data-move="up" title="上移" '
    'aria-label="上移" tabindex="-1">↑</button>\n    <button type="button" class="btn btn-sm '
    'btn-outline-secondary" data-move="down" title="下移" aria-label="下移" tabindex="-1">↓</button>\n'
    '    <button type="button" class="btn btn-sm btn-outline-danger" data-remove title="删除此行" '
    'aria-label="删除此行" tabindex="-1">✕</button>\n  </td>\n</tr>\n'
)


def _plain(form) -> bool:
    """A row the Python writer draws: no errors, no suggestions, no nested rows."""
    has_errors = getattr(form, "has_errors", None)
    return not (
        (has_errors() if callable(has_errors) else has_errors)
        or getattr(form, "suggestions", None)
        or getattr(form, "nested", None)
    )


def row_html(form, number) -> str:
    visible = form.visible_fields()
    note = getattr(form, "note", "")
    cells = []
    for index, field in enumerate(visible):
        after = format_html('<div class="form-text row-note">{}</div>', note) if index == 0 and note else ""
        # forms/_cell.html ends with a newline, which the include keeps.
        cells.append(format_html('<td class="col-{}">{}\n{}</td>', field.name, field, after))
    hidden = "".join(str(field) for field in form.hidden_fields())
    stated = getattr(form, "stated_level1_note", "")
    badge = format_html('<span class="badge text-bg-warning stated">{}</span>', stated) if stated else ""
    return (
        f'<tr data-row>\n  <td class="row-number">{conditional_escape(number)}</td>\n  {"".join(cells)}\n  \n'
        f'  <td class="row-actions">{hidden}{badge}{ACTIONS}'
    )


@register.simple_tag(takes_context=True)
def entry_row(context, form, number=""):
    if _plain(form):
        return mark_safe(row_html(form, number))
    with context.push(form=form, number=number):
        return context.template.engine.get_template(ROW).render(context)
