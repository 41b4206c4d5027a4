from django.contrib import admin, messages

from core.admin import FormAdmin
from core.money import format_percent
from indicators.admin import SecondLevelChoicesMixin
from monitoring.lights import PRESETS
from monitoring.models import BudgetFloor, MonitoringForm, MonitoringIndicator, MonitoringRound, ThresholdSet


class BudgetFloorInline(admin.TabularInline):
    model = BudgetFloor
    extra = 0


def _preset_action(key: str, title: str, floors):
    def apply(modeladmin, request, queryset):
        for thresholds in queryset:
            thresholds.floors.all().delete()
            BudgetFloor.objects.bulk_create(
                BudgetFloor(thresholds=thresholds, month=month, floor=floor) for month, floor in floors
            )
        modeladmin.message_user(request, f"已为{queryset.count()}条规则套用预设：{title}。", messages.SUCCESS)

    apply.__name__ = f"apply_preset_{key.replace('-', '_')}"
    # The admin %-formats an action's description: “%%” prints one per cent sign.
    apply.short_description = f"套用预设：{title}".replace("%", "%%")
    return apply


@admin.register(ThresholdSet)
class ThresholdSetAdmin(admin.ModelAdmin):
    """The lights' thresholds per district and year; a new set starts from the province preset."""

    list_display = ["district", "year", "floors_display", "red_margin", "deviation_percent", "gap_points"]
    list_filter = ["district", "year"]
    inlines = [BudgetFloorInline]
    actions = [_preset_action(key, title, floors) for key, (title, floors) in PRESETS.items()]

    @admin.display(description="执行进度下限")
    def floors_display(self, obj):
        return (
            "，".join(f"{floor.month}月末{format_percent(floor.floor)}" for floor in obj.floors.all())
            or "（未设）"
        )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not change and not form.instance.floors.exists():
            # A new set without floors gets the preset (domain.md §7: 25/40/60/80% at April/June/August/October).
            _title, floors = PRESETS["province"]
            BudgetFloor.objects.bulk_create(
                BudgetFloor(thresholds=form.instance, month=month, floor=floor) for month, floor in floors
            )


@admin.register(MonitoringRound)
class MonitoringRoundAdmin(admin.ModelAdmin):
    """Rounds are opened, closed and reopened on the bureau's page (they create forms); here they are read."""

    list_display = ["__str__", "opens_on", "deadline", "warning_days", "reopened_until", "closed_at"]
    list_filter = ["district", "year", "type"]
    readonly_fields = ["district", "year", "stage", "type", "created_at", "created_by", "closed_at"]

    def has_add_permission(self, request):
        return False


class MonitoringIndicatorInline(SecondLevelChoicesMixin, admin.TabularInline):
    model = MonitoringIndicator
    fields = [
        "position",
        "category",
        "name",
        "annual_value",
        "progress_value",
        "forecast_value",
        "reasons",
        "reason_text",
        "likelihood",
        "remark",
    ]
    extra = 0


@admin.register(MonitoringForm)
class MonitoringFormAdmin(FormAdmin):
    list_display = ["name", "department", "year", "round", "status", "version", "updated_at"]
    list_filter = [*FormAdmin.list_filter, "round"]
    list_select_related = ["department", "round__district"]
    search_fields = ["name", "project_name", "department__name"]
    inlines = [MonitoringIndicatorInline]
    readonly_fields = [*FormAdmin.readonly_fields, "execution_rate_display"]

    def has_add_permission(self, request):
        return False

    @admin.display(description="执行率")
    def execution_rate_display(self, obj):
        return format_percent(obj.execution_rate)
