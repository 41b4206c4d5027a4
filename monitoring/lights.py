"""The lights of a monitoring form (domain.md §7): computed from the form and the thresholds, never typed.

- **Budget light**: 1—N月执行率 (执行数 ÷ 调整后预算数, 年度资金总额) against the district's execution floor
  for the stage (the floor of the latest month at or before N): not below it green, below it yellow,
  below it by more than ``red_margin`` points red.
- **Target light**: the worst of the indicators': 完全不可能 red; 有可能, or a 全年预计完成值 deviating from the
  年度指标值 by more than ``deviation_percent`` (either way), yellow; else green.
- **Gap flag**: the indicators' progress (1—N月完成值 ÷ 年度指标值, capped at 100%, over the positive
  quantitative indicators) and the execution rate differ by more than ``gap_points`` points.

Pure functions of plain data (a record's funds and indicators): the entry page, the layout, the checks
and the bureau's round view all call :func:`lights_for`, so each shows the same colour for the same
reason, in words.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from core.money import HUNDRED, ZERO, format_percent, percent, round_money
from indicators.target_values import Direction, read_target

GREEN, YELLOW, RED, NONE = "green", "yellow", "red", "none"
COLOR_LABELS = {GREEN: "绿灯", YELLOW: "黄灯", RED: "红灯", NONE: "未评价"}
SEVERITY = {NONE: 0, GREEN: 1, YELLOW: 2, RED: 3}

# The preset of one province's rule (domain.md §7): floors at the end of April, June, August, October.
DEFAULT_FLOORS = ((4, Decimal("25")), (6, Decimal("40")), (8, Decimal("60")), (10, Decimal("80")))
PRESETS = {
    "province": ("四档进度（4月末25%、6月末40%、8月末60%、10月末80%）", DEFAULT_FLOORS),
    "half-year": ("半年进度（6月末50%、9月末75%）", ((6, Decimal("50")), (9, Decimal("75")))),
}


@dataclass(frozen=True)
class Thresholds:
    floors: tuple[tuple[int, Decimal], ...] = DEFAULT_FLOORS
    red_margin: Decimal = Decimal("10")
    deviation_percent: Decimal = Decimal("30")
    gap_points: Decimal = Decimal("10")

    def floor_for(self, stage: int) -> tuple[int, Decimal] | None:
        """The floor that applies at the end of month ``stage``: the latest one set at or before it."""
        applicable = [(month, floor) for month, floor in self.floors if month <= stage]
        return max(applicable) if applicable else None

    def as_data(self) -> dict:
        return {
            "floors": [[month, f"{floor:.2f}"] for month, floor in self.floors],
            "red_margin": f"{self.red_margin:.2f}",
            "deviation_percent": f"{self.deviation_percent:.2f}",
            "gap_points": f"{self.gap_points:.2f}",
        }

    @classmethod
    def from_data(cls, data: dict | None) -> "Thresholds":
        if not data:
            return cls()
        return cls(
            floors=tuple((int(month), Decimal(floor)) for month, floor in data.get("floors", [])),
            red_margin=Decimal(data.get("red_margin", "10")),
            deviation_percent=Decimal(data.get("deviation_percent", "30")),
            gap_points=Decimal(data.get("gap_points", "10")),
        )


@dataclass(frozen=True)
class Light:
    color: str
    reasons: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return COLOR_LABELS[self.color]

    @property
    def warns(self) -> bool:
        """Red or yellow: the unit must give reasons and measures."""
        return self.color in {RED, YELLOW}

    @property
    def text(self) -> str:
        """“黄灯：1—7月执行率32.00%，低于6月末执行进度下限40.00%（差8.00个百分点）”."""
        return f"{self.label}：{'；'.join(self.reasons)}" if self.reasons else self.label


@dataclass(frozen=True)
class Lights:
    budget: Light
    target: Light
    indicators: tuple[Light, ...]
    gap: Light  # yellow when flagged, green when not, none when it cannot be told
    execution_rate: Decimal | None
    achievement: Decimal | None
    deviations: tuple[Decimal | None, ...] = field(default=())

    @property
    def gap_flagged(self) -> bool:
        return self.gap.color == YELLOW

    @property
    def gap_text(self) -> str:
        """The gap flag in words: “有偏离：…”, “无偏离：…” or “无法比较：…”."""
        head = {YELLOW: "有偏离", GREEN: "无偏离"}.get(self.gap.color, "无法比较")
        return f"{head}：{'；'.join(self.gap.reasons)}"

    @property
    def worst(self) -> str:
        return max((self.budget.color, self.target.color), key=SEVERITY.__getitem__)

    @property
    def largest_deviation(self) -> Decimal | None:
        known = [value for value in self.deviations if value is not None]
        return max(known, key=abs) if known else None


def _amount(value) -> Decimal:
    try:
        return Decimal(str(value or "0").replace(",", ""))
    except ArithmeticError:
        return ZERO


@lru_cache(maxsize=8192)
def _number(text: str, name: str):
    """The read number of a value (cached: the same few texts recur across a round's forms)."""
    value = read_target(text or "", name)
    return value if value.quantitative and value.number is not None else None


def execution_rate(funds: dict) -> Decimal | None:
    executed = _amount(funds.get("executed_fiscal")) + _amount(funds.get("executed_other"))
    adjusted = _amount(funds.get("adjusted_fiscal")) + _amount(funds.get("adjusted_other"))
    return percent(executed, adjusted)


def budget_light(rate: Decimal | None, stage: int, thresholds: Thresholds) -> Light:
    if rate is None:
        return Light(NONE, ("调整后预算数为0，无法计算执行率",))
    said = f"1—{stage}月执行率{format_percent(rate)}"
    floor = thresholds.floor_for(stage)
    if floor is None:
        return Light(GREEN, (f"{said}；本区{stage}月末前未设执行进度下限",))
    month, value = floor
    if rate >= value:
        return Light(GREEN, (f"{said}，不低于{month}月末执行进度下限{format_percent(value)}",))
    short = round_money(value - rate)
    color = RED if short > thresholds.red_margin else YELLOW
    rule = f"，超过{thresholds.red_margin:.2f}个百分点为红灯" if color == RED else ""
    return Light(
        color, (f"{said}，低于{month}月末执行进度下限{format_percent(value)}（差{short:.2f}个百分点{rule}）",)
    )


def deviation_of(item: dict) -> Decimal | None:
    """How far 全年预计完成值 is from 年度指标值, in percent of the target (+ above, − below)."""
    target = _number(item.get("annual_value") or "", item.get("name") or "")
    forecast = _number(item.get("forecast_value") or "", item.get("name") or "")
    if target is None or forecast is None or target.compound or not target.number:
        return None
    return round_money((forecast.number - target.number) * HUNDRED / target.number)


def indicator_light(item: dict, thresholds: Thresholds) -> tuple[Light, Decimal | None]:
    name = item.get("name", "")
    likelihood = item.get("likelihood", "")
    deviation = deviation_of(item)
    reasons = []
    color = GREEN
    if likelihood == "impossible":
        color = RED
        reasons.append(f"“{name}”完成目标可能性为“完全不可能”")
    elif likelihood == "possible":
        color = YELLOW
        reasons.append(f"“{name}”完成目标可能性为“有可能”")
    if deviation is not None and abs(deviation) > thresholds.deviation_percent:
        color = max(color, YELLOW, key=SEVERITY.__getitem__)
        reasons.append(
            f"“{name}”全年预计完成值{item.get('forecast_value')}偏离年度指标值{item.get('annual_value')}"
            f"{deviation:+.2f}%（超过{thresholds.deviation_percent:.2f}%）"
        )
    return Light(color, tuple(reasons)), deviation


def achievement(indicators: list[dict]) -> Decimal | None:
    """Mean progress of the positive quantitative indicators: 1—N月完成值 ÷ 年度指标值, capped at 100%."""
    shares = []
    for item in indicators:
        target = _number(item.get("annual_value") or "", item.get("name") or "")
        progress = _number(item.get("progress_value") or "", item.get("name") or "")
        if target is None or progress is None or target.compound or not target.number:
            continue
        if target.direction != Direction.POSITIVE:
            continue
        shares.append(min(progress.number * HUNDRED / target.number, HUNDRED))
    if not shares:
        return None
    return round_money(sum(shares, ZERO) / len(shares))


def lights_for(record: dict) -> Lights:
    """The lights of a monitoring record (``monitoring/records.py``), with their reasons in words."""
    stage = int(record["stage"])
    thresholds = Thresholds.from_data(record.get("thresholds"))
    rate = execution_rate(record["funds"])
    budget = budget_light(rate, stage, thresholds)
    pairs = [indicator_light(item, thresholds) for item in record["indicators"]]
    lights = tuple(light for light, _deviation in pairs)
    worst = max((light.color for light in lights), key=SEVERITY.__getitem__, default=NONE)
    if worst == NONE:
        target = Light(NONE, ("没有绩效指标",))
    elif worst == GREEN:
        target = Light(GREEN, ("各项指标预计能完成年度指标值",))
    else:
        target = Light(worst, tuple(reason for light in lights if light.warns for reason in light.reasons))
    progress = achievement(record["indicators"])
    if progress is None or rate is None:
        gap = Light(NONE, ("没有可量化的指标进度或执行率，无法比较",))
    else:
        difference = round_money(abs(progress - rate))
        said = f"指标完成进度{format_percent(progress)}与预算执行率{format_percent(rate)}相差{difference:.2f}个百分点"
        if difference > thresholds.gap_points:
            gap = Light(YELLOW, (f"{said}，超过{thresholds.gap_points:.2f}个百分点",))
        else:
            gap = Light(GREEN, (f"{said}，未超过{thresholds.gap_points:.2f}个百分点",))
    return Lights(
        budget=budget,
        target=target,
        indicators=lights,
        gap=gap,
        execution_rate=rate,
        achievement=progress,
        deviations=tuple(deviation for _light, deviation in pairs),
    )
