"""Planning maps of reach by bus and train: stored reach rows, the state view's section, the
``?minuten=`` choice, the single-offer view and its CSV, permissions, and no feed at all."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.urls import reverse

from integrationsatlas.assessments.models import TransitReach
from integrationsatlas.assessments.run import run_assessment
from integrationsatlas.standards.sets import import_document
from integrationsatlas.transit.editions import import_feed
from tests.standards.test_assess import make_service
from tests.transit.feeds import write_feed
from tests.transit.test_transit_rules import BAUTZEN, GROSSPOSTWITZ, STOP_D, transit_set

pytestmark = pytest.mark.django_db

KREIS_BAUTZEN = "14625"


@pytest.fixture
def var_dir(tmp_path, settings):
    settings.VAR_DIR = tmp_path / "var"
    return settings.VAR_DIR


@pytest.fixture
def feed_edition(tmp_path, var_dir):
    path = write_feed(tmp_path / "bautzen.zip")
    return import_feed(path, source="Handgemacht, Tests", licence="CC0 1.0")


@pytest.fixture
def mbe():
    return make_service("mbe", STOP_D)


@pytest.fixture
def transit_assessment(feed_edition, mbe):
    standard_set, _ = import_document(transit_set())
    return run_assessment(standard_set, "kreis")


def _section(client, assessment, query=""):
    response = client.get(reverse("planning:state", args=[assessment.pk]) + query)
    assert response.status_code == 200
    return response.content.decode()


def _share_text(value: float) -> str:
    """As the page's percent filter writes it."""
    from integrationsatlas.planning.templatetags.planning_tags import percent

    return percent(value)


def test_an_assessment_on_the_sample_feed_stores_one_reach_row_per_gemeinde(transit_assessment):
    rows = {r.region_id: r for r in TransitReach.objects.filter(assessment=transit_assessment)}
    assert len(rows) == 418
    assert {r.rule_code for r in rows.values()} == {"mbe-oepnv"}
    # Bautzen: median of 100, 80, 60 and no arrival = (80 + 100) / 2 (tests/transit).
    assert rows[BAUTZEN].minutes == 90.0
    # Großpostwitz is 1.3 km from stop D, beyond the 1,000 m walk: not reachable.
    assert rows[GROSSPOSTWITZ].minutes is None
    assert rows[BAUTZEN].population and rows[BAUTZEN].population > 30000
    reference = transit_assessment.data_reference["transit"]
    assert reference["reference_date"] == "2026-01-01"
    assert reference["reach_seconds"] >= 0


def test_section_shows_bands_shares_and_labels(client, planner, transit_assessment):
    client.force_login(planner)
    html = _section(client, transit_assessment)
    assert "Erreichbarkeit mit Bus und Bahn" in html
    # Bands up to the rule's 90 minutes; Bautzen's 90 minutes lie in the last one.
    for band in ("bis 15 Min.", "15–30 Min.", "30–45 Min.", "45–60 Min.", "60–90 Min."):
        assert band in html
    assert "Bautzen: 90 Min." in html
    assert "Großpostwitz/O.L.: mehr als 90 Min. oder nicht erreichbar" in html
    # Labels: feed and Stand, window, standard set, demo state.
    assert "Fahrplan bautzen, Stand 01.01.2026 (Handgemacht, Tests, Lizenz CC0 1.0)" in html
    assert "Fenster werktags 7–8 Uhr, Median der Abfahrten alle 20 Minuten am 02.01.2026" in html
    assert "Standardsatz ÖPNV oepnv" in html
    assert "keine Demodaten" in html
    # Share within 90 minutes in Kreis Bautzen, by hand: Bautzen's people over the Kreis's.
    rows = TransitReach.objects.filter(assessment=transit_assessment)
    kreis = [r for r in rows if r.region_id.startswith(KREIS_BAUTZEN) and r.population]
    bautzen = next(r.population for r in kreis if r.region_id == BAUTZEN)
    share = bautzen / sum(r.population for r in kreis)
    table = html.split('class="data-table compact reach-table"')[1].split("</table>")[0]
    assert "Einwohner innerhalb von 90 Minuten mit Bus und Bahn" in table
    line = re.search(r"<th scope=\"row\">Landkreis Bautzen</th>(.*?)</tr>", table).group(1)
    # Zensus 2022: Bautzen 38,039 of the Kreis's 296,506 people, 12.83 %.
    assert (bautzen, round(share, 4)) == (38039, 0.1283)
    assert "38.039" in line and "296.506" in line and "12,8 %" in line
    bands = html.split('class="data-table compact band-table"')[1].split("</table>")[0]
    assert "<td>bis 60 Min.</td>" in bands and "<td>bis 90 Min.</td>" in bands
    land = sum(r.population for r in rows if r.population)
    assert _share_text(bautzen / land) in table.split("<tfoot>")[1]


