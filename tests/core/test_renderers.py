"""The form renderer writes the stock <input>/<textarea> in Python (core/renderers.py): every page
must come out byte for byte as Django's templates draw it."""

import re

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.urls import reverse
from django.utils.safestring import mark_safe

from core.renderers import FastRenderer
from scripts.loadtest import form_values
from tests.core import test_truncated_posts
from tests.core.test_truncated_posts import MODELS

forms_by_kind = test_truncated_posts.forms_by_kind  # the fixture: every kind's form of 天河

STOCK = "django.forms.renderers.DjangoTemplates"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def both(client, settings, method, url, data=None) -> tuple[str, str]:
    client.get(reverse("workspace"))  # shows (and so drops) any message waiting from before
    pages = []
    for renderer in (STOCK, "core.renderers.FastRenderer"):
        settings.FORM_RENDERER = renderer
        response = client.post(url, data) if method == "post" else client.get(url)
        pages.append(CSRF.sub("", response.content.decode()))
    return pages[0], pages[1]


@pytest.mark.parametrize("kind", list(MODELS))
def test_every_entry_page_is_drawn_as_the_templates_draw_it(client, settings, forms_by_kind, kind):
    url = reverse("form-edit", args=[kind, forms_by_kind[kind].pk])
    stock, fast = both(client, settings, "get", url)
    assert "<input" in fast and "<textarea" in fast
    assert fast == stock
    # A refused save shows the posted values (markup and quotes among them) and the errors.
    values = form_values(fast)
    for key in list(values)[5:40]:
        values[key] = "<b>\"粗体\" & '引号'</b>" if not key.endswith(("version", "complete")) else values[key]
    values["action"] = "save"
    stock, fast = both(client, settings, "post", url, values)
    assert "&lt;b&gt;&quot;粗体&quot; &amp; &#x27;引号&#x27;&lt;/b&gt;" in fast
    assert fast == stock


def test_widgets_with_every_kind_of_attribute_and_value():
    class Sample(forms.Form):
        text = forms.CharField(
            widget=forms.TextInput(attrs={"class": 'a"b', "disabled": True, "hidden": False})
        )
        number = forms.DecimalField(widget=forms.NumberInput(attrs={"step": 0.01, "max": 10**6}))
        hidden = forms.CharField(widget=forms.HiddenInput)
        area = forms.CharField(widget=forms.Textarea(attrs={"rows": 3, "data-x": mark_safe("&amp;")}))
        empty = forms.CharField(required=False, widget=forms.Textarea)
        choice = forms.ChoiceField(choices=[("a", "<A>")])

    data = {"text": "<x>&\"'", "number": "1,5", "hidden": "", "area": "第一行\n<script>", "choice": "a"}
    for bound in (Sample(), Sample(data)):
        stock = [str(field) for field in Sample(bound.data or None, renderer=DjangoTemplates())]
        fast = [str(field) for field in Sample(bound.data or None, renderer=FastRenderer())]
        assert fast == stock
