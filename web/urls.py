from django.contrib.auth import views as auth_views
from django.urls import path

from core.throttle import LoginForm
from web.views import district, entry, foreign, imports, jobs, review, workspace

urlpatterns = [
    path("", workspace.workspace, name="workspace"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            template_name="registration/login.html",
            redirect_authenticated_user=True,
            authentication_form=LoginForm,
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("forms/new/", workspace.form_create, name="form-create"),
    path("forms/import/", imports.form_import, name="form-import"),
    path("forms/import/preview/", foreign.import_preview, name="form-import-preview"),
    path("forms/import/problems.xlsx", foreign.import_annotated, name="form-import-annotated"),
    path("forms/<slug:kind>/<id:pk>/", entry.form_edit, name="form-edit"),
    path("forms/<slug:kind>/<id:pk>/preview/", entry.form_preview, name="form-preview"),
    path("forms/<slug:kind>/<id:pk>/copy-forward/", workspace.form_copy_forward, name="form-copy-forward"),
    path("forms/<slug:kind>/<id:pk>/submit/", review.form_submit_view, name="form-submit"),
    path("forms/<slug:kind>/<id:pk>/withdraw/", review.form_withdraw_view, name="form-withdraw"),
    path("forms/<slug:kind>/<id:pk>/adjust/", review.form_adjust_view, name="form-adjust"),
    path("forms/<slug:kind>/<id:pk>/review/", review.form_review_view, name="form-review"),
    path("forms/<slug:kind>/<id:pk>/history/", review.form_history, name="form-history"),
    path("forms/<slug:kind>/<id:pk>/compare/", review.form_compare, name="form-compare"),
    path("forms/<slug:kind>/<id:pk>/download.<str:fmt>", entry.form_download, name="form-download"),
    path("overview/", district.overview, name="overview"),
    path("jobs/", jobs.job_start, name="job-start"),
    path("jobs/<id:pk>/", jobs.job_detail, name="job-detail"),
    path("jobs/<id:pk>/status/", jobs.job_status, name="job-status"),
    path("jobs/<id:pk>/download/", jobs.job_download, name="job-download"),
    path("jobs/<id:pk>/retry/", jobs.job_retry, name="job-retry"),
    path("departments/<id:department>/compare/", district.years_compare, name="years-compare"),
    path("departments/<id:department>/<id:year>/forms.zip", workspace.department_zip, name="department-zip"),
]
