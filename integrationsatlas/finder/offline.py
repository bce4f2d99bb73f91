"""The finder as an installable web app: its manifest and the service worker that keeps copies.

The worker is served from /suche/ (not /static/) so that its scope covers the finder's pages.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

# Pages kept for reading offline: the last searches and opened offers, newest first.
MAX_PAGES = 60
# Files every finder page needs; fetched when the worker is installed.
PRECACHE_STATIC = (
    "css/site.css",
    "finder/finder.css",
    "finder/finder.js",
    "vendor/leaflet/leaflet.css",
    "vendor/leaflet/leaflet.js",
    "finder/finder-map.js",
)


@require_GET
@cache_control(no_cache=True)
def service_worker(request: HttpRequest) -> HttpResponse:
    precache = [static(path) for path in PRECACHE_STATIC]
    context = {
        "scope": reverse("finder:start"),
        "static_url": settings.STATIC_URL,
        "precache": precache,
        "max_pages": MAX_PAGES,
        # A new version of the worker (and a fresh cache) whenever the files it keeps change.
        "version": hashlib.sha256("".join(precache).encode()).hexdigest()[:12],
    }
    script = render_to_string("finder/offline/sw.js", context)
    return HttpResponse(script, content_type="application/javascript; charset=utf-8")


@require_GET
@cache_control(public=True, max_age=86400)
def manifest(request: HttpRequest) -> JsonResponse:
    start = reverse("finder:start")
    return JsonResponse(
        {
            "name": _("Integrationsatlas – Angebote finden"),
            "short_name": _("Integrationsatlas"),
            "start_url": start,
            "scope": start,
            "display": "standalone",
            "background_color": "#ffffff",
            "theme_color": "#0b5394",
            "icons": [
                {
                    "src": static("finder/icons/network.svg"),
                    "sizes": "any",
                    "type": "image/svg+xml",
                }
            ],
        },
        content_type="application/manifest+json",
        json_dumps_params={"ensure_ascii": False},
    )
