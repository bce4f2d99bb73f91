"""Site-wide routes: the language switch."""

from django.urls import path

from . import language

app_name = "core"
urlpatterns = [
    path("sprache/", language.choose_language, name="choose_language"),
]
