"""Round trips (CSV, XLSX, HSDS), re-import without duplicates, rollback, HSDS schema and example."""

import json
import os
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from integrationsatlas.interchange.exporter import export_services, template
from integrationsatlas.interchange.importer import RollbackError, import_file, rollback
from integrationsatlas.registry.demo import load_demo
from integrationsatlas.registry.models import (
    Funding,
    ImportBatch,
    Location,
    Membership,
    Organization,
    Schedule,
    Service,
)

from .conftest import make_csv, service_row

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


def _empty_registry():
    Service.objects.all().delete()
    Location.objects.all().delete()
    Membership.objects.all().delete()
    Organization.objects.all().delete()


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "hsds"])
def test_export_import_into_empty_database_export_again_is_identical(fmt):
    load_demo(seed=5, target=60)
    first = export_services(fmt)
    flat_before = export_services("csv")
    _empty_registry()
    result = import_file(first, f"export.{'json' if fmt == 'hsds' else fmt}", fmt)
    assert not result.problems, result.problems[:3]
    assert export_services(fmt) == first
    assert export_services("csv") == flat_before
    assert Service.objects.filter(is_demo=True).count() == Service.objects.count() > 0


def test_reimport_updates_by_id_without_duplicates_and_rollback_restores():
    first = import_file(make_csv([service_row(1), service_row(2)]), "v1.csv")
    assert sorted(first.created) == ["test-svc-1", "test-svc-2"]
    state_v1 = export_services("csv")
    again = import_file(make_csv([service_row(1), service_row(2)]), "v1.csv")
    assert again.unchanged == ["test-svc-1", "test-svc-2"] and Service.objects.count() == 2
    v2 = [service_row(1, name="Beratung neu", hours="Fr 10:00-11:00"), service_row(3)]
    second = import_file(make_csv(v2), "v2.csv")
    assert second.updated == ["test-svc-1"] and second.created == ["test-svc-3"]
    assert Service.objects.count() == 3
    changed = Service.objects.get(external_id="test-svc-1")
    assert changed.history.first().history_change_reason == f"Import #{second.batch.pk}: v2.csv"
    counts = rollback(second.batch)
    assert counts == {"restored": 1, "deleted": 1}
    assert export_services("csv") == state_v1
    with pytest.raises(RollbackError):
        rollback(ImportBatch.objects.get(pk=second.batch.pk))


def _history_rows() -> dict[str, int]:
    models = (Service, Location, Schedule, Funding)
    return {model.__name__: model.history.count() for model in models}


def test_reimport_writes_history_only_for_what_changed_and_rollback_restores():
    import_file(make_csv([service_row(1), service_row(2)]), "v1.csv")
    state_v1 = export_services("csv")
    hours = sorted(Schedule.objects.values_list("pk", flat=True))
    rows_before = _history_rows()

    again = import_file(make_csv([service_row(1), service_row(2)]), "v1.csv")
    assert again.unchanged == ["test-svc-1", "test-svc-2"]
    assert _history_rows() == rows_before  # an unchanged service is not touched

    changed = import_file(make_csv([service_row(1, name="Beratung neu"), service_row(2)]), "v2.csv")
    assert changed.updated == ["test-svc-1"] and changed.unchanged == ["test-svc-2"]
    service = Service.objects.get(external_id="test-svc-1")
    assert service.name == "Beratung neu"
    assert service.history.first().history_change_reason == f"Import #{changed.batch.pk}: v2.csv"
    # One history row for the changed service; its unchanged site, hours and funding stay.
    assert _history_rows() == rows_before | {"Service": rows_before["Service"] + 1}
    assert sorted(Schedule.objects.values_list("pk", flat=True)) == hours

    rollback(changed.batch)
    assert export_services("csv") == state_v1


def test_geojson_export_marks_demo_and_has_points():
    load_demo(seed=2, target=40)
    document = json.loads(export_services("geojson"))
    assert document["type"] == "FeatureCollection"
    features = document["features"]
    assert features and all(f["properties"]["demo"] == "ja" for f in features)
    points = [f for f in features if f["geometry"]]
    assert points and all(len(f["geometry"]["coordinates"]) == 2 for f in points)


def test_template_lists_every_column_and_its_example_passes_a_dry_run():
    for fmt in ("csv", "xlsx"):
        result = import_file(template(fmt), f"vorlage.{fmt}", fmt, dry_run=True)
        assert not result.problems, result.problems
        assert result.created == ["beispiel-dresden-1"]
    assert template("xlsx") == template("xlsx")  # deterministic bytes


