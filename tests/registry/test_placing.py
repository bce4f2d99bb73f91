"""Sites in the edit form: coordinates optional (placed from PLZ/Ort), flags only for the point they belong to."""

import pytest
from django.urls import reverse

from integrationsatlas.regions.models import PostalCode
from integrationsatlas.registry.placing import place_form_sites, point_text

pytestmark = pytest.mark.django_db


def _row(**values):
    base = {"address": "Markt 1", "postal_code": "01855", "city": "Sebnitz"}
    return base | {"longitude": None, "latitude": None, "placement": ""} | values


def test_a_site_without_coordinates_is_placed_and_flagged():
    payload = {"locations": [_row()]}
    place_form_sites(payload)
    site = payload["locations"][0]
    code = PostalCode.objects.get(code="01855")
    assert site["placement"] == "postal_code"
    assert (site["longitude"], site["latitude"]) == (code.lon, code.lat)


def test_an_unknown_postal_code_leaves_the_site_for_validation_to_name():
    payload = {"locations": [_row(postal_code="80331", city="München")]}
    place_form_sites(payload)
    assert payload["locations"][0]["longitude"] is None


def test_a_flag_stays_only_at_its_point():
    point = (14.123456, 50.987654)
    kept = _row(
        longitude=point[0], latitude=point[1], placement="map", placed_at=point_text(*point)
    )
    typed = _row(
        longitude=14.2, latitude=50.9, placement="postal_code", placed_at=point_text(*point)
    )
    forged = _row(longitude=14.2, latitude=50.9, placement="astrologie")
    payload = {"locations": [kept, typed, forged]}
    place_form_sites(payload)
    assert [row["placement"] for row in payload["locations"]] == ["map", "given", "given"]
    assert all("placed_at" not in row for row in payload["locations"])


def test_locate_answers_editors_only(client, provider_a):
    url = reverse("registry:locate")
    query = {"address": "Prohliser Allee 10", "postal_code": "01239", "city": "Dresden"}
    assert client.get(url, query).status_code == 302  # to the login page
    client.force_login(provider_a)
    answer = client.get(url, query).json()
    assert answer["placement"] == "postal_code" and answer["gemeinde"] == "14612000"
    assert answer["label"] == "Lage geschätzt (Postleitzahl)"
    missing = client.get(url, {"postal_code": "80331", "city": "München"})
    assert missing.status_code == 404 and "80331" in missing.json()["error"]


def test_saving_without_coordinates_gives_a_clear_message_for_an_unknown_postal_code(
    client, provider_a, org_a
):
    client.force_login(provider_a)
    response = client.post(
        reverse("registry:new"),
        {
            "organization": org_a.pk,
            "offer_type": "mbe",
            "name": "Beratung",
            "status": "active",
            "loc_count": "1",
            "loc-0-address": "Marienplatz 1",
            "loc-0-postal_code": "80331",
            "loc-0-city": "München",
            "action": "submit",
        },
    )
    assert response.status_code == 400
    assert "Die Lage fehlt" in response.content.decode()
