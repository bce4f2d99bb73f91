"""The worker's offer-type indexes, kept current per edit: only the index an edit touches changes.

At most every `FINDER_VERSION_CHECK_SECONDS` a request asks the registry what changed
(`changes.Watch.poll`, one query when nothing did). Changed services are read again and
replace their old rows in the index of their offer type, old and new (`TypeIndex.replaced`);
every other index, and every page built from it, stays as it is. One thread applies changes
at a time; the others go on with the indexes they have instead of waiting.

A whole index is read only when a worker first needs it, or after a change history cannot
explain (writes that bypass the registry): then every index is dropped and each is rebuilt
by one thread (single flight) while the other requests for it wait for that build.

An index built while changes arrived could have read the registry before them: changes are
logged with a sequence number, and a build replays those that arrived during it before the
index is used by others.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable
from typing import Any

from django.conf import settings

from integrationsatlas.registry.models import Service
from integrationsatlas.taxonomy.models import OfferType

from . import index as index_module
from .changes import Watch
from .index import TypeIndex

logger = logging.getLogger(__name__)
_LOG_LENGTH = 256  # change batches remembered for builds that overlap them
_EVERYTHING = None  # a log entry for "all indexes dropped"


class Indexes:
    def __init__(self) -> None:
        self._lock = threading.Lock()  # guards the fields below
        self._applying = threading.Lock()  # one thread applies changes at a time
        self._building: dict[str, threading.Lock] = {}
        self._types: dict[str, TypeIndex] = {}
        self._watch: Watch | None = None
        self._checked_at = 0.0
        self._sequence = 0
        self._log: list[tuple[int, frozenset[int] | None]] = []
        # For benchmarks and logs: seconds the last applied change took, services it touched.
        self.last_update: tuple[float, int] | None = None

    # -- keeping up with the registry --------------------------------------------------

    def refresh(self) -> None:
        """Apply the registry's changes, at most every FINDER_VERSION_CHECK_SECONDS."""
        ttl = getattr(settings, "FINDER_VERSION_CHECK_SECONDS", 1.0)
        if self._watch is not None and time.monotonic() - self._checked_at < ttl:
            return
        # The first call waits (nothing may be built before the watch starts); later ones
        # leave the work to whoever is doing it.
        if not self._applying.acquire(blocking=self._watch is None):
            return
        try:
            if self._watch is None:
                self._watch = Watch.start()
            elif time.monotonic() - self._checked_at >= ttl:
                started = time.perf_counter()
                found = self._watch.poll()
                if found is not None and not found.complete:
                    self._drop_all()
                elif found is not None and found.services:
                    self._apply(found.services)
                    self.last_update = (time.perf_counter() - started, len(found.services))
            self._checked_at = time.monotonic()
        finally:
            self._applying.release()

    def _record(self, services: frozenset[int] | None) -> None:
        with self._lock:
            self._sequence += 1
            self._log.append((self._sequence, services))
            del self._log[:-_LOG_LENGTH]

    def _drop_all(self) -> None:
        logger.warning("finder: registry rows changed without history; every index is read again")
        self._record(_EVERYTHING)
        with self._lock:
            self._types = {}

    def _apply(self, services: frozenset[int]) -> None:
        # Logged first: a build finishing from now on replays it, one finished before is below.
        self._record(services)
        with self._lock:
            current = dict(self._types)
        for code, ids in _by_type(services, current).items():
            old = current[code]
            new = old.replaced(index_module.read(old.offer_type_id, ids), ids)
            with self._lock:
                if self._types.get(code) is old:
                    self._types[code] = new

    # -- reading -------------------------------------------------------------------------

    def get(self, offer_type: Any) -> TypeIndex:
        """The current index of `offer_type`, built (by one thread) when missing."""
        self.refresh()
        found = self._types.get(offer_type.code)
        if found is not None:
            return found
        with self._lock:
            building = self._building.setdefault(offer_type.code, threading.Lock())
        with building:
            found = self._types.get(offer_type.code)
            if found is not None:
                return found
            with self._lock:
                since = self._sequence
            built = index_module.build(offer_type)
            return self._store(built, since)

    def _store(self, built: TypeIndex, since: int) -> TypeIndex:
        """Replay the changes that arrived during the build, then share the index."""
        while True:
            with self._lock:
                pending = [services for number, services in self._log if number > since]
                complete_log = not self._log or self._log[0][0] <= since + 1
                if not pending:
                    self._types[built.code] = built
                    return built
                since = self._sequence
            if _EVERYTHING in pending or not complete_log:
                return built  # read before a reset: good for this request, not kept
            ids = frozenset().union(*pending)
            touched = _by_type(ids, {built.code: built}).get(built.code, set())
            if touched:
                built = built.replaced(index_module.read(built.offer_type_id, touched), touched)

    def digest(self, code: str) -> int | None:
        """The content digest of an offer type's index (built if needed); None: no such type."""
        self.refresh()
        found = self._types.get(code)
        if found is not None:
            return found.digest
        offer_type = OfferType.objects.filter(code=code).first()
        return None if offer_type is None else self.get(offer_type).digest

    def clear(self) -> None:
        """Forget every index and the position in the registry's history (tests)."""
        with self._lock:
            self._types, self._watch, self._log = {}, None, []
            self._checked_at = 0.0


def _by_type(services: Iterable[int], current: dict[str, TypeIndex]) -> dict[str, set[int]]:
    """Which of the `current` indexes each changed service concerns: the one it is in now,
    and the one its offer type names in the registry (they differ when the type changed)."""
    services = set(services)
    touched: dict[str, set[int]] = {}
    for code, found in current.items():
        inside = services.intersection(found.entries)
        if inside:
            touched.setdefault(code, set()).update(inside)
    codes = Service.objects.filter(pk__in=list(services)).values_list("pk", "offer_type__code")
    for service_id, code in codes:
        if code in current:
            touched.setdefault(code, set()).add(service_id)
    return touched


indexes = Indexes()
