"""Finder pages: start, results, choice of place, detail, map data, and every kind of bad input."""

import json
import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db
RESULTS = "/suche/ergebnisse/"


def test_start_page_lists_offer_types_with_icons(client):
    response = client.get("/suche/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Migrationsberatung für Erwachsene" in html
    assert "finder/icons/counselling" in html
    assert 'name="ort"' in html


def test_start_page_in_arabic_is_rtl_and_translated(client):
    response = client.get("/suche/", HTTP_ACCEPT_LANGUAGE="ar")
    html = response.content.decode()
    assert 'dir="rtl"' in html and 'lang="ar"' in html
    assert "استشارات الهجرة للبالغين" in html


def test_home_and_nav_link_to_finder(client):
    html = client.get("/").content.decode()
    assert 'href="/suche/"' in html


def test_results_for_pirna(client, registry):
    response = client.get(RESULTS, {"art": "mbe", "ort": "Pirna"})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("MBE Pirna Markt") < html.index("MBE Pirna Sonnenstein")
    assert "MBE Entwurf" not in html
    assert "MBE Telefonberatung Sachsen" in html
    assert "Demo" in html
    assert "km Luftlinie" in html


def test_results_by_postal_code_and_coordinates(client, registry):
    assert client.get(RESULTS, {"art": "mbe", "ort": "01796"}).status_code == 200
    response = client.get(RESULTS, {"art": "mbe", "lat": "50.96", "lon": "13.94"})
    assert response.status_code == 200
    assert "MBE Pirna Markt" in response.content.decode()


def test_open_now_in_arabic_shows_translated_name(client, registry):
    response = client.get(
        RESULTS, {"art": "mbe", "ort": "Pirna", "offen": "1"}, HTTP_ACCEPT_LANGUAGE="ar"
    )
    html = response.content.decode()
    assert "استشارة الهجرة بيرنا" in html
    assert "MBE Pirna Markt" not in html


def test_map_view_has_markers_data(client, registry):
    response = client.get(RESULTS, {"art": "mbe", "ort": "Pirna", "ansicht": "karte"})
    html = response.content.decode()
    assert 'id="results-map"' in html and "vendor/leaflet/leaflet.js" in html
    assert 'data-lat="50.96200"' in html


def test_ambiguous_place_offers_a_choice(client, registry):
    response = client.get(RESULTS, {"art": "mbe", "ort": "Bernsdorf"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Welchen Ort meinen Sie?" in html
    assert html.count("ags=") == 2


def test_empty_results_suggest_next_steps(client, registry):
    response = client.get(
        RESULTS, {"art": "mbe", "ort": "Leipzig", "umkreis": "5", "sprache": "ru"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Hier haben wir nichts gefunden" in html
    assert "umkreis=" in html
    assert "Sächsische Schweiz-Osterzgebirge" in html  # the Kreis of the nearest one beyond


def test_back_link_only_to_finder_pages(client, registry):
    url = reverse("finder:detail", args=[registry["open"].pk])
    evil = client.get(url, {"zurueck": "//evil.example/suche/"}).content.decode()
    assert 'href="//evil.example' not in evil and "Zurück zu den Ergebnissen" not in evil
    ok = client.get(url, {"zurueck": "/suche/ergebnisse/?art=mbe&ort=Pirna"}).content.decode()
    assert "Zurück zu den Ergebnissen" in ok


def test_detail_page(client, registry):
    service = registry["open"]
    response = client.get(reverse("finder:detail", args=[service.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Pass oder Ankunftsnachweis" in html
    assert "Jetzt geöffnet, bis 16:00 Uhr" in html
    assert "Teamtag" in html
    assert "Deutsch, Arabisch" in html  # languages spoken, not the interface languages
    assert "name_local" not in html
    assert f"/suche/angebot/{service.pk}/" in html  # share link


def test_detail_in_arabic_notes_german_text(client, registry):
    response = client.get(
        reverse("finder:detail", args=[registry["closed_nearby"].pk]), HTTP_ACCEPT_LANGUAGE="ar"
    )
    html = response.content.decode()
    assert "MBE Pirna Markt" in html
    assert 'dir="rtl"' in html


def test_unpublished_and_missing_detail_is_404(client, registry):
    assert client.get(reverse("finder:detail", args=[registry["hidden"].pk])).status_code == 404
    assert client.get("/suche/angebot/999999/").status_code == 404


def test_suggestions_and_boundaries(client):
    data = client.get("/suche/orte.json", {"q": "Pir"}).json()
    assert any(p["value"].startswith("Pirna") for p in data["places"])
    postal = client.get("/suche/orte.json", {"q": "0179"}).json()
    assert postal["places"] and postal["places"][0]["value"].startswith("0179")
    geo = client.get("/suche/grenzen/14628.geojson")
    assert geo.status_code == 200 and geo["Content-Type"] == "application/geo+json"
    assert len(json.loads(geo.content)["features"]) > 20
    assert len(json.loads(client.get("/suche/grenzen/14.geojson").content)["features"]) == 13
    assert client.get("/suche/grenzen/99999.geojson").status_code == 404


HOSTILE = ["<script>alert(1)</script>", "' OR 1=1 --", "\u202eevil", "%00", "a" * 5000, "../../etc"]


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"art": "mbe"}, 400),  # no place
        ({"ort": "Pirna"}, 400),  # no offer type
        ({"art": "gibtsnicht", "ort": "Pirna"}, 404),
        ({"art": "<b>", "ort": "Pirna"}, 404),
        ({"art": "mbe", "ort": "Atlantis"}, 404),
        ({"art": "mbe", "ort": "99999"}, 404),
        ({"art": "mbe", "ags": "99999999"}, 404),
        ({"art": "mbe", "ags": "abc"}, 400),
        ({"art": "mbe", "lat": "48.1", "lon": "11.5"}, 400),  # Munich: outside Saxony
        ({"art": "mbe", "lat": "91", "lon": "13"}, 400),
        ({"art": "mbe", "lat": "nan", "lon": "inf"}, 400),
        ({"art": "mbe", "lat": "51.0"}, 400),
        ({"art": "mbe", "ort": "Pirna", "umkreis": "100000"}, 400),
        ({"art": "mbe", "ort": "Pirna", "umkreis": "-5"}, 400),
        ({"art": "mbe", "ort": "Pirna", "seite": "0"}, 400),
        ({"art": "mbe", "ort": "Pirna", "seite": "99999999999999"}, 400),
        ({"art": "mbe", "ort": "Pirna", "seite": "2"}, 404),
        ({"art": "mbe", "ort": "Pirna", "sprache": "xx"}, 400),
        ({"art": "mbe", "ort": "Pirna", "gruppe": "aliens"}, 400),
        ({"art": "mbe", "ort": "Pirna", "ansicht": "3d"}, 400),
    ],
)
def test_bad_input_gets_a_helpful_page(client, registry, params, status):
    response = client.get(RESULTS, params)
    assert response.status_code == status
    html = response.content.decode()
    assert "Neue Suche" in html or "Welchen Ort" in html
    assert "<script>alert" not in html


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize("field", ["art", "ort", "ags", "lat", "umkreis", "sprache", "seite"])
def test_hostile_strings_never_500(client, registry, field, value):
    params = {"art": "mbe", "ort": "Pirna", field: value}
    response = client.get(RESULTS, params)
    assert response.status_code in (200, 400, 404)
    assert "<script>alert(1)" not in response.content.decode()


def test_hostile_detail_and_json(client):
    assert client.get("/suche/angebot/abc/").status_code == 404
    assert client.get("/suche/orte.json", {"q": "<script>" * 100}).status_code == 200
    assert client.get("/suche/grenzen/<x>.geojson").status_code == 404


def test_unknown_interface_language_falls_back_to_german(client):
    response = client.get("/suche/", HTTP_ACCEPT_LANGUAGE="xx-YY")
    assert response.status_code == 200 and 'lang="de"' in response.content.decode()
    bad = client.get("/sprache/", {"language": "xx", "next": "/suche/"})
    assert bad.status_code == 400 and "xx" in bad.content.decode()
    assert "django_language" not in bad.cookies


def test_language_choice_is_remembered_in_a_cookie(client):
    switched = client.get("/sprache/", {"language": "uk", "next": "/suche/?art=mbe"})
    assert switched.status_code == 302 and switched["Location"] == "/suche/?art=mbe"
    assert switched.cookies["django_language"].value == "uk"
    assert switched.cookies["django_language"]["samesite"] == "Lax"
    assert 'lang="uk"' in client.get("/suche/").content.decode()


@pytest.mark.parametrize(
    "target", ["https://example.org/", "//example.org/", "javascript:alert(1)", ""]
)
def test_language_switch_never_leaves_the_site(client, target):
    switched = client.get("/sprache/", {"language": "ar", "next": target})
    assert switched.status_code == 302 and switched["Location"] == "/"


def test_language_switch_is_a_get_form_without_a_token(client):
    html = client.get("/suche/").content.decode()
    form = re.search(r'<form class="language-switcher"[^>]*>', html)[0]
    assert 'method="get"' in form and 'action="/sprache/"' in form
    assert "csrfmiddlewaretoken" not in html


def test_second_page_continues_numbering(client, registry):
    from integrationsatlas.registry.models import Organization

    from .fixtures import add_service

    org = Organization.objects.get(name="Beratungsverein Elbtal")
    for n in range(9):
        add_service(org, f"MBE Zusatz {n}", 13.95 + n * 0.001, 50.96)
    first = client.get(RESULTS, {"art": "mbe", "ort": "Pirna"}).content.decode()
    assert 'rel="next"' in first and "Seite 1 von 2" in first
    second = client.get(RESULTS, {"art": "mbe", "ort": "Pirna", "seite": "2"})
    html = second.content.decode()
    assert second.status_code == 200
    assert 'start="11"' in html and 'rel="prev"' in html


def test_detail_has_route_links_and_ltr_isolated_contact(client, registry):
    from integrationsatlas.registry.models import Service

    service = Service.objects.get(name="MBE Pirna Sonnenstein")
    service.phone = "+49 3501 4711"
    service.save()
    html = client.get(
        reverse("finder:detail", args=[service.pk]), HTTP_ACCEPT_LANGUAGE="ar"
    ).content.decode()
    assert 'href="geo:50.955000,13.960000?q=50.955000,13.960000(MBE%20Pirna%20Sonnenstein)"' in html
    assert "https://www.openstreetmap.org/directions?route=%3B50.955000%2C13.960000" in html
    assert '<bdi dir="ltr">+49 3501 4711</bdi>' in html
    assert '<bdi dir="ltr">09:00–16:00</bdi>' in html
    assert '<address dir="ltr" lang="de"' in html
