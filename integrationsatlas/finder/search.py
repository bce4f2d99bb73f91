"""The finder's search: nearest published services of one offer type, filtered, with opening state.

Per offer type the published services, their sites, hours and service areas are read
once into NumPy arrays and plain tuples and kept in memory. The cache is keyed by
`registry_version()`, a counter derived from the registry tables (history ids and row
counts), so an approved change shows up in the next search without any invalidation
code in the registry. A search is then a vectorised haversine over the type's sites.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from datetime import time as clock_time
from typing import Any, TypeVar

import numpy as np
from django.apps import apps
from django.conf import settings
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from integrationsatlas.analysis.geo import haversine_m
from integrationsatlas.registry.models import (
    Location,
    Organization,
    Schedule,
    ScheduleException,
    Service,
    ServiceAtLocation,
)
from integrationsatlas.registry.opening_hours import (
    BERLIN,
    DayException,
    OpenState,
    WeeklyHours,
    open_state,
)
from integrationsatlas.taxonomy.models import OfferType
from integrationsatlas.taxonomy.target_groups import serves

from . import pagecache
from .places import Place

PAGE_SIZE = 10
RADIUS_CHOICES = (5, 10, 25, 50, 100, 200)
DEFAULT_RADIUS = 25


def now() -> datetime:
    """The current moment; a function so tests can fix the clock."""
    return timezone.now()


@dataclass(frozen=True)
class Site:
    location_id: int
    name: str
    address: str
    postal_code: str
    city: str
    lon: float
    lat: float
    gemeinde_ags: str
    wheelchair: bool
    weekly: tuple[WeeklyHours, ...]
    exceptions: tuple[DayException, ...]


@dataclass(frozen=True)
class Entry:
    """What the result list needs of one service, without touching the database."""

    id: int
    name: str
    translations: dict
    organization: str
    languages: tuple[str, ...]
    target_groups: frozenset[str]
    is_free: bool
    is_demo: bool
    by_phone: bool
    online: bool
    phone: str
    website: str
    area: frozenset[str]
    remote_weekly: tuple[WeeklyHours, ...] = ()
    remote_exceptions: tuple[DayException, ...] = ()

    def name_in(self, language: str) -> tuple[str, bool]:
        if language[:2] != "de":
            translated = (self.translations or {}).get(language[:2], {}).get("name")
            if translated:
                return translated, False
            return self.name, True
        return self.name, False


@dataclass
class TypeIndex:
    """Arrays over all (service, site) pairs of one offer type, plus its phone/online services."""

    entries: dict[int, Entry]
    sites: list[Site]
    service_of_site: np.ndarray
    lat: np.ndarray  # degrees (WGS84)
    lon: np.ndarray  # degrees (WGS84)
    remote: list[Entry]
    masks: dict[tuple, Any] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def _remember(self, key: tuple, compute: Callable[[], Any]) -> Any:
        """A value over all sites, computed once per key (per minute for "open now")."""
        found = self.masks.get(key)
        if found is None:
            found = compute()
            with self.lock:
                if len(self.masks) > 500:  # old minutes of the open-now arrays
                    self.masks.clear()
                self.masks[key] = found
        return found

    def _mask(self, key: tuple, build) -> np.ndarray:
        """A boolean array over sites: build(i) for each site i."""
        n = len(self.sites)
        return self._remember(key, lambda: np.fromiter((build(i) for i in range(n)), bool, n))

    def entry_of(self, i: int) -> Entry:
        return self.entries[int(self.service_of_site[i])]

    def filter_mask(self, filters: Filters, moment: datetime) -> np.ndarray:
        keep = np.ones(len(self.sites), dtype=bool)
        if filters.language:
            keep &= self._mask(
                ("lang", filters.language), lambda i: filters.language in self.entry_of(i).languages
            )
        if filters.free:
            keep &= self._mask(("free",), lambda i: self.entry_of(i).is_free)
        if filters.target_group:
            group = filters.target_group
            keep &= self._mask(
                ("group", group),
                lambda i: serves(self.entry_of(i).target_groups, group),
            )
        if filters.accessible:
            keep &= self._mask(("access",), lambda i: self.sites[i].wheelchair)
        if filters.open_now:
            keep &= self.open_at(moment)[0]
        return keep

    def open_at(self, moment: datetime) -> tuple[np.ndarray, np.ndarray]:
        """Per site: open in this minute? And when that changes next (epoch s, inf: not soon)."""
        minute = moment.astimezone(BERLIN).replace(second=0, microsecond=0)

        def compute() -> tuple[np.ndarray, np.ndarray]:
            states = [
                open_state(minute, s.weekly, s.exceptions, gemeinde=s.gemeinde_ags)
                for s in self.sites
            ]
            is_open = np.fromiter((st.is_open for st in states), bool, len(states))
            change = np.fromiter((_change_ts(st) for st in states), float, len(states))
            return is_open, change

        return self._remember(("open", minute), compute)

    def hit(self, i: int, distance: float, moment: datetime) -> Hit:
        site = self.sites[i]
        return Hit(
            self.entry_of(i),
            site,
            distance,
            open_state(moment, site.weekly, site.exceptions, gemeinde=site.gemeinde_ags),
        )


@dataclass(frozen=True)
class Filters:
    language: str = ""
    open_now: bool = False
    free: bool = False
    target_group: str = ""
    accessible: bool = False


@dataclass(frozen=True)
class Hit:
    entry: Entry
    site: Site | None
    distance_km: float | None
    state: OpenState


@dataclass
class Results:
    hits: list[Hit]
    total: int
    page: int
    pages: int
    remote: list[Hit]
    nearest_beyond: Hit | None = None
    # The first moment at which the same search could read differently (see `search`).
    stable_until: datetime | None = None


_VERSION_TABLES = [
    Service.history.model,
    Location.history.model,
    ServiceAtLocation.history.model,
    Schedule.history.model,
    ScheduleException.history.model,
    Organization.history.model,
]
_COUNT_TABLES = [
    Service,
    Location,
    ServiceAtLocation,
    Schedule,
    ScheduleException,
    Service.service_area.through,
]


def _version_sql() -> str:
    """One SELECT of sub-selects; table names come from model metadata, never from input."""
    q = connection.ops.quote_name
    parts = []
    models = list(_VERSION_TABLES)
    # django-simple-history keeps service-area changes in their own table.
    with contextlib.suppress(LookupError):
        models.append(apps.get_model("registry", "HistoricalService_service_area"))
    for model in models:
        pk, table = q(model._meta.pk.column), q(model._meta.db_table)
        parts.append(f"(SELECT MAX({pk}) FROM {table})")  # noqa: S608
    for model in _COUNT_TABLES:
        parts.append(f"(SELECT COUNT(*) FROM {q(model._meta.db_table)})")  # noqa: S608
    parts.append(f"(SELECT MAX({q('updated_at')}) FROM {q(Service._meta.db_table)})")  # noqa: S608
    return "SELECT " + ", ".join(parts)  # noqa: S608


def registry_version() -> tuple:
    """A value that changes whenever a service, site, hour, area or provider is written."""
    with connection.cursor() as cursor:
        cursor.execute(_version_sql())
        return tuple(str(v) for v in cursor.fetchone())


class _Cache:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.version: tuple | None = None
        self.checked_at = 0.0
        self.types: dict[str, TypeIndex] = {}

    def current_version(self) -> tuple:
        """The registry version, asked of the database at most every few seconds per worker."""
        ttl = getattr(settings, "FINDER_VERSION_CHECK_SECONDS", 1.0)
        if self.version is None or time.monotonic() - self.checked_at >= ttl:
            version = registry_version()
            with self.lock:
                self.checked_at = time.monotonic()
                if version != self.version:
                    self.version, self.types = version, {}
        return self.version or ()

    def index(self, offer_type: OfferType) -> TypeIndex:
        self.current_version()
        with self.lock:
            found = self.types.get(offer_type.code)
        if found is None:
            found = build_index(offer_type)
            with self.lock:
                self.types[offer_type.code] = found
        return found

    def clear(self) -> None:
        with self.lock:
            self.version, self.types = None, {}


_cache = _Cache()


def clear_cache() -> None:
    """Forget the indexes and the rendered pages built from them."""
    _cache.clear()
    pagecache.clear()


def current_version() -> tuple:
    """The registry version the in-memory indexes belong to (see `registry_version`)."""
    return _cache.current_version()


def _weekly(row: dict) -> WeeklyHours:
    return WeeklyHours(
        row["weekday"], row["opens_at"], row["closes_at"], row["valid_from"], row["valid_to"]
    )


def _exception(row: dict) -> DayException:
    return DayException(row["date"], row["closed"], row["opens_at"], row["closes_at"], row["note"])


T = TypeVar("T")


def _by_owner(
    rows: QuerySet, services: QuerySet, fields: tuple[str, ...], convert: Callable[[dict], T]
) -> dict[tuple[str, int], list[T]]:
    """The services' hours rows (schedules or exceptions), converted and grouped by owner:
    ("sal", site id) for a site's hours, ("svc", service id) for the service's remote hours.
    Two queries."""
    by_owner: dict[tuple[str, int], list[T]] = {}
    for row in rows.filter(service_at_location__service__in=services).values(
        "service_at_location_id", *fields
    ):
        by_owner.setdefault(("sal", row["service_at_location_id"]), []).append(convert(row))
    for row in rows.filter(service__in=services).values("service_id", *fields):
        by_owner.setdefault(("svc", row["service_id"]), []).append(convert(row))
    return by_owner


def build_index(offer_type: OfferType) -> TypeIndex:
    """Read one offer type's published, active services with sites and hours (six queries)."""
    services = Service.public.filter(offer_type=offer_type, status=Service.Status.ACTIVE)
    areas: dict[int, set[str]] = {}
    for service_id, ags in Service.service_area.through.objects.filter(
        service__in=services
    ).values_list("service_id", "region_id"):
        areas.setdefault(service_id, set()).add(ags)
    hour_fields = ("weekday", "opens_at", "closes_at", "valid_from", "valid_to")
    exc_fields = ("date", "closed", "opens_at", "closes_at", "note")
    today = timezone.localdate(now())
    weekly_by = _by_owner(Schedule.objects.all(), services, hour_fields, _weekly)
    recent = ScheduleException.objects.filter(date__gte=today.replace(day=1))
    exc_by = _by_owner(recent, services, exc_fields, _exception)

    entries: dict[int, Entry] = {}
    for row in services.values(
        "id",
        "name",
        "translations",
        "organization__name",
        "languages",
        "target_groups",
        "is_free",
        "is_demo",
        "by_phone",
        "online",
        "phone",
        "website",
    ):
        entries[row["id"]] = Entry(
            id=row["id"],
            name=row["name"],
            translations=row["translations"] or {},
            organization=row["organization__name"],
            languages=tuple(row["languages"] or ()),
            target_groups=frozenset(row["target_groups"] or ()),
            is_free=row["is_free"],
            is_demo=row["is_demo"],
            by_phone=row["by_phone"],
            online=row["online"],
            phone=row["phone"],
            website=row["website"],
            area=frozenset(areas.get(row["id"], ())),
            remote_weekly=tuple(weekly_by.get(("svc", row["id"]), ())),
            remote_exceptions=tuple(exc_by.get(("svc", row["id"]), ())),
        )
    sites: list[Site] = []
    owners: list[int] = []
    for row in (
        ServiceAtLocation.objects.filter(service__in=services)
        .order_by("id")
        .values(
            "id",
            "service_id",
            "location_id",
            "location__name",
            "location__address",
            "location__postal_code",
            "location__city",
            "location__longitude",
            "location__latitude",
            "location__gemeinde_id",
            "location__wheelchair_accessible",
        )
    ):
        sites.append(
            Site(
                location_id=row["location_id"],
                name=row["location__name"],
                address=row["location__address"],
                postal_code=row["location__postal_code"],
                city=row["location__city"],
                lon=row["location__longitude"],
                lat=row["location__latitude"],
                gemeinde_ags=row["location__gemeinde_id"] or "",
                wheelchair=row["location__wheelchair_accessible"],
                weekly=tuple(weekly_by.get(("sal", row["id"]), ())),
                exceptions=tuple(exc_by.get(("sal", row["id"]), ())),
            )
        )
        owners.append(row["service_id"])
    with_site = set(owners)
    remote = sorted(
        (e for e in entries.values() if (e.by_phone or e.online) and e.id not in with_site),
        key=lambda e: e.name.casefold(),
    )
    return TypeIndex(
        entries=entries,
        sites=sites,
        service_of_site=np.array(owners, dtype=np.int64),
        lat=np.array([s.lat for s in sites], dtype=float),
        lon=np.array([s.lon for s in sites], dtype=float),
        remote=remote,
    )


