"""Travel minutes by bus and train in the finder, precomputed on a hand-made feed.

The feed (transit_feed.py) has lines every 10 minutes: A (Bautzen's point) -> D 25 minutes,
P (postal code 02625's point) -> D 35, D -> E 70 at every arrival from A. With sites
right at D and E, the median over the werktags 07:00-09:00 departures is known by hand:
Bautzen -> D 25, 02625 -> D 35 (from P directly, or a walk to A and the next trip there),
Bautzen -> E 95 (beyond 90), 02625 -> E 105.
"""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from integrationsatlas.regions.models import Region
from integrationsatlas.registry.models import Location, Organization
from integrationsatlas.transit import finder_times, lease
from integrationsatlas.transit.editions import import_feed
from integrationsatlas.transit.models import FinderTime, FinderTimesRun, FinderTimesSite

from .fixtures import add_service
from .transit_feed import BAUTZEN, D, E, bautzen_feed

pytestmark = pytest.mark.django_db
RESULTS = "/suche/ergebnisse/"


@pytest.fixture(autouse=True)
def _minutes_checked_on_every_request(settings):
    settings.FINDER_TRANSIT_CHECK_SECONDS = 0


@pytest.fixture
def sites(db):
    org = Organization.objects.create(name="Beratung Oberlausitz")
    return {
        "D": add_service(org, "MBE Großpostwitz", *D),
        "E": add_service(org, "MBE Ostrand", *E),
    }


@pytest.fixture
def edition(tmp_path, settings):
    settings.VAR_DIR = tmp_path / "var"
    path = bautzen_feed(tmp_path / "oberlausitz.zip")
    return import_feed(path, source="Handgemacht, Tests", licence="CC0 1.0")


def minutes_of(origin: str, service) -> int | None:
    location = service.service_at_locations.get().location_id
    row = FinderTime.objects.filter(origin=origin, site__location_id=location).first()
    return row.minutes if row else None


def page(client, **params) -> str:
    response = client.get(RESULTS, {"art": "mbe", "umkreis": 50} | params)
    assert response.status_code == 200
    return response.content.decode()


def test_known_minutes_and_the_90_minute_cut(client, sites, edition):
    summary = finder_times.compute()
    assert summary.day == "2026-01-02" and summary.full and summary.computed == 2
    assert minutes_of(BAUTZEN, sites["D"]) == 25
    assert minutes_of("02625", sites["D"]) == 35
    assert minutes_of(BAUTZEN, sites["E"]) is None  # 95 minutes: beyond the limit, no row
    html = page(client, ags=BAUTZEN)
    assert "ca. 25 Min. mit Bus und Bahn" in html
    assert "nicht in 90 Min. mit Bus und Bahn erreichbar" in html
    assert 'title="Median der Abfahrten werktags 7–9 Uhr, alle 10 Minuten; Fahrplan ' in html
    assert "Fahrplan oberlausitz, Stand 01.01.2026" in html
    assert "ca. 35 Min. mit Bus und Bahn" in page(client, ort="02625")


def test_one_query_reads_the_minutes_of_a_page(client, sites, edition):
    finder_times.compute()
    for art in ("mbe", "alle"):
        with CaptureQueriesContext(connection) as queries:
            html = page(client, ags=BAUTZEN, art=art)
        assert "ca. 25 Min. mit Bus und Bahn" in html
        reads = [q["sql"] for q in queries if "transit_findertimessite" in q["sql"]]
        assert len(reads) == 1, art


def test_a_higher_limit_keeps_the_longer_trip(sites, edition, settings):
    settings.FINDER_TRANSIT_MAX_MINUTES = 100
    finder_times.compute()
    assert minutes_of(BAUTZEN, sites["E"]) == 95
    assert minutes_of("02625", sites["E"]) is None  # 105


