"""Monitoring fixtures: the seeds with some of 天河's 2024 projects approved, and a round opened on them."""

from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.utils import timezone

from core.models import Department, FormStatus
from declarations.models import Project
from monitoring.models import MonitoringForm, RoundType
from monitoring.services import round_open
from scripts.loadtest import form_values
from tests.conftest import TIANHE

APPROVED_PROJECTS = 3


@pytest.fixture
def approved(seeded):
    """The first three of 天河's 2024 projects with approved targets (approval itself is tested elsewhere)."""
    projects = Project.objects.filter(department__name=TIANHE, year=2024).order_by("position")[
        :APPROVED_PROJECTS
    ]
    Project.objects.filter(pk__in=[p.pk for p in projects]).update(status=FormStatus.APPROVED)
    return list(Project.objects.filter(pk__in=[p.pk for p in projects]).order_by("position"))


@pytest.fixture
def open_round(approved, finance):
    today = timezone.localdate()
    district = Department.objects.get(name=TIANHE).district
    return round_open(
        district=district,
        year=2024,
        stage=7,
        type=RoundType.SELF,
        opens_on=today - timedelta(days=3),
        deadline=today + timedelta(days=10),
        warning_days=3,
        user=finance,
    )


@pytest.fixture
def monitoring_form(open_round) -> MonitoringForm:
    return open_round.forms.order_by("project__position").first()


class _Choices(HTMLParser):
    """Selected options and checked boxes, which ``form_values`` (inputs and textareas) leaves out."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, list[str]] = {}
        self.select = None
        self.in_template = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "template":
            self.in_template += 1
        if self.in_template:
            return
        if tag == "select":
            self.select = attrs.get("name")
            self.values.setdefault(self.select, [])
        elif tag == "option" and self.select and "selected" in attrs:
            self.values[self.select] = [attrs.get("value", "")]
        elif tag == "input" and attrs.get("type") == "checkbox":
            chosen = self.values.setdefault(attrs["name"], [])
            if "checked" in attrs:
                chosen.append(attrs.get("value", "on"))

    def handle_endtag(self, tag):
        if tag == "template":
            self.in_template -= 1
        elif tag == "select":
            self.select = None


def page_data(html: str) -> dict:
    """What a browser posts from an entry page: inputs, textareas, selected options, checked boxes."""
    values: dict = form_values(html)
    values.pop("csrfmiddlewaretoken", None)
    parser = _Choices()
    parser.feed(html)
    for name, chosen in parser.values.items():
        values.pop(name, None)
        if chosen:
            values[name] = chosen
    return values
