from django.urls import path

from monitoring import views

urlpatterns = [
    path("monitoring/", views.rounds, name="monitoring-rounds"),
    path("monitoring/<int:pk>/", views.round_detail, name="monitoring-round"),
    path("monitoring/<int:pk>/close/", views.round_close_view, name="monitoring-round-close"),
    path("monitoring/<int:pk>/reopen/", views.round_reopen_view, name="monitoring-round-reopen"),
]
