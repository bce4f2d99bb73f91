"""Writing through the API: permissions per role, review workflow, history, bad input writes nothing."""

from __future__ import annotations

import json

import pytest

from integrationsatlas.registry import workflow
from integrationsatlas.registry.models import ChangeRequest, Service

from .conftest import new_payload

pytestmark = pytest.mark.django_db


def post(client, data, path="/api/v1/services"):
    return client.post(path, json.dumps(data), content_type="application/json")


def test_provider_creation_waits_for_review_and_stays_hidden(api, org, users):
    response = post(api("provider"), new_payload(org))
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["published"] is False
    assert body["change_request"]["state"] == "submitted"
    service = Service.objects.get(pk=body["service"]["id"])
    assert not service.is_published

    # In the coordinator's queue, not in public results (REST and HSDS).
    queue = api("coordinator").get("/api/v1/change-requests").json()
    assert [c["service"] for c in queue] == [service.pk]
    assert api(None).get("/api/v1/services?q=Sprachcaf").json()["count"] == 0
    assert api(None).get(f"/api/v1/services/{service.pk}").status_code == 404
    assert api(None).get("/hsds/services?search=Sprachcaf").json()["total_items"] == 0
    # The provider sees its own draft.
    assert api("provider").get(f"/api/v1/services/{service.pk}").status_code == 200

    workflow.approve(users["coordinator"], ChangeRequest.objects.get(service=service))
    found = api(None).get("/api/v1/services?q=Sprachcaf").json()
    assert [s["id"] for s in found["results"]] == [service.pk]
    assert service.history.count() >= 2  # created, then approved: every write is in the history


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 401),
        ("nobody", 403),
        ("planner", 403),
        ("provider", 202),
        ("coordinator", 201),
        ("other_coordinator", 202),  # a Leipzig coordinator does not review Dresden
        ("admin", 201),
    ],
)
def test_create_permissions(api, org, role, status):
    response = post(api(role), new_payload(org))
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    if status == 201:
        assert response.json()["published"] is True
        assert Service.public.filter(name="Sprachcafé Neustadt").exists()
    if status >= 400:
        assert not Service.objects.filter(name="Sprachcafé Neustadt").exists()


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 401),
        ("nobody", 403),
        ("provider", 202),
        ("coordinator", 201),
        ("other_coordinator", 403),
        ("admin", 201),
    ],
)
def test_replace_permissions(api, org, published, role, status):
    data = new_payload(org, name="Neuer Name", base_version=published.version)
    response = api(role).put(
        f"/api/v1/services/{published.pk}", json.dumps(data), content_type="application/json"
    )
    assert response.status_code == status, response.content
    published.refresh_from_db()
    assert (published.name == "Neuer Name") == (status == 201)


def test_provider_of_other_organization_may_not_create(api, other_org):
    response = post(api("provider"), new_payload(other_org))
    assert response.status_code == 403
    assert not Service.objects.filter(organization=other_org).exists()


def test_stale_base_version_is_a_conflict(api, org, published):
    data = new_payload(org, name="Alt", base_version=published.version)
    assert (
        api("coordinator")
        .put(f"/api/v1/services/{published.pk}", json.dumps(data), content_type="application/json")
        .status_code
        == 201
    )
    again = api("coordinator").put(
        f"/api/v1/services/{published.pk}", json.dumps(data), content_type="application/json"
    )
    assert again.status_code == 409
    assert again.json()["detail"]


@pytest.mark.parametrize(("role", "status"), [("provider", 403), ("coordinator", 204)])
def test_delete_published_service(api, published, role, status):
    response = api(role).delete(f"/api/v1/services/{published.pk}?reason=Beendet")
    assert response.status_code == status
    published.refresh_from_db()
    assert published.is_deleted == (status == 204)


def test_delete_needs_a_reason(api, published):
    response = api("coordinator").delete(f"/api/v1/services/{published.pk}")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "reason"


def test_revoked_token_is_refused(api, org, users, tokens):
    users["admin"].api_tokens.get().revoke()
    assert post(api("admin"), new_payload(org)).status_code == 401
    assert api("admin").get("/api/v1/regions").status_code == 401


# ---- bad input: 4xx JSON naming the field, nothing written ---------------------------------


def _nothing_written():
    assert not Service.objects.exists()
    assert not ChangeRequest.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ('{"name": "x", ', "body"),
        ("[1, 2]", "body"),
        (json.dumps({"name": 5}), "name"),
        (json.dumps({"name": "x", "organization": "eins", "offer_type": "mbe"}), "organization"),
        (json.dumps({"name": "x", "organization": 1, "offer_type": "mbe", "colour": "red"}), "colour"),
        (json.dumps({"name": "x", "organization": 1, "offer_type": "mbe",
                     "locations": [{"address": "a", "postal_code": "1", "city": "c",
                                    "longitude": 13.7, "latitude": 51}]}), "locations[0].postal_code"),
    ],
)  # fmt: skip
def test_bad_bodies_name_the_field(api, org, body, field):
    response = api("admin").post("/api/v1/services", body, content_type="application/json")
    assert 400 <= response.status_code < 500, response.content
    fields = [e["field"] for e in response.json()["errors"]]
    assert field in fields, response.json()
    _nothing_written()


def test_workflow_validation_errors_name_the_field(api, org):
    data = new_payload(org, offer_type="unbekannt")
    response = post(api("admin"), data)
    assert response.status_code == 422
    assert any(e["field"].startswith("offer_type") for e in response.json()["errors"])
    _nothing_written()


def test_unknown_organization_names_the_field(api, org):
    data = new_payload(org)
    data["organization"] = 999999
    response = post(api("admin"), data)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "organization"
    _nothing_written()


def test_oversized_body_is_refused_before_reading(api, org):
    data = new_payload(org, description="x" * 300_000)
    response = post(api("admin"), data)
    assert response.status_code == 413
    assert response.json()["errors"][0]["field"] == "body"
    _nothing_written()
