"""The lights (domain.md §7): computed from the record and the district's thresholds, each explained in words."""

from decimal import Decimal

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from core.models import Department
from monitoring.lights import GREEN, NONE, RED, YELLOW, Thresholds, lights_for
from monitoring.models import ThresholdSet, thresholds_for
from monitoring.records import monitoring_data
from tests.conftest import TIANHE


def record(stage=7, executed="40.00", adjusted="100.00", indicators=(), thresholds=None):
    return {
        "stage": stage,
        "thresholds": (thresholds or Thresholds()).as_data(),
        "funds": {
            "adjusted_fiscal": adjusted,
            "adjusted_other": "0",
            "executed_fiscal": executed,
            "executed_other": "0",
        },
        "indicators": list(indicators),
    }


def indicator(annual="100%", progress="60%", forecast="100%", likelihood="certain", name="完成率"):
    return {
        "name": name,
        "annual_value": annual,
        "progress_value": progress,
        "forecast_value": forecast,
        "likelihood": likelihood,
    }


@pytest.mark.parametrize(
    ("stage", "executed", "color", "words"),
    [
        (7, "40.00", GREEN, "不低于6月末执行进度下限40.00%"),
        (7, "35.00", YELLOW, "低于6月末执行进度下限40.00%（差5.00个百分点）"),
        (7, "25.00", RED, "差15.00个百分点，超过10.00个百分点为红灯"),
        (4, "24.99", YELLOW, "低于4月末执行进度下限25.00%"),
        (10, "80.00", GREEN, "10月末执行进度下限80.00%"),
        (3, "0.00", GREEN, "本区3月末前未设执行进度下限"),
    ],
)
def test_the_budget_light_is_execution_against_the_stage_s_floor(stage, executed, color, words):
    light = lights_for(record(stage=stage, executed=executed)).budget
    assert light.color == color
    assert words in light.text


def test_no_adjusted_budget_gives_no_budget_light_and_says_why():
    light = lights_for(record(adjusted="0")).budget
    assert light.color == NONE and "调整后预算数为0" in light.text


@pytest.mark.parametrize(
    ("row", "color", "words"),
    [
        (indicator(), GREEN, "各项指标预计能完成年度指标值"),
        (indicator(likelihood="possible"), YELLOW, "完成目标可能性为“有可能”"),
        (indicator(likelihood="impossible"), RED, "完成目标可能性为“完全不可能”"),
        (indicator(annual="≥20场", forecast="12场"), YELLOW, "偏离年度指标值≥20场-40.00%（超过30.00%）"),
        (indicator(annual="≥20场", forecast="15场"), GREEN, "各项指标"),
        (indicator(annual="≤5%", forecast="9%"), YELLOW, "+80.00%"),
        (indicator(annual="及时", forecast="及时"), GREEN, "各项指标"),
    ],
)
def test_the_target_light_is_the_worst_indicator_s(row, color, words):
    lights = lights_for(record(indicators=[indicator(name="其他"), row]))
    assert lights.target.color == color
    assert words in lights.target.text


def test_the_gap_flag_compares_indicator_progress_with_execution():
    flagged = lights_for(record(executed="40.00", indicators=[indicator(annual="100人", progress="70人")]))
    assert flagged.gap_flagged and "指标完成进度70.00%与预算执行率40.00%相差30.00个百分点" in flagged.gap_text
    close = lights_for(record(executed="65.00", indicators=[indicator(annual="100人", progress="70人")]))
    assert not close.gap_flagged and "未超过10.00个百分点" in close.gap_text
    qualitative = lights_for(record(indicators=[indicator(annual="及时", progress="及时")]))
    assert qualitative.gap.color == NONE


def test_thresholds_are_data_per_district_and_year_and_change_the_light(monitoring_form):
    data = monitoring_data(monitoring_form)
    district = monitoring_form.department.district
    assert thresholds_for(district, 2024) == Thresholds()  # the preset until the administrator sets one
    custom = ThresholdSet.objects.create(district=district, year=2024, red_margin=Decimal("5"))
    custom.floors.create(month=7, floor=Decimal("70"))
    data = monitoring_data(monitoring_form)
    assert data["thresholds"]["floors"] == [[7, "70.00"]]
    data["funds"].update(executed_fiscal=f"{monitoring_form.initial_fiscal * Decimal('0.62'):.2f}")
    light = lights_for(data).budget
    assert light.color == RED and "7月末执行进度下限70.00%" in light.text


def test_the_admin_sets_thresholds_with_a_preset(client, superuser, monitoring_form):
    district = Department.objects.get(name=TIANHE).district
    client.force_login(superuser)
    response = client.post(
        reverse("admin:monitoring_thresholdset_add"),
        {
            "district": district.pk,
            "year": 2024,
            "red_margin": "10",
            "deviation_percent": "30",
            "gap_points": "10",
            "floors-TOTAL_FORMS": "0",
            "floors-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    thresholds = ThresholdSet.objects.get(district=district, year=2024)
    assert list(thresholds.floors.values_list("month", "floor")) == [
        (4, Decimal("25.00")),
        (6, Decimal("40.00")),
        (8, Decimal("60.00")),
        (10, Decimal("80.00")),
    ]
    client.post(
        reverse("admin:monitoring_thresholdset_changelist"),
        {"action": "apply_preset_half_year", ACTION_CHECKBOX_NAME: [thresholds.pk]},
    )
    assert list(thresholds.floors.values_list("month", flat=True)) == [6, 9]
    assert thresholds_for(district, 2024).floor_for(7) == (6, Decimal("50.00"))
    page = client.get(reverse("admin:monitoring_thresholdset_changelist")).content.decode()
    assert "6月末50.00%" in page


def test_a_floor_above_100_is_refused_naming_the_field(client, superuser, monitoring_form):
    district = Department.objects.get(name=TIANHE).district
    client.force_login(superuser)
    response = client.post(
        reverse("admin:monitoring_thresholdset_add"),
        {
            "district": district.pk,
            "year": 2025,
            "red_margin": "10",
            "deviation_percent": "30",
            "gap_points": "10",
            "floors-TOTAL_FORMS": "1",
            "floors-INITIAL_FORMS": "0",
            "floors-0-month": "6",
            "floors-0-floor": "140",
        },
    )
    assert response.status_code == 200
    assert "执行进度下限应在0—100%之间" in response.content.decode()
    assert not ThresholdSet.objects.filter(year=2025).exists()
