from decimal import Decimal

import pytest
from django.utils import formats, translation

from core.money import format_amount, format_percent, percent, round_money


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0.125", "0.13"),  # half-even would give 0.12
        ("0.135", "0.14"),
        ("2.345", "2.35"),  # half-even would give 2.34
        ("-172.425", "-172.43"),
        ("4855.11", "4855.11"),
    ],
)
def test_money_rounds_half_up(value, expected):
    assert round_money(Decimal(value)) == Decimal(expected)


def test_percent_is_two_decimals_half_up_and_none_without_denominator():
    assert percent(Decimal("5931.22"), Decimal("5936.28")) == Decimal("99.91")
    assert percent(Decimal("172.43"), Decimal("6108.71")) == Decimal("2.82")
    assert percent(Decimal("1"), Decimal("8")) == Decimal("12.50")
    assert percent(Decimal("1"), Decimal("0")) is None


def test_amounts_print_with_thousands_separators():
    assert format_amount(Decimal("4855.11")) == "4,855.11"
    assert format_amount(Decimal("1485.34")) == "1,485.34"
    assert format_amount(Decimal("0")) == "0.00"
    assert format_amount(None) == ""
    assert format_percent(Decimal("99.91")) == "99.91%"


def test_the_zh_hans_locale_prints_and_parses_thousands_separators():
    from django import forms

    class AmountForm(forms.Form):
        amount = forms.DecimalField(max_digits=16, decimal_places=2, localize=True)

    with translation.override("zh-hans"):
        assert formats.localize(Decimal("4855.11"), use_l10n=True) == "4,855.11"
        form = AmountForm(data={"amount": "4,855.11"})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["amount"] == Decimal("4855.11")