def test_minuten_parameter_chooses_the_limit(client, planner, transit_assessment):
    client.force_login(planner)
    html = _section(client, transit_assessment, "?minuten=60")
    assert "Einwohner innerhalb von 60 Minuten mit Bus und Bahn" in html
    assert '<option value="60" selected>' in html
    table = html.split('class="data-table compact reach-table"')[1].split("</table>")[0]
    bautzen_line = re.search(r"<th scope=\"row\">Landkreis Bautzen</th>(.*?)</tr>", table)[1]
    assert bautzen_line.endswith(f'<td class="num">{_share_text(0.0)}</td>')
    # A value that is no band falls back to the rule's own limit.
    html = _section(client, transit_assessment, "?minuten=abc")
    assert "Einwohner innerhalb von 90 Minuten" in html


def test_published_section_is_public(client, transit_assessment):
    transit_assessment.is_published = True
    transit_assessment.save()
    html = _section(client, transit_assessment)
    assert "Erreichbarkeit mit Bus und Bahn" in html
    assert "Erreichbarkeit eines einzelnen Angebots" not in html  # planners only


def test_without_a_feed_the_section_says_so(client, planner, var_dir, mbe):
    standard_set, _ = import_document(transit_set())
    assessment = run_assessment(standard_set, "kreis")
    assert not TransitReach.objects.filter(assessment=assessment).exists()
    client.force_login(planner)
    html = _section(client, assessment, "?minuten=30")
    assert 'id="kein-fahrplan"' in html
    assert "Regeln mit Bus und Bahn gelten nach Luftlinie" in html
    assert "kein Fahrplan importiert" in html  # the run's own note


def test_a_set_without_transit_rules_has_no_section(client, planner, assessment):
    client.force_login(planner)
    assert "Erreichbarkeit mit Bus und Bahn" not in _section(client, assessment)


def test_offer_view_colours_gemeinden_and_its_csv_carries_the_labels(
    client, planner, feed_edition, mbe
):
    client.force_login(planner)
    url = reverse("planning:offer_reach", args=[mbe.pk])
    html = client.get(url, {"tage": "werktags", "von": "07:00", "bis": "08:00"}).content.decode()
    assert "Erreichbarkeit mit Bus und Bahn: mbe Test" in html
    # Bautzen's point is 669 m from stop A: x 1.3 detour at 4.5 km/h, 11.6 minutes' walk.
    # Departures 07:00, 07:10, ..., 07:40 catch the 08:00 train at A (A -> B, walk to C,
    # C 08:15 -> D 08:40, the MBE at D): 100, 90, 80, 70, 60 minutes; 07:50 and 08:00 miss
    # it. Median of the 7 (the 4th of 60, 70, 80, 90, 100, inf, inf): 90 minutes.
    assert "<title>Bautzen: 90 Min.</title>" in html
    assert '<td>Bautzen</td><td>Landkreis Bautzen</td><td class="num">90</td>' in html
    assert "Fahrplan bautzen, Stand 01.01.2026" in html
    assert "werktags 7–8 Uhr, Median der Abfahrten alle 10 Minuten, Verkehrstag 02.01.2026" in (
        html
    )
    response = client.get(
        reverse("planning:offer_reach_csv", args=[mbe.pk]),
        {"tage": "werktags", "von": "07:00", "bis": "08:00"},
    )
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 418
    first = rows[0]
    assert first["gemeinde"] == "Bautzen" and first["kreis"] == "Landkreis Bautzen"
    assert first["feed"] == "bautzen" and first["stand"] == "01.01.2026"
    assert first["source"].startswith("Handgemacht, Tests, Lizenz CC0 1.0")
    assert first["window"].startswith("werktags 7–8 Uhr")
    assert first["offer"] == f"mbe Test (Nr. {mbe.pk})"
    # Every row carries the labels, so any rows copied into a spreadsheet keep them.
    assert all(r["stand"] == "01.01.2026" and r["window"] == first["window"] for r in rows)
    far = next(r for r in rows if r["ags"] == GROSSPOSTWITZ)
    assert far["minutes"] == "" and far["band"] == "mehr als 120 Min. oder nicht erreichbar"


