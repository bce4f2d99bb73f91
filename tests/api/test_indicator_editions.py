"""Issue 16: statistics import through the API (multipart upload with a token)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from integrationsatlas.regions.models import IndicatorEdition, IndicatorValue

pytestmark = pytest.mark.django_db

URL = "/api/v1/indicator-editions"
FILE = b"region;indicator;reference_date;value\n14612000;foreign_population;31.12.2024;52.000\n14612000;population;31.12.2024;x\n"


def send(client, data=FILE, **fields):
    form = {"source": "Landeshauptstadt Dresden", "licence": "dl-de/by-2-0", **fields}
    return client.post(URL, {**form, "file": SimpleUploadedFile("dresden.csv", data)})


def test_coordinator_imports_and_the_edition_is_listed(api):
    response = send(api("coordinator"))
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["new"], body["unknown"]) == (2, 1) and body["edition"]["loaded_by"] == "cora"
    listed = api(None).get(URL).json()
    assert [e["edition"] for e in listed] == [body["edition"]["edition"]]
    values = api(None).get("/api/v1/indicators?region=14612000&code=population").json()["results"]
    assert {v["reference_date"]: v["value"] for v in values}["2024-12-31"] is None
    assert send(api("coordinator")).status_code == 200  # nothing new: no second edition


@pytest.mark.parametrize(
    ("role", "status"), [("anonymous", 401), ("provider", 403), ("other_coordinator", 422)]
)
def test_who_may_import(api, role, status):
    assert send(api(role)).status_code == status
    assert not IndicatorEdition.objects.exists()


def test_bad_row_is_named_and_nothing_is_stored(api):
    before = IndicatorValue.objects.count()
    response = send(api("admin"), FILE + b"14612000;population;2099-01-01;5\n")
    assert response.status_code == 422
    assert "Zeile 4, Spalte reference_date" in response.json()["errors"][0]["message"]
    assert IndicatorValue.objects.count() == before
