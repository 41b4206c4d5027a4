"""The scoring of a 项目支出绩效自评表 (domain.md §4, 财预〔2020〕10号 defaults; every number is policy).

Pure Python over Decimal: the engine reads the target and the actual value with the target-value
reader, proposes a score with its reasoning in words, and says when a 偏差原因 is required. What it
cannot read with confidence (a 定性 target, units that differ, a compound target) it flags for a person
to score; it never guesses. Scores are rounded half-up to two decimals.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal

from core.money import HUNDRED, ZERO, round_money
from indicators.target_values import Comparator, Direction, read_target

RATIO = "ratio"  # reverse indicators: target ÷ actual × weight (the common local rule)
LINEAR = "linear"  # reverse indicators: falls linearly to 0 at twice the target (the national system)


@dataclass(frozen=True)
class Band:
    label: str
    low: Decimal  # percent of the weight
    high: Decimal


@dataclass(frozen=True)
class Policy:
    """Everything §4 leaves to the administrator, with the national defaults."""

    budget_weight: Decimal = Decimal("10")
    level1_weights: dict[str, Decimal] = field(
        default_factory=lambda: {
            "产出指标": Decimal("50"),
            "效益指标": Decimal("30"),
            "满意度指标": Decimal("10"),
        }
    )
    reverse_rule: str = RATIO
    qualitative_bands: tuple[Band, ...] = (
        Band("达成年度指标", Decimal("80"), Decimal("100")),
        Band("部分达成年度指标并具有一定效果", Decimal("60"), Decimal("80")),
        Band("未达成年度指标且效果较差", Decimal("0"), Decimal("60")),
    )
    over_achievement: Decimal = Decimal("1.30")  # actual ≥ 130% of the target needs a 偏差原因
    grade_bands: tuple[tuple[Decimal, str], ...] = (
        (Decimal("90"), "优"),
        (Decimal("80"), "良"),
        (Decimal("60"), "中"),
        (Decimal("0"), "差"),
    )

    def grade(self, total: Decimal | None) -> str:
        if total is None:
            return ""
        return next(grade for floor, grade in self.grade_bands if total >= floor)


DEFAULT_POLICY = Policy()


@dataclass(frozen=True)
class Proposal:
    """The engine's proposal for one indicator."""

    score: Decimal | None  # None: a person scores it (qualitative or unreadable)
    explanation: str
    needs_reason: bool = False
    reason_why: str = ""
    bands: tuple[tuple[str, Decimal, Decimal], ...] = ()  # qualitative: (label, low, high) in points
    flagged: bool = False  # the engine could not read the values: a person must score

    @property
    def qualitative(self) -> bool:
        return bool(self.bands)


def _text(number: Decimal, unit: str) -> str:
    return f"{number.normalize():f}{unit}"


def _points(value: Decimal) -> str:
    """9.44 → "9.44 分", 10.00 → "10 分"."""
    rounded = round_money(value)
    return f"{rounded.normalize():f} 分" if rounded == rounded.to_integral() else f"{rounded} 分"


