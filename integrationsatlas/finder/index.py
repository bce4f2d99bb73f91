"""One offer type's published services in memory: sites as NumPy arrays, replaceable per service.

A `TypeIndex` is never changed once built. An edit produces a new index (`replaced`) that
shares everything the edit did not touch, so searches running meanwhile keep a consistent
view and no search waits for an update. The filter masks and "open in this minute" arrays
computed on the old index are carried over and completed for the changed services only.

`digest` is a fingerprint of the content (the sum of one hash per service, so it can be
updated per service): two workers holding the same content agree on it, which is what lets
the page cache share pages between workers (Redis) and keep them across unrelated edits.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

import numpy as np
from django.db.models import Q, QuerySet
from django.utils import timezone

from integrationsatlas.registry.models import (
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
from integrationsatlas.taxonomy.target_groups import serves

from . import clock

_MASK_LIMIT = 500  # cached masks per index; old minutes of the open-now arrays go first
_DIGEST_MODULUS = 2**64


@dataclass(frozen=True)
class Site:
    id: int  # the service-at-location row: a stable order for equal distances
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


@dataclass(frozen=True)
class Readout:
    """Services as read from the database: entries by id and (service id, site) pairs."""

    entries: dict[int, Entry]
    sites: list[tuple[int, Site]]


def _change_ts(state: OpenState) -> float:
    change = state.closes_at if state.is_open else state.next_opening
    return change.timestamp() if change is not None else float("inf")


def _site_value(key: tuple, entry: Entry, site: Site) -> Any:
    """One site's value of a cached array: a filter's yes/no, or (open?, next change)."""
    kind = key[0]
    if kind == "lang":
        return key[1] in entry.languages
    if kind == "free":
        return entry.is_free
    if kind == "group":
        return serves(entry.target_groups, key[1])
    if kind == "access":
        return site.wheelchair
    if kind == "open":
        state = open_state(key[1], site.weekly, site.exceptions, gemeinde=site.gemeinde_ags)
        return state.is_open, _change_ts(state)
    raise ValueError(f"unknown mask {key!r}")


def _array(key: tuple, values: list) -> Any:
    """The cached form of per-site values: one boolean array, or two for "open"."""
    if key[0] == "open":
        n = len(values)
        return (
            np.fromiter((v[0] for v in values), bool, n),
            np.fromiter((v[1] for v in values), float, n),
        )
    return np.fromiter(values, bool, len(values))


@dataclass
class TypeIndex:
    """Arrays over all (service, site) pairs of one offer type, plus its phone/online services."""

    code: str
    offer_type_id: int
    entries: dict[int, Entry]
    sites: list[Site]
    service_of_site: np.ndarray
    site_ids: np.ndarray
    lat: np.ndarray  # degrees (WGS84)
    lon: np.ndarray  # degrees (WGS84)
    remote: list[Entry]
    fingerprints: dict[int, int]
    digest: int
    masks: dict[tuple, Any] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def entry_of(self, i: int) -> Entry:
        return self.entries[int(self.service_of_site[i])]

    def _remember(self, key: tuple) -> Any:
        """A value over all sites, computed once per key (per minute for "open now")."""
        found = self.masks.get(key)
        if found is None:
            entry_of = self.entry_of
            found = _array(
                key, [_site_value(key, entry_of(i), s) for i, s in enumerate(self.sites)]
            )
            with self.lock:
                if len(self.masks) > _MASK_LIMIT:
                    self.masks.clear()
                self.masks[key] = found
        return found

    def filter_mask(self, filters: Any) -> np.ndarray:
        """Sites passing the language, cost, target group and access filters."""
        keep = np.ones(len(self.sites), dtype=bool)
        if filters.language:
            keep &= self._remember(("lang", filters.language))
        if filters.free:
            keep &= self._remember(("free",))
        if filters.target_group:
            keep &= self._remember(("group", filters.target_group))
        if filters.accessible:
            keep &= self._remember(("access",))
        return keep

    def open_at(self, moment: datetime) -> tuple[np.ndarray, np.ndarray]:
        """Per site: open in this minute? And when that changes next (epoch s, inf: not soon).

        A new minute of the same day starts from the latest minute computed: only the sites
        whose state was due to change by now are asked again (at most a few per minute,
        instead of every site). A new day is computed whole: holidays and exception days
        change at midnight, and "opens next" looks only HORIZON_DAYS ahead."""
        minute = moment.astimezone(BERLIN).replace(second=0, microsecond=0)
        key = ("open", minute)
        found = self.masks.get(key)
        if found is not None:
            return found
        earlier = [k[1] for k in list(self.masks) if k[0] == "open" and k[1] < minute]
        latest = max(earlier, default=None)
        if latest is None or latest.date() != minute.date():
            return self._remember(key)
        is_open, change = self.masks[("open", latest)]
        due = np.flatnonzero(change <= minute.timestamp()).tolist()
        if due:
            is_open, change = is_open.copy(), change.copy()
            for i in due:
                is_open[i], change[i] = _site_value(key, self.entry_of(i), self.sites[i])
        with self.lock:
            for older in [k for k in self.masks if k[0] == "open" and k[1] < latest]:
                del self.masks[older]  # the minute before stays for searches still at it
            self.masks[key] = (is_open, change)
        return is_open, change

    def replaced(self, readout: Readout, changed: Collection[int]) -> TypeIndex:
        """A new index in which the `changed` services are as `readout` has them (or gone)."""
        changed = set(changed)
        keep = ~np.isin(self.service_of_site, np.fromiter(changed, np.int64, len(changed)))
        kept = np.flatnonzero(keep)
        new_owners = np.array([owner for owner, _ in readout.sites], dtype=np.int64)
        new_sites = [site for _, site in readout.sites]
        entries = {k: v for k, v in self.entries.items() if k not in changed}
        entries.update(readout.entries)
        fingerprints = {k: v for k, v in self.fingerprints.items() if k not in changed}
        added = _fingerprints(readout)
        fingerprints.update(added)
        removed = sum(self.fingerprints.get(k, 0) for k in changed)
        digest = (self.digest - removed + sum(added.values())) % _DIGEST_MODULUS
        masks = {}
        for key, value in list(self.masks.items()):
            fresh = _array(key, [_site_value(key, readout.entries[o], s) for o, s in readout.sites])
            if isinstance(value, tuple):
                masks[key] = tuple(
                    np.concatenate([old[keep], new]) for old, new in zip(value, fresh, strict=True)
                )
            else:
                masks[key] = np.concatenate([value[keep], fresh])
        service_of_site = np.concatenate([self.service_of_site[keep], new_owners])
        return TypeIndex(
            code=self.code,
            offer_type_id=self.offer_type_id,
            entries=entries,
            sites=[self.sites[i] for i in kept.tolist()] + new_sites,
            service_of_site=service_of_site,
            site_ids=np.concatenate(
                [self.site_ids[keep], np.array([s.id for s in new_sites], dtype=np.int64)]
            ),
            lat=np.concatenate([self.lat[keep], np.array([s.lat for s in new_sites], float)]),
            lon=np.concatenate([self.lon[keep], np.array([s.lon for s in new_sites], float)]),
            remote=_remote(entries, service_of_site),
            fingerprints=fingerprints,
            digest=digest,
            masks=masks,
        )


def _remote(entries: dict[int, Entry], service_of_site: np.ndarray) -> list[Entry]:
    """Services reachable by phone or online that have no site, by name (then id)."""
    with_site = set(service_of_site.tolist())
    return sorted(
        (e for e in entries.values() if (e.by_phone or e.online) and e.id not in with_site),
        key=lambda e: (e.name.casefold(), e.id),
    )


def _fingerprint(entry: Entry, sites: Iterable[Site]) -> int:
    """A hash of what the finder shows of one service, the same in every process."""

    def plain(value: Any) -> Any:
        if isinstance(value, (frozenset, set)):
            return sorted(value)
        if isinstance(value, tuple) and value and hasattr(value[0], "__dataclass_fields__"):
            return sorted(repr(v) for v in value)
        return value

    rows = [[plain(getattr(entry, name)) for name in entry.__dataclass_fields__]]
    rows += sorted(
        [[plain(getattr(site, name)) for name in site.__dataclass_fields__] for site in sites],
        key=lambda row: row[0],
    )
    text = json.dumps(rows, sort_keys=True, default=str, ensure_ascii=False)
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")


def _fingerprints(readout: Readout) -> dict[int, int]:
    sites_of: dict[int, list[Site]] = {}
    for owner, site in readout.sites:
        sites_of.setdefault(owner, []).append(site)
    return {sid: _fingerprint(e, sites_of.get(sid, ())) for sid, e in readout.entries.items()}


def assemble(code: str, offer_type_id: int, readout: Readout) -> TypeIndex:
    """The index of a whole offer type from its readout."""
    owners = np.array([owner for owner, _ in readout.sites], dtype=np.int64)
    sites = [site for _, site in readout.sites]
    fingerprints = _fingerprints(readout)
    return TypeIndex(
        code=code,
        offer_type_id=offer_type_id,
        entries=readout.entries,
        sites=sites,
        service_of_site=owners,
        site_ids=np.array([s.id for s in sites], dtype=np.int64),
        lat=np.array([s.lat for s in sites], dtype=float),
        lon=np.array([s.lon for s in sites], dtype=float),
        remote=_remote(readout.entries, owners),
        fingerprints=fingerprints,
        digest=sum(fingerprints.values()) % _DIGEST_MODULUS,
    )


# Hours rows repeat a lot (the same weekday and times at many sites): one object each.
@lru_cache(maxsize=8192)
def _weekly(weekday, opens, closes, valid_from, valid_to) -> WeeklyHours:
    return WeeklyHours(weekday, opens, closes, valid_from, valid_to)


def _exception(day, closed, opens, closes, note) -> DayException:
    return DayException(day, closed, opens, closes, note)


HOUR_FIELDS = ("weekday", "opens_at", "closes_at", "valid_from", "valid_to")
EXCEPTION_FIELDS = ("date", "closed", "opens_at", "closes_at", "note")
ENTRY_FIELDS = ("id", "name", "translations", "organization__name", "languages",
                "target_groups", "is_free", "is_demo", "by_phone", "online", "phone",
                "website")  # fmt: skip
SITE_FIELDS = ("id", "service_id", "location_id", "location__name", "location__address",
               "location__postal_code", "location__city", "location__longitude",
               "location__latitude", "location__gemeinde_id",
               "location__wheelchair_accessible")  # fmt: skip


def _by_owner(
    rows: QuerySet, owners: Q, fields: tuple[str, ...], convert: Callable[..., Any]
) -> dict[tuple[str, int], list[Any]]:
    """Hours rows (schedules or exceptions) converted and grouped by owner: ("sal", site id)
    for a site's hours, ("svc", service id) for the service's phone/online hours. One query."""
    by_owner: dict[tuple[str, int], list[Any]] = {}
    for site, service, *values in rows.filter(owners).values_list(
        "service_at_location_id", "service_id", *fields
    ):
        key = ("sal", site) if site is not None else ("svc", service)
        by_owner.setdefault(key, []).append(convert(*values))
    return by_owner


def read(offer_type_id: int, service_ids: Collection[int] | None = None) -> Readout:
    """Published, active services of one offer type (all, or those of `service_ids` that still
    are) with sites, hours and service areas: five queries.

    A whole type is selected with sub-queries; a few services by their ids, which the
    database and Django's query compiler both handle faster (an edit's update path)."""
    services = Service.public.filter(offer_type_id=offer_type_id, status=Service.Status.ACTIVE)
    if service_ids is not None:
        services = services.filter(pk__in=list(service_ids))
    rows = list(services.values_list(*ENTRY_FIELDS))
    live: QuerySet | list[int] = services if service_ids is None else [r[0] for r in rows]
    site_rows = list(
        ServiceAtLocation.objects.filter(service__in=live).order_by("id").values_list(*SITE_FIELDS)
    )
    sites_of = (
        Q(service_at_location__service__in=live)
        if service_ids is None
        else Q(service_at_location__in=[r[0] for r in site_rows])
    )
    owners = sites_of | Q(service__in=live)
    today = timezone.localdate(clock.now())
    weekly = _by_owner(Schedule.objects.all(), owners, HOUR_FIELDS, _weekly)
    recent = ScheduleException.objects.filter(date__gte=today.replace(day=1))
    exceptions = _by_owner(recent, owners, EXCEPTION_FIELDS, _exception)
    areas: dict[int, set[str]] = {}
    for service_id, ags in Service.service_area.through.objects.filter(
        service__in=live
    ).values_list("service_id", "region_id"):
        areas.setdefault(service_id, set()).add(ags)
    entries: dict[int, Entry] = {}
    for row in rows:
        sid, name, translations, org, languages, groups, free, demo, phone_ok, online = row[:10]
        entries[sid] = Entry(
            id=sid,
            name=name,
            translations=translations or {},
            organization=org,
            languages=tuple(languages or ()),
            target_groups=frozenset(groups or ()),
            is_free=free,
            is_demo=demo,
            by_phone=phone_ok,
            online=online,
            phone=row[10],
            website=row[11],
            area=frozenset(areas.get(sid, ())),
            remote_weekly=tuple(weekly.get(("svc", sid), ())),
            remote_exceptions=tuple(exceptions.get(("svc", sid), ())),
        )
    sites: list[tuple[int, Site]] = []
    for sal, owner, location, name, address, postal, city, lon, lat, ags, step_free in site_rows:
        site = Site(
            id=sal,
            location_id=location,
            name=name,
            address=address,
            postal_code=postal,
            city=city,
            lon=lon,
            lat=lat,
            gemeinde_ags=ags or "",
            wheelchair=step_free,
            weekly=tuple(weekly.get(("sal", sal), ())),
            exceptions=tuple(exceptions.get(("sal", sal), ())),
        )
        sites.append((owner, site))
    return Readout(entries, sites)


def build(offer_type: Any) -> TypeIndex:
    """The whole index of one offer type, read from the database."""
    return assemble(offer_type.code, offer_type.pk, read(offer_type.pk))


def hit_state(site: Site, moment: datetime) -> OpenState:
    return open_state(moment, site.weekly, site.exceptions, gemeinde=site.gemeinde_ags)
