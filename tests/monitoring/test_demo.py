"""generate_demo gives every demo district a closed and an open round with mixed lights."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from core.models import Department, District
from monitoring.models import MonitoringRound, WindowState
from monitoring.rounds import LATE, MISSING, ON_TIME, round_rows

pytestmark = pytest.mark.usefixtures("seeded")


def test_every_demo_district_gets_a_closed_and_an_open_round_with_mixed_lights(client, city_finance):
    call_command("generate_demo", departments=12, verbosity=0)
    district = District.objects.get(name="演示区01")
    rounds = {round_.state(): round_ for round_ in MonitoringRound.objects.filter(district=district)}
    assert set(rounds) == {WindowState.CLOSED, WindowState.OPEN}
    departments = Department.objects.filter(district=district)
    closed = round_rows(rounds[WindowState.CLOSED], departments)
    assert {row.report for row in closed} >= {ON_TIME, LATE, MISSING}
    colours = {row.lights.budget.color for row in closed} | {row.lights.target.color for row in closed}
    assert {"red", "yellow", "green"} <= colours
    client.force_login(city_finance)  # the demo districts: the city reads them all
    for round_ in rounds.values():
        assert client.get(reverse("monitoring-round", args=[round_.pk])).status_code == 200
    # Idempotent: nothing more the second time.
    count = MonitoringRound.objects.count()
    call_command("generate_demo", departments=12, verbosity=0)
    assert MonitoringRound.objects.count() == count
