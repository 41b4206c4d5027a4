from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from core.kinds import get_kind
from core.models import FormBase, FormKind
from core.money import HUNDRED, ZERO, MoneyField, amount_constraints, percent, round_money
from declarations.models import Project
from evaluations.scoring import DEFAULT_POLICY, Band, Policy
from indicators.models import IndicatorRow

# --- §2.4 部门整体支出绩效自评表 -----------------------------------------------------------------


DEPARTMENT_EVALUATION_AMOUNTS = (
    "adjusted_budget",
    "initial_budget",
    "actual_spending",
    "general_public_budget",
)


class DepartmentEvaluation(FormBase):
    """部门整体支出绩效自评表 (seed 004). No score on this layout."""

    AMOUNT_FIELDS = DEPARTMENT_EVALUATION_AMOUNTS

    adjusted_budget = MoneyField("部门调整预算收入")
    initial_budget = MoneyField("部门年初预算收入")
    actual_spending = MoneyField("实际支出数")
    general_public_budget = MoneyField("其中：一般公共预算")
    expected_goal = models.TextField("部门整体支出的预期目标", blank=True)
    goal_completion = models.TextField("部门整体支出的目标完成情况", blank=True)
    key_project_performance = models.TextField("重点项目绩效情况", blank=True)
    overall_performance = models.TextField("部门整体绩效", blank=True)
    problems = models.TextField("存在问题", blank=True)
    improvements = models.TextField("改进措施或下一步计划", blank=True)

    class Meta(FormBase.Meta):
        verbose_name = "部门整体支出绩效自评表"
        verbose_name_plural = "部门整体支出绩效自评表"
        constraints = [
            models.UniqueConstraint(
                fields=["department", "year"],
                name="evaluations_departmentevaluation_one_per_department_year",
                violation_error_message="该部门该年度已有部门整体支出绩效自评表。",
            ),
            *amount_constraints("evaluations_depteval", *DEPARTMENT_EVALUATION_AMOUNTS),
        ]

    def __str__(self) -> str:
        return f"{self.year}年度{self.department}部门整体支出绩效自评表"

    @property
    def title(self) -> str:
        return str(self)

    # Derived figures of §2.4, never typed.
    @property
    def budget_adjustment(self) -> Decimal:
        """年度预算调整数 = 部门调整预算收入 − 部门年初预算收入."""
        return self.adjusted_budget - self.initial_budget

    @property
    def completion_rate(self) -> Decimal | None:
        """预算完成率 = 实际支出数 ÷ 部门调整预算收入, in percent."""
        return percent(self.actual_spending, self.adjusted_budget)

    @property
    def adjustment_rate(self) -> Decimal | None:
        """预算调整率 = |年度预算调整数| ÷ 部门年初预算收入, in percent."""
        return percent(abs(self.budget_adjustment), self.initial_budget)

    def arithmetic_problems(self) -> list[str]:
        problems = super().arithmetic_problems()
        if self.general_public_budget > self.actual_spending:
            problems.append("“其中：一般公共预算”不能大于实际支出数。")
        if self.scored:
            # A 评分表 states no budget: there is no 预算完成率 or 预算调整率 to compute.
            return problems
        if not self.adjusted_budget:
            problems.append("部门调整预算收入为0，无法计算预算完成率。")
        if not self.initial_budget:
            problems.append("部门年初预算收入为0，无法计算预算调整率。")
        return problems

    @property
    def scored(self) -> bool:
        """Whether the form is a scored 评分表: it has 评分表 rows, or its district's layout prints them."""
        if self.pk and self.criteria.exists():
            return True
        spec = get_kind(FormKind.SELF_EVALUATION.value)
        variant = spec.variant(spec.chosen_layout(self.department, self.year))
        return variant is not None and "criteria" in variant.fields

    @property
    def tasks_total(self) -> Decimal:
        return sum((task.amount for task in self.tasks.all()), ZERO)


