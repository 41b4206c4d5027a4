import re
from decimal import Context, Decimal

import pytest
from django.utils import formats, translation

from core.money import (
    AMOUNT_MAX,
    amount_text,
    ascii_number,
    format_amount,
    format_exact_amount,
    format_percent,
    format_points,
    is_empty_mark,
    percent,
    read_amount,
    round_money,
)


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


# --- nothing that prints or computes an amount raises ------------------------------------------------


@pytest.mark.parametrize("value", ["1e40", "-1e40", "99999999999999999999999999999.995", "1e-40"])
def test_rounding_and_printing_never_overflow(value):
    # quantize() in the default 28-digit context raises InvalidOperation beyond 26 integer digits.
    amount = Decimal(value)
    assert round_money(amount) == amount.quantize(Decimal("0.01"), context=Context(prec=100))
    assert format_amount(amount).replace(",", "").replace("-", "").rstrip("0").rstrip(".") != ""
    assert format_percent(amount).endswith("%")
    assert percent(amount, Decimal("0.000001")) is not None


def test_values_that_are_not_finite_numbers_print_as_nothing():
    for value in (Decimal("NaN"), Decimal("Infinity"), "not a number"):
        assert format_amount(value) == ""
        assert format_exact_amount(value) == ""
    assert format_percent(Decimal("-Infinity")) == ""
    assert percent(Decimal("1"), Decimal("NaN")) is None


# --- amounts keep six decimals and print two --------------------------------------------------------


@pytest.mark.parametrize(
    ("stored", "text", "printed"),
    [
        ("82.600000", "82.60", "82.60"),
        ("132.912000", "132.912", "132.91"),
        ("968.1918", "968.1918", "968.19"),
        ("0.000001", "0.000001", "0.00"),
        ("0.005", "0.005", "0.01"),  # half-up on the stored value
        ("100", "100.00", "100.00"),
        ("1E+3", "1000.00", "1,000.00"),
        ("4855.110000", "4855.11", "4,855.11"),
    ],
)
def test_records_keep_every_decimal_stored_and_layouts_print_two(stored, text, printed):
    assert amount_text(Decimal(stored)) == text
    assert format_amount(Decimal(stored)) == printed


def test_input_shows_every_decimal_with_thousands_separators():
    assert format_exact_amount(Decimal("1132.912000")) == "1,132.912"
    assert format_exact_amount(Decimal("4855.110000")) == "4,855.11"


@pytest.mark.parametrize(
    ("value", "printed"),
    [("39.20", "39.2"), ("6.25", "6.25"), ("10.00", "10"), ("100", "100"), ("0.00", "0"), ("1E+1", "10")],
)
def test_weights_and_scores_print_the_decimals_they_have(value, printed):
    assert format_points(Decimal(value)) == printed


# --- reading what people type ---------------------------------------------------------------------


def test_full_width_digits_and_punctuation_read_as_ascii():
    assert ascii_number(" ４，８５５．１１ ") == "4,855.11"
    assert ascii_number("－１７２．４３") == "-172.43"
    assert ascii_number("９９．９１％") == "99.91%"
    assert read_amount("４，８５５．１１") == Decimal("4855.11")
    assert read_amount("８１。６") == Decimal("81.6")


@pytest.mark.parametrize("mark", ["—", "——", "－", "-", "/", "／", " — "])
def test_a_dash_or_a_slash_is_an_empty_amount(mark):
    assert is_empty_mark(mark)
    assert read_amount(mark) == Decimal("0")


@pytest.mark.parametrize("text", ["-5", "5-", "1/2", "—5", ""])
def test_numbers_and_blanks_are_not_empty_marks(text):
    assert not is_empty_mark(text)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("99,999,999,999,999.99", "金额不能超过 1,000,000,000 万元（即 10 万亿元），请检查单位是否为万元。"),
        (Decimal("1000000000.000001"), "金额不能超过 1,000,000,000 万元"),
        (1e20, "金额不能超过 1,000,000,000 万元"),
        ("1.2345678", "“1.2345678”：金额最多保留六位小数（万元精确到分）。"),
        ("-0.01", "金额不能为负数。"),
        ("NaN", "“NaN”不是数字。"),
        ("四千", "“四千”不是数字。"),
        (True, "“True”不是数字。"),
    ],
)
def test_an_amount_read_from_data_is_refused_with_its_reason(value, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        read_amount(value)


def test_the_bound_and_six_decimals_are_accepted():
    assert read_amount("1,000,000,000") == AMOUNT_MAX
    assert read_amount("968.1918") == Decimal("968.1918")
    assert read_amount(968.1918) == Decimal("968.1918")  # a float as it prints, not its binary value
    assert read_amount("1.2340000000") == Decimal("1.234")
    assert read_amount(None) == Decimal("0")
