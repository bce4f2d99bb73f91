"""Hostile strings in every text field: stored text is always shown escaped, bad input refused, no 500.

Payloads go into every free-text field of the registry edit form, a CSV cell on the import
page, the API service write and a standard set's YAML name; then every page that shows them
is fetched.
"""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from integrationsatlas.registry import workflow
from integrationsatlas.registry.models import Service
from integrationsatlas.standards import document as doc_module
from integrationsatlas.standards.models import StandardSet

from ..interchange.conftest import make_csv, service_row
from .conftest import PIRNA, service_payload
from .htmlforms import read_form, with_values
from .test_permission_matrix import EXAMPLE, _api_client

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE = '"><img src=x onerror=alert(1)>'
HOSTILE = f"X {SCRIPT} {ATTRIBUTE} {{{{7*7}}}} '; DROP TABLE registry_service; -- \u202egnp.exe"
RAW = (SCRIPT, "<img src=x", "onerror=alert(1)>")


def _assert_escaped(response, where: str) -> None:
    assert response.status_code < 500, f"{where}: HTTP {response.status_code}"
    if response["Content-Type"].startswith("text/html"):
        html = response.content.decode()
        for raw in RAW:
            assert raw not in html, f"{where}: {raw!r} unescaped"


PIRNA_AGS = "14628270"


def _pages(world, service: Service) -> dict[str, str]:
    return {
        "mine": reverse("registry:mine"),
        "mine?q": reverse("registry:mine") + "?q=%3Cscript%3E",
        "edit": reverse("registry:edit", args=[service.pk]),
        "history": reverse("registry:history", args=[service.pk]),
        "review": reverse("registry:review_queue"),
        # The public finder shows the published name and texts.
        "finder-detail": reverse("finder:detail", args=[service.pk]),
        "finder-results": reverse("finder:results")
        + f"?art={service.offer_type.code}&ags={PIRNA_AGS}&umkreis=50",
        "finder-hostile-place": reverse("finder:results") + "?art=mbe&ort=%3Cscript%3Ealert(1)",
    }


def test_registry_edit_form_every_text_field(world):
    coordinator = world.client("coordinator_x")
    url = reverse("registry:edit", args=[world.service.pk])
    fields, text_fields = read_form(coordinator.get(url).content.decode(), "service-form")
    assert {"name", "description", "loc-0-address"} <= set(text_fields)
    saved = 0
    for name in text_fields:
        response = coordinator.post(url, with_values(fields, **{name: HOSTILE}))
        _assert_escaped(response, f"edit form, field {name}")
        if response.status_code == 302:
            saved += 1
            # The next post needs the new version (a refused one left the form as it was).
            fields, _ = read_form(coordinator.get(url).content.decode(), "service-form")
    assert saved >= 5  # free-text fields take the text; formatted ones refuse it with a message
    assert world.refresh().name == HOSTILE
    # A provider's change waiting for review shows the payload in the review pages too.
    form, _ = read_form(world.client("provider_a").get(url).content.decode(), "service-form")
    world.client("provider_a").post(url, with_values(form, description=HOSTILE + " neu"))
    change = workflow.open_change(world.refresh())
    assert change is not None
    for role in ("coordinator_x", "provider_a", "state_admin"):
        client = world.client(role)
        pages = _pages(world, world.service)
        pages["review detail"] = reverse("registry:review_detail", args=[change.pk])
        for where, page in pages.items():
            _assert_escaped(client.get(page), f"{where} as {role}")
    api = world.client("anonymous").get(f"/api/v1/services/{world.service.pk}")
    assert api["Content-Type"].startswith("application/json")
    assert api.json()["name"] == HOSTILE  # stored exactly, escaped only where HTML is made


@pytest.mark.parametrize(
    ("value", "message"),
    [("Name\x00mit NUL", "NUL"), ("L" * 5000, "")],
)
def test_nul_and_overlong_are_refused_cleanly(world, value, message):
    client = world.client("coordinator_x")
    url = reverse("registry:edit", args=[world.service.pk])
    fields, _ = read_form(client.get(url).content.decode(), "service-form")
    response = client.post(url, with_values(fields, name=value))
    assert response.status_code == 400, response.status_code
    assert message in response.content.decode()
    assert world.refresh().name == "Migrationsberatung Pirna"


def test_import_csv_cell(world):
    row = service_row(
        3, name=HOSTILE, description=HOSTILE, longitude=str(PIRNA[0]), latitude=str(PIRNA[1]),
        postal_code="01796", city="Pirna", address=HOSTILE,
    )  # fmt: skip
    client = world.client("coordinator_x")
    upload = SimpleUploadedFile("a.csv", make_csv([row]))
    response = client.post(reverse("interchange:import"), {"file": upload})
    _assert_escaped(response, "import page")
    service = Service.objects.get(name=HOSTILE)
    for where, page in _pages(world, service).items():
        _assert_escaped(client.get(page), f"{where} after import")
    bad = SimpleUploadedFile("b.csv", make_csv([service_row(4, languages=SCRIPT)]))
    _assert_escaped(client.post(reverse("interchange:import"), {"file": bad}), "import problems")
    nul = SimpleUploadedFile("c.csv", make_csv([service_row(5, name="a\x00b")]))
    response = client.post(reverse("interchange:import"), {"file": nul})
    _assert_escaped(response, "import with NUL")
    assert not Service.objects.filter(name__contains="a").filter(name__endswith="b").exists()


def test_api_service_write(world):
    body = service_payload(world.org_a, name=HOSTILE, description=HOSTILE, contact_name=HOSTILE)
    client = _api_client(world, "coordinator_x")
    response = client.post("/api/v1/services", json.dumps(body), content_type="application/json")
    assert response.status_code == 201, response.content
    service = Service.objects.get(pk=response.json()["service"]["id"])
    assert service.name == HOSTILE
    for where, page in _pages(world, service).items():
        _assert_escaped(world.client("state_admin").get(page), f"{where} after API write")
    for value in ("a\x00b", "L" * 5000):
        refused = client.post(
            "/api/v1/services",
            json.dumps(service_payload(world.org_a, name=value)),
            content_type="application/json",
        )
        assert refused.status_code == 422, (refused.status_code, refused.content[:200])
        assert refused.json()["errors"]


def test_standard_set_yaml_name(world):
    document = doc_module.read_file(EXAMPLE) | {
        "slug": "feindlich", "status": "draft", "name": HOSTILE, "description": HOSTILE,
    }  # fmt: skip
    client = world.client("coordinator_x")
    response = client.post(reverse("standards:import"), {"text": doc_module.dump_yaml(document)})
    assert response.status_code == 302, response.content.decode()[:500]
    assert StandardSet.objects.get(slug="feindlich").name == HOSTILE
    for page in ("/standards/", "/standards/feindlich/", "/standards/feindlich/bearbeiten/",
                 "/planung/szenarien/", "/api/v1/standard-sets"):  # fmt: skip
        _assert_escaped(client.get(page), page)
    bad = doc_module.dump_yaml(document | {"slug": "feindlich-2", "name": "a\x00b"})
    _assert_escaped(client.post(reverse("standards:import"), {"text": bad}), "YAML with NUL")
    assert not StandardSet.objects.filter(slug="feindlich-2").exists()
