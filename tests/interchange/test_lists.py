"""Lists as Kreise keep them: cp1252 and `;`, German headers, mapping profiles, sites placed by PLZ."""

import io
import json

import pytest
from django.core.management import call_command

from integrationsatlas.interchange.encodings import CP1252, UTF8, UTF8_BOM, decode
from integrationsatlas.interchange.flat import COLUMNS
from integrationsatlas.interchange.importer import import_file
from integrationsatlas.interchange.mapping import Profile, read_profile
from integrationsatlas.interchange.problems import ImportRefused
from integrationsatlas.regions.models import PostalCode
from integrationsatlas.registry.models import Location, Placement, Service

pytestmark = pytest.mark.django_db

TEMPLATE_ROWS = [
    # service_id, name, street, PLZ, Ort: no coordinates.
    ("kl-1", "Migrationsberatung Pirna", "Dohnaische Straße 10", "01796", "Pirna"),
    ("kl-2", "Sprachcafé Sebnitz", "Markt 1", "01855", "Sebnitz"),
    ("kl-3", "Beratung Löbau", "Altmarkt 1", "02708", "Löbau"),
]


def _template_csv(rows=TEMPLATE_ROWS, encoding="cp1252") -> bytes:
    header = ";".join(COLUMNS)
    lines = [header]
    for service_id, name, address, plz, city in rows:
        values = dict.fromkeys(COLUMNS, "") | {
            "service_id": service_id,
            "organization_id": "kl-org",
            "organization_name": "Diakonie Sächsische Schweiz e. V.",
            "offer_type": "mbe",
            "name": name,
            "location_id": f"{service_id}-ort",
            "address": address,
            "postal_code": plz,
            "city": city,
        }
        lines.append(";".join(values[c] for c in COLUMNS))
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def test_decode_names_the_encoding():
    assert decode("Träger".encode()).encoding == UTF8
    assert decode("Träger".encode("utf-8-sig")).encoding == UTF8_BOM
    assert decode("Träger".encode("cp1252")).encoding == CP1252
    assert decode("Träger".encode("cp1252")).text == "Träger"
    with pytest.raises(ImportRefused, match="Unbekannte Zeichenkodierung"):
        decode(b"Tr\x81ger")
    with pytest.raises(ImportRefused, match="UTF-16"):
        decode("Träger".encode("utf-16"))


def test_cp1252_template_without_coordinates_imports_from_the_cli(tmp_path):
    """Done-when of issue 16: every site lands in its PLZ's Gemeinde, flagged as estimated."""
    path = tmp_path / "wegweiser.csv"
    path.write_bytes(_template_csv())
    out = io.StringIO()
    call_command("import", str(path), stdout=out)
    text = out.getvalue()
    assert "Zeichenkodierung: Windows-1252 (cp1252), Trennzeichen „;“" in text
    assert "3 Standorte ohne Koordinaten: Lage geschätzt (Postleitzahl)" in text
    for service_id, _name, _address, plz, city in TEMPLATE_ROWS:
        location = Location.objects.get(external_id=f"{service_id}-ort")
        code = PostalCode.objects.get(code=plz)
        assert location.gemeinde_id in set(code.gemeinden.values_list("ags", flat=True))
        assert location.gemeinde.name.startswith(city)
        assert location.placement == Placement.POSTAL_CODE and location.is_estimated
    assert Location.objects.get(external_id="kl-1-ort").city == "Pirna"
    assert Service.objects.get(external_id="kl-1").organization.name.startswith("Diakonie Säch")


def test_reimport_of_the_same_list_changes_nothing():
    first = import_file(_template_csv(), "liste.csv")
    assert first.written and len(first.created) == 3
    again = import_file(_template_csv(), "liste.csv")
    assert sorted(again.unchanged) == ["kl-1", "kl-2", "kl-3"]


def test_unknown_postal_code_is_a_problem_of_its_row():
    rows = [*TEMPLATE_ROWS[:1], ("kl-9", "Irgendwo", "Weg 1", "80331", "München")]
    result = import_file(_template_csv(rows), "liste.csv")
    assert not result.written
    assert [(p.row, p.column) for p in result.problems] == [(3, "postal_code")]
    assert "80331" in result.problems[0].message
    assert not Location.objects.exists()


GERMAN_LIST = (
    "Träger;Einrichtung;Angebot;Straße;Hausnummer;PLZ;Ort;Telefon;E-Mail;Internet;Sprachen;"
    "Öffnungszeiten;Zielgruppe;Bemerkung\r\n"
    "Caritas Dresden;Beratungsstelle Prohlis;Migrationsberatung;Prohliser Allee;10;1239;Dresden;"
    "0351 123;info@caritas.example;www.caritas.example;Deutsch, Arabisch und Farsi;"
    "Mo-Fr 9-12 Uhr;Familien, Geflüchtete;intern\r\n"
)


