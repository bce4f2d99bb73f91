"""Site-wide pages, base layout and the production server command."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "integrationsatlas.core"
    label = "core"
    verbose_name = _("Allgemein")
