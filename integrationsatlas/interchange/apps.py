"""CSV, XLSX, GeoJSON and HSDS readers and writers with row-level errors."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InterchangeConfig(AppConfig):
    name = "integrationsatlas.interchange"
    label = "interchange"
    verbose_name = _("Datenaustausch")
