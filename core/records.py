"""Helpers for the interchange shape of forms (the dicts of ``fixtures/seeds/*.json``)."""

from decimal import Decimal

from core.money import round_money


def amount_text(value: Decimal) -> str:
    """``Decimal("82.6")`` → ``"82.60"``: amounts travel as plain strings with two decimals."""
    return f"{round_money(value):.2f}"


def amounts(obj, fields) -> dict[str, str]:
    return {field: amount_text(getattr(obj, field)) for field in fields}
