"""The import page: who may use it, upload, problems shown, rollback button, template download."""

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from integrationsatlas.registry.models import ImportBatch, Membership, Service

from .conftest import make_csv, service_row

pytestmark = pytest.mark.django_db


def _user(username, role, **scope):
    user = get_user_model().objects.create_user(username, password="x-long-password-1")
    Membership.objects.create(user=user, role=role, **scope)
    return user


def test_template_download(client):
    response = client.get(reverse("interchange:template", args=["csv"]))
    assert response.status_code == 200
    assert response.content.startswith(b"service_id,organization_id")
    assert client.get("/austausch/vorlage.pdf").status_code == 404


def test_anonymous_may_not_import_and_members_without_role_neither(client):
    assert client.get(reverse("interchange:import")).status_code == 302
    client.force_login(get_user_model().objects.create_user("nobody", password="x-long-pass-1"))
    assert client.get(reverse("interchange:import")).status_code == 403


def test_admin_imports_sees_problems_and_rolls_back(client):
    client.force_login(_user("a", "state_admin"))
    page = client.get(reverse("interchange:import"))
    assert page.status_code == 200 and "Vorlage herunterladen" in page.content.decode()
    bad = SimpleUploadedFile("f.csv", make_csv([service_row(1, languages="xx")]))
    response = client.post(reverse("interchange:import"), {"file": bad})
    assert "Zeile 2, Spalte languages: unbekannter Sprachcode" in response.content.decode()
    assert not Service.objects.exists()
    good = SimpleUploadedFile("f.csv", make_csv([service_row(1)]))
    response = client.post(reverse("interchange:import"), {"file": good})
    assert "gespeichert" in response.content.decode() and Service.objects.count() == 1
    batch = ImportBatch.objects.get()
    response = client.post(reverse("interchange:rollback", args=[batch.pk]), follow=True)
    assert "zurückgenommen" in response.content.decode()
    assert not Service.objects.exists()


def test_coordinator_imports_only_in_own_region(client):
    client.force_login(_user("k", "coordinator", region_id="14628"))
    elsewhere = SimpleUploadedFile("f.csv", make_csv([service_row(1)]))  # Dresden 14612
    response = client.post(reverse("interchange:import"), {"file": elsewhere})
    assert "keine Berechtigung" in response.content.decode()
    assert not Service.objects.exists()
    pirna = service_row(
        2, longitude="13.9403", latitude="50.9624", postal_code="01796", city="Pirna"
    )
    response = client.post(
        reverse("interchange:import"), {"file": SimpleUploadedFile("g.csv", make_csv([pirna]))}
    )
    assert Service.objects.filter(external_id="test-svc-2").exists(), response.content.decode()[
        -800:
    ]
