from django.urls import path

from evaluations import views

urlpatterns = [
    path("results/", views.results, name="results"),
]
