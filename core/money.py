"""Money and rates.

Amounts are 万元 with exactly two decimals, rounded half-up (四舍五入) as the finance bureau does;
``Decimal.quantize`` would otherwise round half-even and disagree with the published forms.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.validators import MinValueValidator
from django.db import models

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal("100")


def round_money(value: Decimal | int | str) -> Decimal:
    """Round to two decimals, half-up."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def percent(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    """``numerator / denominator`` as a percentage with two decimals (99.91), or None when undefined."""
    if not denominator:
        return None
    try:
        return round_money(Decimal(numerator) * HUNDRED / Decimal(denominator))
    except InvalidOperation:
        return None


def format_amount(value: Decimal | None) -> str:
    """``4855.11`` → ``4,855.11`` (the published forms' notation), ``None`` → ``""``."""
    if value is None:
        return ""
    return f"{round_money(value):,.2f}"


def format_percent(value: Decimal | None) -> str:
    """``99.91`` → ``99.91%``."""
    if value is None:
        return ""
    return f"{round_money(value):.2f}%"


class MoneyField(models.DecimalField):
    """A non-negative amount in 万元: 16 digits, two decimals, never null, 0.00 by default."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 16)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("default", ZERO)
        kwargs.setdefault("validators", [MinValueValidator(ZERO, message="金额不能为负数。")])
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        # Keep migrations readable and stable: the defaults above are implied by the class.
        for key, implied in (("max_digits", 16), ("decimal_places", 2), ("default", ZERO)):
            if kwargs.get(key) == implied:
                kwargs.pop(key)
        kwargs.pop("validators", None)
        return name, "core.money.MoneyField", args, kwargs


def nonnegative_constraints(prefix: str, *fields: str) -> list[models.CheckConstraint]:
    """Named ``<prefix>_<field>_nonnegative`` constraints, mirrored by MoneyField's validator."""
    return [
        models.CheckConstraint(
            condition=models.Q(**{f"{field}__gte": 0}),
            name=f"{prefix}_{field}_nonnegative",
            violation_error_message="金额不能为负数。",
        )
        for field in fields
    ]
