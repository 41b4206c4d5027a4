"""The form renderer (``FORM_RENDERER``): Django's, with its stock ``<input>`` and ``<textarea>``
templates written out in Python.

An entry page draws a few hundred inputs (every indicator row has half a dozen); through the template
engine each costs about 0.2 ms of CPU, about half of the page's time under load (docs/benchmarks.md,
issue 14 load test). The HTML is the same byte for byte as the templates' (tests/core/test_renderers.py
renders every kind's entry page both ways); anything else — selects, checkboxes, crispy's layouts, a
widget with its own template, a value that is not text — goes through the templates as before.
"""

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData

_WIDGETS = "django/forms/widgets/"
# The stock widgets whose template is only ``{% include "django/forms/widgets/input.html" %}``.
INPUT_TEMPLATES = frozenset(
    f"{_WIDGETS}{name}.html"
    for name in (
        "input",
        "text",
        "number",
        "hidden",
        "email",
        "url",
        "password",
        "search",
        "tel",
        "date",
        "datetime",
        "time",
        "color",
    )
)
TEXTAREA_TEMPLATE = f"{_WIDGETS}textarea.html"


def _stringformat(value) -> str:
    """``{{ value|stringformat:'s' }}``: the filter keeps a safe string safe and escapes the rest."""
    if isinstance(value, SafeData):
        return value
    try:
        return conditional_escape("%s" % value)  # noqa: UP031 (the filter's own formatting)
    except (ValueError, TypeError):
        return ""


def _attrs(attrs: dict) -> str:
    """``django/forms/widgets/attrs.html``."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {conditional_escape(name)}")
        else:
            parts.append(f' {conditional_escape(name)}="{_stringformat(value)}"')
    return "".join(parts)


def _plain(widget: dict) -> bool:
    """Only what the templates print without the engine's localisation: names, types and values that
    are text (a widget's ``format_value`` gives text or None)."""
    return (
        isinstance(widget.get("name"), str)
        and (widget.get("value") is None or isinstance(widget["value"], str))
        and isinstance(widget.get("attrs"), dict)
    )


class FastRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        widget = context.get("widget") if isinstance(context, dict) else None
        if widget is None or not _plain(widget):
            return super().render(template_name, context, request)
        if template_name in INPUT_TEMPLATES and isinstance(widget.get("type"), str):
            value = widget["value"]
            shown = "" if value is None else f' value="{_stringformat(value)}"'
            return (
                f'<input type="{conditional_escape(widget["type"])}" name="{conditional_escape(widget["name"])}"'
                f"{shown}{_attrs(widget['attrs'])}>"
            )
        if template_name == TEXTAREA_TEMPLATE:
            value = widget["value"]
            return (
                f'<textarea name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>\n'
                f"{conditional_escape(value) if value else ''}</textarea>"
            )
        return super().render(template_name, context, request)
