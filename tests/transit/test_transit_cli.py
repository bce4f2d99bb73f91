"""`transit import/list/time` on hand-made GTFS feeds with earliest arrivals known by hand."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from integrationsatlas.transit.models import FeedEdition

from .feeds import STOP_TIMES, write_feed

A, B, C, D = "51.18,14.42", "51.18,14.44", "51.18,14.4414", "51.12,14.44"


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("transit", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def feed(tmp_path):
    return str(write_feed(tmp_path / "bautzen.zip"))


def time(feed, origin, dest, date, depart):
    return run(
        "time", "--feed", feed, "--from", origin, "--to", dest, "--date", date, "--depart", depart
    )


@pytest.mark.django_db
def test_transfer_with_walk_between_stops(feed):
    # Wed 2 Dec: walk 0 m to A, t1 08:00 -> B 08:10, ~98 m x 1.3 at 4.5 km/h (102 s) to C,
    # t2 08:15 -> D 08:40.
    out = time(feed, A, D, "2026-12-02", "07:55")
    assert out.startswith("Ankunft 08:40, 45 Minuten")
    assert "bautzen.zip" in out and "4.5 km/h" in out


@pytest.mark.django_db
def test_calendar_exception(feed):
    # 24 Dec: WD is removed (calendar_dates type 2), XMAS added: only t4 08:30 A -> B.
    assert time(feed, A, B, "2026-12-23", "07:55").startswith("Ankunft 08:10, 15 Minuten")
    assert time(feed, A, B, "2026-12-24", "07:55").startswith("Ankunft 08:40, 45 Minuten")
    # No C -> D trip that day either: D only on Christmas Day, with the next day's trips.
    assert time(feed, A, D, "2026-12-24", "07:55").startswith(
        "Ankunft 08:40 (+1 Tag), 1485 Minuten"
    )
    # Saturday: WD does not run at all.
    assert time(feed, A, B, "2026-12-05", "07:55").startswith("nicht erreichbar")


@pytest.mark.django_db
def test_overnight_trip_past_24(feed):
    # The night trip of service day 2 Dec reaches D at 24:20 (00:20 on 3 Dec), A at 25:10.
    assert time(feed, D, A, "2026-12-03", "00:05").startswith("Ankunft 01:10, 65 Minuten")
    assert time(feed, C, A, "2026-12-02", "23:45").startswith("Ankunft 01:10 (+1 Tag), 85 Minuten")
    # On 5 Dec (Saturday) there is no night trip of the day before (Friday runs, 4 Dec).
    assert time(feed, D, A, "2026-12-05", "00:05").startswith("Ankunft 01:10")
    # On 6 Dec (Sunday) none from Saturday: the next is Monday's, arriving Tuesday 01:10.
    out = time(feed, D, A, "2026-12-06", "00:05")
    assert out.startswith("Ankunft 01:10 (+2 Tage), 2945 Minuten")


@pytest.mark.django_db
def test_walk_only(feed):
    # 500 m north of A (0.0045° latitude), x 1.3 at 1.25 m/s = 521 s: 10:09, 9 minutes.
    assert time(feed, A, "51.1845,14.42", "2026-12-05", "10:00").startswith(
        "Ankunft 10:09, 9 Minuten"
    )
    # 1.5 km: beyond the 1,000 m walking limit and no trip.
    assert time(feed, A, "51.1935,14.42", "2026-12-05", "10:00").startswith("nicht erreichbar")


@pytest.mark.django_db
def test_import_keeps_an_edition_and_time_uses_it(feed, settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    out = run("import", feed, "--source", "Handgemacht, Tests", "--licence", "CC0 1.0")
    assert "5 Fahrten" in out and "4 Haltestellen" in out and "Stand 01.01.2026" in out
    ed = FeedEdition.objects.get(name="bautzen")
    assert (ed.first_day.isoformat(), ed.last_day.isoformat()) == ("2026-01-01", "2026-12-31")
    assert (tmp_path / "var" / "transit" / f"{ed.sha256}.zip").exists()
    assert "bautzen" in run("list")
    out = time("bautzen", A, D, "2026-12-02", "07:55")
    assert out.startswith("Ankunft 08:40, 45 Minuten") and "Fahrplan bautzen vom 01.01.2026" in out
    with pytest.raises(CommandError, match="gibt es schon"):
        run("import", feed, "--source", "x", "--licence", "y")
    assert FeedEdition.objects.count() == 1


BROKEN = {
    "missing": ({"stop_times_txt": None}, "Datei fehlt im GTFS-Feed: stop_times.txt"),
    "no calendar": (
        {"calendar_txt": None, "calendar_dates_txt": None},
        "calendar.txt oder calendar_dates.txt",
    ),
    "bad time": (
        {"stop_times_txt": STOP_TIMES.replace("08:10:00,08:10:00", "8h10,8h10")},
        "stop_times.txt, Zeile 3, arrival_time: '8h10' ist keine Zeit",
    ),
    "backwards": (
        {"stop_times_txt": STOP_TIMES.replace("08:40:00,08:40:00,D", "08:05:00,08:05:00,D")},
        "Fahrt t2, stop_sequence 1: Zeiten laufen rückwärts",
    ),
    "untimed end": (
        {"stop_times_txt": STOP_TIMES.replace("t3,09:40:00,09:40:00,D,2", "t3,,,D,2")},
        "Fahrt t3: erste und letzte Haltestelle brauchen eine Zeit",
    ),
    "unknown stop": (
        {"stop_times_txt": STOP_TIMES.replace(",D,2\n", ",X9,2\n", 1)},
        "Haltestelle X9 fehlt in stops.txt",
    ),
    "no coordinates": (
        {
            "stops_txt": "stop_id,stop_name,stop_lat,stop_lon\nA,a,51.18,14.42\nB,b,,\nC,c,51.18,14.44\nD,d,51.12,14.44\n"
        },
        "Haltestelle B: keine gültigen Koordinaten",
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", BROKEN, ids=list(BROKEN))
def test_broken_feed_is_refused_with_a_german_message(case, tmp_path, settings):
    settings.VAR_DIR = tmp_path / "var"
    changes, message = BROKEN[case]
    path = write_feed(tmp_path / "broken.zip", **changes)
    with pytest.raises(CommandError, match=message):
        run("import", str(path), "--source", "x", "--licence", "y")
    assert not FeedEdition.objects.exists()
    assert not (tmp_path / "var" / "transit").exists() or not any(
        (tmp_path / "var" / "transit").iterdir()
    )


@pytest.mark.django_db
def test_not_a_zip_and_bad_arguments(tmp_path, feed):
    junk = tmp_path / "junk.zip"
    junk.write_text("<html>")
    with pytest.raises(CommandError, match="keine lesbare ZIP-Datei"):
        run("import", str(junk), "--source", "x", "--licence", "y")
    with pytest.raises(CommandError, match="Breite,Länge"):
        time(feed, "Bautzen", D, "2026-12-02", "07:55")
    with pytest.raises(CommandError, match="HH:MM"):
        time(feed, A, D, "2026-12-02", "25:00")
    with pytest.raises(CommandError, match="JJJJ-MM-TT"):
        time(feed, A, D, "2.12.2026", "07:55")
    with pytest.raises(CommandError, match="Kein Fahrplan 'nix'"):
        time("nix", A, D, "2026-12-02", "07:55")


@pytest.mark.django_db
def test_untimed_intermediate_stop_gets_an_interpolated_time(tmp_path):
    # t2 C 08:15 -> B (no time) -> D 08:40: B at 08:27:30, halfway by position.
    stop_times = STOP_TIMES.replace(
        "t2,08:40:00,08:40:00,D,2", "t2,,,B,2\nt2,08:40:00,08:40:00,D,3"
    )
    path = str(write_feed(tmp_path / "untimed.zip", stop_times_txt=stop_times))
    assert time(path, B, D, "2026-12-02", "08:20").startswith("Ankunft 08:40, 20 Minuten")
    assert time(path, B, D, "2026-12-02", "08:28").startswith("Ankunft 09:40")
