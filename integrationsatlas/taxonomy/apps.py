"""The shared taxonomy: offer types, units, government levels and target groups."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TaxonomyConfig(AppConfig):
    name = "integrationsatlas.taxonomy"
    label = "taxonomy"
    verbose_name = _("Angebotsarten")
