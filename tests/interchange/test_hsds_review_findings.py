"""The review's import findings: JSON paths for wrong types, no Python text, no silent cutting,
sites matched only within the importing provider, and dry-run counts that add up."""

import copy
import json

import pytest
from django.core.management import call_command

from integrationsatlas.interchange.exporter import export_services
from integrationsatlas.interchange.importer import import_file
from integrationsatlas.interchange.problems import ImportRefused
from integrationsatlas.registry.models import Location, Organization, Service

from .conftest import make_csv, service_row

pytestmark = pytest.mark.django_db

PYTHON_WORDS = ("object has no attribute", "Traceback", "Error", "'str'", "NoneType", "Expecting")


def _hsds_entry() -> dict:
    """One exported HSDS service (provider test-org, site test-loc-1), then the registry emptied."""
    assert not import_file(make_csv([service_row(1)]), "a.csv", "csv").problems
    entry = json.loads(export_services("hsds"))[0]
    Service.objects.all().delete()
    Location.objects.all().delete()
    Organization.objects.all().delete()
    return entry


def _import(entries, **options):
    return import_file(json.dumps(entries).encode(), "dienste.json", "hsds", **options)


def _no_python_text(result) -> None:
    for problem in [*result.problems, *result.warnings]:
        assert not any(word in str(problem) for word in PYTHON_WORDS), str(problem)


@pytest.mark.parametrize(
    ("change", "path", "message"),
    [
        (
            lambda e: e.update(languages="de"),
            "languages",
            "erwartet eine Liste, gefunden ein Text.",
        ),
        (
            lambda e: e["service_at_locations"][0]["location"].update(addresses="Altmarkt 1"),
            "service_at_locations[0].location.addresses",
            "erwartet eine Liste, gefunden ein Text.",
        ),
        (
            lambda e: e["service_at_locations"][0]["location"].update(latitude={"deg": 51}),
            "service_at_locations[0].location.latitude",
            "erwartet ein einzelner Wert (Text oder Zahl), gefunden ein Objekt.",
        ),
        (
            lambda e: e.update(organization="Träger"),
            "organization",
            "erwartet ein Objekt, gefunden ein Text.",
        ),
        (
            lambda e: e["attributes"].append("frei"),
            "attributes[{n}]",
            "erwartet ein Objekt, gefunden ein Text.",
        ),
    ],
)
def test_a_wrong_json_type_is_named_by_its_path(change, path, message):
    entry = _hsds_entry()
    change(entry)
    path = path.format(n=len(entry["attributes"]) - 1)
    result = _import([entry])
    assert [(p.row, p.column, p.message) for p in result.problems] == [(1, path, message)]
    assert str(result.problems[0]) == f"Zeile 1, Spalte {path}: {message}"
    _no_python_text(result)
    assert not Service.objects.exists()


def test_broken_json_is_refused_without_python_text():
    with pytest.raises(ImportRefused) as refused:
        import_file(b'[{"name": "x",]', "kaputt.json", "hsds")
    assert refused.value.problems[0].message == "kein gültiges JSON (Zeile 1, Spalte 15)."


@pytest.mark.parametrize(
    ("where", "path", "limit"),
    [
        (lambda e: e, "name", 300),
        (
            lambda e: e["service_at_locations"][0]["location"],
            "service_at_locations[0].location.name",
            300,
        ),
        (lambda e: e["organization"], "organization.name", 300),
    ],
)
def test_over_long_text_is_refused_with_path_and_limit(where, path, limit):
    entry = _hsds_entry()
    where(entry)["name"] = "N" * 100_000
    result = _import([entry])
    assert [(p.column, p.message) for p in result.problems] == [
        (path, f"zu lang: 100000 Zeichen, höchstens {limit} erlaubt.")
    ]
    assert not Service.objects.exists()


def test_a_site_of_another_provider_is_never_reused():
    entry = _hsds_entry()
    other = Organization.objects.create(name="Anderer Träger", external_id="anderer")
    theirs = Location.objects.create(
        organization=other,
        external_id="test-loc-1",  # the id the entry carries (attribute external_id)
        address="Fremde Straße 9",
        postal_code="01067",
        city="Dresden",
        longitude=13.74,
        latitude=51.05,
    )
    result = _import([entry])
    assert [(p.column, p.message) for p in result.problems] == [
        (
            "service_at_locations[0].location.id",
            f"Die Standort-ID „{theirs.external_id}“ gehört zu einem Standort eines anderen "
            "Trägers; bitte eine eigene ID verwenden.",
        )
    ]
    theirs.refresh_from_db()
    assert theirs.address == "Fremde Straße 9"
    assert not Service.objects.exists()


def test_own_sites_are_reused_and_the_summary_names_them():
    entry = _hsds_entry()
    assert not _import([entry]).problems
    site = Location.objects.get()
    second = copy.deepcopy(entry)
    second["id"] = "zweiter-dienst"
    second["attributes"] = [
        a for a in second["attributes"] if a["taxonomy_term"].get("code") != "external_id"
    ]
    result = _import([second])
    assert not result.problems, result.problems
    assert result.matched_locations == [site.external_id]
    assert result.batch.summary["matched_locations"] == [site.external_id]
    assert Location.objects.get() == site  # one site, both services


def _four_services() -> bytes:
    """Four services: one already stored unchanged, two new, one broken."""
    assert not import_file(make_csv([service_row(1)]), "a.csv", "csv").problems
    rows = [service_row(1), service_row(2), service_row(3), service_row(4, postal_code="1")]
    return make_csv(rows)


@pytest.mark.parametrize(
    ("skip_invalid", "expected"),
    [(False, (0, 0, 0, 4)), (True, (2, 0, 1, 1))],
)
def test_dry_run_counts_add_up_to_the_services_in_the_file(skip_invalid, expected):
    result = import_file(
        _four_services(), "vier.csv", "csv", dry_run=True, skip_invalid=skip_invalid
    )
    counts = (
        len(result.created),
        len(result.updated),
        len(result.unchanged),
        len(result.skipped),
    )
    assert result.services == 4
    assert counts == expected
    assert sum(counts) + len(result.submitted) == result.services


def test_the_command_reports_counts_that_add_up(tmp_path, capsys):
    path = tmp_path / "vier.csv"
    path.write_bytes(_four_services())
    call_command("import", str(path), "--dry-run", "--skip-invalid")
    out = capsys.readouterr().out
    assert (
        "4 Angebote in der Datei: 2 neu, 0 geändert, 1 unverändert, "
        "0 zur Prüfung eingereicht, 1 ausgelassen"
    ) in out
