"""Any kind at once: all offers, or a family such as all counselling, grouped by kind."""

import pytest

from integrationsatlas.taxonomy.models import OfferType

from .fixtures import add_service

RESULTS = "/suche/ergebnisse/"
pytestmark = pytest.mark.django_db


@pytest.fixture
def with_a_language_course(registry):
    return add_service(
        registry["open"].organization,
        "Integrationskurs Pirna",
        13.95,
        50.96,
        offer="integration_course",
        languages=["de", "uk"],
    )


def test_every_offer_type_has_a_known_family():
    assert set(OfferType.objects.values_list("family", flat=True)) == {
        "beratung",
        "sprache",
        "alltag",
        "mitwirken",
        "kommune",
    }


def test_all_kinds_groups_results_by_kind(client, with_a_language_course):
    response = client.get(RESULTS, {"art": "alle", "ort": "Pirna"})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("Migrationsberatung für Erwachsene") < html.index("Integrationskurs")
    assert 'id="group-mbe"' in html and 'id="group-integration_course"' in html
    assert "Integrationskurs Pirna" in html and "MBE Pirna Sonnenstein" in html


def test_counselling_family_in_ukrainian_only(client, with_a_language_course):
    family = client.get(RESULTS, {"art": "familie-beratung", "ort": "Pirna"}).content.decode()
    assert 'id="group-mbe"' in family and "Integrationskurs Pirna" not in family
    ukrainian = client.get(
        RESULTS, {"art": "familie-sprache", "ort": "Pirna", "sprache": "uk"}
    ).content.decode()
    assert "Integrationskurs Pirna" in ukrainian
    nothing = client.get(
        RESULTS, {"art": "familie-beratung", "ort": "Pirna", "sprache": "uk"}
    ).content.decode()
    assert "In diesem Umkreis haben wir nichts gefunden" in nothing


def test_unknown_family_is_a_clear_404(client, registry):
    response = client.get(RESULTS, {"art": "familie-gibtsnicht", "ort": "Pirna"})
    assert response.status_code == 404
    assert "Angebotsart nicht gefunden" in response.content.decode()


def test_start_page_offers_the_families(client):
    html = client.get("/suche/").content.decode()
    assert 'value="alle"' in html and 'value="familie-beratung"' in html
