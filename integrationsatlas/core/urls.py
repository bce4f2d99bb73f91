"""Site-wide pages."""

from django.urls import path

from . import language, views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("gesundheit/", views.health, name="health"),
    path("sprache/", language.choose_language, name="choose_language"),
]
