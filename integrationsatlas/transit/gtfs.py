"""Read and check a GTFS feed (zip) with partridge, and turn one service day into engine input."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import warnings
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import partridge as ptg

from integrationsatlas.analysis.geo import to_metric
from integrationsatlas.analysis.transit import Timetable, build_timetable
from integrationsatlas.transit.errors import FeedError

#: Files the GTFS reference requires; calendar.txt or calendar_dates.txt must be there too.
REQUIRED = ("agency.txt", "stops.txt", "routes.txt", "trips.txt", "stop_times.txt")
CALENDARS = ("calendar.txt", "calendar_dates.txt")
DAY = 86_400
_TIME = re.compile(r"^\s*\d{1,3}:[0-5]\d:[0-5]\d\s*$")


@contextmanager
def _quiet() -> Iterator[None]:
    """partridge 1.1 calls DataFrame.rename(inplace=True), which pandas 3.1 deprecates:
    the warning is about partridge, not the feed, so users should not see it."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="The inplace keyword")
        yield


@dataclass(frozen=True)
class FeedSummary:
    """What a checked feed holds: counts and the first and last day with service."""

    stops: int
    trips: int
    first_day: dt.date
    last_day: dt.date
    publisher: str


def check_feed(path: Path) -> FeedSummary:
    """Check a GTFS zip and summarise it, or raise :class:`FeedError`.

    Checked: a readable zip, the required files, at least one day with service (calendar
    and calendar_dates exceptions applied by partridge), times as H:MM:SS (hours past 24
    are allowed, GTFS counts them from the service day's noon minus 12 h), every trip with
    at least two timed stops and times that never run backwards, every stop used with
    coordinates.
    """
    names = _names(path)
    missing = [n for n in REQUIRED if n not in names]
    if not any(n in names for n in CALENDARS):
        missing.append("calendar.txt oder calendar_dates.txt")
    if missing:
        raise FeedError(f"{path.name}: Datei fehlt im GTFS-Feed: {', '.join(missing)}.")
    days = _service_days(path)
    if not days:
        raise FeedError(
            f"{path.name}: Laut calendar.txt/calendar_dates.txt fährt an keinem Tag etwas."
        )
    feed = _load(path, None)
    events = _events(path, feed, _stop_xy(path, feed.stops))
    return FeedSummary(
        stops=int(len(feed.stops)),
        trips=int(events["trip_id"].nunique()),
        first_day=min(days),
        last_day=max(days),
        publisher=_publisher(path, names),
    )


def _names(path: Path) -> set[str]:
    try:
        with zipfile.ZipFile(path) as zf:
            return {Path(n).name for n in zf.namelist()}
    except (zipfile.BadZipFile, OSError) as exc:
        raise FeedError(f"{path.name}: keine lesbare ZIP-Datei ({exc}).") from exc


def _service_days(path: Path) -> dict[dt.date, frozenset[str]]:
    try:
        with _quiet():
            return dict(ptg.read_service_ids_by_date(str(path)))
    except (ValueError, KeyError) as exc:
        raise FeedError(f"{path.name}: calendar.txt/calendar_dates.txt unlesbar ({exc}).") from exc


def _load(path: Path, service_ids: frozenset[str] | None) -> ptg.gtfs.Feed:
    """The feed (trips of these services only), with stops and stop_times read now.

    partridge reads lazily and parses times while pruning stops, so a broken time
    surfaces here; it is located again for a message naming the row.
    """
    view = None if service_ids is None else {"trips.txt": {"service_id": service_ids}}
    feed = ptg.load_feed(str(path), view=view)
    try:
        with _quiet():
            feed.stops, feed.trips, feed.stop_times  # noqa: B018 (read and cache the tables)
    except (ValueError, TypeError, AttributeError) as exc:
        raise FeedError(_bad_time(path)) from exc
    except KeyError as exc:
        raise FeedError(f"{path.name}: Pflichtspalte fehlt: {exc}.") from exc
    return feed


def _stop_xy(path: Path, stops: pd.DataFrame) -> pd.DataFrame:
    lat = pd.to_numeric(stops["stop_lat"], errors="coerce")
    lon = pd.to_numeric(stops["stop_lon"], errors="coerce")
    ok = lat.between(-90, 90) & lon.between(-180, 180)
    xy = to_metric(lon.where(ok).to_numpy(float), lat.where(ok).to_numpy(float))
    return pd.DataFrame({"x": xy[:, 0], "y": xy[:, 1]}, index=stops["stop_id"].to_numpy())


