"""Which travel minutes the finder shows: a value that changes whenever a computation finishes.

It names the newest finished run of `transit finder-times` (its id and finish time), "" when
there is none. Pages in the page cache record it, so a page built before the minutes were
(re)computed is not served afterwards; a process asks the database at most every
FINDER_TRANSIT_CHECK_SECONDS (default 10): a cached page costs no query in between.
"""

from __future__ import annotations

import threading
import time

from django.conf import settings
from django.db.models import QuerySet

from integrationsatlas.transit.models import FinderTimesRun

#: The key under which pages record it among the offer types' digests (pagecache.py).
KEY = "transit:minutes"

_lock = threading.Lock()
_version: str | None = None
_checked_at = 0.0


def newest_runs() -> QuerySet[FinderTimesRun]:
    """Finished runs, the one the finder reads first: newest edition (Stand, then import)."""
    finished = FinderTimesRun.objects.filter(finished_at__isnull=False)
    return finished.order_by("-edition__reference_date", "-edition__imported_at", "-edition_id")


def current_version() -> str:
    global _version, _checked_at
    ttl = settings.FINDER_TRANSIT_CHECK_SECONDS
    with _lock:
        if _version is not None and time.monotonic() - _checked_at < ttl:
            return _version
    row = newest_runs().values_list("pk", "finished_at").first()
    version = f"{row[0]}:{row[1].isoformat()}" if row else ""
    with _lock:
        _version, _checked_at = version, time.monotonic()
    return version