class EvaluationTask(models.Model):
    """主要任务: one task with its goal, completion and funds; it has several key indicators."""

    evaluation = models.ForeignKey(
        DepartmentEvaluation, models.CASCADE, related_name="tasks", verbose_name="自评表"
    )
    name = models.CharField("任务", max_length=300)
    expected = models.TextField("预期目标", blank=True)
    completion = models.TextField("目标完成情况", blank=True)
    amount = MoneyField("任务涉及资金")
    position = models.PositiveIntegerField("顺序", default=0)

    class Meta:
        verbose_name = "主要任务"
        verbose_name_plural = "主要任务"
        ordering = ["position", "pk"]
        constraints = amount_constraints("evaluations_evaltask", "amount")

    def __str__(self) -> str:
        return self.name


class EvaluationTaskIndicator(models.Model):
    task = models.ForeignKey(EvaluationTask, models.CASCADE, related_name="indicators", verbose_name="任务")
    name = models.CharField("关键指标", max_length=300)
    completion = models.TextField("指标完成情况", blank=True)
    position = models.PositiveIntegerField("顺序", default=0)

    class Meta:
        verbose_name = "任务关键指标"
        verbose_name_plural = "任务关键指标"
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name


POINTS_BOUNDS = [MinValueValidator(0), MaxValueValidator(100)]


class DepartmentEvaluationCriterion(models.Model):
    """One 三级 row of a *scored* 部门整体支出绩效评价评分表 (Hunan's layout): where it sits in the tree
    (一级 / 二级, with the 分值 the form states for them), its 评分标准, 分值, 自评得分 and 扣分原因.

    Optional: a department evaluation in Guangzhou's layout has none.
    """

    evaluation = models.ForeignKey(
        DepartmentEvaluation, models.CASCADE, related_name="criteria", verbose_name="自评表"
    )
    position = models.PositiveIntegerField("顺序", default=0)
    level1 = models.CharField("一级指标", max_length=100)
    level1_weight = models.DecimalField(
        "一级指标分值", max_digits=5, decimal_places=2, null=True, blank=True, validators=POINTS_BOUNDS
    )
    level2 = models.CharField("二级指标", max_length=100)
    level2_weight = models.DecimalField(
        "二级指标分值", max_digits=5, decimal_places=2, null=True, blank=True, validators=POINTS_BOUNDS
    )
    name = models.CharField("三级指标", max_length=300)
    standard = models.TextField("评分标准", blank=True)
    weight = models.DecimalField(
        "分值", max_digits=5, decimal_places=2, null=True, blank=True, validators=POINTS_BOUNDS
    )
    score = models.DecimalField(
        "自评得分", max_digits=5, decimal_places=2, null=True, blank=True, validators=POINTS_BOUNDS
    )
    reason = models.TextField("扣分原因和其他说明", blank=True)

    class Meta:
        verbose_name = "评分表指标"
        verbose_name_plural = "评分表指标"
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(weight__isnull=True) | Q(score__lte=models.F("weight")),
                name="evaluations_criterion_score_within_weight",
                violation_error_message="自评得分不能超过分值。",
            ),
        ]

    def __str__(self) -> str:
        return self.name


# --- §2.5 项目支出绩效自评表 (national layout) ------------------------------------------------------


FUND_SOURCES = (("current", "其中：本年财政拨款"), ("carryover", "上年结转资金"), ("other", "其他资金"))
FUND_COLUMNS = (("initial", "年初预算数"), ("annual", "全年预算数"), ("executed", "全年执行数"))
PROJECT_EVALUATION_AMOUNTS = tuple(
    f"{column}_{source}" for column, _ in FUND_COLUMNS for source, _ in FUND_SOURCES
)


# Optional fields of a 项目支出绩效自评表: printed only by the layouts that have them (Hubei's, e.g.).
EVALUATION_DETAILS = (
    "category",
    "attribute",
    "project_type",
    "filled_on",
    "deviation_analysis",
    "improvement_plan",
)
EVALUATION_RICH_DETAILS = ("deviation_analysis", "improvement_plan")