def test_english_page_translates_the_minutes(client, sites, edition):
    finder_times.compute()
    html = client.get(
        RESULTS, {"art": "mbe", "umkreis": 50, "ags": BAUTZEN}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "about 25 min by bus and train" in html
    assert "Median over departures on weekdays, 7 to 9 o’clock, every 10 minutes" in html
    assert "timetable oberlausitz as of 01/01/2026" in html


def test_a_moved_site_shows_no_minutes_until_computed_again(client, sites, edition):
    finder_times.compute()
    location = Location.objects.get(service_at_locations__service=sites["D"])
    location.longitude, location.latitude = E
    location.save()
    html = page(client, ags=BAUTZEN)
    assert "ca. 25 Min." not in html
    assert html.count("mit Bus und Bahn") == 1  # E only: D's minutes are for its old place
    summary = finder_times.compute()
    assert (summary.full, summary.computed, summary.sites) == (False, 1, 2)
    assert "ca. 25 Min." not in page(client, ags=BAUTZEN)
    assert page(client, ags=BAUTZEN).count("nicht in 90 Min. mit Bus und Bahn erreichbar") == 2


def test_incremental_run_touches_only_new_and_moved_sites(sites, edition):
    finder_times.compute()
    before = dict(FinderTimesSite.objects.values_list("location_id", "pk"))
    again = finder_times.compute()
    assert (again.computed, again.removed, again.full) == (0, 0, False)
    assert dict(FinderTimesSite.objects.values_list("location_id", "pk")) == before
    org = Organization.objects.get()
    new = add_service(org, "MBE Neu", *D)
    third = finder_times.compute()
    assert (third.computed, third.sites) == (1, 3)
    kept = dict(FinderTimesSite.objects.values_list("location_id", "pk"))
    assert {k: v for k, v in kept.items() if k in before} == before
    assert minutes_of(BAUTZEN, new) == 25
    full = finder_times.compute(full=True)
    assert full.computed == 3 and minutes_of(BAUTZEN, new) == 25


def test_a_page_stored_before_the_computation_is_not_served_after_it(client, sites, edition):
    assert "mit Bus und Bahn" not in page(client, ags=BAUTZEN)
    again = client.get(RESULTS, {"art": "mbe", "umkreis": 50, "ags": BAUTZEN})
    assert again["X-Finder-Cache"] == "hit"
    finder_times.compute()
    after = client.get(RESULTS, {"art": "mbe", "umkreis": 50, "ags": BAUTZEN})
    assert not after.has_header("X-Finder-Cache")
    assert "ca. 25 Min. mit Bus und Bahn" in after.content.decode()


def test_a_search_by_coordinates_shows_no_minutes(client, sites, edition):
    finder_times.compute()
    gemeinde = Region.objects.get(ags=BAUTZEN)
    html = page(client, lat=f"{gemeinde.point_lat + 0.001:.6f}", lon=f"{gemeinde.point_lon}")
    assert "MBE Großpostwitz" in html
    assert "mit Bus und Bahn" not in html


def test_without_a_feed_the_page_is_unchanged(client, sites):
    html = page(client, ags=BAUTZEN)
    assert "MBE Großpostwitz" in html and "km Luftlinie" in html
    assert "mit Bus und Bahn" not in html
    assert "transit-time" not in html


def test_an_imported_feed_not_yet_computed_shows_nothing(client, sites, edition):
    assert not FinderTimesRun.objects.exists()
    assert "mit Bus und Bahn" not in page(client, ags=BAUTZEN)


def test_a_second_run_stops_while_one_is_computing(sites, edition):
    finder_times.compute()
    run = FinderTimesRun.objects.get()
    token = lease.acquire(run.pk)  # another command is computing
    with pytest.raises(CommandError, match="läuft bereits"):
        call_command("transit", "finder-times", stdout=io.StringIO())
    with pytest.raises(lease.AlreadyRunning):
        finder_times.compute(full=True)
    lease.release(run.pk, token)
    out = io.StringIO()
    call_command("transit", "finder-times", "--full", stdout=out)
    assert "2 von 2 Standorten alle neu gerechnet" in out.getvalue()
    assert FinderTimesSite.objects.count() == 2


def test_a_run_started_while_another_computes_stops_and_the_first_finishes(sites, edition):
    refused = []

    def start_another(text: str) -> None:
        if "zu rechnen" in text:  # the first run holds the lease and is about to route
            with pytest.raises(lease.AlreadyRunning):
                finder_times.compute(full=True)
            refused.append(text)

    summary = finder_times.compute(say=start_another)
    assert refused and summary.computed == 2
    assert FinderTimesSite.objects.count() == 2
    assert FinderTimesRun.objects.get().locked_until is None


def test_a_crashed_run_lease_runs_out(sites, edition):
    finder_times.compute()
    run = FinderTimesRun.objects.get()
    lease.acquire(run.pk)
    FinderTimesRun.objects.filter(pk=run.pk).update(
        locked_until=timezone.now() - timedelta(seconds=1)
    )
    assert finder_times.compute().sites == 2
    assert FinderTimesRun.objects.get().locked_until is None


def test_a_lost_lease_stops_writing(sites, edition):
    finder_times.compute()
    run = FinderTimesRun.objects.get()
    token = lease.acquire(run.pk)
    FinderTimesRun.objects.filter(pk=run.pk).update(lock_token="someone-else")
    with pytest.raises(lease.LeaseLost):
        lease.renew(run.pk, token)


def test_import_computes_the_minutes(tmp_path, settings, sites):
    settings.VAR_DIR = tmp_path / "var"
    path = bautzen_feed(tmp_path / "oberlausitz.zip")
    out = io.StringIO()
    call_command(
        "transit", "import", str(path), "--source", "Test", "--licence", "CC0 1.0", stdout=out
    )
    assert (
        "Reisezeiten für die Suche (oberlausitz, 2026-01-02): 2 von 2 Standorten" in out.getvalue()
    )
    assert minutes_of(BAUTZEN, sites["D"]) == 25
