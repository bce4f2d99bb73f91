"""Planning face: state map, region reports, costs by payer, scenarios."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanningConfig(AppConfig):
    name = "integrationsatlas.planning"
    label = "planning"
    verbose_name = _("Planung")
