"""The public multilingual search for integration offers."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinderConfig(AppConfig):
    name = "integrationsatlas.finder"
    label = "finder"
    verbose_name = _("Angebotssuche")
