from django import forms
from django.contrib import admin
from django.db import models

from core.admin import FormAdmin
from core.forms import NumberField
from core.money import format_amount, format_percent
from evaluations.models import (
    DepartmentEvaluation,
    EvaluationTask,
    EvaluationTaskIndicator,
    ProjectEvaluation,
    ProjectEvaluationIndicator,
    ScoringPolicy,
    grade_for,
)
from indicators.admin import SecondLevelChoicesMixin

# Weights, scores and rates typed in the admin read full-width digits (３９．２) as the entry pages do.
NUMBERS = {
    models.DecimalField: {
        "form_class": NumberField,
        "widget": forms.TextInput(attrs={"inputmode": "decimal"}),
    }
}


class EvaluationTaskInline(admin.StackedInline):
    model = EvaluationTask
    extra = 0
    show_change_link = True


@admin.register(DepartmentEvaluation)
class DepartmentEvaluationAdmin(FormAdmin):
    inlines = [EvaluationTaskInline]
    readonly_fields = [
        *FormAdmin.readonly_fields,
        "adjustment_display",
        "completion_display",
        "adjustment_rate_display",
    ]

    @admin.display(description="年度预算调整数")
    def adjustment_display(self, obj):
        return format_amount(obj.budget_adjustment)

    @admin.display(description="预算完成率")
    def completion_display(self, obj):
        return format_percent(obj.completion_rate)

    @admin.display(description="预算调整率")
    def adjustment_rate_display(self, obj):
        return format_percent(obj.adjustment_rate)


class EvaluationTaskIndicatorInline(admin.TabularInline):
    model = EvaluationTaskIndicator
    extra = 0


@admin.register(EvaluationTask)
class EvaluationTaskAdmin(admin.ModelAdmin):
    list_display = ["name", "evaluation", "amount"]
    list_filter = ["evaluation__year", "evaluation__department"]
    inlines = [EvaluationTaskIndicatorInline]


class ProjectEvaluationIndicatorInline(SecondLevelChoicesMixin, admin.TabularInline):
    model = ProjectEvaluationIndicator
    formfield_overrides = NUMBERS
    fields = [
        "position",
        "category",
        "name",
        "annual_value",
        "actual_value",
        "weight",
        "score",
        "deviation_reason",
    ]
    extra = 0


@admin.register(ProjectEvaluation)
class ProjectEvaluationAdmin(FormAdmin):
    formfield_overrides = NUMBERS
    list_display = ["project_name", "department", "year", "status", "version", "updated_at"]
    search_fields = ["project_name", "department__name"]
    inlines = [ProjectEvaluationIndicatorInline]
    readonly_fields = [*FormAdmin.readonly_fields, "execution_rate_display", "total_score_display"]

    @admin.display(description="执行率")
    def execution_rate_display(self, obj):
        return format_percent(obj.execution_rate)

    @admin.display(description="总分（自评等级）")
    def total_score_display(self, obj):
        total = obj.total_score()
        return "尚未评分" if total is None else f"{format_amount(total)}（{grade_for(total)}）"


@admin.register(ScoringPolicy)
class ScoringPolicyAdmin(admin.ModelAdmin):
    formfield_overrides = NUMBERS
    list_display = [
        "district",
        "year",
        "budget_weight",
        "output_weight",
        "benefit_weight",
        "satisfaction_weight",
        "reverse_rule",
    ]
    list_filter = ["district", "year"]
    fieldsets = [
        (None, {"fields": ["district", "year"]}),
        (
            "分值（合计100）",
            {"fields": ["budget_weight", "output_weight", "benefit_weight", "satisfaction_weight"]},
        ),
        ("规则", {"fields": ["reverse_rule", "over_achievement_percent", "achieved_floor", "partial_floor"]}),
        ("自评等级", {"fields": ["excellent_floor", "good_floor", "fair_floor"]}),
    ]
