from django.urls import path

from monitoring import views

urlpatterns = [
    path("monitoring/", views.rounds, name="monitoring-rounds"),
    path("monitoring/<id:pk>/", views.round_detail, name="monitoring-round"),
    path("monitoring/<id:pk>/close/", views.round_close_view, name="monitoring-round-close"),
    path("monitoring/<id:pk>/reopen/", views.round_reopen_view, name="monitoring-round-reopen"),
]