class ProjectEvaluation(FormBase):
    """项目支出绩效自评表 of one project, started from that project's approved targets.

    Funds come in three sources (本年财政拨款, 上年结转资金, 其他资金) × three columns (年初预算数,
    全年预算数, 全年执行数); the 年度资金总额 row, 执行率 and 得分 are derived.
    """

    SOURCES = FUND_SOURCES
    COLUMNS = FUND_COLUMNS
    AMOUNT_FIELDS = PROJECT_EVALUATION_AMOUNTS

    project = models.ForeignKey(
        Project, models.PROTECT, null=True, blank=True, related_name="evaluations", verbose_name="项目目标"
    )
    project_name = models.CharField("项目名称", max_length=200)
    competent_department = models.CharField("主管部门", max_length=120, blank=True)
    implementing_unit = models.CharField("实施单位", max_length=120, blank=True)

    initial_current = MoneyField("年初预算数（本年财政拨款）")
    initial_carryover = MoneyField("年初预算数（上年结转资金）")
    initial_other = MoneyField("年初预算数（其他资金）")
    annual_current = MoneyField("全年预算数（本年财政拨款）")
    annual_carryover = MoneyField("全年预算数（上年结转资金）")
    annual_other = MoneyField("全年预算数（其他资金）")
    executed_current = MoneyField("全年执行数（本年财政拨款）")
    executed_carryover = MoneyField("全年执行数（上年结转资金）")
    executed_other = MoneyField("全年执行数（其他资金）")
    budget_weight = models.DecimalField(
        "预算执行率分值",
        max_digits=5,
        decimal_places=2,
        default=Decimal("10.00"),
        validators=[MinValueValidator(0)],
    )

    # The form's own weight of each 一级 (“产出指标” → "50.00"), as printed on it; a form that states
    # none takes the district's policy. Real forms differ: 50/30/10, 60/30, 40/40 (domain.md §4).
    level1_weights = models.JSONField("一级指标分值", default=dict, blank=True)

    expected_goal = models.TextField("年度总体目标（预期目标）", blank=True)
    actual_completion = models.TextField("年度总体目标（实际完成情况）", blank=True)

    # Optional (EVALUATION_DETAILS): printed only by the layouts that have them.
    category = models.CharField("项目类别", max_length=60, blank=True)
    attribute = models.CharField("项目属性", max_length=60, blank=True)
    project_type = models.CharField("项目类型", max_length=60, blank=True)
    filled_on = models.DateField("填报日期", null=True, blank=True)
    deviation_analysis = models.TextField("偏差大或目标未完成原因分析", blank=True)
    improvement_plan = models.TextField("改进措施及结果应用方案", blank=True)

    class Meta(FormBase.Meta):
        verbose_name = "项目支出绩效自评表"
        verbose_name_plural = "项目支出绩效自评表"
        constraints = [
            models.UniqueConstraint(
                fields=["department", "year", "project_name"],
                name="evaluations_projectevaluation_one_per_project_year",
                violation_error_message="该部门该年度已有此项目的自评表。",
            ),
            *amount_constraints("evaluations_projeval", *PROJECT_EVALUATION_AMOUNTS),
        ]

    def __str__(self) -> str:
        return f"{self.project_name}（{self.year}年度）项目支出绩效自评表"

    @property
    def title(self) -> str:
        return "项目支出绩效自评表"

    def weights_of_level1(self, policy) -> dict[str, Decimal]:
        """Each 一级's weight on this form: the weights it states, else (none stated) the policy's."""
        stated = {name: Decimal(str(value)) for name, value in (self.level1_weights or {}).items()}
        return stated or dict(policy.level1_weights)

    def column_total(self, column: str) -> Decimal:
        return sum((getattr(self, f"{column}_{source}") for source, _ in self.SOURCES), ZERO)

    @property
    def execution_rate(self) -> Decimal | None:
        """执行率 = 全年执行数 ÷ 全年预算数 (年度资金总额 row), in percent."""
        return percent(self.column_total("executed"), self.column_total("annual"))

    @property
    def budget_score(self) -> Decimal | None:
        """预算执行率得分 = min(执行率, 100%) × 分值 (§4)."""
        rate = self.execution_rate
        if rate is None:
            return None
        return round_money(min(rate, HUNDRED) / HUNDRED * self.budget_weight)

    def total_score(self, indicators=None) -> Decimal | None:
        """总分 = 预算执行率得分 + every indicator's 得分 (the reviewer's where given); None while any part
        is unscored."""
        indicators = list(self.indicators.all()) if indicators is None else indicators
        # A row without points and without a score (a template row, a “/”) is not a part.
        parts = [
            self.budget_score,
            *(row.final_score for row in indicators if row.weight or row.final_score is not None),
        ]
        if any(part is None for part in parts):
            return None
        return round_money(sum(parts, ZERO))


