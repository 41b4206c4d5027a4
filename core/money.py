"""Money, rates, and the numbers people type.

Amounts are 万元 stored exactly as given, down to the 分 (six decimals: 0.000001 万元 = 0.01 元), and
printed as the published forms print them: two decimals, rounded half-up (四舍五入) as the finance
bureau does; ``Decimal.quantize`` would otherwise round half-even and disagree with the published forms.
Arithmetic checks compare the stored values, never the printed ones.

Every amount is at most :data:`AMOUNT_MAX`, checked where an amount comes in (entry pages, imports,
services, the database). What prints or computes amounts never raises, so that a value stored before
the bound existed still shows on every page (it is refused when the form is saved or submitted).
"""

import re
from decimal import ROUND_HALF_UP, Context, Decimal

from django.core.validators import DecimalValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.functional import cached_property

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal("100")

AMOUNT_PLACES = 6
AMOUNT_QUANTUM = Decimal(1).scaleb(-AMOUNT_PLACES)
# 1,000,000,000 万元 is 10 万亿元: about 30 times the whole budget of the city of Guangzhou (some 3,000
# 亿元), so no department's figure comes near it and a typo (an amount in 元, a digit held down) does.
# Below it an amount has at most 15 significant digits (9 + 6), which SQLite's floats keep exactly, and
# the sums and rates of any number of bounded amounts stay far inside Decimal's 28 digits.
AMOUNT_MAX = Decimal("1000000000")
AMOUNT_MAX_MESSAGE = "金额不能超过 1,000,000,000 万元（即 10 万亿元），请检查单位是否为万元。"
NEGATIVE_MESSAGE = "金额不能为负数。"
PLACES_MESSAGE = "金额最多保留六位小数（万元精确到分）。"
# The columns keep 15 integer digits although the bound needs 10: they hold every amount the former
# columns could (up to 99,999,999,999,999.99, which SQLite's float reads back as 100,000,000,000,000),
# so the change of column type cannot fail and the migration can read the rows it must clear, and a
# value that got past the bound anyway still reads back instead of breaking every page.
MONEY_MAX_DIGITS = 15 + AMOUNT_PLACES


def _context(value: Decimal) -> Context:
    """A context wide enough that no rounding of ``value`` to a fixed exponent can overflow."""
    return Context(prec=max(28, value.adjusted() + AMOUNT_PLACES + 3))


def _decimal(value) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(value)


def round_money(value: Decimal | int | str) -> Decimal:
    """Round to two decimals, half-up. Never raises for a number, however large; NaN and ∞ come back as is."""
    amount = _decimal(value)
    if not amount.is_finite():
        return amount
    return amount.quantize(CENT, rounding=ROUND_HALF_UP, context=_context(amount))


