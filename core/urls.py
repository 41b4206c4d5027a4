from django.contrib.auth import views as auth_views
from django.urls import path

from core import views
from indicators import views as indicator_views

urlpatterns = [
    path("", views.workspace, name="workspace"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            template_name="registration/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("forms/new/", views.form_create, name="form-create"),
    path("forms/import/", views.form_import, name="form-import"),
    path("forms/<slug:kind>/<int:pk>/", views.form_edit, name="form-edit"),
    path("forms/<slug:kind>/<int:pk>/preview/", views.form_preview, name="form-preview"),
    path("forms/<slug:kind>/<int:pk>/copy-forward/", views.form_copy_forward, name="form-copy-forward"),
    path("forms/<slug:kind>/<int:pk>/submit/", views.form_submit_view, name="form-submit"),
    path("forms/<slug:kind>/<int:pk>/withdraw/", views.form_withdraw_view, name="form-withdraw"),
    path("forms/<slug:kind>/<int:pk>/adjust/", views.form_adjust_view, name="form-adjust"),
    path("forms/<slug:kind>/<int:pk>/review/", views.form_review_view, name="form-review"),
    path("forms/<slug:kind>/<int:pk>/history/", views.form_history, name="form-history"),
    path("forms/<slug:kind>/<int:pk>/compare/", views.form_compare, name="form-compare"),
    path("overview/", views.overview, name="overview"),
    path("results/", views.results, name="results"),
    path("jobs/", views.job_start, name="job-start"),
    path("jobs/<int:pk>/", views.job_detail, name="job-detail"),
    path("jobs/<int:pk>/status/", views.job_status, name="job-status"),
    path("jobs/<int:pk>/download/", views.job_download, name="job-download"),
    path("indicators/suggest/", indicator_views.suggest, name="indicator-suggest"),
    path("forms/<slug:kind>/<int:pk>/download.<str:fmt>", views.form_download, name="form-download"),
    path("departments/<int:department>/<int:year>/projects/", views.project_list, name="project-list"),
    path(
        "departments/<int:department>/<int:year>/projects/import/",
        views.project_import,
        name="project-import",
    ),
    path("departments/<int:department>/compare/", views.years_compare, name="years-compare"),
    path("departments/<int:department>/<int:year>/forms.zip", views.department_zip, name="department-zip"),
    path(
        "departments/<int:department>/<int:year>/projects/download.<str:fmt>",
        views.project_list_download,
        name="project-list-download",
    ),
]