def score_indicator(
    target_text: str, actual_text: str, weight: Decimal, *, name: str = "", policy: Policy = DEFAULT_POLICY
) -> Proposal:
    """Propose the score of one indicator worth ``weight`` points (domain.md §4)."""
    weight = Decimal(weight)
    target = read_target(target_text or "", name)
    if not target.quantitative or target.compound or target.placeholder:
        bands = tuple(
            (band.label, round_money(weight * band.low / HUNDRED), round_money(weight * band.high / HUNDRED))
            for band in policy.qualitative_bands
        )
        text = "；".join(f"{label} {low}–{high}分" for label, low, high in bands)
        why = "定性指标" if not target.quantitative else "目标值无法按单一数值比较"
        return Proposal(None, f"{why}，由评价人按完成程度在区间内打分：{text}。", bands=bands)
    if not (actual_text or "").strip():
        return Proposal(None, "尚未填写实际完成值。", flagged=True)
    actual = read_target(actual_text, name)
    if not actual.quantitative or actual.compound or actual.number is None:
        return Proposal(None, f"实际完成值“{actual_text}”不是可比较的数值，请人工打分。", flagged=True)
    if target.unit and actual.unit and target.unit != actual.unit:
        return Proposal(
            None,
            f"目标单位“{target.unit}”与实际单位“{actual.unit}”不同，无法自动比较，请人工打分。",
            flagged=True,
        )
    unit = target.unit or actual.unit
    goal, done = target.number, actual.number
    shown = f"实际 {_text(done, unit)}，目标 {target.comparator}{_text(goal, unit)}"

    if goal == 0:
        if target.direction == Direction.REVERSE or target.comparator == Comparator.EQ:
            score = weight if done == 0 else ZERO
            rule = "目标为0：实际为0得满分，否则不得分"
            return _finish(score, weight, f"{shown}；{rule}，得 {_points(score)}。")
        score = weight  # "≥0": anything meets it
        return _finish(score, weight, f"{shown}；目标为不低于0，得满分 {_points(score)}。")

    if target.direction == Direction.REVERSE:
        if done <= goal:
            return _finish(weight, weight, f"{shown}；反向指标已达成，得满分 {_points(weight)}。")
        if policy.reverse_rule == LINEAR:
            score = max(ZERO, weight * (2 * goal - done) / goal)
            explanation = (
                f"{shown}；反向指标超出目标，按线性递减：(2×{_text(goal, unit)} − {_text(done, unit)}) ÷ "
                f"{_text(goal, unit)} × {_points(weight)} = {_points(score)}。"
            )
        else:
            score = goal / done * weight
            explanation = (
                f"{shown}；反向指标超出目标：目标 {_text(goal, unit)} ÷ 实际 {_text(done, unit)} × "
                f"{_points(weight)} = {_points(score)}。"
            )
        return _finish(score, weight, explanation)

    over = done >= goal * policy.over_achievement
    if done >= goal:
        proposal = _finish(weight, weight, f"{shown}；已达成，得满分 {_points(weight)}。")
        if over:
            percent = (policy.over_achievement * HUNDRED).quantize(Decimal("1"), rounding=ROUND_DOWN)
            return Proposal(
                proposal.score,
                proposal.explanation,
                needs_reason=True,
                reason_why=f"实际达到目标的{percent}%以上，目标可能定得偏低，需说明偏差原因。",
            )
        return proposal
    score = done / goal * weight
    explanation = (
        f"实际 {_text(done, unit)} ÷ 目标 {_text(goal, unit)} × {_points(weight)} = {_points(score)}。"
    )
    return _finish(score, weight, explanation)


def _finish(score: Decimal, weight: Decimal, explanation: str) -> Proposal:
    score = min(round_money(score), round_money(weight))
    if score < round_money(weight):
        return Proposal(
            score, explanation, needs_reason=True, reason_why="未得满分，需说明偏差原因及改进措施。"
        )
    return Proposal(score, explanation)


def spread_weight(total: Decimal, count: int) -> list[Decimal]:
    """``total`` points over ``count`` indicators, evenly, in cents; the list sums to ``total`` exactly.

    The cents that do not divide go to the first indicators (50 over 3: 16.67, 16.67, 16.66).
    """
    if count <= 0:
        return []
    cents = int(round_money(total) * 100)
    share, rest = divmod(cents, count)
    return [Decimal(share + (1 if index < rest else 0)) / 100 for index in range(count)]


def spread_weights(level1_names: Sequence[str], policy: Policy = DEFAULT_POLICY) -> list[Decimal]:
    """Default weights for indicators listed by their 一级, each 一级's weight spread evenly over them."""
    counts: dict[str, int] = {}
    for level1 in level1_names:
        counts[level1] = counts.get(level1, 0) + 1
    shares = {
        level1: spread_weight(policy.level1_weights.get(level1, ZERO), n) for level1, n in counts.items()
    }
    return [shares[level1].pop(0) for level1 in level1_names]


def weight_problems(rows: Iterable[tuple[str, Decimal]], policy: Policy = DEFAULT_POLICY) -> list[str]:
    """Each 一级 whose indicators' weights do not add up to the 一级's weight."""
    sums: dict[str, Decimal] = {}
    for level1, weight in rows:
        sums[level1] = sums.get(level1, ZERO) + Decimal(weight)
    return [
        f"{level1}各指标分值合计{round_money(total)}分，应为{round_money(policy.level1_weights[level1])}分。"
        for level1, total in sums.items()
        if level1 in policy.level1_weights
        and round_money(total) != round_money(policy.level1_weights[level1])
    ]


def budget_score(executed: Decimal, budget: Decimal, policy: Policy = DEFAULT_POLICY) -> Decimal | None:
    """预算执行率得分 = min(执行数 ÷ 预算数, 1) × 分值."""
    if not budget:
        return None
    return round_money(min(Decimal(executed) / Decimal(budget), Decimal(1)) * policy.budget_weight)


def total_score(parts: Iterable[Decimal | None]) -> Decimal | None:
    """总分 = the sum of its parts; None while any part is unscored."""
    parts = list(parts)
    if any(part is None for part in parts):
        return None
    return round_money(sum(parts, ZERO))


__all__ = [
    "DEFAULT_POLICY",
    "LINEAR",
    "RATIO",
    "Band",
    "Policy",
    "Proposal",
    "budget_score",
    "score_indicator",
    "spread_weight",
    "spread_weights",
    "total_score",
    "weight_problems",
]
