from django.contrib import admin

from indicators.models import Category, Scheme, SchemeUsage


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
