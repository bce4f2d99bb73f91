"""URL routes of the api app: REST API v1, HSDS 3.0 API, and the token page."""

from django.urls import path

from . import views
from .base import guarded_urls
from .hsds_api import api as api_hsds
from .v1 import api as api_v1

urlpatterns = [
    path("api/v1/", guarded_urls(api_v1)),
    path("hsds/", guarded_urls(api_hsds)),
    path("konto/tokens/", views.token_list, name="api-tokens"),
    path("konto/tokens/<int:token_id>/widerrufen/", views.token_revoke, name="api-token-revoke"),
]
