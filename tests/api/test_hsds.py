"""HSDS 3.0 endpoints answer, and every response validates against the official compiled schemas."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from django.conf import settings

from integrationsatlas.interchange.hsds import ids, write

pytestmark = pytest.mark.django_db


def _schema_dir() -> Path | None:
    candidates = [
        os.environ.get("HSDS_SCHEMA_DIR"),
        Path(settings.BASE_DIR).parent / "shared/ref/hsds-3.0",
    ]
    for candidate in candidates:
        if candidate and (Path(candidate) / "compiled" / "service.json").exists():
            return Path(candidate)
    return None


SCHEMA_DIR = _schema_dir()
needs_schemas = pytest.mark.skipif(
    SCHEMA_DIR is None,
    reason="HSDS 3.0 schemas not found: set HSDS_SCHEMA_DIR or put them in ../shared/ref/hsds-3.0",
)


@pytest.fixture(scope="module")
def validate():
    """validate(kind, instance) with Draft 2020-12 and format checks (uuid, uri, email, date-time)."""
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource

    assert SCHEMA_DIR is not None
    resources = []
    for path in SCHEMA_DIR.glob("*.json"):
        if path.name != "openapi.json":
            contents = json.loads(path.read_text())
            resources.append((path.name, Resource.from_contents(contents, default_specification=
                              __import__("referencing.jsonschema").jsonschema.DRAFT202012)))  # fmt: skip
    registry = Registry().with_resources(resources)
    schemas = {
        "service": json.loads((SCHEMA_DIR / "compiled/service.json").read_text()),
        "organization": json.loads((SCHEMA_DIR / "compiled/organization.json").read_text()),
        "service_at_location": json.loads(
            (SCHEMA_DIR / "compiled/service_at_location.json").read_text()
        ),
        "taxonomy": json.loads((SCHEMA_DIR / "taxonomy.json").read_text()),
        "taxonomy_term": json.loads((SCHEMA_DIR / "taxonomy_term.json").read_text()),
    }

    def check(kind: str, instance: dict) -> None:
        validator = Draft202012Validator(
            schemas[kind], registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER
        )
        errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.path))
        assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]

    return check


PAGE_KEYS = {
    "total_items",
    "total_pages",
    "page_number",
    "size",
    "first_page",
    "last_page",
    "empty",
    "contents",
}


def _page(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == PAGE_KEYS
    return body["contents"]


@needs_schemas
def test_every_endpoint_validates(client, validate, published, demo_service, hidden):
    listed = {
        "/hsds/services": "service",
        "/hsds/services?full=true": "service",
        "/hsds/organizations": "organization",
        "/hsds/organizations?full=true": "organization",
        "/hsds/organizations?full_service=true": "organization",
        "/hsds/service_at_locations": "service_at_location",
        "/hsds/service_at_locations?full=true": "service_at_location",
        "/hsds/taxonomies": "taxonomy",
        "/hsds/taxonomy_terms": "taxonomy_term",
    }
    for url, kind in listed.items():
        contents = _page(client, url)
        assert contents, url
        for item in contents:
            validate(kind, item)
    services = _page(client, "/hsds/services?full=true")
    assert {s["name"] for s in services} == {published.name, demo_service.name}  # not the hidden
    for item in services:
        validate("service", client.get(f"/hsds/services/{item['id']}").json())
    for item in _page(client, "/hsds/organizations"):
        validate(
            "organization", client.get(f"/hsds/organizations/{item['id']}?full_service=true").json()
        )
    for item in _page(client, "/hsds/service_at_locations"):
        validate(
            "service_at_location", client.get(f"/hsds/service_at_locations/{item['id']}").json()
        )
    for item in _page(client, "/hsds/taxonomies"):
        validate("taxonomy", client.get(f"/hsds/taxonomies/{item['id']}").json())
    for item in _page(client, "/hsds/taxonomy_terms"):
        validate("taxonomy_term", client.get(f"/hsds/taxonomy_terms/{item['id']}").json())


def test_meta_endpoint(client):
    body = client.get("/hsds/").json()
    assert body["version"] == "3.0"
    assert body["openapi_url"].endswith("/hsds/openapi.json")
    assert client.get("/hsds/openapi.json").status_code == 200


def test_mapping_carries_languages_schedules_funding_area_and_offer_type(client, published):
    service = client.get(f"/hsds/services/{ids.hsds_id('service', published.pk)}").json()
    assert [lang["code"] for lang in service["languages"]] == ["de", "ar"]
    assert service["funding"][0]["source"].startswith("Bund")
    assert "2027-12-31" in service["funding"][0]["source"]
    assert service["service_areas"][0]["description"].endswith("14612")
    (sal,) = service["service_at_locations"]
    weekly = [s for s in sal["schedules"] if s.get("freq") == "WEEKLY"]
    assert sorted(s["byday"] for s in weekly) == sorted(["MO", "TU", "WE", "TH", "FR", "SA", "SU"])
    closed = [s for s in sal["schedules"] if s.get("valid_from") == "2030-12-24"]
    assert "geschlossen" in closed[0]["description"]
    assert sal["location"]["addresses"][0]["postal_code"] == "01067"
    assert sal["location"]["external_identifier"].startswith("14612")
    (offer,) = [a for a in service["attributes"] if a["link_type"] == "offer_type"]
    assert offer["taxonomy_term"]["code"] == "mbe"
    assert "alert" not in service


def test_demo_is_marked(client, demo_service):
    service = client.get(f"/hsds/services/{ids.hsds_id('service', demo_service.pk)}").json()
    assert service["alert"] == write.DEMO_ALERT
    demo = [a for a in service["attributes"] if a["taxonomy_term_id"] == write.demo_term()["id"]]
    assert demo and demo[0]["value"] == "true"
    only_demo = client.get(f"/hsds/services?taxonomy_term_id={write.demo_term()['id']}").json()
    assert [s["name"] for s in only_demo["contents"]] == ["Demo-Bibliothek"]


def test_filters(client, published, demo_service):
    mbe = write.taxonomy_term_to_hsds(published.offer_type)["id"]
    assert client.get(f"/hsds/services?taxonomy_term_id={mbe}").json()["total_items"] == 1
    org = ids.hsds_id("organization", published.organization_id)
    assert client.get(f"/hsds/services?organization_id={org}").json()["total_items"] == 2
    assert client.get("/hsds/services?search=Altmarkt").json()["total_items"] == 1
    minimal = client.get("/hsds/services?minimal=true").json()["contents"]
    assert set(minimal[0]) == {"id", "last_modified"}
    near = client.get("/hsds/service_at_locations?postcode=01067&proximity=3000").json()
    assert near["total_items"] == 1
    assert client.get("/hsds/service_at_locations?postcode=04109&proximity=3000").json()["empty"]


def test_pagination_and_errors(client, published, demo_service):
    page = client.get("/hsds/services?per_page=1&page=2").json()
    assert (page["size"], page["total_pages"], page["last_page"], page["first_page"]) == (
        1,
        2,
        True,
        False,
    )
    too_big = client.get("/hsds/services?per_page=101")
    assert too_big.status_code == 422
    assert too_big.json()["errors"][0]["field"] == "per_page"
    assert client.get("/hsds/services/not-a-uuid").status_code == 404
    assert client.get("/hsds/services/" + ids.hsds_id("organization", 1)).status_code == 404
    bad = client.get("/hsds/service_at_locations?postcode=99999")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "postcode"


def test_ids_round_trip():
    for kind in ids.KINDS:
        assert ids.parse_hsds_id(kind, ids.hsds_id(kind, 123456)) == 123456
    assert ids.parse_hsds_id("service", ids.hsds_id("organization", 5)) is None


@needs_schemas
def test_validator_catches_a_broken_object(validate, published):
    with pytest.raises(AssertionError):
        validate("service", {"id": "17", "name": "x", "status": "open"})


def test_ids_follow_external_ids_and_detail_endpoints_resolve_them(client, published, demo_service):
    """UUID external id: used as is; other external id: uuid5; none: pk-derived. All resolve."""
    uuid_text = "5f0c3a1e-2b7d-4c8e-9a6f-1d2e3f4a5b6c"
    published.external_id = uuid_text
    published.save()
    demo_service.external_id = "bib-7"
    demo_service.save()
    org = published.organization
    assert client.get(f"/hsds/services/{uuid_text}").json()["name"] == published.name
    derived = ids.derived_id("service", "bib-7")
    body = client.get(f"/hsds/services/{derived}").json()
    assert body["id"] == derived and body["name"] == "Demo-Bibliothek"
    (external,) = [a for a in body["attributes"] if a["taxonomy_term"]["code"] == "external_id"]
    assert external["value"] == "bib-7"
    org_id = ids.hsds_id("organization", org.pk)
    assert client.get(f"/hsds/organizations/{org_id}").json()["id"] == org_id
    assert client.get(f"/hsds/services?organization_id={org_id}").json()["total_items"] == 2
    (sal,) = client.get(f"/hsds/services/{uuid_text}").json()["service_at_locations"]
    assert client.get(f"/hsds/service_at_locations/{sal['id']}").json()["id"] == sal["id"]
    assert client.get(f"/hsds/services/{ids.derived_id('service', 'other')}").status_code == 404
