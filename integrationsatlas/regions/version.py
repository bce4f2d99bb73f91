"""Which state of the regions is loaded: a value that changes whenever a region is written.

It is the newest `Region.updated_at`: `load-regions` writes every region it reads, an edit in
the admin writes one. Caches of things drawn from the regions (the SVG maps) put it into their
keys, so a `load-regions` on a live server shows up in every web process without a restart,
although its own cache clearing reaches only its own process. A process asks the database at
most every `REGIONS_VERSION_CHECK_SECONDS` (default 5) for it: one indexed MAX.
"""

from __future__ import annotations

import threading
import time

from django.conf import settings
from django.db.models import Max

from .models import Region

_lock = threading.Lock()
_version: str | None = None
_checked_at = 0.0


def regions_version() -> str:
    """The newest update time of any region, from the database ("" without regions)."""
    newest = Region.objects.aggregate(newest=Max("updated_at"))["newest"]
    return newest.isoformat() if newest else ""


def current_version() -> str:
    """`regions_version()`, asked of the database at most every few seconds per process."""
    global _version, _checked_at
    ttl = getattr(settings, "REGIONS_VERSION_CHECK_SECONDS", 5.0)
    with _lock:
        if _version is not None and time.monotonic() - _checked_at < ttl:
            return _version
    version = regions_version()
    with _lock:
        _version, _checked_at = version, time.monotonic()
    return version


def forget() -> None:
    """Ask the database next time: this process has just written regions."""
    global _version
    with _lock:
        _version = None
