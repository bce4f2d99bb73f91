"""Regions (Land, Kreise, Gemeinden), their indicators and postal codes."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegionsConfig(AppConfig):
    name = "integrationsatlas.regions"
    label = "regions"
    verbose_name = _("Regionen")
