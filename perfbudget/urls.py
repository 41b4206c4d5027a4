from django.contrib import admin
from django.urls import include, path, register_converter

from core.pages import IdConverter

# ``<id:pk>``: an integer within 64 bits; a longer one is no page (404), not a database error.
register_converter(IdConverter, "id")

admin.site.site_header = "预算绩效管理系统"
admin.site.site_title = "预算绩效管理"
admin.site.index_title = "数据管理"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("web.urls")),
    path("", include("publication.urls")),
    path("", include("declarations.urls")),
    path("", include("evaluations.urls")),
    path("", include("monitoring.urls")),
    path("", include("indicators.urls")),
]