def test_offer_view_minutes_by_hand(client, planner, feed_edition, mbe):
    """07:00-08:00 every 20 minutes as the rule: the same median of 90 minutes for Bautzen."""
    client.force_login(planner)
    from integrationsatlas.planning.offer_reach import offer_reach

    reach = offer_reach(
        mbe, {"days": "werktags", "from": "07:00", "to": "08:00", "every_minutes": 20}
    )
    assert reach.minutes[BAUTZEN] == 90.0
    assert reach.minutes[GROSSPOSTWITZ] is None
    again = offer_reach(
        mbe, {"days": "werktags", "from": "07:00", "to": "08:00", "every_minutes": 20}
    )
    assert again.from_cache and again.minutes == reach.minutes


def test_offer_view_bad_window_falls_back_and_says_so(client, planner, feed_edition, mbe):
    client.force_login(planner)
    url = reverse("planning:offer_reach", args=[mbe.pk])
    html = client.get(url, {"tage": "feiertags", "von": "7 Uhr"}).content.decode()
    assert "Unbekannte Tage" in html and "Uhrzeit als HH:MM angeben" in html
    html = client.get(url, {"von": "09:00", "bis": "08:00"}).content.decode()
    assert "Das Fenster endet vor seinem Beginn" in html


def test_offer_view_without_a_feed(client, planner, var_dir, mbe):
    client.force_login(planner)
    html = client.get(reverse("planning:offer_reach", args=[mbe.pk])).content.decode()
    assert 'id="kein-fahrplan"' in html
    response = client.get(reverse("planning:offer_reach_csv", args=[mbe.pk]))
    assert response.status_code == 200
    assert response.content.decode().splitlines() == [
        "ags,gemeinde,kreis,minutes,band,offer,source,window,feed,stand,demo"
    ]


def test_offer_pages_are_for_planners_only(client, provider, feed_edition, mbe):
    for name, args in [
        ("planning:offer_reach", [mbe.pk]),
        ("planning:offer_reach_csv", [mbe.pk]),
        ("planning:offer_reach_list", []),
    ]:
        url = reverse(name, args=args)
        anonymous = client.get(url)
        assert anonymous.status_code == 302 and "next=" in anonymous["Location"]
        client.force_login(provider)
        assert client.get(url).status_code == 403
        client.logout()


def test_offer_list_links_each_sited_offer(client, planner, mbe):
    client.force_login(planner)
    html = client.get(reverse("planning:offer_reach_list")).content.decode()
    assert reverse("planning:offer_reach", args=[mbe.pk]) in html


SECTION_SOURCES = re.compile(r"planning/(minute_map|reach)\.py|_transit_reach\.html")


@pytest.mark.parametrize("language", ["en", "ar", "uk", "ru", "fa", "tr"])
def test_the_public_section_is_translated(language):
    """A published assessment's section is public: its strings exist in every language
    (tests/finder/test_catalogues.py lists the public sources by name; these are new)."""
    from tests.i18n.test_catalogues_current import _po, parse_po

    entries = [e for e in parse_po(_po(language)) if SECTION_SOURCES.search(e["refs"])]
    assert len(entries) >= 20
    assert [e["msgid"] for e in entries if e["fuzzy"] or not all(e["msgstr"])] == []


def test_the_section_speaks_english(client, transit_assessment):
    transit_assessment.is_published = True
    transit_assessment.save()
    response = client.get(
        reverse("planning:state", args=[transit_assessment.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    html = response.content.decode()
    assert "Reach by bus and train" in html
    assert "Bautzen: 90 min" in html
    assert "Source: timetable bautzen, as of 01.01.2026" in html


def test_the_csv_keeps_german_data_text_on_an_english_page(client, planner, feed_edition, mbe):
    client.force_login(planner)
    url = reverse("planning:offer_reach_csv", args=[mbe.pk])
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    bands = {r["band"] for r in rows}
    assert "mehr als 120 Min. oder nicht erreichbar" in bands
    assert not any("min or not reachable" in b for b in bands)
