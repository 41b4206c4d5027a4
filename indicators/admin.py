from django.contrib import admin

from indicators.library import library_rebuild
from indicators.models import Category, LibraryIndicator, LibraryValue, Scheme, SchemeUsage


class SecondLevelChoicesMixin:
    """Offer only 二级 categories, labelled “一级 / 二级”, in indicator inlines."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "category":
            kwargs["queryset"] = Category.objects.filter(parent__isnull=False).select_related(
                "parent", "scheme"
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class CategoryInline(admin.TabularInline):
    model = Category
    fk_name = "scheme"
    fields = ["code", "name", "parent", "position", "code_is_official"]
    extra = 0


class SchemeUsageInline(admin.TabularInline):
    model = SchemeUsage
    extra = 0


@admin.register(Scheme)
class SchemeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    inlines = [SchemeUsageInline, CategoryInline]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["__str__", "code", "scheme", "position", "code_is_official"]
    list_filter = ["scheme"]
    list_select_related = ["parent", "scheme"]


class LibraryValueInline(admin.TabularInline):
    model = LibraryValue
    extra = 0
    readonly_fields = ["text", "uses", "departments"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(LibraryIndicator)
class LibraryIndicatorAdmin(admin.ModelAdmin):
    """Curating the library: recommend, retire, merge duplicates; the counts come from the forms."""

    list_display = ["name", "level1", "level2", "uses", "recommended", "retired", "merged_into"]
    list_filter = ["level1", "level2", "recommended", "retired"]
    search_fields = ["name"]
    readonly_fields = ["level1", "level2", "name", "uses", "departments"]
    fields = ["level1", "level2", "name", "uses", "departments", "recommended", "retired", "merged_into"]
    inlines = [LibraryValueInline]
    actions = ["recommend", "retire", "merge"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="标记为推荐")
    def recommend(self, request, queryset):
        queryset.update(recommended=True)

    @admin.action(description="停用")
    def retire(self, request, queryset):
        queryset.update(retired=True)

    @admin.action(description="合并为使用最多的一个（其余计入它）")
    def merge(self, request, queryset):
        chosen = list(queryset.order_by("-uses", "name"))
        if len(chosen) < 2:
            self.message_user(request, "请至少选择两个指标合并。", level="warning")
            return
        target, others = chosen[0], chosen[1:]
        LibraryIndicator.objects.filter(pk__in=[o.pk for o in others]).update(merged_into=target)
        library_rebuild()
        self.message_user(request, f"已将 {len(others)} 个指标合并到“{target.name}”。")
