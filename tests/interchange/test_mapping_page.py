"""The import page's mapping step: upload a Kreis list, map the rest, preview, import, save the profile."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from integrationsatlas.interchange.mapping import read_profile
from integrationsatlas.registry.models import Location, Membership, Service

pytestmark = pytest.mark.django_db

LIST = (
    "Träger;Angebot;Straße;Hausnummer;PLZ;Ort;Sprachen;Kürzel\r\n"
    "Diakonie Pirna;Migrationsberatung;Dohnaische Straße;10;01796;Pirna;Deutsch, Arabisch;A1\r\n"
    "Diakonie Pirna;Sprachcafé;Markt;1;01855;Sebnitz;Deutsch;B2\r\n"
)


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_user("admin-liste", password="pw-Liste-2026")
    Membership.objects.create(user=user, role=Membership.Role.STATE_ADMIN)
    client.force_login(user)
    return client


def _upload(client):
    upload = SimpleUploadedFile("wegweiser.csv", LIST.encode("cp1252"), "text/csv")
    return client.post(reverse("interchange:import"), {"file": upload})


def _mapping(**extra):
    # Columns by position: Träger, Angebot, Straße, Hausnummer, PLZ, Ort, Sprachen, Kürzel.
    fields = {
        "column-0": "organization_name",
        "column-1": "name",
        "column-2": "street",
        "column-3": "house_number",
        "column-4": "postal_code",
        "column-5": "city",
        "column-6": "languages",
        "column-7": "service_id",
        "offer_type": "mbe",
        "id_prefix": "pirna",
    }
    return fields | extra


def test_list_goes_through_mapping_preview_and_import(admin_client):
    response = _upload(admin_client)
    assert response.status_code == 302 and response["Location"] == reverse("interchange:mapping")
    page = admin_client.get(reverse("interchange:mapping")).content.decode()
    assert "Windows-1252 (cp1252)" in page
    assert 'value="?" selected' in page  # Kürzel is not a known header
    assert 'value="organization_name" selected' in page  # Träger is

    unmapped = admin_client.post(
        reverse("interchange:mapping"), _mapping(**{"column-7": "?"}) | {"action": "preview"}
    )
    assert "Spalte Kürzel: unbekannte Spalte" in unmapped.content.decode()

    preview = admin_client.post(reverse("interchange:mapping"), _mapping(action="preview"))
    text = preview.content.decode()
    assert "Vorschau: nichts gespeichert." in text and "Jetzt importieren" in text
    assert "2 Standorte ohne Koordinaten: Lage geschätzt (Postleitzahl)." in text
    assert not Service.objects.exists()

    done = admin_client.post(reverse("interchange:mapping"), _mapping(action="import"))
    assert "gespeichert" in done.content.decode()
    assert sorted(Service.objects.values_list("external_id", flat=True)) == ["A1", "B2"]
    assert Location.objects.filter(placement="postal_code").count() == 2
    # The staged file is gone with the import.
    assert admin_client.get(reverse("interchange:mapping")).status_code == 302


def test_mapping_is_saved_as_a_profile_the_cli_reads(admin_client):
    _upload(admin_client)
    response = admin_client.post(reverse("interchange:mapping"), _mapping(action="download"))
    assert response["Content-Disposition"] == 'attachment; filename="zuordnung.json"'
    document = json.loads(response.content)
    assert document["columns"]["Kürzel"] == "service_id" and document["offer_type"] == "mbe"
    profile = read_profile(response.content.decode(), "zuordnung.json")
    assert profile.columns["Straße"] == "street" and profile.id_prefix == "pirna"
