"""Assessments: building the engine's input from the database, running it, storing and exporting the rows."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "integrationsatlas.assessments"
    label = "assessments"
    verbose_name = _("Bewertungen")
