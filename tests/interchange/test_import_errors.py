"""Every kind of bad input is reported by row, column and reason, and nothing is written."""

import pytest

from integrationsatlas.interchange.exporter import export_services
from integrationsatlas.interchange.importer import import_file
from integrationsatlas.interchange.problems import ImportRefused
from integrationsatlas.registry.models import (
    Funding,
    ImportBatch,
    Location,
    Organization,
    Schedule,
    Service,
)

from .conftest import make_csv, service_row

pytestmark = pytest.mark.django_db


def _state():
    counts = tuple(
        m.objects.count() for m in (Service, Location, Organization, Schedule, Funding, ImportBatch)
    )
    return counts, export_services("csv")


@pytest.fixture
def existing():
    """One valid service already in the database, so 'unchanged' covers content too."""
    result = import_file(make_csv([service_row(1)]), "start.csv")
    assert result.written and not result.problems
    return _state()


@pytest.mark.parametrize(
    ("changes", "column", "reason"),
    [
        ({"offer_type": "astrologie"}, "offer_type", "unbekannte Angebotsart „astrologie“"),
        ({"latitude": "100"}, "longitude", "ungültige Koordinaten"),
        ({"longitude": "dreizehn"}, "longitude", "ist keine Zahl"),
        ({"longitude": "13.4050", "latitude": "52.5200"}, "longitude", "außerhalb Sachsens"),
        ({"languages": "de|xx"}, "languages", "unbekannter Sprachcode „xx“"),
        ({"funding_end": "2020-01-01"}, "funding_end", "Ende vor Beginn"),
        ({"hours": "Mo 09:75-12:00"}, "hours", "ungültige Uhrzeit"),
        ({"hours": "Mo 14:00-12:00"}, "hours", "Ende vor Beginn"),
        ({"hours": "montags neun bis zwölf"}, "hours", "keine Zeitangabe"),
        ({"funding_start": "31.12.2024"}, "funding_start", "kein Datum"),
        ({"service_area": "99999"}, "service_area", "unbekannter Regionalschlüssel"),
        ({"status": "vielleicht"}, "status", "unbekannter Status"),
        ({"email": "keine-adresse"}, "email", "keine gültige E-Mail-Adresse"),
        ({"postal_code": "1067"}, "postal_code", "nicht 5 Ziffern"),
        ({"name": ""}, "name", "Pflichtfeld"),
        ({"funding_level": "bund|land"}, "funding_funder", "Einträge"),
    ],
)
def test_bad_cell_is_reported_and_nothing_written(existing, changes, column, reason):
    rows = [service_row(2), service_row(3, **changes)]
    result = import_file(make_csv(rows), "fehler.csv")
    assert not result.written
    messages = [str(p) for p in result.problems]
    assert any(
        p.row == 3 and p.column == column and reason in p.message for p in result.problems
    ), messages
    assert any(m.startswith(f"Zeile 3, Spalte {column}:") for m in messages)
    assert _state() == existing  # the valid row 2 was not written either


def test_duplicate_ids_are_reported(existing):
    rows = [service_row(2), service_row(2)]
    result = import_file(make_csv(rows), "doppelt.csv")
    assert [(p.row, p.column) for p in result.problems] == [(3, "location_id")]
    assert "doppelte ID" in result.problems[0].message
    # The same service twice with different service columns is a conflict, too.
    rows = [service_row(2), service_row(2, location_id="test-loc-9", name="Anders")]
    result = import_file(make_csv(rows), "widerspruch.csv")
    assert any(p.row == 3 and p.column == "name" for p in result.problems)
    assert _state() == existing


def test_header_problems_refuse_the_file(existing):
    with pytest.raises(ImportRefused) as refused:
        import_file(b"service_id,name,farbe\nx,y,rot\n", "kopf.csv")
    text = str(refused.value)
    assert "Spalte offer_type: Pflichtspalte fehlt" in text
    assert "Spalte farbe: unbekannte Spalte" in text
    with pytest.raises(ImportRefused, match="UTF-8"):
        import_file(b"service_id;name\n\x81;x\n", "unbekannt.csv")
    with pytest.raises(ImportRefused, match="XLSX"):
        import_file(b"not a zip", "kaputt.xlsx")
    assert _state() == existing


def test_skip_invalid_writes_the_valid_rows_only(existing):
    rows = [service_row(2), service_row(3, languages="de|xx")]
    result = import_file(make_csv(rows), "teilweise.csv", skip_invalid=True)
    assert result.written
    assert result.created == ["test-svc-2"] and result.skipped == ["test-svc-3"]
    assert Service.objects.filter(external_id="test-svc-2").exists()
    assert not Service.objects.filter(external_id="test-svc-3").exists()


def test_dry_run_writes_nothing(existing):
    result = import_file(make_csv([service_row(2)]), "probe.csv", dry_run=True)
    assert not result.written and not result.problems
    assert result.created == ["test-svc-2"]
    assert _state() == existing


def test_hostile_strings_are_stored_as_text(existing):
    row = service_row(2, name="<script>alert(1)</script>", description="'; DROP TABLE x; --")
    result = import_file(make_csv([row]), "boese.csv")
    assert result.written
    service = Service.objects.get(external_id="test-svc-2")
    assert service.name == "<script>alert(1)</script>"


def test_unnamed_header_cells_are_named_by_position():
    from integrationsatlas.interchange.flat_reader import check_header
    from integrationsatlas.interchange.problems import ImportRefused

    with pytest.raises(ImportRefused) as refused:
        check_header(["service_id", "", "name", ""])
    columns = [problem.column for problem in refused.value.problems]
    assert "Spalte 2 (ohne Namen)" in columns
    assert "Spalte 4 (ohne Namen)" in columns
    assert "" not in columns
