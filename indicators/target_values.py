"""Reading a target value (指标值, domain.md §3.4).

Target values are free text and are always kept exactly as entered. This module also *reads* them
— comparator, number, unit, direction — so that reviewers' checks (a placeholder left in, a
percentage over 100%, a 成本 indicator with ≥, a value that cannot be measured) and self-evaluation
scoring can work on them. Pure Python (no Django); it never raises on any input string.

How a value is read:

* The text is split into clauses at Chinese/ASCII commas, 顿号, semicolons and full stops. A
  clause that holds a number (or a placeholder such as "**") is a *measurable clause*. Two or
  more measurable clauses make a compound value ("参考率不低于85%，及格率不低于85%"), read part by
  part; one makes a simple value; none makes a qualitative (定性) value ("良好以上", "达标").
* In a measurable clause the comparator is the symbol or word right before the number (≥ ≤ > < =,
  不少于/不低于/至少/达 …) or right after the unit (以上, 以下, 以内); otherwise a bare number
  means "=". Text before the number only describes it ("法定期限办结率100%", "年均3人").
* The unit is what follows the number ("场", "%", "家律师事务所"); when there is none, a short
  unit in brackets at the end of the 三级 name is used ("合格率（%）" + "≥90" → "%").
* Numbers are Arabic digits, read as Decimal. Chinese numerals ("两次") are not read: such a value
  is qualitative.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


class Comparator(StrEnum):
    GE = "≥"
    LE = "≤"
    GT = ">"
    LT = "<"
    EQ = "="


class Direction(StrEnum):
    """正向 (more is better) or 反向 (less is better)."""

    POSITIVE = "positive"
    REVERSE = "reverse"


@dataclass(frozen=True)
class TargetValue:
    """A target value as entered (``text``) and as read.

    For a compound value the top-level ``comparator``, ``number`` and ``unit`` are empty (there is
    no single one; see ``parts``); ``direction`` is set when all parts agree. A placeholder
    keeps the comparator and unit written around it ("≥**个" → ≥, "个") but has no number, so it
    is neither quantitative nor measurable; a bare placeholder ("XX人") has no comparator.
    """

    text: str
    comparator: Comparator | None = None
    number: Decimal | None = None
    unit: str = ""
    direction: Direction | None = None
    quantitative: bool = False
    parts: tuple[TargetValue, ...] = ()
    placeholder: bool = False
    measurable: bool = False

    @property
    def compound(self) -> bool:
        """Two or more measurable clauses, each read into ``parts``."""
        return len(self.parts) >= 2


# Longest first, so that "不少于" wins over "少于" and "达到" over "达".
_WORDS_BEFORE: tuple[tuple[str, Comparator], ...] = tuple(
    sorted(
        {
            "≥": Comparator.GE,
            "≤": Comparator.LE,
            ">": Comparator.GT,
            "<": Comparator.LT,
            "=": Comparator.EQ,
            "不少于": Comparator.GE,
            "不低于": Comparator.GE,
            "不小于": Comparator.GE,
            "至少": Comparator.GE,
            "达到": Comparator.GE,
            "达": Comparator.GE,
            "不超过": Comparator.LE,
            "不高于": Comparator.LE,
            "不大于": Comparator.LE,
            "不多于": Comparator.LE,
            "至多": Comparator.LE,
            "最多": Comparator.LE,
            "超过": Comparator.GT,
            "高于": Comparator.GT,
            "大于": Comparator.GT,
            "多于": Comparator.GT,
            "低于": Comparator.LT,
            "小于": Comparator.LT,
            "少于": Comparator.LT,
        }.items(),
        key=lambda item: -len(item[0]),
    )
)
_WORDS_AFTER: tuple[tuple[str, Comparator], ...] = (
    ("及以上", Comparator.GE),
    ("以上", Comparator.GE),
    ("及以下", Comparator.LE),
    ("以下", Comparator.LE),
    ("以内", Comparator.LE),
    ("之内", Comparator.LE),
)
_MAX_VERB_GAP = 3  # "至少举行1场": characters allowed between a comparator word and its number
_SYMBOLS = {">=": "≥", "=>": "≥", "<=": "≤", "=<": "≤", "≧": "≥", "≦": "≤", "⩾": "≥", "⩽": "≤"}

# A number (thousands separators allowed) or a template placeholder where a number belongs.
_SLOT = re.compile(
    r"(?P<number>(?<![0-9.,])[0-9]+(?:,[0-9]{3})*(?:\.[0-9]+)?)"
    r"|(?P<placeholder>\*+|×+|_{2,}|□+|(?<![A-Za-z])[Xx]+(?![A-Za-z]))"
)
# Unicode \d on purpose: "２,０００" is one number even before normalisation.
_CLAUSE_SEPARATORS = re.compile(r"[，、;；。\n]|(?<!\d),|,(?!\d)")
_UNIT_RUN = re.compile(r"\s*(%|‰|[^\s0-9,、;。:()\[\]【】\"“”'‘’!?≥≤<>=~+-]*)")
_NAME_UNIT = re.compile(r"\(\s*([^()]{1,4}?)\s*\)\s*$")
_NAME_UNIT_SYNONYMS = {"比率": "%", "百分比": "%", "个数": "个", "次数": "次", "人数": "人"}

# A qualitative value is measurable when it names a standard that can be checked.
_ASSESSABLE_WORDS = (
    "及时",
    "达标",
    "合格",
    "符合",
    "通过",
    "良好",
    "优秀",
    "优良",
    "正常",
    "规范",
    "完成",
    "增长",
    "提高",
    "提升",
    "下降",
    "降低",
    "减少",
    "未发生",
    "杜绝",
    "满意",
    "到位",
    "有效",
    "达到",
    "期限内",
    "按时",
    "按期",
    "稳定",
    "改善",
    "覆盖",
    "零",
)


def _normalise(text: str) -> str:
    """A copy for reading only: NFKC (full-width digits and ％ become ASCII) and one spelling
    per comparator symbol. The entered text itself is never changed."""
    text = unicodedata.normalize("NFKC", text)
    for spelling, symbol in _SYMBOLS.items():
        text = text.replace(spelling, symbol)
    return text


def unit_from_name(indicator_name: str) -> str:
    """The unit written in brackets at the end of a 三级 name: "合格率（%）" → "%".

    Only short bracketed words count, and not remarks such as "（含线上）"; a few words that
    name a measure rather than a unit are mapped ("比率" → "%", "次数" → "次").
    """
    match = _NAME_UNIT.search(_normalise(indicator_name).rstrip())
    if match is None or "含" in match.group(1):
        return ""
    unit = match.group(1)
    return _NAME_UNIT_SYNONYMS.get(unit, unit)


def direction_of(comparator: Comparator | None) -> Direction | None:
    """≥, > and = are 正向 (more is better); ≤ and < are 反向."""
    if comparator is None:
        return None
    if comparator in (Comparator.LE, Comparator.LT):
        return Direction.REVERSE
    return Direction.POSITIVE


def _comparator_before(before: str) -> Comparator | None:
    """The comparator written before a number in its clause.

    Right before it ("不少于2000次", "≥21场", "达100%"), or — for a word of two characters or
    more — with a short verb in between ("至少举行1场"). Single characters such as "达" must touch
    the number, since they also occur inside ordinary words ("送达率").
    """
    before = before.rstrip()
    for word, comparator in _WORDS_BEFORE:
        if before.endswith(word):
            return comparator
    for word, comparator in _WORDS_BEFORE:
        position = before.rfind(word)
        if len(word) >= 2 and position >= 0:
            gap = before[position + len(word) :]
            if len(gap) <= _MAX_VERB_GAP and not any(ch.isdigit() or ch.isspace() for ch in gap):
                return comparator
    return None


def _unit_and_comparator_after(after: str) -> tuple[str, Comparator | None]:
    """The unit after a number and a comparator word after the unit ("15%以下", "1次以上")."""
    run = _UNIT_RUN.match(after)
    unit = run.group(1) if run else ""
    tail = after[run.end() :] if run else after
    if unit not in ("%", "‰"):
        # The unit stops at a comparator word or "的"; what follows is the tail.
        cuts = [i for i in (unit.find(w) for w, _ in _WORDS_AFTER) if i >= 0]
        if (cut := unit.find("的")) >= 0:
            cuts.append(cut)
        if cuts:
            unit, tail = unit[: min(cuts)], unit[min(cuts) :] + tail
    tail = tail.lstrip()
    for word, comparator in _WORDS_AFTER:
        if tail.startswith(word):
            return unit.strip(), comparator
    return unit.strip(), None


@dataclass(frozen=True)
class _Slot:
    """A number or placeholder found in a clause, with what surrounds it."""

    number: Decimal | None
    unit: str
    explicit: Comparator | None


def _slots(clause: str) -> list[_Slot]:
    """Every number or placeholder in a normalised clause, in order."""
    found = []
    for match in _SLOT.finditer(clause):
        unit, after = _unit_and_comparator_after(clause[match.end() :])
        explicit = _comparator_before(clause[: match.start()]) or after
        digits = match.group("number")
        number = Decimal(digits.replace(",", "")) if digits else None
        found.append(_Slot(number, unit, explicit))
    return found


def _pick(slots: list[_Slot]) -> _Slot:
    """The slot a clause is about: the first one with a comparator, else the last number.

    The last number because text before it describes it ("2025年完成率100%").
    """
    for slot in slots:
        if slot.explicit is not None:
            return slot
    numbers = [slot for slot in slots if slot.number is not None]
    return numbers[-1] if numbers else slots[-1]


def _has_placeholder(normalised: str) -> bool:
    """Whether a template placeholder ("**", "XX", "___") was left where a number belongs."""
    return any(m.group("placeholder") for m in _SLOT.finditer(normalised))


def _read_clause(text: str, indicator_name: str) -> TargetValue:
    """Read a text with (at most) one measurable clause; ``text`` is kept as the value's text."""
    normalised = _normalise(text)
    slots = _slots(normalised)
    placeholder = _has_placeholder(normalised)
    if not slots:
        return _qualitative(text)
    slot = _pick(slots)
    comparator = slot.explicit
    if comparator is None and slot.number is not None:
        comparator = Comparator.EQ  # a bare number: "100%", "32人"
    quantitative = slot.number is not None
    return TargetValue(
        text=text,
        comparator=comparator,
        number=slot.number,
        unit=slot.unit or unit_from_name(indicator_name),
        direction=direction_of(comparator),
        quantitative=quantitative,
        placeholder=placeholder,
        measurable=quantitative and not placeholder,
    )


