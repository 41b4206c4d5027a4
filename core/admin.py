from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.db.models import F
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import content_disposition_header
from django.utils.timezone import localtime

from core.audit import audit_record
from core.exports.frozen import FrozenExportCorrupted, document_served, frozen_content, frozen_status
from core.exports.registry import EXPORTERS, Document, document_for, table_for
from core.kinds import REGISTRY
from core.models import AuditEntry, Department, District, FrozenExport, LayoutChoice, LoginAttempt, User
from core.throttle import AdminLoginForm
from core.workflow import form_approve_and_freeze

admin.site.login_form = AdminLoginForm  # the admin's sign-in is throttled and says so (core/throttle.py)


def attachment(filename: str, content_type: str, content: bytes) -> HttpResponse:
    """A download response; ``content_disposition_header`` writes ``filename*=UTF-8''…`` for Chinese."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Content-Length"] = str(len(content))
    return response


class LayoutChoiceForm(forms.ModelForm):
    class Meta:
        model = LayoutChoice
        fields = ["kind", "from_year", "layout"]

    def clean(self):
        cleaned = super().clean()
        spec = REGISTRY.get(cleaned.get("kind") or "")
        layout = cleaned.get("layout")
        if spec is not None and layout and layout not in spec.layout_names():
            offered = "、".join(spec.layout_label(name) for name in spec.layout_names())
            self.add_error("layout", f"{spec.label}没有此格式，可选：{offered}。")
        return cleaned


class LayoutChoiceInline(admin.TabularInline):
    """The official layouts the district's forms print in, per kind and from a year on (issue 18)."""

    model = LayoutChoice
    form = LayoutChoiceForm
    extra = 0


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["name", "review_tiers"]
    search_fields = ["name"]
    inlines = [LayoutChoiceInline]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "district"]
    list_filter = ["district"]
    search_fields = ["name"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "display_name", "role", "department", "is_active"]
    list_filter = ["role", "department__district", "districts", "department", "is_active"]
    filter_horizontal = ["reviewed_departments", "districts", "groups", "user_permissions"]
    fieldsets = [
        *DjangoUserAdmin.fieldsets,
        ("岗位", {"fields": ["role", "department", "reviewed_departments", "districts"]}),
    ]
    add_fieldsets = [
        *DjangoUserAdmin.add_fieldsets,
        ("岗位", {"fields": ["role", "department", "districts"]}),
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
    actions = ["approve_and_freeze"]

    def has_change_permission(self, request, obj=None):
        # Submitted and approved forms are read-only for everyone, in the admin too (domain.md §5):
        # a change after approval is an adjustment through the workflow.
        if obj is not None and not obj.is_editable:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not obj.is_editable:
            return False
        return super().has_delete_permission(request, obj)

    # --- downloads in the official layout: the frozen file of an approved form, else a live one ---

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "<path:object_id>/download/<str:format>/",
                self.admin_site.admin_view(self.download_view),
                name=f"{opts.app_label}_{opts.model_name}_download",
            ),
            *super().get_urls(),
        ]

    def download_view(self, request, object_id, format):
        obj = self.get_object(request, unquote(object_id))
        if obj is None or format not in EXPORTERS or not self.has_view_or_change_permission(request, obj):
            raise Http404("没有找到该表。")
        try:
            served = document_served(document_for(obj), format)
        except FrozenExportCorrupted as error:
            self.message_user(request, str(error), messages.ERROR)
            opts = self.model._meta
            return HttpResponseRedirect(
                reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
            )
        except LookupError as error:
            raise Http404(str(error)) from None
        return attachment(served.filename, served.content_type, served.content)

    def _download_links(self, obj):
        opts = self.model._meta
        return format_html_join(
            " | ",
            '<a href="{}">下载 {}</a>',
            (
                (reverse(f"admin:{opts.app_label}_{opts.model_name}_download", args=[obj.pk, format]), label)
                for format, label in FrozenExport.Format.choices
            ),
        )

    @admin.display(description="导出")
    def export_links(self, obj):
        return self._download_links(obj)

    @admin.display(description="官方版式文件")
    def export_files(self, obj):
        doc = document_for(obj)
        frozen = frozen_status(doc)
        if not frozen:
            note = "尚未冻结：下载时按当前数据生成。"
        else:
            note = format_html_join(
                "",
                "<br>{} 已于{}冻结，SHA-256 {}，{}字节",
                (
                    (
                        f.get_format_display(),
                        f"{localtime(f.created_at):%Y-%m-%d %H:%M}",
                        f.sha256,
                        f"{f.size:,}",
                    )
                    for f in frozen.values()
                ),
            )
        return format_html("{}：{}<br>{}", doc.title, self._download_links(obj), note)

    def get_list_display(self, request):
        return [*super().get_list_display(request), "export_links"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "export_files"] if obj is not None else fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and self.fieldsets:  # declared fieldsets leave read-only extras out
            return [*fieldsets, ("导出文件", {"fields": ["export_files"]})]
        return fieldsets

    @admin.action(description="标记为已审核并冻结导出文件", permissions=["change"])
    def approve_and_freeze(self, request, queryset):
        approved, files, waiting = 0, 0, set()
        for obj in queryset.select_related("department"):
            try:
                frozen = form_approve_and_freeze(obj, user=request.user)
            except ValidationError as error:
                self.message_user(request, f"“{obj}”未能审核：{'；'.join(error.messages)}", messages.ERROR)
                continue
            approved += 1
            files += len(frozen)
            table = table_for(obj)
            if table is not None and table.forms().exclude(status="approved").exists():
                waiting.add(table)
        if approved:
            self.message_user(
                request, f"已将{approved}张表标记为已审核，已冻结的导出文件共{files}个。", messages.SUCCESS
            )
        for table in sorted(waiting, key=lambda doc: (doc.department.name, doc.year)):
            self.message_user(request, _waiting_message(table), messages.WARNING)

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


