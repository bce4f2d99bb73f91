"""REST API with OpenAPI and the Open Referral HSDS 3.0 API."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "integrationsatlas.api"
    label = "api"
    verbose_name = _("Schnittstelle")
