from decimal import Decimal

from django.db import models

from core.models import FormBase
from core.money import ZERO, MoneyField, amount_constraints, format_exact_amount
from indicators.models import Category, IndicatorRow


def _unique_per_department_year(model: str) -> models.UniqueConstraint:
    return models.UniqueConstraint(
        fields=["department", "year"],
        name=f"declarations_{model}_one_per_department_year",
        violation_error_message="该部门该年度已有此表。",
    )


# --- §2.1 部门整体预算绩效目标申报表 ------------------------------------------------------------


DECLARATION_AMOUNTS = (
    "basic_expenditure",
    "project_expenditure",
    "special_funds",
    "other_development",
    "fiscal_appropriation",
    "other_funds",
    "district_level",
    "transfer_payment",
)


class Declaration(FormBase):
    """部门整体预算绩效目标申报表 (2025 layout, seeds 000 and 001)."""

    AMOUNT_FIELDS = DECLARATION_AMOUNTS

    department_label = models.CharField(
        "表上部门名称",
        max_length=120,
        blank=True,
        help_text="表上印的部门名称与部门名称不同时填写，如“…司法局(部门)”。",
    )
    # 部门预算支出
    basic_expenditure = MoneyField("基本支出")
    project_expenditure = MoneyField("项目支出")
    # 事业发展性支出
    special_funds = MoneyField("财政专项资金")
    other_development = MoneyField("其他事业发展性支出")
    # 收入来源
    fiscal_appropriation = MoneyField("财政拨款")
    other_funds = MoneyField("其他资金")
    # 按预算级次划分
    district_level = MoneyField("区本级使用资金")
    transfer_payment = MoneyField("拟用于对下转移支付资金")

    overall_goal = models.TextField("总体绩效目标", blank=True)
    other_tasks = models.TextField("其他需完成的任务（可选填）", blank=True)

    class Meta(FormBase.Meta):
        verbose_name = "部门整体预算绩效目标申报表"
        verbose_name_plural = "部门整体预算绩效目标申报表"
        constraints = [
            _unique_per_department_year("declaration"),
            *amount_constraints("declarations_declaration", *DECLARATION_AMOUNTS),
        ]

    def __str__(self) -> str:
        return f"{self.department}{self.year}年部门整体预算绩效目标申报表"

    @property
    def title(self) -> str:
        return str(self)

    # The three totals of §2.1 are derived, never typed.
    @property
    def expenditure_total(self) -> Decimal:
        """基本支出 + 项目支出 + 财政专项资金 + 其他事业发展性支出."""
        return self.basic_expenditure + self.project_expenditure + self.special_funds + self.other_development

    @property
    def income_total(self) -> Decimal:
        """财政拨款 + 其他资金."""
        return self.fiscal_appropriation + self.other_funds

    @property
    def level_total(self) -> Decimal:
        """区本级使用资金 + 拟用于对下转移支付资金."""
        return self.district_level + self.transfer_payment

    def arithmetic_problems(self) -> list[str]:
        problems = super().arithmetic_problems()
        # On the stored values: totals that differ below the 分 printed must still be told apart, so
        # the message shows every decimal stored.
        totals = {self.expenditure_total, self.income_total, self.level_total}
        if len(totals) == 1:
            return problems
        return [
            *problems,
            "预算整体情况三个合计不相等："
            f"支出合计（基本支出＋项目支出＋财政专项资金＋其他事业发展性支出）{format_exact_amount(self.expenditure_total)}，"
            f"收入来源合计（财政拨款＋其他资金）{format_exact_amount(self.income_total)}，"
            f"预算级次合计（区本级使用资金＋拟用于对下转移支付资金）{format_exact_amount(self.level_total)}。",
        ]


class DeclarationTask(models.Model):
    """年度重点工作任务: one row. The task amounts need not add up to any budget line (§2.1)."""

    declaration = models.ForeignKey(Declaration, models.CASCADE, related_name="tasks", verbose_name="申报表")
    name = models.CharField("名称", max_length=200)
    content = models.TextField("主要实施内容", blank=True)
    amount = MoneyField("拟投入的资金（万元）")
    expected_goal = models.TextField("期望达到的目标（概述）", blank=True)
    position = models.PositiveIntegerField("顺序", default=0)

    class Meta:
        verbose_name = "年度重点工作任务"
        verbose_name_plural = "年度重点工作任务"
        ordering = ["position", "pk"]
        constraints = amount_constraints("declarations_task", "amount")

    def __str__(self) -> str:
        return self.name