def _events(path: Path, feed: ptg.gtfs.Feed, stop_xy: pd.DataFrame) -> pd.DataFrame:
    """stop_times checked and sorted, missing intermediate times interpolated by position."""
    try:
        st = feed.stop_times[
            ["trip_id", "stop_id", "stop_sequence", "arrival_time", "departure_time"]
        ]
    except KeyError as exc:
        raise FeedError(f"{path.name}: stop_times.txt, Spalte fehlt: {exc}.") from exc
    st = st.sort_values(["trip_id", "stop_sequence"], kind="stable").reset_index(drop=True)
    unknown = ~st["stop_id"].isin(stop_xy.index)
    if unknown.any():
        row = st[unknown].iloc[0]
        raise FeedError(
            f"{path.name}: stop_times.txt, Fahrt {row.trip_id}: Haltestelle {row.stop_id} "
            "fehlt in stops.txt."
        )
    no_xy = stop_xy["x"].isna().reindex(st["stop_id"]).to_numpy()
    if no_xy.any():
        stop = st["stop_id"][no_xy].iloc[0]
        raise FeedError(f"{path.name}: stops.txt, Haltestelle {stop}: keine gültigen Koordinaten.")
    arr = st["arrival_time"].fillna(st["departure_time"])
    dep = st["departure_time"].fillna(st["arrival_time"])
    st = st.assign(arrival_time=arr, departure_time=dep)
    return _interpolate_and_check(path, st)


def _interpolate_and_check(path: Path, st: pd.DataFrame) -> pd.DataFrame:
    trip = st["trip_id"]
    # Vectorised over the whole table: a national feed has millions of trips.
    first = trip.ne(trip.shift())
    last = trip.ne(trip.shift(-1))
    untimed_end = (first | last) & st["arrival_time"].isna()
    if untimed_end.any():
        raise FeedError(
            f"{path.name}: stop_times.txt, Fahrt {trip[untimed_end].iloc[0]}: erste und "
            "letzte Haltestelle brauchen eine Zeit."
        )
    if st["arrival_time"].isna().any():
        # Stops without times (no timepoints) get times in proportion to their position;
        # trip ends are timed, so interpolating the whole column stays inside each trip.
        for col in ("arrival_time", "departure_time"):
            st[col] = st[col].interpolate(limit_area="inside")
    nxt_arr = st["arrival_time"].shift(-1).where(~last)
    backwards = (st["departure_time"] < st["arrival_time"]) | (nxt_arr < st["departure_time"])
    if backwards.any():
        row = st[backwards].iloc[0]
        raise FeedError(
            f"{path.name}: stop_times.txt, Fahrt {row.trip_id}, stop_sequence "
            f"{row.stop_sequence}: Zeiten laufen rückwärts."
        )
    return st


def _bad_time(path: Path) -> str:
    """Find the first time that partridge could not read, for a message naming the row."""
    with zipfile.ZipFile(path) as zf:
        member = next(n for n in zf.namelist() if Path(n).name == "stop_times.txt")
        with zf.open(member) as fh:
            reader = csv.DictReader(io.TextIOWrapper(fh, encoding="utf-8-sig"))
            for line, row in enumerate(reader, start=2):
                for col in ("arrival_time", "departure_time"):
                    value = (row.get(col) or "").strip()
                    if value and not _TIME.match(value):
                        return (
                            f"{path.name}: stop_times.txt, Zeile {line}, {col}: "
                            f"'{value[:40]}' ist keine Zeit im Format HH:MM:SS."
                        )
    return f"{path.name}: stop_times.txt ist unlesbar."


def _publisher(path: Path, names: set[str]) -> str:
    if "feed_info.txt" not in names:
        return ""
    with _quiet():
        info = ptg.load_raw_feed(str(path)).feed_info
    return str(info["feed_publisher_name"].iloc[0]) if len(info) else ""


def read_timetable(path: Path, day: dt.date) -> tuple[Timetable, int]:
    """The timetable for trips that run on ``day``, on that day's clock, and its trip count.

    Trips of the previous service day that run past midnight (times >= 24:00) are moved
    back by 24 h, those of the next day forward, so a late departure finds both.
    """
    days = _service_days(path)
    offsets = {-1: day - dt.timedelta(days=1), 0: day, 1: day + dt.timedelta(days=1)}
    active = {k: days.get(d, frozenset()) for k, d in offsets.items()}
    feed = _load(path, frozenset().union(*active.values()))
    stop_xy = _stop_xy(path, feed.stops)
    events = _events(path, feed, stop_xy)
    service = feed.trips.set_index("trip_id")["service_id"]
    parts = []
    for offset, ids in active.items():
        trips = service.index[service.isin(ids)]
        part = events[events["trip_id"].isin(trips)]
        parts.append(part.assign(shift=offset * DAY, copy_key=offset))
    ev = pd.concat(parts, ignore_index=True) if parts else events.iloc[:0]
    trip_key = pd.factorize(ev["trip_id"].astype(str) + "@" + ev["copy_key"].astype(str))[0]
    stop_index = pd.Index(stop_xy.index)
    tt = build_timetable(
        stop_xy[["x", "y"]].to_numpy(float),
        trip_key,
        stop_index.get_indexer(ev["stop_id"]),
        (ev["arrival_time"] + ev["shift"]).to_numpy(np.int64),
        (ev["departure_time"] + ev["shift"]).to_numpy(np.int64),
    )
    return tt, int(len(np.unique(trip_key)))
