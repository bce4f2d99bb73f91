"""Precompute the finder's travel minutes by bus and train: every place a search starts from
to every site, stored per feed edition, so a search only reads them.

Origins are the points the finder searches from by place: each Gemeinde's representative
point and each postal code's point (regions app). Destinations are the locations of the
published, active services. Minutes are the median over the departures of the standard
window (settings.FINDER_TRANSIT_WINDOW, werktags 07:00-09:00 every 10 minutes) on the
edition's service day (``matrix.service_day``), walking as ``matrix.WALKING``, rounded up
to whole minutes; only pairs within settings.FINDER_TRANSIT_MAX_MINUTES (90) are stored.

A run is incremental: only locations that are new or have moved since the last run are
computed, locations no longer used are dropped. When anything else the minutes depend on
changes (feed, day, window, limit, walking, the origins' points), every location is
computed anew.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from integrationsatlas.analysis.geo import to_metric
from integrationsatlas.analysis.transit import Timetable, median_travel_minutes
from integrationsatlas.regions.models import PostalCode, Region
from integrationsatlas.registry.models import Location, Service
from integrationsatlas.transit import lease
from integrationsatlas.transit.errors import FeedError
from integrationsatlas.transit.matrix import (
    DAYS,
    WALKING,
    WALKING_KEY,
    Window,
    day_timetable,
    newest_edition,
    search_horizon,
    service_day,
)
from integrationsatlas.transit.models import (
    FeedEdition,
    FinderTime,
    FinderTimesRun,
    FinderTimesSite,
)

_RUN_FIELDS = ["day", "basis", "max_minutes", "window_days", "window_start", "window_end",
               "window_every", "finished_at"]  # fmt: skip
#: Locations computed and written together, and origins routed together.
SITE_CHUNK = 2000
ORIGIN_BATCH = 128


@dataclass(frozen=True)
class Summary:
    edition: str
    day: str
    full: bool
    origins: int
    sites: int
    computed: int
    removed: int
    pairs: int
    seconds: float


def standard_window() -> Window:
    """The window of settings.FINDER_TRANSIT_WINDOW, "DAYS HH:MM-HH:MM EVERY_MINUTES"."""
    text = str(settings.FINDER_TRANSIT_WINDOW)
    try:
        days, span, every = text.split()
        start, end = span.split("-")
        window = Window.from_params(
            {"days": days, "from": start, "to": end, "every_minutes": every}
        )
    except ValueError as exc:
        raise FeedError(
            f"FINDER_TRANSIT_WINDOW '{text}': erwartet z. B. 'werktags 07:00-09:00 10'."
        ) from exc
    if window.days not in DAYS or window.end < window.start or window.every <= 0:
        raise FeedError(f"FINDER_TRANSIT_WINDOW '{text}': Tage {'/'.join(DAYS)}, Beginn <= Ende.")
    return window


def origin_points() -> tuple[list[str], np.ndarray]:
    """Keys (AGS of a Gemeinde, or a postal code) and lon/lat of every search origin."""
    gemeinden = Region.objects.filter(level=Region.Level.GEMEINDE, point_lon__isnull=False)
    rows = list(gemeinden.order_by("ags").values_list("ags", "point_lon", "point_lat"))
    rows += list(PostalCode.objects.order_by("code").values_list("code", "lon", "lat"))
    return [r[0] for r in rows], np.array([r[1:] for r in rows], float).reshape(-1, 2)


def site_points() -> dict[int, tuple[float, float]]:
    """lon/lat of every location of a published, active service."""
    services = Service.public.filter(status=Service.Status.ACTIVE)
    rows = Location.objects.filter(service_at_locations__service__in=services).values_list(
        "id", "longitude", "latitude"
    )
    return {pk: (lon, lat) for pk, lon, lat in rows.distinct()}


def _basis(
    edition: FeedEdition, day: str, window: Window, keys: list[str], lonlat: np.ndarray
) -> str:
    parts = {
        "feed": edition.sha256,
        "day": day,
        "window": [window.days, window.start, window.end, window.every],
        "max_minutes": int(settings.FINDER_TRANSIT_MAX_MINUTES),
        "walking": WALKING_KEY,
        "origins": keys,
        "points": hashlib.sha256(np.ascontiguousarray(lonlat).tobytes()).hexdigest(),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def _run_of(edition: FeedEdition, window: Window) -> FinderTimesRun:
    fields = {
        "window_days": window.days,
        "window_start": window.start,
        "window_end": window.end,
        "window_every": window.every,
        "max_minutes": int(settings.FINDER_TRANSIT_MAX_MINUTES),
    }
    try:
        with transaction.atomic():
            run, _created = FinderTimesRun.objects.get_or_create(edition=edition, defaults=fields)
    except IntegrityError:  # another command created it a moment ago
        run = FinderTimesRun.objects.get(edition=edition)
    return run


def compute(
    edition: FeedEdition | None = None,
    *,
    full: bool = False,
    say: Callable[[str], None] = lambda text: None,
) -> Summary:
    """Compute the finder's minutes for the edition (default: the newest) and store them.

    Raises :class:`lease.AlreadyRunning` when another command is computing them, and
    :class:`FeedError` without a feed or without a day of the window's kind in it.
    """
    started = time.monotonic()
    edition = edition or newest_edition()
    if edition is None:
        raise FeedError("Kein Fahrplan importiert (integrationsatlas transit import).")
    window = standard_window()
    day = service_day(edition, window.days)
    if day is None:
        raise FeedError(f"{edition.label}: kein Verkehrstag der Art '{window.days}'.")
    keys, lonlat = origin_points()
    basis = _basis(edition, day.isoformat(), window, keys, lonlat)
    run = _run_of(edition, window)
    token = lease.acquire(run.pk)
    try:
        full = full or run.basis != basis or run.day != day
        run.day, run.basis = day, basis
        run.max_minutes = int(settings.FINDER_TRANSIT_MAX_MINUTES)
        run.window_days, run.window_start = window.days, window.start
        run.window_end, run.window_every = window.end, window.every
        current = site_points()
        rows = run.sites.values_list("location_id", "lon", "lat")
        known = {pk: (lon, lat) for pk, lon, lat in rows}
        todo = sorted(pk for pk, point in current.items() if full or known.get(pk) != point)
        removed = [pk for pk in known if pk not in current]
        run.sites.filter(location_id__in=removed).delete()
        say(
            f"{edition.label}, {day:%d.%m.%Y}: {len(todo)} von {len(current)} Standorten zu rechnen."
        )
        pairs = 0
        if todo and keys:
            tt = day_timetable(edition, day)
            origin_xy = to_metric(lonlat[:, 0], lonlat[:, 1])
            renew = lambda: lease.renew(run.pk, token)  # noqa: E731
            for done, chunk in _chunks(todo, SITE_CHUNK):
                pairs += _compute_chunk(run, tt, window, keys, origin_xy, chunk, current, renew)
                say(f"  {done} von {len(todo)}: {pairs} Verbindungen bis {run.max_minutes} Min.")
        lease.renew(run.pk, token)
        run.finished_at = timezone.now()
        run.save(update_fields=_RUN_FIELDS)
        _drop_other_runs(run)
    finally:
        lease.release(run.pk, token)
    return Summary(
        edition=edition.name,
        day=day.isoformat(),
        full=full,
        origins=len(keys),
        sites=len(current),
        computed=len(todo),
        removed=len(removed),
        pairs=pairs,
        seconds=time.monotonic() - started,
    )


def _chunks(items: list[int], size: int) -> Iterator[tuple[int, list[int]]]:
    """Parts of ``items``, each with the number of items up to and including it."""
    for lo in range(0, len(items), size):
        part = items[lo : lo + size]
        yield lo + len(part), part


def _compute_chunk(
    run: FinderTimesRun,
    tt: Timetable,
    window: Window,
    keys: list[str],
    origin_xy: np.ndarray,
    chunk: list[int],
    points: dict[int, tuple[float, float]],
    renew: Callable[[], None],
) -> int:
    """Route every origin to the chunk's locations and replace their rows; the pair count."""
    lonlat = np.array([points[pk] for pk in chunk], float)
    dest_xy = to_metric(lonlat[:, 0], lonlat[:, 1])
    horizon = search_horizon(run.max_minutes)
    minutes = np.empty((len(keys), len(chunk)))
    for lo in range(0, len(keys), ORIGIN_BATCH):
        renew()
        minutes[lo : lo + ORIGIN_BATCH] = median_travel_minutes(
            tt,
            origin_xy[lo : lo + ORIGIN_BATCH],
            dest_xy,
            window.departures(),
            WALKING,
            max_minutes=horizon,
        )
    renew()
    origin_i, site_i = np.nonzero(minutes <= run.max_minutes)
    whole = np.maximum(1, np.ceil(minutes[origin_i, site_i])).astype(int)
    with transaction.atomic():
        run.sites.filter(location_id__in=chunk).delete()
        sites = FinderTimesSite.objects.bulk_create(
            FinderTimesSite(run=run, location_id=pk, lon=lon, lat=lat)
            for pk, (lon, lat) in zip(chunk, lonlat.tolist(), strict=True)
        )
        FinderTime.objects.bulk_create(
            (
                FinderTime(site_id=sites[s].pk, origin=keys[o], minutes=m)
                for o, s, m in zip(origin_i.tolist(), site_i.tolist(), whole.tolist(), strict=True)
            ),
            batch_size=5000,
        )
    return int(origin_i.size)


def _drop_other_runs(run: FinderTimesRun) -> None:
    """Once the newest edition's run is finished, older editions' minutes are never read:
    drop them (unless a command is still computing one)."""
    newest = newest_edition()
    if newest is None or newest.pk != run.edition_id:
        return
    others = FinderTimesRun.objects.exclude(pk=run.pk)
    others.exclude(locked_until__gte=timezone.now()).delete()