def _waiting_message(table: Document) -> str:
    return (
        f"{table.department.name}{table.year}年{table.label}尚有{table.spec.name_noun}未审核，"
        "全部审核后再冻结导出文件。"
    )


@admin.register(FrozenExport)
class FrozenExportAdmin(admin.ModelAdmin):
    """The stored files of approved forms: read-only; superseded files stay downloadable for the record."""

    list_display = [
        "filename",
        "kind",
        "department",
        "year",
        "project",
        "format",
        "size",
        "created_at",
        "current",
    ]
    list_filter = ["kind", "format", "year", "department", ("superseded_at", admin.EmptyFieldListFilter)]
    list_select_related = ["department", "created_by"]
    search_fields = ["department__name", "project", "sha256", "filename"]
    fields = [
        "kind",
        "department",
        "year",
        "project",
        "format",
        "filename",
        "sha256",
        "size",
        "form_version",
        "created_at",
        "created_by",
        "superseded_at",
        "download",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).defer("content")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="现行文件", boolean=True)
    def current(self, obj):
        return obj.superseded_at is None

    @admin.display(description="下载")
    def download(self, obj):
        url = reverse("admin:core_frozenexport_download", args=[obj.pk])
        return format_html('<a href="{}">下载 {}</a>', url, obj.filename)

    def get_urls(self):
        return [
            path(
                "<path:object_id>/download/",
                self.admin_site.admin_view(self.download_view),
                name="core_frozenexport_download",
            ),
            *super().get_urls(),
        ]

    def download_view(self, request, object_id):
        frozen = self.get_object(request, unquote(object_id))
        if frozen is None or not self.has_view_permission(request, frozen):
            raise Http404("没有找到该文件。")
        try:
            content = frozen_content(frozen)
        except FrozenExportCorrupted as error:
            self.message_user(request, str(error), messages.ERROR)
            return HttpResponseRedirect(reverse("admin:core_frozenexport_change", args=[frozen.pk]))
        return attachment(frozen.filename, EXPORTERS[frozen.format].content_type, content)


@admin.register(LoginAttempt)
class LoginAttemptAdmin(admin.ModelAdmin):
    """Sign-in attempts, as login throttling counts them: read-only."""

    list_display = ("at", "username", "address", "outcome")
    list_filter = ("outcome",)
    search_fields = ("username", "address")
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