def test_german_list_needs_its_unknown_column_mapped():
    with pytest.raises(ImportRefused) as refused:
        import_file(GERMAN_LIST.encode("cp1252"), "liste.csv", default_offer_type="mbe")
    problems = refused.value.problems
    assert [(p.row, p.column) for p in problems] == [(1, "Bemerkung")]
    assert "unbekannte Spalte" in problems[0].message


def test_german_list_with_a_profile():
    profile = read_profile(
        json.dumps({"columns": {"Bemerkung": None}, "offer_type": "mbe", "id_prefix": "dd"}),
        "profil.json",
    )
    result = import_file(GERMAN_LIST.encode("utf-8-sig"), "liste.csv", profile=profile)
    assert result.written, [str(p) for p in result.problems]
    assert result.encoding == UTF8_BOM
    service = Service.objects.get()
    assert service.external_id.startswith("dd-angebot-")
    assert service.languages == ["de", "ar", "fa"]
    assert service.target_groups == ["families", "refugees"]
    assert service.website == "https://www.caritas.example"
    location = service.service_at_locations.get().location
    assert (location.address, location.postal_code, location.city) == (
        "Prohliser Allee 10",
        "01239",
        "Dresden",
    )
    assert location.name == "Beratungsstelle Prohlis" and location.is_estimated
    assert location.gemeinde_id == "14612000"
    hours = service.service_at_locations.get().schedules.order_by("weekday")
    assert [(h.weekday, str(h.opens_at)) for h in hours] == [(d, "09:00:00") for d in range(1, 6)]
    again = import_file(GERMAN_LIST.encode("utf-8-sig"), "liste.csv", profile=profile)
    assert again.unchanged == [service.external_id]


def test_problems_of_a_mapped_file_name_its_own_columns():
    bad = GERMAN_LIST.replace("Deutsch, Arabisch und Farsi", "Deutsch, Klingonisch")
    profile = Profile(columns={"Bemerkung": ""}, offer_type="mbe")
    result = import_file(bad.encode("cp1252"), "liste.csv", profile=profile)
    assert not result.written
    assert [(p.row, p.column) for p in result.problems] == [(2, "Sprachen")]
    assert "Klingonisch" in result.problems[0].message


def test_profile_with_an_unknown_target_is_refused():
    with pytest.raises(ImportRefused, match="kennt die Vorlage nicht"):
        read_profile('{"columns": {"Träger": "farbe"}}', "profil.json")


def test_rollback_deletes_in_one_go_and_every_history_row_says_why():
    from integrationsatlas.interchange.importer import rollback
    from integrationsatlas.registry.models import Funding, Organization, Schedule

    from .conftest import make_csv, service_row

    result = import_file(make_csv([service_row(1), service_row(2)]), "neu.csv")
    counts = rollback(result.batch)
    assert counts == {"restored": 0, "deleted": 2}
    assert not Service.objects.exists() and not Location.objects.exists()
    assert not Organization.objects.exists() and not Schedule.objects.exists()
    reason = f"Rücknahme von Import #{result.batch.pk}"
    for model in (Service, Location, Schedule, Funding, Organization):
        deleted = model.history.filter(history_type="-")
        assert deleted.exists(), model
        assert set(deleted.values_list("history_change_reason", flat=True)) == {reason}, model


def test_estimated_sites_are_flagged_where_they_are_shown(client):
    from integrationsatlas.interchange.exporter import export_services

    import_file(_template_csv(), "liste.csv")
    service = Service.objects.get(external_id="kl-1")
    page = client.get(f"/suche/angebot/{service.pk}/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Lage geschätzt (Postleitzahl)" in page
    english = client.get(
        f"/suche/angebot/{service.pk}/", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Location estimated (postal code)" in english
    api = client.get(f"/api/v1/services/{service.pk}").json()
    assert api["locations"][0]["placement"] == "postal_code"
    exported = export_services("csv").decode()
    assert exported.count(",postal_code,") >= 3  # the placement column survives an exchange


def test_cli_reads_a_list_with_a_mapping_profile(tmp_path):
    from django.core.management.base import CommandError

    path = tmp_path / "liste.csv"
    path.write_bytes(GERMAN_LIST.encode("cp1252"))
    profile = tmp_path / "zuordnung.yaml"
    profile.write_text("columns:\n  Bemerkung: ignore\noffer_type: mbe\n", encoding="utf-8")
    out = io.StringIO()
    call_command("import", str(path), "--mapping", str(profile), "--dry-run", stdout=out)
    text = out.getvalue()
    assert "Windows-1252 (cp1252)" in text and "Spalten zugeordnet:" in text
    assert "Probelauf, nichts gespeichert. 1 Angebote in der Datei: 1 neu" in text
    assert not Service.objects.exists()
    profile.write_text("columns: [kaputt", encoding="utf-8")
    with pytest.raises(CommandError, match="keine lesbare JSON- oder YAML-Datei"):
        call_command("import", str(path), "--mapping", str(profile))
