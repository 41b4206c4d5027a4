from django.contrib import admin

from publication.models import DistrictDisclosure, Publication


@admin.register(DistrictDisclosure)
class DistrictDisclosureAdmin(admin.ModelAdmin):
    list_display = ["district", "offer_xlsx"]


@admin.register(Publication)
class PublicationAdmin(admin.ModelAdmin):
    """Read-only: departments publish and withdraw on the form's preview page, and it is audited."""

    list_display = ["__str__", "public_from", "created_by", "withdrawn_at"]
    list_filter = ["pdf__department__district", "pdf__year"]
    search_fields = ["pdf__department__name", "pdf__project"]
    list_select_related = ["pdf__department"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("pdf__content")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
