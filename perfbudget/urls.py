from django.contrib import admin
from django.urls import path
from django.views.generic import RedirectView

admin.site.site_header = "预算绩效管理系统"
admin.site.site_title = "预算绩效管理"
admin.site.index_title = "数据管理"

urlpatterns = [
    # The preparers' workspace replaces this redirect; until then staff work in the admin.
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path("admin/", admin.site.urls),
]
