from django.urls import path

from publication import views

urlpatterns = [
    path("public/", views.public_index, name="publication-index"),
    path("public/<id:district>/<id:year>/", views.public_district, name="publication-district"),
    path("public/files/<str:sha256>.<str:fmt>", views.public_download, name="publication-file"),
    path("verify/", views.verify_lookup, name="publication-verify-lookup"),
    path("verify/<str:code>/", views.verify, name="publication-verify"),
    path("forms/<slug:kind>/<id:pk>/publication/", views.form_publication, name="form-publication"),
]
