"""Mid-year monitoring (domain.md §7): rounds, the district's thresholds, and the monitoring form.

A round (监控任务) is opened by the finance bureau for one district, year and stage (data as of the end
of month N); opening it creates one 项目支出绩效目标执行监控表 per project in scope, pre-filled from the
approved targets. The lights are computed from the form and the thresholds (``monitoring/lights.py``),
never stored or typed.
"""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.models import YEAR_VALIDATORS, District, FormBase, FormStatus
from core.money import ZERO, MoneyField, nonnegative_constraints, percent
from declarations.models import Project
from indicators.models import IndicatorRow
from monitoring.lights import Thresholds

STAGE_VALIDATORS = [
    MinValueValidator(1, message="监控阶段应为1—12月。"),
    MaxValueValidator(12, message="监控阶段应为1—12月。"),
]


def month_day(day: date) -> str:
    """“8月15日”."""
    return f"{day.month}月{day.day}日"


def stage_label(stage: int) -> str:
    """“1—7月”."""
    return f"1—{stage}月"


class RoundType(models.TextChoices):
    SELF = "self", "自行监控"
    KEY = "key", "重点监控"


class WindowState(models.TextChoices):
    """Where a round's reporting window stands on a given day."""

    PENDING = "pending", "未开始"
    OPEN = "open", "填报中"
    DUE = "due", "即将到期"
    OVERDUE = "overdue", "已逾期"
    REOPENED = "reopened", "补报中"
    CLOSED = "closed", "已结束"


ENTRY_STATES = {WindowState.OPEN, WindowState.DUE, WindowState.REOPENED}
# Bootstrap badge classes of each state (inbox, workspace, round pages).
STATE_CSS = {
    WindowState.PENDING: "text-bg-secondary",
    WindowState.OPEN: "text-bg-info",
    WindowState.DUE: "text-bg-warning",
    WindowState.OVERDUE: "text-bg-danger",
    WindowState.REOPENED: "text-bg-primary",
    WindowState.CLOSED: "text-bg-dark",
}


