"""The finder's search: nearest published services of one offer type, filtered, with opening state.

The services live in memory per offer type (`index.TypeIndex`, kept current per edit by
`indexes`); a search is a vectorised haversine over the type's sites plus cached filter
masks. Each result names the content digest of the index it was read from, so a page built
from it can be shared until that offer type changes (`pagecache`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from datetime import time as clock_time

import numpy as np

from integrationsatlas.analysis.geo import haversine_m
from integrationsatlas.registry.opening_hours import BERLIN, OpenState, open_state
from integrationsatlas.taxonomy.models import OfferType
from integrationsatlas.taxonomy.target_groups import serves

from . import clock, offer_types, pagecache
from .index import Entry, Site, TypeIndex, hit_state
from .indexes import indexes
from .places import Place

PAGE_SIZE = 10
RADIUS_CHOICES = (5, 10, 25, 50, 100, 200)
DEFAULT_RADIUS = 25


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
    # The content digest of the offer type's index the results come from.
    version: int = 0


def clear_cache() -> None:
    """Forget the indexes, the offer types and the rendered pages built from them (tests)."""
    indexes.clear()
    offer_types.clear()
    pagecache.clear()


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
    index = indexes.get(offer_type)
    moment = at or clock.now()
    local = moment.astimezone(BERLIN)
    changes = [datetime.combine(local.date() + timedelta(days=1), clock_time(0), tzinfo=BERLIN)]
    hits: list[Hit] = []
    nearest_beyond: Hit | None = None
    total = 0
    if len(index.sites):
        distances = haversine_m(place.lon, place.lat, index.lon, index.lat) / 1000.0
        keep = index.filter_mask(filters)
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
        # Nearest first; equal distances by service and site, so every worker (and an index
        # updated per edit) lists the same content in the same order.
        order = candidates[
            np.lexsort(
                (
                    index.site_ids[candidates],
                    index.service_of_site[candidates],
                    distances[candidates],
                )
            )
        ]
        # Keep each service's nearest site only.
        _, first = np.unique(index.service_of_site[order], return_index=True)
        order = order[np.sort(first)]
        inside = order[distances[order] <= radius_km]
        total = len(inside)
        start = (page - 1) * PAGE_SIZE
        for i in inside[start : start + PAGE_SIZE].tolist():
            hits.append(_hit(index, i, float(distances[i]), moment))
        if total == 0 and len(order):
            i = int(order[0])
            nearest_beyond = _hit(index, i, float(distances[i]), moment)
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
        version=index.digest,
    )


def _hit(index: TypeIndex, i: int, distance: float, moment: datetime) -> Hit:
    site = index.sites[i]
    return Hit(index.entry_of(i), site, distance, hit_state(site, moment))


def _change_at(state: OpenState) -> datetime | None:
    """When an open state changes next: closing if open, else the next opening (or never)."""
    return state.closes_at if state.is_open else state.next_opening
