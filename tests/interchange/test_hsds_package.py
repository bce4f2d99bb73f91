"""The HSDS package directory: JSON + tabular CSV per simple/schema.csv + datapackage.json,
round trip through the command line from JSON and from the CSV tables alone."""

import csv
import json
import os
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from integrationsatlas.interchange.hsds.package import TABLES
from integrationsatlas.registry.demo import load_demo
from integrationsatlas.registry.models import Location, Organization, Service

pytestmark = pytest.mark.django_db


def _simple_schema() -> Path | None:
    for candidate in (
        os.environ.get("HSDS_SCHEMA_DIR"),
        Path(settings.BASE_DIR).parent / "shared/ref/hsds-3.0",
    ):
        if candidate and (Path(candidate) / "simple" / "schema.csv").exists():
            return Path(candidate) / "simple" / "schema.csv"
    return None


def _empty_registry():
    Service.objects.all().delete()
    Location.objects.all().delete()
    Organization.objects.all().delete()


def _files(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


def _export(directory: Path) -> dict[str, bytes]:
    call_command("export", "--format", "hsds", "--out", str(directory), stdout=StringIO())
    return _files(directory)


def test_package_round_trip_from_json_and_from_tables_alone(tmp_path):
    load_demo(seed=3, target=40)
    first = _export(tmp_path / "a")
    assert {"services.json", "organizations.json", "datapackage.json", "service.csv"} <= set(first)
    services = json.loads(first["services.json"])
    assert len(services) == Service.objects.count()
    package = json.loads(first["datapackage.json"])
    assert {r["path"] for r in package["resources"]} >= {f"{t}.csv" for t in TABLES}

    _empty_registry()
    call_command("import", str(tmp_path / "a"), stdout=StringIO())
    assert _export(tmp_path / "b") == first

    # Only the tabular files: the services are rebuilt from the tables.
    tables = tmp_path / "tables"
    tables.mkdir()
    for name, content in first.items():
        if name.endswith(".csv"):
            (tables / name).write_bytes(content)
    _empty_registry()
    call_command("import", str(tables), stdout=StringIO())
    assert _export(tmp_path / "c") == first


def test_tabular_columns_are_those_of_the_official_schema(tmp_path):
    schema = _simple_schema()
    if schema is None:
        pytest.skip("HSDS simple/schema.csv not found (../shared/ref/hsds-3.0 or HSDS_SCHEMA_DIR)")
    official: dict[str, list[str]] = {}
    with schema.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["type"] not in ("array", "object"):
                official.setdefault(row["table_name"], []).append(row["name"])
    load_demo(seed=3, target=20)
    files = _export(tmp_path / "p")
    for table in TABLES:
        header = next(csv.reader(files[f"{table}.csv"].decode().splitlines()))
        assert header == official[table], table
    assert files["service.csv"].count(b"\n") == Service.objects.count() + 1


def test_ids_survive_reimport_and_exception_days_travel(tmp_path):
    """A pk-only service keeps its HSDS id through export and import into an empty registry;
    a non-UUID external id comes back exactly; exception days and provider phones travel."""
    import datetime as dt

    from integrationsatlas.interchange.hsds import ids
    from integrationsatlas.registry.models import ScheduleException

    load_demo(seed=3, target=20)
    first_service = Service.objects.order_by("pk").first()
    first_service.external_id = None
    first_service.save()
    link = first_service.service_at_locations.first()
    ScheduleException.objects.create(
        service_at_location=link, date=dt.date(2030, 12, 24), note="Heiligabend"
    )
    pk_id = ids.hsds_id("service", first_service.pk)
    other = Service.objects.exclude(pk=first_service.pk).order_by("pk").first()
    other_external = other.external_id
    first = _export(tmp_path / "a")
    _empty_registry()
    call_command("import", str(tmp_path / "a"), stdout=StringIO())
    assert Service.objects.get(external_id=pk_id).name == first_service.name
    assert Service.objects.filter(external_id=other_external).exists()
    assert ScheduleException.objects.filter(note="Heiligabend", closed=True).count() == 1
    assert _export(tmp_path / "b") == first