class MonitoringRound(models.Model):
    """A monitoring round (监控任务) of one district: year, stage, type, window."""

    district = models.ForeignKey(
        District, models.PROTECT, related_name="monitoring_rounds", verbose_name="区"
    )
    year = models.PositiveSmallIntegerField("年度", validators=YEAR_VALIDATORS)
    stage = models.PositiveSmallIntegerField(
        "监控阶段（截至月份）", validators=STAGE_VALIDATORS, help_text="数据截至该月末，如 7 表示1—7月。"
    )
    type = models.CharField("监控类型", max_length=8, choices=RoundType, default=RoundType.SELF)
    opens_on = models.DateField("开始填报日期")
    deadline = models.DateField("截止日期")
    warning_days = models.PositiveSmallIntegerField(
        "到期提醒天数", default=3, help_text="截止日期前多少天起提示“即将到期”。"
    )
    reopened_until = models.DateField(
        "补报截止日期", null=True, blank=True, help_text="财政局重新开放填报后，补报截止的日期。"
    )
    closed_at = models.DateTimeField("结束时间", null=True, blank=True)
    created_at = models.DateTimeField("开启时间", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="开启人",
    )

    class Meta:
        verbose_name = "监控任务"
        verbose_name_plural = "监控任务"
        ordering = ["-year", "-stage", "district__name", "type"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "year", "stage", "type"],
                name="monitoring_round_one_per_stage_type",
                violation_error_message="该区该年度同一阶段、同一类型的监控任务已存在。",
            ),
            models.CheckConstraint(
                condition=Q(deadline__gte=models.F("opens_on")),
                name="monitoring_round_deadline_after_opening",
                violation_error_message="截止日期不能早于开始填报日期。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.district}{self.year}年{stage_label(self.stage)}{self.get_type_display()}"

    @property
    def label(self) -> str:
        """“2025年1—7月自行监控”."""
        return f"{self.year}年{stage_label(self.stage)}{self.get_type_display()}"

    @property
    def stage_label(self) -> str:
        return stage_label(self.stage)

    def state(self, today: date | None = None) -> str:
        """The window on ``today`` (default: today in the district's time zone)."""
        today = today or timezone.localdate()
        if self.closed_at is not None:
            return WindowState.CLOSED
        if today < self.opens_on:
            return WindowState.PENDING
        if today <= self.deadline:
            if (self.deadline - today).days < self.warning_days:
                return WindowState.DUE
            return WindowState.OPEN
        if self.reopened_until is not None and today <= self.reopened_until:
            return WindowState.REOPENED
        return WindowState.OVERDUE

    def state_text(self, today: date | None = None) -> str:
        """The window in words: “即将到期（剩2天，8月15日截止）”."""
        today = today or timezone.localdate()
        state = self.state(today)
        if state == WindowState.PENDING:
            return f"未开始（{month_day(self.opens_on)}开始填报）"
        if state == WindowState.OPEN:
            return f"填报中（{month_day(self.deadline)}截止）"
        if state == WindowState.DUE:
            days = (self.deadline - today).days
            left = "今天截止" if days == 0 else f"剩{days}天，{month_day(self.deadline)}截止"
            return f"即将到期（{left}）"
        if state == WindowState.REOPENED:
            return f"补报中（至{month_day(self.reopened_until)}）"
        if state == WindowState.OVERDUE:
            return f"已逾期（{month_day(self.deadline)}截止）"
        return "已结束"

    def accepts_entries(self, today: date | None = None) -> bool:
        return self.state(today) in ENTRY_STATES

    def closed_message(self, today: date | None = None) -> str:
        """Why nothing can be entered now, naming the window."""
        return (
            f"{self.label}当前{self.state_text(today)}，"
            f"填报期为{self.opens_on:%Y-%m-%d}至{self.deadline:%Y-%m-%d}；"
            "不在填报期内不能填报或提交，如需补报请联系财政局重新开放。"
        )

    def is_late(self, submitted_at) -> bool:
        """A report submitted after the deadline's day (in local time) is late."""
        return submitted_at is not None and timezone.localtime(submitted_at).date() > self.deadline


# --- thresholds (data per district and year) ---------------------------------------------------------


class ThresholdSet(models.Model):
    """The lights' thresholds of one district and year; absent, the preset (``DEFAULT_FLOORS``) applies."""

    district = models.ForeignKey(
        District, models.CASCADE, related_name="monitoring_thresholds", verbose_name="区"
    )
    year = models.PositiveSmallIntegerField("年度", validators=YEAR_VALIDATORS)
    red_margin = models.DecimalField(
        "红灯差距（百分点）",
        max_digits=5,
        decimal_places=2,
        default=Decimal("10"),
        validators=[MinValueValidator(0)],
        help_text="执行率低于进度下限即为黄灯；低于下限超过此百分点为红灯。",
    )
    deviation_percent = models.DecimalField(
        "指标预计偏离阈值（%）",
        max_digits=5,
        decimal_places=2,
        default=Decimal("30"),
        validators=[MinValueValidator(0)],
        help_text="全年预计完成值偏离年度指标值超过此比例为黄灯。",
    )
    gap_points = models.DecimalField(
        "目标与预算偏离阈值（百分点）",
        max_digits=5,
        decimal_places=2,
        default=Decimal("10"),
        validators=[MinValueValidator(0)],
        help_text="指标完成进度与预算执行率相差超过此百分点时提示。",
    )

    class Meta:
        verbose_name = "监控预警规则"
        verbose_name_plural = "监控预警规则"
        ordering = ["-year", "district"]
        constraints = [
            models.UniqueConstraint(fields=["district", "year"], name="monitoring_thresholds_one_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.district}{self.year}年监控预警规则"


class BudgetFloor(models.Model):
    """The execution floor at the end of a month (e.g. 40% at the end of June)."""

    thresholds = models.ForeignKey(
        ThresholdSet, models.CASCADE, related_name="floors", verbose_name="预警规则"
    )
    month = models.PositiveSmallIntegerField("截至月份", validators=STAGE_VALIDATORS)
    floor = models.DecimalField(
        "执行进度下限（%）",
        max_digits=5,
        decimal_places=2,
        validators=[
            # Validator messages are %-formatted: “%%” prints one per cent sign.
            MinValueValidator(0, message="执行进度下限应在0—100%%之间。"),
            MaxValueValidator(100, message="执行进度下限应在0—100%%之间。"),
        ],
    )

    class Meta:
        verbose_name = "执行进度下限"
        verbose_name_plural = "执行进度下限"
        ordering = ["month"]
        constraints = [
            models.UniqueConstraint(fields=["thresholds", "month"], name="monitoring_floor_one_per_month")
        ]

    def __str__(self) -> str:
        return f"{self.month}月末 {self.floor}%"


def thresholds_for(district, year: int) -> Thresholds:
    """The thresholds of ``district`` for ``year``: the administrator's, else the preset."""
    found = ThresholdSet.objects.filter(district=district, year=year).prefetch_related("floors").first()
    if found is None:
        return Thresholds()
    return Thresholds(
        floors=tuple((floor.month, floor.floor) for floor in found.floors.all()),
        red_margin=found.red_margin,
        deviation_percent=found.deviation_percent,
        gap_points=found.gap_points,
    )


# --- the form ----------------------------------------------------------------------------------------------


FUND_SOURCES = (("fiscal", "其中：财政拨款"), ("other", "其他资金"))
FUND_COLUMNS = (
    ("initial", "年初预算数"),
    ("adjusted", "调整后预算数"),
    ("executed", "执行数"),
    ("forecast", "全年预计执行数"),
)
MONITORING_AMOUNTS = tuple(f"{column}_{source}" for column, _ in FUND_COLUMNS for source, _ in FUND_SOURCES)
# 年初预算数 comes from the approved targets: shown, never entered.
INITIAL_AMOUNTS = tuple(f"initial_{source}" for source, _ in FUND_SOURCES)
ENTERED_AMOUNTS = tuple(name for name in MONITORING_AMOUNTS if name not in INITIAL_AMOUNTS)
ANALYSIS_FIELDS = (
    ("deviation", "偏差情况"),
    ("problems", "存在问题"),
    ("measures", "改进措施"),
    ("suggestions", "建议"),
)


class Reason(models.TextChoices):
    FUNDS = "经费保障", "经费保障"
    RULES = "制度保障", "制度保障"
    STAFF = "人员保障", "人员保障"
    FACILITIES = "硬件条件保障", "硬件条件保障"
    OTHER = "其他", "其他"


class Likelihood(models.TextChoices):
    CERTAIN = "certain", "确定能"
    POSSIBLE = "possible", "有可能"
    IMPOSSIBLE = "impossible", "完全不可能"


class MonitoringForm(FormBase):
    """项目支出绩效目标执行监控表 of one project in one round (domain.md §7)."""

    AMOUNT_FIELDS = MONITORING_AMOUNTS
    SOURCES = FUND_SOURCES
    COLUMNS = FUND_COLUMNS

    round = models.ForeignKey(MonitoringRound, models.PROTECT, related_name="forms", verbose_name="监控任务")
    project = models.ForeignKey(
        Project,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="monitoring_forms",
        verbose_name="项目目标",
    )
    # The form's name among the department's forms of the year: the project and the round's stage.
    name = models.CharField("监控表名称", max_length=200)
    project_name = models.CharField("项目名称", max_length=200)
    competent_department = models.CharField("主管部门", max_length=120, blank=True)
    implementing_unit = models.CharField("实施单位", max_length=120, blank=True)

    initial_fiscal = MoneyField("年初预算数（财政拨款）")
    initial_other = MoneyField("年初预算数（其他资金）")
    adjusted_fiscal = MoneyField("调整后预算数（财政拨款）")
    adjusted_other = MoneyField("调整后预算数（其他资金）")
    executed_fiscal = MoneyField("1—N月执行数（财政拨款）")
    executed_other = MoneyField("1—N月执行数（其他资金）")
    forecast_fiscal = MoneyField("全年预计执行数（财政拨款）")
    forecast_other = MoneyField("全年预计执行数（其他资金）")

    goal = models.TextField("年度总体目标", blank=True)
    goal_progress = models.TextField("年度总体目标1—N月执行情况", blank=True)
    deviation = models.TextField("偏差情况", blank=True)
    problems = models.TextField("存在问题", blank=True)
    measures = models.TextField("改进措施", blank=True)
    suggestions = models.TextField("建议", blank=True)

    class Meta(FormBase.Meta):
        verbose_name = "项目支出绩效目标执行监控表"
        verbose_name_plural = "项目支出绩效目标执行监控表"
        ordering = ["-year", "department__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "year", "name"],
                name="monitoring_form_one_per_name",
                violation_error_message="该部门该年度已有同名监控表。",
            ),
            models.UniqueConstraint(
                fields=["round", "department", "project_name"],
                name="monitoring_form_one_per_round_project",
                violation_error_message="该监控任务中已有此项目的监控表。",
            ),
            *nonnegative_constraints("monitoring_form", *MONITORING_AMOUNTS),
        ]

    def __str__(self) -> str:
        return f"{self.name}项目支出绩效目标执行监控表"

    @property
    def title(self) -> str:
        return "项目支出绩效目标执行监控表"

    def column_total(self, column: str) -> Decimal:
        return sum((getattr(self, f"{column}_{source}") for source, _ in self.SOURCES), ZERO)

    @property
    def execution_rate(self) -> Decimal | None:
        """1—N月执行率 = 1—N月执行数 ÷ 调整后预算数 (年度资金总额), in percent."""
        return percent(self.column_total("executed"), self.column_total("adjusted"))

    def editable_by(self, user) -> bool:
        """A preparer writes the form only while its round's window is open (or reopened)."""
        return super().editable_by(user) and self.round.accepts_entries()

    def arithmetic_problems(self) -> list[str]:
        problems = []
        if not self.column_total("adjusted"):
            problems.append("调整后预算数（年度资金总额）为0，无法计算执行率。")
        for source, label in self.SOURCES:
            name = label.removeprefix("其中：")
            executed, adjusted, forecast = (
                getattr(self, f"{column}_{source}") for column in ("executed", "adjusted", "forecast")
            )
            if executed > adjusted:
                problems.append(f"{name}：1—{self.round.stage}月执行数不能大于调整后预算数。")
            if forecast < executed:
                problems.append(f"{name}：全年预计执行数不能小于1—{self.round.stage}月执行数。")
        return problems

    def clean(self) -> None:
        super().clean()
        if self.round_id and self.year != self.round.year:
            raise ValidationError("监控表的年度须与监控任务一致。")


class MonitoringIndicator(IndicatorRow):
    """One indicator of a monitoring form: 年度指标值 from the targets, then progress and forecast."""

    form = models.ForeignKey(MonitoringForm, models.CASCADE, related_name="indicators", verbose_name="监控表")
    progress_value = models.CharField("1—N月完成值", max_length=300, blank=True)
    forecast_value = models.CharField("全年预计完成值", max_length=300, blank=True)
    reasons = models.JSONField(
        "偏差原因", default=list, blank=True, help_text="经费保障、制度保障、人员保障、硬件条件保障、其他"
    )
    reason_text = models.TextField("偏差原因说明", blank=True)
    likelihood = models.CharField("完成目标可能性", max_length=16, choices=Likelihood, blank=True)
    remark = models.CharField("备注", max_length=300, blank=True)

    class Meta(IndicatorRow.Meta):
        verbose_name = "监控指标"
        verbose_name_plural = "监控指标"

    def clean(self) -> None:
        super().clean()
        reasons = self.reasons if isinstance(self.reasons, list) else [self.reasons]
        unknown = [reason for reason in reasons if reason not in Reason.values]
        if unknown:
            raise ValidationError(
                {
                    "reasons": f"“{'、'.join(map(str, unknown))}”不是可选的偏差原因（可选：{'、'.join(Reason.values)}）。"
                }
            )


REPORTED = (FormStatus.SUBMITTED, FormStatus.APPROVED)