def _entry_passes(entry: Entry, filters: Filters) -> bool:
    if filters.language and filters.language not in entry.languages:
        return False
    if filters.free and not entry.is_free:
        return False
    return serves(entry.target_groups, filters.target_group)


def search(
    offer_type: OfferType,
    place: Place,
    radius_km: float = DEFAULT_RADIUS,
    filters: Filters = Filters(),
    page: int = 1,
    at: datetime | None = None,
) -> Results:
    """Nearest services of `offer_type` around `place` within `radius_km`, one row per service.

    `Results.stable_until` is the first moment at which this search could read differently
    with the registry unchanged: a shown service opens or closes, midnight turns "tomorrow"
    into "today", or, with "open now", any service that could enter or leave the list opens
    or closes. The page cache keeps the rendered page until then.
    """
    index = _cache.index(offer_type)
    moment = at or now()
    local = moment.astimezone(BERLIN)
    changes = [datetime.combine(local.date() + timedelta(days=1), clock_time(0), tzinfo=BERLIN)]
    hits: list[Hit] = []
    nearest_beyond: Hit | None = None
    total = 0
    if len(index.sites):
        distances = haversine_m(place.lon, place.lat, index.lon, index.lat) / 1000.0
        keep = index.filter_mask(replace(filters, open_now=False), moment)
        if filters.open_now:
            is_open, change = index.open_at(moment)
            # Who is in the list can change when any candidate opens or closes: those in the
            # radius, or, when none is open there, any (the nearest one beyond is shown).
            near = keep & (distances <= radius_km)
            scope = near if (near & is_open).any() else keep
            soonest = float(change[scope].min()) if scope.any() else float("inf")
            if np.isfinite(soonest):
                changes.append(datetime.fromtimestamp(soonest, BERLIN))
            keep = keep & is_open
        candidates = np.flatnonzero(keep)
        order = candidates[np.argsort(distances[candidates], kind="stable")]
        # Keep each service's nearest site only.
        _, first = np.unique(index.service_of_site[order], return_index=True)
        order = order[np.sort(first)]
        inside = order[distances[order] <= radius_km]
        total = len(inside)
        start = (page - 1) * PAGE_SIZE
        for i in inside[start : start + PAGE_SIZE].tolist():
            hits.append(index.hit(i, float(distances[i]), moment))
        if total == 0 and len(order):
            i = int(order[0])
            nearest_beyond = index.hit(i, float(distances[i]), moment)
    pages = max(1, -(-total // PAGE_SIZE))
    serving = {place.ags, place.kreis_ags, place.ags[:2]}
    remote = []
    for entry in index.remote:
        if not (entry.area & serving) or not _entry_passes(entry, filters):
            continue
        state = open_state(moment, entry.remote_weekly, entry.remote_exceptions)
        if filters.open_now:
            changes.append(_change_at(state))
            if not state.is_open:
                continue
        remote.append(Hit(entry, None, None, state))
    for hit in (*hits, *remote[:20]):
        changes.append(_change_at(hit.state))
    return Results(
        hits=hits,
        total=total,
        page=page,
        pages=pages,
        remote=remote[:20],
        nearest_beyond=nearest_beyond,
        stable_until=min(c for c in changes if c is not None),
    )


def _change_at(state: OpenState) -> datetime | None:
    """When an open state changes next: closing if open, else the next opening (or never)."""
    return state.closes_at if state.is_open else state.next_opening


def _change_ts(state: OpenState) -> float:
    change = _change_at(state)
    return change.timestamp() if change is not None else float("inf")