def _qualitative(text: str) -> TargetValue:
    """A value without any number: measurable only when it names a checkable standard."""
    normalised = _normalise(text)
    return TargetValue(text=text, measurable=any(word in normalised for word in _ASSESSABLE_WORDS))


def _common(values: list[Direction | None]) -> Direction | None:
    """The direction all parts share, or None when they disagree."""
    return values[0] if values and all(v == values[0] for v in values) else None


def read_target(text: str, indicator_name: str = "") -> TargetValue:
    """Read a target value. ``indicator_name`` (the 三级 name) supplies a unit the value lacks.

    Never raises; text that cannot be read gives a qualitative, unmeasurable value.
    """
    clauses = [c.strip() for c in _CLAUSE_SEPARATORS.split(text)]
    measurable_clauses = [c for c in clauses if c and _SLOT.search(_normalise(c))]
    if len(measurable_clauses) < 2:
        return _read_clause(text, indicator_name)
    parts = tuple(_read_clause(clause, indicator_name) for clause in measurable_clauses)
    return TargetValue(
        text=text,
        direction=_common([part.direction for part in parts]),
        quantitative=any(part.quantitative for part in parts),
        parts=parts,
        placeholder=any(part.placeholder for part in parts),
        measurable=all(part.measurable for part in parts),
    )


def is_percentage_over_100(value: TargetValue) -> bool:
    """Whether the value (or one of its parts) asks for more than 100% — reviewers flag it."""
    return any(
        part.unit == "%" and part.number is not None and part.number > 100 for part in (value, *value.parts)
    )
