"""Providers, services, sites, opening hours, funding, review and history."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "integrationsatlas.registry"
    label = "registry"
    verbose_name = _("Angebotsregister")
