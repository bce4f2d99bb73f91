"""Travel minutes by bus and train for rules: newest feed edition, a window, a file cache.

A rule with ``mode: transit`` is judged by the median travel time over the departures of a
window (e.g. werktags 07:00-09:00 every 10 minutes) on one service day of the newest
imported feed edition: the first day of the window's kind on or after the edition's
reference date (Stand) within its validity, public holidays in Saxony not counting as
werktags. Walking to and from stops and between them as ``analysis.transit.Walking``
(4.5 km/h, detour x1.3, 1,000 m, transfers 400 m). Results are kept as ``.npy`` files under
var/transit/matrices/, keyed by the edition (id and checksum), the window and day, the
horizon, the walking model and hashes of the origin and destination coordinates, so an
assessment repeated on the same data computes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from integrationsatlas.analysis.transit import Timetable, Walking, departures, median_travel_minutes
from integrationsatlas.registry.opening_hours import is_holiday
from integrationsatlas.transit.editions import feed_dir
from integrationsatlas.transit.models import FeedEdition

#: Kinds of day a window can name, and the weekdays (Monday = 0) each takes.
DAYS = {"werktags": (0, 1, 2, 3, 4), "samstags": (5,), "sonntags": (6,)}
_CLOCK = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
WALKING = Walking()
#: The walking model as it enters cache keys and the finder's basis of computation.
WALKING_KEY = [WALKING.speed_m_s, WALKING.detour, WALKING.max_walk_m, WALKING.max_transfer_m]


@dataclass(frozen=True)
class Window:
    """Departures of a window: kind of day, first and last departure (seconds), step."""

    days: str
    start: int
    end: int
    every: int

    @classmethod
    def from_params(cls, window: dict[str, Any]) -> Window:
        """From a rule's ``params.window`` (checked by the standard-set document)."""
        start, end = (_seconds(window[k]) for k in ("from", "to"))
        return cls(str(window["days"]), start, end, int(window["every_minutes"]) * 60)

    def text(self) -> str:
        """'werktags 7–9 Uhr', 'samstags 7:30–9 Uhr'."""
        return f"{self.days} {clock_text(self.start)}–{clock_text(self.end)} Uhr"

    def departures(self) -> np.ndarray:
        return departures(self.start, self.end, self.every)


def _seconds(text: str) -> int:
    match = _CLOCK.match(str(text))
    if match is None:
        raise ValueError(f"{text!r} ist keine Uhrzeit HH:MM")
    return int(match[1]) * 3600 + int(match[2]) * 60


def clock_text(seconds: int) -> str:
    """Seconds after midnight as a clock in running text: '7', '7:30'."""
    hours, minutes = divmod(seconds // 60, 60)
    return f"{hours}" if minutes == 0 else f"{hours}:{minutes:02d}"


def newest_edition() -> FeedEdition | None:
    """The feed edition with the latest reference date (Stand), the newest import on a tie."""
    return FeedEdition.objects.order_by("-reference_date", "-imported_at", "-pk").first()


def service_day(edition: FeedEdition, days: str) -> dt.date | None:
    """The first day of the kind within the edition's validity, from its reference date on
    (then from its first day); None when the feed has no such day."""
    weekdays = DAYS[days]
    for start in (max(edition.reference_date, edition.first_day), edition.first_day):
        day = start
        while day <= edition.last_day:
            if day.weekday() in weekdays and not (days == "werktags" and is_holiday(day)):
                return day
            day += dt.timedelta(days=1)
    return None


def basis(edition: FeedEdition, window: Window) -> str:
    """How explanations name the travel times: 'mit Bus und Bahn, werktags 7–9 Uhr (Median
    der Abfahrten alle 10 Minuten), Fahrplan vvo vom 01.12.2026'."""
    return (
        f"mit Bus und Bahn, {window.text()} (Median der Abfahrten alle "
        f"{window.every // 60} Minuten), {edition.label}"
    )


def _digest(array: np.ndarray) -> str:
    return hashlib.sha256(np.ascontiguousarray(array, dtype=np.float64).tobytes()).hexdigest()


def cache_dir() -> Path:
    return feed_dir() / "matrices"


def search_horizon(max_minutes: float) -> float:
    """How far each departure searches so that medians up to ``max_minutes`` are exact
    (see median_travel_minutes): twice the limit."""
    return 2.0 * float(max_minutes)


_TIMETABLES: dict[tuple[str, dt.date], Timetable] = {}


def day_timetable(edition: FeedEdition, day: dt.date) -> Timetable:
    """The day's timetable, read once per process and edition."""
    key = (edition.sha256, day)
    if key not in _TIMETABLES:
        _TIMETABLES.clear()  # one feed day at a time: a Land's timetable is large
        # Here, not at the top: the finder's pages import this module for clock_text, and
        # reading a feed (pandas, partridge) is needed only when minutes are computed.
        from integrationsatlas.transit.gtfs import read_timetable

        _TIMETABLES[key] = read_timetable(feed_dir() / edition.file_name, day)[0]
    return _TIMETABLES[key]


def travel_minutes(
    edition: FeedEdition,
    window: Window,
    day: dt.date,
    max_minutes: float,
    origin_xy: np.ndarray,
    dest_xy: np.ndarray,
) -> tuple[np.ndarray, bool]:
    """Median minutes (origins x destinations) over the window's departures on ``day``;
    inf = not reachable within twice ``max_minutes`` (the search horizon; medians up to
    ``max_minutes`` are exact, see median_travel_minutes). Returns (minutes, from cache)."""
    horizon = search_horizon(max_minutes)
    key = {
        "edition": edition.pk,
        "sha256": edition.sha256,
        "window": [window.days, window.start, window.end, window.every],
        "day": day.isoformat(),
        "horizon": horizon,
        "walking": WALKING_KEY,
        "origins": _digest(origin_xy),
        "destinations": _digest(dest_xy),
    }
    name = hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()
    path = cache_dir() / f"{name}.npy"
    if path.exists():
        cached = np.load(path)
        if cached.shape == (origin_xy.shape[0], dest_xy.shape[0]):
            return cached, True
    if origin_xy.shape[0] == 0 or dest_xy.shape[0] == 0:
        minutes = np.full((origin_xy.shape[0], dest_xy.shape[0]), np.inf)
    else:
        tt = day_timetable(edition, day)
        minutes = median_travel_minutes(
            tt, origin_xy, dest_xy, window.departures(), WALKING, max_minutes=horizon
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".part.npy")
    np.save(partial, minutes)
    partial.replace(path)  # whole files only, even when two runs write at once
    return minutes, False
