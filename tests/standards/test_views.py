"""Standard-set pages: public reading, planner-only import/copy/edit, errors shown, nothing half-saved."""

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from integrationsatlas.registry.models import Membership
from integrationsatlas.standards import document as doc_module
from integrationsatlas.standards.models import Rule, StandardSet
from integrationsatlas.standards.sets import import_document

EXAMPLE = doc_module.SCHEMA_FILE.parent.parent / "data" / "beispielstandard-sachsen-2030.yaml"
SLUG = "beispielstandard-sachsen-2030"

pytestmark = pytest.mark.django_db


@pytest.fixture
def example():
    return import_document(doc_module.read_file(EXAMPLE))[0]


def login(client, role=None):
    user = get_user_model().objects.create_user(f"u-{role}", password="pw-123456789")
    if role:
        Membership.objects.create(user=user, role=role)
    client.force_login(user)
    return user


def test_public_list_detail_export_and_schema(client, example):
    page = client.get("/standards/").content.decode()
    assert "Beispielstandard Sachsen 2030" in page and "Illustratives Beispiel" in page
    detail = client.get(f"/standards/{SLUG}/").content.decode()
    assert "kita-plaetze" in detail
    assert "illustrative example, not an official standard" in detail
    assert "Bearbeiten" not in detail and "Kopieren" not in detail
    exported = client.get(f"/standards/{SLUG}/export.yaml")
    assert exported["Content-Disposition"].endswith(f'{SLUG}.yaml"')
    assert doc_module.parse_yaml(exported.content.decode())["slug"] == SLUG
    schema = client.get("/standards/schema/standard_set.schema.json")
    assert b'"title": "Integrationsatlas standard set"' in b"".join(schema.streaming_content)


@pytest.mark.parametrize("role", [None, "provider"])
def test_import_copy_edit_refused_without_planning_role(client, example, role):
    if role == "provider":
        client.force_login(get_user_model().objects.create_user("p", password="pw-123456789"))
    assert client.get("/standards/import/").status_code == 403
    assert client.post(f"/standards/{SLUG}/kopieren/", {"new_slug": "x"}).status_code == 403
    assert client.get(f"/standards/{SLUG}/bearbeiten/").status_code == 403


def test_planner_imports_file_and_sees_named_errors(client):
    login(client, Membership.Role.PLANNER)
    draft = EXAMPLE.read_text(encoding="utf-8").replace("status: published", "status: draft")
    broken = draft.replace("target: 0.3", "target: -0.3", 1)
    response = client.post(
        "/standards/import/", {"file": SimpleUploadedFile("s.yaml", broken.encode())}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Regel „mbe-beratung“ (Nr. 1), Feld „target“" in page
    assert not StandardSet.objects.exists()
    response = client.post(
        "/standards/import/", {"file": SimpleUploadedFile("s.yaml", draft.encode())}
    )
    assert response.status_code == 302
    assert StandardSet.objects.get().rules.count() == 16


def test_planner_copies_and_edits_draft_but_not_published(client, example):
    login(client, Membership.Role.PLANNER)
    response = client.post(
        f"/standards/{SLUG}/kopieren/", {"new_slug": "entwurf", "name": "Mein Entwurf"}
    )
    assert response.status_code == 302
    assert client.get(f"/standards/{SLUG}/bearbeiten/").status_code == 403  # published
    form = client.get("/standards/entwurf/bearbeiten/").content.decode()
    assert "mbe-beratung" in form
    text = doc_module.dump_yaml(doc_module.read_file(EXAMPLE))
    published = text.replace("target: 0.3", "target: 0.4", 1)
    page = client.post("/standards/entwurf/bearbeiten/", {"text": published}).content.decode()
    assert "Feld „status“" in page  # a planner cannot publish
    edited = published.replace("status: published", "status: draft")
    response = client.post("/standards/entwurf/bearbeiten/", {"text": edited})
    assert response.status_code == 302
    rule = Rule.objects.get(standard_set__slug="entwurf", code="mbe-beratung")
    assert rule.target == 0.4
    broken = edited.replace("kind: presence", "kind: count", 1)
    page = client.post("/standards/entwurf/bearbeiten/", {"text": broken}).content.decode()
    assert "Feld „kind“" in page and "unbekannter Wert" in page
    assert (
        Rule.objects.get(standard_set__slug="entwurf", code="sprachcafe-vorhanden").kind
        == "presence"
    )
