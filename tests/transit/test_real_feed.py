"""A real feed: DELFI GTFS rows of Saxon bus lines (tests/transit/data/delfi-sachsen-2024/).

Imported with `transit import`, asked with `transit time` and used by a `mode: transit`
reach rule. Every expected value is read off the timetable rows by hand (comments below);
the product computes it from the same rows. No download: the rows ship with the tests.
"""

from __future__ import annotations

import io

import numpy as np
import pytest
from django.core.management import call_command

from integrationsatlas.assessments.engine_input import build_engine_input
from integrationsatlas.assessments.run import run_assessment
from integrationsatlas.standards.sets import import_document
from integrationsatlas.transit.models import FeedEdition
from tests.standards.test_assess import make_service
from tests.transit.feeds import REAL_FEED, zip_folder
from tests.transit.test_transit_rules import transit_set

pytestmark = pytest.mark.django_db

SOURCE = (
    "DELFI e.V., Deutschlandweite Sollfahrplandaten (GTFS), Stand August 2024; Auszug aus "
    "motis-project/nigiri test/rt/vdv_test.cc@0112257"
)
LICENCE = "CC BY 4.0, Datenquelle: DELFI e.V."
NAME = "delfi-sachsen-2024"

# Stop coordinates (lat,lon) exactly as in stops.txt: an origin or destination on a stop
# walks 0 m to it, so the answer is the timetable time itself, unless a nearer-in-time stop
# within 1,000 m (4.5 km/h, detour x1.3) does better, which is checked case by case below.
SEBNITZ_BUSBAHNHOF = "50.967195,14.270646"  # de:14628:3921:0:4, line 261 seq 0, 16:15
DRESDEN_HBF = "51.039727,13.733767"  # de:14612:28:2:6, line 261 seq 40, arr 17:53
ANTON_LEIPZIGER = "51.064082,13.736939"  # de:14612:17:2:9, EV 11 seq 18, arr 17:52
BAUTZEN_ZOB_501 = "51.177423,14.433843"  # de:14625:7501:0:4, line 501 seq 0, 10:04
MUECKA_BAHNHOF = "51.319683,14.704622"  # de:14626:8468:5:2, line 501 seq 22, arr 10:51
RADIBOR_SCHULE = "51.241956,14.395619"  # de:14625:7776:0:2, line 707 seq 7, 12:33
KOENIGSWARTHA_KIRCHPLATZ = "51.309672,14.328452"  # de:14625:7733:0:2, line 712 seq 19, 18:45


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("transit", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def edition(tmp_path, settings):
    settings.VAR_DIR = tmp_path / "var"
    path = zip_folder(REAL_FEED, tmp_path / f"{NAME}.zip")
    out = run("import", str(path), "--source", SOURCE, "--licence", LICENCE, "--date", "2024-08-19")
    # 14 trips; 342 stops used by stop_times.txt (of 378 rows in stops.txt); first day with
    # service Tue 06.08.2024: every service is excepted on Mon 05.08. and all but 15050
    # (Sv270, Mon-Fri from 29.07., excepted 29.07.-02.08. and 05.08.) on 06.08.; last day
    # 14.12.2024 (end_date of every calendar row).
    assert out.startswith(
        f"Fahrplan-Ausgabe '{NAME}' importiert: 342 Haltestellen, 14 Fahrten, "
        "Verkehrstage 06.08.2024-14.12.2024, Stand 19.08.2024"
    )
    return FeedEdition.objects.get(name=NAME)


def time(origin: str, dest: str, date: str, depart: str) -> str:
    return run(
        "time", "--feed", NAME, "--from", origin, "--to", dest, "--date", date, "--depart", depart
    )


def test_import_keeps_source_licence_and_date(edition):
    assert edition.source == SOURCE
    assert edition.licence == LICENCE
    assert edition.reference_date.isoformat() == "2024-08-19"
    listing = run("list")
    assert f"{NAME}\t2024-08-19\t2024-08-06..2024-12-14" in listing
    assert "Datenquelle: DELFI e.V." in listing


def test_bus_261_sebnitz_to_dresden_on_a_monday(edition):
    # Trip 2593414015 (261, service 1171 Mon-Fri 05.08.-14.12.2024; 19.08. not excepted):
    # Sebnitz Busbahnhof dep 16:15 -> Dresden Hauptbahnhof arr 17:53. Depart 16:10 ->
    # 17:53 = 103 minutes. The stop before, Walpurgisstraße (arr 17:50), is ~510 m away:
    # 510 m x 1.3 / 1.25 m/s = 9 min on foot, 17:59, later.
    out = time(SEBNITZ_BUSBAHNHOF, DRESDEN_HBF, "2024-08-19", "16:10")
    assert out.startswith("Ankunft 17:53, 103 Minuten")
    assert f"Fahrplan {NAME} vom 19.08.2024" in out
    # 16:16 misses the only trip of the day (dep 16:15; Sebnitz Schandauer Straße, dep
    # 16:16, is 190 m off, 3.3 min on foot): `transit time` also searches the next service
    # day, whose 261 arrives 17:53 on Tuesday: 24 h + 1 h 37 min = 1537 minutes.
    assert time(SEBNITZ_BUSBAHNHOF, DRESDEN_HBF, "2024-08-19", "16:16").startswith(
        "Ankunft 17:53 (+1 Tag), 1537 Minuten"
    )


NEXT_DAY = "Ankunft 17:53 (+1 Tag), 1543 Minuten"  # 24 h + 103 minutes


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        ("2024-10-24", "Ankunft 17:53, 103 Minuten"),  # an ordinary Thursday
        # Reformationstag (Thu), excepted by calendar_dates 1171,20241031,2: no 261 that
        # day; the next one runs on Friday 01.11. (not excepted).
        ("2024-10-31", NEXT_DAY),
        ("2024-10-03", NEXT_DAY),  # Tag der Deutschen Einheit (Thu): 1171,20241003,2
        ("2024-11-20", NEXT_DAY),  # Buß- und Bettag (Wed): 1171,20241120,2
        # Saturday: calendar 1171 has saturday=0 and sunday=0, so neither day has a 261.
        ("2024-08-24", "nicht erreichbar"),
        # Monday after end_date 20241214: nothing that day nor the next.
        ("2024-12-16", "nicht erreichbar"),
    ],
)
def test_bus_261_follows_the_calendar(edition, date, expected):
    assert time(SEBNITZ_BUSBAHNHOF, DRESDEN_HBF, date, "16:10").startswith(expected)


