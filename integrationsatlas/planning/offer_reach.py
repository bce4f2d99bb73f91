"""Minutes by bus and train from every Gemeinde to one offer's site(s), for a chosen window.

Uses the newest feed edition and the cached router (transit.matrix.travel_minutes: the same
median over the window's departures, walking model and file cache as the assessments), so
asking twice for the same offer and window computes nothing. Nothing is computed during a
feed import. The figures and their labels are kept together (OfferReach.labels) for the
page and the CSV alike.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from integrationsatlas.analysis.geo import to_metric
from integrationsatlas.analysis.reach_bands import bands_for, nearest_transit_minutes
from integrationsatlas.regions.models import Region
from integrationsatlas.registry.models import Service, ServiceAtLocation
from integrationsatlas.transit.matrix import (
    DAYS,
    Window,
    newest_edition,
    service_day,
    travel_minutes,
)
from integrationsatlas.transit.models import FeedEdition

#: The view's largest band: minutes up to it are exact (the router searches twice as far).
LIMIT_MINUTES = 120.0
BANDS = bands_for(LIMIT_MINUTES)
#: Departures every 10 minutes within the chosen window, as the example standard sets.
EVERY_MINUTES = 10
DEFAULT_WINDOW = {"days": "werktags", "from": "07:00", "to": "09:00"}


def window_params(data: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """(window params for transit.matrix.Window, problems), from the form's ``tage``,
    ``von``, ``bis``; a missing or wrong value takes DEFAULT_WINDOW's and is named in the
    problems ("days", "clock", "order")."""
    params = {
        "days": data.get("tage") or DEFAULT_WINDOW["days"],
        "from": data.get("von") or DEFAULT_WINDOW["from"],
        "to": data.get("bis") or DEFAULT_WINDOW["to"],
        "every_minutes": EVERY_MINUTES,
    }
    problems = []
    if params["days"] not in DAYS:
        params["days"] = DEFAULT_WINDOW["days"]
        problems.append("days")
    try:
        window = Window.from_params(params)
    except ValueError:
        problems.append("clock")
    else:
        if window.end >= window.start:
            return params, problems
        problems.append("order")
    return params | {k: DEFAULT_WINDOW[k] for k in ("from", "to")}, problems


@dataclass
class OfferReach:
    """Minutes per Gemeinde (None = more than LIMIT_MINUTES or not reachable) and labels."""

    service: Service
    window: Window
    edition: FeedEdition | None = None
    day: dt.date | None = None
    sites: int = 0
    minutes: dict[str, float | None] = field(default_factory=dict)
    #: Gemeinde key -> (name, Kreis name).
    places: dict[str, tuple[str, str]] = field(default_factory=dict)
    from_cache: bool = False
    seconds: float = 0.0

    @property
    def ready(self) -> bool:
        return self.edition is not None and self.day is not None and self.sites > 0


def site_points(service: Service) -> np.ndarray:
    """(k, 2) lon/lat of the offer's sites with coordinates, each place once."""
    coords = ServiceAtLocation.objects.filter(
        service=service,
        location__longitude__isnull=False,
        location__latitude__isnull=False,
    ).values_list("location__longitude", "location__latitude")
    points = np.array(sorted(set(coords)), dtype=np.float64).reshape(-1, 2)
    return points


def _gemeinden() -> tuple[list[str], np.ndarray, dict[str, tuple[str, str]]]:
    kreise = dict(Region.objects.filter(level=Region.Level.KREIS).values_list("ags", "name"))
    rows = list(
        Region.objects.filter(
            level=Region.Level.GEMEINDE, point_lon__isnull=False, point_lat__isnull=False
        )
        .order_by("ags")
        .values_list("ags", "name", "parent_id", "point_lon", "point_lat")
    )
    lonlat = np.array([(r[3], r[4]) for r in rows], dtype=np.float64).reshape(-1, 2)
    places = {r[0]: (r[1], kreise.get(r[2] or "", "")) for r in rows}
    return [r[0] for r in rows], lonlat, places


def offer_reach(service: Service, window_data: dict[str, Any]) -> OfferReach:
    """Minutes from every Gemeinde's point to the nearest of the offer's sites."""
    window = Window.from_params(window_data)
    out = OfferReach(service=service, window=window, edition=newest_edition())
    sites = site_points(service)
    out.sites = int(sites.shape[0])
    if out.edition is None:
        return out
    out.day = service_day(out.edition, window.days)
    if not out.ready:
        return out
    assert out.day is not None and out.edition is not None
    keys, lonlat, out.places = _gemeinden()
    started = time.perf_counter()
    matrix, out.from_cache = travel_minutes(
        out.edition,
        window,
        out.day,
        LIMIT_MINUTES,
        to_metric(lonlat[:, 0], lonlat[:, 1]),
        to_metric(sites[:, 0], sites[:, 1]),
    )
    out.seconds = time.perf_counter() - started
    nearest = nearest_transit_minutes(matrix)
    out.minutes = {
        key: float(m) if m <= LIMIT_MINUTES else None
        for key, m in zip(keys, nearest.tolist(), strict=True)
    }
    return out


def labels(reach: OfferReach) -> dict[str, str]:
    """The labels every figure of the offer carries (German data text, as the exports'):
    offer, source, window, feed, Stand, service day."""
    edition, window = reach.edition, reach.window
    return {
        "offer": f"{reach.service.name} (Nr. {reach.service.pk})",
        "source": (
            f"{edition.source}, Lizenz {edition.licence}; Fußwege bis 1.000 m; "
            "Berechnung Integrationsatlas"
            if edition
            else ""
        ),
        "window": (
            f"{window.text()}, Median der Abfahrten alle {window.every // 60} Minuten"
            + (f", Verkehrstag {reach.day:%d.%m.%Y}" if reach.day else "")
        ),
        "feed": edition.name if edition else "",
        "stand": f"{edition.reference_date:%d.%m.%Y}" if edition else "",
        "demo": "Demodaten" if reach.service.is_demo else "keine Demodaten",
    }