class Grade(models.TextChoices):
    EXCELLENT = "优", "优"
    GOOD = "良", "良"
    FAIR = "中", "中"
    POOR = "差", "差"


def grade_for(total: Decimal | None) -> str:
    """自评等级 from 总分 with the default bands of §4 (优 ≥ 90, 良 80–<90, 中 60–<80, 差 < 60)."""
    if total is None:
        return ""
    if total >= 90:
        return Grade.EXCELLENT
    if total >= 80:
        return Grade.GOOD
    if total >= 60:
        return Grade.FAIR
    return Grade.POOR


class ProjectEvaluationIndicator(IndicatorRow):
    """One indicator of a project self-evaluation: 年度指标值 from the targets, then the actual value."""

    evaluation = models.ForeignKey(
        ProjectEvaluation, models.CASCADE, related_name="indicators", verbose_name="项目自评表"
    )
    actual_value = models.CharField("实际完成值", max_length=300, blank=True)
    weight = models.DecimalField(
        "分值", max_digits=5, decimal_places=2, default=ZERO, validators=[MinValueValidator(0)]
    )
    score = models.DecimalField(
        "得分", max_digits=5, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    deviation_reason = models.TextField("偏差原因分析及改进措施", blank=True)
    # Which of the form's 年度绩效目标 the row measures, in layouts that group rows by goal (Hubei's:
    # 年度绩效目标1, 年度绩效目标2, each with its own indicator table); empty elsewhere.
    goal = models.PositiveSmallIntegerField(
        "年度绩效目标", null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    # The reviewer's (主管部门) own score of the row, with the reason; once given, 总分 and the grade
    # follow it and the approved layout prints it. A preparer's save clears it: a new version is
    # reviewed again.
    reviewer_score = models.DecimalField(
        "审核人评分", max_digits=5, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    reviewer_reason = models.TextField("审核人调整理由", blank=True)

    class Meta(IndicatorRow.Meta):
        verbose_name = "项目自评指标"
        verbose_name_plural = "项目自评指标"
        constraints = [
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__lte=models.F("weight")),
                name="evaluations_indicator_score_within_weight",
                violation_error_message="得分不能超过分值。",
            ),
            models.CheckConstraint(
                condition=Q(reviewer_score__isnull=True) | Q(reviewer_score__lte=models.F("weight")),
                name="evaluations_indicator_reviewer_score_within_weight",
                violation_error_message="审核人评分不能超过分值。",
            ),
        ]

    @property
    def final_score(self) -> Decimal | None:
        """The score that counts: the reviewer's once given, else the preparer's."""
        return self.reviewer_score if self.reviewer_score is not None else self.score


class ScoringPolicy(models.Model):
    """The administrator's scoring numbers (domain.md §4) for one district and year; defaults are national."""

    class ReverseRule(models.TextChoices):
        RATIO = "ratio", "目标值 ÷ 实际值 × 分值（本地常用）"
        LINEAR = "linear", "超出后线性递减，至目标值2倍时为0（全国系统）"

    district = models.ForeignKey(
        "core.District", models.CASCADE, related_name="scoring_policies", verbose_name="区"
    )
    year = models.PositiveSmallIntegerField("评价年度")
    budget_weight = models.DecimalField(
        "预算执行率分值", max_digits=5, decimal_places=2, default=Decimal("10")
    )
    output_weight = models.DecimalField("产出指标分值", max_digits=5, decimal_places=2, default=Decimal("50"))
    benefit_weight = models.DecimalField(
        "效益指标分值", max_digits=5, decimal_places=2, default=Decimal("30")
    )
    satisfaction_weight = models.DecimalField(
        "满意度指标分值", max_digits=5, decimal_places=2, default=Decimal("10")
    )
    reverse_rule = models.CharField(
        "反向指标规则", max_length=16, choices=ReverseRule, default=ReverseRule.RATIO
    )
    achieved_floor = models.DecimalField(
        "定性“达成”区间下限（%）", max_digits=5, decimal_places=2, default=Decimal("80")
    )
    partial_floor = models.DecimalField(
        "定性“部分达成”区间下限（%）", max_digits=5, decimal_places=2, default=Decimal("60")
    )
    over_achievement_percent = models.DecimalField(
        "超额需说明原因的比例（%）", max_digits=6, decimal_places=2, default=Decimal("130")
    )
    excellent_floor = models.DecimalField("“优”最低分", max_digits=5, decimal_places=2, default=Decimal("90"))
    good_floor = models.DecimalField("“良”最低分", max_digits=5, decimal_places=2, default=Decimal("80"))
    fair_floor = models.DecimalField("“中”最低分", max_digits=5, decimal_places=2, default=Decimal("60"))

    class Meta:
        verbose_name = "评分规则"
        verbose_name_plural = "评分规则"
        ordering = ["-year", "district"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "year"], name="evaluations_policy_one_per_district_year"
            ),
            models.CheckConstraint(
                condition=Q(budget_weight__gte=0)
                & Q(output_weight__gte=0)
                & Q(benefit_weight__gte=0)
                & Q(satisfaction_weight__gte=0),
                name="evaluations_policy_weights_nonnegative",
                violation_error_message="分值不能为负数。",
            ),
            models.CheckConstraint(
                condition=Q(partial_floor__lte=models.F("achieved_floor")) & Q(achieved_floor__lte=100),
                name="evaluations_policy_bands_ordered",
                violation_error_message="定性区间下限须满足：部分达成 ≤ 达成 ≤ 100。",
            ),
            models.CheckConstraint(
                condition=Q(fair_floor__lte=models.F("good_floor"))
                & Q(good_floor__lte=models.F("excellent_floor")),
                name="evaluations_policy_grades_ordered",
                violation_error_message="等级分数线须满足：中 ≤ 良 ≤ 优。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.district}{self.year}年评分规则"

    def clean(self) -> None:
        super().clean()
        total = self.budget_weight + self.output_weight + self.benefit_weight + self.satisfaction_weight
        if total != 100:
            from django.core.exceptions import ValidationError

            raise ValidationError(f"各项分值合计为{total}，应为100。")

    def as_policy(self):
        return Policy(
            budget_weight=self.budget_weight,
            level1_weights={
                "产出指标": self.output_weight,
                "效益指标": self.benefit_weight,
                "满意度指标": self.satisfaction_weight,
            },
            reverse_rule=self.reverse_rule,
            qualitative_bands=(
                Band("达成年度指标", self.achieved_floor, Decimal("100")),
                Band("部分达成年度指标并具有一定效果", self.partial_floor, self.achieved_floor),
                Band("未达成年度指标且效果较差", Decimal("0"), self.partial_floor),
            ),
            over_achievement=self.over_achievement_percent / 100,
            grade_bands=(
                (self.excellent_floor, "优"),
                (self.good_floor, "良"),
                (self.fair_floor, "中"),
                (Decimal("0"), "差"),
            ),
        )


def policy_for(district, year: int):
    """The scoring policy of ``district`` for ``year``: the administrator's, else the national defaults."""
    policy = ScoringPolicy.objects.filter(district=district, year=year).first()
    return policy.as_policy() if policy else DEFAULT_POLICY
