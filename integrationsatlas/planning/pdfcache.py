"""Region PDFs from a cache, and a rate limit for anonymous PDF requests.

Rendering a region report as PDF takes many seconds of server time (WeasyPrint). A PDF is
rendered once per assessment, region, language, day and state of the data it shows (the
assessments the viewer may read, the registry's services and funding) and then served from
the `reports` cache (files under var/ shared by all workers on a host, or Redis). While one
request renders a PDF, others for the same PDF wait for it instead of rendering it again.
Anonymous visitors get at most `REPORT_PDF_ANONYMOUS_PER_MINUTE` PDF requests a minute per
address; more answer 429 with Retry-After.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import caches
from django.db.models import Count, Max, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _

from integrationsatlas.assessments.models import Assessment
from integrationsatlas.regions.models import Region
from integrationsatlas.registry.models import Funding, Service

CACHE = "reports"
LOCK_SECONDS = 180  # longer than the slowest render; a crashed render frees the key then
WAIT_STEP = 0.25
WINDOW = 60


def _cache():
    return caches[CACHE]


def _data_state() -> str:
    """Changes whenever a service or its funding is written (what the report shows besides
    the assessment): newest change and counts."""
    services = Service.objects.aggregate(n=Count("id"), newest=Max("updated_at"))
    fundings = Funding.objects.aggregate(n=Count("id"), newest=Max("pk"))
    return f"{services['n']}:{services['newest']}:{fundings['n']}:{fundings['newest']}"


def pdf_key(region: Region, assessment: Assessment | None, readable: QuerySet, today) -> str:
    """The cache key of one region PDF as this viewer would get it today."""
    readable_ids = ",".join(str(pk) for pk in readable.order_by("pk").values_list("pk", flat=True))
    parts = [
        region.ags,
        f"{assessment.pk}@{assessment.created_at.isoformat()}" if assessment else "-",
        translation.get_language() or "",
        str(today),
        hashlib.sha256(readable_ids.encode()).hexdigest()[:16],
        _data_state(),
    ]
    return "region-pdf:" + hashlib.sha256("|".join(parts).encode()).hexdigest()


def cached_pdf(key: str, render: Callable[[], bytes]) -> bytes:
    """The PDF under `key`; rendered by exactly one request at a time, then kept."""
    cache = _cache()
    deadline = time.monotonic() + LOCK_SECONDS
    while True:
        pdf = cache.get(key)
        if pdf is not None:
            return bytes(pdf)
        if cache.add(key + ":rendering", 1, LOCK_SECONDS):
            try:
                pdf = render()
                cache.set(key, pdf, getattr(settings, "REPORT_PDF_CACHE_SECONDS", 86400))
                return pdf
            finally:
                cache.delete(key + ":rendering")
        if time.monotonic() > deadline:
            return render()  # the other render died without freeing its lock
        time.sleep(WAIT_STEP)


def _now() -> float:
    return time.time()


def _client(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def too_many(request: HttpRequest) -> HttpResponse | None:
    """A 429 answer when an anonymous address asked for too many PDFs this minute, else None."""
    if request.user.is_authenticated:
        return None
    limit = int(getattr(settings, "REPORT_PDF_ANONYMOUS_PER_MINUTE", 6))
    now = _now()
    window = int(now // WINDOW)
    key = f"region-pdf-rate:{_client(request)}:{window}"
    cache = _cache()
    cache.add(key, 0, WINDOW * 2)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, WINDOW * 2)
        count = 1
    if count <= limit:
        return None
    retry = WINDOW - int(now) % WINDOW
    response = HttpResponse(
        _(
            "Zu viele PDF-Anfragen von Ihrer Adresse. Bitte versuchen Sie es in %(seconds)s "
            "Sekunden erneut, oder lesen Sie den Bericht als Webseite."
        )
        % {"seconds": retry},
        status=429,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = str(retry)
    return response
