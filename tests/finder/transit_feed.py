"""A hand-made GTFS feed around Bautzen whose travel minutes are known by hand.

Two lines run every 10 minutes 06:00-11:00 on weekdays: from stop A at Bautzen's Gemeinde
point and from stop P at the point of postal code 02625, both to stop D (A in 25 minutes, P
in 35); a line from D to E leaves at every arrival from A and takes 70 minutes.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from integrationsatlas.regions.models import PostalCode, Region
from tests.transit.feeds import AGENCY

BAUTZEN = "14625020"
D = (14.44, 51.12)
E = (14.60, 51.10)
CALENDAR = (
    "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\n"
    "WD,1,1,1,1,1,0,0,20260101,20261231\n"
)


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}:00"


def bautzen_feed(path: Path) -> Path:
    """Write the feed (stops placed on the loaded regions' points) to ``path``."""
    gemeinde = Region.objects.get(ags=BAUTZEN)
    postal = PostalCode.objects.get(code="02625")
    points = {
        "A": (gemeinde.point_lon, gemeinde.point_lat),
        "P": (postal.lon, postal.lat),
        "D": D,
        "E": E,
    }
    stops = ["stop_id,stop_name,stop_lat,stop_lon"]
    stops += [f"{name},{name},{lat},{lon}" for name, (lon, lat) in points.items()]
    trips = ["route_id,service_id,trip_id"]
    times = ["trip_id,arrival_time,departure_time,stop_id,stop_sequence"]
    lines = (("a", "A", "D", 0, 25), ("p", "P", "D", 0, 35), ("d", "D", "E", 25, 70))
    for start in range(6 * 60, 11 * 60, 10):
        for line, first, last, after, ride in lines:
            trip, leave = f"{line}{start}", start + after
            trips.append(f"r,WD,{trip}")
            times.append(f"{trip},{_clock(leave)},{_clock(leave)},{first},1")
            times.append(f"{trip},{_clock(leave + ride)},{_clock(leave + ride)},{last},2")
    files = {
        "agency.txt": AGENCY,
        "stops.txt": "\n".join(stops) + "\n",
        "routes.txt": "route_id,agency_id,route_short_name,route_type\nr,vb,1,3\n",
        "trips.txt": "\n".join(trips) + "\n",
        "stop_times.txt": "\n".join(times) + "\n",
        "calendar.txt": CALENDAR,
    }
    with zipfile.ZipFile(path, "w") as zf:
        for name, text in files.items():
            zf.writestr(name, text)
    return path