def test_hsds_export_validates_against_the_compiled_schema():
    schema_dir = _schema_dir()
    if schema_dir is None:
        pytest.skip("HSDS 3.0 schemas not found (../shared/ref/hsds-3.0 or HSDS_SCHEMA_DIR)")
    from jsonschema import Draft202012Validator

    schema = json.loads((schema_dir / "compiled" / "service.json").read_text())
    validator = Draft202012Validator(schema)
    load_demo(seed=4, target=40)
    services = json.loads(export_services("hsds"))
    assert services
    for service in services:
        errors = sorted(validator.iter_errors(service), key=str)
        assert not errors, errors[:3]


def _example(node):
    """An instance built from the `example` values the HSDS schema documents."""
    if node.get("type") == "object" or "properties" in node:
        return {k: _example(v) for k, v in node.get("properties", {}).items()}
    if node.get("type") == "array":
        return [_example(node["items"])]
    value = node.get("example")
    if node.get("type") in ("number", "integer") and isinstance(value, str):
        return float(value)
    return value


def test_official_hsds_example_service_imports():
    """The schema's documented example (the same values as the official service_full.json).

    Its placeholder coordinates (latitude 100, longitude 101) and postcode ("ABC 1234") are
    refused with a clear message; with a Dresden site and an offer type chosen at import, it
    imports with its organization, languages, schedule and phone.
    """
    schema_dir = _schema_dir()
    if schema_dir is None:
        pytest.skip("HSDS 3.0 schemas not found (../shared/ref/hsds-3.0 or HSDS_SCHEMA_DIR)")
    schema = json.loads((schema_dir / "compiled" / "service.json").read_text())
    example = _example(schema)
    official = Path(os.environ.get("HSDS_EXAMPLES_DIR", "/nonexistent")) / "service_full.json"
    if official.exists():
        example = json.loads(official.read_text())
    data = json.dumps([example]).encode()
    refused = import_file(data, "example.json", "hsds")
    assert not refused.written
    text = "\n".join(str(p) for p in refused.problems)
    assert "ungültige Koordinaten" in text and "unbekannte Angebotsart" in text
    assert not Service.objects.exists()

    for sal in example["service_at_locations"]:
        sal["location"].update(latitude=51.0504, longitude=13.7373)
        sal["location"]["addresses"][0]["postal_code"] = "01067"
    data = json.dumps([example]).encode()
    result = import_file(data, "example.json", "hsds", default_offer_type="psychosocial")
    assert not result.problems, result.problems
    # Free-text funding and service area have no structured equivalent: left out, reported.
    assert {w.column for w in result.warnings} == {"funding[0]", "service_areas[0]"}
    service = Service.objects.get(external_id=example["id"])
    assert service.name == "Community Counselling"
    assert service.organization.name == example["organization"]["name"]
    assert "ur" in service.languages
    assert service.offer_type.code == "psychosocial"
    location = service.locations.get()
    assert location.gemeinde_id == "14612000"
    assert location.service_at_locations.get().schedules.exists()


def test_commands_import_export_and_rollback(tmp_path):
    good = tmp_path / "gut.csv"
    good.write_bytes(make_csv([service_row(1)]))
    bad = tmp_path / "schlecht.csv"
    bad.write_bytes(make_csv([service_row(2, offer_type="xyz")]))
    err = StringIO()
    with pytest.raises(CommandError, match="nichts gespeichert"):
        call_command("import", str(bad), stderr=err, stdout=StringIO())
    assert "Zeile 2, Spalte offer_type: unbekannte Angebotsart" in err.getvalue()
    out = StringIO()
    call_command("import", str(good), "--dry-run", stdout=out)
    assert "Probelauf" in out.getvalue() and not Service.objects.exists()
    call_command("import", str(good), stdout=out)
    batch = ImportBatch.objects.get()
    assert Service.objects.count() == 1
    target = tmp_path / "alle.xlsx"
    call_command("export", "--format", "xlsx", "--out", str(target), stdout=out)
    assert target.read_bytes() == export_services("xlsx")
    call_command(
        "export", "--template", "--format", "csv", "--out", str(tmp_path / "v.csv"), stdout=out
    )
    assert (tmp_path / "v.csv").read_bytes() == template("csv")
    call_command("import", "--rollback", str(batch.pk), stdout=out)
    assert not Service.objects.exists()