class DeclarationIndicator(IndicatorRow):
    declaration = models.ForeignKey(
        Declaration, models.CASCADE, related_name="indicators", verbose_name="申报表"
    )
    period_value = models.CharField("实施周期指标值", max_length=300, blank=True)

    class Meta(IndicatorRow.Meta):
        verbose_name = "绩效指标"
        verbose_name_plural = "绩效指标"


# --- §2.2 部门整体绩效目标表 (2019 layout with a three-year block) -----------------------------------


TARGET_TABLE_INCOMES = (
    "general_public_budget",
    "government_fund",
    "special_account",
    "business_income",
    "operating_income",
    "other_income",
)


class TargetTable(FormBase):
    """部门整体绩效目标表 (seed 002): duties, the year's income, and 本年 / 三年期 blocks."""

    INCOME_FIELDS = TARGET_TABLE_INCOMES

    duties = models.TextField("部门职能概述", blank=True)
    general_public_budget = MoneyField("一般公共预算")
    government_fund = MoneyField("政府性基金预算")
    special_account = MoneyField("财政专户管理资金")
    business_income = MoneyField("事业收入")
    operating_income = MoneyField("经营收入")
    other_income = MoneyField("其他收入")
    other_notes = models.TextField("其他需要说明的情况", blank=True)
    remark = models.TextField("备注", blank=True)

    class Meta(FormBase.Meta):
        verbose_name = "部门整体绩效目标表"
        verbose_name_plural = "部门整体绩效目标表"
        constraints = [
            _unique_per_department_year("targettable"),
            *amount_constraints("declarations_targettable", *TARGET_TABLE_INCOMES),
        ]

    def __str__(self) -> str:
        return f"{self.department}{self.year}年部门整体绩效目标表"

    @property
    def title(self) -> str:
        return f"{self.year}年部门整体绩效目标表"

    @property
    def fiscal_income(self) -> Decimal:
        """1.财政拨款收入 = 一般公共预算 + 政府性基金预算."""
        return self.general_public_budget + self.government_fund

    @property
    def income_total(self) -> Decimal:
        """总额 = 1.财政拨款收入 + 2.财政专户管理资金 + 3.事业收入 + 4.经营收入 + 5.其他收入."""
        return (
            self.fiscal_income
            + self.special_account
            + self.business_income
            + self.operating_income
            + self.other_income
        )


