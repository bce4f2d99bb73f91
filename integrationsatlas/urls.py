"""Top-level URL map: one prefix per face; each app owns its own routes."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from integrationsatlas.regions import start

urlpatterns = [
    path("anmelden/", auth_views.LoginView.as_view(), name="login"),
    path("abmelden/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("regionen/", include("integrationsatlas.regions.urls")),
    path("register/benachrichtigungen/", include("integrationsatlas.notifications.urls")),
    path("register/", include("integrationsatlas.registry.urls")),
    path("standards/", include("integrationsatlas.standards.urls")),
    path("suche/", include("integrationsatlas.finder.urls")),
    path("planung/", include("integrationsatlas.planning.urls")),
    path("austausch/", include("integrationsatlas.interchange.urls")),
    path("", include("integrationsatlas.api.urls")),
    path("", include("integrationsatlas.core.urls")),
    path("", start.home, name="home"),
    path("gesundheit/", start.health, name="health"),
]
