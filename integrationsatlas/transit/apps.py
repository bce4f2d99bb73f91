"""Public-transport timetables (GTFS feed editions) and travel times over them."""

from django.apps import AppConfig


class TransitConfig(AppConfig):
    name = "integrationsatlas.transit"
    label = "transit"
    verbose_name = "Fahrpläne"
