"""URL routes of the finder app, under /suche/."""

from django.urls import path

from . import offline, views

app_name = "finder"
urlpatterns = [
    path("", views.start, name="start"),
    path("ergebnisse/", views.results, name="results"),
    path("angebot/<int:pk>/", views.detail, name="detail"),
    path("orte.json", views.place_suggestions, name="places"),
    path("grenzen/<str:ags>.geojson", views.boundaries, name="boundaries"),
    path("sw.js", offline.service_worker, name="service_worker"),
    path("manifest.webmanifest", offline.manifest, name="manifest"),
]