class TargetBlock(models.Model):
    """The 本年 or the 三年期 half of a target table."""

    class Period(models.TextChoices):
        ANNUAL = "annual", "本年"
        THREE_YEAR = "three_year", "三年期"

    table = models.ForeignKey(TargetTable, models.CASCADE, related_name="blocks", verbose_name="目标表")
    period = models.CharField("期间", max_length=16, choices=Period)
    goal = models.TextField("目标", blank=True)
    budget_completion_rate = models.CharField(
        "部门年度整体预算完成率", max_length=50, blank=True, default="100%"
    )

    class Meta:
        verbose_name = "目标表期间"
        verbose_name_plural = "目标表期间"
        ordering = ["table", "period"]
        constraints = [
            models.UniqueConstraint(fields=["table", "period"], name="declarations_block_one_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.table} {self.get_period_display()}"

    @property
    def goal_label(self) -> str:
        return "年度目标" if self.period == self.Period.ANNUAL else "三年期目标"


class KeyIndicator(models.Model):
    """部门整体支出目标: a key indicator (关键指标) with its 预期实现值."""

    block = models.ForeignKey(TargetBlock, models.CASCADE, related_name="key_indicators", verbose_name="期间")
    name = models.CharField("关键指标", max_length=300)
    value = models.CharField("预期实现值", max_length=300, blank=True)
    position = models.PositiveIntegerField("顺序", default=0)

    class Meta:
        verbose_name = "部门整体支出关键指标"
        verbose_name_plural = "部门整体支出关键指标"
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name


class TargetTask(models.Model):
    """主要支出计划（对应任务、政策）: a task with its goal and the projects that fund it."""

    block = models.ForeignKey(TargetBlock, models.CASCADE, related_name="tasks", verbose_name="期间")
    name = models.CharField("任务", max_length=300)
    goal = models.TextField("任务（政策）的绩效目标", blank=True)
    projects = models.TextField("主要实施项目（项目名称）", blank=True)
    position = models.PositiveIntegerField("顺序", default=0)

    class Meta:
        verbose_name = "主要支出计划"
        verbose_name_plural = "主要支出计划"
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name


class TargetTaskIndicator(models.Model):
    """One 关键性指标 of a task with its 绩效标准 (a task has several)."""

    task = models.ForeignKey(TargetTask, models.CASCADE, related_name="indicators", verbose_name="任务")
    name = models.CharField("任务（政策）关键性指标", max_length=300)
    standard = models.CharField("绩效标准（指标解释及预期实现值）", max_length=500, blank=True)
    position = models.PositiveIntegerField("顺序", default=0)

    class Meta:
        verbose_name = "任务关键性指标"
        verbose_name_plural = "任务关键性指标"
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name


# --- §2.3 project targets, from which 项目支出绩效目标表 is built ---------------------------------


PROJECT_AMOUNTS = ("fiscal_appropriation", "special_account", "other_funds")
# Fields the national and provincial layouts print and Guangzhou's does not (``declarations/layouts.py``
# ``ProjectSheet``): empty unless a district's layout asks for them, and then shown on the entry page.
PROJECT_DETAILS = (
    "competent",
    "manager",
    "phone",
    "finance_officer",
    "source",
    "category",
    "attribute",
    "period",
    "overall_goal",
)


class Project(FormBase):
    """One project's targets: amounts, goal and indicators (one row of 项目支出绩效目标表)."""

    AMOUNT_FIELDS = PROJECT_AMOUNTS

    name = models.CharField("项目名称", max_length=200)
    unit = models.CharField("资金使用单位", max_length=120, blank=True, help_text="不填则为本部门。")
    fiscal_appropriation = MoneyField("财政拨款")
    special_account = MoneyField("财政专户拨款")
    other_funds = MoneyField("其他资金")
    goal = models.TextField("绩效目标", blank=True)
    position = models.PositiveIntegerField("顺序", default=0)
    # Optional: printed only by the layouts that have them (PROJECT_DETAILS).
    competent = models.CharField(
        "主管部门及代码",
        max_length=120,
        blank=True,
        help_text="如“[042]六安市金安区体育局”；不填则为本部门名称。",
    )
    manager = models.CharField("项目负责人及电话", max_length=100, blank=True)
    phone = models.CharField("联系电话", max_length=60, blank=True)
    finance_officer = models.CharField("财务负责人", max_length=60, blank=True)
    source = models.CharField("项目来源", max_length=100, blank=True)
    category = models.CharField("项目类别", max_length=60, blank=True)
    attribute = models.CharField("项目属性", max_length=60, blank=True)
    period = models.CharField("项目期", max_length=60, blank=True)
    overall_goal = models.TextField("总体目标（实施期）", blank=True)

    class Meta(FormBase.Meta):
        verbose_name = "项目支出绩效目标"
        verbose_name_plural = "项目支出绩效目标"
        ordering = ["-year", "department__name", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "year", "name"],
                name="declarations_project_one_per_department_year_name",
                violation_error_message="该部门该年度已有同名项目。",
            ),
            *amount_constraints("declarations_project", *PROJECT_AMOUNTS),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.year}年）"

    @property
    def unit_name(self) -> str:
        return self.unit or self.department.name

    @property
    def total(self) -> Decimal:
        """总计 = 财政拨款 + 财政专户拨款 + 其他资金."""
        return self.fiscal_appropriation + self.special_account + self.other_funds


class ProjectIndicator(IndicatorRow):
    project = models.ForeignKey(Project, models.CASCADE, related_name="indicators", verbose_name="项目")
    period_value = models.CharField("实施周期指标值", max_length=300, blank=True)
    stated_level1 = models.ForeignKey(
        Category,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="原填一级指标",
        help_text="原表中与二级指标不匹配的一级指标（如“2-效益指标：31-服务对象满意度”），保留以便核对。",
    )

    class Meta(IndicatorRow.Meta):
        verbose_name = "项目绩效指标"
        verbose_name_plural = "项目绩效指标"


def project_totals(projects) -> dict[str, Decimal]:
    """合计 of a list of projects, column by column (the 合计 row of §2.3)."""
    totals = {field: ZERO for field in (*Project.AMOUNT_FIELDS, "total")}
    for project in projects:
        for field in Project.AMOUNT_FIELDS:
            totals[field] += getattr(project, field)
        totals["total"] += project.total
    return totals