def percent(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    """``numerator / denominator`` as a percentage with two decimals (99.91), or None when undefined."""
    try:
        if not denominator:
            return None
        rate = round_money(_decimal(numerator) * HUNDRED / _decimal(denominator))
    except ArithmeticError:
        return None
    return rate if rate.is_finite() else None


def exact_amount(value: Decimal) -> Decimal:
    """The amount with at least two decimals and no other trailing zeros: 82.600000 → 82.60, 132.912."""
    amount = _decimal(value)
    if not amount.is_finite():
        return amount
    context = _context(amount)
    amount = amount.normalize(context)
    if amount.as_tuple().exponent > -2:
        amount = amount.quantize(CENT, context=context)
    return amount


def amount_text(value: Decimal) -> str:
    """``Decimal("82.6")`` → ``"82.60"``, ``Decimal("132.912000")`` → ``"132.912"``.

    Amounts travel (records, seeds, audit) as plain strings with two decimals, or more when they have
    more: the seeds' two-decimal strings stay as published and no digit typed is lost.
    """
    return f"{exact_amount(value):f}"


def format_amount(value: Decimal | None, places: int | None = 2) -> str:
    """``4855.11`` → ``4,855.11`` (the published forms' notation, two decimals half-up), ``None`` → ``""``.

    ``places`` is a layout's precision; ``None`` prints the decimals the amount has, up to two
    (``880`` → ``880``, ``12.50`` → ``12.5``: forms that print amounts as typed). Never raises: a value
    that is not a finite number prints as nothing.
    """
    if value is None or value == "":
        return ""
    try:
        amount = round_money(value)
        if places is not None and places != 2:
            quantum = Decimal(1).scaleb(-places)
            amount = _decimal(value).quantize(quantum, rounding=ROUND_HALF_UP, context=_context(amount))
    except ArithmeticError:
        return ""
    if not amount.is_finite():
        return ""
    if places is None:
        text = f"{amount:,.2f}"
        return text.rstrip("0").rstrip(".") if "." in text else text
    return f"{amount:,.{places}f}"


def format_exact_amount(value: Decimal | None) -> str:
    """``1132.912`` → ``1,132.912``: every decimal stored, for messages about stored values and for input."""
    if value is None or value == "":
        return ""
    try:
        amount = exact_amount(value)
    except ArithmeticError:
        return ""
    return f"{amount:,f}" if amount.is_finite() else ""


def format_percent(value: Decimal | None) -> str:
    """``99.91`` → ``99.91%``."""
    if value is None or value == "":
        return ""
    try:
        rate = round_money(value)
    except ArithmeticError:
        return ""
    return f"{rate:.2f}%" if rate.is_finite() else ""


def format_points(value: Decimal | None) -> str:
    """A weight or a score with the decimals it has: 39.20 → ``39.2``, 6.25 → ``6.25``, 10.00 → ``10``."""
    if value is None or value == "":
        return ""
    try:
        points = _decimal(value)
    except ArithmeticError:
        return str(value)
    if not points.is_finite():
        return ""
    context = _context(points)
    points = points.normalize(context)
    if points.as_tuple().exponent > 0:
        points = points.quantize(Decimal(1), context=context)
    return f"{points:f}"


# --- reading typed numbers ----------------------------------------------------------------------

# The Chinese IME types full-width digits and punctuation by default (４８５５．１１, “，”, “－”); a number
# field reads them as their ASCII forms. “。” is the IME's full stop where a decimal point was meant.
_ASCII_NUMBER = str.maketrans(
    {
        **{chr(0xFF10 + digit): str(digit) for digit in range(10)},
        "．": ".",
        "。": ".",
        "，": ",",
        "－": "-",
        "−": "-",
        "﹣": "-",
        "＋": "+",
        "％": "%",
        "／": "/",
        "　": " ",
    }
)
# A printed layout marks an empty amount with a dash or a slash (“—”, “－”, “/”): read as empty.
_EMPTY_MARK = re.compile(r"[-‐‑‒–—―─]+|/")


# One grammar for a number typed or imported as text (issue 14): digits, thousands separators only in
# groups of three, one decimal point; no exponent (“5e2”), underscore (“1_000”), “%” or “+”. A leading
# “-” is read, so that a negative amount is refused as negative rather than as “not a number”.
_NUMBER_GRAMMAR = re.compile(r"-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|-?\.\d+")


def plain_number(text: str) -> str | None:
    """The ASCII text of a number written in that grammar, without its separators; else None.

    ``"４，８５５．１１"`` → ``"4855.11"``; ``"1,2"``, ``"12,34,5"``, ``"5e2"``, ``"1_000"``, ``"50%"`` → None.
    """
    text = ascii_number(text)
    return text.replace(",", "") if _NUMBER_GRAMMAR.fullmatch(text) else None


def ascii_number(text: str) -> str:
    """``"４，８５５．１１"`` → ``"4,855.11"``, stripped."""
    return str(text).translate(_ASCII_NUMBER).strip()


def is_empty_mark(text: str) -> bool:
    """Whether a cell holds only “—”, “－”, “/” (or the like), which the layouts print for “nothing”."""
    return bool(_EMPTY_MARK.fullmatch(ascii_number(text).replace(" ", "")))


def read_amount(value) -> Decimal:
    """An amount from data or a file: ``"4,855.11"``, ``"４８５５．１１"``, ``4855.11``, blank or “—” (0).

    Raises ValueError with the reason in Chinese (not a number, more than six decimals, negative,
    above the bound); the caller names the field or cell.
    """
    if value is None:
        return ZERO
    if isinstance(value, bool):
        raise ValueError(f"“{value}”不是数字。")
    if isinstance(value, Decimal | int):
        amount = Decimal(value)
    else:
        # A float (openpyxl's numbers) is read as it prints, never as its binary value.
        text = ascii_number(str(value))
        if not text or is_empty_mark(text):
            return ZERO
        plain = plain_number(text) if isinstance(value, str) else text.replace(",", "")
        try:
            amount = Decimal(plain)
        except (ArithmeticError, TypeError):
            raise ValueError(f"“{value}”不是数字。") from None
    check_amount(amount, shown=value)
    return amount


def check_amount(amount: Decimal, *, shown=None) -> None:
    """Raise ValueError (in Chinese) unless ``amount`` is a finite amount in [0, AMOUNT_MAX] to the 分."""
    shown = amount if shown is None else shown
    if not amount.is_finite():
        raise ValueError(f"“{shown}”不是数字。")
    if amount < 0:
        raise ValueError(NEGATIVE_MESSAGE)
    if amount > AMOUNT_MAX:
        raise ValueError(AMOUNT_MAX_MESSAGE)
    if amount.as_tuple().exponent < -AMOUNT_PLACES and amount != amount.quantize(
        AMOUNT_QUANTUM, context=_context(amount)
    ):
        raise ValueError(f"“{shown}”：{PLACES_MESSAGE}")


# --- the model field and its constraints --------------------------------------------------------


class AmountPlacesValidator(DecimalValidator):
    """Six decimals at most; the bound, not a count of digits, says when an amount is too large."""

    messages = {**DecimalValidator.messages, "max_decimal_places": PLACES_MESSAGE}

    def __init__(self):
        super().__init__(max_digits=None, decimal_places=AMOUNT_PLACES)


class MoneyField(models.DecimalField):
    """An amount in 万元 to the 分: six decimals, between 0 and AMOUNT_MAX, never null, 0 by default.

    Mirrored in the database by :func:`nonnegative_constraints` and :func:`bound_constraints`.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", MONEY_MAX_DIGITS)
        kwargs.setdefault("decimal_places", AMOUNT_PLACES)
        kwargs.setdefault("default", ZERO)
        kwargs.setdefault(
            "validators",
            [
                MinValueValidator(ZERO, message=NEGATIVE_MESSAGE),
                MaxValueValidator(AMOUNT_MAX, message=AMOUNT_MAX_MESSAGE),
            ],
        )
        super().__init__(*args, **kwargs)

    @cached_property
    def validators(self):
        # DecimalField adds a count of digits (“不超过21个数字”) beside the bound's message: keep its
        # decimals check only.
        return [*self.default_validators, *self._validators, AmountPlacesValidator()]

    def formfield(self, **kwargs):
        # The admin reads amounts as the entry pages do (full-width digits, “—”, thousands separators).
        # Imported here: core.forms imports the models, which import this module.
        from core.forms import AmountField

        for key in ("form_class", "choices_form_class", "max_digits", "decimal_places"):
            kwargs.pop(key, None)
        return AmountField(
            label=kwargs.pop("label", str(self.verbose_name)),
            required=False,
            help_text=kwargs.pop("help_text", self.help_text),
            # AmountField brings its own text input: a number input drops full-width digits.
            **{key: value for key, value in kwargs.items() if key in {"initial", "disabled"}},
        )

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        # Digits and decimals are always written out: a migration must keep meaning the columns it made
        # when these defaults change (they did: 16 digits with 2 decimals until amounts kept the 分).
        if kwargs.get("default") == ZERO:
            kwargs.pop("default")
        kwargs.pop("validators", None)
        return name, "core.money.MoneyField", args, kwargs


def nonnegative_constraints(prefix: str, *fields: str) -> list[models.CheckConstraint]:
    """Named ``<prefix>_<field>_nonnegative`` constraints, mirrored by MoneyField's validator."""
    return [
        models.CheckConstraint(
            condition=models.Q(**{f"{field}__gte": 0}),
            name=f"{prefix}_{field}_nonnegative",
            violation_error_message=NEGATIVE_MESSAGE,
        )
        for field in fields
    ]


def bound_constraints(prefix: str, *fields: str) -> list[models.CheckConstraint]:
    """Named ``<prefix>_<field>_bounded`` constraints (≤ AMOUNT_MAX), mirrored by MoneyField's validator."""
    return [
        models.CheckConstraint(
            condition=models.Q(**{f"{field}__lte": AMOUNT_MAX}),
            name=f"{prefix}_{field}_bounded",
            violation_error_message=AMOUNT_MAX_MESSAGE,
        )
        for field in fields
    ]


def amount_constraints(prefix: str, *fields: str) -> list[models.CheckConstraint]:
    """Both constraints of every amount: not negative, not above the bound."""
    return [*nonnegative_constraints(prefix, *fields), *bound_constraints(prefix, *fields)]
