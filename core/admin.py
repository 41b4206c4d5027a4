from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import F

from core.audit import audit_record
from core.models import AuditEntry, Department, District, User


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["name", "review_tiers"]
    search_fields = ["name"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "district"]
    list_filter = ["district"]
    search_fields = ["name"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "display_name", "role", "department", "is_active"]
    list_filter = ["role", "department__district", "department", "is_active"]
    filter_horizontal = ["reviewed_departments", "groups", "user_permissions"]
    fieldsets = [
        *DjangoUserAdmin.fieldsets,
        ("岗位", {"fields": ["role", "department", "reviewed_departments"]}),
    ]
    add_fieldsets = [
        *DjangoUserAdmin.add_fieldsets,
        ("岗位", {"fields": ["role", "department"]}),
    ]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """History is read-only for everyone, superusers included."""

    list_display = ["created_at", "user", "action", "object_repr", "message"]
    list_filter = ["action", "content_type"]
    search_fields = ["object_repr", "message"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class FormAdmin(admin.ModelAdmin):
    """Admin for a form kind: filters by department, year and status; saves bump the version and audit.

    Staff correct forms here before the entry pages exist; the version bump keeps the optimistic lock
    of the entry pages honest about edits made in the admin.
    """

    list_display = ["__str__", "department", "year", "status", "version", "updated_at"]
    list_filter = ["department__district", "department", "year", "status"]
    list_select_related = ["department"]
    search_fields = ["department__name"]
    readonly_fields = ["version", "created_at", "updated_at", "updated_by"]
    save_on_top = True

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
        if change:
            type(obj).objects.filter(pk=obj.pk).update(version=F("version") + 1)
            obj.refresh_from_db(fields=["version"])
        changes = {
            name: [str(form.initial.get(name, "")), str(form.cleaned_data.get(name, ""))]
            for name in form.changed_data
        }
        audit_record(
            obj=obj,
            action=AuditEntry.Action.UPDATE if change else AuditEntry.Action.CREATE,
            user=request.user,
            changes=changes,
            message="管理后台",
        )

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        rows = {
            "新增": [str(obj) for obj in formset.new_objects],
            "修改": [str(obj) for obj, _fields in formset.changed_objects],
            "删除": [str(obj) for obj in formset.deleted_objects],
        }
        rows = {key: value for key, value in rows.items() if value}
        if rows:
            audit_record(
                obj=form.instance,
                action=AuditEntry.Action.UPDATE,
                user=request.user,
                changes={
                    f"{formset.model._meta.verbose_name}（{key}）": [None, "、".join(v)]
                    for key, v in rows.items()
                },
                message="管理后台",
            )


class SecondLevelChoicesMixin:
    """Offer only 二级 categories, labelled “一级 / 二级”, in indicator inlines."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "category":
            from indicators.models import Category

            kwargs["queryset"] = Category.objects.filter(parent__isnull=False).select_related(
                "parent", "scheme"
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