def test_bus_501_bautzen_to_muecka_runs_on_saturdays(edition):
    # Trip 2593399129 (501, service 1194 Mon-Sat): Bautzen August-Bebel-Pl (ZOB) dep 10:04
    # -> Mücka Bahnhof arr 10:51. Depart 10:00 -> 51 minutes. Mücka Schule (arr 10:49) is
    # ~525 m from Mücka Bahnhof: 9 min on foot, 10:58, later.
    assert time(BAUTZEN_ZOB_501, MUECKA_BAHNHOF, "2024-08-24", "10:00").startswith(
        "Ankunft 10:51, 51 Minuten"
    )
    assert time(BAUTZEN_ZOB_501, MUECKA_BAHNHOF, "2024-08-19", "10:00").startswith(
        "Ankunft 10:51, 51 Minuten"
    )
    # Saturday 10.08.2024 is excepted (1194,20240810,2) and Sundays are 0 in calendar.txt:
    # nothing that day nor the next.
    assert time(BAUTZEN_ZOB_501, MUECKA_BAHNHOF, "2024-08-10", "10:00").startswith(
        "nicht erreichbar"
    )
    # Sunday 25.08.: the next 501 is Monday's, 24 h + 51 minutes.
    assert time(BAUTZEN_ZOB_501, MUECKA_BAHNHOF, "2024-08-25", "10:00").startswith(
        "Ankunft 10:51 (+1 Tag), 1491 Minuten"
    )


