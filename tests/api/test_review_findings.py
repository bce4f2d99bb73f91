"""The security review's API findings: duplicate ids answer 409 JSON, the GET shape can be PUT
back, over-long values are refused with the field and the limit."""

from __future__ import annotations

import json

import pytest

from integrationsatlas.registry.models import Location, Service

from .conftest import new_payload

pytestmark = pytest.mark.django_db


def send(client, method, path, data):
    return getattr(client, method)(path, json.dumps(data), content_type="application/json")


@pytest.mark.parametrize("method", ["post", "put"])
def test_another_services_external_id_is_a_409_naming_the_field(
    api, org, published, hidden, method
):
    hidden.external_id = "traeger-b-0815"
    hidden.save()
    path = "/api/v1/services" if method == "post" else f"/api/v1/services/{published.pk}"
    before = Service.objects.get(pk=published.pk).name, Service.objects.count()
    response = send(
        api("coordinator"), method, path, new_payload(org, external_id="traeger-b-0815")
    )
    assert response.status_code == 409, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["errors"] == [
        {
            "field": "external_id",
            "message": "Die externe ID „traeger-b-0815“ gehört schon zu einem anderen Angebot.",
        }
    ]
    assert (Service.objects.get(pk=published.pk).name, Service.objects.count()) == before


def test_another_sites_external_id_is_a_409_naming_the_site(api, org, published, other_org):
    Location.objects.create(
        organization=other_org,
        external_id="ort-fremd",
        address="Fremde Str. 1",
        postal_code="01067",
        city="Dresden",
        longitude=13.74,
        latitude=51.05,
    )
    payload = new_payload(org)
    payload["locations"][0]["external_id"] = "ort-fremd"
    response = send(api("provider"), "post", "/api/v1/services", payload)
    assert response.status_code == 409, response.content
    assert response.json()["errors"][0]["field"] == "locations[0].external_id"


def test_keeping_its_own_external_ids_is_no_conflict(api, published):
    published.external_id = "eigen-1"
    published.save()
    location = published.service_at_locations.get().location
    location.external_id = "eigen-ort-1"
    location.save()
    shape = api("coordinator").get(f"/api/v1/services/{published.pk}").json()
    shape["name"] = "Migrationsberatung Altmarkt (umbenannt)"
    response = send(api("coordinator"), "put", f"/api/v1/services/{published.pk}", shape)
    assert response.status_code == 201, response.content


def test_the_get_shape_can_be_put_back_and_read_only_fields_are_ignored(api, published):
    shape = api("coordinator").get(f"/api/v1/services/{published.pk}").json()
    assert isinstance(shape["organization"], dict)
    shape["name"] = "Neu benannt"
    shape["version"] = 999
    shape["is_demo"] = True
    shape["locations"][0]["gemeinde"] = "14713000"
    response = send(api("coordinator"), "put", f"/api/v1/services/{published.pk}", shape)
    assert response.status_code == 201, response.content
    service = Service.objects.get(pk=published.pk)
    assert service.name == "Neu benannt"
    assert service.is_demo is False  # read-only: ignored
    assert service.version == published.version + 1
    assert service.service_at_locations.get().location.gemeinde_id == "14612000"
    # Still strict about everything else.
    shape["colour"] = "blau"
    refused = send(api("coordinator"), "put", f"/api/v1/services/{published.pk}", shape)
    assert refused.status_code == 422
    assert refused.json()["errors"] == [{"field": "colour", "message": "unbekanntes Feld."}]


@pytest.mark.parametrize(
    ("field", "limit"), [("name", 300), ("fee_description", 300), ("phone", 60)]
)
def test_over_long_values_are_refused_with_field_and_limit(api, org, field, limit):
    response = send(
        api("coordinator"), "post", "/api/v1/services", new_payload(org, **{field: "x" * 100_000})
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": field, "message": f"zu lang: höchstens {limit} Zeichen erlaubt."}
    ]
    assert not Service.objects.filter(**{field: "x" * limit}).exists()
