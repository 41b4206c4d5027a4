from django.urls import path

from declarations import views

urlpatterns = [
    path("departments/<int:department>/<int:year>/projects/", views.project_list, name="project-list"),
    path(
        "departments/<int:department>/<int:year>/projects/preview/",
        views.project_list_preview,
        name="project-list-preview",
    ),
    path(
        "departments/<int:department>/<int:year>/projects/import/",
        views.project_import,
        name="project-import",
    ),
    path(
        "departments/<int:department>/<int:year>/projects/download.<str:fmt>",
        views.project_list_download,
        name="project-list-download",
    ),
]