def test_transfer_from_bus_261_to_ev_11(edition):
    # Anton-/Leipziger Str. is served only by EV 11 (trip 2593425252, 1171): Bühlau 17:24 ...
    # Angelikastraße dep 17:37 ... Anton-/Leipziger Str. arr 17:52. Bus 261 reaches
    # Angelikastraße (same stop de:14612:294:1:1) at 17:36, so the change works with a
    # minute to spare: 17:52, 102 minutes from 16:10. Without EV 11 the best is 261 to
    # Albertplatz (arr 17:44) and ~690 m on foot (12 min): 17:56.
    assert time(SEBNITZ_BUSBAHNHOF, ANTON_LEIPZIGER, "2024-08-19", "16:10").startswith(
        "Ankunft 17:52, 102 Minuten"
    )


def test_transfer_between_two_extracts_at_neschwitz(edition):
    # Two extracts share Neschwitz Dorfschänke (de:14625:7677:0:1_G): RBO 707 (trip
    # 2593399830, 1180 Mon-Fri) Radibor Schule dep 12:33 -> Neschwitz arr 12:48; Schmidt 712
    # (trip 2586108206, 15131 Mon-Fri) Neschwitz dep 18:36 -> Königswartha Kirchplatz arr
    # 18:45. No other trip serves either end (the nearest stop of the other line is 2.9 km
    # from Radibor Schule, 4.2 km from Königswartha Kirchplatz): 18:45, 375 minutes from 12:30.
    assert time(RADIBOR_SCHULE, KOENIGSWARTHA_KIRCHPLATZ, "2024-08-19", "12:30").startswith(
        "Ankunft 18:45, 375 Minuten"
    )


BAUTZEN, MUECKA = "14625020", "14626320"
MUECKA_STOP = (14.704622, 51.319683)  # Mücka Bahnhof, lon/lat
WINDOW = {"days": "werktags", "from": "09:40", "to": "09:50", "every_minutes": 10}


def test_a_reach_rule_on_the_real_feed(edition):
    # The MBE sits at Mücka Bahnhof. Bautzen's Gemeinde point (14.42707, 51.18405) is
    # ~620 m from Bautzen Ziegelwall (de:14625:7553:0:1, 501 dep 10:08): 11 min on foot;
    # the ZOB (dep 10:04) is ~880 m, 16 min. Window werktags on the first weekday from the
    # Stand, Monday 19.08.2024 (1194 runs): from 09:40 and 09:50 the 10:08 is caught, arrival
    # 10:51 at the MBE's stop: 71 and 61 minutes, median 66 <= 90.
    make_service("mbe", MUECKA_STOP)
    standard_set, _ = import_document(transit_set(slug="delfi", window=WINDOW))
    assessment = run_assessment(standard_set, "gemeinde")
    rows = {row["ags"]: row for row in assessment.listing}
    assert rows[BAUTZEN]["value"] == 1.0
    # Mücka's own point lies 2.7 km south-west of the station and 1.1 km from the nearest stop
    # (Förstgen Gasthaus), beyond the 1,000 m walk: not by bus, although within 10 km.
    assert rows[MUECKA]["value"] == 0.0
    assert rows[BAUTZEN]["explanation"].startswith(
        "38.039 von 38.039 Einwohner (100 %): nächstes Angebot erreichbar in höchstens 90 "
        "Minuten mit Bus und Bahn, werktags 9:40–9:50 Uhr (Median der Abfahrten alle 10 "
        f"Minuten), Fahrplan {NAME} vom 19.08.2024; Ziel 90 %."
    )
    reference = assessment.data_reference["transit"]
    assert reference["name"] == NAME
    assert reference["rules"]["mbe-oepnv"]["day"] == "2024-08-19"
    # The row's own median, as the engine gets it: 66 minutes from Bautzen's point.
    rules = list(standard_set.rules.select_related("offer_type"))
    data = build_engine_input(rules, edition.reference_date)
    minutes = data.transit.travel["mbe-oepnv"].minutes
    bautzen = np.flatnonzero(np.isclose(data.points.lon, 14.42707))
    assert bautzen.size == 1 and minutes[bautzen[0], 0] == 66.0
    # The median decides: 66 minutes fail a 65-minute limit.
    strict, _ = import_document(transit_set(slug="delfi-65", window=WINDOW, max_minutes=65))
    rows = {row["ags"]: row for row in run_assessment(strict, "gemeinde").listing}
    assert rows[BAUTZEN]["value"] == 0.0
