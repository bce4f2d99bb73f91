"""REST API v1 reads: visibility per role, search filters, pagination, ETag, errors, docs page."""

from __future__ import annotations

import re

import pytest

from integrationsatlas.assessments.models import Assessment, AssessmentRow
from integrationsatlas.standards.models import StandardSet

pytestmark = pytest.mark.django_db


def test_regions_with_geometry_on_request(client):
    plain = client.get("/api/v1/regions?level=kreis").json()
    assert plain["count"] == 13 and plain["results"][0]["boundary"] is None
    shaped = client.get("/api/v1/regions/14612?geometry=true").json()
    assert shaped["boundary"]["type"] in {"Polygon", "MultiPolygon"}
    children = client.get("/api/v1/regions?parent=14625&page_size=100").json()
    assert children["count"] > 50 and all(r["ags"].startswith("14625") for r in children["results"])


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/regions?page_size=101", "page_size"),
        ("/api/v1/regions?page=0", "page"),
        ("/api/v1/regions?parent=abc", "parent"),
        ("/api/v1/services?region=99999", "region"),
        ("/api/v1/services?region=14x", "region"),
        ("/api/v1/services?offer_type=nope", "offer_type"),
        ("/api/v1/services?language=DEU", "language"),
        ("/api/v1/services?lat=51", "lon"),
        ("/api/v1/services?lat=91&lon=13", "lat"),
        ("/api/v1/indicators?region=1", "region"),
        ("/api/v1/regions/00000", "ags"),
    ],
)
def test_bad_queries_name_the_field(client, url, field):
    response = client.get(url)
    assert 400 <= response.status_code < 500
    assert field in [e["field"] for e in response.json()["errors"]], response.json()


def test_service_search(client, published, demo_service, hidden):
    everything = client.get("/api/v1/services").json()
    assert {s["name"] for s in everything["results"]} == {published.name, demo_service.name}
    near = client.get("/api/v1/services?lat=51.05&lon=13.74&radius_km=2").json()
    assert [s["id"] for s in near["results"]] == [published.pk]
    assert 0 < near["results"][0]["distance_km"] < 2
    assert client.get("/api/v1/services?lat=51.34&lon=12.37&radius_km=5").json()["count"] == 0
    assert client.get("/api/v1/services?offer_type=library").json()["count"] == 1
    assert client.get("/api/v1/services?language=ar").json()["count"] == 1
    assert client.get("/api/v1/services?language=tr").json()["count"] == 0
    assert client.get("/api/v1/services?free=false").json()["results"][0]["is_demo"] is True
    # The published service is open around the clock (00:00–23:59) every day.
    open_now = client.get("/api/v1/services?open_now=true").json()
    assert published.pk in [s["id"] for s in open_now["results"]]
    assert client.get("/api/v1/services?region=14612").json()["count"] == 1
    assert client.get("/api/v1/services?region=14612000").json()["count"] == 1
    assert client.get("/api/v1/services?region=14713").json()["count"] == 0


def test_pagination(client):
    # 20 offer types in pages of 6: three full pages and a last one with 2.
    first = client.get("/api/v1/offer-types?page_size=6").json()
    assert (first["count"], first["pages"], len(first["results"])) == (20, 4, 6)
    last = client.get("/api/v1/offer-types?page_size=6&page=4").json()
    assert len(last["results"]) == 2


def test_etag_and_last_modified(client, published):
    response = client.get(f"/api/v1/services/{published.pk}")
    assert response["ETag"] and response["Last-Modified"]
    again = client.get(f"/api/v1/services/{published.pk}", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    published.name = "Geändert"
    published.save()
    changed = client.get(f"/api/v1/services/{published.pk}", HTTP_IF_NONE_MATCH=response["ETag"])
    assert changed.status_code == 200


def test_unpublished_service_visible_only_to_editors(api, hidden):
    url = f"/api/v1/services/{hidden.pk}"
    assert api(None).get(url).status_code == 404
    assert api("nobody").get(url).status_code == 404
    assert api("other_coordinator").get(url).status_code == 404
    assert api("provider").get(url).status_code == 200
    assert api("admin").get(url).status_code == 200


@pytest.fixture
def assessments(db):
    public = StandardSet.objects.create(
        slug="pub", name="Beispiel", version="1", status="published"
    )
    draft = StandardSet.objects.create(slug="entwurf", name="Entwurf", version="0")
    shown = Assessment.objects.create(
        standard_set=public, standard_set_version="1", level="kreis",
        reference_date="2025-12-31", is_published=True,
    )  # fmt: skip
    Assessment.objects.create(
        standard_set=draft, standard_set_version="0", level="kreis", reference_date="2025-12-31"
    )
    for ags, status in (("14612", "met"), ("14625", "gap")):
        AssessmentRow.objects.create(
            assessment=shown, region_id=ags, rule_code="mbe-ratio", offer_type_code="mbe",
            kind="ratio", responsible_level="bund", target=1.0, status=status, unit="fte",
            explanation="Test",
        )  # fmt: skip
    return shown


@pytest.mark.parametrize(
    ("role", "sets", "runs"),
    [
        ("anonymous", 1, 1),
        ("provider", 1, 1),
        ("planner", 2, 2),
        ("coordinator", 2, 2),
        ("admin", 2, 2),
    ],
)
def test_standards_and_assessments_visibility(api, assessments, role, sets, runs):
    client = api(role)
    assert client.get("/api/v1/standard-sets").json()["count"] == sets
    assert client.get("/api/v1/assessments").json()["count"] == runs
    assert (client.get("/api/v1/standard-sets/entwurf").status_code == 200) == (sets == 2)


def test_assessment_rows(client, assessments):
    url = f"/api/v1/assessments/{assessments.pk}/rows"
    assert client.get(url).json()["count"] == 2
    assert [r["region"] for r in client.get(url + "?status=gap").json()["results"]] == ["14625"]
    assert client.get(url + "?region=14612").json()["count"] == 1
    assert client.get(url + "?region=x").status_code == 422


def test_docs_page_loads_only_own_static_files_without_inline_script(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r'<script[^>]*src="([^"]+)"', html)
    assert sources and all(src.startswith("/static/") for src in sources)
    assert "cdn" not in html.lower()
    for match in re.finditer(r"<script(?![^>]*\bsrc=)([^>]*)>", html):
        assert 'type="application/json"' in match.group(1)  # data, not code
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert client.get("/api/v1/openapi.json").json()["info"]["title"] == "Integrationsatlas API"


def test_indicators(client):
    body = client.get("/api/v1/indicators?region=14612&latest=true").json()
    assert body["count"] >= 1
    assert {r["region"] for r in body["results"]} == {"14612"}


def test_nul_character_is_bad_input(client):
    response = client.get("/api/v1/services?q=a%00b")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "q"
