"""The active offer types, read once every FINDER_VERSION_CHECK_SECONDS per worker.

Every finder page names them (the start page lists them, a result page looks one up); a
query per page cost as much as the search itself. They change only when an administrator
loads the taxonomy, so the same short interval as the registry check is fresh enough.
"""

from __future__ import annotations

import threading
import time

from django.conf import settings

from integrationsatlas.taxonomy.models import OfferType

_lock = threading.Lock()
_loaded: tuple[float, list[OfferType], dict[str, OfferType]] | None = None


def _current() -> tuple[list[OfferType], dict[str, OfferType]]:
    global _loaded
    ttl = getattr(settings, "FINDER_VERSION_CHECK_SECONDS", 1.0)
    found = _loaded
    if found is None or time.monotonic() - found[0] >= ttl:
        active = list(OfferType.objects.filter(is_active=True).order_by("sort_order", "code"))
        found = (time.monotonic(), active, {t.code: t for t in active})
        with _lock:
            _loaded = found
    return found[1], found[2]


def active() -> list[OfferType]:
    """The active offer types in the order of the start page."""
    return list(_current()[0])


def by_code(code: str) -> OfferType | None:
    """The active offer type with this code, or None."""
    return _current()[1].get(code)


def clear() -> None:
    global _loaded
    with _lock:
        _loaded = None
