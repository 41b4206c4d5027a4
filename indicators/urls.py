from django.urls import path

from indicators import views

urlpatterns = [
    path("indicators/suggest/", views.suggest, name="indicator-suggest"),
]
