"""Hand-made GTFS feeds as zip files, with earliest arrivals that can be checked by hand."""

from __future__ import annotations

import zipfile
from pathlib import Path

# Four stops along a street in Bautzen, about 300 m apart east to west except the last.
# A (14.420, 51.180) -> B (14.440, 51.180) is 1.4 km; C is 100 m east of B; D is far off.
STOPS = """stop_id,stop_name,stop_lat,stop_lon
A,Bautzen Bahnhof,51.180000,14.420000
B,Bautzen Kornmarkt,51.180000,14.440000
C,Bautzen Kornmarkt Ost,51.180000,14.441400
D,Großpostwitz,51.120000,14.440000
"""

AGENCY = """agency_id,agency_name,agency_url,agency_timezone
vb,Testverkehr,https://example.org,Europe/Berlin
"""

ROUTES = """route_id,agency_id,route_short_name,route_type
r1,vb,1,3
r2,vb,2,3
"""

# Weekdays, all of 2026; 2026-12-24 removed for WD by calendar_dates, and a special
# service XMAS added on that day only.
CALENDAR = """service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date
WD,1,1,1,1,1,0,0,20260101,20261231
"""

CALENDAR_DATES = """service_id,date,exception_type
WD,20261224,2
XMAS,20261224,1
"""

TRIPS = """route_id,service_id,trip_id
r1,WD,t1
r2,WD,t2
r2,WD,t3
r1,XMAS,t4
r2,WD,night
"""

# t1 A->B 08:00-08:10; t2 C->D 08:15-08:40 (transfer: walk B->C 100 m);
# t3 C->D 09:15-09:40; t4 A->B 08:30-08:40 on 24 Dec only;
# night C->D 23:50 -> 24:20 (00:20 next day) and on to 25:10 at A.
STOP_TIMES = """trip_id,arrival_time,departure_time,stop_id,stop_sequence
t1,08:00:00,08:00:00,A,1
t1,08:10:00,08:10:00,B,2
t2,08:15:00,08:15:00,C,1
t2,08:40:00,08:40:00,D,2
t3,09:15:00,09:15:00,C,1
t3,09:40:00,09:40:00,D,2
t4,08:30:00,08:30:00,A,1
t4,08:40:00,08:40:00,B,2
night,23:50:00,23:50:00,C,1
night,24:20:00,24:22:00,D,2
night,25:10:00,25:10:00,A,3
"""

FILES = {
    "agency.txt": AGENCY,
    "stops.txt": STOPS,
    "routes.txt": ROUTES,
    "trips.txt": TRIPS,
    "stop_times.txt": STOP_TIMES,
    "calendar.txt": CALENDAR,
    "calendar_dates.txt": CALENDAR_DATES,
}


def write_feed(path: Path, **changes: str | None) -> Path:
    """Write the sample feed to ``path``; ``name_txt="..."`` replaces a file, None drops it."""
    files = dict(FILES)
    for key, text in changes.items():
        name = key.replace("_txt", ".txt")
        if text is None:
            files.pop(name, None)
        else:
            files[name] = text
    with zipfile.ZipFile(path, "w") as zf:
        for name, text in files.items():
            zf.writestr(name, text)
    return path


#: A real feed: DELFI GTFS rows for Saxon bus lines, see data/delfi-sachsen-2024/README.md.
REAL_FEED = Path(__file__).parent / "data" / "delfi-sachsen-2024"


def zip_folder(folder: Path, path: Path) -> Path:
    """Zip the GTFS text files of ``folder`` (README.md left out) to ``path``."""
    with zipfile.ZipFile(path, "w") as zf:
        for member in sorted(folder.glob("*.txt")):
            zf.write(member, member.name)
    return path
