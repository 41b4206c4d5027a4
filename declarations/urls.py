from django.urls import path

from declarations import views

urlpatterns = [
    path("departments/<id:department>/<id:year>/projects/", views.project_list, name="project-list"),
    path(
        "departments/<id:department>/<id:year>/projects/preview/",
        views.project_list_preview,
        name="project-list-preview",
    ),
    path(
        "departments/<id:department>/<id:year>/projects/import/",
        views.project_import,
        name="project-import",
    ),
    path(
        "departments/<id:department>/<id:year>/projects/download.<str:fmt>",
        views.project_list_download,
        name="project-list-download",
    ),
]
