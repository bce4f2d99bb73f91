"""Backup and restore: a versioned file that brings every table back, or nothing at all."""

import datetime
import gzip
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from integrationsatlas.core.backup import FORMAT_VERSION, create_backup, read_backup, restore_backup
from integrationsatlas.registry.models import (
    Funding,
    Location,
    Organization,
    Service,
    ServiceAtLocation,
)
from integrationsatlas.standards.models import OfferType

PG_SERVER = os.environ.get("BACKUP_TEST_PG", "postgres://postgres@127.0.0.1:5432/postgres")


def _registry_with_history():
    user = get_user_model().objects.create_user("koordination", password="x-very-long-pw-1")
    org = Organization.objects.create(name="Diakonie <Pirna>", external_id="org-1")
    service = Service.objects.create(
        organization=org,
        offer_type=OfferType.objects.get(code="mbe"),
        name="Migrationsberatung Pirna",
        languages=["de", "ar"],
        capacity=1.5,
        is_published=True,
    )
    location = Location.objects.create(
        address="Dohnaische Str. 1",
        postal_code="01796",
        city="Pirna",
        longitude=13.94,
        latitude=50.96,
    )
    ServiceAtLocation.objects.create(service=service, location=location)
    Funding.objects.create(
        service=service, funder_level="bund", programme="MBE", end=datetime.date(2027, 12, 31)
    )
    service.name = "Migrationsberatung Pirna (neu)"
    service._change_reason = "Name geändert"
    service.save()
    return user, service


@pytest.mark.django_db
def test_backup_holds_rows_history_and_schema(tmp_path):
    _, service = _registry_with_history()
    counts = create_backup(tmp_path / "b.json.gz")
    document = read_backup(tmp_path / "b.json.gz")
    assert document["version"] == FORMAT_VERSION
    assert document["schema"]["registry"].startswith("000")
    assert counts["registry.Service"] == 1
    assert counts["registry.HistoricalService"] == 2  # created, then renamed
    assert counts["regions.Region"] == 432
    location = next(o for o in document["objects"] if o["model"] == "registry.location")
    assert location["fields"]["gemeinde"] == "14628270"  # derived Gemeinde kept as is


@pytest.mark.django_db
def test_restore_refuses_a_database_that_is_not_empty(tmp_path):
    create_backup(tmp_path / "b.json")
    with pytest.raises(CommandError, match="nicht leer"):
        call_command("restore", str(tmp_path / "b.json"))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not json", "keine lesbare Sicherung"),
        (json.dumps({"format": "other"}).encode(), "keine Integrationsatlas-Sicherung"),
        (
            json.dumps({"format": "integrationsatlas-backup", "version": 99}).encode(),
            "Format-Version 99",
        ),
    ],
)
def test_restore_refuses_broken_files_and_changes_nothing(tmp_path, content, message):
    path = tmp_path / "broken.json"
    path.write_bytes(content)
    before = Service.objects.count(), Organization.objects.count()
    with pytest.raises(CommandError, match=message):
        call_command("restore", str(path), "--replace")
    assert (Service.objects.count(), Organization.objects.count()) == before


@pytest.mark.django_db
def test_restore_refuses_another_schema(tmp_path):
    path = tmp_path / "b.json.gz"
    create_backup(path)
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        document = json.load(handle)
    document["schema"]["registry"] = "0099_future"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        json.dump(document, handle)
    with pytest.raises(CommandError, match="registry"):
        restore_backup_cmd(path)


def restore_backup_cmd(path: Path) -> None:
    call_command("restore", str(path), "--replace")


@pytest.mark.django_db
def test_replace_restores_the_saved_state(tmp_path):
    _, service = _registry_with_history()
    create_backup(tmp_path / "b.json")
    Service.objects.filter(pk=service.pk).update(name="überschrieben")
    restore_backup(tmp_path / "b.json", replace=True)
    assert Service.objects.get(pk=service.pk).name == "Migrationsberatung Pirna (neu)"


def _pg_available() -> bool:
    try:
        psycopg.connect(PG_SERVER, connect_timeout=2).close()
    except psycopg.Error:
        return False
    return True


def _cli(args: list[str], database_url: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url}
    return subprocess.run(
        [sys.executable, "-m", "integrationsatlas.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _objects_by_model(path: Path) -> dict:
    objects = read_backup(path)["objects"]
    grouped: dict = {}
    for obj in objects:
        grouped.setdefault(obj["model"], {})[json.dumps(obj["pk"])] = obj["fields"]
    return grouped


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.django_db
def test_restore_into_empty_postgresql_gives_every_table_back(tmp_path):
    if not _pg_available():
        pytest.skip(f"no PostgreSQL server answers at {PG_SERVER}")
    _registry_with_history()
    original = tmp_path / "original.json.gz"
    create_backup(original)

    name = f"ia_restore_{uuid.uuid4().hex[:10]}"
    admin = psycopg.connect(PG_SERVER, autocommit=True)
    admin.execute(f'CREATE DATABASE "{name}"')
    target = PG_SERVER.rsplit("/", 1)[0] + f"/{name}"
    try:
        assert _cli(["migrate", "--noinput", "-v", "0"], target).returncode == 0
        restored = _cli(["restore", str(original)], target)
        assert restored.returncode == 0, restored.stderr
        again = tmp_path / "again.json.gz"
        assert _cli(["backup", "--out", str(again)], target).returncode == 0
        before, after = _objects_by_model(original), _objects_by_model(again)
        assert before.keys() == after.keys()
        for model in before:
            for pk, fields in before[model].items():
                assert after[model].get(pk) == fields, f"{model} {pk} differs after restore"
            assert before[model].keys() == after[model].keys(), f"{model}: rows differ"
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
