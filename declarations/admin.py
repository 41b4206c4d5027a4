from django.contrib import admin

from core.admin import FormAdmin
from core.money import format_amount
from declarations.models import (
    Declaration,
    DeclarationIndicator,
    DeclarationTask,
    KeyIndicator,
    Project,
    ProjectIndicator,
    TargetBlock,
    TargetTable,
    TargetTask,
    TargetTaskIndicator,
)
from indicators.admin import SecondLevelChoicesMixin


class DeclarationTaskInline(admin.StackedInline):
    model = DeclarationTask
    extra = 0


class DeclarationIndicatorInline(SecondLevelChoicesMixin, admin.TabularInline):
    model = DeclarationIndicator
    fields = ["position", "category", "name", "period_value", "annual_value"]
    extra = 0


@admin.register(Declaration)
class DeclarationAdmin(FormAdmin):
    inlines = [DeclarationTaskInline, DeclarationIndicatorInline]
    readonly_fields = [
        *FormAdmin.readonly_fields,
        "expenditure_total_display",
        "income_total_display",
        "level_total_display",
    ]
    fieldsets = [
        (None, {"fields": ["department", "department_label", "year", "status", "disclosure_label"]}),
        ("部门预算支出", {"fields": ["basic_expenditure", "project_expenditure"]}),
        ("事业发展性支出", {"fields": ["special_funds", "other_development"]}),
        ("收入来源", {"fields": ["fiscal_appropriation", "other_funds"]}),
        ("按预算级次划分", {"fields": ["district_level", "transfer_payment"]}),
        (
            "合计（自动计算）",
            {"fields": ["expenditure_total_display", "income_total_display", "level_total_display"]},
        ),
        ("目标与任务", {"fields": ["overall_goal", "other_tasks"]}),
        ("记录", {"fields": ["version", "created_at", "updated_at", "updated_by"]}),
    ]

    @admin.display(description="支出合计")
    def expenditure_total_display(self, obj):
        return format_amount(obj.expenditure_total)

    @admin.display(description="收入来源合计")
    def income_total_display(self, obj):
        return format_amount(obj.income_total)

    @admin.display(description="预算级次合计")
    def level_total_display(self, obj):
        return format_amount(obj.level_total)


class TargetBlockInline(admin.StackedInline):
    model = TargetBlock
    extra = 0
    show_change_link = True


@admin.register(TargetTable)
class TargetTableAdmin(FormAdmin):
    inlines = [TargetBlockInline]
    readonly_fields = [*FormAdmin.readonly_fields, "income_total_display"]

    @admin.display(description="本年度部门预算收入总额")
    def income_total_display(self, obj):
        return format_amount(obj.income_total)


class KeyIndicatorInline(admin.TabularInline):
    model = KeyIndicator
    extra = 0


class TargetTaskInline(admin.StackedInline):
    model = TargetTask
    extra = 0
    show_change_link = True


@admin.register(TargetBlock)
class TargetBlockAdmin(admin.ModelAdmin):
    list_display = ["__str__", "period"]
    list_filter = ["period", "table__year", "table__department"]
    inlines = [KeyIndicatorInline, TargetTaskInline]


class TargetTaskIndicatorInline(admin.TabularInline):
    model = TargetTaskIndicator
    extra = 0


@admin.register(TargetTask)
class TargetTaskAdmin(admin.ModelAdmin):
    list_display = ["name", "block"]
    list_filter = ["block__period", "block__table__year"]
    inlines = [TargetTaskIndicatorInline]


class ProjectIndicatorInline(SecondLevelChoicesMixin, admin.TabularInline):
    model = ProjectIndicator
    fields = ["position", "category", "name", "period_value", "annual_value", "stated_level1"]
    extra = 0


@admin.register(Project)
class ProjectAdmin(FormAdmin):
    list_display = ["name", "department", "year", "total_display", "status", "version", "updated_at"]
    search_fields = ["name", "department__name"]
    inlines = [ProjectIndicatorInline]
    readonly_fields = [*FormAdmin.readonly_fields, "total_display"]

    @admin.display(description="总计")
    def total_display(self, obj):
        return format_amount(obj.total)
